#include "model/train.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "model/booster.h"

namespace candor::model {
namespace {

// Parameters owned by TrainParams' typed fields (and their XGBoost aliases) or
// fixed by Train itself; TrainParams::extra may not set them.
const std::set<std::string, std::less<>>& ReservedParams() {
  static const auto* const reserved =
      new std::set<std::string, std::less<>>{"objective",
                                             "eval_metric",
                                             "max_depth",
                                             "eta",
                                             "learning_rate",
                                             "nthread",
                                             "n_jobs",
                                             "seed",
                                             "random_state",
                                             "monotone_constraints",
                                             "disable_default_eval_metric"};
  return *reserved;
}

core::Status CheckLabels(std::span<const float> labels, std::size_t rows, std::string_view split) {
  if (labels.size() != rows) {
    return core::InvalidArgument(
        fmt::format("{} split: {} labels for {} rows", split, labels.size(), rows));
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0.0f && labels[i] != 1.0f) {
      return core::InvalidArgument(
          fmt::format("{} split row {}: a label must be 0 or 1", split, i));
    }
  }
  return core::Status::Ok();
}

core::Status CheckWeights(std::span<const float> weights, std::size_t rows) {
  if (weights.empty()) return core::Status::Ok();
  if (weights.size() != rows) {
    return core::InvalidArgument(
        fmt::format("train split: {} weights for {} rows", weights.size(), rows));
  }
  double sum = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0.0f) {
      return core::InvalidArgument(
          fmt::format("train split row {}: a weight must be finite and >= 0", i));
    }
    sum += weights[i];
  }
  if (sum <= 0) return core::InvalidArgument("train split: the weights sum to 0");
  return core::Status::Ok();
}

core::Status CheckParams(const TrainParams& p, const DenseMatrix& train) {
  if (p.max_depth < 1) {
    return core::InvalidArgument(fmt::format("max_depth must be >= 1, got {}", p.max_depth));
  }
  if (!(p.eta > 0 && p.eta <= 1)) {
    return core::InvalidArgument(fmt::format("eta must be in (0, 1], got {}", p.eta));
  }
  if (p.max_rounds < 1) {
    return core::InvalidArgument(fmt::format("max_rounds must be >= 1, got {}", p.max_rounds));
  }
  if (p.early_stopping_rounds < 0) {
    return core::InvalidArgument(
        fmt::format("early_stopping_rounds must be >= 0, got {}", p.early_stopping_rounds));
  }
  if (p.nthread < 1) {
    return core::InvalidArgument(fmt::format("nthread must be >= 1, got {}", p.nthread));
  }
  if (p.seed > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return core::InvalidArgument("seed must be at most 2^63 - 1");
  }
  if (!p.monotone.empty() && p.monotone.size() != train.cols) {
    return core::InvalidArgument(
        fmt::format("{} monotone constraints for {} columns", p.monotone.size(), train.cols));
  }
  for (std::size_t c = 0; c < p.monotone.size(); ++c) {
    if (p.monotone[c] < -1 || p.monotone[c] > 1) {
      return core::InvalidArgument(
          fmt::format("feature {}: a monotone constraint must be -1, 0 or 1", c));
    }
    if (p.monotone[c] != 0 && train.is_categorical(c)) {
      return core::InvalidArgument(
          fmt::format("feature {} is categorical and cannot be monotone", c));
    }
  }
  for (const auto& [name, value] : p.extra) {
    if (ReservedParams().contains(name)) {
      return core::InvalidArgument(
          fmt::format("parameter '{}' is set by TrainParams and may not be in extra", name));
    }
  }
  return core::Status::Ok();
}

core::Status CheckSameColumns(const DenseMatrix& train, const DenseMatrix& valid) {
  if (train.cols != valid.cols) {
    return core::InvalidArgument(
        fmt::format("train has {} columns, valid has {}", train.cols, valid.cols));
  }
  if (train.feature_names != valid.feature_names) {
    return core::InvalidArgument("train and valid have different feature names");
  }
  for (std::size_t c = 0; c < train.cols; ++c) {
    if (train.is_categorical(c) != valid.is_categorical(c)) {
      return core::InvalidArgument(
          fmt::format("feature {} has different types in train and valid", c));
    }
  }
  return core::Status::Ok();
}

// The parameters in the order they are set (XGBoost applies them in order).
std::vector<std::pair<std::string, std::string>> XgboostParams(const TrainParams& p) {
  std::vector<std::pair<std::string, std::string>> out = {
      {"objective", "binary:logistic"},
      {"eval_metric", "logloss"},
      {"tree_method", "hist"},
      {"max_depth", fmt::format("{}", p.max_depth)},
      {"eta", fmt::format("{}", p.eta)},
      {"nthread", fmt::format("{}", p.nthread)},
      {"seed", fmt::format("{}", p.seed)},
  };
  if (!p.monotone.empty()) {
    out.emplace_back("monotone_constraints", MonotoneConstraints(p.monotone));
  }
  for (const auto& [name, value] : p.extra) {
    if (name == "tree_method") {
      out[2].second = value;
    } else {
      out.emplace_back(name, value);
    }
  }
  return out;
}

}  // namespace

