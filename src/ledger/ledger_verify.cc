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
// recomputed tree. The first damage found ends the scan; its index and a reason go
// into the report.
//
// Speed: rows are copied out of SQLite in chunks on the calling thread (a connection
// belongs to one thread), while a second thread checks the previous chunk: it parses
// and hashes the rows and verifies the signatures of the heads that end in the chunk
// on every core, then folds the leaves into the accumulator in index order. Only that
// ordered fold decides what is reported, so the result does not depend on threads.
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

constexpr std::size_t kChunkRows = 16384;
// The first chunk is read before any checking can start: keep it short.
constexpr std::size_t kFirstChunkRows = 1024;

// "entry 4" or "entries 4 to 9".
std::string Range(std::uint64_t first, std::uint64_t last) {
  return first == last ? fmt::format("entry {}", first)
                       : fmt::format("entries {} to {}", first, last);
}

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Rows copied out of the store, so that other threads can check them.
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

// What checking one row on its own found; its place in the log is checked in order.
struct RowCheck {
  enum Problem : std::uint8_t { kNone, kParse, kIndex, kLeaf, kNoPayload, kPayload };
  Problem problem = kNone;
  Hash leaf{};  // SHA-256(0x00 || entry), recomputed
  std::uint64_t parsed_index = 0;
  core::Instant time = 0;
  std::string parse_error;
};

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

// Runs work(t) for t in [0, threads) on that many threads (the caller's included);
// with no thread to be had, on the caller's alone.
void Parallel(unsigned threads, const std::function<void(unsigned)>& work) {
  std::vector<std::thread> workers;
  unsigned started = 1;
  try {
    for (; started < threads; ++started) workers.emplace_back(work, started);
  } catch (const std::system_error&) {
    for (unsigned t = started; t < threads; ++t) work(t);
  }
  work(0);
  for (std::thread& w : workers) w.join();
}

// Copies up to `limit` stored rows from index `begin` on into `chunk`; `more` says
// whether the store may hold further rows.
Status ReadChunk(store::LedgerStore& ls, std::uint64_t begin, std::size_t limit, RowChunk& chunk,
                 bool& more) {
  chunk.rows.clear();
  chunk.arena.clear();
  more = false;
  const Status full(core::StatusCode::kInternal, "chunk full");  // ends the scan early
  Status st = ls.ForEachLedgerRow(
      begin, std::numeric_limits<std::uint64_t>::max(), [&](const store::LedgerRowView& v) -> Status {
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
        if (chunk.rows.size() < limit) return Status::Ok();
        more = true;
        return full;
      });
  return more ? Status::Ok() : st;
}

// The scan's state: the recomputed tree and the first damage found.
class Verifier {
 public:
  Verifier(std::vector<store::TreeHeadRecord> heads, const std::string& origin,
           const PublicKey& key, unsigned threads)
      : heads_(std::move(heads)), signature_ok_(heads_.size(), -1), origin_(origin), key_(key),
        threads_(threads) {
    report_.signed_size = heads_.empty() ? 0 : heads_.back().size;
  }

  VerifyReport& report() { return report_; }
  const MerkleAccumulator& tree() const { return acc_; }
  bool damaged() const { return damage_index_.has_value() || !reason_.empty(); }
  std::uint64_t entries() const { return acc_.size(); }

  void Fail(std::optional<std::uint64_t> index, std::string reason) {
    if (damaged()) return;
    damage_index_ = index;
    reason_ = std::move(reason);
  }

