#include "store/sqlite_privacy_store.h"

#include "store/sqlite_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace candor::store {

using core::Result;
using core::Status;
using sqlite::Stmt;

namespace {

Hash32 ToHash(const std::vector<std::uint8_t>& b) {
  Hash32 h{};
  std::copy_n(b.begin(), std::min<std::size_t>(b.size(), h.size()), h.begin());
  return h;
}

RequestRecord DecodeRequest(const Stmt& s) {
  RequestRecord r;
  r.id = s.Int(0);
  r.type = s.Text(1);
  r.subject_hash = ToHash(s.Blob(2));
  r.received = s.Int(3);
  r.due = s.Int(4);
  r.status = s.Text(5);
  if (!s.IsNull(6)) r.closed = s.Int(6);
  r.outcome = s.Text(7);
  return r;
}

constexpr std::string_view kRequestColumns =
    "id, type, subject_hash, received, due, status, closed, coalesce(outcome, '')";

}  // namespace

Status SqlitePrivacyStore::SuppressSubject(std::int64_t subject, std::string_view reason,
                                           core::Instant at) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db_.Prepare("INSERT OR IGNORE INTO suppressions(hash, reason, created_at) "
                          "SELECT hash, ?2, ?3 FROM blind_index WHERE subject_key = ?1"));
  return s.Bind(1, subject).Bind(2, reason).Bind(3, at).Run();
}

Result<std::vector<Hash32>> SqlitePrivacyStore::ReadSuppressions() {
  CANDOR_ASSIGN_OR_RETURN(Stmt s, db_.Prepare("SELECT hash FROM suppressions"));
  return s.Collect([](Stmt& r) { return ToHash(r.Blob(0)); });
}

Result<std::int64_t> SqlitePrivacyStore::CountSuppressions() {
  CANDOR_ASSIGN_OR_RETURN(Stmt s, db_.Prepare("SELECT count(*) FROM suppressions"));
  CANDOR_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

Result<bool> SqlitePrivacyStore::Restrict(std::int64_t subject, core::Instant since) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db_.Prepare("INSERT OR IGNORE INTO restrictions(subject_key, since) VALUES(?1, ?2)"));
  CANDOR_RETURN_IF_ERROR(s.Bind(1, subject).Bind(2, since).Run());
  return db_.Changes() > 0;
}

Result<bool> SqlitePrivacyStore::Lift(std::int64_t subject) {
  CANDOR_ASSIGN_OR_RETURN(Stmt s, db_.Prepare("DELETE FROM restrictions WHERE subject_key = ?1"));
  CANDOR_RETURN_IF_ERROR(s.Bind(1, subject).Run());
  return db_.Changes() > 0;
}

Result<std::int64_t> SqlitePrivacyStore::InsertRequest(const RequestRecord& r) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db_.Prepare("INSERT INTO dsr_requests(type, subject_hash, received, due, status, "
                          "closed, outcome) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  s.Bind(1, r.type).BindBlob(2, r.subject_hash.data(), r.subject_hash.size());
  s.Bind(3, r.received).Bind(4, r.due).Bind(5, r.status).BindOpt(6, r.closed);
  s.BindTextOrNull(7, r.outcome);
  CANDOR_RETURN_IF_ERROR(s.Run());
  return db_.LastInsertRowid();
}

Status SqlitePrivacyStore::CloseRequest(std::int64_t id, core::Instant at, std::string_view outcome) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db_.Prepare("UPDATE dsr_requests SET status = 'closed', closed = ?2, "
                          "outcome = CASE WHEN ?3 = '' THEN outcome ELSE ?3 END WHERE id = ?1"));
  CANDOR_RETURN_IF_ERROR(s.Bind(1, id).Bind(2, at).Bind(3, outcome).Run());
  if (db_.Changes() != 1) return core::NotFound(fmt::format("no request {}", id));
  return Status::Ok();
}

