#include "ledger/merkle.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

namespace candor::ledger {
namespace {

using core::InvalidArgument;
using core::Result;
using core::Status;

constexpr std::uint8_t kLeafPrefix = 0x00;
constexpr std::uint8_t kNodePrefix = 0x01;

// SHA-256 is not optional for a tamper-evident log: if OpenSSL cannot provide it the
// installation is broken, and continuing would write an unverifiable ledger.
[[noreturn]] void DieOpenSsl(const char* what) {
  std::fprintf(stderr, "candor: OpenSSL SHA-256 failed in %s\n", what);
  std::abort();
}

// Fetched once; implicit fetching inside every EVP_DigestInit would dominate the cost
// of hashing 65 bytes.
const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) DieOpenSsl("EVP_MD_fetch");
    return fetched;
  }();
  return md;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// One context per thread, reused for every digest, so hashing allocates nothing.
EVP_MD_CTX* ThreadMdCtx() {
  thread_local const std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) DieOpenSsl("EVP_MD_CTX_new");
  return ctx.get();
}

Hash Digest(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b = {}) {
  EVP_MD_CTX* ctx = ThreadMdCtx();
  Hash out;
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, a.data(), a.size()) != 1 ||
      (!b.empty() && EVP_DigestUpdate(ctx, b.data(), b.size()) != 1) ||
      EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != out.size()) {
    DieOpenSsl("EVP_Digest");
  }
  return out;
}

// Folds a stack of perfect-subtree roots (largest first) into the tree's root.
Hash FoldPeaks(std::span<const Hash> peaks) {
  if (peaks.empty()) return EmptyRoot();
  Hash root = peaks.back();
  for (std::size_t i = peaks.size() - 1; i > 0; --i) root = NodeHash(peaks[i - 1], root);
  return root;
}

// The largest power of two smaller than n, for n >= 2 (RFC 9162 2.1.1's k).
std::uint64_t SplitPoint(std::uint64_t n) { return std::bit_floor(n - 1); }

Status IndexOutside(std::uint64_t index, std::uint64_t size) {
  return InvalidArgument(fmt::format("index {} is outside a tree of size {}", index, size));
}

Status SizeBeyondLeaves(std::uint64_t size, std::size_t leaves) {
  return InvalidArgument(
      fmt::format("tree size {} is larger than the {} leaf hashes given", size, leaves));
}

Status CheckConsistencySizes(std::uint64_t m, std::uint64_t n) {
  if (m == 0) {
    return InvalidArgument("an empty tree has no consistency proof (first tree size is 0)");
  }
  if (m > n) {
    return InvalidArgument(
        fmt::format("first tree size {} is larger than second tree size {}", m, n));
  }
  return Status::Ok();
}

SubtreeHashFn SpanSubtreeHash(std::span<const Hash> leaf_hashes) {
  return [leaf_hashes](std::uint64_t begin, std::uint64_t end) -> Result<Hash> {
    return RootFromLeaves(leaf_hashes.subspan(begin, end - begin));
  };
}

struct Range {
  std::uint64_t begin;
  std::uint64_t end;
};

// Asks the provider for each range, in the given order.
template <typename It>
Result<std::vector<Hash>> HashRanges(const SubtreeHashFn& subtree_hash, It first, It last,
                                     std::optional<Range> head) {
  std::vector<Hash> proof;
  if (head) {
    CANDOR_ASSIGN_OR_RETURN(Hash h, subtree_hash(head->begin, head->end));
    proof.push_back(h);
  }
  for (It it = first; it != last; ++it) {
    CANDOR_ASSIGN_OR_RETURN(Hash h, subtree_hash(it->begin, it->end));
    proof.push_back(h);
  }
  return proof;
}

// The number of set bits of v at positions >= level (0 when level is 64: shifting a
// 64-bit value by 64 is undefined).
std::size_t SetBitsAbove(std::uint64_t v, std::size_t level) {
  return level >= 64 ? 0 : static_cast<std::size_t>(std::popcount(v >> level));
}

// The number of hashes in an inclusion proof: the levels where index and size - 1
// differ ("inner", siblings inside the perfect part) plus the set bits above them
// ("border", left siblings on the tree's right edge).
std::size_t InclusionProofLength(std::uint64_t index, std::uint64_t size) {
  const auto inner = static_cast<std::size_t>(std::bit_width(index ^ (size - 1)));
  return inner + SetBitsAbove(index, inner);
}

}  // namespace

// --- Hashing -----------------------------------------------------------------

Hash Sha256(std::span<const std::uint8_t> data) { return Digest(data); }

Result<Hash> Sha256OfFile(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return core::Unavailable(fmt::format("cannot read the file: {}", std::strerror(errno)));
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) std::abort();
  std::vector<unsigned char> buf(std::size_t{1} << 20);
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) {
    if (EVP_DigestUpdate(ctx.get(), buf.data(), n) != 1) std::abort();
  }
  if (std::ferror(f.get()) != 0) return core::Unavailable("read error");
  Hash out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) std::abort();
  return out;
}

Hash LeafHash(std::span<const std::uint8_t> entry) {
  const std::uint8_t prefix = kLeafPrefix;
  return Digest(std::span(&prefix, 1), entry);
}

