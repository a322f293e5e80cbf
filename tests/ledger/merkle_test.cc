#include "ledger/merkle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace candor::ledger {
namespace {

using core::StatusCode;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The leaves of the RFC 6962 reference tree used by transparency-dev/merkle (and by the
// probes in tests/data/merkle/transparency-dev.json).
std::vector<Hash> ReferenceLeafHashes() {
  const char* const inputs[] = {"",
                                "00",
                                "10",
                                "2021",
                                "3031",
                                "40414243",
                                "5051525354555657",
                                "606162636465666768696a6b6c6d6e6f"};
  std::vector<Hash> leaves;
  for (const char* hex : inputs) leaves.push_back(LeafHash(*FromHex(hex)));
  return leaves;
}

// Leaf hashes of entries "0", "1", ..., distinct by construction.
std::vector<Hash> MakeLeaves(std::size_t n) {
  std::vector<Hash> leaves;
  leaves.reserve(n);
  for (std::size_t i = 0; i < n; ++i) leaves.push_back(LeafHash(std::to_string(i)));
  return leaves;
}

Hash FlipBit(Hash h, std::size_t bit) {
  h[(bit / 8) % h.size()] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  return h;
}

// --- An oracle written straight from the RFC 9162 2.1 definitions (recursive, slow) ----

using Leaves = std::vector<Hash>;

Leaves Slice(const Leaves& d, std::size_t begin, std::size_t end) {
  return Leaves(d.begin() + static_cast<std::ptrdiff_t>(begin),
                d.begin() + static_cast<std::ptrdiff_t>(end));
}

std::size_t K(std::size_t n) {  // largest power of two smaller than n
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash Mth(const Leaves& d) {
  if (d.empty()) return EmptyRoot();
  if (d.size() == 1) return d[0];
  const std::size_t k = K(d.size());
  return NodeHash(Mth(Slice(d, 0, k)), Mth(Slice(d, k, d.size())));
}

Leaves Path(std::size_t m, const Leaves& d) {
  if (d.size() == 1) return {};
  const std::size_t k = K(d.size());
  Leaves out;
  if (m < k) {
    out = Path(m, Slice(d, 0, k));
    out.push_back(Mth(Slice(d, k, d.size())));
  } else {
    out = Path(m - k, Slice(d, k, d.size()));
    out.push_back(Mth(Slice(d, 0, k)));
  }
  return out;
}

Leaves Subproof(std::size_t m, const Leaves& d, bool b) {
  const std::size_t n = d.size();
  if (m == n) return b ? Leaves{} : Leaves{Mth(d)};
  const std::size_t k = K(n);
  Leaves out;
  if (m <= k) {
    out = Subproof(m, Slice(d, 0, k), b);
    out.push_back(Mth(Slice(d, k, n)));
  } else {
    out = Subproof(m - k, Slice(d, k, n), false);
    out.push_back(Mth(Slice(d, 0, k)));
  }
  return out;
}

// --- Hashing and encodings ---------------------------------------------------------

TEST(MerkleHashTest, EmptyTreeRootIsSha256OfNothing) {
  EXPECT_EQ(ToHex(EmptyRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(RootFromLeaves({}), EmptyRoot());
  EXPECT_EQ(MerkleAccumulator().Root(), EmptyRoot());
}

TEST(MerkleHashTest, LeafAndNodeHashesAreDomainSeparated) {
  // SHA-256(0x00) is the leaf hash of the empty entry.
  EXPECT_EQ(ToHex(LeafHash(std::string_view())),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_NE(LeafHash(std::string_view()), Sha256({}));
  const Hash a = LeafHash("a");
  const Hash b = LeafHash("b");
  std::vector<std::uint8_t> concat(a.begin(), a.end());
  concat.insert(concat.end(), b.begin(), b.end());
  EXPECT_NE(NodeHash(a, b), Sha256(concat));
  concat.insert(concat.begin(), 0x01);
  EXPECT_EQ(NodeHash(a, b), Sha256(concat));
}

TEST(MerkleHashTest, ReferenceTreeRootsForEverySize) {
  // Roots of the RFC 6962 reference tree at sizes 1..8 (transparency-dev/merkle).
  const char* const roots[] = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  const std::vector<Hash> leaves = ReferenceLeafHashes();
  for (std::size_t n = 1; n <= 8; ++n) {
    EXPECT_EQ(ToHex(RootFromLeaves(std::span(leaves).first(n))), roots[n - 1]) << "size " << n;
  }
}

TEST(EncodingTest, HexRoundTripsAndRefusesMalformedInput) {
  const std::vector<std::uint8_t> bytes = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(ToHex(bytes), "0001abff");
  EXPECT_EQ(*FromHex("0001abff"), bytes);
  EXPECT_EQ(*FromHex("0001ABFF"), bytes);
  EXPECT_TRUE(FromHex("")->empty());

  EXPECT_EQ(FromHex("abc").status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(FromHex("abc").status().message(), HasSubstr("odd length"));
  EXPECT_THAT(FromHex("0g").status().message(), HasSubstr("non-hex character at offset 1"));
  EXPECT_THAT(HashFromHex("00").status().message(), HasSubstr("64 hex characters, got 2"));
}

TEST(EncodingTest, Base64IsStrictPaddedStandardBase64) {
  const Hash root = *HashFromBase64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  EXPECT_EQ(ToBase64(root), "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  const std::string_view foo = "foobar";
  const std::vector<std::uint8_t> foobar(foo.begin(), foo.end());
  EXPECT_EQ(ToBase64(std::span(foobar).first(1)), "Zg==");
  EXPECT_EQ(ToBase64(std::span(foobar).first(2)), "Zm8=");
  EXPECT_EQ(ToBase64(foobar), "Zm9vYmFy");
  EXPECT_EQ(*FromBase64("Zm8="), std::vector<std::uint8_t>({'f', 'o'}));
  EXPECT_TRUE(FromBase64("")->empty());

  for (const char* bad :
       {"Zm8", "Zm8=\n", " Zm8=", "Zm9=", "Zm8=Zm8=", "Zm-=", "Z===", "Zm8==", "Zm8_"}) {
    EXPECT_EQ(FromBase64(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_THAT(HashFromBase64("Zm9vYmFy").status().message(),
              HasSubstr("32 bytes, the base64 holds 6"));
}

// --- transparency-dev probes ---------------------------------------------------------

nlohmann::json LoadProbes() {
  std::ifstream in(CANDOR_SOURCE_DIR "/tests/data/merkle/transparency-dev.json");
  EXPECT_TRUE(in.good()) << "missing tests/data/merkle/transparency-dev.json";
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

// A probe's hashes as our API takes them. The Go probes also hold byte strings of other
// lengths ("" as garbage, "don't care 1" as placeholder roots). HashFromHex refuses
// them (`strict` is false), as Go's verifier refuses hashes of the wrong size. To also
// put such probes through our verifiers, each is zero-padded to 32 bytes, which keeps
// equal strings equal and different ones different.
struct ProbeHashes {
  bool strict = true;
  std::vector<Hash> padded;
};

ProbeHashes DecodeProbeHashes(const std::vector<std::string>& hexes) {
  ProbeHashes out;
  for (const std::string& hex : hexes) {
    const std::vector<std::uint8_t> bytes = *FromHex(hex);
    EXPECT_LE(bytes.size(), 32u);
    Hash h{};
    std::copy(bytes.begin(), bytes.end(), h.begin());
    out.padded.push_back(h);
    const core::Result<Hash> strict = HashFromHex(hex);
    if (strict.ok()) {
      EXPECT_EQ(*strict, h);
    } else {
      EXPECT_EQ(strict.status().code(), StatusCode::kInvalidArgument);
      out.strict = false;
    }
  }
  return out;
}

// Go rejects this probe only because both hashes are empty strings; padded, leaf and
// root are equal and the probe would pass. HashFromHex refuses it.
constexpr std::string_view kRefusedOnlyForHashSize =
    "testdata/inclusion/single-entry/empty-root-and-leaf.json";
// Go accepts this probe without checking hash sizes (equal sizes, empty proof, equal
// placeholder roots "don't care 2"); HashFromHex would refuse the placeholders, so it
// runs padded.
constexpr std::string_view kValidWithPlaceholders =
    "testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json";

std::vector<std::string> Strings(const nlohmann::json& list) {
  return list.get<std::vector<std::string>>();
}

TEST(TransparencyDevProbesTest, FileKeepsItsSourceAndAllProbes) {
  const nlohmann::json probes = LoadProbes();
  EXPECT_THAT(probes.at("source").get<std::string>(),
              StartsWith("transparency-dev/merkle, commit"));
  EXPECT_EQ(probes.at("inclusion").size(), 98u);
  EXPECT_EQ(probes.at("consistency").size(), 98u);
}

// Each probe runs through the verifier; a probe that wants an error must get one from
// the verifier itself, not only from the hash decoder (except kRefusedOnlyForHashSize).
TEST(TransparencyDevProbesTest, InclusionProbes) {
  const nlohmann::json probes = LoadProbes();
  const std::vector<Hash> reference = ReferenceLeafHashes();
  int valid = 0;
  int rejected = 0;
  int regenerated = 0;
  for (const auto& probe : probes.at("inclusion")) {
    const std::string file = probe.at("file").get<std::string>();
    SCOPED_TRACE(file);
    const auto index = probe.at("leafIdx").get<std::uint64_t>();
    const auto size = probe.at("treeSize").get<std::uint64_t>();
    std::vector<std::string> hexes = Strings(probe.at("proof"));
    hexes.push_back(probe.at("leafHash").get<std::string>());
    hexes.push_back(probe.at("root").get<std::string>());
    ProbeHashes hashes = DecodeProbeHashes(hexes);
    const Hash root = hashes.padded.back();
    hashes.padded.pop_back();
    const Hash leaf = hashes.padded.back();
    hashes.padded.pop_back();
    const std::vector<Hash>& proof = hashes.padded;

    const core::Status status = VerifyInclusion(index, size, leaf, proof, root);
    if (probe.at("wantErr").get<bool>()) {
      ++rejected;
      if (file == kRefusedOnlyForHashSize) {
        EXPECT_FALSE(hashes.strict);
      } else {
        EXPECT_FALSE(status.ok());
      }
    } else {
      ++valid;
      EXPECT_TRUE(hashes.strict);
      EXPECT_TRUE(status.ok()) << status.ToString();
      // Probes on the reference tree: our generated proof is the published one.
      if (size <= reference.size() && root == RootFromLeaves(std::span(reference).first(size))) {
        EXPECT_EQ(*InclusionProof(reference, index, size), proof);
        ++regenerated;
      }
    }
  }
  EXPECT_EQ(valid, 6);
  EXPECT_EQ(rejected, 92);
  EXPECT_EQ(regenerated, 5);
}

TEST(TransparencyDevProbesTest, ConsistencyProbes) {
  const nlohmann::json probes = LoadProbes();
  const std::vector<Hash> reference = ReferenceLeafHashes();
  int valid = 0;
  int rejected = 0;
  int regenerated = 0;
  for (const auto& probe : probes.at("consistency")) {
    const std::string file = probe.at("file").get<std::string>();
    SCOPED_TRACE(file);
    const auto m = probe.at("size1").get<std::uint64_t>();
    const auto n = probe.at("size2").get<std::uint64_t>();
    std::vector<std::string> hexes = Strings(probe.at("proof"));
    hexes.push_back(probe.at("root1").get<std::string>());
    hexes.push_back(probe.at("root2").get<std::string>());
    ProbeHashes hashes = DecodeProbeHashes(hexes);
    const Hash root_n = hashes.padded.back();
    hashes.padded.pop_back();
    const Hash root_m = hashes.padded.back();
    hashes.padded.pop_back();
    const std::vector<Hash>& proof = hashes.padded;

    const core::Status status = VerifyConsistency(m, n, root_m, root_n, proof);
    if (probe.at("wantErr").get<bool>()) {
      ++rejected;
      EXPECT_FALSE(status.ok());
    } else {
      ++valid;
      EXPECT_EQ(hashes.strict, file != kValidWithPlaceholders);
      EXPECT_TRUE(status.ok()) << status.ToString();
      if (n <= reference.size() && root_n == RootFromLeaves(std::span(reference).first(n))) {
        EXPECT_EQ(*ConsistencyProof(reference, m, n), proof);
        ++regenerated;
      }
    }
  }
  EXPECT_EQ(valid, 6);
  EXPECT_EQ(rejected, 92);
  EXPECT_EQ(regenerated, 5);
}

// --- Errors ------------------------------------------------------------------------

TEST(InclusionTest, RefusesIndexOutsideTheTree) {
  const std::vector<Hash> leaves = MakeLeaves(3);
  const Hash root = RootFromLeaves(leaves);
  const core::Status s = VerifyInclusion(5, 3, leaves[0], {}, root);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "index 5 is outside a tree of size 3");
  EXPECT_EQ(InclusionProof(leaves, 3, 3).status().message(), "index 3 is outside a tree of size 3");
  EXPECT_EQ(VerifyInclusion(0, 0, leaves[0], {}, EmptyRoot()).code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(InclusionProof(leaves, 0, 4).status().message(),
              HasSubstr("tree size 4 is larger than the 3 leaf hashes given"));
}

TEST(InclusionTest, RefusesProofOfWrongLength) {
  const std::vector<Hash> leaves = MakeLeaves(8);
  const Hash root = RootFromLeaves(leaves);
  std::vector<Hash> proof = *InclusionProof(leaves, 5, 8);
  ASSERT_EQ(proof.size(), 3u);
  proof.push_back(root);
  const core::Status longer = VerifyInclusion(5, 8, leaves[5], proof, root);
  EXPECT_EQ(longer.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(longer.message(), "wrong proof length: 4 hashes, leaf 5 of a tree of size 8 needs 3");
  proof.resize(2);
  EXPECT_THAT(VerifyInclusion(5, 8, leaves[5], proof, root).message(),
              StartsWith("wrong proof length"));
}

TEST(InclusionTest, HugeTreeSizesAreHandled) {
  const Hash leaf = LeafHash("x");
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(VerifyInclusion(0, kMax, leaf, {}, leaf).message(),
            "wrong proof length: 0 hashes, leaf 0 of a tree of size 18446744073709551615 needs 64");
  EXPECT_EQ(VerifyInclusion(kMax - 1, kMax, leaf, {}, leaf).message(),
            "wrong proof length: 0 hashes, leaf 18446744073709551614 of a tree of size "
            "18446744073709551615 needs 63");
  const std::vector<Hash> path(64, leaf);
  EXPECT_EQ(VerifyInclusion(0, kMax, leaf, path, leaf).code(), StatusCode::kDataLoss);
  EXPECT_THAT(VerifyConsistency(1, kMax, leaf, leaf, {}).message(),
              HasSubstr("from size 1 to 18446744073709551615 needs 64"));
  EXPECT_THAT(VerifyConsistency(kMax - 1, kMax, leaf, leaf, {}).message(),
              StartsWith("wrong proof length"));
}

TEST(InclusionTest, TamperingIsDataLoss) {
  const std::vector<Hash> leaves = MakeLeaves(8);
  const Hash root = RootFromLeaves(leaves);
  const std::vector<Hash> proof = *InclusionProof(leaves, 5, 8);
  const core::Status s = VerifyInclusion(5, 8, leaves[4], proof, root);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "inclusion proof does not lead to the root");
}

TEST(ConsistencyTest, EmptyTreeHasNoConsistencyProof) {
  const std::vector<Hash> leaves = MakeLeaves(4);
  const Hash root = RootFromLeaves(leaves);
  EXPECT_EQ(ConsistencyProof(leaves, 0, 4).status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ConsistencyProof(leaves, 0, 0).status().message(),
              HasSubstr("an empty tree has no consistency proof"));
  EXPECT_EQ(VerifyConsistency(0, 4, EmptyRoot(), root, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(0, 0, EmptyRoot(), EmptyRoot(), {}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(0, 4, EmptyRoot(), root, std::vector<Hash>{root}).code(),
            StatusCode::kInvalidArgument);
}

TEST(ConsistencyTest, RefusesSizesOutOfOrderAndWrongLengths) {
  const std::vector<Hash> leaves = MakeLeaves(8);
  const Hash root6 = RootFromLeaves(std::span(leaves).first(6));
  const Hash root8 = RootFromLeaves(leaves);
  EXPECT_EQ(ConsistencyProof(leaves, 8, 6).status().message(),
            "first tree size 8 is larger than second tree size 6");
  EXPECT_EQ(VerifyConsistency(8, 6, root8, root6, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ConsistencyProof(leaves, 6, 9).status().message(),
              HasSubstr("tree size 9 is larger than the 8 leaf hashes given"));

  std::vector<Hash> proof = *ConsistencyProof(leaves, 6, 8);
  proof.pop_back();
  const core::Status s = VerifyConsistency(6, 8, root6, root8, proof);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "wrong proof length: 2 hashes, a consistency proof from size 6 to 8 needs 3");
  EXPECT_EQ(VerifyConsistency(8, 8, root8, root8, std::vector<Hash>{root8}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(8, 8, root8, root6, {}).code(), StatusCode::kDataLoss);
  EXPECT_TRUE(VerifyConsistency(8, 8, root8, root8, {}).ok());
  EXPECT_TRUE(ConsistencyProof(leaves, 8, 8)->empty());
}

TEST(ConsistencyTest, WrongRootsAreDataLoss) {
  const std::vector<Hash> leaves = MakeLeaves(8);
  const Hash root6 = RootFromLeaves(std::span(leaves).first(6));
  const Hash root8 = RootFromLeaves(leaves);
  const std::vector<Hash> proof = *ConsistencyProof(leaves, 6, 8);
  EXPECT_EQ(VerifyConsistency(6, 8, FlipBit(root6, 3), root8, proof).message(),
            "consistency proof does not lead to the first tree's root");
  EXPECT_EQ(VerifyConsistency(6, 8, root6, FlipBit(root8, 3), proof).message(),
            "consistency proof does not lead to the second tree's root");
}

// --- Properties ------------------------------------------------------------------------

TEST(InclusionPropertyTest, EveryLeafOfEverySizeUpTo70) {
  const std::vector<Hash> all = MakeLeaves(70);
  for (std::size_t size = 1; size <= all.size(); ++size) {
    const Leaves d = Slice(all, 0, size);
    const Hash root = RootFromLeaves(d);
    ASSERT_EQ(root, Mth(d)) << "size " << size;
    for (std::size_t index = 0; index < size; ++index) {
      SCOPED_TRACE("size " + std::to_string(size) + " index " + std::to_string(index));
      const std::vector<Hash> proof = *InclusionProof(all, index, size);
      ASSERT_EQ(proof, Path(index, d));
      ASSERT_TRUE(VerifyInclusion(index, size, d[index], proof, root).ok());
      for (std::size_t i = 0; i < proof.size(); ++i) {
        std::vector<Hash> bad = proof;
        bad[i] = FlipBit(bad[i], i * 37 + index);
        EXPECT_EQ(VerifyInclusion(index, size, d[index], bad, root).code(), StatusCode::kDataLoss);
      }
      EXPECT_EQ(VerifyInclusion(index, size, FlipBit(d[index], index), proof, root).code(),
                StatusCode::kDataLoss);
      EXPECT_EQ(VerifyInclusion(index, size, d[index], proof, FlipBit(root, size)).code(),
                StatusCode::kDataLoss);
      if (index + 1 < size) {
        EXPECT_FALSE(VerifyInclusion(index + 1, size, d[index], proof, root).ok());
      }
    }
  }
}

TEST(ConsistencyPropertyTest, EveryPairUpTo40) {
  const std::vector<Hash> all = MakeLeaves(40);
  for (std::size_t n = 1; n <= all.size(); ++n) {
    const Hash root_n = RootFromLeaves(std::span(all).first(n));
    for (std::size_t m = 1; m <= n; ++m) {
      SCOPED_TRACE("m " + std::to_string(m) + " n " + std::to_string(n));
      const Hash root_m = RootFromLeaves(std::span(all).first(m));
      const std::vector<Hash> proof = *ConsistencyProof(all, m, n);
      ASSERT_EQ(proof, Subproof(m, Slice(all, 0, n), true));
      ASSERT_TRUE(VerifyConsistency(m, n, root_m, root_n, proof).ok());
      for (std::size_t i = 0; i < proof.size(); ++i) {
        std::vector<Hash> bad = proof;
        bad[i] = FlipBit(bad[i], i * 29 + m);
        EXPECT_EQ(VerifyConsistency(m, n, root_m, root_n, bad).code(), StatusCode::kDataLoss);
      }
      EXPECT_EQ(VerifyConsistency(m, n, FlipBit(root_m, n), root_n, proof).code(),
                StatusCode::kDataLoss);
      EXPECT_EQ(VerifyConsistency(m, n, root_m, FlipBit(root_n, m), proof).code(),
                StatusCode::kDataLoss);
      if (m < n) {
        EXPECT_FALSE(VerifyConsistency(m, n, root_n, root_m, proof).ok());
      }
    }
  }
}

TEST(SubtreeHashFnTest, AsksOnlyForTreeNodesAndMatchesSpanProofs) {
  const std::vector<Hash> all = MakeLeaves(100);
  for (std::uint64_t size = 1; size <= all.size(); ++size) {
    int calls = 0;
    const SubtreeHashFn provider = [&](std::uint64_t begin,
                                       std::uint64_t end) -> core::Result<Hash> {
      ++calls;
      const std::uint64_t width = end - begin;
      const bool perfect = std::has_single_bit(width) && begin % width == 0;
      EXPECT_TRUE(begin < end && end <= size && (perfect || end == size))
          << "[" << begin << ", " << end << ") of size " << size;
      return RootFromLeaves(std::span(all).subspan(begin, width));
    };
    for (std::uint64_t index = 0; index < size; ++index) {
      EXPECT_EQ(*InclusionProof(provider, index, size), *InclusionProof(all, index, size));
    }
    for (std::uint64_t m = 1; m <= size; ++m) {
      EXPECT_EQ(*ConsistencyProof(provider, m, size), *ConsistencyProof(all, m, size));
    }
    if (size > 1) {
      EXPECT_GT(calls, 0);
    }
  }
}

TEST(SubtreeHashFnTest, ProviderErrorIsReturned) {
  const SubtreeHashFn failing = [](std::uint64_t, std::uint64_t) -> core::Result<Hash> {
    return core::Unavailable("database is locked");
  };
  EXPECT_EQ(InclusionProof(failing, 0, 2).status(), core::Unavailable("database is locked"));
  EXPECT_EQ(ConsistencyProof(failing, 1, 2).status(), core::Unavailable("database is locked"));
}

// --- Accumulator --------------------------------------------------------------------

TEST(MerkleAccumulatorTest, RootMatchesMthForEverySizeUpTo300) {
  const std::vector<Hash> all = MakeLeaves(300);
  MerkleAccumulator acc;
  for (std::size_t n = 1; n <= all.size(); ++n) {
    acc.Append(all[n - 1]);
    ASSERT_EQ(acc.size(), n);
    ASSERT_EQ(acc.peaks().size(), static_cast<std::size_t>(std::popcount(n)));
    ASSERT_EQ(acc.Root(), RootFromLeaves(std::span(all).first(n))) << "size " << n;
  }
}

TEST(MerkleAccumulatorTest, ResumesFromPeaks) {
  const std::vector<Hash> all = MakeLeaves(50);
  MerkleAccumulator first;
  for (std::size_t i = 0; i < 37; ++i) first.Append(all[i]);
  core::Result<MerkleAccumulator> resumed = MerkleAccumulator::FromPeaks(37, first.peaks());
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  for (std::size_t i = 37; i < all.size(); ++i) resumed->Append(all[i]);
  EXPECT_EQ(resumed->Root(), RootFromLeaves(all));

  const core::Status s = MerkleAccumulator::FromPeaks(37, {}).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "a tree of size 37 has 3 perfect subtrees, got 0 peak hashes");
  EXPECT_TRUE(MerkleAccumulator::FromPeaks(0, {}).ok());
}

TEST(LargeTreeTest, ThirtyThousandLeavesAgreeEverywhere) {
  const std::vector<Hash> all = MakeLeaves((1u << 15) + 1234);
  MerkleAccumulator acc;
  for (const Hash& h : all) acc.Append(h);
  const Hash root = RootFromLeaves(all);
  ASSERT_EQ(acc.Root(), root);
  for (const std::uint64_t index : {0ul, 1ul, 32767ul, 32768ul, all.size() - 1}) {
    const std::vector<Hash> proof = *InclusionProof(all, index, all.size());
    EXPECT_TRUE(VerifyInclusion(index, all.size(), all[index], proof, root).ok()) << index;
  }
  const Hash root_m = RootFromLeaves(std::span(all).first(1u << 15));
  EXPECT_TRUE(VerifyConsistency(1u << 15, all.size(), root_m, root,
                                *ConsistencyProof(all, 1u << 15, all.size()))
                  .ok());
}

// Timings, printed and never asserted. Run with
//   ledger_test --gtest_also_run_disabled_tests --gtest_filter='*Performance*'
TEST(MerklePerformanceTest, DISABLED_MillionLeaves) {
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
  };
  constexpr std::size_t kLeaves = 1'000'000;
  std::vector<Hash> leaves;
  leaves.reserve(kLeaves);

  auto t = Clock::now();
  MerkleAccumulator acc;
  for (std::size_t i = 0; i < kLeaves; ++i) {
    leaves.push_back(LeafHash("{\"seq\":" + std::to_string(i) + ",\"type\":\"consent\"}"));
    acc.Append(leaves.back());
  }
  const double append = seconds(t);

  t = Clock::now();
  const Hash root = RootFromLeaves(leaves);
  const double recompute = seconds(t);
  ASSERT_EQ(root, acc.Root());

  t = Clock::now();
  const std::vector<Hash> proof = *InclusionProof(leaves, 123'456, kLeaves);
  const double inclusion = seconds(t);
  ASSERT_TRUE(VerifyInclusion(123'456, kLeaves, leaves[123'456], proof, root).ok());

  t = Clock::now();
  const std::vector<Hash> consistency = *ConsistencyProof(leaves, 654'321, kLeaves);
  const double consistent = seconds(t);
  ASSERT_TRUE(VerifyConsistency(654'321, kLeaves, RootFromLeaves(std::span(leaves).first(654'321)),
                                root, consistency)
                  .ok());

  std::printf("leaf hash + append, 1M entries: %.3f s (%.0f entries/s)\n", append,
              kLeaves / append);
  std::printf("root from 1M leaf hashes:       %.3f s\n", recompute);
  std::printf("inclusion proof over 1M leaves: %.3f s\n", inclusion);
  std::printf("consistency proof over 1M:      %.3f s\n", consistent);
}

}  // namespace
}  // namespace candor::ledger
