// Store::ReadForPurpose for SQLite: one eligibility query and up to three
// ordered scans (attributes, events, outcomes), merged with the subjects by
// subject_key. Every table involved is clustered or indexed by subject_key, so
// each scan is sequential and no subject costs a query of its own: at a million
// subjects the merge is several times faster than per-subject lookups.
#include "store/sqlite_reader.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <unordered_map>

namespace candor::store::internal {

using core::Result;
using core::Status;
using sqlite::Db;
using sqlite::Stmt;

const std::string_view kEligibleSql = R"SQL(
SELECT s.subject_key, s.subject_id, s.account_id, s.job_title, s.seniority, s.department,
       s.country, s.time_zone, s.language, s.is_minor, s.created_at, s.source
FROM subjects s JOIN purposes p ON p.name = ?1
WHERE p.active = 1 AND NOT (p.direct_marketing = 1 AND s.is_minor = 1)
  AND NOT EXISTS (SELECT 1 FROM restrictions r WHERE r.subject_key = s.subject_key)
  AND NOT EXISTS (
    SELECT 1 FROM consent_events o JOIN purposes op ON op.name = o.purpose
    WHERE o.subject_key = s.subject_key AND o.action = 'object' AND o.ts <= ?2
      AND (o.purpose = p.name OR (p.direct_marketing = 1 AND op.direct_marketing = 1)))
  AND (p.legal_basis <> 'consent' OR (
    SELECT c.action = 'grant' AND c.legal_basis = 'consent' FROM consent_events c
    WHERE c.subject_key = s.subject_key AND c.purpose = p.name AND c.ts <= ?2
      AND c.action IN ('grant', 'withdraw')
    ORDER BY c.ts DESC, c.id DESC LIMIT 1) = 1)
ORDER BY s.subject_key
)SQL";

void DecodeEligible(const Stmt& s, EligibleSubject& e) {
  e.key = s.Int(0);
  auto id = s.Blob(1);
  e.record.id = core::SubjectId{};
  std::copy_n(id.begin(), std::min<std::size_t>(id.size(), 16), e.record.id.bytes.begin());
  e.record.account_id = s.Text(2);
  e.record.job_title = s.Text(3);
  e.record.seniority = s.Text(4);
  e.record.department = s.Text(5);
  e.record.country = s.Text(6);
  e.record.time_zone = s.Text(7);
  e.record.language = s.Text(8);
  e.record.is_minor = s.Int(9) != 0;
  e.record.created_at = s.Int(10);
  e.record.source = s.Text(11);
}

namespace {

// A forward cursor over a statement ordered by subject_key (column 0).
class Cursor {
 public:
  explicit Cursor(Stmt stmt) : stmt_(std::move(stmt)) {}
  Status Start() { return Advance(); }
  // Positions on the first row with subject_key >= key; true when it equals key.
  Result<bool> SeekTo(SubjectKey key) {
    while (!done_ && current_ < key) CANDOR_RETURN_IF_ERROR(Advance());
    return !done_ && current_ == key;
  }
  Status Advance() {
    CANDOR_ASSIGN_OR_RETURN(bool row, stmt_.Step());
    done_ = !row;
    if (row) current_ = stmt_.Int(0);
    return Status::Ok();
  }
  bool done() const { return done_; }
  SubjectKey current() const { return current_; }
  Stmt& stmt() { return stmt_; }

 private:
  Stmt stmt_;
  bool done_ = false;
  SubjectKey current_ = 0;
};

// Fills `out` (an out-parameter: returning the map trips GCC 12's
// -Wfree-nonheap-object on the move assignment, a false positive).
Status ReadAccounts(Db& db, std::unordered_map<std::string, AccountRecord>& out) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db.Prepare("SELECT account_id, name, industry, employees, annual_revenue, country, "
                         "status, created_at FROM accounts"));
  while (true) {
    CANDOR_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    AccountRecord a;
    a.account_id = s.Text(0);
    a.name = s.Text(1);
    a.industry = s.Text(2);
    if (!s.IsNull(3)) a.employees = s.Int(3);
    if (!s.IsNull(4)) a.annual_revenue = s.Double(4);
    a.country = s.Text(5);
    a.status = s.Text(6);
    a.created_at = s.Int(7);
    std::string id = a.account_id;
    out.emplace(std::move(id), std::move(a));
  }
  return Status::Ok();
}