Result<std::optional<RequestRecord>> SqlitePrivacyStore::FindRequest(std::int64_t id) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db_.Prepare(fmt::format("SELECT {} FROM dsr_requests WHERE id = ?1", kRequestColumns)));
  s.Bind(1, id);
  CANDOR_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<RequestRecord>();
  return std::optional<RequestRecord>(DecodeRequest(s));
}

Result<std::vector<RequestRecord>> SqlitePrivacyStore::ListRequests(bool open_only) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db_.Prepare(fmt::format("SELECT {} FROM dsr_requests {} ORDER BY id", kRequestColumns,
                                      open_only ? "WHERE status = 'open'" : "")));
  return s.Collect([](Stmt& r) { return DecodeRequest(r); });
}

Status SqlitePrivacyStore::InsertExport(const ExportRecord& e) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db_.Prepare("INSERT INTO dsr_exports(request, subject_hash, path, written) "
                          "VALUES(?1, ?2, ?3, ?4)"));
  s.Bind(1, e.request).BindBlob(2, e.subject_hash.data(), e.subject_hash.size());
  return s.Bind(3, e.path).Bind(4, e.written).Run();
}

Result<std::vector<ExportRecord>> SqlitePrivacyStore::ExportsOf(const Hash32& subject_hash) {
  CANDOR_ASSIGN_OR_RETURN(Stmt s, db_.Prepare("SELECT request, path, written FROM dsr_exports "
                                              "WHERE subject_hash = ?1 ORDER BY written"));
  s.BindBlob(1, subject_hash.data(), subject_hash.size());
  return s.Collect([&](Stmt& r) { return ExportRecord{r.Int(0), subject_hash, r.Text(1), r.Int(2)}; });
}

