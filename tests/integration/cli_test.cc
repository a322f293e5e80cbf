// End-to-end tests of the candor command: init, generate, ingest, the JSON
// contract, exit codes, and that no direct identifier reaches the database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <filesystem>

#include "core/record_reader.h"
#include "integration/cli_helpers.h"

namespace candor::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

nlohmann::json Json(const RunResult& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "stdout is not one JSON document:\n" << r.out;
  return j;
}

// Column `name` of every row of a CSV file.
std::vector<std::string> Column(const fs::path& file, const std::string& name) {
  auto reader = core::OpenRecordReader(file.string(), core::Format::kCsv, {});
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<std::string> out;
  const auto& cols = (*reader)->columns();
  auto idx = static_cast<std::size_t>(std::find(cols.begin(), cols.end(), name) - cols.begin());
  core::Row row;
  while ((*reader)->Next(row) == core::ReadResult::kRow) {
    if (idx < row.values.size()) out.emplace_back(row.values[idx].text);
  }
  return out;
}

TEST(CliTest, VersionNamesCandorXgboostAndSqlite) {
  auto r = RunCandor({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("candor 0.1.0"));
  EXPECT_THAT(r.out, HasSubstr("XGBoost 1.7.4"));
  EXPECT_THAT(r.out, HasSubstr("SQLite 3."));
}

TEST(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCandor({}).exit_code, 2);
  EXPECT_EQ(RunCandor({"frobnicate"}).exit_code, 2);
  auto r = RunCandor({"--json", "ingest", "nonsense", "x.csv"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Json(r)["schema_version"], 1);
}

TEST(CliTest, InitWritesConfigKeysAndDatabaseAndRefusesAnExistingWorkspace) {
  fs::path dir = FreshDir("init") / "ws";
  auto r = RunCandor({"init", dir.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "candor.toml"));
  EXPECT_TRUE(fs::exists(dir / "candor.db"));
  struct stat st {};
  ASSERT_EQ(::stat((dir / "keys").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  for (const char* k : {"master.key", "index.key", "signing.key"}) {
    ASSERT_EQ(::stat((dir / "keys" / k).c_str(), &st), 0) << k;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << k;
  }
  // Every setting present and commented: the written file is the default text.
  std::string toml = ReadFile(dir / "candor.toml");
  EXPECT_THAT(toml, HasSubstr("max_field_bytes = 1048576"));
  EXPECT_THAT(toml, HasSubstr("[purposes.fairness_audit]"));
  auto again = RunCandor({"init", dir.string()});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("is already a candor workspace"));
}

TEST(CliTest, InitUsesEnvironmentKeysWhenAllAreSet) {
  fs::path dir = FreshDir("init_env") / "ws";
  std::vector<std::string> env = {"CANDOR_MASTER_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                                  "CANDOR_INDEX_KEY=AQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                                  "CANDOR_SIGNING_KEY=AgECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="};
  auto r = RunCandor({"--json", "init", dir.string()}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json(r)["keys"], "environment");
  EXPECT_FALSE(fs::exists(dir / "keys"));
  // Without the variables the workspace cannot be opened: the error names them.
  auto no_keys = RunCandor({"--workspace", dir.string(), "ingest", "accounts", "x.csv"});
  EXPECT_EQ(no_keys.exit_code, 2);
  EXPECT_THAT(no_keys.err, HasSubstr("CANDOR_MASTER_KEY"));
}

TEST(CliTest, WorkspaceComesFromTheEnvironmentWithoutTheFlag) {
  fs::path dir = FreshDir("ws_env") / "ws";
  ASSERT_EQ(RunCandor({"init", dir.string()}).exit_code, 0);
  auto r = RunCandor({"--json", "ingest", "accounts", "/nonexistent.csv"},
                     {"CANDOR_WORKSPACE=" + dir.string()});
  EXPECT_EQ(r.exit_code, 2);
  auto j = Json(r);
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_EQ(j["errors"][0]["message"], "no such file");
}

class GeneratedWorkspace : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(FreshDir("generated"));
    ws_ = *root_ / "ws";
    data_ = *root_ / "data";
    ASSERT_EQ(RunCandor({"init", ws_.string()}).exit_code, 0);
    auto g = RunCandor({"generate", "--out", data_.string(), "--contacts", "600", "--seed", "7"});
    ASSERT_EQ(g.exit_code, 0) << g.err;
  }
  static void TearDownTestSuite() { delete root_; }
  static RunResult Ingest(const std::string& kind, const std::string& file) {
    return RunCandor({"--workspace", ws_.string(), "--json", "ingest", kind, (data_ / file).string()});
  }
  static fs::path* root_;
  static fs::path ws_, data_;
};
fs::path* GeneratedWorkspace::root_ = nullptr;
fs::path GeneratedWorkspace::ws_, GeneratedWorkspace::data_;

