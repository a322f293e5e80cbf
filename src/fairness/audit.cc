#include "fairness/audit.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

#include "fairness/metrics.h"
#include "fairness/resampler.h"
#include "model/metrics.h"

namespace candor::fairness {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Which groups of a grouping are compared, and with which reference.
struct Plan {
  std::vector<bool> sufficient;
  int32_t reference = -1;
  std::size_t offset = 0;  // first statistic of this grouping
  std::size_t groups = 0;
  std::size_t MetricAt(std::size_t g, std::size_t m) const { return offset + g * kGroupMetricCount + m; }
  std::size_t VersusAt(std::size_t g, std::size_t c) const {
    return offset + groups * kGroupMetricCount + g * kGroupComparisonCount + c;
  }
  std::size_t BetweenAt(std::size_t c) const {
    return offset + groups * (kGroupMetricCount + kGroupComparisonCount) + c;
  }
  std::size_t Size() const {
    return groups * (kGroupMetricCount + kGroupComparisonCount) + kBetweenComparisonCount;
  }
};

ConfusionCounts ConfusionOf(const GroupCounts& c) {
  ConfusionCounts m;
  m.tp = static_cast<double>(c.true_positives);
  m.fp = static_cast<double>(c.selected - c.true_positives);
  m.fn = static_cast<double>(c.positives - c.true_positives);
  m.tn = static_cast<double>(c.n - c.positives) - m.fp;
  return m;
}

double Or(std::optional<double> v) { return v.value_or(kNaN); }

// Every statistic of the audit from one (re)sample's counts.
void Statistics(std::span<const Plan> plans, const GroupingCounts& counts, std::span<double> out) {
  for (std::size_t k = 0; k < plans.size(); ++k) {
    const Plan& plan = plans[k];
    std::vector<GroupRates> rates(plan.groups);
    GroupCounts all;
    for (std::size_t g = 0; g < plan.groups; ++g) {
      const GroupCounts& c = counts[k][g];
      const ConfusionCounts m = ConfusionOf(c);
      rates[g] = GroupRates::Of(m);
      const double values[kGroupMetricCount] = {
          Or(m.BaseRate()),  Or(m.SelectionRate()), Or(m.TruePositiveRate()),
          Or(m.FalsePositiveRate()), Or(m.Precision()), c.auc, c.ece};
      std::copy(std::begin(values), std::end(values), out.begin() + static_cast<std::ptrdiff_t>(plan.MetricAt(g, 0)));
      all.n += c.n;
      all.positives += c.positives;
      all.selected += c.selected;
      all.true_positives += c.true_positives;
    }
    std::vector<GroupRates> compared;
    for (std::size_t g = 0; g < plan.groups; ++g) {
      std::array<double, kGroupComparisonCount> v;
      v.fill(kNaN);
      if (plan.sufficient[g]) {
        compared.push_back(rates[g]);
        if (plan.reference >= 0 && g != static_cast<std::size_t>(plan.reference)) {
          v = CompareWithReference(rates[g], rates[static_cast<std::size_t>(plan.reference)]);
        }
      }
      std::copy(v.begin(), v.end(), out.begin() + static_cast<std::ptrdiff_t>(plan.VersusAt(g, 0)));
    }
    const auto between = CompareBetweenGroups(compared, GroupRates::Of(ConfusionOf(all)));
    std::copy(between.begin(), between.end(), out.begin() + static_cast<std::ptrdiff_t>(plan.BetweenAt(0)));
  }
}

// Point estimates through the model module's own metrics, row subsets per group.
core::Result<GroupingCounts> PointCounts(std::span<const Grouping> groupings,
                                         std::span<const float> y_true,
                                         std::span<const float> selected,
                                         std::span<const double> auc_scores,
                                         std::span<const double> probabilities) {
  GroupingCounts out;
  for (const Grouping& grouping : groupings) {
    std::vector<std::vector<std::size_t>> rows(grouping.values.size());
    for (std::size_t i = 0; i < grouping.groups.size(); ++i) {
      if (grouping.groups[i] >= 0) rows[static_cast<std::size_t>(grouping.groups[i])].push_back(i);
    }
    std::vector<GroupCounts> groups;
    for (const std::vector<std::size_t>& members : rows) {
      std::vector<float> y, s;
      std::vector<double> score, p;
      for (std::size_t i : members) {
        y.push_back(y_true[i]);
        s.push_back(selected[i]);
        if (!auc_scores.empty()) score.push_back(auc_scores[i]);
        if (!probabilities.empty()) p.push_back(probabilities[i]);
      }
      CANDOR_ASSIGN_OR_RETURN(ConfusionCounts m, CountConfusion(y, s));
      GroupCounts c;
      c.n = static_cast<int64_t>(m.n());
      c.positives = static_cast<int64_t>(m.tp + m.fn);
      c.selected = static_cast<int64_t>(m.tp + m.fp);
      c.true_positives = static_cast<int64_t>(m.tp);
      c.auc = kNaN;
      c.ece = kNaN;
      if (!score.empty() && c.positives > 0 && c.positives < c.n) {
        CANDOR_ASSIGN_OR_RETURN(c.auc, model::RocAuc(score, y));
      }
      if (!p.empty()) {
        CANDOR_ASSIGN_OR_RETURN(c.ece, model::ExpectedCalibrationError(p, y));
      }
      groups.push_back(c);
    }
    out.push_back(std::move(groups));
  }
  return out;
}

// numpy's default ("linear") percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double q) {
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

std::optional<double> Defined(double v) {
  if (std::isnan(v)) return std::nullopt;
  return v;
}

core::Status CheckOptions(const AuditOptions& o) {
  if (!(o.selection_fraction > 0 && o.selection_fraction <= 1)) {
    return core::InvalidArgument("selection fraction must be in (0, 1]");
  }
  if (!(o.confidence > 0 && o.confidence < 1)) {
    return core::InvalidArgument("confidence must be in (0, 1)");
  }
  if (o.resamples < 0) return core::InvalidArgument("resamples must be >= 0");
  if (o.threshold && !std::isfinite(*o.threshold)) {
    return core::InvalidArgument("the threshold must be finite");
  }
  return ValidateGateRules(o.gate);
}

}  // namespace

