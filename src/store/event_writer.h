// candor::store::EventWriter (internal to the SQLite store): writes queued
// events on a second thread, so that parsing and validating the next rows on
// the caller's thread overlaps with SQLite's inserts.
//
// The writer owns the connection only while it works: SqliteStore calls Drain()
// before every other use of the connection, and the caller's thread is the only
// one that queues. Events go out in multi-row INSERTs of kBatch rows; the type,
// URL and campaign strings are resolved to dictionary ids on the writer thread.
//
// Errors: the first failure is kept and returned by every later Queue(), Drain()
// and Take(); the events queued after it are dropped (the caller's transaction
// is rolled back on error anyway).
// Thread safety: Queue/Drain/Take/Discard from one thread (the store's owner).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/sqlite.h"
#include "store/store.h"

namespace candor::store::internal {

class EventWriter {
 public:
  static constexpr std::size_t kBatch = 128;

  explicit EventWriter(sqlite::Db& db) : db_(db) {}
  ~EventWriter();
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // Copies `e` into the current batch; hands full batches to the writer thread
  // (waiting when kMaxQueued batches are already waiting).
  core::Status Queue(const EventRecord& e);
  // Writes everything queued and waits until the writer is idle.
  core::Status Drain();
  // Drain(), then the number of rows inserted since the last Take().
  core::Result<std::int64_t> Take();
  // Drops everything queued (rollback): waits for a batch in progress, forgets
  // the dictionary ids (they may be rolled back) and any error.
  void Discard();
  // After a commit: forgets what the next transaction must read afresh (another
  // process may write events between two transactions).
  void Forget() { next_seq_.reset(); }

 private:
  struct Pending {
    SubjectKey subject = 0;
    core::Instant ts = 0;
    std::string type, url, campaign, event_id;
    std::optional<double> value;
  };
  using Batch = std::vector<Pending>;
  static constexpr std::size_t kMaxQueued = 8;

  void Loop();
  core::Status Write(Batch& batch);
  core::Result<std::int64_t> DictId(int which, const std::string& value);
  core::Result<sqlite::Stmt*> Statement(int slot, const std::string& sql);
  // Hands `current_` to the thread (caller holds no lock).
  core::Status Submit();

  sqlite::Db& db_;
  Batch current_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable work_, idle_;
  std::deque<Batch> queue_;  // guarded by mu_
  bool busy_ = false;        // guarded by mu_
  bool stop_ = false;        // guarded by mu_
  core::Status error_;       // guarded by mu_
  std::int64_t inserted_ = 0;  // guarded by mu_
  // Used on the writer thread only (or on the caller's while the writer is idle).
  std::unordered_map<std::string, std::int64_t> dict_[3];
  std::unique_ptr<sqlite::Stmt> stmts_[10];
  // The next events.seq; read from the sequences table at the first write of a
  // transaction (forgotten by Discard, since a rollback restores the table).
  std::optional<std::int64_t> next_seq_;
};

}  // namespace candor::store::internal
