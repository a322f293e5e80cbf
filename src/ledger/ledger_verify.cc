// Ledger::Verify: one pass over a snapshot of the ledger tables.
//
// For each entry, in index order: the index is the next one (a gap is a deleted row);
// the entry parses as exactly the canonical text candor writes and names its own index
// (a mismatch is a reordered, inserted or renumbered row); the stored leaf hash equals
// SHA-256(0x00 || entry); the payload exists and hashes to the entry's payload_sha256.
// The recomputed leaf goes into a Merkle accumulator, and whenever its size reaches a
// stored tree head, that head's signature (Ed25519 over the C2SP checkpoint), root and
// timestamp (the time of its newest entry) are checked. After the pass: heads beyond
// the last entry mean a truncated log, entries beyond the last head were never signed,
// a payload without an entry was inserted, and the stored peaks must be those of the
// recomputed tree.
//
// The first damage found ends the scan; its index and a reason go into the report.
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <system_error>
#include <thread>

#include "ledger/entry.h"
#include "ledger/ledger.h"
#include "ledger/ledger_internal.h"

namespace candor::ledger {

namespace {

using core::Result;
using core::Status;
using internal::HashFromBytes;

// "entry 4" or "entries 4 to 9".
std::string Range(std::string_view one, std::string_view many, std::uint64_t first,
                  std::uint64_t last) {
  return first == last ? fmt::format("{} {}", one, first)
                       : fmt::format("{} {} to {}", many, first, last);
}

struct Damage {
  std::optional<std::uint64_t> index;
  std::string reason;
};

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Checks one stored head against the tree recomputed up to its size.
std::optional<std::string> HeadProblem(const store::TreeHeadRecord& h, const std::string& origin,
                                       const PublicKey& key, const MerkleAccumulator& acc,
                                       core::Instant last_time) {
  if (h.root.size() != 32 || h.signature.size() != 64) {
    return fmt::format("the tree head of size {} is damaged (a root of {} bytes, a signature of {})",
                       h.size, h.root.size(), h.signature.size());
  }
  const Hash root = HashFromBytes(h.root);
  Signature sig{};
  std::copy(h.signature.begin(), h.signature.end(), sig.begin());
  if (!VerifySignature(key, CheckpointBody(origin, h.size, root), sig).ok()) {
    return fmt::format(
        "the signature of the tree head of size {} does not verify (origin {}, this workspace's "
        "public key)",
        h.size, origin);
  }
  if (root != acc.Root()) {
    return fmt::format("the entries do not lead to the root of the signed tree head of size {}",
                       h.size);
  }
  if (h.size > 0 && h.timestamp != last_time) {
    return fmt::format("the timestamp of the tree head of size {} is not the time of entry {}",
                       h.size, h.size - 1);
  }
  return std::nullopt;
}

// Rows copied out of the store, so that worker threads can check them while the
// store is read further (SQLite belongs to the calling thread).
struct RowChunk {
  struct Row {
    std::int64_t index = 0;
    std::size_t entry_at = 0, entry_size = 0, payload_at = 0, payload_size = 0;
    bool has_payload = false;
    bool leaf_is_32_bytes = false;
    Hash stored_leaf{};
  };
  std::vector<Row> rows;
  std::string arena;  // entry and payload texts

