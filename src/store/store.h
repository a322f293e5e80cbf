// candor::store::Store: the persistence interface of a workspace.
//
// One interface, two implementations: SQLite (the embedded default, see
// sqlite_store.h) and, in a later milestone, PostgreSQL. The interface speaks in
// domain records, never SQL, so both can pass the same tests.
//
// Personal data is pseudonymous by construction (DESIGN invariant 4): subjects
// are keyed by a random SubjectId; direct identifiers arrive only as sealed
// blobs (privacy::Vault encrypts them before they reach the store) and lookups go
// through keyed blind-index hashes. Inside the store a subject is also known by a
// SubjectKey, a row number that never leaves candor's own tables.
//
// Reading personal data for processing always names a purpose (invariant 1):
// ForEachEligibleSubject() returns only subjects with a valid legal basis for the
// purpose at the given moment, derived from the consent events (never from a
// stored state), objections (an objection to any direct-marketing purpose ends
// all of them), and the minors rule. There is no other read of subject data for
// processing; FindBy*, ReadVault and the vault record serve identification
// (ingest, data-subject requests), not processing.
//
// Writes happen inside a Transaction (BeginWrite); nothing is visible to other
// connections before Commit(), and destroying an uncommitted Transaction rolls it
// back, so a failed import leaves the store exactly as it was (invariant 8).
//
// Errors: Unavailable (locked, disk), DataLoss (corrupt file), Internal (bugs).
// Thread safety: a Store belongs to one thread at a time; open one per thread.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/ids.h"
#include "core/status.h"
#include "core/time.h"
#include "store/ledger_store.h"
#include "store/privacy_store.h"
#include "store/registry_store.h"

namespace candor::store {

using SubjectKey = std::int64_t;
using BlindHash = std::array<std::uint8_t, 32>;

// An authenticated ciphertext with its nonce (privacy::Vault makes these).
struct Sealed {
  std::vector<std::uint8_t> nonce;
  std::vector<std::uint8_t> ciphertext;
};

struct AccountRecord {
  std::string account_id;
  std::string name;
  std::string industry;
  std::optional<std::int64_t> employees;
  std::optional<double> annual_revenue;
  std::string country;
  std::string status;  // customer | prospect
  core::Instant created_at = 0;
};

// A subject's pseudonymous attributes (identifiers are in the vault).
struct SubjectRecord {
  core::SubjectId id;
  std::string account_id;  // empty: none
  std::string job_title, seniority, department, country, time_zone, language;
  bool is_minor = false;
  core::Instant created_at = 0;
  std::string source;  // "contacts", "flat:<mapping>", "transactions:<mapping>"
};

// The vault row of a subject: its wrapped key and its sealed identifiers.
struct VaultRecord {
  core::SubjectId id;
  Sealed wrapped_key;
  Sealed identifiers;
};

struct EventRecord {
  SubjectKey subject = 0;
  core::Instant ts = 0;
  std::string_view type;
  std::string_view event_id;  // empty: none (no de-duplication)
  std::string_view url;
  std::string_view campaign_id;
  std::optional<double> value;
};

struct ConsentRecord {
  SubjectKey subject = 0;
  std::string purpose;
  std::string action;  // grant | withdraw | object
  std::string legal_basis;
  std::string source, method, notice_version, evidence;
  core::Instant ts = 0;
  core::Instant recorded_at = 0;
};

struct OutcomeRecord {
  SubjectKey subject = 0;
  std::string target;
  core::Instant ts = 0;
  double value = 0;
};

struct AttributeRecord {
  SubjectKey subject = 0;
  std::string name;
  std::optional<double> number;  // numeric, integer, boolean (0/1)
  std::string text;              // categorical, text
};

enum class Upsert { kInserted, kUpdated, kUnchanged };

// Row counts of the main tables (summaries and tests).
struct TableCounts {
  std::map<std::string, std::int64_t> rows;  // table name → rows
};

// A subject as the purpose-bound reader returns it.
struct EligibleSubject {
  SubjectKey key = 0;
  SubjectRecord record;
};

// An event as processing reads it: dictionary ids instead of strings.
struct StoredEvent {
  core::Instant ts = 0;
  std::int32_t type = 0;  // EventDictionary::types index
  std::int32_t url = 0;   // EventDictionary::urls index; 0: none
  double value = 0;       // NaN: none
};

// The dictionaries of event types and URLs: index = id; index 0 is unused ("").
struct EventDictionary {
  std::vector<std::string> types;
  std::vector<std::string> urls;
};

// What ReadForPurpose reads besides the subject record.
struct ReadOptions {
  bool account = true;        // the subject's account (AccountRecord)
  bool attributes = true;     // subject_attributes
  bool events = true;         // events with ts < events_before, in time order
  core::Instant events_before = 0;
  std::string outcome_target;  // outcomes of this target, in time order; empty: none
  SubjectKey subject = 0;      // only this subject (if eligible); 0: every eligible subject
  // How many threads may read at once, each a part of the subjects (a range of
  // keys). Default: 1, every call of the callback on the calling thread. See
  // ReadForPurpose for the contract when > 1.
  int threads = 1;
};

// One eligible subject with what processing for the purpose may use of it. The
// references are valid only during the callback.
struct SubjectData {
  SubjectKey key = 0;
  const SubjectRecord* record = nullptr;
  const AccountRecord* account = nullptr;  // nullptr: none (or not requested)
  const std::vector<AttributeRecord>* attributes = nullptr;
  const std::vector<StoredEvent>* events = nullptr;
  const std::vector<OutcomeRecord>* outcomes = nullptr;
  // The part of the read this subject is in (0 .. ReadOptions::threads − 1):
  // parts are consecutive ranges of keys, part 0 the lowest.
  int part = 0;
};

class Transaction {
 public:
  virtual ~Transaction() = default;  // rolls back unless committed
  virtual core::Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Starts the one write transaction of this connection. FailedPrecondition if
  // one is already open; Unavailable if another process holds the write lock.
  virtual core::Result<std::unique_ptr<Transaction>> BeginWrite() = 0;

