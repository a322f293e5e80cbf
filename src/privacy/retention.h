// candor::privacy::ApplyRetention: `candor retention [--dry-run]` (DESIGN
// invariant 9, GDPR Art. 5(1)(e)).
//
// For every subject, the time-stamped data (events, outcomes, scores) is kept
// for the longest retention_days among the purposes that have a valid basis for
// the subject now (the store's eligibility query, per purpose); what is older is
// deleted. A subject with no valid basis for any purpose keeps none of it; a
// restricted subject (Art. 18) keeps everything until the restriction is lifted.
// The
// subject's record, identifiers and consent history stay: the consent history is
// the proof of consent and withdrawal (Art. 7(1)); erasure removes them
// (`candor dsr erase`). The ledger is exempt (Art. 5(2)); it holds only
// pseudonymous ids.
//
// A run that deleted something appends one "retention" ledger entry with the
// counts. `dry_run` counts without deleting or recording.
//
// Errors: the store's and ledger's. Thread safety: the store's thread.
#pragma once

#include "core/config.h"
#include "core/status.h"
#include "ledger/ledger.h"
#include "store/store.h"

namespace candor::privacy {

struct RetentionReport {
  store::RetentionCounts deleted;  // or, with dry_run, what would be
  bool dry_run = false;
};

core::Result<RetentionReport> ApplyRetention(store::Store& store, ledger::Ledger& ledger,
                                             const core::Config& config, core::Instant now,
                                             const std::string& actor, bool dry_run);

}  // namespace candor::privacy
