// candor::ledger::Ledger: the tamper-evident, append-only record of everything candor
// decided (DESIGN invariant 7). docs/LEDGER.md is the auditor's view of it.
//
// Every automated decision, training run, audit, approval, activation, retirement,
// consent change, data-subject request, erasure, configuration change, workspace init
// and ingest appends one entry (entry.h) through Append(). Entries are leaves of an
// RFC 9162 Merkle tree (merkle.h); at the end of each write transaction SignHead()
// signs the new tree head with the workspace's Ed25519 key as a C2SP checkpoint
// (checkpoint.h), so that any later change, deletion, insertion or reordering of a
// row is detected by Verify() and any entry can be proven with Proof() against a
// checkpoint an auditor holds.
//
// Usage: appends happen inside the caller's store transaction, so that an entry
// lands atomically with what it records, and the head is signed in that same
// transaction:
//
//   auto tx = store.BeginWrite();
//   ... write the rows the decision produced ...
//   CANDOR_RETURN_IF_ERROR(ledger.Append({.type = "decision", .time = now,
//       .actor = actor, .subject = id, .model = version, .payload = details}).status());
//   CANDOR_RETURN_IF_ERROR(ledger.SignHead().status());
//   CANDOR_RETURN_IF_ERROR(tx->Commit());
//
// A rolled-back transaction takes its entries with it; the Ledger notices on its next
// call. Entries not followed by SignHead() before the commit are "not covered by a
// signed tree head": Verify() reports them and Append() refuses to build on them.
//
// Origin: the checkpoints' origin line names the log, "<workspace name>/<workspace
// id>" (OriginFor). It is fixed when the first head is signed (kept in the store's
// meta table as "ledger_origin"); renaming the workspace later does not change it.
//
// Errors: InvalidArgument (a malformed entry, an index or size outside the log),
// FailedPrecondition (Append or SignHead outside a write transaction), DataLoss (the
// stored log contradicts itself, e.g. entries after the latest signed head or peaks
// that do not lead to its root: run Verify()), and the store's errors. Verify()
// returns a report rather than an error when it finds damage.
//
// Thread safety: a Ledger belongs to one thread, as its Store does. Use one Ledger per
// Store: two would each see the other's unsigned entries as foreign.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/ids.h"
#include "core/keys.h"
#include "core/status.h"
#include "core/time.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "store/store.h"

namespace candor::ledger {

// What a caller records. See entry.h for the rules of each field.
struct EntryInput {
  std::string type;                        // "ingest", "decision", "model.approve", ...
  core::Instant time = 0;                  // when it happened
  std::string actor;                       // who caused it (DefaultActor() for the CLI)
  std::optional<core::SubjectId> subject;  // the pseudonymous subject it concerns
  std::string model;                       // the model version it concerns; empty: none
  // Details: a JSON object, stored canonical beside the entry; pseudonymous ids and
  // aggregates only (CheckNoDirectIdentifiers refuses what looks like an identifier).
  nlohmann::json payload = nlohmann::json::object();
};

// A signed statement of the log's size and root.
struct SignedHead {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
  // The time of the newest entry the head covers (the head is signed in the same
  // transaction); none for the empty log.
  std::optional<core::Instant> timestamp;
  Signature signature{};  // Ed25519 over `checkpoint`
  PublicKey public_key{};
  std::string checkpoint;  // the C2SP checkpoint body that was signed
};

struct InclusionProofResult {
  std::uint64_t index = 0;
  std::uint64_t size = 0;
  Hash leaf_hash{};
  std::vector<Hash> path;  // RFC 9162 2.1.3.1, nearest the leaf first
  Hash root{};
  std::string entry;  // the entry's text, whose LeafHash is leaf_hash
};

struct ConsistencyProofResult {
  std::uint64_t from = 0;
  std::uint64_t to = 0;
  std::vector<Hash> path;  // RFC 9162 2.1.4.1
  Hash from_root{};
  Hash to_root{};
};

struct VerifyReport {
  bool ok = false;
  std::uint64_t size = 0;         // entries stored
  std::uint64_t signed_size = 0;  // size of the latest stored tree head
  // The largest size whose signed tree head was verified against the entries.
  std::uint64_t verified_size = 0;
  std::uint64_t heads = 0;  // tree heads checked
  // The first index at which the scan (in index order) found damage: a missing,
  // altered, inserted, reordered or unparseable entry or payload. When only a tree
  // head fails (its signature, root or timestamp), the first index that head covers
  // beyond the last good one. None when ok, or when the damage is in no entry (the
  // stored accumulator peaks).
  std::optional<std::uint64_t> first_bad_index;
  std::string reason;  // empty when ok
};

struct ExportResult {
  std::string dir;
  std::uint64_t size = 0;
  std::vector<std::string> files;  // names written, relative to dir
};

// "<name>/<workspace id>" with every character that a C2SP origin may not hold
// (spaces, control characters, '+') replaced by '-'.
std::string OriginFor(std::string_view workspace_name, std::string_view workspace_id);

// The operator to name as actor when none is given: the login name of the process's
// user ($USER or the password database) if it is a valid actor, else "cli".
std::string DefaultActor();

class Ledger {
 public:
  // The ledger of `store`, signing with keys.signing_seed. `default_origin` is used
  // if the store has no origin yet (see the file comment); InvalidArgument if it is
  // not a valid C2SP origin. Reads the stored origin; writes nothing.
  static core::Result<Ledger> Open(store::Store& store, const core::WorkspaceKeys& keys,
                                   std::string default_origin);