  virtual core::Result<int> SchemaVersion() = 0;
  virtual core::Result<std::optional<std::string>> GetMeta(std::string_view key) = 0;
  virtual core::Status SetMeta(std::string_view key, std::string_view value) = 0;

  // True when the stored purposes differ from the configuration (read only).
  virtual core::Result<bool> PurposesDiffer(const std::vector<core::PurposeConfig>& purposes) = 0;
  // Makes the purposes table equal to the configuration (names, bases, flags);
  // purposes no longer configured stay, inactive (nobody is eligible for them).
  virtual core::Status SyncPurposes(const std::vector<core::PurposeConfig>& purposes) = 0;

  // --- writes (inside a transaction) ---
  virtual core::Result<bool> AccountExists(std::string_view account_id) = 0;
  virtual core::Result<Upsert> UpsertAccount(const AccountRecord& a) = 0;

  virtual core::Result<std::optional<SubjectKey>> FindByBlindIndex(const BlindHash& h) = 0;
  // The row key of a subject id, if the subject exists.
  virtual core::Result<std::optional<SubjectKey>> FindBySubjectId(const core::SubjectId& id) = 0;
  // The subject id of a row key; NotFound when there is no such subject.
  virtual core::Result<core::SubjectId> SubjectIdOf(SubjectKey key) = 0;
  virtual core::Result<SubjectKey> InsertSubject(const SubjectRecord& s, const Sealed& wrapped_key,
                                                 const Sealed& identifiers) = 0;
  virtual core::Status UpdateSubject(SubjectKey key, const SubjectRecord& s,
                                     const Sealed& identifiers) = 0;
  virtual core::Result<VaultRecord> ReadVault(SubjectKey key) = 0;
  // Points `h` at `key` (replacing an earlier entry), or removes it.
  virtual core::Status PutBlindIndex(const BlindHash& h, SubjectKey key) = 0;
  virtual core::Status DeleteBlindIndex(const BlindHash& h) = 0;

