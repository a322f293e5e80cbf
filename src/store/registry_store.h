// candor::store::RegistryStore: the model registry and the stored scores, as a
// store keeps them.
//
// The model module (src/model/registry.h) owns the meaning: versions, lineage,
// status transitions and what a score's explanation holds. This interface keeps
// and returns rows, so SQLite and, later, PostgreSQL hold the same registry:
//
//   model  version ("conversion-3"), target, status (candidate | active | retired),
//          created_at, spec / metrics / fairness (JSON texts), the booster
//          (XGBoost's JSON), approval (approved_by, justification)
//   score  one per subject and scoring run: score, probability, margin, the exact
//          per-feature contributions (float64, bias last) and the reason texts (JSON)
//
// At most one model per target is active (a unique index enforces it). Scores
// belong to their subject: erasing the subject deletes them (ON DELETE CASCADE).
//
// Writes happen inside the Store's write transaction. Errors: Unavailable (locked,
// disk), DataLoss (corrupt file), Internal (bugs); AlreadyExists for a duplicate
// version; NotFound for an unknown version in updates.
// Thread safety: as its Store (one thread at a time).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace candor::store {

struct ModelRecord {
  std::string version;
  std::string target;
  std::string status = "candidate";
  core::Instant created_at = 0;
  std::string spec;      // JSON
  std::string metrics;   // JSON
  std::string fairness;  // JSON; empty: not audited
  std::string booster;   // XGBoost JSON (empty in listings without artifacts)
  std::string approved_by, justification;
};

struct ScoreRunRecord {
  std::int64_t id = 0;
  std::string model_version;
  core::Instant as_of = 0;
  core::Instant created_at = 0;
  std::int64_t rows = 0;
};

struct ScoreRecord {
  std::int64_t subject = 0;  // SubjectKey
  std::string model_version;
  std::int64_t run = 0;
  core::Instant ts = 0;
  double score = 0, probability = 0, margin = 0;
  std::vector<double> contributions;  // per feature, then the bias
  std::string reasons;                // JSON
};

class RegistryStore {
 public:
  virtual ~RegistryStore() = default;

  // How many models of `target` exist (versions are numbered per target).
  virtual core::Result<std::int64_t> CountModels(std::string_view target) = 0;
  virtual core::Status InsertModel(const ModelRecord& m) = 0;
  // With the booster when `artifacts`.
  virtual core::Result<std::optional<ModelRecord>> FindModel(std::string_view version,
                                                             bool artifacts) = 0;
  // Every model in creation order, without boosters.
  virtual core::Result<std::vector<ModelRecord>> ListModels() = 0;
  virtual core::Result<std::optional<std::string>> ActiveModel(std::string_view target) = 0;
  virtual core::Status SetModelStatus(std::string_view version, std::string_view status) = 0;
  virtual core::Status SetModelFairness(std::string_view version, std::string_view fairness) = 0;
  virtual core::Status SetModelApproval(std::string_view version, std::string_view by,
                                        std::string_view justification) = 0;

  // A new scoring run (its id), then its scores.
  virtual core::Result<std::int64_t> InsertScoreRun(const ScoreRunRecord& run) = 0;
  virtual core::Status SetScoreRunRows(std::int64_t run, std::int64_t rows) = 0;
  virtual core::Status InsertScore(const ScoreRecord& s) = 0;
  // The subject's scores, oldest first (the reasons texts included).
  virtual core::Status ForEachScore(std::int64_t subject,
                                    const std::function<core::Status(const ScoreRecord&)>& fn) = 0;
};

}  // namespace candor::store
