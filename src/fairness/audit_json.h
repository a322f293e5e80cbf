// candor::fairness audit JSON: the documented shape of one audit, the contract
// that `candor audit --json`, the model registry's "fairness" field and the
// model card read. Undefined numbers are null, never NaN.
//
//   {"passed": bool, "threshold": number|null, "rows": n, "min_group_size": n,
//    "bootstrap": {"resamples", "seed", "confidence", "method"},
//    "attributes": [{"attribute", "intersection": bool, "reference": str|null,
//                    "missing": n,
//                    "groups": [{"value", "n", "insufficient_data", "base_rate",
//                                "selection_rate", "tpr", "fpr", "precision", "auc",
//                                "ece", "ci": {metric: [lo, hi] | null},
//                                "resamples": {metric: k}}],
//                    "comparisons": {name: comparison},           (between groups)
//                    "groups_vs_reference": [{"value", name: comparison, …}]}],
//    "proxies": [{"feature", "attribute", "auc", "auc_value", "mi", "rows",
//                 "flagged"}],                                     (mi in bits)
//    "failures": [str]}
//   comparison = {"value", "ci": [lo, hi] | null, "passed": bool|null,
//                 "bound": number|null, "resamples": k}
// "passed" of a comparison is null when no gate rule covers it. "resamples"
// counts the bootstrap resamples in which the statistic was defined. Objects
// are nlohmann::json (keys sorted when dumped); the integrator adds "model".
//
// Thread safety: pure function.
#pragma once

#include <nlohmann/json.hpp>

#include "fairness/audit.h"

namespace candor::fairness {

nlohmann::json AuditToJson(const AuditReport& report);

}  // namespace candor::fairness
