#include "privacy/dsr.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "privacy/consent.h"
#include "store/sqlite_store.h"

namespace candor::privacy {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

core::WorkspaceKeys Keys() {
  core::WorkspaceKeys k;
  k.master.fill(3);
  k.index.fill(4);
  k.signing_seed.fill(5);
  return k;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class DsrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            fmt::format("candor_dsr_{}_{}", ::testing::UnitTest::GetInstance()->current_test_info()->name(),
                        ::getpid());
    fs::remove_all(root_);
    ws_ = root_ / "ws";
    fs::create_directories(ws_);
    config_ = *core::ParseConfig(core::DefaultConfigText(), "candor.toml");
    store::SqliteOptions o;
    o.create = true;
    store_ = std::move(store::OpenSqliteStore((ws_ / "candor.db").string(), o)).value();
    vault_ = std::make_unique<Vault>(Keys());
    ledger_ = std::make_unique<ledger::Ledger>(
        std::move(ledger::Ledger::Open(*store_, Keys(), "candor.test/dsr")).value());
    auto tx = std::move(store_->BeginWrite()).value();
    ASSERT_TRUE(store_->SyncPurposes(config_.purposes).ok());
    ASSERT_TRUE(store_->UpsertAccount({"ACC-ALPHA", "Alpha GmbH", "software", 10, 1e6, "DE", "customer", 1}).ok());
    ASSERT_TRUE(store_->UpsertAccount({"ACC-BETA", "Beta AG", "retail", 20, 2e6, "AT", "prospect", 2}).ok());
    a_ = Subject("alpha", "ACC-ALPHA");
    b_ = Subject("beta", "ACC-BETA");
    store::ModelRecord m;
    m.version = "conversion-1";
    m.target = "conversion";
    m.created_at = 1;
    m.spec = R"({"features":[{"name":"f_one"},{"name":"f_two"}]})";
    m.metrics = "{}";
    m.booster = "{}";
    ASSERT_TRUE(store_->registry().InsertModel(m).ok());
    auto run = store_->registry().InsertScoreRun({0, "conversion-1", 100, 100, 2});
    for (auto [key, tag, score] : {std::tuple{a_, "alpha", 61.5}, std::tuple{b_, "beta", 17.25}}) {
      store::ScoreRecord s{key, "conversion-1", *run, 100, score, score / 100, 0.5, {0.25, 0.5, -0.25},
                           fmt::format(R"({{"reasons":[{{"feature":"f_one","contribution":0.5,"text":{{"en":"reason-{}-en","de":"reason-{}-de"}}}}]}})",
                                       tag, tag)};
      ASSERT_TRUE(store_->registry().InsertScore(s).ok());
    }
    ASSERT_TRUE(store_->privacy().Restrict(b_, 50).ok());
    ASSERT_TRUE(ledger_->SignHead().ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  void TearDown() override {
    ledger_.reset();
    store_.reset();
    fs::remove_all(root_);
  }

  // A subject with a row in every table, its values tagged with `tag`.
  store::SubjectKey Subject(const std::string& tag, const std::string& account) {
    store::SubjectRecord r;
    r.id = core::SubjectId::Random();
    r.account_id = account;
    r.job_title = "title-" + tag;
    r.seniority = "senior";
    r.created_at = 10;
    r.source = "contacts";
    Identifiers ids{"contact-" + tag, tag + "@example.com", "First" + tag, "Last" + tag, "+49 30 " + std::to_string(tag.size())};
    auto sealed = vault_->SealNew(r.id, ids);
    store::SubjectKey k = *store_->InsertSubject(r, sealed.wrapped_key, sealed.identifiers);
    EXPECT_TRUE(store_->PutBlindIndex(vault_->Blind(BlindKind::kContactId, ids.contact_id), k).ok());
    EXPECT_TRUE(store_->UpsertAttribute({k, "lead_source", std::nullopt, "attr-" + tag}).ok());
    EXPECT_TRUE(store_->QueueEvent({k, 20, "page_view", "event-" + tag, "/url-" + tag, "camp-" + tag, 1.0}).ok());
    EXPECT_TRUE(store_->FlushEvents().ok());
    EXPECT_TRUE(store_->InsertConsent({k, "profiling", "grant", "consent", "source-" + tag, "method-" + tag,
                                       "notice-" + tag, "evidence-" + tag, 30, 30})
                    .ok());
    EXPECT_TRUE(store_->UpsertOutcome({k, "conversion", 40, 1}).ok());
    EXPECT_TRUE(store_->UpsertProtected(k, "gender", "gender-" + tag).ok());
    return k;
  }

  DsrContext Context() { return {*store_, *ledger_, *vault_, config_, ws_.string(), "test", 1000}; }

  fs::path root_, ws_;
  core::Config config_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Vault> vault_;
  std::unique_ptr<ledger::Ledger> ledger_;
  store::SubjectKey a_ = 0, b_ = 0;
};

TEST_F(DsrTest, ExportHoldsEveryRowOfTheSubjectAndNothingOfAnother) {
  auto r = ExportSubject(Context(), a_, (root_ / "out").string(), "en", 900);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string json = Read(root_ / "out" / "export.json");
  const std::string html = Read(root_ / "out" / "export.html");
  for (const char* marker : {"contact-alpha", "alpha@example.com", "Firstalpha", "Lastalpha",
                             "title-alpha", "Alpha GmbH", "attr-alpha", "/url-alpha", "camp-alpha",
                             "event-alpha", "source-alpha", "method-alpha", "notice-alpha",
                             "evidence-alpha", "gender-alpha", "reason-alpha-en", "reason-alpha-de"}) {
    EXPECT_THAT(json, HasSubstr(marker)) << marker;
  }
  for (const char* marker : {"alpha@example.com", "Alpha GmbH", "/url-alpha", "reason-alpha-en"}) {
    EXPECT_THAT(html, HasSubstr(marker)) << marker;
  }
  EXPECT_EQ(json.find("beta"), std::string::npos);
  EXPECT_EQ(html.find("beta"), std::string::npos);
  auto doc = nlohmann::json::parse(json);
  EXPECT_EQ(doc["scores"][0]["score"], 61.5);
  EXPECT_EQ(doc["scores"][0]["contributions"]["f_one"], 0.25);
  EXPECT_EQ(doc["scores"][0]["contributions"]["bias"], -0.25);
  ASSERT_EQ(doc["outcomes"].size(), 1u);
  EXPECT_EQ(doc["outcomes"][0]["target"], "conversion");
  EXPECT_EQ(doc["request"]["due"], "1970-02-01T00:00:00.900Z");  // received + one calendar month
  // The restricted subject's export shows the restriction and no purpose applying.
  auto rb = ExportSubject(Context(), b_, (root_ / "out-b").string(), "de", 900);
  ASSERT_TRUE(rb.ok());
  auto db = nlohmann::json::parse(Read(root_ / "out-b" / "export.json"));
  EXPECT_FALSE(db["restricted_since"].is_null());
  for (const auto& p : db["purposes"]) EXPECT_FALSE(p["applies_now"].get<bool>()) << p["purpose"];
  EXPECT_THAT(Read(root_ / "out-b" / "export.html"), HasSubstr("Die Verarbeitung ist eingeschränkt"));
}

TEST_F(DsrTest, ExportRefusesTheWorkspaceAndAnExistingDirectory) {
  auto inside = ExportSubject(Context(), a_, (ws_ / "sub").string(), "en", 900);
  EXPECT_EQ(inside.status().code(), core::StatusCode::kFailedPrecondition);
  fs::create_directories(root_ / "taken");
  auto taken = ExportSubject(Context(), a_, (root_ / "taken").string(), "en", 900);
  EXPECT_EQ(taken.status().code(), core::StatusCode::kAlreadyExists);
  // Neither left a request behind.
  EXPECT_TRUE(store_->privacy().ListRequests(false)->empty());
}

TEST_F(DsrTest, DueDateIsOneCalendarMonthLater) {
  EXPECT_EQ(DueDate(*core::ParseTimestamp("2026-01-31T10:00:00Z")), *core::ParseTimestamp("2026-02-28T10:00:00Z"));
  EXPECT_EQ(DueDate(*core::ParseTimestamp("2028-01-30T00:00:00Z")), *core::ParseTimestamp("2028-02-29T00:00:00Z"));
  EXPECT_EQ(DueDate(*core::ParseTimestamp("2026-12-15T08:30:00Z")), *core::ParseTimestamp("2027-01-15T08:30:00Z"));
}

TEST_F(DsrTest, ErasureDeletesEveryRowAndKeepsTheOtherSubject) {
  auto before = *store_->CountRows();
  auto r = EraseSubject(Context(), a_, 900);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->closed);
  auto after = *store_->CountRows();
  for (const char* t : {"subjects", "subject_keys", "vault", "subject_attributes", "events",
                        "consent_events", "outcomes", "protected_attributes", "scores"}) {
    EXPECT_EQ(after.rows[t], before.rows[t] - 1) << t;
  }
  EXPECT_EQ(after.rows["suppressions"], 1);  // the contact id hash
  EXPECT_EQ(store_->privacy().ReadSubject(a_).status().code(), core::StatusCode::kNotFound);
  EXPECT_TRUE(store_->privacy().ReadSubject(b_).ok());
}

TEST_F(DsrTest, WithdrawOfALegitimateInterestIsRefused) {
  ConsentChange c;
  c.subject = a_;
  c.purpose = "sales_outreach";
  c.action = "withdraw";
  auto r = CheckConsentChange(config_, c);
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("object instead"));
  c.purpose = "nope";
  EXPECT_THAT(CheckConsentChange(config_, c).status().message(), HasSubstr("unknown purpose"));
}

}  // namespace
}  // namespace candor::privacy
