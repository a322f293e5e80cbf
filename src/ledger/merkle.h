// candor::ledger Merkle primitives: the tamper-evident log's hash tree.
//
// Implements the Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1,
// which is the tree of RFC 6962 and of C2SP tlog-checkpoint:
//   leaf hash   = SHA-256(0x00 || entry)                     (2.1.1)
//   node hash   = SHA-256(0x01 || left || right)             (2.1.1)
//   MTH({})     = SHA-256("")                                (2.1.1, the empty tree)
//   MTH(D[n])   = node hash of MTH(D[0:k]) and MTH(D[k:n]), k the largest power of
//                 two smaller than n
// with inclusion proofs (2.1.3) and consistency proofs (2.1.4), and MerkleAccumulator,
// which appends leaves and yields the root in O(log n) memory.
//
// Nothing here knows about storage. Proofs are computed from a span of leaf hashes, or
// from a SubtreeHashFn through which a store supplies (possibly cached) subtree hashes;
// verification needs only the proof and the roots.
//
// Errors (core::Status):
//   kInvalidArgument  the call itself is malformed: an index or size out of range, a
//                     proof of the wrong length, hex/base64 that does not decode
//   kDataLoss         the proof is well-formed but the hashes do not lead to the given
//                     root(s): the log, the proof or the root was altered
//   (a SubtreeHashFn's own error is returned unchanged)
// Hashing itself cannot fail: if OpenSSL cannot provide SHA-256 (a broken installation)
// the process aborts rather than write an unverifiable ledger.
//
// Thread safety: the free functions are pure and may be called from any number of
// threads at once (each thread hashes with its own OpenSSL context). MerkleAccumulator
// is a value type; one object is not synchronised.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace candor::ledger {

// A SHA-256 digest: a leaf hash, a node hash or a tree root.
using Hash = std::array<std::uint8_t, 32>;

// ---------------------------------------------------------------------------
// Hashing (RFC 9162 2.1.1)

// SHA-256 of `data`.
Hash Sha256(std::span<const std::uint8_t> data);

// SHA-256 of the bytes of the file at `path`, read in 1 MiB blocks (a file's
// fingerprint in ledger payloads). Unavailable "cannot read the file: REASON" when
// it cannot be opened, "read error" when reading fails.
core::Result<Hash> Sha256OfFile(const std::string& path);

// The leaf hash of one log entry: SHA-256(0x00 || entry).
Hash LeafHash(std::span<const std::uint8_t> entry);
Hash LeafHash(std::string_view entry);

// The hash of an interior node: SHA-256(0x01 || left || right).
Hash NodeHash(const Hash& left, const Hash& right);

// The root of the empty tree, SHA-256 of the empty string
// (e3b0c442...b855).
Hash EmptyRoot();

// ---------------------------------------------------------------------------
// Encodings

// Lowercase hexadecimal, two characters per byte.
std::string ToHex(std::span<const std::uint8_t> bytes);

// Decodes hexadecimal (either case). InvalidArgument on an odd length or a
// non-hex character.
core::Result<std::vector<std::uint8_t>> FromHex(std::string_view hex);

// Decodes exactly 64 hex characters. InvalidArgument otherwise.
core::Result<Hash> HashFromHex(std::string_view hex);

// Standard base64 with padding (RFC 4648 section 4), as C2SP checkpoints use.
std::string ToBase64(std::span<const std::uint8_t> bytes);

// Decodes standard padded base64 strictly: no whitespace, no missing padding, no
// non-zero trailing bits. InvalidArgument otherwise.
core::Result<std::vector<std::uint8_t>> FromBase64(std::string_view base64);

// Decodes base64 that must hold exactly 32 bytes. InvalidArgument otherwise.
core::Result<Hash> HashFromBase64(std::string_view base64);

// ---------------------------------------------------------------------------
// Tree roots

// MTH of the given leaf hashes (RFC 9162 2.1.1); EmptyRoot() for an empty span.
// n - 1 node hashes, O(log n) extra memory.
Hash RootFromLeaves(std::span<const Hash> leaf_hashes);

