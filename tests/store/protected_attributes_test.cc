// PrivacyStore::ForEachProtectedAttribute: protected attributes are read only
// for subjects eligible for the named purpose (DESIGN invariants 1 and 3).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <tuple>

#include "store/fresh_store.h"
#include "store/sqlite_store.h"

namespace candor::store {
namespace {

namespace fs = std::filesystem;
using Row = std::tuple<std::int64_t, std::string, std::string>;

class ProtectedAttributesTest : public testing::FreshStoreTest {
 protected:
  SubjectKey AddSubject(std::string gender, std::string age) {
    SubjectRecord r;
    r.id = core::SubjectId::Random();
    r.created_at = 0;
    r.source = "contacts";
    Sealed k{{1, 2, 3}, {4, 5, 6}}, v{{7}, {8}};
    auto key = store_->InsertSubject(r, k, v);
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_TRUE(store_->UpsertProtected(*key, "gender", gender).ok());
    EXPECT_TRUE(store_->UpsertProtected(*key, "age_band", age).ok());
    return *key;
  }

  std::vector<Row> Read(std::string_view purpose, core::Instant at) {
    std::vector<Row> out;
    auto st = store_->privacy().ForEachProtectedAttribute(
        purpose, at, [&](std::int64_t s, std::string_view a, std::string_view v) {
          out.emplace_back(s, std::string(a), std::string(v));
          return core::Status::Ok();
        });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

};

TEST_F(ProtectedAttributesTest, ReadsOnlySubjectsEligibleForThePurpose) {
  auto tx = store_->BeginWrite();
  ASSERT_TRUE(tx.ok());
  SubjectKey a = AddSubject("female", "55+");
  SubjectKey b = AddSubject("male", "25-34");
  ConsentRecord c;
  c.subject = b;
  c.purpose = "fairness_audit";
  c.action = "object";
  c.legal_basis = "legitimate_interest";
  c.source = "test";
  c.ts = 1000;
  c.recorded_at = 1000;
  ASSERT_TRUE(store_->InsertConsent(c).ok());
  ASSERT_TRUE((*tx)->Commit().ok());

  // Before b's objection both are read, ordered by subject and attribute.
  EXPECT_THAT(Read("fairness_audit", 500),
              ::testing::ElementsAre(Row{a, "age_band", "55+"}, Row{a, "gender", "female"},
                                     Row{b, "age_band", "25-34"}, Row{b, "gender", "male"}));
  // After it, b's attributes are never read.
  EXPECT_THAT(Read("fairness_audit", 2000),
              ::testing::ElementsAre(Row{a, "age_band", "55+"}, Row{a, "gender", "female"}));
  // profiling needs consent, which neither gave.
  EXPECT_TRUE(Read("profiling", 2000).empty());
}

TEST_F(ProtectedAttributesTest, UnknownPurposeIsNotFound) {
  auto st = store_->privacy().ForEachProtectedAttribute(
      "no_such_purpose", 0, [](std::int64_t, std::string_view, std::string_view) {
        return core::Status::Ok();
      });
  EXPECT_EQ(st.code(), core::StatusCode::kNotFound);
  EXPECT_THAT(st.message(), ::testing::HasSubstr("no_such_purpose"));
}

}  // namespace
}  // namespace candor::store
