#include "fairness/resampler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

namespace candor::fairness {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// SplitMix64, handing out 32-bit halves; Lemire's unbiased bounded draw.
class Rng {
 public:
  explicit Rng(uint64_t state) : state_(state) {}

  uint32_t Below(uint32_t m) {
    uint64_t product = uint64_t{Next32()} * m;
    auto low = static_cast<uint32_t>(product);
    if (low < m) {
      const uint32_t threshold = (0u - m) % m;
      while (low < threshold) {
        product = uint64_t{Next32()} * m;
        low = static_cast<uint32_t>(product);
      }
    }
    return static_cast<uint32_t>(product >> 32);
  }

 private:
  uint32_t Next32() {
    if (have_half_) {
      have_half_ = false;
      return static_cast<uint32_t>(half_ >> 32);
    }
    state_ += 0x9e3779b97f4a7c15ULL;
    half_ = Mix64(state_);
    have_half_ = true;
    return static_cast<uint32_t>(half_);
  }

  uint64_t state_;
  uint64_t half_ = 0;
  bool have_half_ = false;
};

}  // namespace

core::Result<Resampler> Resampler::Create(std::span<const Grouping> groupings,
                                          std::span<const float> y_true,
                                          std::span<const uint8_t> selected,
                                          std::span<const double> auc_scores,
                                          std::span<const double> probabilities) {
  const std::size_t n = y_true.size();
  if (n == 0) return core::InvalidArgument("no rows to audit");
  if (n >= std::numeric_limits<uint32_t>::max()) {
    return core::InvalidArgument(fmt::format("{} rows are more than an audit takes", n));
  }
  if (selected.size() != n || (!auc_scores.empty() && auc_scores.size() != n) ||
      (!probabilities.empty() && probabilities.size() != n)) {
    return core::InvalidArgument("labels, selections, scores and probabilities differ in length");
  }
  for (const Grouping& g : groupings) {
    if (g.groups.size() != n) {
      return core::InvalidArgument(fmt::format("grouping {} covers {} of {} rows", g.name,
                                               g.groups.size(), n));
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (y_true[i] != 0.0f && y_true[i] != 1.0f) {
      return core::InvalidArgument(fmt::format("row {}: a label must be 0 or 1", i));
    }
    if (selected[i] > 1) return core::InvalidArgument(fmt::format("row {}: selection not 0/1", i));
    if (!auc_scores.empty() && !std::isfinite(auc_scores[i])) {
      return core::InvalidArgument(fmt::format("row {}: a score must be finite", i));
    }
    if (!probabilities.empty() && !(probabilities[i] >= 0 && probabilities[i] <= 1)) {
      return core::InvalidArgument(fmt::format("row {}: a probability must be in [0, 1]", i));
    }
  }

  Resampler r;
  r.rows_ = n;
  r.has_auc_ = !auc_scores.empty();
  r.has_ece_ = !probabilities.empty();

  // Strata: the rows' combination of every attribute's group, renumbered densely.
  std::vector<uint32_t> stratum_of_row(n, 0);
  std::size_t strata = 1;
  for (const Grouping& g : groupings) {
    if (g.intersection) continue;
    std::unordered_map<uint64_t, uint32_t> ids;
    const uint64_t radix = g.values.size() + 1;
    for (std::size_t i = 0; i < n; ++i) {
      const uint64_t key = uint64_t{stratum_of_row[i]} * radix + static_cast<uint64_t>(g.groups[i] + 1);
      auto [it, added] = ids.try_emplace(key, static_cast<uint32_t>(ids.size()));
      stratum_of_row[i] = it->second;
    }
    strata = ids.size();
  }

  // Sorted positions: ascending score, negatives before positives within a tie.
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  if (r.has_auc_) {
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      if (auc_scores[a] != auc_scores[b]) return auc_scores[a] < auc_scores[b];
      if (y_true[a] != y_true[b]) return y_true[a] < y_true[b];
      return a < b;
    });
  }
  r.packed_.resize(n);
  r.stratum_.resize(n);
  r.cell_.resize(n);
  if (r.has_ece_) r.probability_.resize(n);
  std::vector<std::size_t> stratum_size(strata, 0);
  for (std::size_t p = 0; p < n; ++p) {
    const uint32_t i = order[p];
    uint8_t bits = 0;
    if (y_true[i] == 1.0f) bits |= kLabel;
    if (selected[i] != 0) bits |= kSelected;
    if (r.has_ece_) {
      // The bin of model::ExpectedCalibrationError.
      const std::size_t bin = std::min(
          static_cast<std::size_t>(std::floor(probabilities[i] * static_cast<double>(kBins))),
          kBins - 1);
      bits = static_cast<uint8_t>(bits | (bin << kBinShift));
      r.probability_[p] = probabilities[i];
    }
    if (r.has_auc_ && (p == 0 || auc_scores[i] != auc_scores[order[p - 1]])) bits |= kNewBlock;
    r.packed_[p] = bits;
    r.stratum_[p] = stratum_of_row[i];
    r.cell_[p] = static_cast<uint32_t>(
        (std::size_t{stratum_of_row[i]} * kBins + ((bits >> kBinShift) & 15)) * 2 + (selected[i] != 0));
    ++stratum_size[stratum_of_row[i]];
  }
  r.stratum_start_.assign(strata + 1, 0);
  for (std::size_t s = 0; s < strata; ++s) {
    r.stratum_start_[s + 1] = r.stratum_start_[s] + stratum_size[s];
  }
  r.slot_in_stratum_.resize(n);
  std::vector<std::size_t> fill(r.stratum_start_.begin(), r.stratum_start_.end() - 1);
  for (std::size_t p = 0; p < n; ++p) {
    r.slot_in_stratum_[p] = static_cast<uint32_t>(fill[r.stratum_[p]]++);
  }

  std::size_t slots = 0;
  for (const Grouping& g : groupings) {
    std::vector<int32_t> map(strata, -1);
    for (std::size_t i = 0; i < n; ++i) map[stratum_of_row[i]] = g.groups[i];
    r.stratum_group_.push_back(std::move(map));
    r.group_count_.push_back(g.values.size());
    r.slot_offset_.push_back(slots);
    slots += g.values.size();
  }
  r.slot_of_.resize(strata * groupings.size());
  for (std::size_t s = 0; s < strata; ++s) {
    for (std::size_t k = 0; k < groupings.size(); ++k) {
      const int32_t g = r.stratum_group_[k][s];
      r.slot_of_[s * groupings.size() + k] =
          static_cast<uint32_t>(g < 0 ? slots : r.slot_offset_[k] + static_cast<std::size_t>(g));
    }
  }
  return r;
}

