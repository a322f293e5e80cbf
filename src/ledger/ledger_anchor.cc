// Ledger::VerifyAgainst: the log checked against a checkpoint held outside it.
#include <fmt/format.h>

#include "ledger/ledger.h"

namespace candor::ledger {

core::Result<VerifyReport> Ledger::VerifyAgainst(std::string_view checkpoint_body,
                                                 const Signature& signature) {
  CANDOR_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpointBody(checkpoint_body));
  VerifyReport report;
  CANDOR_ASSIGN_OR_RETURN(report.size, store_->ledger().LedgerSize());
  report.signed_size = cp.size;
  if (!VerifySignature(key_.public_key, checkpoint_body, signature).ok()) {
    report.reason = "the checkpoint is not signed by this workspace's key";
    return report;
  }
  if (cp.origin != origin_) {
    report.reason = fmt::format("the checkpoint is of another log ({}, not {})", cp.origin, origin_);
    return report;
  }
  if (cp.size > report.size) {
    report.first_bad_index = report.size;
    report.reason = fmt::format(
        "the log holds {} {}, fewer than the {} of the checkpoint: entries were deleted",
        report.size, report.size == 1 ? "entry" : "entries", cp.size);
    return report;
  }
  CANDOR_ASSIGN_OR_RETURN(std::vector<Hash> leaves, LeafHashes(cp.size));
  if (RootFromLeaves(leaves) != cp.root) {
    report.reason = fmt::format(
        "the first {} entries no longer have the checkpoint's root: the log was rewritten",
        cp.size);
    return report;
  }
  report.ok = true;
  report.verified_size = cp.size;
  return report;
}

}  // namespace candor::ledger
