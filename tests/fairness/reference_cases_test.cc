// The published cases of /work/shared/reference/fairness/cases.md (Fairlearn and
// AIF360), reproduced through the public API.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "fairness/audit.h"
#include "fairness/metrics.h"
#include "fairness/reweighing.h"

namespace candor::fairness {
namespace {

constexpr double kTol = 1e-6;

std::vector<std::optional<std::string>> Strings(std::initializer_list<const char*> values) {
  std::vector<std::optional<std::string>> out;
  for (const char* v : values) out.emplace_back(v);
  return out;
}

const AttributeReport& Attribute(const AuditReport& r, const std::string& name) {
  for (const AttributeReport& a : r.attributes) {
    if (a.attribute == name) return a;
  }
  ADD_FAILURE() << "no attribute " << name;
  return r.attributes.front();
}

const GroupReport& Group(const AttributeReport& a, const std::string& value) {
  for (const GroupReport& g : a.groups) {
    if (g.value == value) return g;
  }
  ADD_FAILURE() << "no group " << value;
  return a.groups.front();
}

double Between(const AttributeReport& a, const std::string& name) {
  for (const ComparisonReport& c : a.between_groups) {
    if (c.name == name) return c.estimate.value.value_or(-999);
  }
  ADD_FAILURE() << "no comparison " << name;
  return -999;
}

double Versus(const AttributeReport& a, const std::string& value, const std::string& name) {
  for (const GroupVsReference& vs : a.vs_reference) {
    if (vs.value != value) continue;
    for (const ComparisonReport& c : vs.comparisons) {
      if (c.name == name) return c.estimate.value.value_or(-999);
    }
  }
  ADD_FAILURE() << "no comparison " << name << " for " << value;
  return -999;
}

double Metric(const GroupReport& g, GroupMetric m) {
  return g.metrics[static_cast<std::size_t>(m)].value.value_or(-999);
}

AuditOptions ExactOptions() {
  AuditOptions o;
  o.min_group_size = 1;
  o.resamples = 0;
  o.gate.clear();
  return o;
}

// F1: Fairlearn user guide, common_fairness_metrics.rst and intersecting_groups.rst.
const std::vector<float> kF1True = {0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1};
const std::vector<float> kF1Pred = {0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0};

std::vector<ProtectedAttribute> F1Attributes() {
  const auto group = Strings({"b", "b", "a", "b", "b", "c", "c", "c", "a", "a", "c", "a", "b", "c",
                              "c", "b", "c", "c"});
  const auto g2 = Strings({"8", "6", "8", "8", "8", "8", "6", "6", "6", "8", "6", "6", "6", "6",
                           "8", "6", "6", "6"});
  return {ProtectedAttribute::FromValues("group", group), ProtectedAttribute::FromValues("g2", g2)};
}

TEST(ReferenceCasesTest, F1FairlearnGroupRatesAndBetweenGroups) {
  const std::vector<ProtectedAttribute> attrs = F1Attributes();
  AuditData data{kF1True, kF1Pred, {}, {}, attrs, {}};
  auto report = RunAudit(data, ExactOptions());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const AttributeReport& a = Attribute(*report, "group");
  EXPECT_NEAR(Metric(Group(a, "a"), GroupMetric::kSelectionRate), 0.75, kTol);
  EXPECT_NEAR(Metric(Group(a, "b"), GroupMetric::kSelectionRate), 0.5, kTol);
  EXPECT_NEAR(Metric(Group(a, "c"), GroupMetric::kSelectionRate), 0.5, kTol);
  EXPECT_NEAR(Metric(Group(a, "a"), GroupMetric::kTpr), 0.5, kTol);
  EXPECT_NEAR(Metric(Group(a, "b"), GroupMetric::kTpr), 0.6, kTol);
  EXPECT_NEAR(Metric(Group(a, "c"), GroupMetric::kTpr), 0.4, kTol);
  EXPECT_NEAR(Metric(Group(a, "a"), GroupMetric::kFpr), 1.0, kTol);
  EXPECT_NEAR(Metric(Group(a, "b"), GroupMetric::kFpr), 0.0, kTol);
  EXPECT_NEAR(Metric(Group(a, "c"), GroupMetric::kFpr), 2.0 / 3, kTol);
  EXPECT_NEAR(Between(a, "demographic_parity_difference_between_groups"), 0.25, kTol);
  EXPECT_NEAR(Between(a, "demographic_parity_ratio_between_groups"), 2.0 / 3, kTol);
  EXPECT_NEAR(Between(a, "equalized_odds_difference_between_groups"), 1.0, kTol);
  EXPECT_NEAR(Between(a, "equalized_odds_ratio_between_groups"), 0.0, kTol);
  EXPECT_NEAR(Between(a, "demographic_parity_difference_to_overall"), 0.19444, 1e-5);
  EXPECT_NEAR(Between(a, "demographic_parity_ratio_to_overall"), 0.74074, 1e-5);
}

TEST(ReferenceCasesTest, F1FairlearnIntersections) {
  const std::vector<ProtectedAttribute> attrs = F1Attributes();
  AuditData data{kF1True, kF1Pred, {}, {}, attrs, {}};
  auto report = RunAudit(data, ExactOptions());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const AttributeReport& x = Attribute(*report, "group|g2");
  EXPECT_TRUE(x.intersection);
  struct Want {
    const char* value;
    std::size_t n;
    double recall, precision;
  };
  const Want wants[] = {{"a|6", 2, 0, 0},         {"a|8", 2, 1, 0.5}, {"b|6", 3, 2.0 / 3, 1},
                        {"b|8", 3, 0.5, 1},       {"c|6", 6, 0.5, 2.0 / 3}, {"c|8", 2, 0, 0}};
  ASSERT_EQ(x.groups.size(), 6u);
  for (const Want& w : wants) {
    const GroupReport& g = Group(x, w.value);
    EXPECT_EQ(g.n, w.n) << w.value;
    EXPECT_NEAR(Metric(g, GroupMetric::kTpr), w.recall, kTol) << w.value;
    EXPECT_NEAR(Metric(g, GroupMetric::kPrecision), w.precision, kTol) << w.value;
  }
  auto overall = CountConfusion(kF1True, kF1Pred);
  ASSERT_TRUE(overall.ok());
  EXPECT_NEAR(*overall->Precision(), 0.6, kTol);
  EXPECT_NEAR(*overall->TruePositiveRate(), 0.5, kTol);
  EXPECT_EQ(overall->n(), 18);
}

TEST(ReferenceCasesTest, F2FairlearnSelectionRateAndTpr) {
  const std::vector<float> pred = {0, 0, 0, 1, 1, 1, 1, 1};
  EXPECT_NEAR(*SelectionRate(pred), 0.625, kTol);
  const std::vector<float> pred2 = {0, 1, 1, 0, 0, 0, 0, 0};
  const std::vector<float> w = {1, 2, 3, 4, 1, 2, 1, 2};
  EXPECT_NEAR(*SelectionRate(pred2, w), 0.3125, kTol);
  auto empty = SelectionRate({});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), core::StatusCode::kInvalidArgument);
  const std::vector<float> y = {0, 0, 0, 0, 1, 1, 1, 1};
  const std::vector<float> yhat = {0, 0, 0, 1, 1, 0, 0, 0};
  EXPECT_NEAR(*TruePositiveRate(y, yhat), 0.25, kTol);
  EXPECT_NEAR(*TruePositiveRate(y, yhat, {}, /*positive_label=*/0), 0.75, kTol);
}

