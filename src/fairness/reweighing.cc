#include "fairness/reweighing.h"

#include <fmt/format.h>

namespace candor::fairness {

core::Result<Reweighing> ComputeReweighing(std::span<const float> labels,
                                           std::span<const ProtectedAttribute> attributes) {
  const std::size_t n = labels.size();
  if (n == 0) return core::InvalidArgument("no rows to reweigh");
  for (std::size_t i = 0; i < n; ++i) {
    if (labels[i] != 0.0f && labels[i] != 1.0f) {
      return core::InvalidArgument(fmt::format("row {}: a label must be 0 or 1", i));
    }
  }
  CANDOR_ASSIGN_OR_RETURN(std::vector<Grouping> groupings,
                          BuildGroupings(attributes, n, /*intersections=*/false));
  Grouping grouping = std::move(groupings[0]);
  for (std::size_t k = 1; k < groupings.size(); ++k) grouping = Intersect(grouping, groupings[k]);

  const std::size_t groups = grouping.values.size();
  std::vector<std::size_t> cell(groups * 2, 0);
  std::size_t label_count[2] = {0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    if (grouping.groups[i] < 0) continue;
    const std::size_t y = labels[i] == 1.0f ? 1 : 0;
    ++cell[static_cast<std::size_t>(grouping.groups[i]) * 2 + y];
    ++label_count[y];
  }
  const auto known = static_cast<double>(n - grouping.missing);
  Reweighing out;
  out.grouping = grouping.name;
  std::vector<double> weight(groups * 2, 1.0);
  for (std::size_t g = 0; g < groups; ++g) {
    for (std::size_t y = 0; y < 2; ++y) {
      const std::size_t c = cell[g * 2 + y];
      if (c == 0) continue;
      // P(g) P(y) / P(g, y) = n_g n_y / (n n_gy)
      weight[g * 2 + y] = static_cast<double>(grouping.sizes[g]) *
                          static_cast<double>(label_count[y]) /
                          (known * static_cast<double>(c));
      out.cells.push_back({grouping.values[g], static_cast<int>(y), c, weight[g * 2 + y]});
    }
  }
  out.weights.resize(n, 1.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (grouping.groups[i] < 0) continue;
    out.weights[i] = weight[static_cast<std::size_t>(grouping.groups[i]) * 2 +
                            (labels[i] == 1.0f ? 1 : 0)];
  }
  return out;
}

}  // namespace candor::fairness
