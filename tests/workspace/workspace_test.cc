#include "workspace/workspace.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ingest/ingest.h"

namespace candor::workspace {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

fs::path Fresh(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("candor_ws_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  return p;
}

TEST(WorkspaceTest, InitThenOpenThenRefuseASecondInit) {
  fs::path dir = Fresh("init");
  auto r = Init(dir.string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->workspace_id.size(), 32u);
  auto ws = Open(dir.string());
  ASSERT_TRUE(ws.ok()) << ws.status().ToString();
  EXPECT_EQ(ws->config.purposes.size(), 6u);
  auto again = Init(dir.string());
  EXPECT_EQ(again.status().code(), core::StatusCode::kAlreadyExists);
  fs::remove_all(dir);
}

TEST(WorkspaceTest, PurposeChangesAreAppliedOnOpenAndRecordedInTheLedger) {
  fs::path dir = Fresh("purposes");
  ASSERT_TRUE(Init(dir.string()).ok());
  std::uint64_t size = 0;
  {
    auto ws = Open(dir.string());
    ASSERT_TRUE(ws.ok()) << ws.status().ToString();
    size = ws->ledger->Head()->size;
  }
  {
    auto ws = Open(dir.string());  // unchanged: nothing written
    ASSERT_TRUE(ws.ok());
    EXPECT_EQ(ws->ledger->Head()->size, size);
  }
  // Remove the purpose "monitoring" from candor.toml.
  std::string text;
  {
    std::ifstream in(dir / "candor.toml");
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  auto start = text.find("[purposes.monitoring]");
  auto end = text.find("[protected]");
  ASSERT_NE(start, std::string::npos);
  text.erase(start, end - start);
  std::ofstream(dir / "candor.toml") << text;
  auto ws = Open(dir.string());
  ASSERT_TRUE(ws.ok()) << ws.status().ToString();
  EXPECT_EQ(ws->ledger->Head()->size, size + 1);
  auto verified = ws->ledger->Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->reason;
  // Nobody is eligible for a purpose that is no longer configured.
  fs::path f = dir / "c.csv";
  std::ofstream(f) << "contact_id,account_id,email,first_name,last_name,job_title,seniority,"
                      "department,country,created_at\n"
                      "C1,,a@example.com,A,B,CTO,c_level,it,GB,2025-01-01T00:00:00Z\n";
  ingest::Request req;
  req.kind = ingest::Kind::kContacts;
  req.files = {f.string()};
  ASSERT_TRUE(ingest::Run(*ws->store, ws->config, *ws->vault, *ws->ledger, req).ok());
  int n = 0;
  ASSERT_TRUE(ws->store
                  ->ForEachEligibleSubject("monitoring", 1'900'000'000'000,
                                           [&](const store::EligibleSubject&) {
                                             ++n;
                                             return core::Status::Ok();
                                           })
                  .ok());
  EXPECT_EQ(n, 0);
  fs::remove_all(dir);
}

TEST(WorkspaceTest, OpeningADirectoryWithoutConfigSaysHowToCreateOne) {
  auto ws = Open(Fresh("none").string());
  EXPECT_EQ(ws.status().code(), core::StatusCode::kNotFound);
  EXPECT_THAT(ws.status().message(), HasSubstr("candor init"));
}

TEST(WorkspaceTest, AnInvalidConfigFileLeavesNothingBehind) {
  fs::path dir = Fresh("badcfg");
  fs::path cfg = fs::temp_directory_path() / ("candor_badcfg_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(cfg) << "[ingest]\nmax_errors = -1\n";
  auto r = Init(dir.string(), cfg.string());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("ingest.max_errors"));
  EXPECT_FALSE(fs::exists(dir));
}

TEST(WorkspaceTest, ResolveSubjectBySubjectIdContactIdAndEmail) {
  fs::path dir = Fresh("resolve");
  ASSERT_TRUE(Init(dir.string()).ok());
  auto ws = Open(dir.string());
  ASSERT_TRUE(ws.ok());
  fs::path f = dir / "c.csv";
  std::ofstream(f) << "contact_id,account_id,email,first_name,last_name,job_title,seniority,"
                      "department,country,created_at\n"
                      "C1,,Ada@Example.com,Ada,L,CTO,c_level,it,GB,2025-01-01T00:00:00Z\n";
  ingest::Request req;
  req.kind = ingest::Kind::kContacts;
  req.files = {f.string()};
  auto rep = ingest::Run(*ws->store, ws->config, *ws->vault, *ws->ledger, req);
  ASSERT_TRUE(rep.ok() && rep->committed);
  auto by_contact = ResolveSubject(*ws, {"", "C1", ""});
  ASSERT_TRUE(by_contact.ok()) << by_contact.status().ToString();
  auto by_email = ResolveSubject(*ws, {"", "", "ada@example.COM"});
  ASSERT_TRUE(by_email.ok());
  EXPECT_EQ(*by_email, *by_contact);
  auto vault = ws->store->ReadVault(*by_contact);
  ASSERT_TRUE(vault.ok());
  auto by_id = ResolveSubject(*ws, {vault->id.Hex(), "", ""});
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(*by_id, *by_contact);
  auto missing = ResolveSubject(*ws, {"", "C404", ""});
  EXPECT_EQ(missing.status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "no data held for this subject");
  EXPECT_EQ(ResolveSubject(*ws, {"xyz", "", ""}).status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveSubject(*ws, {"", "C1", "a@b.de"}).status().code(),
            core::StatusCode::kInvalidArgument);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace candor::workspace
