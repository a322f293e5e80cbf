// candor::fairness audit: group metrics with bootstrap confidence intervals,
// comparisons against a reference group and between groups, the promotion gate
// and proxy detection, for one model's predictions on one set of rows.
//
// Input, per row: y_true (0/1) and either y_pred (0/1, taken as given) or a
// score with a decision threshold (selected = score >= threshold); optionally a
// calibrated probability (for the ECE); and the protected attributes
// (groups.h: missing values belong to no group of that attribute and are
// counted). The AUC within a group is computed from `scores`, or from
// `probabilities` when there are no scores; without either it is undefined.
// The ECE needs `probabilities` (the definition of
// model::ExpectedCalibrationError: 10 equal-width bins).
//
// Default threshold (scores given, no y_pred, no threshold): with n audited
// rows and k = ceil(selection_fraction * n), the threshold is the k-th largest
// score, i.e. the smallest score among the top k rows by score. Every row
// scoring at least that much is selected, so rows tied with it are all
// selected and the selection may exceed k rows.
//
// Per group: n, base_rate, selection_rate, tpr, fpr, precision, auc, ece, each
// with a percentile interval from a stratified bootstrap (resampler.h: within
// every group, keeping every group's size). A statistic undefined in a resample
// (e.g. a TPR without positives) skips that resample; Estimate::resamples says
// how many gave it, and with none the interval is null. The threshold is part
// of the decision rule and stays fixed across resamples. Each statistic's
// interval uses the same resamples, all computed in parallel; resample i
// depends only on (seed, i), so the intervals do not depend on the thread count.
//
// A group of fewer than min_group_size rows has insufficient_data = true: it
// reports its metrics but takes no part in comparisons or the gate.
//
// Thread safety: RunAudit is reentrant; it uses up to `threads` threads itself.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "fairness/gate.h"
#include "fairness/groups.h"
#include "fairness/proxies.h"

namespace candor::fairness {

// The caller owns every span for the duration of RunAudit.
struct AuditData {
  std::span<const float> y_true;
  std::span<const float> y_pred;          // empty: select by score and threshold
  std::span<const double> scores;         // finite; empty when y_pred is given and no AUC wanted
  std::span<const double> probabilities;  // in [0, 1]; empty: no ECE
  std::span<const ProtectedAttribute> attributes;
  std::span<const ProxyFeature> features;  // proxy detection; may be empty
};

struct AuditOptions {
  // Selection threshold for scores. Default: see the file comment.
  std::optional<double> threshold;
  double selection_fraction = 0.2;  // Default: 0.2 (the top 20 %)
  // Reference group per attribute or intersection name ("gender" → "male",
  // "gender|age_band" → "male|25-54"). Default: the largest group, the first in
  // value order on a tie.
  std::map<std::string, std::string> references;
  std::size_t min_group_size = 30;  // Default: 30
  bool intersections = true;        // Default: every pair of attributes
  int resamples = 1000;             // Default: 1000; 0 disables the intervals
  uint64_t seed = 20120101;         // Default: fixed, so audits repeat
  double confidence = 0.95;         // Default: 95 % percentile intervals
  int threads = 0;                  // Default: 0, every available core
  std::vector<GateRule> gate = DefaultGateRules();
  ProxyOptions proxies;
};

struct Interval {
  double lo = 0;
  double hi = 0;
};

// A number and its interval; std::nullopt where undefined.
struct Estimate {
  std::optional<double> value;
  std::optional<Interval> ci;
  int resamples = 0;  // resamples in which the statistic was defined
};

enum class GroupMetric { kBaseRate, kSelectionRate, kTpr, kFpr, kPrecision, kAuc, kEce };
inline constexpr std::size_t kGroupMetricCount = 7;
std::string_view NameOf(GroupMetric m);  // "base_rate", …, "auc", "ece"

struct GroupReport {
  std::string value;
  std::size_t n = 0;
  bool insufficient_data = false;
  std::array<Estimate, kGroupMetricCount> metrics;  // indexed by GroupMetric
};

struct ComparisonReport {
  std::string name;  // metrics.h NameOf
  bool ratio = false;
  Estimate estimate;
  std::optional<bool> passed;  // set when a gate rule covers it
  std::optional<double> bound;
};

struct GroupVsReference {
  std::string value;
  std::vector<ComparisonReport> comparisons;  // GroupComparison order
};

struct AttributeReport {
  std::string attribute;  // "gender" or "gender|age_band"
  bool intersection = false;
  std::optional<std::string> reference;  // none when no group has sufficient data
  std::size_t missing = 0;               // rows without a value
  std::vector<GroupReport> groups;       // every group, in value order
  std::vector<GroupVsReference> vs_reference;    // sufficient groups but the reference
  std::vector<ComparisonReport> between_groups;  // BetweenComparison order, sufficient groups
};

struct AuditReport {
  bool passed = false;
  std::optional<double> threshold;  // none when y_pred was given
  std::size_t rows = 0;
  int resamples = 0;
  uint64_t seed = 0;
  double confidence = 0;
  std::size_t min_group_size = 0;
  std::vector<AttributeReport> attributes;  // attributes, then intersections
  std::vector<ProxyReport> proxies;
  // One line per failed gate check, e.g. "age_band 55+ vs 25-54: demographic
  // parity ratio 0.71 (95 % CI 0.65–0.77) < 0.8".
  std::vector<std::string> failures;
};

// Runs the audit. Errors (InvalidArgument): no rows; spans whose lengths differ;
// a label or y_pred other than 0/1; neither y_pred nor scores; a non-finite
// score or a probability outside [0, 1]; bad attributes (groups.h); a
// reference that is not a value of its attribute or has insufficient data; bad
// options (fraction outside (0, 1], confidence outside (0, 1), negative
// resamples, gate rules per ValidateGateRules); bad features (proxies.h).
core::Result<AuditReport> RunAudit(const AuditData& data, const AuditOptions& options = {});

// The default threshold of the file comment. Errors (InvalidArgument): no
// scores, a fraction outside (0, 1].
core::Result<double> DefaultThreshold(std::span<const double> scores, double fraction);

// Judges `report` by `rules` (gate.h): sets each covered comparison's passed
// and bound, report.failures and report.passed. RunAudit calls it; it is public
// so that a stored audit can be judged again under other rules.
void ApplyGate(const std::vector<GateRule>& rules, AuditReport& report);

}  // namespace candor::fairness
