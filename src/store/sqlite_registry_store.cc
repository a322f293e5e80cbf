#include "store/sqlite_registry_store.h"

#include <fmt/format.h>

#include <cstring>

namespace candor::store {

using core::Result;
using core::Status;
using sqlite::Stmt;

namespace {

constexpr std::string_view kModelColumns =
    "version, target, status, created_at, spec, metrics, coalesce(fairness, ''), "
    "coalesce(approved_by, ''), coalesce(justification, '')";

ModelRecord DecodeModel(const Stmt& s) {
  ModelRecord m;
  m.version = s.Text(0);
  m.target = s.Text(1);
  m.status = s.Text(2);
  m.created_at = s.Int(3);
  m.spec = s.Text(4);
  m.metrics = s.Text(5);
  m.fairness = s.Text(6);
  m.approved_by = s.Text(7);
  m.justification = s.Text(8);
  return m;
}

}  // namespace

Result<std::int64_t> SqliteRegistryStore::CountModels(std::string_view target) {
  CANDOR_ASSIGN_OR_RETURN(Stmt s, db_.Prepare("SELECT count(*) FROM models WHERE target = ?1"));
  s.Bind(1, target);
  CANDOR_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

Status SqliteRegistryStore::InsertModel(const ModelRecord& m) {
  CANDOR_ASSIGN_OR_RETURN(auto existing, FindModel(m.version, false));
  if (existing) return core::AlreadyExists(fmt::format("model {} already exists", m.version));
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db_.Prepare("INSERT INTO models(version, target, status, created_at, spec, metrics, "
                          "fairness, booster, approved_by, justification) "
                          "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  s.Bind(1, m.version).Bind(2, m.target).Bind(3, m.status).Bind(4, m.created_at);
  s.Bind(5, m.spec).Bind(6, m.metrics).BindTextOrNull(7, m.fairness).Bind(8, m.booster);
  s.BindTextOrNull(9, m.approved_by).BindTextOrNull(10, m.justification);
  return s.Run();
}

Result<std::optional<ModelRecord>> SqliteRegistryStore::FindModel(std::string_view version,
                                                                  bool artifacts) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db_.Prepare(fmt::format("SELECT {}, {} FROM models WHERE version = ?1", kModelColumns,
                                      artifacts ? "booster" : "''")));
  s.Bind(1, version);
  CANDOR_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<ModelRecord>();
  ModelRecord m = DecodeModel(s);
  m.booster = s.Text(9);
  return std::optional<ModelRecord>(std::move(m));
}

Result<std::vector<ModelRecord>> SqliteRegistryStore::ListModels() {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db_.Prepare(fmt::format("SELECT {} FROM models ORDER BY seq", kModelColumns)));
  return s.Collect([](Stmt& r) { return DecodeModel(r); });
}

Result<std::optional<std::string>> SqliteRegistryStore::ActiveModel(std::string_view target) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db_.Prepare("SELECT version FROM models WHERE target = ?1 AND status = 'active'"));
  s.Bind(1, target);
  CANDOR_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.Text(0));
}

Status SqliteRegistryStore::UpdateOne(std::string_view sql, std::string_view version,
                                      std::string_view a, std::string_view b) {
  CANDOR_ASSIGN_OR_RETURN(Stmt s, db_.Prepare(sql));
  s.Bind(1, version).Bind(2, a);
  if (!b.empty()) s.Bind(3, b);
  CANDOR_RETURN_IF_ERROR(s.Run());
  if (db_.Changes() != 1) return core::NotFound(fmt::format("no model {}", version));
  return Status::Ok();
}

Status SqliteRegistryStore::SetModelStatus(std::string_view version, std::string_view status) {
  return UpdateOne("UPDATE models SET status = ?2 WHERE version = ?1", version, status, {});
}

Status SqliteRegistryStore::SetModelFairness(std::string_view version, std::string_view fairness) {
  return UpdateOne("UPDATE models SET fairness = ?2 WHERE version = ?1", version, fairness, {});
}

Status SqliteRegistryStore::SetModelApproval(std::string_view version, std::string_view by,
                                             std::string_view justification) {
  return UpdateOne("UPDATE models SET approved_by = ?2, justification = ?3 WHERE version = ?1",
                   version, by, justification);
}

Result<std::int64_t> SqliteRegistryStore::InsertScoreRun(const ScoreRunRecord& run) {
  CANDOR_ASSIGN_OR_RETURN(Stmt s, db_.Prepare("INSERT INTO score_runs(model_version, as_of, "
                                              "created_at, rows) VALUES(?1, ?2, ?3, ?4)"));
  s.Bind(1, run.model_version).Bind(2, run.as_of).Bind(3, run.created_at).Bind(4, run.rows);
  CANDOR_RETURN_IF_ERROR(s.Run());
  return db_.LastInsertRowid();
}

Status SqliteRegistryStore::SetScoreRunRows(std::int64_t run, std::int64_t rows) {
  CANDOR_ASSIGN_OR_RETURN(Stmt s, db_.Prepare("UPDATE score_runs SET rows = ?2 WHERE id = ?1"));
  return s.Bind(1, run).Bind(2, rows).Run();
}

Status SqliteRegistryStore::InsertScore(const ScoreRecord& r) {
  if (!insert_score_) {
    CANDOR_ASSIGN_OR_RETURN(
        Stmt s, db_.Prepare("INSERT INTO scores(subject_key, run, model_version, ts, score, "
                            "probability, margin, contributions, reasons) "
                            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    insert_score_ = std::make_unique<Stmt>(std::move(s));
  }
  Stmt& s = *insert_score_;
  s.Bind(1, r.subject).Bind(2, r.run).Bind(3, r.model_version).Bind(4, r.ts);
  s.Bind(5, r.score).Bind(6, r.probability).Bind(7, r.margin);
  s.BindBlob(8, r.contributions.data(), r.contributions.size() * sizeof(double));
  s.Bind(9, r.reasons);
  return s.Run();
}

Status SqliteRegistryStore::ForEachScore(std::int64_t subject,
                                         const std::function<Status(const ScoreRecord&)>& fn) {
  CANDOR_ASSIGN_OR_RETURN(
      Stmt s, db_.Prepare("SELECT run, model_version, ts, score, probability, margin, "
                          "contributions, reasons FROM scores WHERE subject_key = ?1 "
                          "ORDER BY ts, run"));
  s.Bind(1, subject);
  ScoreRecord r;
  r.subject = subject;
  return s.ForEachRow([&](Stmt& row) {
    r.run = row.Int(0);
    r.model_version = row.Text(1);
    r.ts = row.Int(2);
    r.score = row.Double(3);
    r.probability = row.Double(4);
    r.margin = row.Double(5);
    auto blob = row.Blob(6);
    r.contributions.resize(blob.size() / sizeof(double));
    if (!blob.empty()) std::memcpy(r.contributions.data(), blob.data(), r.contributions.size() * sizeof(double));
    r.reasons = row.Text(7);
    return fn(r);
  });
}

}  // namespace candor::store
