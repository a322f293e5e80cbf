// A store with the default configuration and a few accounts and contacts, for
// ingest tests; and a dump of every table to prove a failed import changed nothing.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "ingest/ingest.h"
#include "store/sqlite.h"
#include "store/sqlite_store.h"

namespace candor::ingest::testing {

inline core::WorkspaceKeys FixedKeys() {
  core::WorkspaceKeys k;
  k.master.fill(11);
  k.index.fill(22);
  k.signing_seed.fill(33);
  return k;
}

class IngestFixture {
 public:
  explicit IngestFixture(const std::string& name) {
    dir_ = std::filesystem::temp_directory_path() /
           ("candor_ingest_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto cfg = core::ParseConfig(core::DefaultConfigText(), "candor.toml");
    EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
    config_ = *cfg;
    store::SqliteOptions o;
    o.create = true;
    auto s = store::OpenSqliteStore((dir_ / "candor.db").string(), o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    auto tx = store_->BeginWrite();
    EXPECT_TRUE(store_->SyncPurposes(config_.purposes).ok());
    EXPECT_TRUE((*tx)->Commit().ok());
    vault_ = std::make_unique<privacy::Vault>(FixedKeys());
    auto ledger = ledger::Ledger::Open(*store_, FixedKeys(), "candor.test/ingest");
    EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
    ledger_ = std::make_unique<ledger::Ledger>(std::move(ledger).value());
  }
  ~IngestFixture() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Write(const std::string& name, const std::string& bytes) {
    auto p = dir_ / name;
    std::ofstream out(p, std::ios::binary);
    out << bytes;
    return p.string();
  }

  Report Ingest(Kind kind, const std::vector<std::string>& files, const std::string& mapping = "",
                std::optional<core::Format> format = std::nullopt) {
    Request r;
    r.kind = kind;
    r.files = files;
    r.mapping = mapping;
    r.format = format;
    r.now = 1'780'000'000'000;
    auto rep = Run(*store_, config_, *vault_, *ledger_, r);
    EXPECT_TRUE(rep.ok()) << rep.status().ToString();
    return rep.ok() ? *rep : Report{};
  }

  // Accounts A1 (customer), A2 (prospect); contacts C1, C2.
  void AddBase() {
    auto a = Ingest(Kind::kAccounts, {Write("base_accounts.csv",
        "account_id,name,industry,employees,annual_revenue,country,status,created_at\n"
        "A1,Nordlicht Systems GmbH,software,120,1.5e7,DE,customer,2025-01-01T00:00:00Z\n"
        "A2,Ostwind Logistik AG,logistics,,,,prospect,2025-02-01T00:00:00Z\n")});
    ASSERT_TRUE(a.committed);
    auto c = Ingest(Kind::kContacts, {Write("base_contacts.csv",
        "contact_id,account_id,email,first_name,last_name,job_title,seniority,department,"
        "country,created_at,phone,time_zone,language,is_minor\n"
        "C1,A1,anna.berg@nordlicht.example,Anna,Berg,CTO,c_level,it,DE,2025-01-02T00:00:00Z,"
        "+49 30 5551234,Europe/Berlin,de,false\n"
        "C2,A2,tom.reed@ostwind.example,Tom,Reed,Buyer,mid,procurement,GB,"
        "2025-02-02T00:00:00Z,,Europe/London,en,false\n")});
    ASSERT_TRUE(c.committed);
  }

  // Every row of every table, in a stable order.
  std::string Dump() {
    auto db = store::sqlite::Db::Open((dir_ / "candor.db").string(), false);
    EXPECT_TRUE(db.ok());
    std::string out;
    auto tables = (*db)->Prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    std::vector<std::string> names;
    while (*tables->Step()) names.push_back(tables->Text(0));
    for (const auto& t : names) {
      out += "== " + t + "\n";
      auto rows = (*db)->Prepare("SELECT * FROM " + t + " ORDER BY 1");
      int cols = sqlite3_column_count(rows->raw());
      while (*rows->Step()) {
        for (int i = 0; i < cols; ++i) {
          auto b = rows->Blob(i);
          out.append(b.begin(), b.end());
          out += '|';
        }
        out += '\n';
      }
    }
    return out;
  }

  const std::filesystem::path& dir() const { return dir_; }
  store::Store& store() { return *store_; }
  core::Config& config() { return config_; }
  ledger::Ledger& ledger() { return *ledger_; }

 private:
  std::filesystem::path dir_;
  core::Config config_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<privacy::Vault> vault_;
  std::unique_ptr<ledger::Ledger> ledger_;
};

}  // namespace candor::ingest::testing