std::string_view NameOf(GroupMetric m) {
  static constexpr std::string_view kNames[] = {"base_rate", "selection_rate", "tpr", "fpr",
                                                "precision", "auc", "ece"};
  return kNames[static_cast<std::size_t>(m)];
}

core::Result<double> DefaultThreshold(std::span<const double> scores, double fraction) {
  if (scores.empty()) return core::InvalidArgument("no scores to choose a threshold from");
  if (!(fraction > 0 && fraction <= 1)) {
    return core::InvalidArgument("selection fraction must be in (0, 1]");
  }
  // ceil(fraction * n), forgiving the rounding of fraction * n (0.2 * n may land
  // a hair above an integer).
  const double x = fraction * static_cast<double>(scores.size());
  const auto k = static_cast<std::size_t>(std::ceil(x - 1e-9 * std::max(1.0, x)));
  std::vector<double> sorted(scores.begin(), scores.end());
  const auto kth = sorted.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(k, 1) - 1);
  std::nth_element(sorted.begin(), kth, sorted.end(), std::greater<>());
  return *kth;
}

core::Result<AuditReport> RunAudit(const AuditData& data, const AuditOptions& options) {
  CANDOR_RETURN_IF_ERROR(CheckOptions(options));
  const std::size_t n = data.y_true.size();
  if (n == 0) return core::InvalidArgument("no rows to audit");
  if ((!data.y_pred.empty() && data.y_pred.size() != n) ||
      (!data.scores.empty() && data.scores.size() != n) ||
      (!data.probabilities.empty() && data.probabilities.size() != n)) {
    return core::InvalidArgument(
        fmt::format("{} labels, {} predictions, {} scores, {} probabilities: lengths differ", n,
                    data.y_pred.size(), data.scores.size(), data.probabilities.size()));
  }
  CANDOR_ASSIGN_OR_RETURN(std::vector<Grouping> groupings,
                          BuildGroupings(data.attributes, n, options.intersections));

  AuditReport report;
  std::vector<float> selected_f(n);
  std::vector<uint8_t> selected(n);
  if (!data.y_pred.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      if (data.y_pred[i] != 0.0f && data.y_pred[i] != 1.0f) {
        return core::InvalidArgument(fmt::format("row {}: a prediction must be 0 or 1", i));
      }
      selected[i] = data.y_pred[i] == 1.0f;
    }
  } else {
    if (data.scores.empty()) return core::InvalidArgument("neither predictions nor scores given");
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(data.scores[i])) {
        return core::InvalidArgument(fmt::format("row {}: a score must be finite", i));
      }
    }
    double threshold = 0;
    if (options.threshold) {
      threshold = *options.threshold;
    } else {
      CANDOR_ASSIGN_OR_RETURN(threshold, DefaultThreshold(data.scores, options.selection_fraction));
    }
    report.threshold = threshold;
    for (std::size_t i = 0; i < n; ++i) selected[i] = data.scores[i] >= threshold;
  }
  for (std::size_t i = 0; i < n; ++i) selected_f[i] = selected[i];
  const std::span<const double> auc_scores = data.scores.empty() ? data.probabilities : data.scores;

  CANDOR_ASSIGN_OR_RETURN(Resampler resampler, Resampler::Create(groupings, data.y_true, selected,
                                                                 auc_scores, data.probabilities));
  CANDOR_ASSIGN_OR_RETURN(GroupingCounts point, PointCounts(groupings, data.y_true, selected_f,
                                                            auc_scores, data.probabilities));

  std::vector<Plan> plans;
  std::size_t total = 0;
  for (const Grouping& g : groupings) {
    Plan plan;
    plan.groups = g.values.size();
    plan.offset = total;
    for (std::size_t v = 0; v < plan.groups; ++v) {
      plan.sufficient.push_back(g.sizes[v] >= options.min_group_size);
    }
    if (auto it = options.references.find(g.name); it != options.references.end()) {
      auto v = std::find(g.values.begin(), g.values.end(), it->second);
      if (v == g.values.end()) {
        return core::InvalidArgument(
            fmt::format("reference group {} is not a value of {}", it->second, g.name));
      }
      plan.reference = static_cast<int32_t>(v - g.values.begin());
      if (!plan.sufficient[static_cast<std::size_t>(plan.reference)]) {
        return core::InvalidArgument(fmt::format(
            "reference group {} of {} has fewer than {} rows", it->second, g.name,
            options.min_group_size));
      }
    } else {
      for (std::size_t v = 0; v < plan.groups; ++v) {
        if (plan.sufficient[v] &&
            (plan.reference < 0 || g.sizes[v] > g.sizes[static_cast<std::size_t>(plan.reference)])) {
          plan.reference = static_cast<int32_t>(v);
        }
      }
    }
    total += plan.Size();
    plans.push_back(std::move(plan));
  }
  for (const auto& [name, value] : options.references) {
    if (std::none_of(groupings.begin(), groupings.end(),
                     [&](const Grouping& g) { return g.name == name; })) {
      return core::InvalidArgument(fmt::format("reference given for unknown attribute {}", name));
    }
  }

  std::vector<double> estimates(total);
  Statistics(plans, point, estimates);

  // Bootstrap: resample r's statistics in column r, each written by one thread.
  const auto resamples = static_cast<std::size_t>(options.resamples);
  std::vector<double> boot(total * resamples);
  if (resamples > 0) {
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const auto threads = std::min<std::size_t>(
        options.threads > 0 ? static_cast<std::size_t>(options.threads) : hw, resamples);
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      Resampler::Scratch scratch;
      std::vector<double> stats(total);
      for (std::size_t r; (r = next.fetch_add(1)) < resamples;) {
        Statistics(plans, resampler.Resample(options.seed, r, scratch), stats);
        for (std::size_t s = 0; s < total; ++s) boot[s * resamples + r] = stats[s];
      }
    };
    std::vector<std::jthread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
  }
  auto estimate = [&](std::size_t s) {
    Estimate e;
    e.value = Defined(estimates[s]);
    std::vector<double> values;
    for (std::size_t r = 0; r < resamples; ++r) {
      if (!std::isnan(boot[s * resamples + r])) values.push_back(boot[s * resamples + r]);
    }
    e.resamples = static_cast<int>(values.size());
    if (!values.empty()) {
      std::sort(values.begin(), values.end());
      const double q = (1 - options.confidence) / 2;
      e.ci = Interval{Percentile(values, q), Percentile(values, 1 - q)};
    }
    return e;
  };

  report.rows = n;
  report.resamples = options.resamples;
  report.seed = options.seed;
  report.confidence = options.confidence;
  report.min_group_size = options.min_group_size;
  for (std::size_t k = 0; k < groupings.size(); ++k) {
    const Grouping& g = groupings[k];
    const Plan& plan = plans[k];
    AttributeReport a;
    a.attribute = g.name;
    a.intersection = g.intersection;
    a.missing = g.missing;
    if (plan.reference >= 0) a.reference = g.values[static_cast<std::size_t>(plan.reference)];
    for (std::size_t v = 0; v < plan.groups; ++v) {
      GroupReport gr;
      gr.value = g.values[v];
      gr.n = g.sizes[v];
      gr.insufficient_data = !plan.sufficient[v];
      for (std::size_t m = 0; m < kGroupMetricCount; ++m) gr.metrics[m] = estimate(plan.MetricAt(v, m));
      a.groups.push_back(std::move(gr));
      if (!plan.sufficient[v] || static_cast<int32_t>(v) == plan.reference) continue;
      GroupVsReference vs;
      vs.value = g.values[v];
      for (std::size_t c = 0; c < kGroupComparisonCount; ++c) {
        const auto which = static_cast<GroupComparison>(c);
        vs.comparisons.push_back({std::string(NameOf(which)), IsRatio(which),
                                  estimate(plan.VersusAt(v, c)), std::nullopt, std::nullopt});
      }
      a.vs_reference.push_back(std::move(vs));
    }
    for (std::size_t c = 0; c < kBetweenComparisonCount; ++c) {
      const auto which = static_cast<BetweenComparison>(c);
      a.between_groups.push_back({std::string(NameOf(which)), IsRatio(which),
                                  estimate(plan.BetweenAt(c)), std::nullopt, std::nullopt});
    }
    report.attributes.push_back(std::move(a));
  }
  ApplyGate(options.gate, report);
  if (!data.features.empty()) {
    CANDOR_ASSIGN_OR_RETURN(report.proxies,
                            DetectProxies(data.features, data.attributes, options.proxies));
  }
  return report;
}

}  // namespace candor::fairness
