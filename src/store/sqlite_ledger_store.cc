#include "store/sqlite_ledger_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "store/store.h"

namespace candor::store {

namespace {

using core::Result;
using core::Status;
using sqlite::Stmt;

// SQLite integers are signed; indices and sizes beyond 2^63 cannot be stored anyway.
std::int64_t Clamp(std::uint64_t v) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(v, kMax));
}

std::span<const std::uint8_t> BlobView(sqlite3_stmt* s, int col) {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, col));
  auto n = static_cast<std::size_t>(sqlite3_column_bytes(s, col));
  return p == nullptr ? std::span<const std::uint8_t>{} : std::span<const std::uint8_t>(p, n);
}

std::string_view TextView(sqlite3_stmt* s, int col) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  auto n = static_cast<std::size_t>(sqlite3_column_bytes(s, col));
  return p == nullptr ? std::string_view{} : std::string_view(p, n);
}

// Resets a cached statement when a scope ends, however it ends.
class ResetOnExit {
 public:
  explicit ResetOnExit(Stmt* s) : s_(s) {}
  ~ResetOnExit() { s_->Reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Stmt* s_;
};

// A read transaction; a no-op when the connection was already inside one. Restores
// the connection's mmap_size when it ends.
class ReadSnapshot final : public Transaction {
 public:
  ReadSnapshot(sqlite::Db& db, bool owns, std::int64_t mmap_size)
      : db_(db), owns_(owns), mmap_size_(mmap_size) {}
  ~ReadSnapshot() override { (void)End(); }
  Status Commit() override { return End(); }

 private:
  Status End() {
    if (!owns_) return Status::Ok();
    owns_ = false;
    Status st = db_.Exec("COMMIT");
    (void)db_.Exec(fmt::format("PRAGMA mmap_size={}", mmap_size_));
    return st;
  }
  sqlite::Db& db_;
  bool owns_;
  std::int64_t mmap_size_;
};

// Reading the whole log through memory-mapped pages instead of read() calls saves
// about a quarter of the reading thread's time in Verify.
constexpr std::int64_t kSnapshotMmapBytes = std::int64_t{1} << 40;

TreeHeadRecord ReadHead(Stmt& s) {
  TreeHeadRecord h;
  h.size = static_cast<std::uint64_t>(std::max<std::int64_t>(s.Int(0), 0));
  h.root = s.Blob(1);
  h.timestamp = s.Int(2);
  h.signature = s.Blob(3);
  return h;
}

}  // namespace

Result<Stmt*> SqliteLedgerStore::Cached(Slot slot, std::string_view sql) {
  auto& s = stmts_[static_cast<std::size_t>(slot)];
  if (!s) {
    CANDOR_ASSIGN_OR_RETURN(Stmt p, db_.Prepare(sql));
    s = std::make_unique<Stmt>(std::move(p));
  }
  return s.get();
}

Result<std::unique_ptr<Transaction>> SqliteLedgerStore::BeginRead() {
  const bool in_transaction = sqlite3_get_autocommit(db_.raw()) == 0;
  std::int64_t mmap_size = 0;
  if (!in_transaction) {
    CANDOR_ASSIGN_OR_RETURN(Stmt q, db_.Prepare("PRAGMA mmap_size"));
    CANDOR_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) mmap_size = q.Int(0);
    CANDOR_RETURN_IF_ERROR(db_.Exec(fmt::format("PRAGMA mmap_size={}", kSnapshotMmapBytes)));
    if (Status begun = db_.Exec("BEGIN DEFERRED"); !begun.ok()) {
      (void)db_.Exec(fmt::format("PRAGMA mmap_size={}", mmap_size));
      return begun;
    }
  }
  auto snapshot = std::make_unique<ReadSnapshot>(db_, !in_transaction, mmap_size);
  // The snapshot begins with the first read; take it now.
  CANDOR_RETURN_IF_ERROR(db_.Exec("SELECT count(*) FROM tree_heads WHERE size < 0"));
  return std::unique_ptr<Transaction>(std::move(snapshot));
}

