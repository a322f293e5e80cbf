// Store::ReadForPurpose against the eligibility query: the bulk reader merges
// its own scans of consent_events, so it must return exactly the subjects of
// ForEachEligibleSubject for every purpose, moment and number of threads, with
// each subject's data intact.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <random>

#include "store/fresh_store.h"
#include "store/sqlite_store.h"

namespace candor::store {
namespace {

namespace fs = std::filesystem;
using core::Status;

class SqliteReaderTest : public testing::FreshStoreTest {
 protected:
  void SetUp() override {
    FreshStoreTest::SetUp();
    if (HasFatalFailure()) return;
    // One purpose more that is then dropped from the configuration: inactive.
    std::vector<core::PurposeConfig> purposes = config_.purposes;
    core::PurposeConfig old = purposes.front();
    old.name = "retired";
    purposes.push_back(old);
    auto tx = store_->BeginWrite();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(store_->SyncPurposes(purposes).ok());
    ASSERT_TRUE(store_->SyncPurposes(config_.purposes).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  // `n` subjects with random consent histories (grants, withdrawals and
  // objections for every purpose and one unknown one, legal bases right and
  // wrong, ties in time), some minors, some restricted, some with events.
  void Populate(int n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<std::string> purposes{"retired", "no_such_purpose"};
    for (const auto& p : config_.purposes) purposes.push_back(p.name);
    const char* actions[] = {"grant", "withdraw", "object"};
    auto tx = store_->BeginWrite();
    ASSERT_TRUE(tx.ok());
    for (int i = 0; i < n; ++i) {
      SubjectRecord r;
      r.id = core::SubjectId::Random();
      r.is_minor = rng() % 10 == 0;
      r.job_title = fmt::format("title {}", i);
      r.source = "contacts";
      Sealed k{{1}, {2}}, v{{3}, {4}};
      auto key = store_->InsertSubject(r, k, v);
      ASSERT_TRUE(key.ok()) << key.status().ToString();
      const int consents = static_cast<int>(rng() % 6);
      for (int c = 0; c < consents; ++c) {
        ConsentRecord e;
        e.subject = *key;
        e.purpose = purposes[rng() % purposes.size()];
        e.action = actions[rng() % 10 < 6 ? 0 : rng() % 10 < 8 ? 1 : 2];
        e.legal_basis = rng() % 8 == 0 ? "legitimate_interest" : "consent";
        e.source = fmt::format("s{}", c);  // equal times stay distinct rows
        e.ts = static_cast<core::Instant>(rng() % 4) * 100;
        e.recorded_at = e.ts;
        ASSERT_TRUE(store_->InsertConsent(e).ok());
      }
      if (rng() % 12 == 0) {
        ASSERT_TRUE(store_->privacy().Restrict(*key, 0).ok());
      }
      for (int ev = 0; ev < static_cast<int>(rng() % 3); ++ev) {
        EventRecord e;
        e.subject = *key;
        e.ts = 10 + ev;
        e.type = "page_view";
        ASSERT_TRUE(store_->QueueEvent(e).ok());
      }
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  std::vector<SubjectKey> Eligible(std::string_view purpose, core::Instant at) {
    std::vector<SubjectKey> out;
    Status s = store_->ForEachEligibleSubject(purpose, at, [&](const EligibleSubject& e) {
      out.push_back(e.key);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  // The keys read, in part order and within each part in call order.
  std::vector<SubjectKey> Read(std::string_view purpose, core::Instant at, int threads) {
    std::vector<std::vector<SubjectKey>> parts(static_cast<std::size_t>(threads));
    std::mutex mu;
    ReadOptions o;
    o.events_before = at;
    o.threads = threads;
    Status s = store_->ReadForPurpose(purpose, at, o, [&](const SubjectData& d) {
      EXPECT_GE(d.part, 0);
      EXPECT_LT(d.part, threads);
      EXPECT_EQ(d.record->job_title, fmt::format("title {}", d.key - 1));
      for (const StoredEvent& e : *d.events) EXPECT_LT(e.ts, at);
      std::lock_guard<std::mutex> lock(mu);
      parts[static_cast<std::size_t>(d.part)].push_back(d.key);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<SubjectKey> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  }

};

TEST_F(SqliteReaderTest, ReadsExactlyTheEligibleSubjectsInKeyOrderOnAnyNumberOfThreads) {
  Populate(600, 7);
  std::vector<std::string> purposes{"retired"};
  for (const auto& p : config_.purposes) purposes.push_back(p.name);
  std::size_t nonempty = 0;
  for (const std::string& p : purposes) {
    for (core::Instant at : {-1, 0, 50, 100, 150, 200, 300, 1000}) {
      const std::vector<SubjectKey> want = Eligible(p, at);
      if (!want.empty()) ++nonempty;
      for (int threads : {1, 2, 3}) {
        EXPECT_EQ(Read(p, at, threads), want) << p << " at " << at << " on " << threads;
      }
    }
  }
  EXPECT_EQ(Eligible("retired", 1000).size(), 0U);  // inactive
  EXPECT_GT(nonempty, purposes.size());             // the histories are not trivial
}

TEST_F(SqliteReaderTest, OneSubjectIsReadAloneAndOnlyWhenEligible) {
  Populate(50, 11);
  const std::vector<SubjectKey> want = Eligible("profiling", 1000);
  ASSERT_FALSE(want.empty());
  for (SubjectKey k = 1; k <= 50; ++k) {
    ReadOptions o;
    o.events_before = 1000;
    o.subject = k;
    o.threads = 2;
    std::vector<SubjectKey> got;
    ASSERT_TRUE(store_
                    ->ReadForPurpose("profiling", 1000, o,
                                     [&](const SubjectData& d) {
                                       got.push_back(d.key);
                                       EXPECT_EQ(d.part, 0);
                                       return Status::Ok();
                                     })
                    .ok());
    const bool eligible = std::find(want.begin(), want.end(), k) != want.end();
    EXPECT_EQ(got, eligible ? std::vector<SubjectKey>{k} : std::vector<SubjectKey>{}) << k;
  }
}

TEST_F(SqliteReaderTest, AnErrorInOnePartEndsTheReadAndIsReturned) {
  Populate(400, 3);
  ReadOptions o;
  o.events_before = 1000;
  o.threads = 2;
  std::atomic<int> calls{0};
  Status s = store_->ReadForPurpose("monitoring", 1000, o, [&](const SubjectData& d) {
    ++calls;
    return d.part == 1 ? core::Internal("stop here") : Status::Ok();
  });
  EXPECT_EQ(s.code(), core::StatusCode::kInternal);
  EXPECT_THAT(s.message(), ::testing::HasSubstr("stop here"));
  EXPECT_LT(calls.load(), 400);
}

TEST_F(SqliteReaderTest, InsideAWriteTransactionTheReadSeesItsWritesOnOneThread) {
  Populate(100, 5);
  auto tx = store_->BeginWrite();
  ASSERT_TRUE(tx.ok());
  SubjectRecord r;
  r.id = core::SubjectId::Random();
  r.job_title = "title 100";
  r.source = "contacts";
  Sealed k{{1}, {2}}, v{{3}, {4}};
  auto key = store_->InsertSubject(r, k, v);
  ASSERT_TRUE(key.ok());
  const std::vector<SubjectKey> got = Read("monitoring", 1000, 2);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back(), *key);
  EXPECT_EQ(got, Eligible("monitoring", 1000));
}

}  // namespace
}  // namespace candor::store