  // Events are written in batches: QueueEvent copies the record (its strings
  // need not outlive the call); FlushEvents writes what is queued and returns how
  // many rows it inserted. An event whose non-empty event_id is already stored,
  // or queued before it, is skipped. Commit() flushes too, but callers that count
  // duplicates flush themselves.
  virtual core::Status QueueEvent(const EventRecord& e) = 0;
  virtual core::Result<std::int64_t> FlushEvents() = 0;
  // false when the identical consent event is already recorded.
  virtual core::Result<bool> InsertConsent(const ConsentRecord& c) = 0;
  virtual core::Result<Upsert> UpsertOutcome(const OutcomeRecord& o) = 0;
  virtual core::Result<Upsert> UpsertProtected(SubjectKey subject, std::string_view attribute,
                                               std::string_view value) = 0;
  // An attribute without a number or text is removed.
  virtual core::Result<Upsert> UpsertAttribute(const AttributeRecord& a) = 0;

  // --- purpose-bound reads ---
  // Calls `fn` for every subject with a valid legal basis for `purpose` at
  // `as_of`, in SubjectKey order; stops at the first non-OK Status from `fn` and
  // returns it. NotFound for an unknown purpose.
  virtual core::Status ForEachEligibleSubject(
      std::string_view purpose, core::Instant as_of,
      const std::function<core::Status(const EligibleSubject&)>& fn) = 0;

  // The purpose-bound reader of feature data: for every subject eligible for
  // `purpose` at `as_of` (exactly the subjects of ForEachEligibleSubject), in
  // SubjectKey order, the parts of its data that `options` asks for, read in one
  // consistent snapshot with ordered scans (merge joins, no per-subject query).
  // Stops at the first non-OK Status from `fn` and returns it. NotFound for an
  // unknown purpose.
  //
  // With options.threads = N > 1 the subjects are split into up to N parts,
  // consecutive ranges of SubjectKey (SubjectData::part, 0 the lowest), read at
  // once on N threads: `fn` is then called concurrently from up to N threads,
  // within each part in SubjectKey order, always from one thread per part, and
  // part 0 on the calling thread; so `fn` must be safe to call concurrently for
  // different parts (e.g. one accumulator per part, concatenated in part order
  // afterwards gives exactly the single-threaded order). A non-OK Status from
  // `fn` ends every part early (a part may still finish the subject it is on);
  // the first non-OK Status in part order is returned. All parts read the same
  // snapshot: when a writer commits while the parts open theirs, or inside a
  // write transaction of this store, or for options.subject, the read uses one
  // part on the calling thread instead (fewer parts than N is always allowed).
  virtual core::Status ReadForPurpose(std::string_view purpose, core::Instant as_of,
                                      const ReadOptions& options,
                                      const std::function<core::Status(const SubjectData&)>& fn) = 0;
  // The time of the latest outcome of `target` at or before `before` (how far
  // outcome data has arrived; labels mature only up to it), if any.
  virtual core::Result<std::optional<core::Instant>> LatestOutcome(std::string_view target,
                                                                   core::Instant before) = 0;
  // The event type and URL dictionaries (not personal data).
  virtual core::Result<EventDictionary> ReadEventDictionary() = 0;

  virtual core::Result<TableCounts> CountRows() = 0;

  // The ledger's tables (ledger_store.h), on this store's connection and inside its
  // transactions. Owned by the Store.
  virtual LedgerStore& ledger() = 0;
  // The model registry and stored scores (registry_store.h), likewise.
  virtual RegistryStore& registry() = 0;
  // Suppressions, restrictions and the request register (privacy_store.h), likewise.
  virtual PrivacyStore& privacy() = 0;
};

}  // namespace candor::store