TEST_F(GeneratedWorkspace, EveryKindImportsWithTheDefaultConfigAndIsIdempotent) {
  const std::pair<const char*, const char*> kinds[] = {
      {"accounts", "accounts.csv"}, {"contacts", "contacts.csv"}, {"events", "events.csv"},
      {"consents", "consents.csv"}, {"outcomes", "outcomes.csv"}, {"attributes", "attributes.csv"}};
  for (const auto& [kind, file] : kinds) {
    auto r = Ingest(kind, file);
    ASSERT_EQ(r.exit_code, 0) << kind << "\n" << r.err << r.out;
    auto j = Json(r);
    for (const char* key : {"kind", "rows", "inserted", "updated", "rejected", "errors"}) {
      EXPECT_TRUE(j.contains(key)) << key;
    }
    EXPECT_EQ(j["kind"], kind);
    EXPECT_EQ(j["rejected"], 0);
    EXPECT_GT(j["rows"].get<int>(), 0);
    // Rows of contacts that objected to direct marketing (in consents.csv) are
    // suppressed in every later import.
    EXPECT_EQ(j["inserted"].get<int>() + j["updated"].get<int>() + j["duplicates"].get<int>() +
                  j["unchanged"].get<int>() + j["suppressed"].get<int>(),
              j["rows"].get<int>())
        << kind;
  }
  // A second import of the same events stores nothing new.
  auto again = Json(Ingest("events", "events.csv"));
  EXPECT_EQ(again["inserted"], 0);
  EXPECT_GT(again["suppressed"].get<int>(), 0);
  EXPECT_EQ(again["duplicates"].get<int>() + again["suppressed"].get<int>(), again["rows"].get<int>());
  // Contacts again: every row updates (last wins), none is inserted.
  auto contacts = Json(Ingest("contacts", "contacts.csv"));
  EXPECT_EQ(contacts["inserted"], 0);
  EXPECT_EQ(contacts["updated"].get<int>() + contacts["suppressed"].get<int>(), contacts["rows"].get<int>());

  // No email, phone number or contact id in the database or its WAL, byte for byte.
  std::string bytes = ReadFile(ws_ / "candor.db");
  if (fs::exists(ws_ / "candor.db-wal")) bytes += ReadFile(ws_ / "candor.db-wal");
  ASSERT_GT(bytes.size(), 100000u);
  auto emails = Column(data_ / "contacts.csv", "email");
  auto phones = Column(data_ / "contacts.csv", "phone");
  auto ids = Column(data_ / "contacts.csv", "contact_id");
  // Names of six or more bytes (shorter ones turn up by chance in ciphertext).
  auto names = Column(data_ / "contacts.csv", "last_name");
  ASSERT_EQ(emails.size(), 600u);
  std::size_t checked = 0;
  for (const auto* list : {&emails, &phones, &ids, &names}) {
    for (const auto& v : *list) {
      if (v.empty() || (list == &names && v.size() < 6)) continue;
      ++checked;
      EXPECT_EQ(bytes.find(v), std::string::npos) << "found an identifier in the database";
    }
  }
  EXPECT_GT(checked, 1500u);
}

