#include "ledger/checkpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace candor::ledger {
namespace {

using core::StatusCode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

template <std::size_t N>
std::array<std::uint8_t, N> FromHexArray(std::string_view hex) {
  const std::vector<std::uint8_t> bytes = *FromHex(hex);
  EXPECT_EQ(bytes.size(), N);
  std::array<std::uint8_t, N> out{};
  std::copy_n(bytes.begin(), std::min(N, bytes.size()), out.begin());
  return out;
}

// --- Checkpoint body ------------------------------------------------------------

// The example of C2SP tlog-checkpoint.
constexpr std::string_view kSpecBody =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

TEST(CheckpointBodyTest, MatchesTheC2spExample) {
  const Hash root = *HashFromBase64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  EXPECT_EQ(CheckpointBody("example.com/behind-the-sofa", 20852163, root), kSpecBody);
  EXPECT_EQ(CheckpointBody("candor/ledger", 0, EmptyRoot()),
            "candor/ledger\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
}

TEST(CheckpointBodyTest, ParsesBackWhatItWrites) {
  core::Result<Checkpoint> cp = ParseCheckpointBody(kSpecBody);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(cp->size, 20852163u);
  EXPECT_EQ(ToBase64(cp->root), "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  EXPECT_TRUE(cp->extensions.empty());

  const std::string with_ext = std::string(kSpecBody) + "ext one\nx\n";
  EXPECT_THAT(ParseCheckpointBody(with_ext)->extensions, ElementsAre("ext one", "x"));

  const std::string max = "o\n18446744073709551615\n" + ToBase64(EmptyRoot()) + "\n";
  EXPECT_EQ(ParseCheckpointBody(max)->size, 18446744073709551615u);
}

TEST(CheckpointBodyTest, RefusesMalformedBodies) {
  const std::string root = ToBase64(EmptyRoot());
  const struct {
    std::string body;
    const char* error;
  } kCases[] = {
      {"o\n1\n" + root, "does not end in a newline"},
      {"o\n1\n", "has 2 lines"},
      {"\n1\n" + root + "\n", "origin line is empty"},
      {"o\n01\n" + root + "\n", "without leading zeros"},
      {"o\n+1\n" + root + "\n", "without leading zeros"},
      {"o\n-1\n" + root + "\n", "without leading zeros"},
      {"o\n\n" + root + "\n", "without leading zeros"},
      {"o\n18446744073709551616\n" + root + "\n", "does not fit in 64 bits"},
      {"o\n1\n" + root.substr(0, 43) + "\n", "checkpoint root hash: not valid"},
      {"o\n1\nZm9vYmFy\n", "checkpoint root hash: a SHA-256 hash is 32 bytes"},
      {"o\n1\n" + root + "\n\n", "line 4 is empty"},
      {"o\r\n1\n" + root + "\n", "control character at byte 1"},
      {"o\xFF\n1\n" + root + "\n", "not valid UTF-8 at byte 1"},
  };
  for (const auto& c : kCases) {
    const core::Status s = ParseCheckpointBody(c.body).status();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_THAT(s.message(), HasSubstr(c.error)) << c.body;
  }
}

TEST(CheckpointBodyTest, ValidatesOrigins) {
  EXPECT_TRUE(ValidateOrigin("example.com/log42").ok());
  EXPECT_TRUE(ValidateOrigin("b\xC3\xA4r.example/l\xC3\xB6g").ok());
  for (const char* bad : {"", "a b", "a+b", "a\tb", "a\nb",
                          "a\xC2\xA0"
                          "b",
                          "a\xE3\x80\x80"
                          "b",
                          "a\xFF"}) {
    EXPECT_EQ(ValidateOrigin(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
}

// --- Ed25519 ---------------------------------------------------------------------

TEST(Ed25519Test, Rfc8032Test1KnownAnswer) {
  const auto seed =
      FromHexArray<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  const SigningKey key = *SigningKey::FromSeed(seed);
  EXPECT_EQ(ToHex(key.public_key),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const Signature sig = Sign(key, "");
  EXPECT_EQ(ToHex(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
            "39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(VerifySignature(key.public_key, "", sig).ok());
}

TEST(Ed25519Test, Rfc8032Test2KnownAnswer) {
  const auto seed =
      FromHexArray<32>("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  const SigningKey key = *SigningKey::FromSeed(seed);
  EXPECT_EQ(ToHex(key.public_key),
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  EXPECT_EQ(ToHex(Sign(key, "\x72")),
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f"
            "3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
}

TEST(Ed25519Test, SignedCheckpointRoundTripsAndTamperingIsDataLoss) {
  const SigningKey key = SigningKey::Generate();
  const std::string body = CheckpointBody("candor/ledger", 42, LeafHash("x"));
  const Signature sig = Sign(key, body);
  EXPECT_TRUE(VerifySignature(key.public_key, body, sig).ok());

  const std::string tampered = CheckpointBody("candor/ledger", 43, LeafHash("x"));
  const core::Status s = VerifySignature(key.public_key, tampered, sig);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "signature does not verify");

  Signature bad_sig = sig;
  bad_sig[10] ^= 0x01;
  EXPECT_EQ(VerifySignature(key.public_key, body, bad_sig).code(), StatusCode::kDataLoss);
  const SigningKey other = SigningKey::Generate();
  EXPECT_NE(other.public_key, key.public_key);
  EXPECT_EQ(VerifySignature(other.public_key, body, sig).code(), StatusCode::kDataLoss);
}

TEST(Ed25519Test, SeedMustBe32Bytes) {
  const std::vector<std::uint8_t> short_seed(31, 7);
  const core::Status s = SigningKey::FromSeed(short_seed).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "an Ed25519 seed is 32 bytes, got 31");
}

// --- Signed notes -----------------------------------------------------------------

// The example of golang.org/x/mod/sumdb/note, whose signer key is
// PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz
// (the base64 is 0x01 || seed).
constexpr std::string_view kPeterText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kPeterNote =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

SigningKey PeterKey() {
  const std::vector<std::uint8_t> typed =
      *FromBase64("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz");
  EXPECT_EQ(typed.size(), 33u);
  EXPECT_EQ(typed[0], 0x01);
  return *SigningKey::FromSeed(std::span(typed).subspan(1));
}

TEST(SignedNoteTest, GoSumdbNoteKnownAnswer) {
  const SigningKey key = PeterKey();
  EXPECT_EQ(NoteKeyId("PeterNeumann", key.public_key), 0xc74f20a3u);
  EXPECT_EQ(NoteVerifierKey("PeterNeumann", key.public_key),
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  EXPECT_EQ(*SignNote(kPeterText, "PeterNeumann", key), kPeterNote);
  EXPECT_EQ(*OpenNote(kPeterNote, "PeterNeumann", key.public_key), kPeterText);
}

TEST(SignedNoteTest, OpensTheC2spSignedNoteExample) {
  const std::vector<std::uint8_t> typed =
      *FromBase64("AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
  PublicKey pub;
  std::copy(typed.begin() + 1, typed.end(), pub.begin());
  EXPECT_EQ(NoteVerifierKey("example.com/foo", pub),
            "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
  const std::string note =
      "This is an example message.\n\n\xE2\x80\x94 example.com/foo "
      "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM="
      "\n";
  EXPECT_EQ(*OpenNote(note, "example.com/foo", pub), "This is an example message.\n");
}

TEST(SignedNoteTest, SignedCheckpointOpensAndParses) {
  const SigningKey key = SigningKey::Generate();
  const Hash root = LeafHash("entry");
  const std::string note =
      *SignNote(CheckpointBody("candor/ledger", 1, root), "candor/ledger", key);
  const std::string text = *OpenNote(note, "candor/ledger", key.public_key);
  const Checkpoint cp = *ParseCheckpointBody(text);
  EXPECT_EQ(cp.size, 1u);
  EXPECT_EQ(cp.root, root);
}

TEST(SignedNoteTest, IgnoresOtherKeysAndRejectsTampering) {
  const SigningKey peter = PeterKey();
  const SigningKey other = SigningKey::Generate();
  const std::string other_line =
      SignNote(kPeterText, "witness.example", other)->substr(kPeterText.size() + 1);
  // Another key's signature first, then ours: opens.
  std::string both = std::string(kPeterText) + "\n" + other_line +
                     std::string(kPeterNote.substr(kPeterText.size() + 1));
  EXPECT_EQ(*OpenNote(both, "PeterNeumann", peter.public_key), kPeterText);

  // Only another key's signature: no signature by the trusted key.
  const std::string only_other = std::string(kPeterText) + "\n" + other_line;
  const core::Status none = OpenNote(only_other, "PeterNeumann", peter.public_key).status();
  EXPECT_EQ(none.code(), StatusCode::kDataLoss);
  EXPECT_EQ(none.message(), "signed note has no signature by PeterNeumann");
  // Same name, different key: its ID differs, so it is someone else's.
  EXPECT_EQ(OpenNote(kPeterNote, "PeterNeumann", other.public_key).status().code(),
            StatusCode::kDataLoss);

  std::string tampered(kPeterNote);
  tampered[3] = 'X';
  const core::Status bad = OpenNote(tampered, "PeterNeumann", peter.public_key).status();
  EXPECT_EQ(bad.code(), StatusCode::kDataLoss);
  EXPECT_EQ(bad.message(), "signature by PeterNeumann does not verify");
}

TEST(SignedNoteTest, RefusesMalformedNotes) {
  const PublicKey pub = PeterKey().public_key;
  const std::string text(kPeterText);
  for (const std::string& note : {
           text,                                         // no signatures
           text + "\n",                                  // blank line, no signatures
           text + "\n- PeterNeumann x08go/ZJku\n",       // ASCII hyphen
           text + "\n\xE2\x80\x94 PeterNeumann\n",       // no signature
           text + "\n\xE2\x80\x94 PeterNeumann !!!!\n",  // not base64
           text + "\n\xE2\x80\x94 PeterNeumann AAAA\n",  // too short for a key ID
           text + "\n\xE2\x80\x94 \x01 AAAAAAAA\n",      // control character
       }) {
    EXPECT_EQ(OpenNote(note, "PeterNeumann", pub).status().code(), StatusCode::kInvalidArgument)
        << note;
  }
  const SigningKey key = PeterKey();
  EXPECT_EQ(SignNote("no newline", "PeterNeumann", key).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SignNote("", "PeterNeumann", key).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SignNote("tab\there\n", "PeterNeumann", key).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SignNote(kPeterText, "Peter Neumann", key).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace candor::ledger
