// candor::fairness mitigation: what candor offers against a gap the audit found.
//
//  * Pre-processing (`candor train --reweigh`): Kamiran & Calders (2012) weights
//    (reweighing.h) over the intersection of the protected attributes of the
//    train split's rows, read purpose-bound for "fairness_audit"; XGBoost gets
//    them as sample weights. Rows of subjects not eligible for the audit purpose,
//    or without an attribute value, weigh 1.
//  * Post-processing (`[fairness] per_group_thresholds = true`, off by default):
//    one threshold per group of the first protected attribute, each the score at
//    the top selection fraction of the group's rows, so every group has the same
//    selection rate. It uses the protected attribute at decision time, a direct
//    use of a protected characteristic: it needs a legal basis and review
//    (kPerGroupThresholdCaveat), and every audit that computes it says so in the
//    ledger.
//
// Thread safety: uses the store from the calling thread only; otherwise pure.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/status.h"
#include "features/matrix.h"
#include "fairness/groups.h"
#include "store/store.h"

namespace candor::fairness {

inline constexpr std::string_view kWeighting = "kamiran-calders";

inline constexpr std::string_view kPerGroupThresholdCaveat =
    "Per-group thresholds use the protected attribute at decision time: a direct use of a "
    "protected characteristic (e.g. age, sex), lawful only with a specific legal basis (such as "
    "a positive-action exemption) and after legal review. Off by default.";

struct ReweighingResult {
  std::vector<float> weights;   // per row of the train split
  nlohmann::json summary;       // {"grouping", "cells":[{"group","label","n","weight"}]}
};

// The weights for `train` (rows of the train split, with keys and labels), the
// protected attributes read at `as_of`. Errors: ReadProtectedRows' and
// ComputeReweighing's.
core::Result<ReweighingResult> ReweighingWeights(store::Store& store, const core::Config& config,
                                                 core::Instant as_of,
                                                 const features::Matrix& train);

struct GroupThreshold {
  std::string value;
  std::size_t n = 0;
  double threshold = 0;       // select score >= threshold
  double selection_rate = 0;  // of the group at that threshold
};

// One threshold per group of `attribute` (over rows with a value): the k-th
// largest score of the group's rows, k = ceil(fraction * group size).
// InvalidArgument when lengths differ or the fraction is outside (0, 1].
core::Result<std::vector<GroupThreshold>> PerGroupThresholds(const ProtectedAttribute& attribute,
                                                             std::span<const double> scores,
                                                             double fraction);

}  // namespace candor::fairness
