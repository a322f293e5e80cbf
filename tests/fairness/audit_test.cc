#include "fairness/audit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "fairness/audit_json.h"

namespace candor::fairness {
namespace {

using ::testing::HasSubstr;

// A population whose group "B" is selected `b_rate` times as often as "A" at
// equal base rates (A and B alternate: equal sizes, and the first value wins the
// tie for the reference); a third small group "C" of `c_rows` rows.
struct Population {
  std::vector<float> y;
  std::vector<double> score;
  std::vector<ProtectedAttribute> attributes;
};

Population Make(std::size_t n, double b_rate, std::size_t c_rows, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  Population p;
  std::vector<std::optional<std::string>> group, band;
  for (std::size_t i = 0; i < n + c_rows; ++i) {
    const std::string g = i >= n ? "C" : (i % 2 == 0 ? "A" : "B");
    group.emplace_back(g);
    band.emplace_back(u(rng) < 0.5 ? "young" : "old");
    const bool positive = u(rng) < 0.3;
    p.y.push_back(positive ? 1.0f : 0.0f);
    // Selected at the top 20 %: A (and C) with 0.4 / 0.1 by label, B scaled.
    const double scale = g == "B" ? b_rate : 1.0;
    const bool selected = u(rng) < (positive ? 0.4 : 0.1) * scale;
    p.score.push_back(selected ? 0.8 + 0.2 * u(rng) : 0.7 * u(rng));
  }
  p.attributes.push_back(ProtectedAttribute::FromValues("group", group));
  p.attributes.push_back(ProtectedAttribute::FromValues("band", band));
  return p;
}

const ComparisonReport* Find(const AuditReport& r, const std::string& attribute,
                             const std::string& value, const std::string& name) {
  for (const AttributeReport& a : r.attributes) {
    if (a.attribute != attribute) continue;
    for (const GroupVsReference& vs : a.vs_reference) {
      if (vs.value != value) continue;
      for (const ComparisonReport& c : vs.comparisons) {
        if (c.name == name) return &c;
      }
    }
  }
  return nullptr;
}

AuditOptions Fast(int resamples = 200) {
  AuditOptions o;
  o.resamples = resamples;
  o.threshold = 0.75;
  return o;
}

TEST(AuditTest, FlagsADemographicParityGapWithItsInterval) {
  Population p = Make(6000, 0.5, 0, 1);
  AuditData data{p.y, {}, p.score, {}, p.attributes, {}};
  auto report = RunAudit(data, Fast());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->passed);
  const ComparisonReport* dpr = Find(*report, "group", "B", "demographic_parity_ratio");
  ASSERT_NE(dpr, nullptr);
  ASSERT_TRUE(dpr->estimate.value && dpr->estimate.ci);
  EXPECT_NEAR(*dpr->estimate.value, 0.5, 0.1);
  EXPECT_LT(dpr->estimate.ci->lo, *dpr->estimate.value);
  EXPECT_GT(dpr->estimate.ci->hi, *dpr->estimate.value);
  EXPECT_EQ(dpr->passed, false);
  EXPECT_EQ(dpr->bound, 0.8);
  ASSERT_FALSE(report->failures.empty());
  EXPECT_THAT(report->failures[0],
              testing::MatchesRegex("group B vs A: demographic parity ratio 0\\.[0-9]+ \\(95 % CI "
                                    "0\\.[0-9]+–0\\.[0-9]+\\) < 0\\.8"));
}

TEST(AuditTest, SaysWhenOnlyTheIntervalReachesTheFailingSide) {
  // B is selected at 0.87 of A's rate: the value passes the four-fifths rule, but on
  // 2,000 rows its interval reaches below 0.8, so the comparison fails, and says so.
  Population p = Make(2000, 0.87, 0, 5);
  AuditData data{p.y, {}, p.score, {}, p.attributes, {}};
  auto report = RunAudit(data, Fast());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const ComparisonReport* dpr = Find(*report, "group", "B", "demographic_parity_ratio");
  ASSERT_NE(dpr, nullptr);
  ASSERT_TRUE(dpr->estimate.value && dpr->estimate.ci);
  ASSERT_GE(*dpr->estimate.value, 0.8);
  ASSERT_LT(dpr->estimate.ci->lo, 0.8);
  EXPECT_EQ(dpr->passed, false);
  EXPECT_THAT(report->failures,
              testing::Contains(testing::AllOf(testing::StartsWith("group B vs A: demographic parity ratio"),
                                               HasSubstr(": the interval reaches below 0.8"))));
}

TEST(AuditTest, PassesAFairModelOnEnoughData) {
  Population p = Make(20000, 1.0, 0, 2);
  AuditData data{p.y, {}, p.score, {}, p.attributes, {}};
  auto report = RunAudit(data, Fast());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->passed) << (report->failures.empty() ? "" : report->failures[0]);
  // Judged: each group against the reference and each intersection; not judged:
  // the between-groups numbers (no rule names them).
  const ComparisonReport* dpr = Find(*report, "group|band", "B|young", "demographic_parity_ratio");
  ASSERT_NE(dpr, nullptr);
  EXPECT_TRUE(dpr->passed.has_value());
  EXPECT_FALSE(report->attributes[0].between_groups[0].passed.has_value());
}