std::string MonotoneConstraints(std::span<const int> monotone) {
  return fmt::format("({})", fmt::join(monotone, ","));
}

core::Result<double> ParseEvalLogloss(std::string_view line, std::string_view set) {
  const std::string key = fmt::format("\t{}-logloss:", set);
  const std::size_t at = line.find(key);
  if (at == std::string_view::npos) {
    return core::Internal(fmt::format("no {}-logloss in XGBoost's evaluation line", set));
  }
  const char* begin = line.data() + at + key.size();
  const char* end = line.data() + line.size();
  double v = 0;
  const auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || !std::isfinite(v)) {
    return core::Internal(fmt::format("unreadable {}-logloss in XGBoost's evaluation line", set));
  }
  return v;
}

core::Result<TrainResult> Train(const DenseMatrix& train, std::span<const float> train_labels,
                                std::span<const float> train_weights, const DenseMatrix& valid,
                                std::span<const float> valid_labels, const TrainParams& params,
                                const std::function<void(const RoundProgress&)>& progress) {
  CANDOR_RETURN_IF_ERROR(ValidateMatrix(train).WithContext("train split"));
  CANDOR_RETURN_IF_ERROR(ValidateMatrix(valid).WithContext("valid split"));
  if (train.rows == 0) return core::InvalidArgument("train split has no rows");
  if (valid.rows == 0) return core::InvalidArgument("valid split has no rows");
  if (train.cols == 0) return core::InvalidArgument("the matrices have no columns");
  CANDOR_RETURN_IF_ERROR(CheckSameColumns(train, valid));
  CANDOR_RETURN_IF_ERROR(CheckLabels(train_labels, train.rows, "train"));
  CANDOR_RETURN_IF_ERROR(CheckLabels(valid_labels, valid.rows, "valid"));
  CANDOR_RETURN_IF_ERROR(CheckWeights(train_weights, train.rows));
  CANDOR_RETURN_IF_ERROR(CheckParams(params, train));

  CANDOR_ASSIGN_OR_RETURN(DMatrix dtrain, DMatrix::Create(train, train_labels, train_weights));
  CANDOR_ASSIGN_OR_RETURN(DMatrix dvalid, DMatrix::Create(valid, valid_labels, {}));
  const DMatrix* const sets[] = {&dtrain, &dvalid};
  const std::string names[] = {"train", "valid"};
  CANDOR_ASSIGN_OR_RETURN(Booster booster, Booster::CreateForTraining(sets));

  TrainResult result;
  for (const auto& [name, value] : XgboostParams(params)) {
    CANDOR_RETURN_IF_ERROR(booster.SetParam(name, value));
    result.params[name] = value;
  }
  CANDOR_RETURN_IF_ERROR(booster.SetFeatureInfo(train.feature_names, train.feature_types));

  int best = 0;
  double best_loss = std::numeric_limits<double>::infinity();
  for (int round = 0; round < params.max_rounds; ++round) {
    CANDOR_RETURN_IF_ERROR(booster.UpdateOneIter(round, dtrain));
    CANDOR_ASSIGN_OR_RETURN(const std::string line, booster.EvalOneIter(round, sets, names));
    CANDOR_ASSIGN_OR_RETURN(const double train_loss, ParseEvalLogloss(line, "train"));
    CANDOR_ASSIGN_OR_RETURN(const double valid_loss, ParseEvalLogloss(line, "valid"));
    result.train_logloss.push_back(train_loss);
    result.valid_logloss.push_back(valid_loss);
    result.rounds_run = round + 1;
    if (valid_loss < best_loss) {
      best = round;
      best_loss = valid_loss;
    }
    if (progress) progress({round, train_loss, valid_loss, best, best_loss});
    if (params.early_stopping_rounds > 0 && round - best >= params.early_stopping_rounds) break;
  }
  if (params.early_stopping_rounds == 0) {
    best = result.rounds_run - 1;
    best_loss = result.valid_logloss.back();
  }

  CANDOR_ASSIGN_OR_RETURN(Booster sliced, booster.Slice(0, best + 1));
  // XGBoosterSlice copies the trees; the feature names and types are set again so
  // the saved model carries them whatever the slice keeps.
  CANDOR_RETURN_IF_ERROR(sliced.SetFeatureInfo(train.feature_names, train.feature_types));
  CANDOR_ASSIGN_OR_RETURN(result.booster_json, sliced.SaveJson());
  result.best_iteration = best;
  result.best_valid_logloss = best_loss;
  return result;
}

}  // namespace candor::model
