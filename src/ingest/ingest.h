// candor::ingest: validated, atomic import of every input kind (DESIGN.md, Input
// formats): accounts, contacts, events, consents, outcomes, protected
// attributes, and other shapes through a [mapping.NAME]: `flat` (one row per
// contact, e.g. a CRM export such as UCI Bank Marketing) and `transactions` (one
// row per invoice line, e.g. UCI Online Retail).
//
// All or nothing (DESIGN invariant 8): one call is one store transaction over
// all its files. Every row is validated (RFC 4180 / NDJSON syntax, strict UTF-8,
// strict types, ISO 8601 timestamps with a zone, references to accounts and
// contacts already in the store); on any error nothing is written, and every
// error (up to config ingest.max_errors, then a count) is reported with file,
// line, column and the rule broken. Messages never contain field values.
//
// Entities (accounts, contacts, flat rows, outcomes, attributes) are upserted by
// their id, last row wins; events with an event_id are de-duplicated on it;
// identical consent events are recorded once. Direct identifiers go into the
// vault (privacy::Vault) and the blind index, never into a clear column.
//
// Files are streamed: memory does not grow with the number of rows (a cache of
// contact ids is bounded by the number of distinct contacts, at most
// kMaxCachedContacts entries).
//
// Thread safety: one call at a time per Store.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/record_reader.h"
#include "core/status.h"
#include "core/time.h"
#include "ledger/ledger.h"
#include "privacy/vault.h"
#include "store/store.h"

namespace candor::ingest {

enum class Kind { kAccounts, kContacts, kEvents, kConsents, kOutcomes, kAttributes, kFlat, kTransactions };

// "accounts" … "transactions"; InvalidArgument listing the kinds otherwise.
core::Result<Kind> ParseKind(std::string_view name);
std::string_view KindName(Kind k);

inline constexpr std::size_t kMaxCachedContacts = 4'000'000;

struct Request {
  Kind kind = Kind::kEvents;
  std::vector<std::string> files;
  std::optional<core::Format> format;  // default: from each file's extension
  // flat / transactions: a mapping name in the config, or a path to a .toml file
  // holding [mapping.NAME] tables (e.g. examples/bank-marketing.toml). Empty: the
  // config's only mapping of that kind.
  std::string mapping;
  core::Instant now = 0;  // recorded_at of consent events; the ledger entry's time
  // Who runs the import, for the ledger entry (an operator's login or API key name).
  std::string actor = ledger::DefaultActor();
  // Called now and then with (rows so far, bytes read of the current file, its
  // size on disk; for gzip input the two differ in kind, so show rows then).
  std::function<void(std::uint64_t, std::uint64_t, std::uint64_t)> progress;
};

struct Error {
  std::string file;
  std::uint64_t line = 1;
  std::uint64_t column = 1;
  std::string message;
};

struct Report {
  Kind kind = Kind::kEvents;
  std::int64_t rows = 0;        // data rows read
  std::int64_t inserted = 0;    // new entities or events
  std::int64_t updated = 0;     // rows that changed an existing entity
  std::int64_t unchanged = 0;   // rows identical to what was stored
  std::int64_t duplicates = 0;  // events / consents already recorded (skipped)
  std::int64_t skipped = 0;     // rows a mapping skips (missing_id = "skip")
  std::int64_t suppressed = 0;  // rows of objected or erased contacts (skipped, never stored)
  std::int64_t rejected = 0;    // rows with at least one error
  std::int64_t subjects_created = 0;
  std::vector<Error> errors;    // the first max_errors errors
  std::int64_t errors_total = 0;
  bool committed = false;       // true when the transaction was committed
  double seconds = 0;
  std::string mapping;          // the mapping used (flat / transactions)
  std::vector<std::string> file_sha256;  // per file, of its bytes as read
};

// Runs the import. Returns a Report in every case where the input could be read
// at all (errors in `errors`, nothing committed); a non-OK Status only for
// failures outside the input (store unavailable, unknown mapping, …).
//
// A committed import appends one "ingest" entry to `ledger` (the ledger of `store`)
// in the same transaction and signs the tree head: payload {kind, mapping, files
// (their SHA-256), rows, inserted, updated, unchanged, duplicates, skipped,
// subjects_created}. Ledger errors abort the import like store errors.
core::Result<Report> Run(store::Store& store, const core::Config& config,
                         const privacy::Vault& vault, ledger::Ledger& ledger,
                         const Request& request);

// "FILE:LINE:COLUMN: message".
std::string FormatError(const Error& e);

}  // namespace candor::ingest
