// The integration half of the fairness module that needs no workspace: the gate
// names candor.toml accepts, the audit of an external predictions file, and
// per-group thresholds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/config_internal.h"
#include "fairness/metrics.h"
#include "fairness/mitigation.h"
#include "fairness/model_audit.h"

namespace candor::fairness {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TEST(GateNamesTest, ConfigAcceptsExactlyTheComparisonsTheAuditKnows) {
  std::vector<std::string> known;
  for (std::size_t i = 0; i < kGroupComparisonCount; ++i) {
    known.emplace_back(NameOf(static_cast<GroupComparison>(i)));
  }
  for (std::size_t i = 0; i < kBetweenComparisonCount; ++i) {
    known.emplace_back(NameOf(static_cast<BetweenComparison>(i)));
  }
  std::vector<std::string> config = core::internal::GateMetricNames();
  std::sort(known.begin(), known.end());
  std::sort(config.begin(), config.end());
  EXPECT_EQ(config, known);
}

class PredictionsAuditTest : public ::testing::Test {
 protected:
  fs::path Write(const std::string& text) {
    fs::path p = fs::path(::testing::TempDir()) /
                 fmt::format("candor_predictions_{}_{}.csv", ::getpid(), counter_++);
    std::ofstream(p) << text;
    files_.push_back(p);
    return p;
  }
  void TearDown() override {
    for (const auto& f : files_) fs::remove(f);
  }
  core::FairnessConfig config_ = [] {
    core::FairnessConfig c;
    c.resamples = 50;
    c.min_group_size = 2;
    return c;
  }();
  int counter_ = 0;
  std::vector<fs::path> files_;
};

TEST_F(PredictionsAuditTest, YPredIsTakenAsGivenAndTheShapeIsTheModelAudit) {
  std::string csv = "y_true,y_pred,sex\n";
  // Group a: 4 of 8 selected; group b: 1 of 8 → ratio 0.25, fails the 0.8 rule.
  for (int i = 0; i < 8; ++i) csv += fmt::format("{},{},a\n", i % 2, i < 4 ? 1 : 0);
  for (int i = 0; i < 8; ++i) csv += fmt::format("{},{},b\n", i % 2, i < 1 ? 1 : 0);
  PredictionsAuditRequest req;
  req.file = Write(csv).string();
  req.protected_columns = {"sex"};
  req.references = {"a"};
  auto r = AuditPredictions(config_, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& j = *r;
  EXPECT_FALSE(j.at("passed").get<bool>());
  EXPECT_TRUE(j.at("threshold").is_null());
  EXPECT_TRUE(j.at("model").is_null());
  const auto& a = j.at("attributes").at(0);
  EXPECT_EQ(a.at("attribute"), "sex");
  EXPECT_EQ(a.at("reference"), "a");
  EXPECT_DOUBLE_EQ(a.at("groups").at(0).at("selection_rate").get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(a.at("groups_vs_reference").at(0).at("demographic_parity_ratio").at("value").get<double>(),
                   0.25);
  EXPECT_FALSE(j.at("failures").empty());
}

TEST_F(PredictionsAuditTest, ScoresWithAThreshold) {
  std::string csv = "y_true,score,grp\n";
  for (int i = 0; i < 10; ++i) csv += fmt::format("{},{},x\n", i % 2, i * 10);
  for (int i = 0; i < 10; ++i) csv += fmt::format("{},{},y\n", i % 2, i * 10 + 5);
  PredictionsAuditRequest req;
  req.file = Write(csv).string();
  req.protected_columns = {"grp"};
  req.threshold = 50;
  auto r = AuditPredictions(config_, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_DOUBLE_EQ(r->at("threshold").get<double>(), 50);
  EXPECT_DOUBLE_EQ(r->at("attributes").at(0).at("groups").at(0).at("selection_rate").get<double>(), 0.5);
}

TEST_F(PredictionsAuditTest, BadCellsNameFileLineAndColumn) {
  PredictionsAuditRequest req;
  req.protected_columns = {"sex"};
  req.file = Write("y_true,y_pred,sex\n1,0,a\n1,2,b\n").string();
  auto r = AuditPredictions(config_, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(fmt::format("{}:3:3: y_pred: must be 0 or 1", req.file)));

  req.file = Write("y_true,score,sex\n1,0.5,a\n0,high,b\n").string();
  r = AuditPredictions(config_, req);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr(fmt::format("{}:3:3: score: must be a finite number", req.file)));

  req.file = Write("y_true,sex\n1,a\n").string();
  r = AuditPredictions(config_, req);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("needs y_pred or score"));

  req.file = Write("y_true,y_pred,gender\n1,1,a\n").string();
  r = AuditPredictions(config_, req);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("--protected sex: the header has no such column"));
}

TEST(PerGroupThresholdsTest, EachGroupGetsTheSameSelectionRate) {
  std::vector<std::optional<std::string>> values;
  std::vector<double> scores;
  for (int i = 0; i < 10; ++i) {
    values.emplace_back("old");
    scores.push_back(i);  // 0..9
    values.emplace_back("young");
    scores.push_back(50 + i);  // 50..59
  }
  values.emplace_back(std::nullopt);
  scores.push_back(99);
  auto attr = ProtectedAttribute::FromValues("age", values);
  auto r = PerGroupThresholds(attr, scores, 0.2);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].value, "old");
  EXPECT_DOUBLE_EQ((*r)[0].threshold, 8);
  EXPECT_DOUBLE_EQ((*r)[0].selection_rate, 0.2);
  EXPECT_EQ((*r)[1].value, "young");
  EXPECT_DOUBLE_EQ((*r)[1].threshold, 58);
  EXPECT_EQ((*r)[1].n, 10u);
}

}  // namespace
}  // namespace candor::fairness