  // Parses and hashes the rows of `chunk` and the signatures of the heads that end
  // in it, on all threads; then takes the results in index order.
  void Check(const RowChunk& chunk) {
    checks_.resize(chunk.rows.size());
    const std::size_t n = chunk.rows.size();
    const std::size_t part = (n + threads_ - 1) / threads_;
    const std::uint64_t last = static_cast<std::uint64_t>(std::max<std::int64_t>(chunk.rows.back().index, 0));
    std::size_t heads_end = next_head_;
    while (heads_end < heads_.size() && heads_[heads_end].size <= last + 1) ++heads_end;
    const std::size_t heads_begin = next_head_;
    Parallel(threads_, [&](unsigned t) {
      CheckRows(chunk, std::min(n, t * part), std::min(n, (t + 1) * part), checks_);
      for (std::size_t h = heads_begin + t; h < heads_end; h += threads_) {
        signature_ok_[h] = SignatureOk(heads_[h]) ? 1 : 0;
      }
    });
    for (std::size_t k = 0; k < n && !damaged(); ++k) Take(chunk.rows[k], checks_[k]);
  }

  // Checks every head whose size the tree has reached.
  void CheckHeads() {
    while (!damaged() && next_head_ < heads_.size() && heads_[next_head_].size == acc_.size()) {
      const std::size_t h = next_head_++;
      ++report_.heads;
      if (auto problem = HeadProblem(h)) {
        Fail(report_.verified_size, std::move(*problem));
      } else {
        report_.verified_size = acc_.size();
      }
    }
  }

  bool heads_left() const { return next_head_ < heads_.size(); }

  void Finish() {
    report_.ok = !damaged();
    if (!report_.ok) {
      report_.first_bad_index = damage_index_;
      report_.reason = reason_;
    }
  }

 private:
  void Take(const RowChunk::Row& row, const RowCheck& c) {
    const std::uint64_t i = acc_.size();
    if (row.index < 0 || static_cast<std::uint64_t>(row.index) != i) {
      return Fail(i, fmt::format("entry {} is missing (the next stored index is {})", i, row.index));
    }
    switch (c.problem) {
      case RowCheck::kNone:
        break;
      case RowCheck::kParse:
        return Fail(i, fmt::format("entry {} cannot be parsed: {}", i, c.parse_error));
      case RowCheck::kIndex:
        return Fail(i, fmt::format("entry {} holds the entry of index {} (rows were reordered, "
                                   "inserted or renumbered)",
                                   i, c.parsed_index));
      case RowCheck::kLeaf:
        return Fail(i, fmt::format("the stored leaf hash of entry {} does not match the entry", i));
      case RowCheck::kNoPayload:
        return Fail(i, fmt::format("the payload of entry {} is missing", i));
      case RowCheck::kPayload:
        return Fail(i, fmt::format("the payload of entry {} does not match its payload_sha256", i));
    }
    acc_.Append(c.leaf);
    last_time_ = c.time;
    CheckHeads();
  }

  bool SignatureOk(const store::TreeHeadRecord& h) const {
    if (h.root.size() != 32 || h.signature.size() != 64) return false;
    Signature sig{};
    std::copy(h.signature.begin(), h.signature.end(), sig.begin());
    return VerifySignature(key_, CheckpointBody(origin_, h.size, HashFromBytes(h.root)), sig).ok();
  }

  // What is wrong with head `h`, whose size the recomputed tree has just reached.
  std::optional<std::string> HeadProblem(std::size_t h) {
    const store::TreeHeadRecord& head = heads_[h];
    if (head.root.size() != 32 || head.signature.size() != 64) {
      return fmt::format("the tree head of size {} is damaged (a root of {} bytes, a signature of "
                         "{})",
                         head.size, head.root.size(), head.signature.size());
    }
    if (signature_ok_[h] < 0) signature_ok_[h] = SignatureOk(head) ? 1 : 0;
    if (signature_ok_[h] == 0) {
      return fmt::format("the signature of the tree head of size {} does not verify (origin {}, "
                         "this workspace's public key)",
                         head.size, origin_);
    }
    if (HashFromBytes(head.root) != acc_.Root()) {
      return fmt::format("the entries do not lead to the root of the signed tree head of size {}",
                         head.size);
    }
    if (head.size > 0 && head.timestamp != last_time_) {
      return fmt::format("the timestamp of the tree head of size {} is not the time of entry {}",
                         head.size, head.size - 1);
    }
    return std::nullopt;
  }

