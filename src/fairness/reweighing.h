// candor::fairness reweighing: Kamiran & Calders (2012) pre-processing weights
// that make the label statistically independent of the protected groups in the
// training data: w(g, y) = P(g) P(y) / P(g, y), the probabilities estimated by
// counts over the rows. Weighted, every group then has the overall base rate,
// and the weights sum to the number of rows (but see below).
//
// With several protected attributes the groups are their full intersection
// (every combination of values that occurs, named "female|55+"), so that no
// combination keeps its own base rate. Rows with a missing value of any of the
// attributes weigh 1 and take no part in the probabilities. A group that has
// only one label cannot reach the overall base rate: its rows get the weight
// the formula gives, and the weights then sum to less than the number of rows.
//
// Thread safety: pure function.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "fairness/groups.h"

namespace candor::fairness {

struct ReweighingCell {
  std::string group;  // the group's value ("1", "female|55+")
  int label = 0;      // 0 or 1
  std::size_t n = 0;  // rows of the cell
  double weight = 0;
};

struct Reweighing {
  std::string grouping;            // "sex" or "gender|age_band"
  std::vector<double> weights;     // per row
  std::vector<ReweighingCell> cells;  // cells that occur, by group then label
};

// Errors (InvalidArgument): no rows, a label other than 0 or 1, bad attributes
// (groups.h BuildGroupings).
core::Result<Reweighing> ComputeReweighing(std::span<const float> labels,
                                           std::span<const ProtectedAttribute> attributes);

}  // namespace candor::fairness
