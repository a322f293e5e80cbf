// candor::fairness metrics: the rates of a confusion matrix and the comparisons
// between groups that a fairness audit reports.
//
// Conventions (stated once, used everywhere):
//  * A comparison of a group against the reference group follows AIF360: a
//    difference is group minus reference, a ratio is group over reference.
//  * A comparison between groups follows Fairlearn: a difference is the largest
//    minus the smallest value over the groups, a ratio the smallest over the
//    largest; "to_overall" compares each group with all rows of the attribute
//    (largest |group - overall|, smallest min(group/overall, overall/group)).
//  * A rate whose denominator is zero (TPR of a group without positives) is
//    undefined, and so is every comparison that reads it, and a ratio whose
//    denominator is zero. Internally undefined is NaN (these structs and
//    functions); the audit report turns it into std::nullopt and JSON null.
//
// Thread safety: values and pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "core/status.h"

namespace candor::fairness {

// A (possibly weighted) confusion matrix. Rates are std::nullopt when their
// denominator is zero.
struct ConfusionCounts {
  double tp = 0, fp = 0, fn = 0, tn = 0;

  double n() const { return tp + fp + fn + tn; }
  std::optional<double> BaseRate() const;           // (tp + fn) / n
  std::optional<double> SelectionRate() const;      // (tp + fp) / n
  std::optional<double> TruePositiveRate() const;   // tp / (tp + fn), recall
  std::optional<double> FalsePositiveRate() const;  // fp / (fp + tn)
  std::optional<double> FalseNegativeRate() const;  // fn / (tp + fn)
  std::optional<double> TrueNegativeRate() const;   // tn / (fp + tn)
  std::optional<double> Precision() const;          // tp / (tp + fp)
  std::optional<double> FalseDiscoveryRate() const;  // fp / (tp + fp)
  std::optional<double> FalseOmissionRate() const;   // fn / (fn + tn)
  std::optional<double> Accuracy() const;            // (tp + tn) / n
  std::optional<double> ErrorRate() const;           // (fp + fn) / n
};

// Counts y_true against y_pred, each value 0 or 1; `positive_label` (0 or 1)
// names the class that counts as positive. `weights` is empty (each row 1) or
// one finite weight >= 0 per row.
// Errors (InvalidArgument): no rows, spans of different lengths, a value other
// than 0 or 1, a bad weight or positive_label.
core::Result<ConfusionCounts> CountConfusion(std::span<const float> y_true,
                                             std::span<const float> y_pred,
                                             std::span<const float> weights = {},
                                             float positive_label = 1);

// The (weighted) fraction of rows predicted positive. Errors as CountConfusion,
// and no weight at all.
core::Result<double> SelectionRate(std::span<const float> y_pred,
                                   std::span<const float> weights = {}, float positive_label = 1);

// Recall. Errors as CountConfusion, and FailedPrecondition without positives.
core::Result<double> TruePositiveRate(std::span<const float> y_true, std::span<const float> y_pred,
                                      std::span<const float> weights = {},
                                      float positive_label = 1);

// What a group contributes to the comparisons; NaN where undefined.
struct GroupRates {
  double selection_rate = 0;
  double tpr = 0;
  double fpr = 0;
  double precision = 0;
  double error_rate = 0;

  static GroupRates Of(const ConfusionCounts& c);
};

// Comparisons of one group with the reference group (group minus reference,
// group over reference).
enum class GroupComparison {
  kDemographicParityDifference,  // selection rate (statistical parity difference)
  kDemographicParityRatio,       // selection rate ratio (disparate impact)
  kEqualOpportunityDifference,   // TPR
  kEqualizedOddsDifference,      // max(|TPR difference|, |FPR difference|)
  kAverageOddsDifference,        // (FPR difference + TPR difference) / 2
  kAverageAbsOddsDifference,     // (|FPR difference| + |TPR difference|) / 2
  kPredictiveParityDifference,   // precision
  kErrorRateDifference,          // (fp + fn) / n
};
inline constexpr std::size_t kGroupComparisonCount = 8;

// Comparisons across the groups of an attribute (Fairlearn).
enum class BetweenComparison {
  kDemographicParityDifference,  // max - min selection rate
  kDemographicParityRatio,       // min / max selection rate
  kEqualOpportunityDifference,   // max - min TPR
  kEqualizedOddsDifference,      // max(TPR range, FPR range)
  kEqualizedOddsRatio,           // min(min/max TPR, min/max FPR)
  kAverageOddsDifference,        // (TPR range + FPR range) / 2
  kPredictiveParityDifference,   // max - min precision
  kErrorRateDifference,          // max - min error rate
  kDemographicParityDifferenceToOverall,  // max |selection rate - overall|
  kDemographicParityRatioToOverall,       // min of min(rate/overall, overall/rate)
};
inline constexpr std::size_t kBetweenComparisonCount = 10;

// "demographic_parity_ratio", …; the between-groups names end in
// "_between_groups" ("demographic_parity_ratio_between_groups") or "_to_overall"
// ("demographic_parity_ratio_to_overall").
std::string_view NameOf(GroupComparison c);
std::string_view NameOf(BetweenComparison c);
bool IsRatio(GroupComparison c);
bool IsRatio(BetweenComparison c);

// Every GroupComparison of `group` against `reference`, indexed by the enum.
std::array<double, kGroupComparisonCount> CompareWithReference(const GroupRates& group,
                                                               const GroupRates& reference);

// Every BetweenComparison over `groups` (NaN with fewer than two groups, or when
// a group's rate is undefined); `overall` holds the rates of all rows.
std::array<double, kBetweenComparisonCount> CompareBetweenGroups(std::span<const GroupRates> groups,
                                                                 const GroupRates& overall);

}  // namespace candor::fairness
