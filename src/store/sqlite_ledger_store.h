// Internal to candor::store: the SQLite implementation of LedgerStore, used by
// SqliteStore (sqlite_store.cc) over the same connection, so ledger rows land in the
// store's write transaction. Tables: migration 2 (migrations.cc).
#pragma once

#include <array>
#include <memory>

#include "store/ledger_store.h"
#include "store/sqlite.h"

namespace candor::store {

class SqliteLedgerStore final : public LedgerStore {
 public:
  explicit SqliteLedgerStore(sqlite::Db& db) : db_(db) {}

  core::Result<std::unique_ptr<Transaction>> BeginRead() override;
  bool InTransaction() override { return sqlite3_get_autocommit(db_.raw()) == 0; }
  core::Status AppendLedger(std::span<const LedgerAppend> rows) override;
  core::Result<std::uint64_t> LedgerSize() override;
  core::Status ForEachLedgerRow(std::uint64_t begin, std::uint64_t end,
                                const std::function<core::Status(const LedgerRowView&)>& fn) override;
  core::Result<std::optional<std::int64_t>> FirstPayloadOutside(std::uint64_t size) override;
  core::Status ReadLeafHashes(std::uint64_t begin, std::uint64_t end,
                              std::vector<Digest>& out) override;
  core::Status PutTreeHead(const TreeHeadRecord& head) override;
  core::Result<std::optional<TreeHeadRecord>> LatestTreeHead() override;
  core::Status ForEachTreeHead(const std::function<core::Status(const TreeHeadRecord&)>& fn) override;
  core::Result<std::vector<PeakRecord>> ReadPeaks() override;
  core::Status WritePeaks(std::span<const PeakRecord> peaks) override;

 private:
  enum Slot {
    kInsertEntry, kInsertPayload, kSize, kRows, kPayloads, kOrphan, kLeaves, kPutHead, kLatestHead,
    kHeads, kReadPeaks, kDeletePeaks, kInsertPeak, kSlotCount
  };
  core::Result<sqlite::Stmt*> Cached(Slot slot, std::string_view sql);

  sqlite::Db& db_;
  std::array<std::unique_ptr<sqlite::Stmt>, kSlotCount> stmts_;
};

}  // namespace candor::store
