#include "fairness/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace candor::fairness {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::optional<double> Rate(double num, double den) {
  if (!(den > 0)) return std::nullopt;
  return num / den;
}

double Or(std::optional<double> v) { return v.value_or(kNaN); }

double Ratio(double num, double den) { return den > 0 ? num / den : kNaN; }

bool Binary(float v) { return v == 0.0f || v == 1.0f; }

}  // namespace

std::optional<double> ConfusionCounts::BaseRate() const { return Rate(tp + fn, n()); }
std::optional<double> ConfusionCounts::SelectionRate() const { return Rate(tp + fp, n()); }
std::optional<double> ConfusionCounts::TruePositiveRate() const { return Rate(tp, tp + fn); }
std::optional<double> ConfusionCounts::FalsePositiveRate() const { return Rate(fp, fp + tn); }
std::optional<double> ConfusionCounts::FalseNegativeRate() const { return Rate(fn, tp + fn); }
std::optional<double> ConfusionCounts::TrueNegativeRate() const { return Rate(tn, fp + tn); }
std::optional<double> ConfusionCounts::Precision() const { return Rate(tp, tp + fp); }
std::optional<double> ConfusionCounts::FalseDiscoveryRate() const { return Rate(fp, tp + fp); }
std::optional<double> ConfusionCounts::FalseOmissionRate() const { return Rate(fn, fn + tn); }
std::optional<double> ConfusionCounts::Accuracy() const { return Rate(tp + tn, n()); }
std::optional<double> ConfusionCounts::ErrorRate() const { return Rate(fp + fn, n()); }

core::Result<ConfusionCounts> CountConfusion(std::span<const float> y_true,
                                             std::span<const float> y_pred,
                                             std::span<const float> weights,
                                             float positive_label) {
  if (!Binary(positive_label)) return core::InvalidArgument("the positive label must be 0 or 1");
  if (y_true.size() != y_pred.size()) {
    return core::InvalidArgument(
        fmt::format("{} labels for {} predictions", y_true.size(), y_pred.size()));
  }
  if (!weights.empty() && weights.size() != y_pred.size()) {
    return core::InvalidArgument(
        fmt::format("{} weights for {} predictions", weights.size(), y_pred.size()));
  }
  if (y_pred.empty()) return core::InvalidArgument("no rows to count");
  ConfusionCounts c;
  for (std::size_t i = 0; i < y_pred.size(); ++i) {
    if (!Binary(y_true[i]) || !Binary(y_pred[i])) {
      return core::InvalidArgument(fmt::format("row {}: a label must be 0 or 1", i));
    }
    const double w = weights.empty() ? 1.0 : double{weights[i]};
    if (!std::isfinite(w) || w < 0) {
      return core::InvalidArgument(fmt::format("row {}: a weight must be finite and >= 0", i));
    }
    const bool actual = y_true[i] == positive_label;
    const bool predicted = y_pred[i] == positive_label;
    (actual ? (predicted ? c.tp : c.fn) : (predicted ? c.fp : c.tn)) += w;
  }
  return c;
}

core::Result<double> SelectionRate(std::span<const float> y_pred, std::span<const float> weights,
                                   float positive_label) {
  // The labels do not matter for the selection rate; y_pred stands in for them.
  CANDOR_ASSIGN_OR_RETURN(ConfusionCounts c,
                          CountConfusion(y_pred, y_pred, weights, positive_label));
  std::optional<double> rate = c.SelectionRate();
  if (!rate) return core::InvalidArgument("no weight to compute a selection rate");
  return *rate;
}

core::Result<double> TruePositiveRate(std::span<const float> y_true, std::span<const float> y_pred,
                                      std::span<const float> weights, float positive_label) {
  CANDOR_ASSIGN_OR_RETURN(ConfusionCounts c,
                          CountConfusion(y_true, y_pred, weights, positive_label));
  std::optional<double> rate = c.TruePositiveRate();
  if (!rate) return core::FailedPrecondition("no positive rows: the true positive rate is undefined");
  return *rate;
}

GroupRates GroupRates::Of(const ConfusionCounts& c) {
  return {Or(c.SelectionRate()), Or(c.TruePositiveRate()), Or(c.FalsePositiveRate()),
          Or(c.Precision()), Or(c.ErrorRate())};
}

std::string_view NameOf(GroupComparison c) {
  switch (c) {
    case GroupComparison::kDemographicParityDifference: return "demographic_parity_difference";
    case GroupComparison::kDemographicParityRatio: return "demographic_parity_ratio";
    case GroupComparison::kEqualOpportunityDifference: return "equal_opportunity_difference";
    case GroupComparison::kEqualizedOddsDifference: return "equalized_odds_difference";
    case GroupComparison::kAverageOddsDifference: return "average_odds_difference";
    case GroupComparison::kAverageAbsOddsDifference: return "average_abs_odds_difference";
    case GroupComparison::kPredictiveParityDifference: return "predictive_parity_difference";
    case GroupComparison::kErrorRateDifference: return "error_rate_difference";
  }
  return "";
}

