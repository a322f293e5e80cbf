#include "fairness/proxies.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <unordered_map>

namespace candor::fairness {
namespace {

// One-vs-rest AUC of each attribute value from blocks of tied scores in
// ascending order; count[b * values + v] rows of value v in block b.
std::vector<double> OneVsRestAuc(std::span<const int64_t> count, std::size_t values) {
  const std::size_t blocks = values == 0 ? 0 : count.size() / values;
  std::vector<int64_t> total(values, 0);
  int64_t all = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    for (std::size_t v = 0; v < values; ++v) total[v] += count[b * values + v];
  }
  for (int64_t t : total) all += t;
  std::vector<double> auc(values, std::nan(""));
  for (std::size_t v = 0; v < values; ++v) {
    const int64_t pos = total[v], neg = all - total[v];
    if (pos == 0 || neg == 0) continue;
    double u2 = 0;  // twice the Mann-Whitney U
    int64_t neg_below = 0;
    for (std::size_t b = 0; b < blocks; ++b) {
      int64_t block = 0;
      for (std::size_t w = 0; w < values; ++w) block += count[b * values + w];
      const int64_t p = count[b * values + v], q = block - p;
      u2 += static_cast<double>(p) * static_cast<double>(2 * neg_below + q);
      neg_below += q;
    }
    auc[v] = u2 / (2.0 * static_cast<double>(pos) * static_cast<double>(neg));
  }
  return auc;
}

double MutualInformationBits(std::span<const int64_t> joint, std::size_t values) {
  const std::size_t bins = joint.size() / values;
  std::vector<double> by_bin(bins, 0), by_value(values, 0);
  double n = 0;
  for (std::size_t b = 0; b < bins; ++b) {
    for (std::size_t v = 0; v < values; ++v) {
      const auto c = static_cast<double>(joint[b * values + v]);
      by_bin[b] += c;
      by_value[v] += c;
      n += c;
    }
  }
  double mi = 0;
  for (std::size_t b = 0; b < bins; ++b) {
    for (std::size_t v = 0; v < values; ++v) {
      const auto c = static_cast<double>(joint[b * values + v]);
      if (c > 0) mi += c / n * std::log2(c * n / (by_bin[b] * by_value[v]));
    }
  }
  return std::max(mi, 0.0);
}

// Per row: the feature's bin for the MI (the last bin is "missing").
struct Binned {
  std::vector<uint32_t> bin;
  std::size_t bins = 0;
};

core::Result<Binned> BinFeature(const ProxyFeature& f, int numeric_bins) {
  Binned out;
  out.bin.resize(f.values.size());
  if (f.categorical) {
    std::unordered_map<float, uint32_t> ids;
    for (std::size_t i = 0; i < f.values.size(); ++i) {
      const float v = f.values[i];
      if (std::isnan(v)) continue;
      if (!(v >= 0 && v == std::floor(v) && v < 16777216.0f)) {
        return core::InvalidArgument(fmt::format(
            "feature {}, row {}: a categorical code must be a non-negative integer", f.name, i));
      }
      out.bin[i] = ids.try_emplace(v, static_cast<uint32_t>(ids.size())).first->second;
    }
    out.bins = ids.size() + 1;
  } else {
    std::vector<float> known;
    for (float v : f.values) {
      if (!std::isnan(v)) known.push_back(v);
    }
    std::sort(known.begin(), known.end());
    std::vector<float> edges;
    const auto bins = static_cast<std::size_t>(numeric_bins);
    for (std::size_t i = 1; i < bins && !known.empty(); ++i) {
      const float e = known[i * known.size() / bins];
      if (edges.empty() || e > edges.back()) edges.push_back(e);
    }
    for (std::size_t i = 0; i < f.values.size(); ++i) {
      if (std::isnan(f.values[i])) continue;
      out.bin[i] = static_cast<uint32_t>(std::upper_bound(edges.begin(), edges.end(), f.values[i]) -
                                         edges.begin());
    }
    out.bins = edges.size() + 2;
  }
  const auto missing = static_cast<uint32_t>(out.bins - 1);
  for (std::size_t i = 0; i < f.values.size(); ++i) {
    if (std::isnan(f.values[i])) out.bin[i] = missing;
  }
  return out;
}

// Tie blocks of a numeric feature as a score, ascending, with counts per
// attribute value; rows without the feature or the attribute take no part.
std::vector<int64_t> ScoreBlocks(const ProxyFeature& f, const ProtectedAttribute& a) {
  const std::size_t values = a.values.size();
  std::vector<uint32_t> rows;
  for (std::size_t i = 0; i < f.values.size(); ++i) {
    if (a.codes[i] >= 0 && !std::isnan(f.values[i])) rows.push_back(static_cast<uint32_t>(i));
  }
  std::sort(rows.begin(), rows.end(),
            [&](uint32_t x, uint32_t y) { return f.values[x] < f.values[y]; });
  std::vector<int64_t> blocks;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    if (k == 0 || f.values[rows[k]] != f.values[rows[k - 1]]) blocks.resize(blocks.size() + values, 0);
    ++blocks[blocks.size() - values + static_cast<std::size_t>(a.codes[rows[k]])];
  }
  return blocks;
}