TEST(AuditTest, AValuePassingWithAnIntervalAcrossTheBoundFails) {
  // Small groups: the point estimate is fair but the interval is wide.
  Population p = Make(400, 1.0, 0, 3);
  AuditData data{p.y, {}, p.score, {}, p.attributes, {}};
  AuditOptions o = Fast();
  o.gate = {{"demographic_parity_ratio", 0.8}};
  auto report = RunAudit(data, o);
  ASSERT_TRUE(report.ok());
  const ComparisonReport* dpr = Find(*report, "group", "B", "demographic_parity_ratio");
  ASSERT_NE(dpr, nullptr);
  ASSERT_TRUE(dpr->estimate.ci);
  EXPECT_LT(dpr->estimate.ci->lo, 0.8);
  EXPECT_EQ(dpr->passed, false);
}

TEST(AuditTest, RatiosAreJudgedBothWays) {
  EXPECT_FALSE(Passes(1.4, 1.3, 1.5, 0.8, true));  // 1/1.4 = 0.71
  EXPECT_TRUE(Passes(1.1, 1.0, 1.2, 0.8, true));
  EXPECT_FALSE(Passes(0.9, 0.79, 1.0, 0.8, true));
  EXPECT_TRUE(Passes(-0.05, -0.1, 0.0, 0.1, false));
  EXPECT_FALSE(Passes(0.05, 0.0, 0.11, 0.1, false));
  EXPECT_FALSE(Passes(std::nan(""), 0.9, 1.0, 0.8, true));
}

TEST(AuditTest, SmallGroupsReportMetricsButAreNeverCompared) {
  Population p = Make(3000, 1.0, 12, 4);
  AuditData data{p.y, {}, p.score, {}, p.attributes, {}};
  auto report = RunAudit(data, Fast());
  ASSERT_TRUE(report.ok());
  const AttributeReport& a = report->attributes[0];
  ASSERT_EQ(a.groups.size(), 3u);
  EXPECT_EQ(a.groups[2].value, "C");
  EXPECT_EQ(a.groups[2].n, 12u);
  EXPECT_TRUE(a.groups[2].insufficient_data);
  EXPECT_TRUE(a.groups[2].metrics[1].value.has_value());
  for (const GroupVsReference& vs : a.vs_reference) EXPECT_NE(vs.value, "C");
  for (const std::string& f : report->failures) EXPECT_THAT(f, testing::Not(HasSubstr(" C ")));
}

