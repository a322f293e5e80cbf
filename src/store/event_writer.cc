#include "store/event_writer.h"

#include <fmt/format.h>

namespace candor::store::internal {

using core::Result;
using core::Status;

namespace {
enum Slot { kSingle, kMulti, kFind0, kFind1, kFind2, kInsert0, kInsert1, kInsert2, kSeqGet, kSeqSet };
constexpr const char* kTables[3] = {"event_types", "urls", "campaigns"};
constexpr const char* kCols[3] = {"name", "url", "name"};
}  // namespace

EventWriter::~EventWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    queue_.clear();
  }
  work_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status EventWriter::Queue(const EventRecord& e) {
  Pending p;
  p.subject = e.subject;
  p.ts = e.ts;
  p.type = std::string(e.type);
  p.url = std::string(e.url);
  p.campaign = std::string(e.campaign_id);
  p.event_id = std::string(e.event_id);
  p.value = e.value;
  current_.push_back(std::move(p));
  if (current_.size() < kBatch) return Status::Ok();
  return Submit();
}

Status EventWriter::Submit() {
  if (current_.empty()) return Status::Ok();
  std::unique_lock<std::mutex> lock(mu_);
  if (!error_.ok()) {
    current_.clear();
    return error_;
  }
  idle_.wait(lock, [&] { return queue_.size() < kMaxQueued || !error_.ok(); });
  queue_.push_back(std::move(current_));
  current_ = Batch();
  current_.reserve(kBatch);
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  lock.unlock();
  work_.notify_one();
  return Status::Ok();
}

void EventWriter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Batch batch = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    bool failed = !error_.ok();
    lock.unlock();
    Status st = failed ? Status::Ok() : Write(batch);
    lock.lock();
    if (!st.ok() && error_.ok()) error_ = st;
    busy_ = false;
    idle_.notify_all();
  }
}

Status EventWriter::Drain() {
  CANDOR_RETURN_IF_ERROR(Submit());
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
  return error_;
}

Result<std::int64_t> EventWriter::Take() {
  CANDOR_RETURN_IF_ERROR(Drain());
  std::lock_guard<std::mutex> lock(mu_);
  std::int64_t n = inserted_;
  inserted_ = 0;
  return n;
}

void EventWriter::Discard() {
  current_.clear();
  std::unique_lock<std::mutex> lock(mu_);
  queue_.clear();
  idle_.wait(lock, [&] { return !busy_; });
  error_ = Status::Ok();
  inserted_ = 0;
  for (auto& d : dict_) d.clear();
  next_seq_.reset();
}

Result<sqlite::Stmt*> EventWriter::Statement(int slot, const std::string& sql) {
  auto& s = stmts_[slot];
  if (!s) {
    CANDOR_ASSIGN_OR_RETURN(sqlite::Stmt p, db_.Prepare(sql));
    s = std::make_unique<sqlite::Stmt>(std::move(p));
  }
  return s.get();
}

Result<std::int64_t> EventWriter::DictId(int which, const std::string& value) {
  auto& cache = dict_[which];
  if (auto it = cache.find(value); it != cache.end()) return it->second;
  CANDOR_ASSIGN_OR_RETURN(
      sqlite::Stmt * find,
      Statement(kFind0 + which,
                fmt::format("SELECT id FROM {} WHERE {} = ?1", kTables[which], kCols[which])));
  find->Bind(1, std::string_view(value));
  CANDOR_ASSIGN_OR_RETURN(bool row, find->Step());
  std::int64_t id = row ? find->Int(0) : 0;
  find->Reset();
  if (!row) {
    CANDOR_ASSIGN_OR_RETURN(
        sqlite::Stmt * ins,
        Statement(kInsert0 + which,
                  fmt::format("INSERT INTO {}({}) VALUES(?1)", kTables[which], kCols[which])));
    CANDOR_RETURN_IF_ERROR(ins->Bind(1, std::string_view(value)).Run());
    id = db_.LastInsertRowid();
  }
  cache.emplace(value, id);
  return id;
}

Status EventWriter::Write(Batch& batch) {
  static const std::string kInsert =
      "INSERT OR IGNORE INTO events(subject_key, ts, seq, type_id, url_id, campaign_id, value, "
      "event_id) VALUES ";
  static const std::string kMultiSql = [] {
    std::string sql = kInsert;
    for (std::size_t i = 0; i < kBatch; ++i) {
      sql += i == 0 ? "(?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?)";
    }
    return sql;
  }();
  if (!next_seq_) {
    CANDOR_ASSIGN_OR_RETURN(
        sqlite::Stmt * get, Statement(kSeqGet, "SELECT value FROM sequences WHERE name = 'events'"));
    CANDOR_ASSIGN_OR_RETURN(bool row, get->Step());
    next_seq_ = row ? get->Int(0) + 1 : 1;
    get->Reset();
  }
  std::size_t done = 0;
  std::int64_t inserted = 0;
  while (done < batch.size()) {
    std::size_t rows = batch.size() - done >= kBatch ? kBatch : 1;
    CANDOR_ASSIGN_OR_RETURN(sqlite::Stmt * s, rows == kBatch
                                                  ? Statement(kMulti, kMultiSql)
                                                  : Statement(kSingle, kInsert + "(?,?,?,?,?,?,?,?)"));
    for (std::size_t i = 0; i < rows; ++i) {
      const Pending& p = batch[done + i];
      int b = static_cast<int>(i * 8);
      CANDOR_ASSIGN_OR_RETURN(std::int64_t type_id, DictId(0, p.type));
      s->Bind(b + 1, p.subject).Bind(b + 2, p.ts).Bind(b + 3, (*next_seq_)++).Bind(b + 4, type_id);
      if (p.url.empty()) {
        s->BindNull(b + 5);
      } else {
        CANDOR_ASSIGN_OR_RETURN(std::int64_t id, DictId(1, p.url));
        s->Bind(b + 5, id);
      }
      if (p.campaign.empty()) {
        s->BindNull(b + 6);
      } else {
        CANDOR_ASSIGN_OR_RETURN(std::int64_t id, DictId(2, p.campaign));
        s->Bind(b + 6, id);
      }
      s->BindOpt(b + 7, p.value);
      if (p.event_id.empty()) {
        s->BindNull(b + 8);
      } else {
        s->BindStatic(b + 8, p.event_id);
      }
    }
    CANDOR_RETURN_IF_ERROR(s->Run());
    inserted += db_.Changes();
    done += rows;
  }
  CANDOR_ASSIGN_OR_RETURN(
      sqlite::Stmt * set,
      Statement(kSeqSet, "UPDATE sequences SET value = ?1 WHERE name = 'events'"));
  CANDOR_RETURN_IF_ERROR(set->Bind(1, *next_seq_ - 1).Run());
  std::lock_guard<std::mutex> lock(mu_);
  inserted_ += inserted;
  return Status::Ok();
}

}  // namespace candor::store::internal