  std::string_view Entry(const Row& r) const { return {arena.data() + r.entry_at, r.entry_size}; }
  std::string_view Payload(const Row& r) const {
    return {arena.data() + r.payload_at, r.payload_size};
  }
};

// What checking one row on its own found (its place in the log is checked later, in
// order, by the caller).
struct RowCheck {
  enum Problem : std::uint8_t { kNone, kParse, kIndex, kLeaf, kNoPayload, kPayload };
  Problem problem = kNone;
  Hash leaf{};  // SHA-256(0x00 || entry), recomputed
  std::uint64_t parsed_index = 0;
  core::Instant time = 0;
  std::string parse_error;
};

constexpr std::size_t kChunkRows = 16384;

void CheckRows(const RowChunk& chunk, std::size_t begin, std::size_t end,
               std::vector<RowCheck>& out) {
  EntryView view;  // reused: parsing allocates nothing
  for (std::size_t i = begin; i < end; ++i) {
    const RowChunk::Row& r = chunk.rows[i];
    RowCheck& c = out[i];
    c.problem = RowCheck::kNone;
    const std::string_view entry = chunk.Entry(r);
    c.leaf = LeafHash(entry);
    if (Status parsed = ParseEntryView(entry, view); !parsed.ok()) {
      c.problem = RowCheck::kParse;
      c.parse_error = parsed.message();
      continue;
    }
    c.parsed_index = view.index;
    c.time = view.time;
    if (r.index < 0 || view.index != static_cast<std::uint64_t>(r.index)) {
      c.problem = RowCheck::kIndex;
    } else if (!r.leaf_is_32_bytes || r.stored_leaf != c.leaf) {
      c.problem = RowCheck::kLeaf;
    } else if (!r.has_payload) {
      c.problem = RowCheck::kNoPayload;
    } else if (Sha256(Bytes(chunk.Payload(r))) != view.payload_sha256) {
      c.problem = RowCheck::kPayload;
    }
  }
}

// Checks the rows of `chunk` on `threads` threads.
void CheckChunk(const RowChunk& chunk, unsigned threads, std::vector<RowCheck>& out) {
  out.resize(chunk.rows.size());
  const std::size_t n = chunk.rows.size();
  std::vector<std::thread> workers;
  const std::size_t part = (n + threads - 1) / threads;
  try {
    for (std::size_t begin = part; begin < n; begin += part) {
      workers.emplace_back(CheckRows, std::cref(chunk), begin, std::min(n, begin + part),
                           std::ref(out));
    }
  } catch (const std::system_error&) {
    // No thread to be had: check the rest here.
    const std::size_t done = part * (workers.size() + 1);
    CheckRows(chunk, std::min(n, done), n, out);
  }
  CheckRows(chunk, 0, std::min(n, part), out);
  for (std::thread& w : workers) w.join();
}

// Copies up to kChunkRows stored rows from index `begin` on into `chunk`; `more` says
// whether the store holds further rows.
Status ReadChunk(store::LedgerStore& ls, std::uint64_t begin, RowChunk& chunk, bool& more) {
  chunk.rows.clear();
  chunk.arena.clear();
  more = false;
  const Status full(core::StatusCode::kInternal, "chunk full");  // ends the scan early
  Status st = ls.ForEachLedgerRow(begin, std::numeric_limits<std::uint64_t>::max(),
                                  [&](const store::LedgerRowView& v) -> Status {
                                    RowChunk::Row r;
                                    r.index = v.index;
                                    r.entry_at = chunk.arena.size();
                                    r.entry_size = v.entry.size();
                                    chunk.arena += v.entry;
                                    r.has_payload = v.has_payload;
                                    r.payload_at = chunk.arena.size();
                                    r.payload_size = v.payload.size();
                                    chunk.arena += v.payload;
                                    r.leaf_is_32_bytes = v.leaf.size() == 32;
                                    if (r.leaf_is_32_bytes) r.stored_leaf = HashFromBytes(v.leaf);
                                    chunk.rows.push_back(r);
                                    if (chunk.rows.size() < kChunkRows) return Status::Ok();
                                    more = true;
                                    return full;
                                  });
  return more ? Status::Ok() : st;
}

}  // namespace

Result<VerifyReport> Ledger::Verify() {
  store::LedgerStore& ls = store_->ledger();
  CANDOR_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> snapshot, ls.BeginRead());
  VerifyReport report;
  CANDOR_ASSIGN_OR_RETURN(report.size, ls.LedgerSize());
  std::vector<store::TreeHeadRecord> heads;
  CANDOR_RETURN_IF_ERROR(ls.ForEachTreeHead([&](const store::TreeHeadRecord& h) {
    heads.push_back(h);
    return Status::Ok();
  }));
  report.signed_size = heads.empty() ? 0 : heads.back().size;

  std::optional<Damage> damage;
  MerkleAccumulator acc;
  std::size_t next_head = 0;
  std::uint64_t expected = 0;
  core::Instant last_time = 0;
  // Checks every head whose size the accumulator has reached.
  auto check_heads = [&] {
    while (!damage && next_head < heads.size() && heads[next_head].size == acc.size()) {
      ++report.heads;
      if (auto problem = HeadProblem(heads[next_head], origin_, key_.public_key, acc, last_time)) {
        damage = Damage{report.verified_size, std::move(*problem)};
      } else {
        report.verified_size = acc.size();
      }
      ++next_head;
    }
  };
  check_heads();  // a (forged) head of size 0

