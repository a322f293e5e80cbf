// The consent and data-subject-rights part of `candor demo`: one subject
// withdraws consent and leaves the next scoring run, one subject's data is
// exported (outside the workspace), another subject is erased.
#include <fmt/format.h>

#include <filesystem>

#include "privacy/consent.h"
#include "privacy/dsr.h"
#include "workspace/demo_internal.h"

namespace candor::workspace::internal {

namespace fs = std::filesystem;

core::Status RunPrivacySteps(Workspace& ws, const DemoOptions& options, core::Instant as_of,
                             core::Instant now, DemoSummary& summary) {
  const auto& examples = summary.scored.explanations;
  if (examples.size() < 3) return core::Status::Ok();
  auto key_of = [&](const std::string& hex) -> core::Result<store::SubjectKey> {
    CANDOR_ASSIGN_OR_RETURN(core::SubjectId id, core::SubjectId::FromHex(hex));
    CANDOR_ASSIGN_OR_RETURN(auto key, ws.store->FindBySubjectId(id));
    if (!key) return core::Internal("a scored subject is missing");
    return *key;
  };
  DemoPrivacy& p = summary.privacy;

  // 1. A withdrawal, then the next scoring run.
  p.withdrawn = examples[0].subject;
  CANDOR_ASSIGN_OR_RETURN(store::SubjectKey w, key_of(p.withdrawn));
  privacy::ConsentChange c;
  c.subject = w;
  CANDOR_ASSIGN_OR_RETURN(c.id, core::SubjectId::FromHex(p.withdrawn));
  c.purpose = "profiling";
  c.action = "withdraw";
  c.source = "demo";
  c.method = "preference_center";
  c.ts = as_of;
  c.recorded_at = now;
  c.actor = "demo";
  CANDOR_RETURN_IF_ERROR(privacy::RecordConsent(*ws.store, *ws.ledger, *ws.vault, ws.config, c).status());
  model::ScoreRequest again;
  again.model = summary.trained.version;
  again.as_of = as_of;
  again.now = now;
  again.actor = "demo";
  CANDOR_ASSIGN_OR_RETURN(model::ScoreReport rescored,
                          model::ScoreSubjects(*ws.store, *ws.ledger, ws.config, again));
  p.rows_before = summary.scored.rows;
  p.rows_after = rescored.rows;
  model::ScoreRequest probe = again;
  probe.subject = w;
  auto refused = model::ScoreSubjects(*ws.store, *ws.ledger, ws.config, probe);
  p.withdrawn_refused = !refused.ok() && refused.status().code() == core::StatusCode::kFailedPrecondition;

  // 2. An export, beside the workspace (never inside it).
  privacy::DsrContext ctx{*ws.store, *ws.ledger, *ws.vault, ws.config, ws.dir, "demo", now};
  p.exported = examples[1].subject;
  CANDOR_ASSIGN_OR_RETURN(store::SubjectKey e, key_of(p.exported));
  const fs::path dir = fs::absolute(options.dir);
  const fs::path out = dir.parent_path() / fmt::format("{}-export", dir.filename().string());
  std::error_code ec;
  fs::remove_all(out, ec);  // the previous demo's export
  CANDOR_ASSIGN_OR_RETURN(privacy::ExportResult ex, privacy::ExportSubject(ctx, e, out.string(), "", as_of));
  p.export_dir = ex.dir;
  p.export_events = ex.events;
  p.export_scores = ex.scores;

  // 3. An erasure.
  p.erased = examples[2].subject;
  CANDOR_ASSIGN_OR_RETURN(store::SubjectKey x, key_of(p.erased));
  CANDOR_ASSIGN_OR_RETURN(privacy::ErasureResult er, privacy::EraseSubject(ctx, x, as_of));
  p.erased_events = er.deleted.events;
  p.erased_scores = er.deleted.scores;
  return core::Status::Ok();
}

}  // namespace candor::workspace::internal
