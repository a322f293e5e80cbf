// candor::model::TrainModel: `candor train` — reads the target's training matrix
// through the purpose-bound reader, trains XGBoost with early stopping on the
// validation split, calibrates on it, measures on the test split, and registers
// the model as a candidate, with a ledger entry, in one transaction.
//
// Splits are by time (features/matrix.h): the latest snapshot months are the test
// split, those before them the validation split, the rest train. Metrics are
// computed on the test split from the calibrated probability (the score users
// see); auc_raw is the AUC of the uncalibrated margin.
//
// Lineage kept with the model (ModelSpec::lineage): SHA-256 of candor.toml, a
// fingerprint of the training data (SHA-256 over every row's subject, snapshot,
// values and label), the XGBoost parameters, candor's, XGBoost's and SQLite's
// versions, and the times.
//
// Errors: those of features::BuildTraining (FailedPrecondition when history is
// too short), of training (model/train.h), and of the store and ledger.
// Thread safety: uses the store from the calling thread only.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/status.h"
#include "features/matrix.h"
#include "ledger/ledger.h"
#include "model/spec.h"
#include "store/store.h"

namespace candor::model {

struct TrainRequest {
  std::string target = "conversion";
  core::Instant as_of = 0;  // "now" for eligibility and data
  core::Instant now = 0;    // recorded time
  std::string actor;
  // Optional per-row training weights for the train split (e.g. fairness
  // reweighing); empty result = none. Gets the train split's rows.
  std::function<core::Result<std::vector<float>>(const features::Matrix& train)> weigh;
  // Recorded in the spec and the ledger when weights are used.
  std::string weighting;
  std::function<void(std::string_view message)> progress;
};

struct TrainReport {
  std::string version;
  ModelSpec spec;
  nlohmann::json metrics;  // {"auc","auc_raw","pr_auc","log_loss","brier","ece","lift":[...]}
  double seconds_features = 0, seconds_train = 0;
};

core::Result<TrainReport> TrainModel(store::Store& store, ledger::Ledger& ledger,
                                     const core::Config& config, const TrainRequest& request);

// The lineage's data fingerprint of a training matrix: SHA-256 (hex) over every
// row's subject id, snapshot, values (float32 bits) and label. An audit rebuilds
// the matrix and compares it to tell whether the data is still what was trained on.
std::string DataFingerprint(const features::Matrix& m);

// The test-split metrics of calibrated probabilities (also used by audits).
core::Result<nlohmann::json> TestMetrics(std::span<const double> probabilities,
                                         std::span<const double> margins,
                                         std::span<const float> labels);

}  // namespace candor::model
