// End-to-end tests of `candor ledger`: init and ingest are recorded, proofs verify
// against the signed head, `verify` finds rows edited with the sqlite3 tool (exit 3,
// first_bad_index), and the auditor's procedure of docs/LEDGER.md runs against an
// export with nothing but bash, openssl, sha256sum, xxd and jq.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "integration/cli_helpers.h"
#include "ledger/merkle.h"

namespace candor::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

nlohmann::json Json(const RunResult& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "stdout is not one JSON document:\n" << r.out << r.err;
  return j;
}


std::vector<ledger::Hash> Hashes(const nlohmann::json& list) {
  std::vector<ledger::Hash> out;
  for (const auto& h : list) out.push_back(*ledger::HashFromHex(h.get<std::string>()));
  return out;
}

// A workspace with five ledger entries, one signed head each: init, then ingests of
// accounts, contacts, events and outcomes of a small generated population (not
// consents: each consent change is an entry of its own).
class LedgerCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(FreshDir("ledger_cli"));
    data_ = *root_ / "data";
    base_ = *root_ / "base";
    auto g = RunCandor({"generate", "--out", data_.string(), "--contacts", "40", "--seed", "11"});
    ASSERT_EQ(g.exit_code, 0) << g.err;
    auto i = RunCandor({"init", base_.string()});
    ASSERT_EQ(i.exit_code, 0) << i.err;
    for (const char* kind : {"accounts", "contacts", "events", "outcomes"}) {
      auto r = RunCandor({"--workspace", base_.string(), "ingest", kind,
                          (data_ / (std::string(kind) + ".csv")).string()});
      ASSERT_EQ(r.exit_code, 0) << kind << ": " << r.err;
    }
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
  }

  // A fresh copy of the base workspace.
  fs::path Copy(const std::string& name) {
    fs::path ws = *root_ / name;
    fs::remove_all(ws);
    fs::copy(base_, ws, fs::copy_options::recursive);
    return ws;
  }

  static RunResult Ledger(const fs::path& ws, std::vector<std::string> args) {
    std::vector<std::string> all = {"--workspace", ws.string(), "--json", "ledger"};
    all.insert(all.end(), args.begin(), args.end());
    return RunCandor(all);
  }

  static RunResult Sqlite(const fs::path& ws, const std::string& sql) {
    return RunProgram({"sqlite3", (ws / "candor.db").string(), sql});
  }

  static fs::path* root_;
  static fs::path data_, base_;
};

fs::path* LedgerCliTest::root_ = nullptr;
fs::path LedgerCliTest::data_;
fs::path LedgerCliTest::base_;

