// candor::model registry: loading a registered model for scoring and explaining,
// listing and exporting models.
//
// A LoadedModel holds everything one version needs to score: its spec (columns,
// code tables, calibration), the XGBoost booster (margins), the parsed ensemble
// and the TreeSHAP tables (exact contributions), and the calibrator.
//
// Versions are "<target>-<n>", numbered per target in creation order. Status goes
// candidate → active → retired; activation belongs to the fairness gate
// (fairness module), which sets it through store::RegistryStore.
//
// Errors: NotFound for an unknown version; FailedPrecondition when a target has
// no active model (the message names the way out); DataLoss when a stored model
// cannot be read back.
// Thread safety: a LoadedModel is immutable after Load; its members may be used
// from several threads (the booster is loaded with the requested nthread).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "features/matrix.h"
#include "model/booster.h"
#include "model/calibration.h"
#include "model/spec.h"
#include "store/store.h"
#include "treeshap/ensemble.h"
#include "treeshap/explainer.h"

namespace candor::model {

class LoadedModel {
 public:
  static core::Result<std::unique_ptr<LoadedModel>> Load(store::Store& store,
                                                         std::string_view version, int nthread);

  const store::ModelRecord& record() const { return record_; }
  const ModelSpec& spec() const { return spec_; }
  const Booster& booster() const { return *booster_; }
  const treeshap::Ensemble& ensemble() const { return *ensemble_; }
  const treeshap::Explainer& explainer() const { return *explainer_; }
  const Calibrator& calibrator() const { return *calibrator_; }

 private:
  store::ModelRecord record_;
  ModelSpec spec_;
  std::optional<Booster> booster_;
  std::optional<treeshap::Ensemble> ensemble_;
  std::optional<treeshap::Explainer> explainer_;
  std::optional<Calibrator> calibrator_;
};

// The version to use: `version` when given (NotFound if unknown), otherwise the
// active model of `target` (FailedPrecondition naming `candor models activate`
// and `--model` when there is none).
core::Result<std::string> ResolveModel(store::Store& store, std::string_view version,
                                       std::string_view target);

// The model's spec alone (NotFound for an unknown version, DataLoss if unreadable).
core::Result<ModelSpec> LoadSpec(store::Store& store, std::string_view version);

// `candor features`: the matrix exactly as model `version` sees it at `as_of`
// (its columns, in its order, with its code tables; definitions checked against
// candor.toml), or, with `version` empty, the matrix of `target`'s configured
// features. `training`: the training matrix of the target instead.
core::Result<features::Matrix> MatrixFor(store::Store& store, const core::Config& config,
                                         std::string_view version, std::string_view target,
                                         core::Instant as_of, bool training,
                                         const std::function<void(std::int64_t)>& progress);

// `models export V --out DIR`: DIR/booster.json (XGBoost's own JSON, with
// feature_names and feature_types) and DIR/model.json (the spec, status,
// metrics, fairness and approval). Creates DIR; refuses (AlreadyExists) to
// overwrite either file. Each file is written atomically.
core::Status ExportModel(store::Store& store, std::string_view version, const std::string& dir);

}  // namespace candor::model
