#include "model/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace candor::model {
namespace {

using ::testing::HasSubstr;

// 40 rows with many tied probabilities, a confident wrong prediction (p = 1,
// label 0, which log loss must clip) and p = 0. Generated, and the expected values
// below computed, with /usr/bin/python3 (numpy 1.24, scikit-learn 1.2.1):
//   rng = np.random.RandomState(20240501); n = 40
//   p = np.round(rng.beta(2, 3, n), 2); p[:3] = [0.0, 1.0, 0.5]
//   y = (rng.rand(n) < p * 0.8 + 0.1).astype(float)
//   w = rng.choice([0.5, 1.0, 1.5, 2.0, 3.0], n)
// AUC, AP, log loss and Brier from sklearn.metrics (roc_auc_score,
// average_precision_score, log_loss with eps=1e-15, brier_score_loss, with sample_weight=w for
// the weighted ones); ECE and lift from a numpy transcription of metrics.h
// (bin = min(floor(10 p), 9); the lift's straddling tie group counted by share
// clip((cut - weight above the group) / group weight, 0, 1)).
const std::vector<double> kP = {0.0,  1.0,  0.5,  0.46, 0.32, 0.36, 0.12, 0.37, 0.4,  0.51,
                                0.56, 0.82, 0.14, 0.64, 0.73, 0.56, 0.71, 0.14, 0.23, 0.18,
                                0.55, 0.32, 0.59, 0.14, 0.29, 0.39, 0.19, 0.19, 0.58, 0.54,
                                0.42, 0.19, 0.25, 0.39, 0.84, 0.17, 0.6,  0.27, 0.29, 0.15};
const std::vector<float> kY = {0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0,
                               0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0};
const std::vector<float> kW = {0.5, 0.5, 3.0, 0.5, 3.0, 2.0, 1.0, 0.5, 1.5, 3.0, 3.0, 1.5, 0.5, 1.5,
                               1.5, 1.0, 3.0, 0.5, 3.0, 1.0, 1.5, 3.0, 2.0, 2.0, 3.0, 3.0, 1.5, 0.5,
                               2.0, 0.5, 0.5, 1.0, 0.5, 0.5, 3.0, 2.0, 0.5, 1.5, 0.5, 1.5};

constexpr double kTol = 1e-12;

void ExpectInvalid(const core::Result<double>& r, const std::string& message) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(message));
}

TEST(MetricsTest, MatchScikitLearnUnweighted) {
  EXPECT_NEAR(*RocAuc(kP, kY), 0.76210826210826221, kTol);
  EXPECT_NEAR(*AveragePrecision(kP, kY), 0.622532891460017, kTol);
  EXPECT_NEAR(*LogLoss(kP, kY), 1.3594045501489602, kTol);
  EXPECT_NEAR(*BrierScore(kP, kY), 0.18614499999999998, kTol);
  EXPECT_NEAR(*ExpectedCalibrationError(kP, kY), 0.18000000000000002, kTol);
}

TEST(MetricsTest, MatchScikitLearnWeighted) {
  EXPECT_NEAR(*RocAuc(kP, kY, kW), 0.83275960986804354, kTol);
  EXPECT_NEAR(*AveragePrecision(kP, kY, kW), 0.75630806510342352, kTol);
  EXPECT_NEAR(*LogLoss(kP, kY, kW), 0.75113834465488549, kTol);
  EXPECT_NEAR(*BrierScore(kP, kY, kW), 0.15939519999999999, kTol);
  EXPECT_NEAR(*ExpectedCalibrationError(kP, kY, kW), 0.18064000000000002, kTol);
}