  // Appends one entry inside the current write transaction; returns its index.
  core::Result<std::uint64_t> Append(const EntryInput& entry);
  // Appends entries in order; returns the index of the first. All or none: on an
  // error nothing is added (the transaction must then be rolled back if the store
  // reported the error).
  core::Result<std::uint64_t> AppendBatch(std::span<const EntryInput> entries);

  // Signs and stores the tree head of everything appended so far, inside the current
  // write transaction, and returns it. When nothing was appended since the last head,
  // returns that head unchanged.
  core::Result<SignedHead> SignHead();

  // The latest signed head, its signature checked (DataLoss if it does not verify).
  // For an empty log, a head of size 0 signed now (not stored).
  core::Result<SignedHead> Head();

  // The inclusion proof of entry `index` in the tree of the first `size` entries
  // (default: the latest signed head's size), checked against the head when the size
  // is the head's. InvalidArgument when index >= size or size exceeds the signed size.
  core::Result<InclusionProofResult> Proof(std::uint64_t index,
                                           std::optional<std::uint64_t> size = std::nullopt);

  // The consistency proof from the tree of `from` entries to that of `to`, 0 < from <=
  // to <= the signed size. InvalidArgument otherwise (an empty tree has no proof).
  core::Result<ConsistencyProofResult> Consistency(std::uint64_t from, std::uint64_t to);

  // Recomputes every leaf hash from its entry, every payload hash, every signed tree
  // head's root, signature and timestamp, and the stored peaks, in one pass over a
  // consistent snapshot. Damage gives a report with ok == false, never an error; an
  // error means the store could not be read.
  core::Result<VerifyReport> Verify();

  // Checks the log against a checkpoint kept outside the workspace (an auditor's
  // copy of an earlier export's checkpoint.txt and checkpoint.sig): the signature
  // must be this workspace's, the origin this log's, and the first `size` entries
  // stored now must still have the checkpoint's root. This is what catches a log
  // cut short together with its later tree heads, which Verify() alone cannot see.
  // A mismatch gives a report with ok == false (first_bad_index: the first entry
  // missing when the log is shorter); InvalidArgument for a malformed checkpoint.
  core::Result<VerifyReport> VerifyAgainst(std::string_view checkpoint_body,
                                           const Signature& signature);

  // Writes what an auditor needs to `dir` (created; AlreadyExists if it holds files):
  // head.json, checkpoint.txt (the signed body), checkpoint.sig (raw Ed25519),
  // checkpoint.note (C2SP signed note), public_key.pem, verifier_key.txt,
  // entries.ndjson and payloads.ndjson (line i+1 holds entry / payload i),
  // proofs.ndjson (an inclusion proof of every entry in the latest head),
  // heads.ndjson (every signed head) and consistency.ndjson (a proof from every
  // earlier head to the latest). DataLoss when the stored log contradicts its head.
  core::Result<ExportResult> Export(const std::string& dir);

  const std::string& origin() const { return origin_; }
  const PublicKey& public_key() const { return key_.public_key; }

 private:
  Ledger(store::Store& store, SigningKey key, std::string origin, bool origin_stored)
      : store_(&store), key_(std::move(key)), origin_(std::move(origin)),
        origin_stored_(origin_stored) {}

  // Entries appended by this object and not yet covered by a stored head, on top of
  // the accumulator of the latest head.
  struct Pending {
    std::uint64_t head_size = 0;  // the latest stored head when this began
    MerkleAccumulator acc;        // the tree including the pending entries
    core::Instant last_time = 0;  // time of the newest entry (the next head's timestamp)
  };
  // Brings pending_ in line with the store (re-reading it after a rollback).
  core::Status Sync();
  core::Result<SignedHead> HeadFromRecord(const store::TreeHeadRecord& record) const;
  // The leaf hashes of [0, size) (DataLoss if the log is damaged there).
  core::Result<std::vector<Hash>> LeafHashes(std::uint64_t size);
  core::Result<std::uint64_t> SignedSize();

  store::Store* store_;
  SigningKey key_;
  std::string origin_;
  bool origin_stored_;
  std::optional<Pending> pending_;
};

}  // namespace candor::ledger
