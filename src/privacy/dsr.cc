#include "privacy/dsr.h"

#include <fmt/format.h>

#include "privacy/consent.h"
#include "privacy/dsr_internal.h"
#include "store/sqlite_store.h"

namespace candor::privacy {

namespace {

core::Result<core::SubjectId> IdOf(store::Store& store, store::SubjectKey key) {
  return store.SubjectIdOf(key);
}

}  // namespace

core::Instant DueDate(core::Instant received) {
  core::CivilTime c = core::ToCivil(received);
  int year = c.month == 12 ? c.year + 1 : c.year;
  int month = c.month == 12 ? 1 : c.month + 1;
  int day = c.day;
  // The same day of the next month, or its last day (31 January → 28/29 February).
  while (day > 28 && !core::FromCivil(year, month, day).ok()) --day;
  core::Instant midnight = *core::FromCivil(year, month, day);
  return midnight + (received - *core::FromCivil(c.year, c.month, c.day));
}

core::Result<std::int64_t> RegisterRequest(const DsrContext& ctx, std::string_view type,
                                           const core::SubjectId& id, core::Instant received) {
  store::RequestRecord r;
  r.type = std::string(type);
  r.subject_hash = SubjectHash(ctx.vault, id);
  r.received = received;
  r.due = DueDate(received);
  CANDOR_ASSIGN_OR_RETURN(std::int64_t req, ctx.store.privacy().InsertRequest(r));
  ledger::EntryInput e;
  e.type = "dsr.request";
  e.time = ctx.now;
  e.actor = ctx.actor;
  e.subject = id;
  e.payload = {{"request", req},
               {"type", r.type},
               {"received", core::FormatTimestamp(received)},
               {"due", core::FormatTimestamp(r.due)}};
  CANDOR_RETURN_IF_ERROR(ctx.ledger.Append(e).status());
  return req;
}

core::Status RecordOutcome(const DsrContext& ctx, std::string_view type, const core::SubjectId* id,
                           nlohmann::json payload) {
  ledger::EntryInput e;
  e.type = std::string(type);
  e.time = ctx.now;
  e.actor = ctx.actor;
  if (id != nullptr) e.subject = *id;
  e.payload = std::move(payload);
  return ctx.ledger.Append(e).status();
}

core::Result<ErasureResult> EraseSubject(const DsrContext& ctx, store::SubjectKey subject,
                                         core::Instant received) {
  ErasureResult out;
  {
    CANDOR_ASSIGN_OR_RETURN(auto tx, ctx.store.BeginWrite());
    CANDOR_ASSIGN_OR_RETURN(core::SubjectId id, IdOf(ctx.store, subject));
    CANDOR_ASSIGN_OR_RETURN(out.request, RegisterRequest(ctx, "erasure", id, received));
    const store::Hash32 hash = SubjectHash(ctx.vault, id);
    CANDOR_ASSIGN_OR_RETURN(auto exports, ctx.store.privacy().ExportsOf(hash));
    for (const auto& e : exports) out.exports_to_delete.push_back(e.path);
    // Suppress before deleting: the hashes come from the subject's blind index.
    CANDOR_RETURN_IF_ERROR(ctx.store.privacy().SuppressSubject(subject, "erasure", ctx.now));
    CANDOR_ASSIGN_OR_RETURN(out.deleted, ctx.store.privacy().EraseSubject(subject));
    const auto& d = out.deleted;
    CANDOR_RETURN_IF_ERROR(RecordOutcome(
        ctx, "dsr.erase", &id,
        {{"request", out.request},
         {"deleted", {{"events", d.events}, {"consent_events", d.consents}, {"outcomes", d.outcomes},
                      {"attributes", d.attributes}, {"protected_attributes", d.protected_attributes},
                      {"scores", d.scores}, {"blind_index", d.blind_index}}},
         {"key_destroyed", true},
         {"exports_outside_workspace", out.exports_to_delete.size()}}));
    if (out.exports_to_delete.empty()) {
      CANDOR_RETURN_IF_ERROR(ctx.store.privacy().CloseRequest(
          out.request, ctx.now, "erased: every row deleted, data key destroyed, contact suppressed"));
      out.closed = true;
    }
    CANDOR_RETURN_IF_ERROR(ctx.ledger.SignHead().status());
    CANDOR_RETURN_IF_ERROR(tx->Commit());
  }
  // Deleted pages are zeroed (secure_delete); the WAL still holds the old page
  // images until it is checkpointed and truncated.
  CANDOR_RETURN_IF_ERROR(store::CheckpointTruncate(ctx.store).WithContext(
      "the erasure is committed, but the WAL still holds the old pages; run `candor dsr erase` "
      "again when no other candor process has the workspace open"));
  return out;
}

core::Result<std::int64_t> RestrictSubject(const DsrContext& ctx, store::SubjectKey subject,
                                           core::Instant received) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, ctx.store.BeginWrite());
  CANDOR_ASSIGN_OR_RETURN(core::SubjectId id, IdOf(ctx.store, subject));
  CANDOR_ASSIGN_OR_RETURN(bool fresh, ctx.store.privacy().Restrict(subject, ctx.now));
  if (!fresh) return core::FailedPrecondition("processing of this subject is already restricted");
  CANDOR_ASSIGN_OR_RETURN(std::int64_t req, RegisterRequest(ctx, "restriction", id, received));
  CANDOR_RETURN_IF_ERROR(RecordOutcome(ctx, "dsr.restrict", &id, {{"request", req}}));
  CANDOR_RETURN_IF_ERROR(ctx.ledger.SignHead().status());
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return req;
}