Status SqliteLedgerStore::AppendLedger(std::span<const LedgerAppend> rows) {
  CANDOR_ASSIGN_OR_RETURN(Stmt * entry,
                          Cached(kInsertEntry, "INSERT INTO ledger(idx, leaf, entry) VALUES(?1, ?2, ?3)"));
  CANDOR_ASSIGN_OR_RETURN(
      Stmt * payload,
      Cached(kInsertPayload, "INSERT INTO ledger_payloads(idx, payload) VALUES(?1, ?2)"));
  sqlite3_stmt* e = entry->raw();
  sqlite3_stmt* p = payload->raw();
  for (const LedgerAppend& r : rows) {
    // SQLITE_STATIC: the views outlive the step, and copying every entry would cost
    // more than the insert.
    sqlite3_bind_int64(e, 1, Clamp(r.index));
    sqlite3_bind_blob(e, 2, r.leaf.data(), static_cast<int>(r.leaf.size()), SQLITE_STATIC);
    sqlite3_bind_text64(e, 3, r.entry.data(), r.entry.size(), SQLITE_STATIC, SQLITE_UTF8);
    CANDOR_RETURN_IF_ERROR(entry->Run());
    sqlite3_bind_int64(p, 1, Clamp(r.index));
    sqlite3_bind_text64(p, 2, r.payload.data(), r.payload.size(), SQLITE_STATIC, SQLITE_UTF8);
    CANDOR_RETURN_IF_ERROR(payload->Run());
  }
  return Status::Ok();
}

Result<std::uint64_t> SqliteLedgerStore::LedgerSize() {
  CANDOR_ASSIGN_OR_RETURN(Stmt * s, Cached(kSize, "SELECT max(idx) FROM ledger"));
  ResetOnExit reset(s);
  CANDOR_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row || s->IsNull(0)) return std::uint64_t{0};
  return static_cast<std::uint64_t>(std::max<std::int64_t>(s->Int(0), -1) + 1);
}

Status SqliteLedgerStore::ForEachLedgerRow(std::uint64_t begin, std::uint64_t end,
                                           const std::function<Status(const LedgerRowView&)>& fn) {
  // Two ordered scans in lockstep (a merge join): one pass over each table, no
  // per-row index lookups.
  CANDOR_ASSIGN_OR_RETURN(
      Stmt * entries, Cached(kRows, "SELECT idx, leaf, entry FROM ledger "
                                    "WHERE idx >= ?1 AND idx < ?2 ORDER BY idx"));
  CANDOR_ASSIGN_OR_RETURN(
      Stmt * payloads, Cached(kPayloads, "SELECT idx, payload FROM ledger_payloads "
                                         "WHERE idx >= ?1 AND idx < ?2 ORDER BY idx"));
  ResetOnExit reset_entries(entries);
  ResetOnExit reset_payloads(payloads);
  // From 0 means from the start: a (tampered) negative index is passed on too.
  const std::int64_t from = begin == 0 ? std::numeric_limits<std::int64_t>::min() : Clamp(begin);
  entries->Bind(1, from).Bind(2, Clamp(end));
  payloads->Bind(1, from).Bind(2, Clamp(end));
  sqlite3_stmt* e = entries->raw();
  sqlite3_stmt* p = payloads->raw();
  CANDOR_ASSIGN_OR_RETURN(bool have_payload, payloads->Step());
  LedgerRowView v;
  while (true) {
    CANDOR_ASSIGN_OR_RETURN(bool row, entries->Step());
    if (!row) break;
    v.index = sqlite3_column_int64(e, 0);
    v.leaf = BlobView(e, 1);
    v.entry = TextView(e, 2);
    while (have_payload && sqlite3_column_int64(p, 0) < v.index) {
      CANDOR_ASSIGN_OR_RETURN(have_payload, payloads->Step());
    }
    v.has_payload = have_payload && sqlite3_column_int64(p, 0) == v.index;
    v.payload = v.has_payload ? TextView(p, 1) : std::string_view{};
    CANDOR_RETURN_IF_ERROR(fn(v));
  }
  return Status::Ok();
}

