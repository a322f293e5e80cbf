// candor::privacy data-subject requests: access and portability (Art. 15, 20),
// erasure (Art. 17), restriction (Art. 18), and the request register (Art. 12).
//
// Every request is registered with its type, a keyed hash of the subject (never
// an identifier), when it was received and when it is due (one calendar month
// later, Art. 12(3)), its status and, once closed, what was done. Every request
// and its outcome is a ledger entry ("dsr.request", "dsr.export", "dsr.erase",
// "dsr.restrict", "dsr.lift", "dsr.close"; pseudonymous ids only).
//
// Export writes DIR/export.json (machine-readable) and DIR/export.html (readable,
// in the subject's language or the one asked for): identifiers (decrypted),
// attributes, account, events, consent history, the purposes with their legal
// bases, whether each applies now and its retention, protected attributes, every
// stored score with its explanation in words, and the requests. DIR must lie
// outside the workspace (FailedPrecondition otherwise) and must not exist yet
// (AlreadyExists); both files are written to a temporary directory first and
// renamed into place together. The export stays open until closed (`candor dsr
// close`, once delivered).
//
// Erasure deletes every row of the subject, destroying its data key first
// (crypto-shredding), adds its contact id and email hashes to the suppression
// list (a re-import stores nothing), records the erasure in the ledger without
// identifiers, then checkpoints the WAL (TRUNCATE): Unavailable (exit 1) when the
// checkpoint cannot complete, the erasure itself being committed. It lists the
// exports of the subject written outside the workspace for the DPO to delete;
// with none, the request closes at once.
//
// Restriction excludes the subject from every purpose until lifted; the data is
// kept. Lifting closes the restriction request.
//
// Errors: NotFound when the subject does not exist ("no data held for this
// subject"); the store's, ledger's and file system's errors.
// Thread safety: uses the store from the calling thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "ledger/ledger.h"
#include "privacy/vault.h"
#include "store/store.h"

namespace candor::privacy {

struct DsrContext {
  store::Store& store;
  ledger::Ledger& ledger;
  const Vault& vault;
  const core::Config& config;
  std::string workspace_dir;
  std::string actor;
  core::Instant now = 0;
};

// Received + one calendar month (the same day of the next month, or its last day).
core::Instant DueDate(core::Instant received);

struct ExportResult {
  std::int64_t request = 0;
  std::string dir;
  std::string json_file, html_file;
  std::int64_t events = 0, consents = 0, scores = 0;
};

// `dir` empty: ./dsr-<request id>. `lang` empty: the subject's language if en or
// de, else the workspace's.
core::Result<ExportResult> ExportSubject(const DsrContext& ctx, store::SubjectKey subject,
                                         std::string dir, std::string lang, core::Instant received);

struct ErasureResult {
  std::int64_t request = 0;
  store::ErasureCounts deleted;
  std::vector<std::string> exports_to_delete;  // paths written outside the workspace
  bool closed = false;
};

core::Result<ErasureResult> EraseSubject(const DsrContext& ctx, store::SubjectKey subject,
                                         core::Instant received);

// Restrict: the request id. Lift: the closed restriction request (0 when none
// was open). FailedPrecondition when restricting twice or lifting what is not
// restricted.
core::Result<std::int64_t> RestrictSubject(const DsrContext& ctx, store::SubjectKey subject,
                                           core::Instant received);
core::Result<std::int64_t> LiftRestriction(const DsrContext& ctx, store::SubjectKey subject);

core::Status CloseRequest(const DsrContext& ctx, std::int64_t request, std::string_view note);

}  // namespace candor::privacy