GroupingCounts Resampler::Identity(Scratch& scratch) const {
  scratch.draws8.assign(rows_, 1);
  return Pass<uint8_t>(scratch.draws8, scratch);
}

GroupingCounts Resampler::Resample(uint64_t seed, uint64_t index, Scratch& scratch) const {
  const uint64_t state = Mix64(seed ^ Mix64(index + 0x632be59bd9b4e019ULL));
  auto draw = [&](auto& draws) {
    using Count = typename std::decay_t<decltype(draws)>::value_type;
    draws.assign(rows_, 0);
    Rng rng(state);
    bool wrapped = false;
    for (std::size_t s = 0; s + 1 < stratum_start_.size(); ++s) {
      Count* stratum = draws.data() + stratum_start_[s];
      const auto m = static_cast<uint32_t>(stratum_start_[s + 1] - stratum_start_[s]);
      for (uint32_t k = 0; k < m; ++k) {
        Count& c = stratum[rng.Below(m)];
        c = static_cast<Count>(c + 1);
        wrapped |= c == 0;
      }
    }
    return !wrapped;
  };
  if (draw(scratch.draws8)) return Pass<uint8_t>(scratch.draws8, scratch);
  draw(scratch.draws32);  // a row drawn 256 times: the same draws, wider counts
  return Pass<uint32_t>(scratch.draws32, scratch);
}

template <typename Count, std::size_t K>
void Resampler::Accumulate(std::span<const Count> draws, Scratch& scratch) const {
  const std::size_t groupings = stratum_group_.size();
  const std::size_t kGroupings = K == 0 ? groupings : K;
  int64_t* cells = scratch.cells.data();
  double* cell_p = scratch.bin_p.data();
  int64_t* auc = scratch.auc.data();
  // Branch-free on the data: a row drawn 0 times adds zeros, and the tie-block
  // bookkeeping is right for positives too (a group's negatives precede its
  // positives within a block). Missing groups write to a dummy slot.
  int64_t block = 0;
  for (std::size_t p = 0; p < rows_; ++p) {
    const uint8_t bits = packed_[p];
    block += (bits & kNewBlock) != 0;
    const int64_t c = draws[slot_in_stratum_[p]];
    const int64_t cy = c * (bits & kLabel);
    const uint32_t cell = cell_[p];
    cells[2 * std::size_t{cell}] += c;
    cells[2 * std::size_t{cell} + 1] += cy;
    if (has_ece_) cell_p[cell] += static_cast<double>(c) * probability_[p];
    if (!has_auc_) continue;
    const uint32_t* slot_of = slot_of_.data() + std::size_t{stratum_[p]} * groupings;
    for (std::size_t k = 0; k < kGroupings; ++k) {
      // slot: negatives so far, negatives before this tie block, 2U, this block
      int64_t* slot = auc + 4 * std::size_t{slot_of[k]};
      const int64_t before = slot[3] != block ? slot[0] : slot[1];
      slot[1] = before;
      slot[3] = block;
      // A positive pairs with the negatives below (2 each) and the tied ones (1
      // each): 2 * before + (negatives - before).
      slot[2] += cy * (slot[0] + before);
      slot[0] += c - cy;
    }
  }
}

