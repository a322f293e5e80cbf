// candor::model::DMatrix and Booster: RAII wrappers over XGBoost's C API
// (libxgboost 1.7, include/xgboost/c_api.h).
//
// Each type owns one XGBoost handle and frees it in its destructor. Every call
// into XGBoost goes through these two types, and every non-zero return code is
// turned into a Status here, once, with the text of XGBGetLastError() (its
// timestamp, source position and stack trace removed). XGBoost's C API catches
// its own exceptions; nothing in this file throws.
//
// Most callers want Train() (train.h) to fit a model and Booster::FromJson() to
// serve one. The training-step methods (CreateForTraining, SetParam,
// UpdateOneIter, EvalOneIter, Slice) are the thin layer Train() is built on.
//
// Example:
//   CANDOR_ASSIGN_OR_RETURN(Booster b, Booster::FromJson(json, /*nthread=*/1));
//   CANDOR_ASSIGN_OR_RETURN(std::vector<double> p, b.PredictProbability(matrix));
//
// Thread safety: PredictMargin and PredictProbability of one Booster may be called
// from several threads at once (they use XGBoost's in-place prediction, which keeps
// its output per thread and is documented safe "when only inplace_predict is
// called"); every other method needs exclusive access to the object. A DMatrix
// belongs to one thread at a time.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "model/matrix.h"

namespace candor::model {

// The version of the linked XGBoost library, e.g. "1.7.4".
std::string XgboostVersion();

// An XGBoost DMatrix: a copy of a DenseMatrix with its labels, weights, feature
// names and feature types. Move-only.
class DMatrix {
 public:
  // Copies `m` (NaN = missing) into a new DMatrix. `labels` and `weights` may be
  // empty (none); otherwise each must have m.rows entries. Feature names and types
  // are set when `m` has them.
  // Errors: InvalidArgument when `m` fails ValidateMatrix or a span has the wrong
  // length; Internal when XGBoost refuses.
  static core::Result<DMatrix> Create(const DenseMatrix& m, std::span<const float> labels,
                                      std::span<const float> weights);

  DMatrix(DMatrix&& other) noexcept;
  DMatrix& operator=(DMatrix&& other) noexcept;
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  ~DMatrix();

  // The DMatrixHandle, owned by this object.
  void* handle() const { return handle_; }

 private:
  explicit DMatrix(void* handle) : handle_(handle) {}
  void* handle_ = nullptr;
};

// An XGBoost booster. Move-only.
class Booster {
 public:
  // Loads a model saved by SaveJson(). `nthread` (>= 1) is the number of threads
  // each prediction may use; boosters serving requests use 1.
  // Errors: InvalidArgument when `json` is not an XGBoost JSON model, its
  // objective is not binary:logistic, or nthread < 1.
  static core::Result<Booster> FromJson(std::string_view json, int nthread);

  // A new, untrained booster whose prediction cache holds `cache` (the training
  // and evaluation matrices, which must outlive the booster's use of them).
  // Errors: Internal when XGBoost refuses.
  static core::Result<Booster> CreateForTraining(std::span<const DMatrix* const> cache);

  Booster(Booster&& other) noexcept;
  Booster& operator=(Booster&& other) noexcept;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  ~Booster();

  // XGBoosterSetParam. InvalidArgument when XGBoost refuses the name or value
  // (XGBoost checks some values only at the first UpdateOneIter).
  core::Status SetParam(std::string_view name, std::string_view value);

  // Sets the feature names and types stored in the model (empty = leave unset);
  // each must have one entry per feature. Internal when XGBoost refuses.
  core::Status SetFeatureInfo(const std::vector<std::string>& names,
                              const std::vector<char>& types);

  // One boosting round on `train` (XGBoosterUpdateOneIter); `iteration` counts
  // from 0. InvalidArgument when XGBoost refuses the parameters or the data.
  core::Status UpdateOneIter(int iteration, const DMatrix& train);

  // XGBoost's evaluation line for `sets` named `names`, e.g.
  // "[3]\ttrain-logloss:0.52\tvalid-logloss:0.55". Internal when XGBoost refuses.
  core::Result<std::string> EvalOneIter(int iteration, std::span<const DMatrix* const> sets,
                                        std::span<const std::string> names);

  // A new booster holding the trees of rounds [begin, end) (XGBoosterSlice, step
  // 1). InvalidArgument when the range is empty or past the rounds boosted.
  core::Result<Booster> Slice(int begin, int end) const;

  // The number of boosting rounds in the model.
  core::Result<int> BoostedRounds() const;

  // The model as XGBoost JSON (XGBoosterSaveModelToBuffer, format json): trees,
  // base score, objective, feature names and types, byte for byte as XGBoost
  // writes it. Note: XGBoost 1.7 writes the split condition of a categorical
  // split as the bare word NaN, which strict JSON parsers (nlohmann, simdjson)
  // refuse; readers of the trees must accept it (treeshap/ensemble.cc does).
  // Internal when XGBoost refuses.
  core::Result<std::string> SaveJson() const;

  // One raw score (log-odds) per row of `m`. The matrix must have the model's
  // number of columns and, when both carry them, the model's feature names and
  // types. A matrix with 0 rows gives an empty vector.
  // Errors: InvalidArgument for a mismatched or invalid matrix; Internal when
  // XGBoost refuses.
  core::Result<std::vector<double>> PredictMargin(const DenseMatrix& m) const;

  // As PredictMargin, but the model's probability of the positive class,
  // 1 / (1 + exp(-margin)), computed in double from the margin.
  core::Result<std::vector<double>> PredictProbability(const DenseMatrix& m) const;

  // The model's features, read when loaded (names and types may be empty).
  std::size_t num_features() const { return num_features_; }
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  const std::vector<char>& feature_types() const { return feature_types_; }

  // The BoosterHandle, owned by this object.
  void* handle() const { return handle_; }

 private:
  explicit Booster(void* handle) : handle_(handle) {}
  core::Status ReadFeatureInfo();
  core::Result<std::vector<double>> Predict(const DenseMatrix& m, int type) const;  // 1 = margin

  void* handle_ = nullptr;
  std::size_t num_features_ = 0;
  std::vector<std::string> feature_names_;
  std::vector<char> feature_types_;
};

}  // namespace candor::model
