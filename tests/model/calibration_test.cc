#include "model/calibration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace candor::model {
namespace {

using ::testing::HasSubstr;

double Logit(double p) { return std::log(p / (1 - p)); }

// 30 validation rows, generated and the expected values below computed with
// /usr/bin/python3 (numpy 1.24, scipy, scikit-learn 1.2.1):
//   rng = np.random.RandomState(7); n = 30
//   m = np.round(rng.normal(0, 1.5, n), 3)
//   y = (rng.rand(n) < 1 / (1 + np.exp(-(0.7 * m + 0.3)))).astype(float)
//   w = rng.choice([0.5, 1.0, 2.0], n)
// Isotonic: sklearn.isotonic.IsotonicRegression().fit(p, y, sample_weight=w) on
// p = 1 / (1 + exp(-m)); y = its distinct fitted values, x = the weighted mean p
// of the rows fitted to each. Platt: scipy.optimize.minimize (BFGS, gtol 1e-13) of
// the weighted log loss of sigmoid(a m + b) against Platt's targets from the class
// weights; without weights it agrees with sklearn.calibration._sigmoid_calibration
// to 1e-6.
const std::vector<double> kMargins = {
    2.536,  -0.699, 0.049,  0.611,  -1.183, 0.003,  -0.001, -2.632, 1.526, 0.901,
    -0.938, -0.257, 0.758,  -0.392, -0.364, -2.18,  0.832,  0.186,  0.412, -2.29,
    2.476,  0.232,  -0.581, 3.044,  -0.068, -2.176, -0.608, -3.432, 1.574, -0.625};
const std::vector<float> kLabels = {1, 1, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 1,
                                    0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1};
const std::vector<float> kWeights = {2.0, 2.0, 1.0, 2.0, 1.0, 0.5, 0.5, 1.0, 0.5, 2.0,
                                     2.0, 1.0, 2.0, 1.0, 0.5, 1.0, 2.0, 1.0, 0.5, 0.5,
                                     1.0, 1.0, 1.0, 2.0, 0.5, 0.5, 2.0, 2.0, 2.0, 0.5};

void ExpectNear(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << i;
}

Calibrator FitOk(CalibrationMethod method, std::span<const double> m, std::span<const float> y,
                 std::span<const float> w = {}) {
  auto c = Calibrator::Fit(method, m, y, w);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

TEST(IsotonicTest, MatchesScikitLearn) {
  const Calibrator c = FitOk(CalibrationMethod::kIsotonic, kMargins, kLabels);
  ExpectNear(c.knots_x(),
             {0.0492086750902818, 0.16225194007664392, 0.402664735903427, 0.529276298747196,
              0.6677176387079116, 0.8906731260909313},
             1e-12);
  ExpectNear(c.knots_y(), {0.0, 0.2, 0.4444444444444444, 0.75, 0.8, 1.0}, 1e-12);

  const Calibrator w = FitOk(CalibrationMethod::kIsotonic, kMargins, kLabels, kWeights);
  ExpectNear(w.knots_x(),
             {0.04324252192082323, 0.19912473760468946, 0.3819817230072402, 0.5333514843628668,
              0.6793912200857012, 0.9002878242479347},
             1e-12);
  ExpectNear(w.knots_y(),
             {0.0, 0.1, 0.5555555555555556, 0.7142857142857143, 0.7647058823529411, 1.0}, 1e-12);
}

TEST(IsotonicTest, InterpolatesBetweenBlockCentresAndClips) {
  // Probabilities 0.2, 0.4, 0.6, 0.8 with labels 0, 1, 0, 1: the middle two pool
  // into one block of mean 0.5 centred at 0.5.
  const std::vector<double> m = {Logit(0.2), Logit(0.4), Logit(0.6), Logit(0.8)};
  const std::vector<float> y = {0, 1, 0, 1};
  const Calibrator c = FitOk(CalibrationMethod::kIsotonic, m, y);
  ExpectNear(c.knots_x(), {0.2, 0.5, 0.8}, 1e-12);
  ExpectNear(c.knots_y(), {0.0, 0.5, 1.0}, 1e-12);
  EXPECT_NEAR(c.Apply(Logit(0.35)), 0.25, 1e-12);
  EXPECT_NEAR(c.Apply(Logit(0.65)), 0.75, 1e-12);
  EXPECT_NEAR(c.Apply(Logit(0.5)), 0.5, 1e-12);
  EXPECT_EQ(c.Apply(Logit(0.1)), Calibrator::kIsotonicEps);
  EXPECT_EQ(c.Apply(Logit(0.2)), Calibrator::kIsotonicEps);
  EXPECT_EQ(c.Apply(Logit(0.95)), 1 - Calibrator::kIsotonicEps);
  EXPECT_EQ(c.Apply(-1000.0), Calibrator::kIsotonicEps);
  EXPECT_EQ(c.Apply(1000.0), 1 - Calibrator::kIsotonicEps);
  EXPECT_TRUE(std::isnan(c.Apply(std::numeric_limits<double>::quiet_NaN())));
}

TEST(IsotonicTest, PoolsEqualProbabilitiesFirst) {
  // Two rows at the same margin with different labels are one point of mean 0.5.
  const std::vector<double> m = {-1, 0, 0, 1};
  const std::vector<float> y = {0, 1, 0, 1};
  const Calibrator c = FitOk(CalibrationMethod::kIsotonic, m, y);
  ExpectNear(c.knots_y(), {0.0, 0.5, 1.0}, 1e-12);
  EXPECT_NEAR(c.knots_x()[1], 0.5, 1e-12);
}

TEST(IsotonicTest, PreservesRanking) {
  const Calibrator c = FitOk(CalibrationMethod::kIsotonic, kMargins, kLabels, kWeights);
  double previous = 0;
  for (double margin = -6; margin <= 6; margin += 0.01) {
    const double p = c.Apply(margin);
    EXPECT_GE(p, previous) << margin;
    EXPECT_GE(p, Calibrator::kIsotonicEps);
    EXPECT_LE(p, 1 - Calibrator::kIsotonicEps);
    previous = p;
  }
  // Strictly increasing between the first and last block centres.
  const double lo = Logit(c.knots_x().front()), hi = Logit(c.knots_x().back());
  for (double margin = lo + 0.01; margin + 0.01 < hi; margin += 0.01) {
    EXPECT_LT(c.Apply(margin), c.Apply(margin + 0.01)) << margin;
  }
}

TEST(PlattTest, MatchesNewtonOptimum) {
  const Calibrator c = FitOk(CalibrationMethod::kPlatt, kMargins, kLabels);
  EXPECT_NEAR(c.a(), 0.77546258053048334, 1e-9);
  EXPECT_NEAR(c.b(), 0.41384129405769682, 1e-9);
  const Calibrator w = FitOk(CalibrationMethod::kPlatt, kMargins, kLabels, kWeights);
  EXPECT_NEAR(w.a(), 0.8833397855864481, 1e-9);
  EXPECT_NEAR(w.b(), 0.46569664255770687, 1e-9);
  EXPECT_NEAR(c.Apply(0.5), 1 / (1 + std::exp(-(c.a() * 0.5 + c.b()))), 1e-15);
  EXPECT_TRUE(c.knots_x().empty());
}

TEST(PlattTest, StaysFiniteOnSeparableData) {
  // Without Platt's smoothed targets the slope would grow without bound.
  const std::vector<double> m = {-3, -2, -1, 1, 2, 3};
  const std::vector<float> y = {0, 0, 0, 1, 1, 1};
  const Calibrator c = FitOk(CalibrationMethod::kPlatt, m, y);
  EXPECT_TRUE(std::isfinite(c.a()));
  EXPECT_GT(c.a(), 0);
  EXPECT_LT(c.Apply(3), 1.0);
  EXPECT_GT(c.Apply(-3), 0.0);
  // Targets are 4/5 and 1/5: the fitted probabilities sit near them.
  EXPECT_NEAR(c.Apply(2), 0.8, 0.1);
}

TEST(CalibratorTest, IntegerWeightsEqualRepeatedRows) {
  std::vector<double> m;
  std::vector<float> y;
  for (std::size_t i = 0; i < kMargins.size(); ++i) {
    const int copies = static_cast<int>(kWeights[i] * 2);  // 0.5 -> 1 copy, 2.0 -> 4
    for (int k = 0; k < copies; ++k) {
      m.push_back(kMargins[i]);
      y.push_back(kLabels[i]);
    }
  }
  std::vector<float> doubled(kWeights);
  for (float& w : doubled) w *= 2;
  for (CalibrationMethod method : {CalibrationMethod::kIsotonic, CalibrationMethod::kPlatt}) {
    const Calibrator repeated = FitOk(method, m, y);
    const Calibrator weighted = FitOk(method, kMargins, kLabels, doubled);
    for (double margin : {-2.0, -0.3, 0.0, 0.4, 1.7}) {
      EXPECT_NEAR(repeated.Apply(margin), weighted.Apply(margin), 1e-9)
          << CalibrationMethodName(method) << " " << margin;
    }
  }
  // A row of weight 0 takes no part.
  std::vector<double> m0(kMargins);
  std::vector<float> y0(kLabels), w0(kWeights);
  m0.push_back(5.0);
  y0.push_back(0);
  w0.push_back(0.0f);
  const Calibrator with_zero = FitOk(CalibrationMethod::kIsotonic, m0, y0, w0);
  const Calibrator without = FitOk(CalibrationMethod::kIsotonic, kMargins, kLabels, kWeights);
  EXPECT_EQ(with_zero.knots_x(), without.knots_x());
  EXPECT_EQ(with_zero.knots_y(), without.knots_y());
}

TEST(CalibratorTest, JsonRoundTripAppliesIdentically) {
  for (CalibrationMethod method : {CalibrationMethod::kIsotonic, CalibrationMethod::kPlatt}) {
    const Calibrator c = FitOk(method, kMargins, kLabels, kWeights);
    const std::string json = c.ToJson();
    auto back = Calibrator::FromJson(json);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->method(), method);
    EXPECT_EQ(back->ToJson(), json);
    for (double margin = -4; margin <= 4; margin += 0.125) {
      EXPECT_EQ(back->Apply(margin), c.Apply(margin)) << margin;
    }
  }
  auto platt = Calibrator::FromJson(R"({"method":"platt","a":2,"b":-0.5})");
  ASSERT_TRUE(platt.ok());
  EXPECT_EQ(platt->ToJson(), R"({"method":"platt","a":2.0,"b":-0.5})");
  EXPECT_DOUBLE_EQ(platt->Apply(0.25), 0.5);
  const std::string iso = R"({"method":"isotonic","eps":1e-06,"x":[0.2,0.8],"y":[0.1,0.9]})";
  auto isotonic = Calibrator::FromJson(iso);
  ASSERT_TRUE(isotonic.ok());
  EXPECT_EQ(isotonic->ToJson(), iso);
}

TEST(CalibratorTest, FromJsonRefusesMalformedInput) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "not an object with a 'method'"},
      {"[1]", "not an object with a 'method'"},
      {R"({"method":3})", "not an object with a 'method'"},
      {R"({"method":"beta"})", "unknown calibration method 'beta'"},
      {R"({"method":"platt","a":1})", "'b' must be a number"},
      {R"({"method":"platt","a":"1","b":0})", "'a' must be a number"},
      {R"({"method":"isotonic","x":[0.5],"y":[0.5]})", "'eps' must be a number"},
      {R"({"method":"isotonic","eps":0.7,"x":[0.5],"y":[0.5]})", "'eps' must be in [0, 0.5)"},
      {R"({"method":"isotonic","eps":0,"x":[],"y":[]})", "'x' must be a non-empty array"},
      {R"({"method":"isotonic","eps":0,"x":[0.5,1.5],"y":[0,1]})", "'x' must hold numbers in"},
      {R"({"method":"isotonic","eps":0,"x":[0.5],"y":[0.5,0.6]})", "differ in length"},
      {R"({"method":"isotonic","eps":0,"x":[0.5,0.5],"y":[0.1,0.2]})", "must strictly increase"},
      {R"({"method":"isotonic","eps":0,"x":[0.2,0.5],"y":[0.3,0.2]})", "must not decrease"},
  };
  for (const auto& [json, message] : cases) {
    auto c = Calibrator::FromJson(json);
    ASSERT_FALSE(c.ok()) << json;
    EXPECT_EQ(c.status().code(), core::StatusCode::kInvalidArgument) << json;
    EXPECT_THAT(c.status().message(), HasSubstr(message)) << json;
  }
}