// A1: AIF360 R classification test; protected = sex, privileged = 1.
struct A1 {
  std::vector<float> y, yhat;
  std::vector<std::optional<std::string>> sex;
};

A1 A1Rows() {
  const int rows[20][3] = {{0, 0, 0}, {1, 0, 0}, {0, 0, 1}, {0, 0, 1}, {0, 1, 0}, {0, 0, 0}, {1, 0, 0},
                           {1, 0, 0}, {0, 0, 1}, {1, 0, 0}, {1, 0, 1}, {1, 0, 0}, {1, 0, 0}, {1, 1, 0},
                           {1, 0, 0}, {0, 0, 1}, {1, 1, 1}, {0, 0, 0}, {1, 0, 1}, {0, 1, 0}};
  A1 a;
  for (const auto& r : rows) {
    a.sex.emplace_back(std::to_string(r[0]));
    a.y.push_back(static_cast<float>(r[1]));
    a.yhat.push_back(static_cast<float>(r[2]));
  }
  return a;
}

TEST(ReferenceCasesTest, A1Aif360CountsAndRates) {
  const A1 a1 = A1Rows();
  auto all = CountConfusion(a1.y, a1.yhat);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->tp, 1);
  EXPECT_EQ(all->fp, 6);
  EXPECT_EQ(all->fn, 3);
  EXPECT_EQ(all->tn, 10);
  EXPECT_NEAR(*all->Accuracy(), 0.55, kTol);
  EXPECT_NEAR(*all->SelectionRate(), 0.35, kTol);
  EXPECT_NEAR(*all->FalsePositiveRate(), 0.375, kTol);
  EXPECT_NEAR(*all->FalseNegativeRate(), 0.75, kTol);
  EXPECT_NEAR(*all->FalseDiscoveryRate(), 6.0 / 7, kTol);
  EXPECT_NEAR(*all->FalseOmissionRate(), 3.0 / 13, kTol);

  std::vector<float> y[2], yhat[2];
  for (std::size_t i = 0; i < a1.y.size(); ++i) {
    const std::size_t s = *a1.sex[i] == "1" ? 1 : 0;
    y[s].push_back(a1.y[i]);
    yhat[s].push_back(a1.yhat[i]);
  }
  auto priv = CountConfusion(y[1], yhat[1]);
  auto unpriv = CountConfusion(y[0], yhat[0]);
  ASSERT_TRUE(priv.ok() && unpriv.ok());
  EXPECT_EQ(priv->n(), 11);
  EXPECT_EQ(priv->tp, 1);
  EXPECT_EQ(priv->fp, 2);
  EXPECT_EQ(priv->fn, 1);
  EXPECT_EQ(priv->tn, 7);
  EXPECT_EQ(unpriv->n(), 9);
  EXPECT_EQ(unpriv->tp, 0);
  EXPECT_EQ(unpriv->fp, 4);
  EXPECT_EQ(unpriv->fn, 2);
  EXPECT_EQ(unpriv->tn, 3);
  EXPECT_NEAR(*priv->FalsePositiveRate(), 2.0 / 9, kTol);
  EXPECT_NEAR(*unpriv->FalsePositiveRate(), 4.0 / 7, kTol);
  EXPECT_NEAR(*priv->FalseNegativeRate(), 0.5, kTol);
  EXPECT_NEAR(*unpriv->FalseNegativeRate(), 1.0, kTol);
}

