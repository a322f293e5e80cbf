// candor::store::PrivacyStore: the tables behind data-subject rights, as a store
// keeps them (GDPR Art. 12, 15–18, 20, 21).
//
// The privacy module (src/privacy/dsr.h, consent.h, retention.h) owns the
// meaning; this interface keeps and returns rows, so that SQLite and, later,
// PostgreSQL hold the same registers:
//
//   suppression  a keyed hash (a blind-index hash of a contact id or email) whose
//                rows ingest skips: written on objection to direct marketing and
//                on erasure; it survives the erasure of the subject it came from
//   restriction  a subject excluded from every purpose until lifted (Art. 18);
//                the eligibility query honours it
//   request      the request register: type, keyed hash of the subject, received,
//                due, status, closed, outcome
//   export       a data-subject export written outside the workspace (the DPO
//                must delete it when the subject is erased)
//
// ReadSubject reads everything stored about one subject for an access request;
// EraseSubject deletes every row of it (the per-subject key first: its vault
// ciphertext is unreadable from then on). Both serve data-subject rights, not
// processing, and name no purpose.
//
// Writes happen inside the Store's write transaction. Errors: Unavailable,
// DataLoss, Internal as the Store; NotFound for an unknown request or subject.
// Thread safety: as its Store (one thread at a time).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

#include <array>

namespace candor::store {

using Hash32 = std::array<std::uint8_t, 32>;

struct RequestRecord {
  std::int64_t id = 0;
  std::string type;  // access | erasure | restriction | objection
  Hash32 subject_hash{};
  core::Instant received = 0, due = 0;
  std::string status = "open";  // open | closed
  std::optional<core::Instant> closed;
  std::string outcome;  // what was done, in words (no identifiers)
};

struct ExportRecord {
  std::int64_t request = 0;
  Hash32 subject_hash{};
  std::string path;
  core::Instant written = 0;
};

// Everything stored about one subject (an access request). Event types and URLs
// are resolved to their text.
struct SubjectDump {
  std::int64_t key = 0;
  std::vector<std::uint8_t> subject_id;  // 16 bytes
  std::string account_id, job_title, seniority, department, country, time_zone, language,
      source;
  bool is_minor = false;
  core::Instant created_at = 0;
  struct Account {
    std::string account_id, name, industry, country, status;
    std::optional<std::int64_t> employees;
    std::optional<double> annual_revenue;
    core::Instant created_at = 0;
  };
  std::optional<Account> account;
  struct Attribute {
    std::string name, text;
    std::optional<double> number;
  };
  std::vector<Attribute> attributes;
  struct Event {
    core::Instant ts = 0;
    std::string type, url, campaign, event_id;
    std::optional<double> value;
  };
  std::vector<Event> events;
  struct Consent {
    std::string purpose, action, legal_basis, source, method, notice_version, evidence;
    core::Instant ts = 0, recorded_at = 0;
  };
  std::vector<Consent> consents;
  struct Outcome {
    std::string target;
    core::Instant ts = 0;
    double value = 0;
  };
  std::vector<Outcome> outcomes;
  std::vector<std::pair<std::string, std::string>> protected_attributes;
  std::optional<core::Instant> restricted_since;
};

// What one erasure deleted, by table.
struct ErasureCounts {
  std::int64_t events = 0, consents = 0, outcomes = 0, attributes = 0, protected_attributes = 0,
               scores = 0, blind_index = 0;
};

// What retention deleted (or would delete), by table.
struct RetentionCounts {
  std::int64_t subjects = 0, events = 0, outcomes = 0, scores = 0;
};

class PrivacyStore {
 public:
  virtual ~PrivacyStore() = default;

  // Suppressions: the subject's current blind-index hashes are copied in.
  virtual core::Status SuppressSubject(std::int64_t subject, std::string_view reason,
                                       core::Instant at) = 0;
  virtual core::Result<std::vector<Hash32>> ReadSuppressions() = 0;
  virtual core::Result<std::int64_t> CountSuppressions() = 0;

  // false when the subject was already restricted.
  virtual core::Result<bool> Restrict(std::int64_t subject, core::Instant since) = 0;
  // false when the subject was not restricted.
  virtual core::Result<bool> Lift(std::int64_t subject) = 0;

  virtual core::Result<std::int64_t> InsertRequest(const RequestRecord& r) = 0;
  virtual core::Status CloseRequest(std::int64_t id, core::Instant at, std::string_view outcome) = 0;
  virtual core::Result<std::optional<RequestRecord>> FindRequest(std::int64_t id) = 0;
  virtual core::Result<std::vector<RequestRecord>> ListRequests(bool open_only) = 0;

  virtual core::Status InsertExport(const ExportRecord& e) = 0;
  virtual core::Result<std::vector<ExportRecord>> ExportsOf(const Hash32& subject_hash) = 0;

  virtual core::Result<SubjectDump> ReadSubject(std::int64_t subject) = 0;
  // Deletes every row of the subject; the wrapped key goes first.
  virtual core::Result<ErasureCounts> EraseSubject(std::int64_t subject) = 0;

  // Retention: for every subject, `keep_from(subject)` gives the earliest instant
  // still within the retention of some purpose with a valid basis (nullopt: no
  // purpose has one, keep nothing time-stamped); events, outcomes and scores
  // before it are deleted, unless `dry_run`. Restricted subjects are skipped
  // (their data is kept until the restriction is lifted).
  virtual core::Result<RetentionCounts> ApplyRetention(
      const std::function<core::Result<std::optional<core::Instant>>(std::int64_t subject)>& keep_from,
      bool dry_run) = 0;

  // The protected attributes (DESIGN invariant 3: never features) of every
  // subject eligible for `purpose` at `as_of` (exactly the subjects of
  // Store::ForEachEligibleSubject), ordered by subject and attribute; the fairness
  // audit reads them for purpose "fairness_audit". NotFound for an unknown purpose;
  // an error of `fn` stops the scan and is returned.
  virtual core::Status ForEachProtectedAttribute(
      std::string_view purpose, core::Instant as_of,
      const std::function<core::Status(std::int64_t subject, std::string_view attribute,
                                       std::string_view value)>& fn) = 0;
};

}  // namespace candor::store
