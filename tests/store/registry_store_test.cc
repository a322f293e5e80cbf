#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <unistd.h>

#include <filesystem>

#include "core/config.h"
#include "store/fresh_store.h"
#include "store/sqlite.h"
#include "store/sqlite_store.h"

namespace candor::store {
namespace {

namespace fs = std::filesystem;

class RegistryStoreTest : public testing::FreshStoreTest {
 protected:
  void SetUp() override {
    FreshStoreTest::SetUp();
    if (HasFatalFailure()) return;
    tx_ = std::move(store_->BeginWrite()).value();
  }
  void TearDown() override {
    tx_.reset();
    FreshStoreTest::TearDown();
  }
  ModelRecord Model(std::string version, std::string target) {
    ModelRecord m;
    m.version = std::move(version);
    m.target = std::move(target);
    m.created_at = 1000;
    m.spec = R"({"features":[]})";
    m.metrics = R"({"auc":0.8})";
    m.booster = R"({"learner":{}})";
    return m;
  }
  std::unique_ptr<Transaction> tx_;
};

TEST_F(RegistryStoreTest, ModelsKeepCreationOrderAndTheirArtifacts) {
  RegistryStore& r = store_->registry();
  ASSERT_TRUE(r.InsertModel(Model("conversion-1", "conversion")).ok());
  ASSERT_TRUE(r.InsertModel(Model("churn-1", "churn")).ok());
  ASSERT_TRUE(r.InsertModel(Model("conversion-2", "conversion")).ok());
  EXPECT_EQ(*r.CountModels("conversion"), 2);
  auto list = r.ListModels();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].version, "conversion-1");
  EXPECT_EQ((*list)[1].version, "churn-1");
  EXPECT_EQ((*list)[2].version, "conversion-2");
  EXPECT_TRUE((*list)[0].booster.empty());
  auto full = r.FindModel("conversion-2", true);
  ASSERT_TRUE(full.ok() && full->has_value());
  EXPECT_EQ((*full)->booster, R"({"learner":{}})");
  EXPECT_EQ((*full)->status, "candidate");
  core::Status dup = r.InsertModel(Model("conversion-2", "conversion"));
  EXPECT_EQ(dup.code(), core::StatusCode::kAlreadyExists);
}

TEST_F(RegistryStoreTest, OneActiveModelPerTarget) {
  RegistryStore& r = store_->registry();
  ASSERT_TRUE(r.InsertModel(Model("conversion-1", "conversion")).ok());
  ASSERT_TRUE(r.InsertModel(Model("conversion-2", "conversion")).ok());
  EXPECT_FALSE(r.ActiveModel("conversion")->has_value());
  ASSERT_TRUE(r.SetModelStatus("conversion-1", "active").ok());
  EXPECT_EQ(**r.ActiveModel("conversion"), "conversion-1");
  EXPECT_FALSE(r.SetModelStatus("conversion-2", "active").ok());
  EXPECT_EQ(r.SetModelStatus("nope-1", "retired").code(), core::StatusCode::kNotFound);
  EXPECT_FALSE(r.SetModelStatus("conversion-2", "bogus").ok());
}

TEST_F(RegistryStoreTest, ScoresKeepExactContributionsAndGoWithTheirSubject) {
  RegistryStore& r = store_->registry();
  ASSERT_TRUE(r.InsertModel(Model("conversion-1", "conversion")).ok());
  SubjectRecord s;
  s.id = core::SubjectId::Random();
  s.source = "contacts";
  SubjectKey key = *store_->InsertSubject(s, {{1}, {2}}, {{3}, {4}});
  auto run = r.InsertScoreRun({0, "conversion-1", 5, 6, 0});
  ASSERT_TRUE(run.ok());
  ScoreRecord sc{key, "conversion-1", *run, 5, 42.5, 0.425, -0.3, {0.1, -0.2, 1.0 / 3}, R"([])"};
  ASSERT_TRUE(r.InsertScore(sc).ok());
  std::vector<ScoreRecord> got;
  ASSERT_TRUE(r.ForEachScore(key, [&](const ScoreRecord& x) {
                 got.push_back(x);
                 return core::Status::Ok();
               }).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].contributions, sc.contributions);  // bit-exact
  EXPECT_EQ(got[0].score, 42.5);
  ASSERT_TRUE(r.SetScoreRunRows(*run, 1).ok());
  ASSERT_TRUE(tx_->Commit().ok());
  EXPECT_EQ(store_->CountRows()->rows.at("scores"), 1);
  // Erasing the subject takes its scores with it (foreign key, ON DELETE CASCADE).
  auto db = sqlite::Db::Open((dir_ / "candor.db").string(), false);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec(fmt::format("PRAGMA foreign_keys=ON; DELETE FROM subjects WHERE "
                                      "subject_key = {}",
                                      key))
                  .ok());
  EXPECT_EQ(store_->CountRows()->rows.at("scores"), 0);
}

}  // namespace
}  // namespace candor::store