Hash LeafHash(std::string_view entry) {
  return LeafHash(std::span(reinterpret_cast<const std::uint8_t*>(entry.data()), entry.size()));
}

Hash NodeHash(const Hash& left, const Hash& right) {
  std::array<std::uint8_t, 1 + 2 * sizeof(Hash)> buf{};
  buf[0] = kNodePrefix;
  std::copy(left.begin(), left.end(), buf.begin() + 1);
  std::copy(right.begin(), right.end(), buf.begin() + 1 + sizeof(Hash));
  return Digest(buf);
}

Hash EmptyRoot() {
  static const Hash root = Digest({});
  return root;
}

// --- Encodings -----------------------------------------------------------------

std::string ToHex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return out;
}

Result<std::vector<std::uint8_t>> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return InvalidArgument(fmt::format("hex string has odd length {}", hex.size()));
  }
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<std::uint8_t> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return InvalidArgument(fmt::format("hex string has a non-hex character at offset {}",
                                         hi < 0 ? 2 * i : 2 * i + 1));
    }
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return out;
}

Result<Hash> HashFromHex(std::string_view hex) {
  if (hex.size() != 2 * sizeof(Hash)) {
    return InvalidArgument(fmt::format("a SHA-256 hash is 64 hex characters, got {}", hex.size()));
  }
  CANDOR_ASSIGN_OR_RETURN(std::vector<std::uint8_t> bytes, FromHex(hex));
  Hash h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

std::string ToBase64(std::span<const std::uint8_t> bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.pop_back();  // the terminating NUL that sodium writes
  return out;
}

Result<std::vector<std::uint8_t>> FromBase64(std::string_view base64) {
  std::vector<std::uint8_t> out(base64.size() / 4 * 3 + 3);
  std::size_t len = 0;
  // b64_end == nullptr makes sodium refuse trailing characters it did not consume.
  if (sodium_base642bin(out.data(), out.size(), base64.data(), base64.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return InvalidArgument("not valid padded standard base64 (RFC 4648 section 4)");
  }
  out.resize(len);
  return out;
}

Result<Hash> HashFromBase64(std::string_view base64) {
  CANDOR_ASSIGN_OR_RETURN(std::vector<std::uint8_t> bytes, FromBase64(base64));
  if (bytes.size() != sizeof(Hash)) {
    return InvalidArgument(
        fmt::format("a SHA-256 hash is 32 bytes, the base64 holds {}", bytes.size()));
  }
  Hash h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

// --- Tree roots ----------------------------------------------------------------

Hash RootFromLeaves(std::span<const Hash> leaf_hashes) {
  // The accumulator's algorithm on a fixed stack: bit i of `count` says whether a
  // perfect subtree of 2^i leaves is pending.
  std::array<Hash, 64> stack{};
  std::size_t depth = 0;
  std::uint64_t count = 0;
  for (const Hash& leaf : leaf_hashes) {
    Hash h = leaf;
    for (std::uint64_t c = count; (c & 1) != 0; c >>= 1) h = NodeHash(stack[--depth], h);
    stack[depth++] = h;
    ++count;
  }
  return FoldPeaks(std::span(stack.data(), depth));
}

Result<MerkleAccumulator> MerkleAccumulator::FromPeaks(std::uint64_t size,
                                                       std::vector<Hash> peaks) {
  const auto want = static_cast<std::size_t>(std::popcount(size));
  if (peaks.size() != want) {
    return InvalidArgument(fmt::format(
        "a tree of size {} has {} perfect subtrees, got {} peak hashes", size, want, peaks.size()));
  }
  MerkleAccumulator acc;
  acc.size_ = size;
  acc.peaks_ = std::move(peaks);
  return acc;
}

void MerkleAccumulator::Append(const Hash& leaf_hash) {
  Hash h = leaf_hash;
  for (std::uint64_t c = size_; (c & 1) != 0; c >>= 1) {
    h = NodeHash(peaks_.back(), h);
    peaks_.pop_back();
  }
  peaks_.push_back(h);
  ++size_;
}

Hash MerkleAccumulator::Root() const { return FoldPeaks(peaks_); }

// --- Proofs ----------------------------------------------------------------------

Result<std::vector<Hash>> InclusionProof(const SubtreeHashFn& subtree_hash, std::uint64_t index,
                                         std::uint64_t size) {
  if (index >= size) return IndexOutside(index, size);
  // Walk from the root to the leaf (RFC 9162 2.1.3.1), noting each sibling; the proof
  // lists them from the leaf up.
  std::vector<Range> siblings;
  std::uint64_t lo = 0;
  std::uint64_t hi = size;
  while (hi - lo > 1) {
    const std::uint64_t k = SplitPoint(hi - lo);
    if (index < lo + k) {
      siblings.push_back({lo + k, hi});
      hi = lo + k;
    } else {
      siblings.push_back({lo, lo + k});
      lo += k;
    }
  }
  return HashRanges(subtree_hash, siblings.rbegin(), siblings.rend(), std::nullopt);
}

Result<std::vector<Hash>> InclusionProof(std::span<const Hash> leaf_hashes, std::uint64_t index,
                                         std::uint64_t size) {
  if (size > leaf_hashes.size()) return SizeBeyondLeaves(size, leaf_hashes.size());
  return InclusionProof(SpanSubtreeHash(leaf_hashes), index, size);
}

Result<std::vector<Hash>> ConsistencyProof(const SubtreeHashFn& subtree_hash, std::uint64_t m,
                                           std::uint64_t n) {
  CANDOR_RETURN_IF_ERROR(CheckConsistencySizes(m, n));
  // SUBPROOF(m, D[lo:hi], b) of RFC 9162 2.1.4.1, unrolled. `complete` is the RFC's b:
  // it stays true while the walk only goes left (lo == 0), in which case the node where
  // it stops (hi == m) is the old tree itself, whose root the verifier already has.
  std::vector<Range> siblings;
  std::optional<Range> head;
  std::uint64_t lo = 0;
  std::uint64_t hi = n;
  bool complete = true;
  while (m != hi) {
    const std::uint64_t k = SplitPoint(hi - lo);
    if (m <= lo + k) {
      siblings.push_back({lo + k, hi});
      hi = lo + k;
    } else {
      siblings.push_back({lo, lo + k});
      lo += k;
      complete = false;
    }
  }
  if (!complete) head = Range{lo, hi};
  return HashRanges(subtree_hash, siblings.rbegin(), siblings.rend(), head);
}

Result<std::vector<Hash>> ConsistencyProof(std::span<const Hash> leaf_hashes, std::uint64_t m,
                                           std::uint64_t n) {
  CANDOR_RETURN_IF_ERROR(CheckConsistencySizes(m, n));
  if (n > leaf_hashes.size()) return SizeBeyondLeaves(n, leaf_hashes.size());
  return ConsistencyProof(SpanSubtreeHash(leaf_hashes), m, n);
}

// --- Verification ------------------------------------------------------------------

Result<Hash> RootFromInclusionProof(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                                    std::span<const Hash> proof) {
  if (index >= size) return IndexOutside(index, size);
  const std::size_t want = InclusionProofLength(index, size);
  if (proof.size() != want) {
    return InvalidArgument(
        fmt::format("wrong proof length: {} hashes, leaf {} of a tree of size {} needs {}",
                    proof.size(), index, size, want));
  }
  // RFC 9162 2.1.3.2, steps 2-4.
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return InvalidArgument("wrong proof length: the proof is longer than the path");
    if ((fn & 1) != 0 || fn == sn) {
      r = NodeHash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return InvalidArgument("wrong proof length: the proof is shorter than the path");
  return r;
}

Status VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root) {
  CANDOR_ASSIGN_OR_RETURN(const Hash computed,
                          RootFromInclusionProof(index, size, leaf_hash, proof));
  if (computed != root) return core::DataLoss("inclusion proof does not lead to the root");
  return Status::Ok();
}

Status VerifyConsistency(std::uint64_t m, std::uint64_t n, const Hash& root_m, const Hash& root_n,
                         std::span<const Hash> proof) {
  CANDOR_RETURN_IF_ERROR(CheckConsistencySizes(m, n));
  if (m == n) {
    if (!proof.empty()) {
      return InvalidArgument(fmt::format(
          "wrong proof length: {} hashes, trees of equal size need none", proof.size()));
    }
    if (root_m != root_n) {
      return core::DataLoss(fmt::format("two trees of size {} have different roots", m));
    }
    return Status::Ok();
  }
  // The expected length, as for the inclusion proof of the old tree's last leaf m - 1 in
  // the new tree, except that the old tree's right-most perfect subtree (2^shift leaves)
  // is shared whole: its levels are not in the proof, its root is (unless it is root_m).
  const auto shift = static_cast<std::size_t>(std::countr_zero(m));
  const auto full_inner = static_cast<std::size_t>(std::bit_width((m - 1) ^ (n - 1)));
  const std::size_t inner = full_inner - shift;
  const std::size_t border = SetBitsAbove(m - 1, full_inner);
  const bool m_is_perfect = std::has_single_bit(m);
  const std::size_t want = (m_is_perfect ? 0 : 1) + inner + border;
  if (proof.size() != want) {
    return InvalidArgument(fmt::format(
        "wrong proof length: {} hashes, a consistency proof from size {} to {} needs {}",
        proof.size(), m, n, want));
  }
  // RFC 9162 2.1.4.2. When m is a power of two the old root is the path's first node.
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (m_is_perfect) path.push_back(root_m);
  path.insert(path.end(), proof.begin(), proof.end());

  std::uint64_t fn = m - 1;
  std::uint64_t sn = n - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return InvalidArgument("wrong proof length: the proof is longer than the path");
    if ((fn & 1) != 0 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return InvalidArgument("wrong proof length: the proof is shorter than the path");
  if (fr != root_m) {
    return core::DataLoss("consistency proof does not lead to the first tree's root");
  }
  if (sr != root_n) {
    return core::DataLoss("consistency proof does not lead to the second tree's root");
  }
  return Status::Ok();
}

}  // namespace candor::ledger
