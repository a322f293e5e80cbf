// The store tests' common fixture: a new SQLite store in a directory of its own
// (named by test and process: several builds may run these tests at once), the
// default configuration parsed, and its purposes synced (SyncPurposes in one
// committed transaction). Removed again after the test.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/config.h"
#include "store/sqlite_store.h"

namespace candor::store::testing {

class FreshStoreTest : public ::testing::Test {
 protected:
  // A fixture that extends SetUp calls this first and returns on HasFatalFailure().
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           fmt::format("candor_store_{}_{}_{}",
                       ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name(), ::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    SqliteOptions o;
    o.create = true;
    auto s = OpenSqliteStore(db_path(), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    auto cfg = core::ParseConfig(core::DefaultConfigText(), "candor.toml");
    ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
    config_ = *cfg;
    auto tx = store_->BeginWrite();
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    ASSERT_TRUE(store_->SyncPurposes(config_.purposes).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string db_path() const { return (dir_ / "candor.db").string(); }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  core::Config config_;
};

}  // namespace candor::store::testing