// Categorical: per value, the categories sorted by their share of the value are
// the tie blocks (equal shares tie).
std::vector<double> CategoricalAuc(const Binned& binned, const ProtectedAttribute& a) {
  const std::size_t values = a.values.size();
  const std::size_t cats = binned.bins - 1;  // without "missing"
  std::vector<int64_t> count(cats * values, 0);
  for (std::size_t i = 0; i < a.codes.size(); ++i) {
    if (a.codes[i] < 0 || binned.bin[i] == cats) continue;
    ++count[binned.bin[i] * values + static_cast<std::size_t>(a.codes[i])];
  }
  std::vector<double> auc(values, std::nan(""));
  for (std::size_t v = 0; v < values; ++v) {
    std::vector<std::pair<double, std::size_t>> share;  // (share of v, category)
    for (std::size_t c = 0; c < cats; ++c) {
      int64_t total = 0;
      for (std::size_t w = 0; w < values; ++w) total += count[c * values + w];
      if (total > 0) share.emplace_back(static_cast<double>(count[c * values + v]) / static_cast<double>(total), c);
    }
    std::sort(share.begin(), share.end());
    std::vector<int64_t> blocks;
    for (std::size_t k = 0; k < share.size(); ++k) {
      if (k == 0 || share[k].first != share[k - 1].first) blocks.resize(blocks.size() + values, 0);
      for (std::size_t w = 0; w < values; ++w) {
        blocks[blocks.size() - values + w] += count[share[k].second * values + w];
      }
    }
    auc[v] = OneVsRestAuc(blocks, values)[v];
  }
  return auc;
}

}  // namespace

core::Result<std::vector<ProxyReport>> DetectProxies(std::span<const ProxyFeature> features,
                                                     std::span<const ProtectedAttribute> attributes,
                                                     const ProxyOptions& options) {
  if (!(options.auc_threshold >= 0.5 && options.auc_threshold <= 1)) {
    return core::InvalidArgument("proxy AUC threshold must be in [0.5, 1]");
  }
  if (options.numeric_bins < 2) return core::InvalidArgument("proxy bins must be >= 2");
  std::set<std::string> names;
  std::vector<ProxyReport> out;
  for (const ProxyFeature& f : features) {
    if (f.name.empty() || !names.insert(f.name).second) {
      return core::InvalidArgument(fmt::format("proxy feature name '{}' empty or repeated", f.name));
    }
    CANDOR_ASSIGN_OR_RETURN(Binned binned, BinFeature(f, options.numeric_bins));
    for (const ProtectedAttribute& a : attributes) {
      if (a.codes.size() != f.values.size()) {
        return core::InvalidArgument(fmt::format("feature {} has {} rows, attribute {} {}", f.name,
                                                 f.values.size(), a.name, a.codes.size()));
      }
      const std::size_t values = a.values.size();
      ProxyReport r;
      r.feature = f.name;
      r.attribute = a.name;
      std::vector<int64_t> joint(binned.bins * values, 0);
      for (std::size_t i = 0; i < a.codes.size(); ++i) {
        if (a.codes[i] < 0) continue;
        ++r.rows;
        ++joint[binned.bin[i] * values + static_cast<std::size_t>(a.codes[i])];
      }
      if (values > 0) r.mi_bits = r.rows > 0 ? MutualInformationBits(joint, values) : 0;
      const std::vector<double> auc = f.categorical ? CategoricalAuc(binned, a)
                                                    : OneVsRestAuc(ScoreBlocks(f, a), values);
      for (std::size_t v = 0; v < values; ++v) {
        if (std::isnan(auc[v])) continue;
        const double folded = std::max(auc[v], 1 - auc[v]);
        if (!r.auc || folded > *r.auc) {
          r.auc = folded;
          r.auc_value = a.values[v];
        }
      }
      r.flagged = r.auc && *r.auc >= options.auc_threshold;
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace candor::fairness
