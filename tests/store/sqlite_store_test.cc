#include "store/fresh_store.h"
#include "store/sqlite_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <unistd.h>

#include <filesystem>

#include "store/sqlite.h"

namespace candor::store {
namespace {

namespace fs = std::filesystem;

class SqliteStoreTest : public testing::FreshStoreTest {
 protected:
  SubjectKey AddSubject(bool minor = false) {
    SubjectRecord r;
    r.id = core::SubjectId::Random();
    r.is_minor = minor;
    r.created_at = 0;
    r.source = "contacts";
    Sealed k{{1, 2, 3}, {4, 5, 6}}, v{{7}, {8}};
    auto key = store_->InsertSubject(r, k, v);
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    return *key;
  }

  void Consent(SubjectKey s, std::string purpose, std::string action, core::Instant ts) {
    ConsentRecord c;
    c.subject = s;
    c.purpose = std::move(purpose);
    c.action = std::move(action);
    c.legal_basis = c.purpose == "profiling" || c.purpose == "email_marketing"
                        ? "consent"
                        : "legitimate_interest";
    c.source = "test";
    c.ts = ts;
    c.recorded_at = ts;
    auto r = store_->InsertConsent(c);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  std::vector<SubjectKey> Eligible(std::string_view purpose, core::Instant at) {
    std::vector<SubjectKey> out;
    Status s = store_->ForEachEligibleSubject(purpose, at, [&](const EligibleSubject& e) {
      out.push_back(e.key);
      return core::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  using Status = core::Status;
};

TEST_F(SqliteStoreTest, AppliesEveryMigrationAndTheRequiredPragmas) {
  auto v = store_->SchemaVersion();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, LatestSchemaVersion());
  auto db = sqlite::Db::Open((dir_ / "candor.db").string(), false);
  ASSERT_TRUE(db.ok());
  auto mode = (*db)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*mode->Step());
  EXPECT_EQ(mode->Text(0), "wal");
}

TEST_F(SqliteStoreTest, ReopeningKeepsTheSchemaAndRefusesNewerOnes) {
  store_.reset();
  auto again = OpenSqliteStore((dir_ / "candor.db").string());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  again->reset();
  auto db = sqlite::Db::Open((dir_ / "candor.db").string(), false);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("INSERT INTO schema_migrations VALUES (999, 'future', 0)").ok());
  db->reset();
  auto newer = OpenSqliteStore((dir_ / "candor.db").string());
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.status().code(), core::StatusCode::kUnavailable);
  EXPECT_THAT(newer.status().message(), ::testing::HasSubstr("newer than this candor build"));
}

TEST_F(SqliteStoreTest, MissingFileIsNotFoundWithoutCreate) {
  auto s = OpenSqliteStore((dir_ / "nope.db").string());
  EXPECT_EQ(s.status().code(), core::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, UncommittedTransactionRollsBack) {
  {
    auto tx = store_->BeginWrite();
    ASSERT_TRUE(tx.ok());
    AddSubject();
    // A second write transaction on the same connection is a programming error.
    EXPECT_EQ(store_->BeginWrite().status().code(), core::StatusCode::kInternal);
  }
  auto counts = store_->CountRows();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->rows.at("subjects"), 0);
  EXPECT_EQ(counts->rows.at("subject_keys"), 0);
}

TEST_F(SqliteStoreTest, ConsentPurposeNeedsAGrantThatWasNotWithdrawn) {
  auto tx = store_->BeginWrite();
  SubjectKey a = AddSubject(), b = AddSubject(), c = AddSubject();
  Consent(a, "profiling", "grant", 100);
  Consent(b, "profiling", "grant", 100);
  Consent(b, "profiling", "withdraw", 200);
  Consent(c, "profiling", "grant", 300);
  ASSERT_TRUE((*tx)->Commit().ok());
  EXPECT_THAT(Eligible("profiling", 150), ::testing::ElementsAre(a, b));
  EXPECT_THAT(Eligible("profiling", 250), ::testing::ElementsAre(a));
  EXPECT_THAT(Eligible("profiling", 350), ::testing::ElementsAre(a, c));
  EXPECT_THAT(Eligible("profiling", 50), ::testing::IsEmpty());
}

TEST_F(SqliteStoreTest, LegitimateInterestHoldsUntilObjection) {
  auto tx = store_->BeginWrite();
  SubjectKey a = AddSubject(), b = AddSubject();
  Consent(b, "fairness_audit", "object", 100);
  ASSERT_TRUE((*tx)->Commit().ok());
  EXPECT_THAT(Eligible("fairness_audit", 50), ::testing::ElementsAre(a, b));
  EXPECT_THAT(Eligible("fairness_audit", 150), ::testing::ElementsAre(a));
  // An objection to a non-marketing purpose does not touch marketing purposes.
  EXPECT_THAT(Eligible("segmentation", 150), ::testing::ElementsAre(a, b));
}

TEST_F(SqliteStoreTest, ObjectionToDirectMarketingEndsEveryDirectMarketingPurpose) {
  auto tx = store_->BeginWrite();
  SubjectKey a = AddSubject(), b = AddSubject();
  for (SubjectKey s : {a, b}) {
    Consent(s, "profiling", "grant", 10);
    Consent(s, "email_marketing", "grant", 10);
  }
  Consent(b, "sales_outreach", "object", 100);
  // A later grant does not undo an objection to direct marketing (Art. 21(3)).
  Consent(b, "profiling", "grant", 200);
  ASSERT_TRUE((*tx)->Commit().ok());
  for (const char* p : {"profiling", "email_marketing", "sales_outreach", "segmentation"}) {
    EXPECT_THAT(Eligible(p, 300), ::testing::ElementsAre(a)) << p;
  }
  EXPECT_THAT(Eligible("monitoring", 300), ::testing::ElementsAre(a, b));
}

TEST_F(SqliteStoreTest, MinorsAreNeverProcessedForDirectMarketing) {
  auto tx = store_->BeginWrite();
  SubjectKey adult = AddSubject(false), minor = AddSubject(true);
  Consent(adult, "profiling", "grant", 10);
  Consent(minor, "profiling", "grant", 10);
  ASSERT_TRUE((*tx)->Commit().ok());
  EXPECT_THAT(Eligible("profiling", 20), ::testing::ElementsAre(adult));
  EXPECT_THAT(Eligible("monitoring", 20), ::testing::ElementsAre(adult, minor));
}

TEST_F(SqliteStoreTest, UnknownPurposeIsNotFound) {
  Status s = store_->ForEachEligibleSubject("nope", 0, [](const EligibleSubject&) {
    return Status::Ok();
  });
  EXPECT_EQ(s.code(), core::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, ConsentEventsAreAppendOnlyAndDeduplicated) {
  auto tx = store_->BeginWrite();
  SubjectKey a = AddSubject();
  ConsentRecord c{a, "profiling", "grant", "consent", "web", "", "", "", 10, 10};
  EXPECT_TRUE(*store_->InsertConsent(c));
  EXPECT_FALSE(*store_->InsertConsent(c));
  ASSERT_TRUE((*tx)->Commit().ok());
  auto db = sqlite::Db::Open((dir_ / "candor.db").string(), false);
  Status s = (*db)->Exec("UPDATE consent_events SET action = 'withdraw'");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), ::testing::HasSubstr("append-only"));
}

TEST_F(SqliteStoreTest, EventsAreDeduplicatedByEventId) {
  auto tx = store_->BeginWrite();
  SubjectKey a = AddSubject();
  EventRecord e{a, 1000, "page_view", "E1", "/pricing", "", std::nullopt};
  ASSERT_TRUE(store_->QueueEvent(e).ok());
  ASSERT_TRUE(store_->QueueEvent(e).ok());  // a duplicate within the batch
  EXPECT_EQ(*store_->FlushEvents(), 1);
  ASSERT_TRUE(store_->QueueEvent(e).ok());  // a duplicate of a stored event
  EventRecord no_id{a, 1000, "page_view", "", "/pricing", "", std::nullopt};
  ASSERT_TRUE(store_->QueueEvent(no_id).ok());
  ASSERT_TRUE(store_->QueueEvent(no_id).ok());
  EXPECT_EQ(*store_->FlushEvents(), 2);
  // More than one batch, with a duplicate across the batch boundary.
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) ids.push_back(fmt::format("B{}", i % 250));
  for (const auto& id : ids) {
    ASSERT_TRUE(store_->QueueEvent({a, 5, "email_open", id, "", "CMP-1", 1.5}).ok());
  }
  EXPECT_EQ(*store_->FlushEvents(), 250);
  ASSERT_TRUE((*tx)->Commit().ok());
  EXPECT_EQ(store_->CountRows()->rows.at("events"), 253);
  EXPECT_EQ(store_->CountRows()->rows.at("urls"), 1);
}