TEST(ReferenceCasesTest, A1Aif360ComparisonsAgainstThePrivilegedGroup) {
  const A1 a1 = A1Rows();
  const std::vector<ProtectedAttribute> attrs = {ProtectedAttribute::FromValues("sex", a1.sex)};
  AuditData data{a1.y, a1.yhat, {}, {}, attrs, {}};
  AuditOptions options = ExactOptions();
  options.references["sex"] = "1";
  auto report = RunAudit(data, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const AttributeReport& a = Attribute(*report, "sex");
  EXPECT_EQ(a.reference, "1");
  EXPECT_NEAR(Versus(a, "0", "demographic_parity_ratio"), 1.629630, kTol);  // disparate impact
  EXPECT_NEAR(Versus(a, "0", "demographic_parity_difference"), 0.171717, kTol);
  EXPECT_NEAR(Versus(a, "0", "equal_opportunity_difference"), -0.5, kTol);
  EXPECT_NEAR(Versus(a, "0", "average_odds_difference"), -0.0753968, kTol);
  EXPECT_NEAR(Versus(a, "0", "average_abs_odds_difference"), 0.4246032, kTol);
  EXPECT_NEAR(Versus(a, "0", "error_rate_difference"), 0.393939, kTol);
  EXPECT_NEAR(Versus(a, "0", "equalized_odds_difference"), 0.5, kTol);
}

TEST(ReferenceCasesTest, A1KamiranCaldersReweighing) {
  const A1 a1 = A1Rows();
  const std::vector<ProtectedAttribute> attrs = {ProtectedAttribute::FromValues("sex", a1.sex)};
  auto rw = ComputeReweighing(a1.y, attrs);
  ASSERT_TRUE(rw.ok()) << rw.status().ToString();
  auto weight = [&](const std::string& group, int label) {
    for (const ReweighingCell& c : rw->cells) {
      if (c.group == group && c.label == label) return c.weight;
    }
    return -1.0;
  };
  EXPECT_NEAR(weight("1", 1), 1.1, kTol);
  EXPECT_NEAR(weight("1", 0), 0.977778, kTol);
  EXPECT_NEAR(weight("0", 1), 0.9, kTol);
  EXPECT_NEAR(weight("0", 0), 1.028571, kTol);
  double sum = 0, pos[2] = {0, 0}, tot[2] = {0, 0};
  for (std::size_t i = 0; i < a1.y.size(); ++i) {
    const std::size_t s = *a1.sex[i] == "1" ? 1 : 0;
    sum += rw->weights[i];
    tot[s] += rw->weights[i];
    pos[s] += rw->weights[i] * a1.y[i];
  }
  EXPECT_NEAR(sum, 20, kTol);
  EXPECT_NEAR(pos[0] / tot[0], 0.2, kTol);
  EXPECT_NEAR(pos[1] / tot[1], 0.2, kTol);
}

}  // namespace
}  // namespace candor::fairness