TEST(MetricsTest, LiftAtTopDecilesMatchesReference) {
  auto lift = LiftAtTopDeciles(kP, kY);
  ASSERT_TRUE(lift.ok());
  ASSERT_EQ(lift->size(), 10u);
  EXPECT_DOUBLE_EQ((*lift)[0].fraction, 0.1);
  EXPECT_NEAR((*lift)[0].positive_rate, 0.75, kTol);
  EXPECT_NEAR((*lift)[0].lift, 2.3076923076923075, kTol);
  EXPECT_NEAR((*lift)[1].lift, 2.3076923076923075, kTol);
  EXPECT_NEAR((*lift)[2].positive_rate, 0.58333333333333337, kTol);
  EXPECT_NEAR((*lift)[2].lift, 1.7948717948717949, kTol);
  EXPECT_NEAR((*lift)[4].lift, 1.5384615384615383, kTol);
  EXPECT_EQ((*lift)[9].lift, 1.0);
  EXPECT_NEAR((*lift)[9].positive_rate, 0.325, kTol);

  auto weighted = LiftAtTopDeciles(kP, kY, kW);
  ASSERT_TRUE(weighted.ok());
  EXPECT_NEAR((*weighted)[0].positive_rate, 0.92, kTol);
  EXPECT_NEAR((*weighted)[0].lift, 2.7380952380952381, kTol);
  EXPECT_NEAR((*weighted)[1].lift, 2.6190476190476191, kTol);
  EXPECT_NEAR((*weighted)[2].lift, 1.875, kTol);
  EXPECT_NEAR((*weighted)[4].lift, 1.7619047619047616, kTol);
  EXPECT_EQ((*weighted)[9].lift, 1.0);
}

TEST(MetricsTest, LiftCountsTheStraddlingTieGroupInProportion) {
  // The top 20 % of 10 rows is 2 rows: the 0.9 row (a positive) and one third of
  // the group of three tied at 0.8, of which one is positive: 1 + 1/3 positives.
  const std::vector<double> p = {0.9, 0.8, 0.8, 0.8, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0};
  const std::vector<float> y = {1, 1, 0, 0, 1, 0, 0, 0, 0, 0};
  auto top = LiftAtTop(0.2, p, y);
  ASSERT_TRUE(top.ok());
  EXPECT_NEAR(top->positive_rate, (1 + 1.0 / 3) / 2, kTol);
  EXPECT_NEAR(top->lift, ((1 + 1.0 / 3) / 2) / 0.3, kTol);
  // The same rows in another order give the same answer.
  const std::vector<double> p2 = {0.8, 0.0, 0.8, 0.9, 0.1, 0.8, 0.5, 0.2, 0.3, 0.4};
  const std::vector<float> y2 = {0, 0, 1, 1, 0, 0, 1, 0, 0, 0};
  EXPECT_NEAR(LiftAtTop(0.2, p2, y2)->positive_rate, top->positive_rate, kTol);
}

TEST(MetricsTest, TiesCountOneHalfInRocAuc) {
  const std::vector<double> p = {0.5, 0.5, 0.5, 0.5};
  const std::vector<float> y = {1, 0, 1, 0};
  EXPECT_DOUBLE_EQ(*RocAuc(p, y), 0.5);
  const std::vector<double> perfect = {0.9, 0.1, 0.8, 0.2};
  EXPECT_DOUBLE_EQ(*RocAuc(perfect, y), 1.0);
  EXPECT_DOUBLE_EQ(*AveragePrecision(perfect, y), 1.0);
  EXPECT_DOUBLE_EQ(*AveragePrecision(p, y), 0.5);  // one threshold: precision 1/2
}

TEST(MetricsTest, IntegerWeightsEqualRepeatedRows) {
  std::vector<double> p;
  std::vector<float> y, w;
  for (std::size_t i = 0; i < kP.size(); ++i) {
    const int copies = static_cast<int>(kW[i] * 2);  // weights are multiples of 0.5
    for (int c = 0; c < copies; ++c) {
      p.push_back(kP[i]);
      y.push_back(kY[i]);
    }
  }
  EXPECT_NEAR(*RocAuc(p, y), *RocAuc(kP, kY, kW), kTol);
  EXPECT_NEAR(*AveragePrecision(p, y), *AveragePrecision(kP, kY, kW), kTol);
  EXPECT_NEAR(*LogLoss(p, y), *LogLoss(kP, kY, kW), kTol);
  EXPECT_NEAR(*ExpectedCalibrationError(p, y), *ExpectedCalibrationError(kP, kY, kW), kTol);
  EXPECT_NEAR(LiftAtTop(0.3, p, y)->lift, LiftAtTop(0.3, kP, kY, kW)->lift, kTol);
  // Rows of weight 0 take no part.
  w.assign(p.size(), 1.0f);
  p.push_back(0.99);
  y.push_back(0);
  w.push_back(0.0f);
  EXPECT_NEAR(*RocAuc(p, y, w), *RocAuc(kP, kY, kW), kTol);
  EXPECT_NEAR(*AveragePrecision(p, y, w), *AveragePrecision(kP, kY, kW), kTol);
}