Result<std::optional<std::int64_t>> SqliteLedgerStore::FirstPayloadOutside(std::uint64_t size) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt * s, Cached(kOrphan, "SELECT min(idx) FROM ledger_payloads WHERE idx < 0 OR idx >= ?1"));
  ResetOnExit reset(s);
  s->Bind(1, Clamp(size));
  CANDOR_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row || s->IsNull(0)) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(s->Int(0));
}

Status SqliteLedgerStore::ReadLeafHashes(std::uint64_t begin, std::uint64_t end,
                                         std::vector<Digest>& out) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt * s, Cached(kLeaves, "SELECT idx, leaf FROM ledger WHERE idx >= ?1 AND idx < ?2 "
                                "ORDER BY idx"));
  ResetOnExit reset(s);
  s->Bind(1, Clamp(begin)).Bind(2, Clamp(end));
  sqlite3_stmt* raw = s->raw();
  if (end > begin) out.reserve(out.size() + (end - begin));
  std::uint64_t expected = begin;
  while (true) {
    CANDOR_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    auto leaf = BlobView(raw, 1);
    if (sqlite3_column_int64(raw, 0) != Clamp(expected) || leaf.size() != 32) {
      return core::DataLoss(fmt::format(
          "ledger entry {} is missing or damaged; run candor ledger verify", expected));
    }
    Digest d;
    std::copy(leaf.begin(), leaf.end(), d.begin());
    out.push_back(d);
    ++expected;
  }
  if (expected < end) {
    return core::DataLoss(
        fmt::format("ledger entry {} is missing; run candor ledger verify", expected));
  }
  return Status::Ok();
}

Status SqliteLedgerStore::PutTreeHead(const TreeHeadRecord& h) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt * s, Cached(kPutHead, "INSERT INTO tree_heads(size, root, timestamp, signature) "
                                 "VALUES(?1, ?2, ?3, ?4)"));
  return s->Bind(1, Clamp(h.size))
      .BindBlob(2, h.root.data(), h.root.size())
      .Bind(3, h.timestamp)
      .BindBlob(4, h.signature.data(), h.signature.size())
      .Run();
}

Result<std::optional<TreeHeadRecord>> SqliteLedgerStore::LatestTreeHead() {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt * s, Cached(kLatestHead, "SELECT size, root, timestamp, signature FROM tree_heads "
                                    "ORDER BY size DESC LIMIT 1"));
  ResetOnExit reset(s);
  CANDOR_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<TreeHeadRecord>();
  return std::optional<TreeHeadRecord>(ReadHead(*s));
}

Status SqliteLedgerStore::ForEachTreeHead(const std::function<Status(const TreeHeadRecord&)>& fn) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt * s, Cached(kHeads, "SELECT size, root, timestamp, signature FROM tree_heads "
                               "ORDER BY size"));
  ResetOnExit reset(s);
  while (true) {
    CANDOR_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    CANDOR_RETURN_IF_ERROR(fn(ReadHead(*s)));
  }
  return Status::Ok();
}

Result<std::vector<PeakRecord>> SqliteLedgerStore::ReadPeaks() {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt * s, Cached(kReadPeaks, "SELECT level, hash FROM ledger_peaks ORDER BY level DESC"));
  ResetOnExit reset(s);
  std::vector<PeakRecord> out;
  while (true) {
    CANDOR_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back({static_cast<int>(std::clamp<std::int64_t>(s->Int(0), -1, 64)), s->Blob(1)});
  }
  return out;
}

Status SqliteLedgerStore::WritePeaks(std::span<const PeakRecord> peaks) {
  CANDOR_ASSIGN_OR_RETURN(Stmt * del, Cached(kDeletePeaks, "DELETE FROM ledger_peaks"));
  CANDOR_RETURN_IF_ERROR(del->Run());
  CANDOR_ASSIGN_OR_RETURN(Stmt * ins,
                          Cached(kInsertPeak, "INSERT INTO ledger_peaks(level, hash) VALUES(?1, ?2)"));
  for (const PeakRecord& p : peaks) {
    CANDOR_RETURN_IF_ERROR(ins->Bind(1, p.level).BindBlob(2, p.hash.data(), p.hash.size()).Run());
  }
  return Status::Ok();
}

}  // namespace candor::store
