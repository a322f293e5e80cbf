// candor::model::ModelSpec: what a registered model is, besides its trees: its
// target, its columns (with code tables and the definitions they were trained
// with), its calibration, its parameters and its lineage.
//
// It is stored as JSON in the registry's spec column (store/registry_store.h) and
// exported as model.json by `candor models export`. ToJson/FromJson round-trip
// every field exactly.
//
// Thread safety: a value type.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "features/matrix.h"

namespace candor::model {

inline constexpr int kSpecFormat = 1;

// One column of the model.
struct FeatureSpec {
  std::string name;
  bool categorical = false;
  std::vector<std::string> codes;  // categorical: code i stands for codes[i]
  std::string definition;          // features::Definition at training time
  std::string kind;                // attribute | count | sum | distinct_days | recency_days | ratio
  std::string description_en, description_de;
  int direction = 0;        // monotone constraint used
  bool actionable = false;
  bool integer = false;     // values are whole numbers (counts, days)
  // Observed range in the training split (NaN when no value was seen).
  double min = 0, max = 0;
};

struct SplitRows {
  std::int64_t train = 0, valid = 0, test = 0;
};

struct ModelSpec {
  int format = kSpecFormat;
  std::string version;  // "<target>-<n>"
  std::string target, purpose;
  std::int64_t horizon_days = 0;
  std::string snapshots;  // monthly | outcomes
  std::vector<FeatureSpec> features;
  nlohmann::json params;       // exactly the XGBoost parameters set
  nlohmann::json training;     // rounds, best iteration, log loss per round
  nlohmann::json calibration;  // the calibrator (model/calibration.h)
  nlohmann::json lineage;      // config hash, data fingerprint, library versions, times
  SplitRows rows;
  bool reweighed = false;

  // The columns as the feature-matrix builder needs them.
  std::vector<features::Column> Columns() const;
  const FeatureSpec* Find(std::string_view feature) const;
};

nlohmann::json ToJson(const ModelSpec& spec);
// InvalidArgument naming the field when `json` is not a spec of this format.
core::Result<ModelSpec> SpecFromJson(std::string_view json);

// FailedPrecondition naming the first feature whose definition in `config`
// differs from the one the model was trained with (or that no longer exists):
// scoring with it would feed the trees different quantities.
core::Status CheckDefinitions(const ModelSpec& spec, const core::Config& config);

}  // namespace candor::model