TEST(AuditTest, AnAttributeWithOneSufficientGroupFailsTheGate) {
  Population p = Make(3000, 1.0, 0, 5);
  AuditData data{p.y, {}, p.score, {}, p.attributes, {}};
  AuditOptions o = Fast(0);
  o.min_group_size = 2000;
  auto report = RunAudit(data, o);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->passed);
  EXPECT_THAT(report->failures[0], HasSubstr("group: fewer than two groups with at least 2000 rows"));
}

TEST(AuditTest, SameSeedSameIntervalsOnAnyThreadCount) {
  Population p = Make(3000, 0.8, 40, 6);
  AuditData data{p.y, {}, p.score, p.score, p.attributes, {}};
  AuditOptions o = Fast(100);
  o.threads = 1;
  auto one = RunAudit(data, o);
  o.threads = 3;
  auto three = RunAudit(data, o);
  o.seed = 99;
  auto other = RunAudit(data, o);
  ASSERT_TRUE(one.ok() && three.ok() && other.ok());
  EXPECT_EQ(AuditToJson(*one).dump(), AuditToJson(*three).dump());
  EXPECT_NE(AuditToJson(*one).dump(), AuditToJson(*other).dump());
}

TEST(AuditTest, IntervalWidthMatchesTheBinomialStandardError) {
  Population p = Make(20000, 1.0, 0, 7);
  AuditData data{p.y, {}, p.score, {}, p.attributes, {}};
  auto report = RunAudit(data, Fast(1000));
  ASSERT_TRUE(report.ok());
  const GroupReport& g = report->attributes[0].groups[0];
  const Estimate& sel = g.metrics[static_cast<std::size_t>(GroupMetric::kSelectionRate)];
  const double r = *sel.value;
  const double se = std::sqrt(r * (1 - r) / static_cast<double>(g.n));
  EXPECT_NEAR(sel.ci->hi - sel.ci->lo, 2 * 1.96 * se, 0.15 * 2 * 1.96 * se);
  EXPECT_EQ(sel.resamples, 1000);
}

TEST(AuditTest, UndefinedInSomeResamplesCountsTheResamplesUsed) {
  // One group of 35 with 2 positives: some resamples draw none, so its TPR
  // (and TPR comparisons) use fewer resamples.
  std::vector<float> y;
  std::vector<double> score;
  std::vector<std::optional<std::string>> g;
  for (int i = 0; i < 300; ++i) {
    g.emplace_back(i < 35 ? "small" : "large");
    y.push_back((i < 35 ? i < 2 : i % 3 == 0) ? 1.0f : 0.0f);
    score.push_back((i * 37 % 100) / 100.0);
  }
  std::vector<ProtectedAttribute> attrs = {ProtectedAttribute::FromValues("g", g)};
  AuditData data{y, {}, score, {}, attrs, {}};
  auto report = RunAudit(data, Fast(500));
  ASSERT_TRUE(report.ok());
  const GroupReport& small = report->attributes[0].groups[1];
  ASSERT_EQ(small.value, "small");
  const Estimate& tpr = small.metrics[static_cast<std::size_t>(GroupMetric::kTpr)];
  EXPECT_LT(tpr.resamples, 500);
  EXPECT_GT(tpr.resamples, 400);  // P(no positive drawn) = (33/35)^35 ≈ 0.13
}

TEST(AuditTest, DefaultThresholdSelectsTheTopFifthWithTies) {
  const std::vector<double> s = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(*DefaultThreshold(s, 0.2), 9);
  const std::vector<double> tied = {1, 2, 3, 4, 5, 6, 7, 9, 9, 9};
  EXPECT_EQ(*DefaultThreshold(tied, 0.2), 9);  // all three tied rows are selected
  const std::vector<double> eleven = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  EXPECT_EQ(*DefaultThreshold(eleven, 0.2), 9);  // ceil(2.2) = 3 rows
  EXPECT_FALSE(DefaultThreshold({}, 0.2).ok());
  EXPECT_FALSE(DefaultThreshold(s, 0).ok());

  Population p = Make(1000, 1.0, 0, 8);
  AuditData data{p.y, {}, p.score, {}, p.attributes, {}};
  AuditOptions o = Fast(0);
  o.threshold.reset();
  auto report = RunAudit(data, o);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->threshold, *DefaultThreshold(p.score, 0.2));
}