TEST_F(LedgerCliTest, InitAndEveryIngestAreRecordedAndSigned) {
  auto head = Ledger(base_, {"head"});
  ASSERT_EQ(head.exit_code, 0) << head.err;
  auto h = Json(head);
  EXPECT_EQ(h["schema_version"], 1);
  EXPECT_EQ(h["size"], 5);
  EXPECT_THAT(h["root"].get<std::string>(), ::testing::MatchesRegex("[0-9a-f]{64}"));
  EXPECT_EQ(h["signature"].get<std::string>().size(), 88u);  // base64 of 64 bytes
  EXPECT_EQ(h["public_key"].get<std::string>().size(), 44u);  // base64 of 32 bytes
  EXPECT_THAT(h["timestamp"].get<std::string>(), ::testing::EndsWith("Z"));
  EXPECT_THAT(h["origin"].get<std::string>(), ::testing::StartsWith("candor/"));

  auto v = Ledger(base_, {"verify"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  auto report = Json(v);
  EXPECT_EQ(report["ok"], true);
  EXPECT_EQ(report["size"], 5);
  EXPECT_TRUE(report["first_bad_index"].is_null());
  EXPECT_TRUE(report["reason"].is_null());

  const char* types[] = {"workspace.init", "ingest", "ingest", "ingest", "ingest"};
  const ledger::Hash root = *ledger::HashFromHex(h["root"].get<std::string>());
  for (int i = 0; i < 5; ++i) {
    auto p = Ledger(base_, {"proof", "--index", std::to_string(i)});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    auto proof = Json(p);
    EXPECT_EQ(proof["index"], i);
    EXPECT_EQ(proof["size"], 5);
    auto entry = nlohmann::json::parse(proof["entry"].get<std::string>());
    EXPECT_EQ(entry["type"], types[i]);
    EXPECT_EQ(entry["index"], i);
    const ledger::Hash leaf = ledger::LeafHash(proof["entry"].get<std::string>());
    EXPECT_EQ(proof["leaf_hash"], ledger::ToHex(leaf));
    EXPECT_TRUE(ledger::VerifyInclusion(static_cast<std::uint64_t>(i), 5, leaf,
                                        Hashes(proof["path"]), root)
                    .ok());
  }
  auto older = Json(Ledger(base_, {"proof", "--index", "1", "--size", "3"}));
  EXPECT_EQ(older["size"], 3);

  auto c = Ledger(base_, {"consistency", "--from", "2", "--to", "5"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  auto cj = Json(c);
  EXPECT_EQ(cj["from"], 2);
  EXPECT_EQ(cj["to"], 5);
  EXPECT_TRUE(ledger::VerifyConsistency(2, 5, *ledger::HashFromHex(cj["from_root"].get<std::string>()),
                                        root, Hashes(cj["path"]))
                  .ok());
}

TEST_F(LedgerCliTest, TheLedgerHoldsNoDirectIdentifier) {
  auto dump = RunProgram({"sqlite3", (base_ / "candor.db").string(),
                          "SELECT entry FROM ledger; SELECT payload FROM ledger_payloads;"});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_THAT(dump.out, HasSubstr("\"type\":\"ingest\""));
  EXPECT_THAT(dump.out, Not(HasSubstr("@")));
  EXPECT_THAT(dump.out, Not(HasSubstr(data_.string())));  // no file paths either
  std::ifstream contacts(data_ / "contacts.csv");
  std::string header, row;
  std::getline(contacts, header);
  std::getline(contacts, row);
  const std::string contact_id = row.substr(0, row.find(','));
  EXPECT_THAT(dump.out, Not(HasSubstr(contact_id)));
}

TEST_F(LedgerCliTest, HumanOutput) {
  auto r = RunCandor({"--workspace", base_.string(), "ledger", "head"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("size       5"));
  r = RunCandor({"--workspace", base_.string(), "ledger", "verify"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("ledger verified: 5 entries, 5 signed tree heads"));
}

TEST_F(LedgerCliTest, ArgumentsOutsideTheLogAreUsageErrors) {
  auto r = Ledger(base_, {"proof", "--index", "5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Json(r)["error"]["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(Ledger(base_, {"proof", "--index", "0", "--size", "6"}).exit_code, 2);
  r = Ledger(base_, {"consistency", "--from", "0", "--to", "3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("empty tree"));
  EXPECT_EQ(Ledger(base_, {"consistency", "--from", "4", "--to", "3"}).exit_code, 2);
  EXPECT_EQ(Ledger(base_, {"proof"}).exit_code, 2);  // --index is required
  EXPECT_EQ(Ledger(base_, {}).exit_code, 2);
}

struct Tampering {
  const char* name;
  const char* sql;
  int first_bad_index;
  const char* reason;
};

TEST_F(LedgerCliTest, VerifyFindsEveryRowEditedWithSqlite3) {
  const Tampering cases[] = {
      {"changed_entry",
       "DROP TRIGGER ledger_no_update; "
       "UPDATE ledger SET entry = replace(entry, '\"model\":null', '\"model\":\"m1\"') "
       "WHERE idx = 2",
       2, "leaf hash of entry 2"},
      {"deleted_row", "DROP TRIGGER ledger_no_delete; DELETE FROM ledger WHERE idx = 1", 1,
       "entry 1 is missing"},
      {"inserted_row", "INSERT INTO ledger SELECT 5, leaf, entry FROM ledger WHERE idx = 3", 5,
       "holds the entry of index 3"},
      {"swapped_rows",
       "DROP TRIGGER ledger_no_update; CREATE TEMP TABLE t AS SELECT * FROM ledger; "
       "UPDATE ledger SET entry = (SELECT entry FROM t WHERE idx = 4), "
       "leaf = (SELECT leaf FROM t WHERE idx = 4) WHERE idx = 3; "
       "UPDATE ledger SET entry = (SELECT entry FROM t WHERE idx = 3), "
       "leaf = (SELECT leaf FROM t WHERE idx = 3) WHERE idx = 4",
       3, "entry 3 holds the entry of index 4"},
      {"changed_payload",
       "DROP TRIGGER ledger_payloads_no_update; "
       "UPDATE ledger_payloads SET payload = replace(payload, '\"rows\":', '\"rows\":1') "
       "WHERE idx = 3",
       3, "payload of entry 3"},
      {"forged_signature",
       "DROP TRIGGER tree_heads_no_update; UPDATE tree_heads SET signature = randomblob(64) "
       "WHERE size = 4",
       3, "signature of the tree head of size 4"},
      {"truncated_log",
       "DROP TRIGGER ledger_no_delete; DROP TRIGGER ledger_payloads_no_delete; "
       "DELETE FROM ledger WHERE idx >= 3; DELETE FROM ledger_payloads WHERE idx >= 3",
       3, "the log ends after 3 entries but a signed tree head covers 5"},
      {"unparseable_entry",
       "DROP TRIGGER ledger_no_update; UPDATE ledger SET entry = '{\"actor\":' WHERE idx = 4", 4,
       "entry 4 cannot be parsed"},
  };
  for (const Tampering& t : cases) {
    SCOPED_TRACE(t.name);
    fs::path ws = Copy(t.name);
    auto s = Sqlite(ws, t.sql);
    ASSERT_EQ(s.exit_code, 0) << s.err;
    auto v = Ledger(ws, {"verify"});
    EXPECT_EQ(v.exit_code, 3) << v.err;
    auto report = Json(v);
    EXPECT_EQ(report["ok"], false);
    EXPECT_EQ(report["first_bad_index"], t.first_bad_index);
    EXPECT_THAT(report["reason"].get<std::string>(), HasSubstr(t.reason));
    EXPECT_THAT(v.err, HasSubstr("the ledger does not verify"));
    // Human output: the same finding on stderr, exit 3.
    auto human = RunCandor({"--workspace", ws.string(), "ledger", "verify"});
    EXPECT_EQ(human.exit_code, 3);
    EXPECT_THAT(human.err, HasSubstr(t.reason));
  }
}

TEST_F(LedgerCliTest, ACheckpointKeptOutsideCatchesALogCutShortWithItsHeads) {
  fs::path ws = Copy("cut_short");
  fs::path anchor = *root_ / "anchor_export";
  fs::remove_all(anchor);
  ASSERT_EQ(Ledger(ws, {"export", "--out", anchor.string()}).exit_code, 0);
  EXPECT_EQ(Ledger(ws, {"verify", "--against", anchor.string()}).exit_code, 0);
  // Cut the log to its first two entries, with their heads, payloads and peaks made to
  // match: the log is consistent in itself again.
  auto s = Sqlite(ws,
                  "DROP TRIGGER ledger_no_delete; DROP TRIGGER ledger_payloads_no_delete; "
                  "DROP TRIGGER tree_heads_no_delete; DELETE FROM ledger WHERE idx >= 2; "
                  "DELETE FROM ledger_payloads WHERE idx >= 2; DELETE FROM tree_heads WHERE "
                  "size > 2; DELETE FROM ledger_peaks; INSERT INTO ledger_peaks "
                  "VALUES (1, (SELECT root FROM tree_heads WHERE size = 2))");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(Ledger(ws, {"verify"}).exit_code, 0);  // nothing inside the workspace tells
  auto v = Ledger(ws, {"verify", "--against", anchor.string()});
  EXPECT_EQ(v.exit_code, 3);
  auto report = Json(v);
  EXPECT_EQ(report["ok"], false);
  EXPECT_EQ(report["first_bad_index"], 2);
  EXPECT_THAT(report["reason"].get<std::string>(), HasSubstr("entries were deleted"));
}

TEST_F(LedgerCliTest, AnIngestRefusesToExtendATamperedLog) {
  fs::path ws = Copy("extend_tampered");
  ASSERT_EQ(Sqlite(ws, "UPDATE ledger_peaks SET hash = randomblob(32)").exit_code, 0);
  auto r = RunCandor({"--workspace", ws.string(), "ingest", "accounts",
                      (data_ / "accounts.csv").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("ledger verify"));
  EXPECT_EQ(Json(Ledger(ws, {"head"}))["size"], 5);  // nothing was written
}

// Runs the procedure of docs/LEDGER.md ("Auditing an export") with bash.
TEST_F(LedgerCliTest, AuditProcedureOfTheDocs) {
  std::string doc = ReadFile(fs::path(CANDOR_SOURCE_DIR) / "docs" / "LEDGER.md");
  const auto begin = doc.find("<!-- audit-procedure:begin -->");
  const auto end = doc.find("<!-- audit-procedure:end -->");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  std::string script = "set -euo pipefail\n";
  std::istringstream lines(doc.substr(begin, end - begin));
  bool in_block = false;
  int blocks = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("```bash", 0) == 0) {
      in_block = true;
      ++blocks;
    } else if (line.rfind("```", 0) == 0) {
      in_block = false;
    } else if (in_block) {
      script += line + "\n";
    }
  }
  EXPECT_GE(blocks, 6);
  const fs::path script_file = *root_ / "audit.sh";
  std::ofstream(script_file) << script;

  const fs::path out = *root_ / "export";
  fs::remove_all(out);
  auto e = RunCandor({"--workspace", base_.string(), "ledger", "export", "--out", out.string()});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  // Every entry, and a consistency proof from every earlier head (sizes 1 to 4).
  for (int i = 0; i < 5; ++i) {
    const int k = i % 4 + 1;
    auto r = RunProgram({"bash", script_file.string()},
                        {"EXPORT=" + out.string(), "I=" + std::to_string(i), "K=" + std::to_string(k)});
    EXPECT_EQ(r.exit_code, 0) << "I=" << i << " K=" << k << "\n" << r.out << r.err;
    EXPECT_THAT(r.out, Not(HasSubstr("FAIL")));
    EXPECT_THAT(r.out, HasSubstr("ok    entry " + std::to_string(i) + " is in the signed tree of size 5"));
    EXPECT_THAT(r.out, HasSubstr("ok    the tree of size " + std::to_string(k) +
                                     " is a prefix of the tree of size 5"));
    EXPECT_THAT(r.out, HasSubstr("Signature Verified Successfully"));
  }

  // An auditor finds an edited entry, an edited payload and a forged signature.
  struct Edit {
    const char* file;
    std::string from, to;
    int line;  // 0-based
  };
  for (const Edit& edit : {Edit{"entries.ndjson", "\"ingest\"", "\"ingesT\"", 2},
                           Edit{"payloads.ndjson", "\"rows\":", "\"rows\":1", 2}}) {
    const fs::path copy = *root_ / "export_edited";
    fs::remove_all(copy);
    fs::copy(out, copy, fs::copy_options::recursive);
    std::vector<std::string> content;
    {
      std::ifstream in(copy / edit.file);
      for (std::string l; std::getline(in, l);) content.push_back(l);
    }
    auto& l = content[static_cast<std::size_t>(edit.line)];
    l.replace(l.find(edit.from), edit.from.size(), edit.to);
    {
      std::ofstream o(copy / edit.file, std::ios::trunc);
      for (const auto& c : content) o << c << "\n";
    }
    auto r = RunProgram({"bash", script_file.string()}, {"EXPORT=" + copy.string(), "I=2"});
    EXPECT_NE(r.exit_code, 0) << edit.file;
    EXPECT_THAT(r.out, HasSubstr("FAIL")) << edit.file;
  }
  const fs::path forged = *root_ / "export_forged";
  fs::remove_all(forged);
  fs::copy(out, forged, fs::copy_options::recursive);
  {
    std::string sig = ReadFile(forged / "checkpoint.sig");
    sig[10] = static_cast<char>(sig[10] ^ 1);
    std::ofstream(forged / "checkpoint.sig", std::ios::binary | std::ios::trunc) << sig;
  }
  auto r = RunProgram({"bash", script_file.string()}, {"EXPORT=" + forged.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out + r.err, HasSubstr("Signature Verification Failure"));
}

}  // namespace
}  // namespace candor::testing