  std::vector<store::TreeHeadRecord> heads_;
  std::vector<signed char> signature_ok_;  // per head: -1 unchecked, 0 bad, 1 good
  const std::string& origin_;
  const PublicKey& key_;
  const unsigned threads_;
  std::vector<RowCheck> checks_;
  VerifyReport report_;
  MerkleAccumulator acc_;
  std::size_t next_head_ = 0;
  core::Instant last_time_ = 0;
  std::optional<std::uint64_t> damage_index_;
  std::string reason_;
};

}  // namespace

Result<VerifyReport> Ledger::Verify() {
  store::LedgerStore& ls = store_->ledger();
  CANDOR_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> snapshot, ls.BeginRead());
  std::vector<store::TreeHeadRecord> heads;
  CANDOR_RETURN_IF_ERROR(ls.ForEachTreeHead([&](const store::TreeHeadRecord& h) {
    heads.push_back(h);
    return Status::Ok();
  }));
  Verifier v(std::move(heads), origin_, key_.public_key,
             std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  CANDOR_ASSIGN_OR_RETURN(v.report().size, ls.LedgerSize());
  v.CheckHeads();  // a (forged) head of size 0

  // Chunk k is checked on another thread while chunk k + 1 is read here.
  RowChunk chunks[2];
  bool more = false;
  CANDOR_RETURN_IF_ERROR(ReadChunk(ls, 0, kFirstChunkRows, chunks[0], more));
  for (int cur = 0; !v.damaged() && !chunks[cur].rows.empty(); cur = 1 - cur) {
    const RowChunk& chunk = chunks[cur];
    RowChunk& next = chunks[1 - cur];
    next.rows.clear();
    Status read = Status::Ok();
    bool next_more = false;
    std::thread checker([&] { v.Check(chunk); });
    if (more) {
      const auto last = static_cast<std::uint64_t>(std::max<std::int64_t>(chunk.rows.back().index, 0));
      read = ReadChunk(ls, last + 1, kChunkRows, next, next_more);
    }
    checker.join();
    CANDOR_RETURN_IF_ERROR(read);
    more = next_more;
  }

  const std::uint64_t n = v.entries();
  VerifyReport& r = v.report();
  if (v.heads_left()) {
    v.Fail(n, fmt::format("the log ends after {} entries but a signed tree head covers {}: {} {} "
                          "deleted",
                          n, r.signed_size, Range(n, r.signed_size - 1),
                          r.signed_size - n == 1 ? "was" : "were"));
  }
  if (n > r.verified_size) {
    v.Fail(r.verified_size, fmt::format("{} {} not covered by a signed tree head",
                                        Range(r.verified_size, n - 1),
                                        n - r.verified_size == 1 ? "is" : "are"));
  }
  if (!v.damaged()) {
    CANDOR_ASSIGN_OR_RETURN(std::optional<std::int64_t> orphan, ls.FirstPayloadOutside(n));
    if (orphan) {
      v.Fail(static_cast<std::uint64_t>(std::max<std::int64_t>(*orphan, 0)),
             fmt::format("a payload is stored for entry {}, which does not exist", *orphan));
    }
  }
  if (!v.damaged()) {
    CANDOR_ASSIGN_OR_RETURN(std::vector<store::PeakRecord> peaks, ls.ReadPeaks());
    const MerkleAccumulator& tree = v.tree();
    bool same = peaks.size() == tree.peaks().size();
    int level = 64;
    for (std::size_t i = 0; same && i < peaks.size(); ++i) {
      while (((tree.size() >> --level) & 1) == 0) {
      }
      same = peaks[i].level == level && peaks[i].hash.size() == 32 &&
             HashFromBytes(peaks[i].hash) == tree.peaks()[i];
    }
    if (!same) {
      v.Fail(std::nullopt,
             "the stored Merkle peaks are not those of the entries (the next append would be "
             "refused)");
    }
  }
  v.Finish();
  return std::move(v.report());
}

}  // namespace candor::ledger