TEST(MetricsTest, RankingMetricsTakeAnyMonotoneScore) {
  std::vector<double> logit;
  for (double p : kP) logit.push_back(std::log(p / (1 - p)));  // -inf and +inf at 0 and 1
  logit[0] = -50;
  logit[1] = 50;
  EXPECT_NEAR(*RocAuc(logit, kY, kW), *RocAuc(kP, kY, kW), kTol);
  EXPECT_NEAR(*AveragePrecision(logit, kY, kW), *AveragePrecision(kP, kY, kW), kTol);
  EXPECT_NEAR(LiftAtTop(0.3, logit, kY, kW)->lift, LiftAtTop(0.3, kP, kY, kW)->lift, kTol);
  logit[0] = -std::numeric_limits<double>::infinity();
  ExpectInvalid(RocAuc(logit, kY), "row 0: a score must be finite");
  ExpectInvalid(LogLoss(std::vector<double>{-0.5}, std::vector<float>{1}),
                "row 0: a probability must be in [0, 1]");
}

TEST(MetricsTest, LogLossClipsCertainty) {
  const std::vector<double> p = {1.0};
  const std::vector<float> y = {0};
  EXPECT_DOUBLE_EQ(*LogLoss(p, y), -std::log(1 - (1 - 1e-15)));  // about 34.54
  EXPECT_DOUBLE_EQ(*LogLoss(std::vector<double>{0.0}, std::vector<float>{1}), -std::log(1e-15));
}

TEST(MetricsTest, RefusesBadInput) {
  const std::vector<double> p = {0.2, 0.7, 0.4};
  const std::vector<float> y = {0, 1, 0};
  ExpectInvalid(RocAuc(p, std::vector<float>{0, 1}), "2 labels for 3 probabilities");
  ExpectInvalid(LogLoss(p, y, std::vector<float>{1}), "1 weights for 3 probabilities");
  ExpectInvalid(BrierScore(std::vector<double>{0.2, 1.5, 0.1}, y),
                "row 1: a probability must be in [0, 1]");
  ExpectInvalid(
      BrierScore(std::vector<double>{0.2, std::numeric_limits<double>::quiet_NaN(), 0.1}, y),
      "row 1: a probability must be in [0, 1]");
  ExpectInvalid(ExpectedCalibrationError(p, std::vector<float>{0, 2, 0}),
                "row 1: a label must be 0 or 1");
  ExpectInvalid(AveragePrecision(p, y, std::vector<float>{1, -1, 1}),
                "row 1: a weight must be finite and >= 0");
  ExpectInvalid(LogLoss({}, {}), "no rows");
  ExpectInvalid(LogLoss(p, y, std::vector<float>{0, 0, 0}), "no rows (or no weight)");
  ExpectInvalid(RocAuc(p, std::vector<float>{0, 0, 0}), "ROC AUC needs positive and negative");
  ExpectInvalid(RocAuc(p, std::vector<float>{1, 1, 1}), "ROC AUC needs positive and negative");
  ExpectInvalid(AveragePrecision(p, std::vector<float>{0, 0, 0}), "needs positive rows");
  auto lift = LiftAtTop(0.0, p, y);
  ASSERT_FALSE(lift.ok());
  EXPECT_EQ(lift.status().message(), "lift fraction must be in (0, 1], got 0");
  EXPECT_FALSE(LiftAtTop(1.5, p, y).ok());
  EXPECT_FALSE(LiftAtTopDeciles(p, std::vector<float>{0, 0, 0}).ok());
}

}  // namespace
}  // namespace candor::model