Result<SubjectDump> SqlitePrivacyStore::ReadSubject(std::int64_t key) {
  SubjectDump d;
  {
    CANDOR_ASSIGN_OR_RETURN(
        Stmt s, db_.Prepare("SELECT subject_id, coalesce(account_id, ''), job_title, seniority, "
                            "department, country, time_zone, language, is_minor, created_at, source "
                            "FROM subjects WHERE subject_key = ?1"));
    s.Bind(1, key);
    CANDOR_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return core::NotFound("no data held for this subject");
    d.key = key;
    d.subject_id = s.Blob(0);
    d.account_id = s.Text(1);
    d.job_title = s.Text(2);
    d.seniority = s.Text(3);
    d.department = s.Text(4);
    d.country = s.Text(5);
    d.time_zone = s.Text(6);
    d.language = s.Text(7);
    d.is_minor = s.Int(8) != 0;
    d.created_at = s.Int(9);
    d.source = s.Text(10);
  }
  if (!d.account_id.empty()) {
    CANDOR_ASSIGN_OR_RETURN(
        Stmt s, db_.Prepare("SELECT account_id, name, industry, employees, annual_revenue, "
                            "country, status, created_at FROM accounts WHERE account_id = ?1"));
    s.Bind(1, d.account_id);
    CANDOR_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) {
      SubjectDump::Account a;
      a.account_id = s.Text(0);
      a.name = s.Text(1);
      a.industry = s.Text(2);
      if (!s.IsNull(3)) a.employees = s.Int(3);
      if (!s.IsNull(4)) a.annual_revenue = s.Double(4);
      a.country = s.Text(5);
      a.status = s.Text(6);
      a.created_at = s.Int(7);
      d.account = a;
    }
  }
  auto each = [&](std::string_view sql, const std::function<void(const Stmt&)>& fn) -> Status {
    CANDOR_ASSIGN_OR_RETURN(Stmt s, db_.Prepare(sql));
    s.Bind(1, key);
    return s.ForEachRow([&](Stmt& r) { fn(r); });
  };
  CANDOR_RETURN_IF_ERROR(each(
      "SELECT name, number, coalesce(text, '') FROM subject_attributes WHERE subject_key = ?1 "
      "ORDER BY name",
      [&](const Stmt& s) {
        SubjectDump::Attribute a;
        a.name = s.Text(0);
        if (!s.IsNull(1)) a.number = s.Double(1);
        a.text = s.Text(2);
        d.attributes.push_back(std::move(a));
      }));
  CANDOR_RETURN_IF_ERROR(each(
      "SELECT e.ts, t.name, coalesce(u.url, ''), coalesce(c.name, ''), coalesce(e.event_id, ''), "
      "e.value FROM events e JOIN event_types t ON t.id = e.type_id "
      "LEFT JOIN urls u ON u.id = e.url_id LEFT JOIN campaigns c ON c.id = e.campaign_id "
      "WHERE e.subject_key = ?1 ORDER BY e.ts, e.seq",
      [&](const Stmt& s) {
        SubjectDump::Event e;
        e.ts = s.Int(0);
        e.type = s.Text(1);
        e.url = s.Text(2);
        e.campaign = s.Text(3);
        e.event_id = s.Text(4);
        if (!s.IsNull(5)) e.value = s.Double(5);
        d.events.push_back(std::move(e));
      }));
  CANDOR_RETURN_IF_ERROR(each(
      "SELECT purpose, action, legal_basis, source, coalesce(method, ''), "
      "coalesce(notice_version, ''), coalesce(evidence, ''), ts, recorded_at FROM consent_events "
      "WHERE subject_key = ?1 ORDER BY ts, id",
      [&](const Stmt& s) {
        d.consents.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5),
                              s.Text(6), s.Int(7), s.Int(8)});
      }));
  CANDOR_RETURN_IF_ERROR(each(
      "SELECT target, ts, value FROM outcomes WHERE subject_key = ?1 ORDER BY ts, target",
      [&](const Stmt& s) { d.outcomes.push_back({s.Text(0), s.Int(1), s.Double(2)}); }));
  CANDOR_RETURN_IF_ERROR(each(
      "SELECT attribute, value FROM protected_attributes WHERE subject_key = ?1 ORDER BY attribute",
      [&](const Stmt& s) { d.protected_attributes.emplace_back(s.Text(0), s.Text(1)); }));
  CANDOR_RETURN_IF_ERROR(each("SELECT since FROM restrictions WHERE subject_key = ?1",
                              [&](const Stmt& s) { d.restricted_since = s.Int(0); }));
  return d;
}

Result<ErasureCounts> SqlitePrivacyStore::EraseSubject(std::int64_t key) {
  ErasureCounts n;
  auto count = [&](std::string_view table) -> Result<std::int64_t> {
    CANDOR_ASSIGN_OR_RETURN(
        Stmt s, db_.Prepare(fmt::format("SELECT count(*) FROM {} WHERE subject_key = ?1", table)));
    s.Bind(1, key);
    CANDOR_ASSIGN_OR_RETURN(bool row, s.Step());
    return row ? s.Int(0) : 0;
  };
  CANDOR_ASSIGN_OR_RETURN(n.events, count("events"));
  CANDOR_ASSIGN_OR_RETURN(n.consents, count("consent_events"));
  CANDOR_ASSIGN_OR_RETURN(n.outcomes, count("outcomes"));
  CANDOR_ASSIGN_OR_RETURN(n.attributes, count("subject_attributes"));
  CANDOR_ASSIGN_OR_RETURN(n.protected_attributes, count("protected_attributes"));
  CANDOR_ASSIGN_OR_RETURN(n.scores, count("scores"));
  CANDOR_ASSIGN_OR_RETURN(n.blind_index, count("blind_index"));
  // The wrapped key first (crypto-shredding), then the rest; the foreign keys
  // cascade from subjects, and a trigger deletes the events.
  for (std::string_view sql :
       {"DELETE FROM subject_keys WHERE subject_key = ?1", "DELETE FROM vault WHERE subject_key = ?1",
        "DELETE FROM subjects WHERE subject_key = ?1"}) {
    CANDOR_ASSIGN_OR_RETURN(Stmt s, db_.Prepare(sql));
    CANDOR_RETURN_IF_ERROR(s.Bind(1, key).Run());
  }
  CANDOR_ASSIGN_OR_RETURN(std::int64_t left, count("events"));
  if (left != 0) return core::Internal("erasure left events behind");
  return n;
}