std::string_view NameOf(BetweenComparison c) {
  switch (c) {
    case BetweenComparison::kDemographicParityDifference:
      return "demographic_parity_difference_between_groups";
    case BetweenComparison::kDemographicParityRatio:
      return "demographic_parity_ratio_between_groups";
    case BetweenComparison::kEqualOpportunityDifference:
      return "equal_opportunity_difference_between_groups";
    case BetweenComparison::kEqualizedOddsDifference:
      return "equalized_odds_difference_between_groups";
    case BetweenComparison::kEqualizedOddsRatio: return "equalized_odds_ratio_between_groups";
    case BetweenComparison::kAverageOddsDifference:
      return "average_odds_difference_between_groups";
    case BetweenComparison::kPredictiveParityDifference:
      return "predictive_parity_difference_between_groups";
    case BetweenComparison::kErrorRateDifference: return "error_rate_difference_between_groups";
    case BetweenComparison::kDemographicParityDifferenceToOverall:
      return "demographic_parity_difference_to_overall";
    case BetweenComparison::kDemographicParityRatioToOverall:
      return "demographic_parity_ratio_to_overall";
  }
  return "";
}

bool IsRatio(GroupComparison c) { return c == GroupComparison::kDemographicParityRatio; }

bool IsRatio(BetweenComparison c) {
  return c == BetweenComparison::kDemographicParityRatio ||
         c == BetweenComparison::kEqualizedOddsRatio ||
         c == BetweenComparison::kDemographicParityRatioToOverall;
}

std::array<double, kGroupComparisonCount> CompareWithReference(const GroupRates& g,
                                                               const GroupRates& r) {
  const double d_sel = g.selection_rate - r.selection_rate;
  const double d_tpr = g.tpr - r.tpr;
  const double d_fpr = g.fpr - r.fpr;
  std::array<double, kGroupComparisonCount> out{};
  out[0] = d_sel;
  out[1] = Ratio(g.selection_rate, r.selection_rate);
  out[2] = d_tpr;
  // std::max would hide a NaN on one side.
  out[3] = std::isnan(d_tpr) || std::isnan(d_fpr) ? kNaN : std::max(std::abs(d_tpr), std::abs(d_fpr));
  out[4] = (d_fpr + d_tpr) / 2;
  out[5] = (std::abs(d_fpr) + std::abs(d_tpr)) / 2;
  out[6] = g.precision - r.precision;
  out[7] = g.error_rate - r.error_rate;
  return out;
}

namespace {

struct Range {
  double min = kNaN, max = kNaN;
  double diff() const { return max - min; }
  double ratio() const { return Ratio(min, max); }
};

Range RangeOf(std::span<const GroupRates> groups, double GroupRates::*rate) {
  if (groups.size() < 2) return {};
  Range r{groups[0].*rate, groups[0].*rate};
  for (const GroupRates& g : groups) {
    const double v = g.*rate;
    if (std::isnan(v)) return {};
    r.min = std::min(r.min, v);
    r.max = std::max(r.max, v);
  }
  if (std::isnan(r.min)) return {};
  return r;
}

}  // namespace

std::array<double, kBetweenComparisonCount> CompareBetweenGroups(std::span<const GroupRates> groups,
                                                                 const GroupRates& overall) {
  const Range sel = RangeOf(groups, &GroupRates::selection_rate);
  const Range tpr = RangeOf(groups, &GroupRates::tpr);
  const Range fpr = RangeOf(groups, &GroupRates::fpr);
  std::array<double, kBetweenComparisonCount> out{};
  out[0] = sel.diff();
  out[1] = sel.ratio();
  out[2] = tpr.diff();
  const bool odds = !std::isnan(tpr.diff()) && !std::isnan(fpr.diff());
  out[3] = odds ? std::max(tpr.diff(), fpr.diff()) : kNaN;
  out[4] = odds && !std::isnan(tpr.ratio()) && !std::isnan(fpr.ratio())
               ? std::min(tpr.ratio(), fpr.ratio())
               : kNaN;
  out[5] = (tpr.diff() + fpr.diff()) / 2;
  out[6] = RangeOf(groups, &GroupRates::precision).diff();
  out[7] = RangeOf(groups, &GroupRates::error_rate).diff();
  out[8] = kNaN;
  out[9] = kNaN;
  if (!std::isnan(sel.min)) {
    double diff = 0, ratio = std::numeric_limits<double>::infinity();
    for (const GroupRates& g : groups) {
      diff = std::max(diff, std::abs(g.selection_rate - overall.selection_rate));
      const double r = Ratio(g.selection_rate, overall.selection_rate);
      ratio = std::isnan(r) ? kNaN : std::min(ratio, r > 1 ? 1 / r : r);
    }
    out[8] = diff;
    out[9] = ratio;
  }
  return out;
}

}  // namespace candor::fairness
