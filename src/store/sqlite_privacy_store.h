// Internal to candor::store: the SQLite implementation of PrivacyStore, used by
// SqliteStore over the same connection. Tables: migration 4 (migrations.cc).
#pragma once

#include <array>
#include <limits>

#include "store/privacy_store.h"
#include "store/sqlite.h"

namespace candor::store {

class SqlitePrivacyStore final : public PrivacyStore {
 public:
  explicit SqlitePrivacyStore(sqlite::Db& db) : db_(db) {}

  core::Status SuppressSubject(std::int64_t subject, std::string_view reason, core::Instant at) override;
  core::Result<std::vector<Hash32>> ReadSuppressions() override;
  core::Result<std::int64_t> CountSuppressions() override;
  core::Result<bool> Restrict(std::int64_t subject, core::Instant since) override;
  core::Result<bool> Lift(std::int64_t subject) override;
  core::Result<std::int64_t> InsertRequest(const RequestRecord& r) override;
  core::Status CloseRequest(std::int64_t id, core::Instant at, std::string_view outcome) override;
  core::Result<std::optional<RequestRecord>> FindRequest(std::int64_t id) override;
  core::Result<std::vector<RequestRecord>> ListRequests(bool open_only) override;
  core::Status InsertExport(const ExportRecord& e) override;
  core::Result<std::vector<ExportRecord>> ExportsOf(const Hash32& subject_hash) override;
  core::Result<SubjectDump> ReadSubject(std::int64_t subject) override;
  core::Result<ErasureCounts> EraseSubject(std::int64_t subject) override;
  core::Result<RetentionCounts> ApplyRetention(
      const std::function<core::Result<std::optional<core::Instant>>(std::int64_t)>& keep_from,
      bool dry_run) override;
  core::Status ForEachProtectedAttribute(
      std::string_view purpose, core::Instant as_of,
      const std::function<core::Status(std::int64_t, std::string_view, std::string_view)>& fn)
      override;

 private:
  sqlite::Db& db_;
};

}  // namespace candor::store
