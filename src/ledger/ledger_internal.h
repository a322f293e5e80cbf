// Internal to candor::ledger: helpers shared by ledger.cc, ledger_proofs.cc,
// ledger_verify.cc and ledger_export.cc.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ledger/merkle.h"

namespace candor::ledger::internal {

inline constexpr std::string_view kRunVerify = "run candor ledger verify for details";

// The first 32 bytes of `bytes` (callers check the length).
inline Hash HashFromBytes(std::span<const std::uint8_t> bytes) {
  Hash h{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), h.size()), h.begin());
  return h;
}

// Every perfect subtree hash of a list of leaves, level by level, so that any node of
// the tree of any size up to the number of leaves is found in O(log n) node hashes.
// Memory: two hashes per leaf.
class TreeLevels {
 public:
  explicit TreeLevels(std::vector<Hash> leaves);

  std::uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  // MTH(D[begin:end]), 0 <= begin < end <= size().
  Hash Subtree(std::uint64_t begin, std::uint64_t end) const;
  // Subtree() as a SubtreeHashFn (valid while this object lives).
  SubtreeHashFn Fn() const;

 private:
  std::vector<std::vector<Hash>> levels_;  // levels_[j][i] = MTH(D[i*2^j : (i+1)*2^j])
};

}  // namespace candor::ledger::internal