// Appends leaf hashes and yields the root of the tree so far. Keeps only the roots of
// the perfect subtrees that make up the tree (its "peaks": one per set bit of size(),
// largest first), so memory is O(log n) and an append costs amortised one node hash.
//
// A store can persist size() and peaks() and resume with FromPeaks() instead of
// re-reading the log.
class MerkleAccumulator {
 public:
  MerkleAccumulator() = default;  // the empty tree

  // Resumes from a size and its peaks as returned by peaks(). InvalidArgument unless
  // peaks.size() equals the number of set bits in `size`.
  static core::Result<MerkleAccumulator> FromPeaks(std::uint64_t size, std::vector<Hash> peaks);

  // Appends one leaf hash (not an entry: pass LeafHash(entry)).
  void Append(const Hash& leaf_hash);

  // The number of leaves appended so far.
  std::uint64_t size() const { return size_; }

  // MTH of the leaves so far; EmptyRoot() when size() is 0. O(log n).
  Hash Root() const;

  // Roots of the perfect subtrees covering [0, size()), left to right.
  const std::vector<Hash>& peaks() const { return peaks_; }

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> peaks_;
};

// ---------------------------------------------------------------------------
// Proofs (RFC 9162 2.1.3 and 2.1.4)

// Supplies MTH(D[begin:end]) of the log, 0 <= begin < end <= tree size. The proof
// functions ask only for ranges that are nodes of the tree of the requested size:
// either a perfect subtree (end - begin = 2^j and begin a multiple of 2^j, whose hash
// never changes once the log has grown past it, so a store may cache it) or a subtree
// on the right edge ending at that size. An error aborts the proof and is returned.
using SubtreeHashFn = std::function<core::Result<Hash>(std::uint64_t begin, std::uint64_t end)>;

// The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162
// 2.1.3.1 PATH), nearest the leaf first. InvalidArgument when index >= size or when
// size exceeds leaf_hashes.size(). Hashes about `size` nodes; for a log of millions of
// leaves pass a SubtreeHashFn over cached subtrees instead.
core::Result<std::vector<Hash>> InclusionProof(std::span<const Hash> leaf_hashes,
                                               std::uint64_t index, std::uint64_t size);
core::Result<std::vector<Hash>> InclusionProof(const SubtreeHashFn& subtree_hash,
                                               std::uint64_t index, std::uint64_t size);

// The consistency proof from the tree of the first m leaves to the tree of the first n
// (RFC 9162 2.1.4.1 PROOF / SUBPROOF). Empty when m == n. InvalidArgument when m == 0
// (an empty tree has no consistency proof), m > n, or n exceeds leaf_hashes.size().
core::Result<std::vector<Hash>> ConsistencyProof(std::span<const Hash> leaf_hashes, std::uint64_t m,
                                                 std::uint64_t n);
core::Result<std::vector<Hash>> ConsistencyProof(const SubtreeHashFn& subtree_hash, std::uint64_t m,
                                                 std::uint64_t n);

// The root that an inclusion proof leads to (RFC 9162 2.1.3.2 without the final
// comparison). InvalidArgument when index >= size or the proof has the wrong length
// for (index, size).
core::Result<Hash> RootFromInclusionProof(std::uint64_t index, std::uint64_t size,
                                          const Hash& leaf_hash, std::span<const Hash> proof);

// Verifies that `leaf_hash` is leaf `index` of the tree of `size` leaves whose root is
// `root` (RFC 9162 2.1.3.2). OK, or InvalidArgument ("index 5 is outside a tree of size
// 3", "wrong proof length ...") or DataLoss ("inclusion proof does not lead to the
// root").
core::Status VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                             std::span<const Hash> proof, const Hash& root);

// Verifies that the tree of m leaves with root root_m is a prefix of the tree of n
// leaves with root root_n (RFC 9162 2.1.4.2). When m == n the proof must be empty and
// the roots equal. InvalidArgument when m == 0 (nothing to prove about an empty tree),
// m > n, or the proof has the wrong length; DataLoss when the proof does not lead to
// both roots.
core::Status VerifyConsistency(std::uint64_t m, std::uint64_t n, const Hash& root_m,
                               const Hash& root_n, std::span<const Hash> proof);

}  // namespace candor::ledger