TEST_F(SqliteStoreTest, RolledBackDictionaryEntriesAreNotReused) {
  {
    auto tx = store_->BeginWrite();
    SubjectKey a = AddSubject();
    EXPECT_TRUE(store_->QueueEvent({a, 1, "webinar", "", "", "", std::nullopt}).ok());
    EXPECT_EQ(*store_->FlushEvents(), 1);
  }
  auto tx = store_->BeginWrite();
  SubjectKey a = AddSubject();
  ASSERT_TRUE(store_->QueueEvent({a, 1, "webinar", "", "", "", std::nullopt}).ok());
  ASSERT_TRUE((*tx)->Commit().ok());  // Commit flushes queued events
  EXPECT_EQ(store_->CountRows()->rows.at("events"), 1);
  EXPECT_EQ(store_->CountRows()->rows.at("event_types"), 1);
}

TEST_F(SqliteStoreTest, RollbackDropsQueuedEventsAndTheWriterRecovers) {
  SubjectKey a = 0;
  {
    auto tx = store_->BeginWrite();
    a = AddSubject();
    for (int i = 0; i < 1000; ++i) {
      ASSERT_TRUE(store_->QueueEvent({a, i, "page_view", fmt::format("R{}", i), "/x", "", 1.0}).ok());
    }
  }  // rolled back with ~1000 events queued or in flight
  EXPECT_EQ(store_->CountRows()->rows.at("events"), 0);
  EXPECT_EQ(store_->CountRows()->rows.at("urls"), 0);
  auto tx = store_->BeginWrite();
  a = AddSubject();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(store_->QueueEvent({a, i, "page_view", fmt::format("R{}", i), "/x", "", 1.0}).ok());
  }
  // Reads in the middle of a stream see every event queued before them.
  EXPECT_EQ(store_->CountRows()->rows.at("events"), 1000);
  EXPECT_EQ(*store_->FlushEvents(), 1000);
  ASSERT_TRUE((*tx)->Commit().ok());
  EXPECT_EQ(store_->CountRows()->rows.at("events"), 1000);
}