  // Rows are read in chunks on this thread while the previous chunk is checked on all
  // cores (hashing and parsing dominate); the checks are then taken in index order,
  // which alone decides what is reported.
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  RowChunk chunks[2];
  std::vector<RowCheck> checks;
  bool more = false;
  CANDOR_RETURN_IF_ERROR(ReadChunk(ls, 0, chunks[0], more));
  for (int cur = 0; !damage && !chunks[cur].rows.empty(); cur = 1 - cur) {
    RowChunk& chunk = chunks[cur];
    RowChunk& next = chunks[1 - cur];
    next.rows.clear();
    Status read_status = Status::Ok();
    bool next_more = false;
    {
      std::thread checker([&] { CheckChunk(chunk, threads, checks); });
      if (more) {
        const auto last = static_cast<std::uint64_t>(std::max<std::int64_t>(chunk.rows.back().index, -1));
        read_status = ReadChunk(ls, last + 1, next, next_more);
      }
      checker.join();
    }
    CANDOR_RETURN_IF_ERROR(read_status);
    more = next_more;
    for (std::size_t k = 0; k < chunk.rows.size() && !damage; ++k) {
      const RowChunk::Row& row = chunk.rows[k];
      const RowCheck& c = checks[k];
      const std::uint64_t i = expected;
      if (row.index < 0 || static_cast<std::uint64_t>(row.index) != i) {
        damage = Damage{i, fmt::format("entry {} is missing (the next stored index is {})", i,
                                       row.index)};
        break;
      }
      switch (c.problem) {
        case RowCheck::kNone:
          break;
        case RowCheck::kParse:
          damage = Damage{i, fmt::format("entry {} cannot be parsed: {}", i, c.parse_error)};
          break;
        case RowCheck::kIndex:
          damage = Damage{i, fmt::format("entry {} holds the entry of index {} (rows were "
                                         "reordered, inserted or renumbered)",
                                         i, c.parsed_index)};
          break;
        case RowCheck::kLeaf:
          damage = Damage{i, fmt::format("the stored leaf hash of entry {} does not match the entry", i)};
          break;
        case RowCheck::kNoPayload:
          damage = Damage{i, fmt::format("the payload of entry {} is missing", i)};
          break;
        case RowCheck::kPayload:
          damage = Damage{i, fmt::format("the payload of entry {} does not match its payload_sha256", i)};
          break;
      }
      if (damage) break;
      acc.Append(c.leaf);
      last_time = c.time;
      ++expected;
      check_heads();
    }
  }

  if (!damage && next_head < heads.size()) {
    const std::uint64_t s = report.signed_size;
    damage = Damage{expected, fmt::format("the log ends after {} entries but a signed tree head "
                                          "covers {}: {} deleted",
                                          expected, s, Range("entry", "entries", expected, s - 1) +
                                                           (s - expected == 1 ? " was" : " were"))};
  }
  if (!damage && expected > report.verified_size) {
    damage = Damage{report.verified_size,
                    fmt::format("{} not covered by a signed tree head",
                                Range("entry", "entries", report.verified_size, expected - 1) +
                                    (expected - report.verified_size == 1 ? " is" : " are"))};
  }
  if (!damage) {
    CANDOR_ASSIGN_OR_RETURN(std::optional<std::int64_t> orphan, ls.FirstPayloadOutside(expected));
    if (orphan) {
      damage = Damage{static_cast<std::uint64_t>(std::max<std::int64_t>(*orphan, 0)),
                      fmt::format("a payload is stored for entry {}, which does not exist", *orphan)};
    }
  }
  if (!damage) {
    CANDOR_ASSIGN_OR_RETURN(std::vector<store::PeakRecord> peaks, ls.ReadPeaks());
    bool same = peaks.size() == acc.peaks().size();
    int level = 64;
    for (std::size_t i = 0; same && i < peaks.size(); ++i) {
      while (((acc.size() >> --level) & 1) == 0) {
      }
      same = peaks[i].level == level && peaks[i].hash.size() == 32 &&
             HashFromBytes(peaks[i].hash) == acc.peaks()[i];
    }
    if (!same) {
      damage = Damage{std::nullopt,
                      "the stored Merkle peaks are not those of the entries (the next append "
                      "would be refused)"};
    }
  }
  report.ok = !damage;
  if (damage) {
    report.first_bad_index = damage->index;
    report.reason = std::move(damage->reason);
  }
  return report;
}

}  // namespace candor::ledger
