// candor::model metrics: how well probabilities score 0/1 outcomes on the test
// split. Free functions over spans of probabilities, labels and optional
// weights.
//
// Every function takes `probabilities` in [0, 1], `labels` each 0 or 1, and
// `weights` either empty (every row weighs 1) or one finite non-negative weight
// per row; a weighted row counts as that many rows, a row of weight 0 takes no
// part. The ranking metrics (RocAuc, AveragePrecision, the lifts) accept any
// finite scores, e.g. margins, since only the order matters. The results agree
// with scikit-learn 1.2 (roc_auc_score, average_precision_score, log_loss,
// brier_score_loss, with sample_weight) where scikit-learn has the metric.
// Errors (InvalidArgument): spans of different lengths, no rows (or no weight),
// a probability outside [0, 1] or NaN (a score that is not finite), a label
// other than 0 or 1, a negative or non-finite weight; for RocAuc a class
// without weight, for AveragePrecision and the lifts no positive weight.
//
// Example:
//   CANDOR_ASSIGN_OR_RETURN(double auc, RocAuc(p, y));
//   CANDOR_ASSIGN_OR_RETURN(std::vector<LiftPoint> lift, LiftAtTopDeciles(p, y));
//
// Thread safety: pure functions.
#pragma once

#include <span>
#include <vector>

#include "core/status.h"

namespace candor::model {

// Area under the ROC curve: the probability that a random positive scores above
// a random negative, ties counting one half (Mann–Whitney U / (N+ N-)).
core::Result<double> RocAuc(std::span<const double> probabilities, std::span<const float> labels,
                            std::span<const float> weights = {});

// Average precision, the step-wise area under the precision-recall curve:
// sum over distinct thresholds (high to low) of (R_k - R_{k-1}) * P_k, tied scores
// forming one threshold (as sklearn's average_precision_score).
core::Result<double> AveragePrecision(std::span<const double> probabilities,
                                      std::span<const float> labels,
                                      std::span<const float> weights = {});

// Mean negative log-likelihood, p clipped to [1e-15, 1 - 1e-15] first (as
// sklearn's log_loss with eps=1e-15; its 1.2 default, eps="auto", clips at
// 2.2e-16 instead).
core::Result<double> LogLoss(std::span<const double> probabilities, std::span<const float> labels,
                             std::span<const float> weights = {});

// Mean squared difference between probability and label.
core::Result<double> BrierScore(std::span<const double> probabilities,
                                std::span<const float> labels, std::span<const float> weights = {});

// Expected calibration error over 10 equal-width bins [0, 0.1), [0.1, 0.2), …,
// [0.9, 1.0] (bin = min(floor(10 p), 9)): sum over non-empty bins of
// |mean probability - fraction positive| * n_bin / n, n counted in weight.
core::Result<double> ExpectedCalibrationError(std::span<const double> probabilities,
                                              std::span<const float> labels,
                                              std::span<const float> weights = {});

// Lift of the highest-scored fraction of rows.
struct LiftPoint {
  double fraction = 0;       // 0.1 for the top 10 %
  double positive_rate = 0;  // weighted fraction positive among those rows
  double lift = 0;           // positive_rate / the overall positive rate
};

// The lift at the top `fraction` (in (0, 1]) of rows by probability. The top
// holds exactly fraction * n rows (n in weight); rows tied with the last one in
// count in proportion, i.e. the tied group straddling the cut contributes its
// own positive rate to the share it has inside the top (the expected value
// under a random order of the ties), so the result does not depend on row order.
core::Result<LiftPoint> LiftAtTop(double fraction, std::span<const double> probabilities,
                                  std::span<const float> labels,
                                  std::span<const float> weights = {});

// LiftAtTop at 10 %, 20 %, …, 100 % (the last lift is 1).
core::Result<std::vector<LiftPoint>> LiftAtTopDeciles(std::span<const double> probabilities,
                                                      std::span<const float> labels,
                                                      std::span<const float> weights = {});

}  // namespace candor::model
