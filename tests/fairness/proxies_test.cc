#include "fairness/proxies.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "model/metrics.h"

namespace candor::fairness {
namespace {

ProtectedAttribute Attribute(const std::string& name, const std::vector<int>& codes,
                             std::vector<std::string> values) {
  ProtectedAttribute a;
  a.name = name;
  a.values = std::move(values);
  a.codes.assign(codes.begin(), codes.end());
  return a;
}

TEST(ProxiesTest, AFeatureThatIsTheAttributeIsFlaggedWithOneBit) {
  std::vector<int> codes;
  std::vector<float> copy, noise;
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(0, 1);
  for (int i = 0; i < 1000; ++i) {
    codes.push_back(i % 2);
    copy.push_back(static_cast<float>(i % 2));
    noise.push_back(u(rng));
  }
  const std::vector<ProtectedAttribute> attrs = {Attribute("gender", codes, {"f", "m"})};
  const std::vector<ProxyFeature> features = {{"copy", copy, false}, {"noise", noise, false}};
  auto r = DetectProxies(features, attrs);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].feature, "copy");
  EXPECT_DOUBLE_EQ(*(*r)[0].auc, 1.0);
  EXPECT_NEAR((*r)[0].mi_bits, 1.0, 1e-12);
  EXPECT_TRUE((*r)[0].flagged);
  EXPECT_LT(*(*r)[1].auc, 0.6);
  EXPECT_LT((*r)[1].mi_bits, 0.02);
  EXPECT_FALSE((*r)[1].flagged);
}

TEST(ProxiesTest, NumericAucEqualsRocAucFoldedToAtLeastOneHalf) {
  std::mt19937 rng(2);
  std::uniform_int_distribution<int> grid(0, 20);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<int> codes;
  std::vector<float> f;
  std::vector<double> score;
  std::vector<float> label;
  for (int i = 0; i < 2000; ++i) {
    const int c = u(rng) < 0.3 ? 1 : 0;
    codes.push_back(c);
    const float v = static_cast<float>(grid(rng) - 4 * c);  // lower for code 1: AUC < 0.5
    f.push_back(v);
    score.push_back(v);
    label.push_back(static_cast<float>(c));
  }
  const double auc = *model::RocAuc(score, label);
  ASSERT_LT(auc, 0.5);
  const std::vector<ProtectedAttribute> attrs = {Attribute("age", codes, {"young", "old"})};
  const std::vector<ProxyFeature> features = {{"careers_visits", f, false}};
  auto r = DetectProxies(features, attrs);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(*(*r)[0].auc, 1 - auc, 1e-12);
  EXPECT_TRUE((*r)[0].flagged);
}

TEST(ProxiesTest, MultiValuedAttributeTakesTheLargestOneVsRest) {
  // Value "c" sits at the top of the feature; "a" and "b" mix below.
  std::vector<int> codes;
  std::vector<float> f;
  for (int i = 0; i < 900; ++i) {
    codes.push_back(i % 3);
    f.push_back(i % 3 == 2 ? 100.0f + static_cast<float>(i % 7) : static_cast<float>(i % 11));
  }
  const std::vector<ProtectedAttribute> attrs = {Attribute("band", codes, {"a", "b", "c"})};
  const std::vector<ProxyFeature> features = {{"x", f, false}};
  auto r = DetectProxies(features, attrs);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(*(*r)[0].auc, 1.0);
  EXPECT_EQ((*r)[0].auc_value, "c");
}

TEST(ProxiesTest, CategoricalCodesAndMissingValues) {
  // Code 3 is always "m"; codes 0-2 are mixed; NaN rows skip the AUC but are a bin of the MI.
  std::vector<int> codes;
  std::vector<float> f;
  for (int i = 0; i < 600; ++i) {
    const int c = i % 4;
    codes.push_back(c == 3 ? 1 : (i / 4) % 2);
    f.push_back(i % 50 == 0 ? std::nanf("") : static_cast<float>(c));
  }
  const std::vector<ProtectedAttribute> attrs = {Attribute("gender", codes, {"f", "m"})};
  const std::vector<ProxyFeature> features = {{"seniority", f, true}};
  auto r = DetectProxies(features, attrs);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(*(*r)[0].auc, 0.6);
  EXPECT_GT((*r)[0].mi_bits, 0.1);
  EXPECT_EQ((*r)[0].rows, 600u);

  std::vector<float> bad = f;
  bad[1] = 1.5f;
  const std::vector<ProxyFeature> bad_features = {{"seniority", bad, true}};
  auto err = DetectProxies(bad_features, attrs);
  ASSERT_FALSE(err.ok());
  EXPECT_THAT(err.status().message(), testing::HasSubstr("categorical code"));
}

TEST(ProxiesTest, RowsWithoutTheAttributeTakeNoPartAndOneValueGivesNoAuc) {
  std::vector<int> codes(100, 0);
  for (int i = 50; i < 100; ++i) codes[static_cast<std::size_t>(i)] = ProtectedAttribute::kMissing;
  std::vector<float> f(100, 1.0f);
  const std::vector<ProtectedAttribute> attrs = {Attribute("gender", codes, {"f"})};
  const std::vector<ProxyFeature> features = {{"x", f, false}};
  auto r = DetectProxies(features, attrs);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].rows, 50u);
  EXPECT_FALSE((*r)[0].auc.has_value());
  EXPECT_FALSE((*r)[0].flagged);
}

}  // namespace
}  // namespace candor::fairness
