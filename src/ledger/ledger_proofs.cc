// Ledger::Proof and Ledger::Consistency, over the stored leaf hashes.
//
// Both read the leaf hashes of the first `size` entries and build every perfect
// subtree once (TreeLevels): n node hashes, then each proof is O(log n). A proof of one
// entry of a million-entry log takes a fraction of a second; persisting subtree hashes
// (tlog tiles) would make it O(log n) I/O, should that ever matter.
#include <fmt/format.h>

#include <bit>

#include "ledger/ledger.h"
#include "ledger/ledger_internal.h"

namespace candor::ledger {

namespace {

using core::Result;
using core::Status;
using internal::kRunVerify;
using internal::TreeLevels;

}  // namespace

namespace internal {

TreeLevels::TreeLevels(std::vector<Hash> leaves) {
  levels_.push_back(std::move(leaves));
  while (levels_.back().size() > 1) {
    const std::vector<Hash>& below = levels_.back();
    std::vector<Hash> up(below.size() / 2);
    for (std::size_t i = 0; i < up.size(); ++i) up[i] = NodeHash(below[2 * i], below[2 * i + 1]);
    if (up.empty()) break;
    levels_.push_back(std::move(up));
  }
}

Hash TreeLevels::Subtree(std::uint64_t begin, std::uint64_t end) const {
  const std::uint64_t len = end - begin;
  if (std::has_single_bit(len)) {
    if (begin % len == 0) {
      const auto level = static_cast<std::size_t>(std::countr_zero(len));
      return levels_[level][begin >> level];
    }
    return RootFromLeaves(std::span(levels_[0]).subspan(begin, len));  // not a tree node
  }
  const std::uint64_t k = std::bit_floor(len - 1);
  return NodeHash(Subtree(begin, begin + k), Subtree(begin + k, end));
}

SubtreeHashFn TreeLevels::Fn() const {
  return [this](std::uint64_t begin, std::uint64_t end) -> Result<Hash> {
    return Subtree(begin, end);
  };
}

}  // namespace internal

Result<std::vector<Hash>> Ledger::LeafHashes(std::uint64_t size) {
  std::vector<store::Digest> digests;
  CANDOR_RETURN_IF_ERROR(store_->ledger().ReadLeafHashes(0, size, digests));
  return digests;  // store::Digest and Hash are the same type
}

Result<InclusionProofResult> Ledger::Proof(std::uint64_t index, std::optional<std::uint64_t> size) {
  CANDOR_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> snapshot,
                          store_->ledger().BeginRead());
  CANDOR_ASSIGN_OR_RETURN(SignedHead head, Head());
  const std::uint64_t n = size.value_or(head.size);
  if (n > head.size) {
    return core::InvalidArgument(fmt::format(
        "tree size {} is larger than the ledger's signed size {}", n, head.size));
  }
  if (index >= n) {
    return core::InvalidArgument(fmt::format("index {} is outside a tree of size {}", index, n));
  }
  CANDOR_ASSIGN_OR_RETURN(std::vector<Hash> leaves, LeafHashes(n));
  TreeLevels levels(std::move(leaves));
  InclusionProofResult out;
  out.index = index;
  out.size = n;
  out.leaf_hash = levels.Subtree(index, index + 1);
  out.root = levels.Subtree(0, n);
  CANDOR_ASSIGN_OR_RETURN(out.path, InclusionProof(levels.Fn(), index, n));
  if (n == head.size && out.root != head.root) {
    return core::DataLoss(fmt::format(
        "the stored leaf hashes do not lead to the signed root of size {}; {}", n, kRunVerify));
  }
  Status found = core::DataLoss(fmt::format("ledger entry {} is missing; {}", index, kRunVerify));
  CANDOR_RETURN_IF_ERROR(store_->ledger().ForEachLedgerRow(
      index, index + 1, [&](const store::LedgerRowView& row) {
        if (LeafHash(row.entry) != out.leaf_hash) {
          found = core::DataLoss(fmt::format(
              "ledger entry {} does not match its leaf hash; {}", index, kRunVerify));
        } else {
          out.entry = std::string(row.entry);
          found = Status::Ok();
        }
        return Status::Ok();
      }));
  CANDOR_RETURN_IF_ERROR(found);
  CANDOR_RETURN_IF_ERROR(VerifyInclusion(index, n, out.leaf_hash, out.path, out.root));
  return out;
}

Result<ConsistencyProofResult> Ledger::Consistency(std::uint64_t from, std::uint64_t to) {
  CANDOR_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> snapshot,
                          store_->ledger().BeginRead());
  CANDOR_ASSIGN_OR_RETURN(SignedHead head, Head());
  if (from == 0) {
    return core::InvalidArgument(
        "an empty tree has no consistency proof (--from must be at least 1)");
  }
  if (from > to) {
    return core::InvalidArgument(
        fmt::format("--from {} is larger than --to {}", from, to));
  }
  if (to > head.size) {
    return core::InvalidArgument(fmt::format(
        "tree size {} is larger than the ledger's signed size {}", to, head.size));
  }
  CANDOR_ASSIGN_OR_RETURN(std::vector<Hash> leaves, LeafHashes(to));
  TreeLevels levels(std::move(leaves));
  ConsistencyProofResult out;
  out.from = from;
  out.to = to;
  out.from_root = levels.Subtree(0, from);
  out.to_root = levels.Subtree(0, to);
  CANDOR_ASSIGN_OR_RETURN(out.path, ConsistencyProof(levels.Fn(), from, to));
  if (to == head.size && out.to_root != head.root) {
    return core::DataLoss(fmt::format(
        "the stored leaf hashes do not lead to the signed root of size {}; {}", to, kRunVerify));
  }
  CANDOR_RETURN_IF_ERROR(VerifyConsistency(from, to, out.from_root, out.to_root, out.path));
  return out;
}

}  // namespace candor::ledger
