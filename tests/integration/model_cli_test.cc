// End-to-end tests of features, train, score, explain and models on the default
// generated data (20,000 contacts, seed 42): the workspace is built once, and
// the steps run in order on it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "integration/cli_helpers.h"

namespace candor::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
constexpr char kAsOf[] = "2026-11-01";

class ModelCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(FreshDir("models"));
    ws_ = new fs::path(*root_ / "ws");
    auto data = *root_ / "data";
    ASSERT_EQ(RunCandor({"init", ws_->string()}).exit_code, 0);
    ASSERT_EQ(RunCandor({"generate", "--out", data.string(), "--seed", "42"}).exit_code, 0);
    for (const char* kind : {"accounts", "contacts", "events", "consents", "outcomes", "attributes"}) {
      auto r = RunCandor({"--workspace", ws_->string(), "ingest", kind,
                          (data / (std::string(kind) + ".csv")).string()});
      ASSERT_EQ(r.exit_code, 0) << kind << ": " << r.err;
    }
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete ws_;
    delete root_;
  }
  static RunResult Candor(std::vector<std::string> args) {
    args.insert(args.begin(), {"--workspace", ws_->string()});
    return RunCandor(args);
  }
  static nlohmann::json Json(const RunResult& r) {
    EXPECT_FALSE(r.out.empty()) << r.err;
    return r.out.empty() ? nlohmann::json() : nlohmann::json::parse(r.out);
  }
  // XGBoost writes NaN (split conditions of categorical nodes) as a bare NaN,
  // which is not JSON.
  static nlohmann::json XgboostJson(const fs::path& p) {
    return nlohmann::json::parse(std::regex_replace(ReadFile(p), std::regex("\\bNaN\\b"), "null"));
  }
  static std::vector<std::string> Lines(const fs::path& p) {
    std::ifstream in(p);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  void NothingIsActiveSoScoringNeedsAModel() {
    auto r = Candor({"score", "--as-of", kAsOf});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_THAT(r.err, HasSubstr("no active model for target 'conversion'"));
    EXPECT_THAT(r.err, HasSubstr("--model"));
  }

  void TrainsTheConversionModelWithinItsDocumentedRange() {
    auto r = Candor({"--json", "train", "--target", "conversion", "--as-of", kAsOf});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = Json(r);
    EXPECT_EQ(j["model"], "conversion-1");
    EXPECT_EQ(j["target"], "conversion");
    for (const char* k : {"auc", "pr_auc", "log_loss", "brier", "ece"}) {
      EXPECT_TRUE(j["metrics"][k].is_number()) << k;
    }
    for (const char* k : {"train", "valid", "test"}) EXPECT_GT(j["rows"][k].get<int>(), 1000) << k;
    // docs/MODELS.md: the documented range on default generated data.
    const double auc = j["metrics"]["auc"];
    EXPECT_GE(auc, 0.64);
    EXPECT_LE(auc, 0.72);
    EXPECT_LT(j["metrics"]["ece"].get<double>(), 0.02);
    EXPECT_LT(j["best_iteration"].get<int>(), j["rounds_run"].get<int>());
  }

  void ChurnModelsFromTheSameDataAreByteIdentical() {
    auto a = Candor({"--json", "train", "--target", "churn", "--as-of", kAsOf});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    auto b = Candor({"--json", "train", "--target", "churn", "--as-of", kAsOf});
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(Json(a)["model"], "churn-1");
    EXPECT_EQ(Json(b)["model"], "churn-2");
    ASSERT_EQ(Candor({"models", "export", "churn-1", "--out", (*root_ / "c1").string()}).exit_code, 0);
    ASSERT_EQ(Candor({"models", "export", "churn-2", "--out", (*root_ / "c2").string()}).exit_code, 0);
    std::string one = ReadFile(*root_ / "c1" / "booster.json");
    EXPECT_FALSE(one.empty());
    EXPECT_EQ(one, ReadFile(*root_ / "c2" / "booster.json"));
  }

  void ListsShowsAndExportsModels() {
    auto list = Json(Candor({"--json", "models", "list"}));
    ASSERT_EQ(list["models"].size(), 3u);
    std::vector<std::string> versions;
    for (const auto& m : list["models"]) {
      versions.push_back(m["version"]);
      EXPECT_EQ(m["status"], "candidate");
      EXPECT_TRUE(m["created_at"].is_string());
      EXPECT_TRUE(m["metrics"]["auc"].is_number());
    }
    EXPECT_THAT(versions, ::testing::ElementsAre("conversion-1", "churn-1", "churn-2"));
    auto show = Json(Candor({"--json", "models", "show", "conversion-1"}));
    const auto& lineage = show["spec"]["lineage"];
    EXPECT_EQ(lineage["data_fingerprint"].get<std::string>().size(), 64u);
    EXPECT_EQ(lineage["config_sha256"].get<std::string>().size(), 64u);
    EXPECT_EQ(lineage["xgboost_version"], "1.7.4");
    EXPECT_EQ(show["spec"]["params"]["tree_method"], "hist");
    auto dir = *root_ / "export";
    auto e = Candor({"models", "export", "conversion-1", "--out", dir.string()});
    ASSERT_EQ(e.exit_code, 0) << e.err;
    auto booster = XgboostJson(dir / "booster.json");
    auto names = booster["learner"]["feature_names"];
    auto types = booster["learner"]["feature_types"];
    ASSERT_EQ(names.size(), 16u);
    EXPECT_EQ(names[0], "seniority");
    EXPECT_EQ(types[0], "c");
    EXPECT_EQ(types[3], "q");  // employees
    auto meta = nlohmann::json::parse(ReadFile(dir / "model.json"));
    EXPECT_EQ(meta["version"], "conversion-1");
    EXPECT_FALSE(meta["features"][0]["codes"].empty());
    // Exporting again over the same files is refused.
    EXPECT_EQ(Candor({"models", "export", "conversion-1", "--out", dir.string()}).exit_code, 2);
    EXPECT_EQ(Candor({"models", "show", "conversion-9"}).exit_code, 2);
  }

  void FeaturesAreTheMatrixTheModelScores() {
    auto out = *root_ / "features.csv";
    auto r = Candor({"--json", "features", "--model", "conversion-1", "--as-of", kAsOf, "--out",
                     out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto lines = Lines(out);
    auto booster = XgboostJson(*root_ / "export" / "booster.json");
    std::string header = "subject_id";
    for (const auto& n : booster["learner"]["feature_names"]) {
      header += ',';
      header += n.get<std::string>();
    }
    EXPECT_EQ(lines[0], header);
    EXPECT_EQ(lines.size() - 1, Json(r)["rows"].get<std::size_t>());
    auto training = *root_ / "training.csv";
    ASSERT_EQ(Candor({"features", "--training", "--model", "conversion-1", "--as-of", kAsOf, "--out",
                      training.string()})
                  .exit_code,
              0);
    auto t = Lines(training);
    EXPECT_THAT(t[0], ::testing::StartsWith("subject_id,snapshot,seniority,"));
    EXPECT_THAT(t[0], ::testing::EndsWith(",label,split"));
  }

  void ScoresEveryEligibleSubjectWithExactContributions() {
    auto out = *root_ / "scores.ndjson";
    auto r = Candor({"--json", "score", "--model", "conversion-1", "--as-of", kAsOf, "--explain",
                     "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = Json(r);
    auto features = Lines(*root_ / "features.csv");
    EXPECT_EQ(j["rows"].get<std::size_t>(), features.size() - 1);
    for (const char* k : {"features_s", "predict_s", "explain_s", "write_s"}) {
      EXPECT_TRUE(j["timings"][k].is_number()) << k;
    }
    EXPECT_GE(j["ledger_entries"].get<int>(), 2);  // 10,000 scores per entry
    auto lines = Lines(out);
    ASSERT_EQ(lines.size(), j["rows"].get<std::size_t>());
    std::set<std::string> subjects;
    for (const std::string& line : lines) {
      auto s = nlohmann::json::parse(line);
      subjects.insert(s["subject"].get<std::string>());
      double sum = 0;
      for (auto& [k, v] : s["contributions"].items()) sum += v.get<double>();
      EXPECT_NEAR(sum, s["margin"].get<double>(), 1e-5);
      EXPECT_EQ(s["contributions"].size(), 17u);
      const double score = s["score"];
      EXPECT_GE(score, 0);
      EXPECT_LE(score, 100);
      EXPECT_DOUBLE_EQ(score, std::round(s["probability"].get<double>() * 1000) / 10);
      ASSERT_FALSE(s["reasons"].empty());
      EXPECT_FALSE(s["reasons"][0]["text"].get<std::string>().empty());
    }
    EXPECT_EQ(subjects.size(), lines.size());
    auto verify = Candor({"ledger", "verify"});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  }

  void ContributionsEqualXgboostsOwn() {
    if (!fs::exists("/usr/bin/python3")) {
      std::printf("no /usr/bin/python3: contributions not compared with XGBoost's\n");
      return;
    }
    auto check = fs::path(CANDOR_SOURCE_DIR) / "tests" / "integration" / "check_contributions.py";
    std::string cmd = fmt::format("/usr/bin/python3 {} {} {} {} > {} 2>&1", check.string(),
                                  (*root_ / "export").string(), (*root_ / "features.csv").string(),
                                  (*root_ / "scores.ndjson").string(), (*root_ / "check.txt").string());
    int rc = std::system(cmd.c_str());
    EXPECT_EQ(rc, 0) << ReadFile(*root_ / "check.txt");
    EXPECT_THAT(ReadFile(*root_ / "check.txt"), HasSubstr("rows agree"));
  }

  void ExplainsOneSubjectInEnglishAndGerman() {
    auto first = Lines(*root_ / "scores.ndjson").front();
    std::string subject = nlohmann::json::parse(first)["subject"];
    auto en = Candor({"explain", "--subject", subject, "--model", "conversion-1", "--as-of", kAsOf});
    ASSERT_EQ(en.exit_code, 0) << en.err;
    EXPECT_THAT(en.out, HasSubstr(fmt::format("Subject {}", subject)));
    EXPECT_THAT(en.out, HasSubstr("the score"));
    auto de = Candor({"explain", "--subject", subject, "--model", "conversion-1", "--as-of", kAsOf,
                      "--lang", "de"});
    ASSERT_EQ(de.exit_code, 0) << de.err;
    EXPECT_THAT(de.out, HasSubstr("den Wert"));
    // Numbers in German take a decimal comma, the probability and margin lines too.
    EXPECT_THAT(de.out, ::testing::ContainsRegex("Wahrscheinlichkeit [0-9]+,[0-9]{3}\\)"));
    EXPECT_THAT(de.out, ::testing::ContainsRegex("Rohwert -?[0-9]+,[0-9]{4} = Basis"));
    EXPECT_THAT(en.out, ::testing::ContainsRegex("probability [0-9]+\\.[0-9]{3}\\)"));
    auto j = Json(Candor({"--json", "explain", "--subject", subject, "--model", "conversion-1",
                          "--as-of", kAsOf}));
    EXPECT_EQ(j["subject"], subject);
    EXPECT_NEAR(j["score"].get<double>(), nlohmann::json::parse(first)["score"].get<double>(), 1e-9);
    double sum = 0;
    for (auto& [k, v] : j["contributions"].items()) sum += v.get<double>();
    EXPECT_NEAR(sum, j["margin"].get<double>(), 1e-5);
    if (!j["suggestion"].is_null()) {
      EXPECT_GT(j["suggestion"]["new_score"].get<double>(), j["score"].get<double>());
    }
    auto bad = Candor({"explain", "--subject", "00000000000000000000000000000000", "--model",
                       "conversion-1", "--as-of", kAsOf});
    EXPECT_EQ(bad.exit_code, 2);
  }

  void AWithdrawalTakesTheSubjectOutOfTheNextRun() {
    auto before = Json(Candor({"--json", "score", "--model", "conversion-1", "--as-of", kAsOf}));
    // A contact that is scored now: the first with a profiling grant that explain accepts.
    auto consents = Lines(*root_ / "data" / "consents.csv");
    std::string contact, subject;
    for (std::size_t i = 1; i < consents.size() && contact.empty(); ++i) {
      if (consents[i].find(",profiling,grant,") == std::string::npos) continue;
      std::string c = consents[i].substr(0, consents[i].find(','));
      auto e = Candor({"--json", "explain", "--contact", c, "--model", "conversion-1", "--as-of", kAsOf});
      if (e.exit_code == 0) {
        contact = c;
        subject = Json(e)["subject"];
      }
    }
    ASSERT_FALSE(contact.empty());
    auto w = Candor({"consent", "withdraw", "--contact", contact, "--purpose", "profiling",
                     "--at", "2026-10-31T12:00:00Z", "--as-of", "2026-10-31T12:00:00Z"});
    ASSERT_EQ(w.exit_code, 0) << w.err;
    auto after = Json(Candor({"--json", "score", "--model", "conversion-1", "--as-of", kAsOf}));
    EXPECT_EQ(after["rows"].get<int>(), before["rows"].get<int>() - 1);
    auto gone = Candor({"explain", "--contact", contact, "--model", "conversion-1", "--as-of", kAsOf});
    EXPECT_EQ(gone.exit_code, 3);
    EXPECT_THAT(gone.err, HasSubstr("not eligible"));
    auto out = *root_ / "after.ndjson";
    ASSERT_EQ(Candor({"score", "--model", "conversion-1", "--as-of", kAsOf, "--out", out.string()}).exit_code, 0);
    EXPECT_THAT(ReadFile(out), ::testing::Not(HasSubstr(subject)));
  }

  static fs::path* root_;
  static fs::path* ws_;
};
fs::path* ModelCliTest::root_ = nullptr;
fs::path* ModelCliTest::ws_ = nullptr;

// One test, its steps in order: each builds on the workspace the earlier ones
// left (ctest runs every TEST in a process of its own).
TEST_F(ModelCliTest, TrainScoreExplainAndExportOnGeneratedData) {
  NothingIsActiveSoScoringNeedsAModel();
  if (HasFatalFailure()) return;
  TrainsTheConversionModelWithinItsDocumentedRange();
  if (HasFatalFailure()) return;
  ChurnModelsFromTheSameDataAreByteIdentical();
  if (HasFatalFailure()) return;
  ListsShowsAndExportsModels();
  if (HasFatalFailure()) return;
  FeaturesAreTheMatrixTheModelScores();
  if (HasFatalFailure()) return;
  ScoresEveryEligibleSubjectWithExactContributions();
  if (HasFatalFailure()) return;
  ContributionsEqualXgboostsOwn();
  if (HasFatalFailure()) return;
  ExplainsOneSubjectInEnglishAndGerman();
  if (HasFatalFailure()) return;
  AWithdrawalTakesTheSubjectOutOfTheNextRun();
  if (HasFatalFailure()) return;
}

}  // namespace
}  // namespace candor::testing
