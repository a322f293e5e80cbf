// candor::privacy consent changes: `candor consent grant|withdraw|object` and the
// consent rows of `candor ingest consents` (GDPR Art. 6, 7, 21).
//
// The consent state is never stored: every change is appended to the consent
// events with its proof (source, method, notice version, evidence such as the
// hash of a double opt-in token, time) and the state is derived from them by the
// store's eligibility query, so withdrawal and objection act on the very next
// read (features, training, scoring).
//
// Rules (CheckConsentChange):
//   - the purpose must be configured;
//   - `withdraw` applies to consent purposes only; for a legitimate-interest
//     purpose it is refused (InvalidArgument: "object instead");
//   - `grant` records the purpose's configured legal basis.
// An objection to a direct-marketing purpose ends every direct-marketing purpose
// (the eligibility query) and suppresses the subject: the keyed hashes of its
// contact id and email go to the suppression list, which survives erasure, so a
// later import of the same contact stores nothing.
//
// Every change appends a "consent.change" ledger entry (subject id, purpose,
// action, legal basis, source, method, notice version, time; the evidence only as
// its SHA-256), and an objection is registered as a request (closed at once).
//
// Errors: InvalidArgument for the rules above; the store's and ledger's errors.
// Thread safety: uses the store from the calling thread.
#pragma once

#include <string>

#include "core/config.h"
#include "core/ids.h"
#include "core/status.h"
#include "ledger/ledger.h"
#include "privacy/vault.h"
#include "store/store.h"

namespace candor::privacy {

struct ConsentChange {
  store::SubjectKey subject = 0;
  core::SubjectId id;
  std::string purpose;
  std::string action;  // grant | withdraw | object
  std::string source = "cli";
  std::string method, notice_version, evidence;
  core::Instant ts = 0;           // when the subject said so
  core::Instant recorded_at = 0;  // when candor recorded it
  std::string actor;
};

// The legal basis to record for `change`, or the rule it breaks.
core::Result<core::LegalBasis> CheckConsentChange(const core::Config& config,
                                                  const ConsentChange& change);

// The ledger entry of a consent change.
ledger::EntryInput ConsentEntry(const ConsentChange& change, core::LegalBasis basis);

// What a recorded change did.
struct ConsentResult {
  bool recorded = false;     // false: the identical event was already recorded
  bool suppressed = false;   // an objection to direct marketing
  std::int64_t request = 0;  // the objection's request id
  std::vector<std::string> purposes_ended;  // purposes the subject is no longer eligible for
};

// Records one change in its own transaction (with its ledger entry).
core::Result<ConsentResult> RecordConsent(store::Store& store, ledger::Ledger& ledger,
                                          const Vault& vault, const core::Config& config,
                                          const ConsentChange& change);

// The keyed hash that names a subject in the request register (no identifier).
store::Hash32 SubjectHash(const Vault& vault, const core::SubjectId& id);

}  // namespace candor::privacy