TEST(CalibratorTest, FitRefusesBadInput) {
  const std::vector<double> m = {0.1, -0.2, 0.3};
  const std::vector<float> y = {0, 1, 0};
  auto expect = [](const core::Result<Calibrator>& r, const std::string& message) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr(message));
  };
  for (CalibrationMethod method : {CalibrationMethod::kIsotonic, CalibrationMethod::kPlatt}) {
    expect(Calibrator::Fit(method, {}, {}, {}), "at least one row");
    expect(Calibrator::Fit(method, m, std::vector<float>{0, 1}, {}), "2 labels for 3 margins");
    expect(Calibrator::Fit(method, m, y, std::vector<float>{1}), "1 weights for 3 margins");
    expect(Calibrator::Fit(method, std::vector<double>{0.1, NAN, 0.3}, y, {}),
           "row 1: the margin is not finite");
    expect(Calibrator::Fit(method, m, std::vector<float>{0, 0.5f, 1}, {}),
           "row 1: a label must be 0 or 1");
    expect(Calibrator::Fit(method, m, y, std::vector<float>{1, -1, 1}),
           "row 1: a weight must be finite");
    expect(Calibrator::Fit(method, m, std::vector<float>{1, 1, 1}, {}), "both classes");
    expect(Calibrator::Fit(method, m, y, std::vector<float>{1, 0, 1}), "both classes");
  }
}

TEST(CalibrationMethodTest, ParsesNames) {
  EXPECT_EQ(*ParseCalibrationMethod("isotonic"), CalibrationMethod::kIsotonic);
  EXPECT_EQ(*ParseCalibrationMethod("platt"), CalibrationMethod::kPlatt);
  EXPECT_EQ(CalibrationMethodName(CalibrationMethod::kPlatt), "platt");
  auto bad = ParseCalibrationMethod("Platt");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "unknown calibration method 'Platt' (expected isotonic or platt)");
}

}  // namespace
}  // namespace candor::model