Result<RetentionCounts> SqlitePrivacyStore::ApplyRetention(
    const std::function<Result<std::optional<core::Instant>>(std::int64_t)>& keep_from,
    bool dry_run) {
  RetentionCounts n;
  std::vector<std::int64_t> keys;
  {
    // Restricted subjects keep everything (Art. 18: stored, not processed, not deleted).
    CANDOR_ASSIGN_OR_RETURN(Stmt s, db_.Prepare("SELECT subject_key FROM subjects WHERE subject_key "
                                                "NOT IN (SELECT subject_key FROM restrictions) "
                                                "ORDER BY subject_key"));
    CANDOR_RETURN_IF_ERROR(s.ForEachRow([&](Stmt& r) { keys.push_back(r.Int(0)); }));
  }
  const char* tables[] = {"events", "outcomes", "scores"};
  std::int64_t* counters[] = {&n.events, &n.outcomes, &n.scores};
  std::vector<Stmt> counts, deletes;
  for (const char* t : tables) {
    CANDOR_ASSIGN_OR_RETURN(
        Stmt c, db_.Prepare(fmt::format("SELECT count(*) FROM {} WHERE subject_key = ?1 AND ts < ?2", t)));
    CANDOR_ASSIGN_OR_RETURN(
        Stmt d, db_.Prepare(fmt::format("DELETE FROM {} WHERE subject_key = ?1 AND ts < ?2", t)));
    counts.push_back(std::move(c));
    deletes.push_back(std::move(d));
  }
  for (std::int64_t key : keys) {
    CANDOR_ASSIGN_OR_RETURN(std::optional<core::Instant> from, keep_from(key));
    const core::Instant cut = from ? *from : std::numeric_limits<core::Instant>::max();
    bool any = false;
    for (std::size_t t = 0; t < counts.size(); ++t) {
      counts[t].Bind(1, key).Bind(2, cut);
      CANDOR_ASSIGN_OR_RETURN(bool row, counts[t].Step());
      std::int64_t c = row ? counts[t].Int(0) : 0;
      counts[t].Reset();
      if (c == 0) continue;
      any = true;
      *counters[t] += c;
      if (!dry_run) CANDOR_RETURN_IF_ERROR(deletes[t].Bind(1, key).Bind(2, cut).Run());
    }
    if (any) ++n.subjects;
  }
  return n;
}

Status SqlitePrivacyStore::ForEachProtectedAttribute(
    std::string_view purpose, core::Instant as_of,
    const std::function<Status(std::int64_t, std::string_view, std::string_view)>& fn) {
  CANDOR_ASSIGN_OR_RETURN(Stmt known, db_.Prepare("SELECT 1 FROM purposes WHERE name = ?1"));
  known.Bind(1, purpose);
  CANDOR_ASSIGN_OR_RETURN(bool exists, known.Step());
  if (!exists) return core::NotFound(fmt::format("unknown purpose '{}'", purpose));
  // The eligibility query is the store's one definition of a valid basis; the
  // attributes of anyone else are never read.
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db_.Prepare(fmt::format(
                  "SELECT pa.subject_key, pa.attribute, pa.value FROM protected_attributes pa "
                  "WHERE pa.subject_key IN (SELECT subject_key FROM ({})) "
                  "ORDER BY pa.subject_key, pa.attribute",
                  internal::kEligibleSql)));
  s.Bind(1, purpose).Bind(2, as_of);
  return s.ForEachRow([&](Stmt& r) {
    const std::string attribute = r.Text(1), value = r.Text(2);
    return fn(r.Int(0), attribute, value);
  });
}

}  // namespace candor::store
