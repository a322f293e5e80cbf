// Internal to candor::store: the SQLite implementation of RegistryStore, used by
// SqliteStore over the same connection, so models and scores land in the store's
// write transaction. Tables: migration 3 (migrations.cc).
#pragma once

#include "store/registry_store.h"
#include "store/sqlite.h"

namespace candor::store {

class SqliteRegistryStore final : public RegistryStore {
 public:
  explicit SqliteRegistryStore(sqlite::Db& db) : db_(db) {}

  core::Result<std::int64_t> CountModels(std::string_view target) override;
  core::Status InsertModel(const ModelRecord& m) override;
  core::Result<std::optional<ModelRecord>> FindModel(std::string_view version, bool artifacts) override;
  core::Result<std::vector<ModelRecord>> ListModels() override;
  core::Result<std::optional<std::string>> ActiveModel(std::string_view target) override;
  core::Status SetModelStatus(std::string_view version, std::string_view status) override;
  core::Status SetModelFairness(std::string_view version, std::string_view fairness) override;
  core::Status SetModelApproval(std::string_view version, std::string_view by,
                                std::string_view justification) override;
  core::Result<std::int64_t> InsertScoreRun(const ScoreRunRecord& run) override;
  core::Status SetScoreRunRows(std::int64_t run, std::int64_t rows) override;
  core::Status InsertScore(const ScoreRecord& s) override;
  core::Status ForEachScore(std::int64_t subject,
                            const std::function<core::Status(const ScoreRecord&)>& fn) override;

 private:
  core::Status UpdateOne(std::string_view sql, std::string_view version, std::string_view a,
                         std::string_view b);
  sqlite::Db& db_;
  std::unique_ptr<sqlite::Stmt> insert_score_;
};

}  // namespace candor::store
