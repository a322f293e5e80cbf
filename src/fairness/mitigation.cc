#include "fairness/mitigation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "fairness/audit.h"
#include "fairness/protected_data.h"
#include "fairness/reweighing.h"

namespace candor::fairness {

core::Result<ReweighingResult> ReweighingWeights(store::Store& store, const core::Config& config,
                                                 core::Instant as_of,
                                                 const features::Matrix& train) {
  CANDOR_ASSIGN_OR_RETURN(ProtectedRows rows, ReadProtectedRows(store, config, as_of, train.keys));
  std::vector<float> labels;
  labels.reserve(rows.eligible_rows);
  for (std::size_t r = 0; r < train.rows; ++r) {
    if (rows.eligible[r]) labels.push_back(train.labels[r]);
  }
  CANDOR_ASSIGN_OR_RETURN(Reweighing rw, ComputeReweighing(labels, rows.attributes));
  ReweighingResult out;
  out.weights.assign(train.rows, 1.0f);
  for (std::size_t r = 0, k = 0; r < train.rows; ++r) {
    if (rows.eligible[r]) out.weights[r] = static_cast<float>(rw.weights[k++]);
  }
  nlohmann::json cells = nlohmann::json::array();
  for (const ReweighingCell& c : rw.cells) {
    cells.push_back({{"group", c.group}, {"label", c.label}, {"n", c.n}, {"weight", c.weight}});
  }
  out.summary = {{"method", kWeighting},
                 {"grouping", rw.grouping},
                 {"rows", train.rows},
                 {"rows_weighted", rows.eligible_rows},
                 {"cells", cells}};
  return out;
}

core::Result<std::vector<GroupThreshold>> PerGroupThresholds(const ProtectedAttribute& attribute,
                                                             std::span<const double> scores,
                                                             double fraction) {
  if (attribute.codes.size() != scores.size()) {
    return core::InvalidArgument(fmt::format("{} codes for {} scores", attribute.codes.size(),
                                             scores.size()));
  }
  std::vector<GroupThreshold> out;
  for (std::size_t v = 0; v < attribute.values.size(); ++v) {
    std::vector<double> group;
    for (std::size_t r = 0; r < scores.size(); ++r) {
      if (attribute.codes[r] == static_cast<int32_t>(v)) group.push_back(scores[r]);
    }
    if (group.empty()) continue;
    CANDOR_ASSIGN_OR_RETURN(double t, DefaultThreshold(group, fraction));
    const auto selected = std::count_if(group.begin(), group.end(), [&](double s) { return s >= t; });
    out.push_back({attribute.values[v], group.size(), t,
                   static_cast<double>(selected) / static_cast<double>(group.size())});
  }
  return out;
}

}  // namespace candor::fairness
