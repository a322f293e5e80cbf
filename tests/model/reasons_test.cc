#include "model/reasons.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "model/train.h"
#include "treeshap/ensemble.h"

namespace candor::model {
namespace {

using ::testing::HasSubstr;

FeatureSpec Numeric(std::string name, std::string en, std::string de, bool actionable, bool integer) {
  FeatureSpec f;
  f.name = std::move(name);
  f.description_en = std::move(en);
  f.description_de = std::move(de);
  f.actionable = actionable;
  f.integer = integer;
  return f;
}

ModelSpec ThreeFeatures() {
  ModelSpec s;
  s.version = "conversion-1";
  s.features.push_back(Numeric("pricing_views_30d", "Visits of the pricing page in the last 30 days",
                               "Besuche der Preisseite in den letzten 30 Tagen", true, true));
  s.features.push_back(Numeric("click_rate_30d", "Share of opened e-mails with a click",
                               "Anteil geöffneter E-Mails mit Klick", true, false));
  FeatureSpec seniority;
  seniority.name = "seniority";
  seniority.categorical = true;
  seniority.codes = {"junior", "senior"};
  seniority.description_en = "Seniority of the role";
  seniority.description_de = "Hierarchieebene der Rolle";
  s.features.push_back(seniority);
  return s;
}

TEST(ReasonsTest, StrongestPositiveThenStrongestNegativeInBothLanguages) {
  ModelSpec spec = ThreeFeatures();
  const float row[] = {5, 0.25F, 1};
  const double contributions[] = {0.8, -0.3, 0.1, -2.0 /* bias, ignored */};
  auto reasons = TopReasons(spec, row, contributions, 1);
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].feature, "pricing_views_30d");
  EXPECT_EQ(reasons[0].text_en, "Visits of the pricing page in the last 30 days: 5 (raises the score)");
  EXPECT_EQ(reasons[0].text_de, "Besuche der Preisseite in den letzten 30 Tagen: 5 (erhöht den Wert)");
  EXPECT_EQ(reasons[1].feature, "click_rate_30d");
  EXPECT_EQ(reasons[1].text_en, "Share of opened e-mails with a click: 0.25 (lowers the score)");
  EXPECT_EQ(reasons[1].text_de, "Anteil geöffneter E-Mails mit Klick: 0,25 (senkt den Wert)");
  auto all = TopReasons(spec, row, contributions, 3);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].text_en, "Seniority of the role: senior (raises the score)");
}

TEST(ReasonsTest, ZeroContributionsAreNeverReasons) {
  ModelSpec spec = ThreeFeatures();
  const float row[] = {0, 0, 0};
  const double contributions[] = {0, 0, 0, -1};
  EXPECT_TRUE(TopReasons(spec, row, contributions, 3).empty());
}

TEST(ReasonsTest, DescribesMissingAndUnknownValues) {
  ModelSpec spec = ThreeFeatures();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(DescribeValue(spec.features[0], nan, "en"), "unknown");
  EXPECT_EQ(DescribeValue(spec.features[0], nan, "de"), "unbekannt");
  EXPECT_EQ(DescribeValue(spec.features[2], 7, "en"), "unknown");  // not in the code table
  EXPECT_EQ(DescribeValue(spec.features[1], 1234.5F, "en"), "1234");
  EXPECT_EQ(DescribeValue(spec.features[1], 0.3333F, "de"), "0,33");
  EXPECT_EQ(ScoreOf(0.12345), 12.3);
  EXPECT_EQ(ScoreOf(1.0), 100.0);
}

// A real model: y depends on x0 (integer-valued, actionable), x1 (continuous,
// actionable) and x2 (not actionable).
struct Trained {
  ModelSpec spec;
  treeshap::Ensemble ensemble;
};

Trained Train3() {
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> counts(0, 9);
  std::uniform_real_distribution<float> u(0, 1);
  auto make = [&](std::size_t n, std::vector<float>& y) {
    DenseMatrix m;
    m.rows = n;
    m.cols = 3;
    m.feature_names = {"a", "b", "c"};
    for (std::size_t r = 0; r < n; ++r) {
      float a = static_cast<float>(counts(rng)), b = u(rng), c = u(rng);
      if (r % 11 == 0) a = std::numeric_limits<float>::quiet_NaN();
      m.values.insert(m.values.end(), {a, b, c});
      float logit = (std::isnan(a) ? 0 : 0.4F * a) + 2 * b - c - 2.5F;
      y.push_back(u(rng) < 1 / (1 + std::exp(-logit)) ? 1.0F : 0.0F);
    }
    return m;
  };
  std::vector<float> ty, vy;
  DenseMatrix train = make(3000, ty), valid = make(1000, vy);
  TrainParams p;
  p.max_depth = 4;
  p.max_rounds = 60;
  p.nthread = 1;
  auto r = Train(train, ty, {}, valid, vy, p);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  Trained t{ModelSpec{}, *treeshap::Ensemble::FromXgboostJson(r->booster_json)};
  t.spec.features = {Numeric("a", "A", "A", true, true), Numeric("b", "B", "B", true, false),
                     Numeric("c", "C", "C", false, false)};
  for (auto& f : t.spec.features) {
    f.min = 0;
    f.max = f.name == "a" ? 9 : 1;
  }
  return t;
}

double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

TEST(ChangeFinderTest, FindsTheBestSingleChangeThatADenseSearchFinds) {
  Trained t = Train3();
  ChangeFinder finder(t.spec, t.ensemble);
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<float> u(0, 1);
  for (int trial = 0; trial < 40; ++trial) {
    float row[3] = {static_cast<float>(trial % 10), u(rng), u(rng)};
    if (trial % 7 == 0) row[0] = std::numeric_limits<float>::quiet_NaN();
    const double margin = t.ensemble.PredictMargin(row);
    auto best = finder.Best(row, margin, Sigmoid);
    // Dense search over each actionable feature's range (integers for a).
    double dense_best = Sigmoid(margin);
    for (int f = 0; f < 2; ++f) {
      const int steps = f == 0 ? 9 : 2000;
      for (int k = 0; k <= steps; ++k) {
        float changed[3] = {row[0], row[1], row[2]};
        changed[f] = f == 0 ? static_cast<float>(k) : static_cast<float>(k) / static_cast<float>(steps);
        dense_best = std::max(dense_best, Sigmoid(t.ensemble.PredictMargin(changed)));
      }
    }
    if (dense_best <= Sigmoid(margin) + 1e-12) {
      EXPECT_FALSE(best.has_value()) << trial;
      continue;
    }
    ASSERT_TRUE(best.has_value()) << trial;
    EXPECT_GE(best->new_probability, dense_best - 1e-12) << trial;
    EXPECT_NE(best->feature, "c");  // not actionable
    // The suggestion is real: applying it gives the promised probability.
    float applied[3] = {row[0], row[1], row[2]};
    applied[best->feature == "a" ? 0 : 1] = static_cast<float>(best->to);
    EXPECT_NEAR(Sigmoid(t.ensemble.PredictMargin(applied)), best->new_probability, 1e-9) << trial;
    if (best->feature == "a") {
      EXPECT_EQ(std::floor(best->to), best->to);
    }
    EXPECT_GE(best->to, 0);
    EXPECT_LE(best->to, best->feature == "a" ? 9 : 1);
    EXPECT_THAT(best->text_en, HasSubstr("the score would rise from"));
    EXPECT_THAT(best->text_de, HasSubstr("der Wert stiege von"));
  }
}

}  // namespace
}  // namespace candor::model