TEST_F(SqliteStoreTest, DeletingASubjectDeletesItsEvents) {
  auto tx = store_->BeginWrite();
  SubjectKey a = AddSubject(), b = AddSubject();
  ASSERT_TRUE(store_->QueueEvent({a, 1, "webinar", "", "", "", std::nullopt}).ok());
  ASSERT_TRUE(store_->QueueEvent({b, 1, "webinar", "", "", "", std::nullopt}).ok());
  ASSERT_TRUE((*tx)->Commit().ok());
  auto db = sqlite::Db::Open((dir_ / "candor.db").string(), false);
  ASSERT_TRUE(
      (*db)->Exec(fmt::format("PRAGMA foreign_keys=ON; DELETE FROM subjects WHERE subject_key = {}", a))
          .ok());
  EXPECT_EQ(store_->CountRows()->rows.at("events"), 1);
  EXPECT_EQ(store_->CountRows()->rows.at("vault"), 1);
}

TEST_F(SqliteStoreTest, UpsertsReportWhatChanged) {
  auto tx = store_->BeginWrite();
  SubjectKey a = AddSubject();
  EXPECT_EQ(*store_->UpsertProtected(a, "gender", "female"), Upsert::kInserted);
  EXPECT_EQ(*store_->UpsertProtected(a, "gender", "female"), Upsert::kUnchanged);
  EXPECT_EQ(*store_->UpsertProtected(a, "gender", "male"), Upsert::kUpdated);
  OutcomeRecord o{a, "conversion", 5, 1};
  EXPECT_EQ(*store_->UpsertOutcome(o), Upsert::kInserted);
  EXPECT_EQ(*store_->UpsertOutcome(o), Upsert::kUnchanged);
  AccountRecord acc{"A1", "Acme", "", std::nullopt, std::nullopt, "", "prospect", 0};
  EXPECT_EQ(*store_->UpsertAccount(acc), Upsert::kInserted);
  EXPECT_EQ(*store_->UpsertAccount(acc), Upsert::kUpdated);
  ASSERT_TRUE((*tx)->Commit().ok());
}

}  // namespace
}  // namespace candor::store
