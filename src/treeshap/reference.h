// candor::treeshap::ReferenceShap: the plain recursive TreeSHAP of Lundberg et al.
// 2020 (Nature Machine Intelligence 2:56-67), Algorithm 2, as XGBoost 1.7 implements
// it (RegTree::CalculateContributions), in double. O(leaves * depth^2) per row and
// tree: the oracle the fast Explainer is tested against, not meant for production.
//
// Thread safety: a pure function of its arguments.
#pragma once

#include <span>

#include "treeshap/ensemble.h"

namespace candor::treeshap {

// Writes the contributions of one row (num_features floats, NaN = missing) to out
// (num_features + 1 doubles, the last one the bias), overwriting it. Requires
// row.size() >= e.num_features() and out.size() >= e.num_features() + 1.
void ReferenceShap(const Ensemble& e, std::span<const float> row, std::span<double> out);

}  // namespace candor::treeshap
