// candor::fairness promotion: approval, activation and retirement of models
// (DESIGN invariant 6: no model becomes active unless it passed the fairness
// gate, or a named person approved it with a written justification; both are
// recorded in the ledger).
//
//  * ApproveModel works on a candidate (or an active model): it records the
//    gate's verdict at that time — running the audit first when the model has
//    none — and the approver's name and justification in the registry. The
//    ledger entry "model.approve" holds the verdict, the approver's name and the
//    SHA-256 of the justification (the text itself stays in the registry, so
//    that free text never enters the append-only log).
//  * ActivateModel runs the audit when the model has none; it refuses
//    (FailedPrecondition, exit 3) only when the gate failed and no approval
//    exists, naming `candor models approve`. In one transaction it retires the
//    target's active model ("model.retire") and activates this one
//    ("model.activate": how it was allowed — gate passed or approved).
//  * RetireModel retires a candidate or active model ("model.retire").
//
// Errors: NotFound (unknown model), FailedPrecondition (as above; a retired
// model cannot be activated or approved: train again), InvalidArgument (empty
// approver or justification), AuditModel's, the store's and the ledger's.
// Thread safety: uses the store from the calling thread only.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/status.h"
#include "ledger/ledger.h"
#include "store/store.h"

namespace candor::fairness {

struct PromotionRequest {
  std::string model;
  core::Instant now = 0;
  std::string actor;
  std::string approved_by;    // ApproveModel
  std::string justification;  // ApproveModel
};

struct PromotionResult {
  std::string model, target;
  std::string status;                 // after the call
  bool gate_passed = false;           // the verdict of the stored audit
  bool audited_now = false;           // the audit ran as part of this call
  std::size_t failures = 0;
  std::optional<std::string> approved_by;
  std::optional<std::string> retired;  // the previously active model of the target
};

core::Result<PromotionResult> ApproveModel(store::Store& store, ledger::Ledger& ledger,
                                           const core::Config& config, const PromotionRequest& req);
core::Result<PromotionResult> ActivateModel(store::Store& store, ledger::Ledger& ledger,
                                            const core::Config& config,
                                            const PromotionRequest& req);
core::Result<PromotionResult> RetireModel(store::Store& store, ledger::Ledger& ledger,
                                          const PromotionRequest& req);

}  // namespace candor::fairness
