// End-to-end tests of consent, data-subject requests, retention and the records
// of processing, on a small generated population. One TEST with ordered steps:
// each builds on the workspace the earlier ones left (ctest runs every TEST in a
// process of its own).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "integration/cli_helpers.h"

namespace candor::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct Contact {
  std::string id, email, phone;
};

class PrivacyCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = FreshDir("privacy");
    ws_ = root_ / "ws";
    data_ = root_ / "data";
    ASSERT_EQ(RunCandor({"init", ws_.string()}).exit_code, 0);
    ASSERT_EQ(RunCandor({"generate", "--out", data_.string(), "--contacts", "400", "--seed", "5"}).exit_code, 0);
    for (const char* kind : {"accounts", "contacts", "events", "consents", "outcomes", "attributes"}) {
      auto r = Ingest(kind);
      ASSERT_EQ(r.exit_code, 0) << kind << ": " << r.err;
    }
    // Contacts by id, from the generated file (id, email, phone are columns 0, 2, 10).
    std::ifstream in(data_ / "contacts.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::stringstream ss(line);
      for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
      contacts_.push_back({f[0], f[2], f[10]});
    }
  }
  void TearDown() override { fs::remove_all(root_); }

  RunResult Candor(std::vector<std::string> args) {
    args.insert(args.begin(), {"--workspace", ws_.string()});
    return RunCandor(args);
  }
  RunResult Ingest(const std::string& kind) {
    return Candor({"--json", "ingest", kind, (data_ / (kind + ".csv")).string()});
  }
  static nlohmann::json Json(const RunResult& r) {
    EXPECT_FALSE(r.out.empty()) << r.err;
    return r.out.empty() ? nlohmann::json() : nlohmann::json::parse(r.out);
  }
  // Purposes that apply to the contact now, from an export (then erased again).
  std::map<std::string, bool> AppliesNow(const std::string& contact) {
    auto dir = root_ / fmt::format("probe-{}", probes_++);
    auto r = Candor({"--json", "dsr", "export", "--contact", contact, "--out", dir.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, bool> out;
    auto doc = nlohmann::json::parse(ReadFile(dir / "export.json"));
    for (const auto& p : doc["purposes"]) out[p["purpose"]] = p["applies_now"];
    return out;
  }
  // Every byte candor keeps in the workspace.
  std::string WorkspaceBytes() {
    std::string all;
    for (const auto& e : fs::recursive_directory_iterator(ws_)) {
      if (e.is_regular_file()) all += ReadFile(e.path());
    }
    return all;
  }

  fs::path root_, ws_, data_;
  std::vector<Contact> contacts_;
  int probes_ = 0;
};

TEST_F(PrivacyCliTest, ConsentRequestsErasureRetentionAndRecords) {
  // Contacts without an objection in the generated data (sales_outreach, a
  // legitimate-interest purpose, applies to them).
  std::vector<Contact> free;
  for (const auto& c : contacts_) {
    if (free.size() < 5 && AppliesNow(c.id)["sales_outreach"]) free.push_back(c);
  }
  ASSERT_EQ(free.size(), 5u);
  // --- consent: withdrawal acts at once, and is refused on legitimate interest.
  const Contact& a = free[0];
  auto li = Candor({"consent", "withdraw", "--contact", a.id, "--purpose", "sales_outreach"});
  EXPECT_EQ(li.exit_code, 2);
  EXPECT_THAT(li.err, HasSubstr("object instead"));
  // Find a contact with profiling consent now.
  std::string granted;
  for (const auto& c : contacts_) {
    if (AppliesNow(c.id)["profiling"]) {
      granted = c.id;
      break;
    }
  }
  ASSERT_FALSE(granted.empty());
  auto w = Candor({"--json", "consent", "withdraw", "--contact", granted, "--purpose", "profiling",
                   "--method", "preference_center", "--evidence", "token-hash-123"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  EXPECT_EQ(Json(w)["purposes_ended"], nlohmann::json::array({"profiling"}));
  auto after_withdraw = AppliesNow(granted);
  EXPECT_FALSE(after_withdraw["profiling"]);
  EXPECT_TRUE(after_withdraw["fairness_audit"]);

  // --- objection to direct marketing ends every such purpose and suppresses the contact.
  const Contact& o = free[1];
  auto obj = Candor({"--json", "consent", "object", "--contact", o.id, "--purpose", "email_marketing"});
  ASSERT_EQ(obj.exit_code, 0) << obj.err;
  EXPECT_EQ(Json(obj)["suppressed"], true);
  auto o_now = AppliesNow(o.id);
  for (const char* p : {"profiling", "email_marketing", "sales_outreach", "segmentation"}) {
    EXPECT_FALSE(o_now[p]) << p;
  }
  EXPECT_TRUE(o_now["monitoring"]);  // not direct marketing
  // A nightly export that still holds the contact imports cleanly and stores nothing of it.
  auto events_again = Json(Ingest("events"));
  EXPECT_GT(events_again["suppressed"].get<int>(), 0);
  EXPECT_EQ(events_again["inserted"], 0);
  auto contacts_again = Json(Ingest("contacts"));
  const int suppressed = contacts_again["suppressed"];  // o, and the generated objectors
  EXPECT_GE(suppressed, 1);

  // --- export: Art. 15/20 package, outside the workspace, nothing for unknown people.
  const Contact& x = free[2];
  auto inside = Candor({"dsr", "export", "--contact", x.id, "--out", (ws_ / "copy").string()});
  EXPECT_EQ(inside.exit_code, 3);
  EXPECT_FALSE(fs::exists(ws_ / "copy"));
  auto nobody = Candor({"dsr", "export", "--email", "nobody@example.invalid", "--out",
                        (root_ / "nobody").string()});
  EXPECT_EQ(nobody.exit_code, 2);
  EXPECT_THAT(nobody.err, HasSubstr("no data held"));
  EXPECT_FALSE(fs::exists(root_ / "nobody"));
  auto ex_dir = root_ / "export-x";
  auto ex = Candor({"--json", "dsr", "export", "--contact", x.id, "--out", ex_dir.string(), "--lang", "de"});
  ASSERT_EQ(ex.exit_code, 0) << ex.err;
  auto doc = nlohmann::json::parse(ReadFile(ex_dir / "export.json"));
  EXPECT_EQ(doc["identifiers"]["contact_id"], x.id);
  EXPECT_EQ(doc["identifiers"]["email"], x.email);
  EXPECT_GT(doc["events"].size(), 0u);
  EXPECT_GT(doc["consent_history"].size(), 0u);
  EXPECT_EQ(doc["purposes"].size(), 6u);
  EXPECT_EQ(doc["protected_attributes"].size(), 2u);  // gender, age_band
  std::string html = ReadFile(ex_dir / "export.html");
  EXPECT_THAT(html, HasSubstr("<html lang=\"de\">"));
  EXPECT_THAT(html, HasSubstr("Die Daten, die wir über Sie speichern"));
  EXPECT_THAT(html, HasSubstr(x.email));
  // Nobody else's identifiers.
  const std::string json_text = ReadFile(ex_dir / "export.json");
  for (const auto& c : contacts_) {
    if (c.id != x.id) {
      ASSERT_EQ(json_text.find(c.email), std::string::npos) << c.id;
    }
  }

  // --- erasure: every row gone, key destroyed, exports listed, identifiers nowhere.
  auto key_hex = RunProgram({"sqlite3", (ws_ / "candor.db").string(),
                             fmt::format("SELECT hex(k.wrapped) || ' ' || hex(v.ciphertext) FROM subject_keys k "
                                         "JOIN subjects s USING (subject_key) JOIN vault v USING (subject_key) "
                                         "WHERE hex(s.subject_id) = upper('{}')",
                                         doc["subject"].get<std::string>())});
  ASSERT_EQ(key_hex.exit_code, 0) << key_hex.err;
  ASSERT_GT(key_hex.out.size(), 40u);
  auto unhex = [](std::string_view hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
      out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
    }
    return out;
  };
  const std::string wrapped = unhex(key_hex.out.substr(0, key_hex.out.find(' ')));
  const std::string sealed = unhex(key_hex.out.substr(key_hex.out.find(' ') + 1, 64));
  auto er = Candor({"--json", "dsr", "erase", "--contact", x.id});
  ASSERT_EQ(er.exit_code, 0) << er.err;
  auto erased = Json(er);
  EXPECT_GT(erased["deleted"]["events"].get<int>(), 0);
  EXPECT_EQ(erased["key_destroyed"], true);
  EXPECT_THAT(erased["exports_to_delete"].get<std::vector<std::string>>(),
              ::testing::Contains(fs::absolute(ex_dir).string()));
  EXPECT_EQ(erased["closed"], false);  // open until the DPO deletes the export
  EXPECT_FALSE(fs::exists(ws_ / "candor.db-wal") && fs::file_size(ws_ / "candor.db-wal") > 0);
  std::string bytes = WorkspaceBytes();
  EXPECT_EQ(bytes.find(x.email), std::string::npos);
  EXPECT_EQ(bytes.find(x.phone), std::string::npos);
  // Crypto-shredding: the wrapped key and the sealed identifiers are gone from the
  // file and the WAL, byte for byte (secure_delete zeroes freed pages).
  EXPECT_EQ(bytes.find(wrapped), std::string::npos);
  EXPECT_EQ(bytes.find(sealed), std::string::npos);
  EXPECT_EQ(Candor({"dsr", "export", "--contact", x.id, "--out", (root_ / "gone").string()}).exit_code, 2);
  // Objection, then erasure, then re-import of the same email: the contact stays suppressed.
  ASSERT_EQ(Candor({"dsr", "erase", "--contact", o.id}).exit_code, 0);
  auto reimport = Json(Ingest("contacts"));
  EXPECT_EQ(reimport["suppressed"].get<int>(), suppressed + 1);  // and now x
  EXPECT_EQ(reimport["inserted"], 0);
  EXPECT_EQ(Candor({"dsr", "export", "--email", o.email, "--out", (root_ / "o").string()}).exit_code, 2);
  bytes = WorkspaceBytes();
  EXPECT_EQ(bytes.find(o.email), std::string::npos);

  // --- restriction: kept, excluded from every purpose until lifted.
  const Contact& r = free[3];
  ASSERT_EQ(Candor({"dsr", "restrict", "--contact", r.id}).exit_code, 0);
  for (const auto& [purpose, applies] : AppliesNow(r.id)) EXPECT_FALSE(applies) << purpose;
  EXPECT_EQ(Candor({"dsr", "restrict", "--contact", r.id}).exit_code, 3);
  ASSERT_EQ(Candor({"dsr", "lift", "--contact", r.id}).exit_code, 0);
  EXPECT_TRUE(AppliesNow(r.id)["monitoring"]);

  // --- the register: every request, due one month after receipt.
  auto list = Json(Candor({"--json", "dsr", "list"}));
  std::map<std::string, int> types;
  for (const auto& q : list["requests"]) {
    types[q["type"]]++;
    EXPECT_EQ(q["subject_hash"].get<std::string>().size(), 64u);
  }
  EXPECT_GE(types["access"], 2);
  EXPECT_EQ(types["erasure"], 2);
  EXPECT_EQ(types["objection"], 1);
  EXPECT_EQ(types["restriction"], 1);
  auto late = Json(Candor({"--json", "dsr", "export", "--contact", free[4].id, "--out",
                           (root_ / "late").string(), "--received", "2026-01-31T10:00:00Z"}));
  auto open = Json(Candor({"--json", "dsr", "list", "--open"}));
  bool found = false;
  for (const auto& q : open["requests"]) {
    if (q["id"] == late["request"]) {
      found = true;
      EXPECT_EQ(q["due"], "2026-02-28T10:00:00Z");  // Art. 12(3): one month
      EXPECT_EQ(q["overdue"], true);
    }
  }
  EXPECT_TRUE(found);
  ASSERT_EQ(Candor({"dsr", "close", std::to_string(late["request"].get<int>()), "--note", "sent"}).exit_code, 0);
  EXPECT_EQ(Candor({"dsr", "close", std::to_string(late["request"].get<int>())}).exit_code, 3);

  // --- retention: a dry run changes nothing; past every retention, data goes.
  auto dry = Json(Candor({"--json", "retention", "--dry-run", "--as-of", "2031-01-01"}));
  EXPECT_GT(dry["would_delete"]["events"].get<int>(), 0);
  auto dry2 = Json(Candor({"--json", "retention", "--dry-run", "--as-of", "2031-01-01"}));
  EXPECT_EQ(dry2["would_delete"], dry["would_delete"]);
  auto now = Json(Candor({"--json", "retention", "--as-of", "2026-11-01"}));
  EXPECT_EQ(now["deleted"]["events"], 0);  // everything is recent
  auto real = Json(Candor({"--json", "retention", "--as-of", "2031-01-01"}));
  EXPECT_EQ(real["deleted"]["events"], dry["would_delete"]["events"]);

  // --- records of processing, and a ledger that holds it all.
  auto ropa = Json(Candor({"--json", "ropa"}));
  EXPECT_EQ(ropa["activities"].size(), 6u);
  EXPECT_EQ(ropa["activities"][0]["purpose"], "profiling");
  EXPECT_EQ(ropa["activities"][0]["legal_basis"], "consent");
  EXPECT_GT(ropa["measures"].size(), 3u);
  auto verify = Candor({"ledger", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto exported = root_ / "ledger";
  ASSERT_EQ(Candor({"ledger", "export", "--out", exported.string()}).exit_code, 0);
  std::string entries = ReadFile(exported / "entries.ndjson");
  for (const char* type : {"consent.change", "dsr.request", "dsr.export", "dsr.erase", "dsr.restrict",
                           "dsr.lift", "dsr.close", "retention"}) {
    EXPECT_THAT(entries, HasSubstr(fmt::format("\"type\":\"{}\"", type))) << type;
  }
  std::string everything = entries + ReadFile(exported / "payloads.ndjson");
  EXPECT_EQ(everything.find(x.email), std::string::npos);
  EXPECT_EQ(everything.find("token-hash-123"), std::string::npos);  // only its SHA-256
}

}  // namespace
}  // namespace candor::testing