TEST(AuditTest, RefusesBadInputWithTheReason) {
  Population p = Make(100, 1.0, 0, 9);
  AuditData no_selection{p.y, {}, {}, {}, p.attributes, {}};
  auto r1 = RunAudit(no_selection);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_THAT(r1.status().message(), HasSubstr("neither predictions nor scores"));

  AuditData data{p.y, {}, p.score, {}, p.attributes, {}};
  AuditOptions o = Fast(0);
  o.references["group"] = "Z";
  auto r2 = RunAudit(data, o);
  ASSERT_FALSE(r2.ok());
  EXPECT_THAT(r2.status().message(), HasSubstr("reference group Z is not a value of group"));

  o = Fast(0);
  o.gate = {{"demographic_parity_quotient", 0.8}};
  auto r3 = RunAudit(data, o);
  ASSERT_FALSE(r3.ok());
  EXPECT_THAT(r3.status().message(), HasSubstr("unknown metric demographic_parity_quotient"));

  o.gate = {{"demographic_parity_ratio", 1.5}};
  EXPECT_FALSE(RunAudit(data, o).ok());

  std::vector<float> short_y(p.y.begin(), p.y.begin() + 10);
  AuditData short_data{short_y, {}, p.score, {}, p.attributes, {}};
  EXPECT_THAT(RunAudit(short_data).status().message(), HasSubstr("lengths differ"));
}

TEST(AuditTest, JsonHasTheDocumentedShapeAndNullForUndefined) {
  Population p = Make(500, 1.0, 0, 10);
  p.y.assign(p.y.size(), 0.0f);  // no positives: TPR, precision of positives, AUC undefined
  AuditData data{p.y, {}, p.score, p.score, p.attributes, {}};
  auto report = RunAudit(data, Fast(50));
  ASSERT_TRUE(report.ok());
  const nlohmann::json j = AuditToJson(*report);
  EXPECT_FALSE(j["passed"].get<bool>());
  EXPECT_EQ(j["threshold"].get<double>(), 0.75);
  ASSERT_EQ(j["attributes"].size(), 3u);
  const nlohmann::json& a = j["attributes"][0];
  EXPECT_EQ(a["attribute"], "group");
  EXPECT_EQ(a["reference"], "A");
  const nlohmann::json& g = a["groups"][0];
  for (const char* key : {"value", "n", "insufficient_data", "base_rate", "selection_rate", "tpr",
                          "fpr", "precision", "auc", "ece", "ci"}) {
    EXPECT_TRUE(g.contains(key)) << key;
  }
  EXPECT_TRUE(g["tpr"].is_null());
  EXPECT_TRUE(g["auc"].is_null());
  EXPECT_TRUE(g["ci"]["tpr"].is_null());
  EXPECT_EQ(g["ci"]["fpr"].size(), 2u);
  const nlohmann::json& eod = a["groups_vs_reference"][0]["equal_opportunity_difference"];
  EXPECT_TRUE(eod["value"].is_null());
  EXPECT_EQ(eod["passed"], false);
  EXPECT_TRUE(a["comparisons"]["demographic_parity_ratio_between_groups"]["passed"].is_null());
  EXPECT_EQ(a["comparisons"]["demographic_parity_ratio_between_groups"]["ci"].size(), 2u);
  EXPECT_EQ(j["attributes"][2]["attribute"], "group|band");
  EXPECT_EQ(j.dump().find("NaN"), std::string::npos);
  EXPECT_TRUE(j["proxies"].is_array());
}

}  // namespace
}  // namespace candor::fairness