Status ReadAll(Db& db, std::string_view purpose, core::Instant as_of, const ReadOptions& o,
               const std::function<Status(const SubjectData&)>& fn) {
  std::unordered_map<std::string, AccountRecord> accounts;
  if (o.account) CANDOR_RETURN_IF_ERROR(ReadAccounts(db, accounts));
  // One subject: the same query with the key pinned (and the scans below
  // restricted to it), so that explaining one score does not read everyone.
  const bool one = o.subject != 0;
  std::string eligible_sql(kEligibleSql);
  if (one) eligible_sql.insert(eligible_sql.rfind("ORDER BY"), "  AND s.subject_key = ?3\n");
  const std::string only = one ? fmt::format(" AND subject_key = {}", o.subject) : "";
  CANDOR_ASSIGN_OR_RETURN(Stmt eligible, db.Prepare(eligible_sql));
  eligible.Bind(1, purpose).Bind(2, as_of);
  if (one) eligible.Bind(3, o.subject);

  std::optional<Cursor> attrs, events, outcomes;
  if (o.attributes) {
    CANDOR_ASSIGN_OR_RETURN(Stmt s, db.Prepare(fmt::format(
                                        "SELECT subject_key, name, number, text FROM "
                                        "subject_attributes WHERE 1{} ORDER BY subject_key, name",
                                        only)));
    attrs.emplace(std::move(s));
    CANDOR_RETURN_IF_ERROR(attrs->Start());
  }
  if (o.events) {
    CANDOR_ASSIGN_OR_RETURN(
        Stmt s, db.Prepare(fmt::format("SELECT subject_key, ts, type_id, url_id, value FROM events "
                                       "WHERE ts < ?1{} ORDER BY subject_key, ts, seq",
                                       only)));
    s.Bind(1, o.events_before);
    events.emplace(std::move(s));
    CANDOR_RETURN_IF_ERROR(events->Start());
  }
  if (!o.outcome_target.empty()) {
    CANDOR_ASSIGN_OR_RETURN(Stmt s, db.Prepare(fmt::format("SELECT subject_key, ts, value FROM "
                                                           "outcomes WHERE target = ?1{} ORDER BY "
                                                           "subject_key, ts",
                                                           only)));
    s.Bind(1, o.outcome_target);
    outcomes.emplace(std::move(s));
    CANDOR_RETURN_IF_ERROR(outcomes->Start());
  }

  EligibleSubject subject;
  std::vector<AttributeRecord> attr_rows;
  std::vector<StoredEvent> event_rows;
  std::vector<OutcomeRecord> outcome_rows;
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  while (true) {
    CANDOR_ASSIGN_OR_RETURN(bool row, eligible.Step());
    if (!row) break;
    DecodeEligible(eligible, subject);
    const SubjectKey key = subject.key;
    SubjectData d;
    d.key = key;
    d.record = &subject.record;
    if (o.account && !subject.record.account_id.empty()) {
      auto it = accounts.find(subject.record.account_id);
      if (it != accounts.end()) d.account = &it->second;
    }
    attr_rows.clear();
    if (attrs) {
      CANDOR_ASSIGN_OR_RETURN(bool at, attrs->SeekTo(key));
      while (at) {
        Stmt& s = attrs->stmt();
        AttributeRecord a;
        a.subject = key;
        a.name = s.Text(1);
        if (!s.IsNull(2)) a.number = s.Double(2);
        a.text = s.Text(3);
        attr_rows.push_back(std::move(a));
        CANDOR_RETURN_IF_ERROR(attrs->Advance());
        at = !attrs->done() && attrs->current() == key;
      }
      d.attributes = &attr_rows;
    }
    event_rows.clear();
    if (events) {
      CANDOR_ASSIGN_OR_RETURN(bool at, events->SeekTo(key));
      while (at) {
        Stmt& s = events->stmt();
        event_rows.push_back(StoredEvent{s.Int(1), static_cast<std::int32_t>(s.Int(2)),
                                         s.IsNull(3) ? 0 : static_cast<std::int32_t>(s.Int(3)),
                                         s.IsNull(4) ? kNone : s.Double(4)});
        CANDOR_RETURN_IF_ERROR(events->Advance());
        at = !events->done() && events->current() == key;
      }
      d.events = &event_rows;
    }
    outcome_rows.clear();
    if (outcomes) {
      CANDOR_ASSIGN_OR_RETURN(bool at, outcomes->SeekTo(key));
      while (at) {
        Stmt& s = outcomes->stmt();
        outcome_rows.push_back(OutcomeRecord{key, o.outcome_target, s.Int(1), s.Double(2)});
        CANDOR_RETURN_IF_ERROR(outcomes->Advance());
        at = !outcomes->done() && outcomes->current() == key;
      }
      d.outcomes = &outcome_rows;
    }
    CANDOR_RETURN_IF_ERROR(fn(d));
  }
  return Status::Ok();
}

}  // namespace

Status ReadForPurpose(Db& db, bool in_transaction, std::string_view purpose, core::Instant as_of,
                      const ReadOptions& options,
                      const std::function<Status(const SubjectData&)>& fn) {
  if (in_transaction) return ReadAll(db, purpose, as_of, options, fn);
  // One snapshot for all statements: a deferred transaction pins the WAL read mark.
  CANDOR_RETURN_IF_ERROR(db.Exec("BEGIN"));
  Status st = ReadAll(db, purpose, as_of, options, fn);
  Status end = db.Exec(st.ok() ? "COMMIT" : "ROLLBACK");
  return st.ok() ? end : st;
}

namespace {

Status ReadDictionary(Db& db, std::string_view sql, std::vector<std::string>& out) {
  CANDOR_ASSIGN_OR_RETURN(Stmt s, db.Prepare(sql));
  out.assign(1, std::string());
  while (true) {
    CANDOR_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    auto id = static_cast<std::size_t>(s.Int(0));
    if (id >= out.size()) out.resize(id + 1);
    out[id] = s.Text(1);
  }
  return Status::Ok();
}

}  // namespace

Result<EventDictionary> ReadEventDictionary(Db& db) {
  EventDictionary d;
  CANDOR_RETURN_IF_ERROR(ReadDictionary(db, "SELECT id, name FROM event_types", d.types));
  CANDOR_RETURN_IF_ERROR(ReadDictionary(db, "SELECT id, url FROM urls", d.urls));
  return d;
}

}  // namespace candor::store::internal
