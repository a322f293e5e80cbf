#include "privacy/vault.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace candor::privacy {
namespace {

core::WorkspaceKeys Keys(std::uint8_t fill) {
  core::WorkspaceKeys k;
  k.master.fill(fill);
  k.index.fill(static_cast<std::uint8_t>(fill + 1));
  k.signing_seed.fill(static_cast<std::uint8_t>(fill + 2));
  return k;
}

Identifiers Ada() { return {"C1", "ada@example.com", "Ada", "Lovelace", "+44 20 5550100"}; }

TEST(VaultTest, SealedIdentifiersOpenAgain) {
  Vault v(Keys(1));
  core::SubjectId id = core::SubjectId::Random();
  auto sealed = v.SealNew(id, Ada());
  store::VaultRecord rec{id, sealed.wrapped_key, sealed.identifiers};
  auto ids = v.Open(rec);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(ids->email, "ada@example.com");
  EXPECT_EQ(ids->last_name, "Lovelace");
  EXPECT_EQ(ids->phone, "+44 20 5550100");
}

TEST(VaultTest, CiphertextHoldsNoPlaintext) {
  Vault v(Keys(1));
  auto sealed = v.SealNew(core::SubjectId::Random(), Ada());
  std::string bytes(sealed.identifiers.ciphertext.begin(), sealed.identifiers.ciphertext.end());
  EXPECT_EQ(bytes.find("ada@"), std::string::npos);
  EXPECT_EQ(bytes.find("Lovelace"), std::string::npos);
}

TEST(VaultTest, WrongMasterKeyIsDataLoss) {
  core::SubjectId id = core::SubjectId::Random();
  auto sealed = Vault(Keys(1)).SealNew(id, Ada());
  auto ids = Vault(Keys(9)).Open({id, sealed.wrapped_key, sealed.identifiers});
  EXPECT_EQ(ids.status().code(), core::StatusCode::kDataLoss);
}

TEST(VaultTest, CiphertextIsBoundToItsSubject) {
  Vault v(Keys(1));
  core::SubjectId a = core::SubjectId::Random(), b = core::SubjectId::Random();
  auto sealed = v.SealNew(a, Ada());
  EXPECT_EQ(v.Open({b, sealed.wrapped_key, sealed.identifiers}).status().code(),
            core::StatusCode::kDataLoss);
}

TEST(VaultTest, ResealKeepsTheSubjectKey) {
  Vault v(Keys(1));
  core::SubjectId id = core::SubjectId::Random();
  auto sealed = v.SealNew(id, Ada());
  store::VaultRecord rec{id, sealed.wrapped_key, sealed.identifiers};
  Identifiers changed = Ada();
  changed.email = "ada@lovelace.example";
  auto again = v.Reseal(rec, changed);
  ASSERT_TRUE(again.ok());
  auto ids = v.Open({id, sealed.wrapped_key, *again});
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->email, "ada@lovelace.example");
}

TEST(VaultTest, BlindIndexIsKeyedDeterministicAndKindSeparated) {
  Vault v(Keys(1)), other(Keys(5));
  EXPECT_EQ(v.Blind(BlindKind::kEmail, "a@b.de"), v.Blind(BlindKind::kEmail, "a@b.de"));
  EXPECT_NE(v.Blind(BlindKind::kEmail, "a@b.de"), v.Blind(BlindKind::kContactId, "a@b.de"));
  EXPECT_NE(v.Blind(BlindKind::kEmail, "a@b.de"), other.Blind(BlindKind::kEmail, "a@b.de"));
}

TEST(VaultTest, NormalizeEmail) {
  EXPECT_EQ(*NormalizeEmail("  Ada.Lovelace@Example.COM "), "ada.lovelace@example.com");
  for (const char* bad : {"", "ada", "@example.com", "ada@", "ada@example", "a b@example.com",
                          "a@b@example.com", "ada@.com", "ada@example."}) {
    auto r = NormalizeEmail(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message(), "is not an email address");
  }
}

}  // namespace
}  // namespace candor::privacy