template <typename Count>
GroupingCounts Resampler::Pass(std::span<const Count> draws, Scratch& scratch) const {
  const std::size_t strata = stratum_start_.size() - 1;
  scratch.cells.assign(strata * kBins * 2 * 2, 0);
  if (has_ece_) scratch.bin_p.assign(strata * kBins * 2, 0.0);
  const std::size_t slots = slot_offset_.empty() ? 0 : slot_offset_.back() + group_count_.back();
  if (has_auc_) scratch.auc.assign((slots + 1) * 4, 0);  // + the dummy slot
  const std::size_t groupings = stratum_group_.size();
  switch (groupings) {  // the usual shapes get the AUC loop unrolled
    case 1: Accumulate<Count, 1>(draws, scratch); break;
    case 3: Accumulate<Count, 3>(draws, scratch); break;
    case 6: Accumulate<Count, 6>(draws, scratch); break;
    default: Accumulate<Count, 0>(draws, scratch); break;
  }
  const int64_t* cells = scratch.cells.data();  // per (stratum, bin, selected): n, positives
  const double* cell_p = scratch.bin_p.data();    // per (stratum, bin, selected): sum of p
  const int64_t* auc = scratch.auc.data();

  GroupingCounts out(groupings);
  std::vector<int64_t> gbins;
  std::vector<double> gbin_p;
  for (std::size_t k = 0; k < groupings; ++k) {
    const std::size_t groups = group_count_[k];
    out[k].assign(groups, GroupCounts{});
    gbins.assign(groups * kBins * 2, 0);
    gbin_p.assign(groups * kBins, 0.0);
    for (std::size_t s = 0; s < strata; ++s) {
      const int32_t g = stratum_group_[k][s];
      if (g < 0) continue;
      const auto gi = static_cast<std::size_t>(g);
      GroupCounts& gc = out[k][gi];
      for (std::size_t b = 0; b < kBins; ++b) {
        for (std::size_t sel = 0; sel < 2; ++sel) {
          const std::size_t cell = (s * kBins + b) * 2 + sel;
          const int64_t cn = cells[2 * cell], cpos = cells[2 * cell + 1];
          gc.n += cn;
          gc.positives += cpos;
          gc.selected += sel ? cn : 0;
          gc.true_positives += sel ? cpos : 0;
          gbins[2 * (gi * kBins + b)] += cn;
          gbins[2 * (gi * kBins + b) + 1] += cpos;
          if (has_ece_) gbin_p[gi * kBins + b] += cell_p[cell];
        }
      }
    }
    for (std::size_t g = 0; g < groups; ++g) {
      GroupCounts& gc = out[k][g];
      const int64_t neg = gc.n - gc.positives;
      gc.auc = kNaN;
      if (has_auc_ && gc.positives > 0 && neg > 0) {
        const int64_t u2 = auc[4 * (slot_offset_[k] + g) + 2];
        gc.auc = static_cast<double>(u2) /
                 (2.0 * static_cast<double>(gc.positives) * static_cast<double>(neg));
      }
      gc.ece = kNaN;
      if (has_ece_ && gc.n > 0) {
        double ece = 0;
        for (std::size_t b = 0; b < kBins; ++b) {
          const auto nb = static_cast<double>(gbins[2 * (g * kBins + b)]);
          if (nb <= 0) continue;
          const auto yb = static_cast<double>(gbins[2 * (g * kBins + b) + 1]);
          ece += std::abs(gbin_p[g * kBins + b] / nb - yb / nb) * nb;
        }
        gc.ece = ece / static_cast<double>(gc.n);
      }
    }
  }
  return out;
}

}  // namespace candor::fairness
