// candor::model::Train: fits a binary gradient-boosted tree model with XGBoost,
// with early stopping on a validation split.
//
// The boosting loop is ours: one XGBoosterUpdateOneIter per round, then
// XGBoosterEvalOneIter on the training and validation matrices, whose log loss
// is read from XGBoost's evaluation line (XGBoost 1.7 prints it with 17
// significant digits). A round is the new best when its validation log loss is
// strictly lower than the best so far; training stops after `early_stopping_rounds`
// rounds without a new best, or after `max_rounds`. The booster is then cut to
// rounds [0, best_iteration] with XGBoosterSlice, so the saved JSON holds exactly
// the trees that score.
//
// The same data, parameters, seed and nthread give the same model bytes.
//
// Example:
//   TrainParams params;
//   params.monotone = {1, 0, -1};
//   CANDOR_ASSIGN_OR_RETURN(TrainResult r,
//                           Train(train, train_y, {}, valid, valid_y, params));
//   CANDOR_ASSIGN_OR_RETURN(Booster b, Booster::FromJson(r.booster_json, 1));
//
// Thread safety: Train may run concurrently on different data; each call uses
// up to `nthread` threads of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "model/matrix.h"

namespace candor::model {

struct TrainParams {
  // Maximum depth of a tree, >= 1. Default: 6.
  int max_depth = 6;
  // Learning rate (XGBoost eta), in (0, 1]. Default: 0.05.
  double eta = 0.05;
  // Upper bound on boosting rounds, >= 1. Default: 500.
  int max_rounds = 500;
  // Stop after this many rounds without a lower validation log loss; 0 keeps
  // every round (no early stopping, best_iteration = the last round). Default: 30.
  int early_stopping_rounds = 30;
  // Threads XGBoost may use, >= 1. Default: 2.
  int nthread = 2;
  // XGBoost's random seed (used by row and column subsampling), at most 2^63 - 1.
  // Default: 0.
  std::uint64_t seed = 0;
  // Empty, or one constraint per column: +1 the score may only rise with the
  // feature, -1 only fall, 0 free. Categorical columns must be 0.
  std::vector<int> monotone;
  // Further XGBoost parameters, set after the ones above (e.g. "min_child_weight",
  // "subsample", "lambda", "max_cat_to_onehot", "tree_method"). The parameters
  // owned by the fields above, the objective and the evaluation metric may not be
  // given here.
  std::map<std::string, std::string> extra;
};

// What one round of training reports to the progress callback.
struct RoundProgress {
  int round = 0;  // from 0
  double train_logloss = 0;
  double valid_logloss = 0;
  int best_round = 0;  // the best round so far (this one when it improved)
  double best_valid_logloss = 0;
};

struct TrainResult {
  // The model (XGBoost JSON) cut to rounds [0, best_iteration], with feature
  // names and types when the training matrix had them.
  std::string booster_json;
  int best_iteration = 0;  // 0-based round with the lowest validation log loss
  int rounds_run = 0;      // rounds trained before stopping (>= best_iteration + 1)
  double best_valid_logloss = 0;
  std::vector<double> train_logloss;  // one per round run
  std::vector<double> valid_logloss;  // one per round run
  // Exactly the XGBoost parameters that were set, by name.
  std::map<std::string, std::string> params;
};

// Trains a binary:logistic model (tree_method hist, eval_metric logloss) on
// `train` with 0/1 `train_labels` and optional per-row `train_weights` (empty =
// all 1; e.g. reweighting for fairness), stopping early on `valid`. Both matrices
// must have the same columns (count, names and types). Categorical columns ('c')
// use XGBoost's native categorical splits (one-hot below max_cat_to_onehot
// categories, XGBoost's default 4, partitions above). `progress`, when set, is
// called after every round on the calling thread.
// Errors: InvalidArgument for an invalid matrix, mismatched columns, a label
// other than 0 or 1, a negative or non-finite weight, weights summing to 0, an
// empty split, or a parameter out of range (or refused by XGBoost); Internal when
// XGBoost fails otherwise.
core::Result<TrainResult> Train(const DenseMatrix& train, std::span<const float> train_labels,
                                std::span<const float> train_weights, const DenseMatrix& valid,
                                std::span<const float> valid_labels, const TrainParams& params,
                                const std::function<void(const RoundProgress&)>& progress = {});

// XGBoost's monotone_constraints text for `monotone`, e.g. {1, 0, -1} -> "(1,0,-1)".
std::string MonotoneConstraints(std::span<const int> monotone);

// The log loss of evaluation set `set` in an XGBoost evaluation line such as
// "[7]\ttrain-logloss:0.51\tvalid-logloss:0.55". Internal when it is absent or
// not a number.
core::Result<double> ParseEvalLogloss(std::string_view line, std::string_view set);

}  // namespace candor::model