TEST_F(GeneratedWorkspace, AFailedImportWritesNothingAndReportsEveryError) {
  ASSERT_EQ(Ingest("accounts", "accounts.csv").exit_code, 0);
  ASSERT_EQ(Ingest("contacts", "contacts.csv").exit_code, 0);
  fs::path bad = *root_ / "bad_events.csv";
  {
    std::ofstream out(bad);
    out << "contact_id,type,ts\nC0000001,page_view,2026-01-01T10:00:00\nNOPE,page_view,"
           "2026-01-01T10:00:00Z\nC0000001,Page View,2026-02-30T10:00:00Z\n";
  }
  auto r = RunCandor({"--workspace", ws_.string(), "--json", "ingest", "events", bad.string()});
  EXPECT_EQ(r.exit_code, 2);
  auto j = Json(r);
  EXPECT_EQ(j["rejected"], 3);
  ASSERT_EQ(j["errors"].size(), 4u) << r.out;
  EXPECT_EQ(j["errors"][0]["line"], 2);
  EXPECT_THAT(j["errors"][0]["message"].get<std::string>(), HasSubstr("ts: timestamp has no time zone"));
  EXPECT_THAT(j["errors"][1]["message"].get<std::string>(), HasSubstr("contact_id: unknown contact"));
  EXPECT_THAT(r.err, HasSubstr("bad_events.csv:2:"));
  EXPECT_THAT(r.err, HasSubstr("nothing was written"));
  // The message never echoes the identifier.
  EXPECT_EQ(r.err.find("NOPE"), std::string::npos);
}

}  // namespace
}  // namespace candor::testing

namespace candor::testing {
namespace {

TEST(DemoTest, RecreatesItsWorkspaceImportsEverythingAndVerifiesTheLedger) {
  fs::path dir = FreshDir("demo") / "ws";
  for (int run = 0; run < 2; ++run) {  // the second run recreates the workspace
    auto r = RunCandor({"--workspace", dir.string(), "--json", "demo", "--contacts", "500"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = Json(r);
    EXPECT_EQ(j["subjects"], 499);  // one was erased
    ASSERT_EQ(j["ingested"].size(), 6u);
    // init, one entry per consent change, six imports, the model, one score batch,
    // the fairness step (audit, reweighed model, audit, approval, activation),
    // then the withdrawal, the second scoring run, the export (request and
    // export) and the erasure (request and erasure).
    ASSERT_EQ(j["ingested"][3]["kind"], "consents");
    const int consents = j["ingested"][3]["inserted"];
    EXPECT_EQ(j["ledger"]["size"].get<int>(), 1 + consents + 6 + 1 + 1 + 5 + 1 + 1 + 2 + 2);
    EXPECT_FALSE(j["fairness"]["activated"].get<std::string>().empty());
    EXPECT_FALSE(j["fairness"]["approved_by"].get<std::string>().empty());
    const auto& pv = j["privacy"];
    EXPECT_EQ(pv["rows_after"].get<int>(), pv["rows_before"].get<int>() - 1);
    EXPECT_EQ(pv["withdrawn_refused"], true);
    EXPECT_TRUE(fs::exists(fs::path(pv["export_dir"].get<std::string>()) / "export.json"));
    EXPECT_FALSE(pv["erased"].get<std::string>().empty());
    EXPECT_EQ(j["model"]["version"], "conversion-1");
    EXPECT_EQ(j["scores"]["rows"], j["eligible"]["profiling"]);
    EXPECT_TRUE(fs::exists(dir / "scores.csv"));
    EXPECT_EQ(j["ledger"]["verified"], true);
    // Consent purposes hold for fewer subjects than legitimate-interest ones.
    EXPECT_LT(j["eligible"]["profiling"].get<int>(), 500);
    EXPECT_GT(j["eligible"]["profiling"].get<int>(), 200);
    EXPECT_EQ(j["eligible"]["monitoring"], 500);
  }
  // A directory that is not a workspace is never deleted.
  fs::path other = FreshDir("demo_other");
  std::ofstream(other / "keep.txt") << "mine";
  auto refused = RunCandor({"--workspace", other.string(), "demo", "--contacts", "10"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_TRUE(fs::exists(other / "keep.txt"));
  // Nor is a real workspace.
  fs::path real = FreshDir("demo_real") / "ws";
  ASSERT_EQ(RunCandor({"init", real.string()}).exit_code, 0);
  EXPECT_EQ(RunCandor({"--workspace", real.string(), "demo", "--contacts", "10"}).exit_code, 2);
  EXPECT_TRUE(fs::exists(real / "keys" / "master.key"));
}

}  // namespace
}  // namespace candor::testing