core::Result<std::int64_t> LiftRestriction(const DsrContext& ctx, store::SubjectKey subject) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, ctx.store.BeginWrite());
  CANDOR_ASSIGN_OR_RETURN(core::SubjectId id, IdOf(ctx.store, subject));
  CANDOR_ASSIGN_OR_RETURN(bool was, ctx.store.privacy().Lift(subject));
  if (!was) return core::FailedPrecondition("processing of this subject is not restricted");
  const store::Hash32 hash = SubjectHash(ctx.vault, id);
  std::int64_t closed = 0;
  CANDOR_ASSIGN_OR_RETURN(auto open, ctx.store.privacy().ListRequests(true));
  for (const auto& r : open) {
    if (r.type == "restriction" && r.subject_hash == hash) {
      CANDOR_RETURN_IF_ERROR(ctx.store.privacy().CloseRequest(r.id, ctx.now, "restriction lifted"));
      closed = r.id;
    }
  }
  CANDOR_RETURN_IF_ERROR(RecordOutcome(ctx, "dsr.lift", &id, {{"request", closed}}));
  CANDOR_RETURN_IF_ERROR(ctx.ledger.SignHead().status());
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return closed;
}

core::Status CloseRequest(const DsrContext& ctx, std::int64_t request, std::string_view note) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, ctx.store.BeginWrite());
  CANDOR_ASSIGN_OR_RETURN(auto r, ctx.store.privacy().FindRequest(request));
  if (!r) return core::NotFound(fmt::format("no request {} (see `candor dsr list`)", request));
  if (r->status == "closed") {
    return core::FailedPrecondition(fmt::format("request {} is already closed", request));
  }
  CANDOR_RETURN_IF_ERROR(ctx.store.privacy().CloseRequest(request, ctx.now, note));
  CANDOR_RETURN_IF_ERROR(RecordOutcome(ctx, "dsr.close", nullptr,
                                       {{"request", request}, {"type", r->type},
                                        {"overdue", ctx.now > r->due}}));
  CANDOR_RETURN_IF_ERROR(ctx.ledger.SignHead().status());
  return tx->Commit();
}

}  // namespace candor::privacy
