#include "fairness/reweighing.h"

#include <gtest/gtest.h>

#include <map>

namespace candor::fairness {
namespace {

TEST(ReweighingTest, IntersectionGroupsGetTheOverallBaseRate) {
  std::vector<float> y;
  std::vector<std::optional<std::string>> gender, band;
  for (int i = 0; i < 400; ++i) {
    gender.emplace_back(i % 2 ? "f" : "m");
    band.emplace_back(i % 5 == 0 ? "55+" : "25-54");
    y.push_back((i % 2 && i % 5 == 0) ? (i % 3 == 0 ? 1.0f : 0.0f) : ((i / 2) % 4 == 0 ? 1.0f : 0.0f));
  }
  gender[7] = std::nullopt;  // weighs 1, outside the probabilities
  const std::vector<ProtectedAttribute> attrs = {ProtectedAttribute::FromValues("gender", gender),
                                                 ProtectedAttribute::FromValues("age_band", band)};
  auto rw = ComputeReweighing(y, attrs);
  ASSERT_TRUE(rw.ok()) << rw.status().ToString();
  EXPECT_EQ(rw->grouping, "gender|age_band");
  EXPECT_EQ(rw->weights[7], 1.0);
  double total = 0, known_pos = 0, known = 0;
  std::map<std::string, std::pair<double, double>> by_group;  // weighted positives, weight
  for (std::size_t i = 0; i < y.size(); ++i) {
    total += rw->weights[i];
    if (!gender[i]) continue;
    known += 1;
    known_pos += y[i];
    auto& [pos, w] = by_group[*gender[i] + "|" + *band[i]];
    pos += rw->weights[i] * y[i];
    w += rw->weights[i];
  }
  EXPECT_NEAR(total, 400, 1e-9);
  EXPECT_EQ(by_group.size(), 4u);
  for (const auto& [group, pw] : by_group) {
    EXPECT_NEAR(pw.first / pw.second, known_pos / known, 1e-12) << group;
  }
  EXPECT_EQ(rw->cells.size(), 8u);
}

TEST(ReweighingTest, RefusesBadLabelsAndNoRows) {
  std::vector<std::optional<std::string>> g = {"a", "b"};
  const std::vector<ProtectedAttribute> attrs = {ProtectedAttribute::FromValues("g", g)};
  const std::vector<float> bad = {0, 2};
  EXPECT_EQ(ComputeReweighing(bad, attrs).status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ComputeReweighing({}, attrs).ok());
}

}  // namespace
}  // namespace candor::fairness
