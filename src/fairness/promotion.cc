#include "fairness/promotion.h"

#include <fmt/format.h>

#include "core/ids.h"
#include "fairness/model_audit.h"
#include "ledger/merkle.h"

namespace candor::fairness {

namespace {

std::string Sha256Hex(std::string_view bytes) {
  auto h = ledger::Sha256(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  return core::ToHex(h.data(), h.size());
}

core::Result<store::ModelRecord> Find(store::Store& store, std::string_view version) {
  CANDOR_ASSIGN_OR_RETURN(auto rec, store.registry().FindModel(version, false));
  if (!rec) return core::NotFound(fmt::format("no model {} (see `candor models list`)", version));
  return *rec;
}

// The stored verdict, auditing first when there is none.
core::Status EnsureAudit(store::Store& store, ledger::Ledger& ledger, const core::Config& config,
                         const PromotionRequest& req, store::ModelRecord& rec,
                         PromotionResult& out) {
  if (rec.fairness.empty()) {
    ModelAuditRequest a;
    a.model = rec.version;
    a.now = req.now;
    a.actor = req.actor;
    CANDOR_RETURN_IF_ERROR(AuditModel(store, ledger, config, nullptr, a).status());
    CANDOR_ASSIGN_OR_RETURN(rec, Find(store, rec.version));
    out.audited_now = true;
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(rec.fairness);
  } catch (const nlohmann::json::exception& e) {
    return core::DataLoss(fmt::format("the stored audit of {} cannot be read: {}", rec.version, e.what()));
  }
  out.gate_passed = j.value("passed", false);
  out.failures = j.contains("failures") ? j.at("failures").size() : 0;
  return core::Status::Ok();
}

}  // namespace

core::Result<PromotionResult> ApproveModel(store::Store& store, ledger::Ledger& ledger,
                                           const core::Config& config, const PromotionRequest& req) {
  if (req.approved_by.empty()) return core::InvalidArgument("--by must name the approver");
  if (req.justification.empty()) return core::InvalidArgument("--why must give the justification");
  CANDOR_ASSIGN_OR_RETURN(store::ModelRecord rec, Find(store, req.model));
  if (rec.status == "retired") {
    return core::FailedPrecondition(fmt::format(
        "model {} is retired and cannot be approved; train a new candidate", rec.version));
  }
  PromotionResult out;
  out.model = rec.version;
  out.target = rec.target;
  CANDOR_RETURN_IF_ERROR(EnsureAudit(store, ledger, config, req, rec, out));
  CANDOR_ASSIGN_OR_RETURN(auto tx, store.BeginWrite());
  CANDOR_RETURN_IF_ERROR(store.registry().SetModelApproval(rec.version, req.approved_by, req.justification));
  ledger::EntryInput e;
  e.type = "model.approve";
  e.time = req.now;
  e.actor = req.actor;
  e.model = rec.version;
  e.payload = {{"approved_by", req.approved_by},
               {"gate_passed", out.gate_passed},
               {"gate_failures", out.failures},
               {"audit_sha256", Sha256Hex(rec.fairness)},
               {"justification_sha256", Sha256Hex(req.justification)}};
  CANDOR_RETURN_IF_ERROR(ledger.Append(e).status());
  CANDOR_RETURN_IF_ERROR(ledger.SignHead().status());
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  out.status = rec.status;
  out.approved_by = req.approved_by;
  return out;
}

core::Result<PromotionResult> ActivateModel(store::Store& store, ledger::Ledger& ledger,
                                            const core::Config& config,
                                            const PromotionRequest& req) {
  CANDOR_ASSIGN_OR_RETURN(store::ModelRecord rec, Find(store, req.model));
  PromotionResult out;
  out.model = rec.version;
  out.target = rec.target;
  if (rec.status == "retired") {
    return core::FailedPrecondition(fmt::format(
        "model {} is retired and cannot be activated again; train a new candidate", rec.version));
  }
  CANDOR_RETURN_IF_ERROR(EnsureAudit(store, ledger, config, req, rec, out));
  if (!rec.approved_by.empty()) out.approved_by = rec.approved_by;
  if (rec.status == "active") {
    out.status = "active";
    return out;
  }
  if (!out.gate_passed && rec.approved_by.empty()) {
    return core::FailedPrecondition(fmt::format(
        "model {} failed the fairness gate ({} failed check{}; see `candor audit --model {}`) and "
        "has no approval: it stays a candidate. A named person may approve it with `candor models "
        "approve {} --by NAME --why TEXT`",
        rec.version, out.failures, out.failures == 1 ? "" : "s", rec.version, rec.version));
  }
  CANDOR_ASSIGN_OR_RETURN(auto previous, store.registry().ActiveModel(rec.target));
  CANDOR_ASSIGN_OR_RETURN(auto tx, store.BeginWrite());
  if (previous && *previous != rec.version) {
    CANDOR_RETURN_IF_ERROR(store.registry().SetModelStatus(*previous, "retired"));
    ledger::EntryInput r;
    r.type = "model.retire";
    r.time = req.now;
    r.actor = req.actor;
    r.model = *previous;
    r.payload = {{"target", rec.target}, {"replaced_by", rec.version}};
    CANDOR_RETURN_IF_ERROR(ledger.Append(r).status());
    out.retired = *previous;
  }
  CANDOR_RETURN_IF_ERROR(store.registry().SetModelStatus(rec.version, "active"));
  ledger::EntryInput a;
  a.type = "model.activate";
  a.time = req.now;
  a.actor = req.actor;
  a.model = rec.version;
  a.payload = {{"target", rec.target},
               {"gate_passed", out.gate_passed},
               {"allowed_by", out.gate_passed ? "gate" : "approval"},
               {"approved_by", rec.approved_by.empty() ? nlohmann::json(nullptr)
                                                       : nlohmann::json(rec.approved_by)},
               {"audit_sha256", Sha256Hex(rec.fairness)},
               {"previous", out.retired ? nlohmann::json(*out.retired) : nlohmann::json(nullptr)}};
  CANDOR_RETURN_IF_ERROR(ledger.Append(a).status());
  CANDOR_RETURN_IF_ERROR(ledger.SignHead().status());
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  out.status = "active";
  return out;
}

core::Result<PromotionResult> RetireModel(store::Store& store, ledger::Ledger& ledger,
                                          const PromotionRequest& req) {
  CANDOR_ASSIGN_OR_RETURN(store::ModelRecord rec, Find(store, req.model));
  PromotionResult out;
  out.model = rec.version;
  out.target = rec.target;
  out.status = "retired";
  if (rec.status == "retired") return out;
  CANDOR_ASSIGN_OR_RETURN(auto tx, store.BeginWrite());
  CANDOR_RETURN_IF_ERROR(store.registry().SetModelStatus(rec.version, "retired"));
  ledger::EntryInput r;
  r.type = "model.retire";
  r.time = req.now;
  r.actor = req.actor;
  r.model = rec.version;
  r.payload = {{"target", rec.target}, {"was", rec.status}};
  CANDOR_RETURN_IF_ERROR(ledger.Append(r).status());
  CANDOR_RETURN_IF_ERROR(ledger.SignHead().status());
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  if (!rec.approved_by.empty()) out.approved_by = rec.approved_by;
  return out;
}

}  // namespace candor::fairness
