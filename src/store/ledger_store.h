// candor::store::LedgerStore: the tables of the tamper-evident ledger, as a store
// sees them.
//
// The ledger module (src/ledger/ledger.h) owns the meaning: entries, Merkle hashes,
// signatures and what verification checks. This interface only keeps and returns
// rows, so that SQLite and, later, PostgreSQL can hold the same log. It speaks in
// ledger rows, never SQL:
//
//   entry     index (0-based, dense), leaf hash, canonical JSON entry text
//   payload   index, canonical JSON payload text (the entry holds its SHA-256)
//   tree head size, root, timestamp (ms), Ed25519 signature of the checkpoint
//   peak      level, hash: the Merkle accumulator at the latest signed tree head, so
//             that an append costs O(log n) instead of re-reading the log
//
// Readers return rows exactly as stored, even when someone edited the file by hand:
// a leaf or signature of the wrong length, a gap in the indices or a missing payload
// is passed on for the ledger to report, never "repaired" or skipped. Views passed to
// callbacks are valid only during the call.
//
// Writes must happen inside the Store's write transaction (Store::BeginWrite); the
// tables are append-only (triggers refuse UPDATE and DELETE of entries and tree heads
// as a guard against bugs; the hashes and signatures are what guard against people).
//
// Errors: Unavailable (locked, disk), DataLoss (corrupt file), Internal (bugs);
// InvalidArgument when an append would overwrite an existing index or tree size.
// Thread safety: as its Store (one thread at a time).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace candor::store {

class Transaction;

using Digest = std::array<std::uint8_t, 32>;

// One entry to append, with its payload.
struct LedgerAppend {
  std::uint64_t index = 0;
  Digest leaf{};
  std::string_view entry;
  std::string_view payload;
};

// One stored entry as read back, joined with its payload.
struct LedgerRowView {
  std::int64_t index = 0;
  std::span<const std::uint8_t> leaf;  // 32 bytes unless tampered with
  std::string_view entry;
  bool has_payload = false;
  std::string_view payload;
};

// One stored tree head as read back (lengths unchecked).
struct TreeHeadRecord {
  std::uint64_t size = 0;
  std::vector<std::uint8_t> root;       // 32 bytes unless tampered with
  core::Instant timestamp = 0;          // ms since the epoch
  std::vector<std::uint8_t> signature;  // 64 bytes unless tampered with
};

// One peak of the Merkle accumulator: the root of a perfect subtree of 2^level leaves.
struct PeakRecord {
  int level = 0;
  std::vector<std::uint8_t> hash;  // 32 bytes unless tampered with
};

class LedgerStore {
 public:
  virtual ~LedgerStore() = default;

  // Starts a read snapshot: until the returned object is destroyed, every read sees
  // the same committed state, whatever other processes write. Inside an open write
  // transaction of this Store it is a no-op (that transaction is already a snapshot).
  // Destroying it ends the snapshot; Commit() does too. (SQLite: pages are read
  // memory-mapped during the snapshot, PRAGMA mmap_size restored afterwards.)
  virtual core::Result<std::unique_ptr<Transaction>> BeginRead() = 0;
  // True inside a transaction of this connection (a write transaction of the Store,
  // or a BeginRead snapshot). Appends outside one would not be atomic.
  virtual bool InTransaction() = 0;

  // --- entries and payloads ---
  // Inserts the rows (each an entry and its payload). InvalidArgument if an index is
  // already taken.
  virtual core::Status AppendLedger(std::span<const LedgerAppend> rows) = 0;
  // One past the highest stored index (0 for an empty log). O(log n).
  virtual core::Result<std::uint64_t> LedgerSize() = 0;
  // Calls `fn` for every stored entry with begin <= index < end, in index order,
  // joined with its payload if one is stored; stops at the first non-OK Status.
  // With begin 0 a (tampered) negative index is included, first.
  virtual core::Status ForEachLedgerRow(std::uint64_t begin, std::uint64_t end,
                                        const std::function<core::Status(const LedgerRowView&)>& fn) = 0;
  // The lowest stored payload index outside [0, size), if any: a payload without an
  // entry when the entries are exactly [0, size).
  virtual core::Result<std::optional<std::int64_t>> FirstPayloadOutside(std::uint64_t size) = 0;
  // Appends the stored leaf hashes of [begin, end) to `out`, in index order.
  // DataLoss when one is missing or not 32 bytes (the log was tampered with).
  virtual core::Status ReadLeafHashes(std::uint64_t begin, std::uint64_t end,
                                      std::vector<Digest>& out) = 0;

  // --- tree heads ---
  // InvalidArgument if a head of this size exists.
  virtual core::Status PutTreeHead(const TreeHeadRecord& head) = 0;
  // The head of the largest size, if any.
  virtual core::Result<std::optional<TreeHeadRecord>> LatestTreeHead() = 0;
  // Every head in increasing size; stops at the first non-OK Status of `fn`.
  virtual core::Status ForEachTreeHead(
      const std::function<core::Status(const TreeHeadRecord&)>& fn) = 0;

  // --- accumulator ---
  // The stored peaks, largest level first.
  virtual core::Result<std::vector<PeakRecord>> ReadPeaks() = 0;
  // Replaces the stored peaks.
  virtual core::Status WritePeaks(std::span<const PeakRecord> peaks) = 0;
};

}  // namespace candor::store
