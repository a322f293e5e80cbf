// End to end: the fairness audit, mitigation and the promotion gate on default
// generated data (20,000 contacts, seed 42, as of 2026-11-01), as one ordered
// test (ctest runs each TEST in its own process). It prints the measured
// numbers that docs/FAIRNESS.md reports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "integration/cli_helpers.h"

namespace candor::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
constexpr char kAsOf[] = "2026-11-01";

struct Workspace {
  fs::path root, ws, data;
  RunResult Run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--workspace", ws.string()});
    return RunCandor(args);
  }
};

nlohmann::json Json(const RunResult& r) {
  EXPECT_FALSE(r.out.empty()) << r.err;
  return r.out.empty() ? nlohmann::json() : nlohmann::json::parse(r.out);
}

const nlohmann::json& Attribute(const nlohmann::json& audit, std::string_view name) {
  for (const auto& a : audit.at("attributes")) {
    if (a.at("attribute") == name) return a;
  }
  static const nlohmann::json kNone;
  ADD_FAILURE() << "no attribute " << name;
  return kNone;
}

// The largest |demographic parity difference| of a group against the reference.
double LargestParityGap(const nlohmann::json& audit, std::string_view name) {
  double gap = 0;
  for (const auto& g : Attribute(audit, name).at("groups_vs_reference")) {
    gap = std::max(gap, std::abs(g.at("demographic_parity_difference").at("value").get<double>()));
  }
  return gap;
}

void ExpectDocumentedShape(const nlohmann::json& j) {
  for (const char* k : {"schema_version", "model", "passed", "threshold", "attributes", "proxies",
                        "failures", "data_unchanged", "rows", "bootstrap"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  const auto& a = j.at("attributes").at(0);
  for (const char* k : {"attribute", "reference", "groups", "comparisons", "groups_vs_reference"}) {
    EXPECT_TRUE(a.contains(k)) << k;
  }
  const auto& g = a.at("groups").at(0);
  for (const char* k : {"value", "n", "insufficient_data", "base_rate", "selection_rate", "tpr", "fpr",
                        "precision", "auc", "ece"}) {
    EXPECT_TRUE(g.contains(k)) << k;
  }
  const auto& c = a.at("comparisons").at("demographic_parity_ratio_between_groups");
  for (const char* k : {"value", "ci", "passed"}) EXPECT_TRUE(c.contains(k)) << k;
  const auto& p = j.at("proxies").at(0);
  for (const char* k : {"feature", "attribute", "auc", "mi"}) EXPECT_TRUE(p.contains(k)) << k;
}

TEST(FairnessCliTest, AuditMitigateApproveActivateAndDocument) {
  Workspace w;
  w.root = FreshDir("fairness");
  w.ws = w.root / "ws";
  w.data = w.root / "data";
  const std::string truth = (w.data / "truth.csv").string();
  ASSERT_EQ(RunCandor({"init", w.ws.string()}).exit_code, 0);
  ASSERT_EQ(RunCandor({"generate", "--out", w.data.string(), "--seed", "42"}).exit_code, 0);
  for (const char* kind : {"accounts", "contacts", "events", "consents", "outcomes", "attributes"}) {
    auto r = w.Run({"ingest", kind, (w.data / (std::string(kind) + ".csv")).string()});
    ASSERT_EQ(r.exit_code, 0) << kind << ": " << r.err;
  }

  // 1. The unmitigated model fails the default gate on age_band; careers visits are a proxy.
  auto t1 = w.Run({"--json", "train", "--target", "conversion", "--as-of", kAsOf});
  ASSERT_EQ(t1.exit_code, 0) << t1.err;
  EXPECT_EQ(Json(t1).at("model"), "conversion-1");
  auto a1 = w.Run({"--json", "audit", "--model", "conversion-1", "--truth", truth});
  ASSERT_EQ(a1.exit_code, 3) << a1.err;
  const nlohmann::json before = Json(a1);
  ExpectDocumentedShape(before);
  EXPECT_FALSE(before.at("passed").get<bool>());
  EXPECT_TRUE(before.at("data_unchanged").get<bool>());
  // The injected bias under-records the conversions of 55+: the model learns it, and
  // the four-fifths rule catches the band's selection rate.
  bool age_failure = false;
  for (const auto& f : before.at("failures")) {
    const std::string text = f.get<std::string>();
    age_failure |= text.rfind("age_band 55+ vs ", 0) == 0 && text.find("demographic parity ratio") != std::string::npos;
  }
  EXPECT_TRUE(age_failure) << before.at("failures").dump();
  bool careers = false;
  for (const auto& p : before.at("proxies")) {
    if (p.at("feature") == "careers_views_90d" && p.at("attribute") == "age_band") {
      careers = p.at("flagged").get<bool>();
      std::printf("proxy careers_views_90d → age_band: AUC %.3f, MI %.4f bits\n", p.at("auc").get<double>(),
                  p.at("mi").get<double>());
    }
  }
  EXPECT_TRUE(careers);

  // 2. Without an approval a failed model cannot be activated.
  auto act1 = w.Run({"models", "activate", "conversion-1"});
  EXPECT_EQ(act1.exit_code, 3);
  EXPECT_THAT(act1.err, HasSubstr("failed the fairness gate"));
  EXPECT_THAT(act1.err, HasSubstr("candor models approve conversion-1"));

  // 3. Reweighing (Kamiran & Calders) narrows the largest age_band demographic-
  //    parity gap by at least half, at an AUC cost against the truth of at most 0.01.
  auto t2 = w.Run({"--json", "train", "--target", "conversion", "--as-of", kAsOf, "--reweigh"});
  ASSERT_EQ(t2.exit_code, 0) << t2.err;
  const auto trained = Json(t2);
  EXPECT_EQ(trained.at("model"), "conversion-2");
  EXPECT_EQ(trained.at("weighting").at("method"), "kamiran-calders");
  auto a2 = w.Run({"--json", "audit", "--model", "conversion-2", "--truth", truth});
  ASSERT_TRUE(a2.exit_code == 0 || a2.exit_code == 3) << a2.err;
  const nlohmann::json after = Json(a2);
  EXPECT_EQ(after.at("reweighed"), true);
  const double gap_before = LargestParityGap(before, "age_band");
  const double gap_after = LargestParityGap(after, "age_band");
  const double auc_before = before.at("truth").at("auc").get<double>();
  const double auc_after = after.at("truth").at("auc").get<double>();
  std::printf("age_band largest |DP difference| vs reference: %.4f → %.4f\n", gap_before, gap_after);
  std::printf("AUC against truth.csv: %.4f → %.4f; against recorded labels: %.4f → %.4f\n", auc_before,
              auc_after, before.at("auc").get<double>(), after.at("auc").get<double>());
  std::printf("gate: %s → %s; threshold %.1f → %.1f\n", before.at("passed").get<bool>() ? "passed" : "failed",
              after.at("passed").get<bool>() ? "passed" : "failed", before.at("threshold").get<double>(),
              after.at("threshold").get<double>());
  for (const auto& f : after.at("failures")) std::printf("  after: %s\n", f.get<std::string>().c_str());
  EXPECT_GE(auc_after, auc_before - 0.01);
  EXPECT_GT(gap_before, 0.05);  // the gap the injected bias leaves, not noise
  EXPECT_LE(gap_after, gap_before / 2);

  // 4. A named approval, then activation: the score command uses the active model.
  auto ap = w.Run({"--json", "models", "approve", "conversion-2", "--by", "Dana Weber",
                   "--why", "Reweighed; gap narrowed, reviewed with the DPO"});
  ASSERT_EQ(ap.exit_code, 0) << ap.err;
  EXPECT_EQ(Json(ap).at("approved_by"), "Dana Weber");
  auto act2 = w.Run({"--json", "models", "activate", "conversion-2"});
  ASSERT_EQ(act2.exit_code, 0) << act2.err;
  EXPECT_EQ(Json(act2).at("status"), "active");
  auto sc = w.Run({"--json", "score", "--as-of", kAsOf});
  ASSERT_EQ(sc.exit_code, 0) << sc.err;
  EXPECT_EQ(Json(sc).at("model"), "conversion-2");

  // 5. Approving and activating conversion-1 retires conversion-2 in the same step.
  ASSERT_EQ(w.Run({"models", "approve", "conversion-1", "--by", "Dana Weber", "--why", "comparison run"}).exit_code, 0);
  auto act3 = w.Run({"--json", "models", "activate", "conversion-1"});
  ASSERT_EQ(act3.exit_code, 0) << act3.err;
  EXPECT_EQ(Json(act3).at("retired"), "conversion-2");
  auto list = Json(w.Run({"--json", "models", "list"}));
  EXPECT_EQ(list.at("models").at(0).at("status"), "active");
  EXPECT_EQ(list.at("models").at(1).at("status"), "retired");
  ASSERT_EQ(w.Run({"models", "retire", "conversion-1"}).exit_code, 0);
  EXPECT_EQ(w.Run({"score", "--as-of", kAsOf}).exit_code, 3);

  // 5b. Activation runs the audit when the model has none: churn-1 was never audited.
  auto tc = w.Run({"--json", "train", "--target", "churn", "--as-of", kAsOf});
  ASSERT_EQ(tc.exit_code, 0) << tc.err;
  const std::string churn = Json(tc).at("model").get<std::string>();
  auto actc = w.Run({"--json", "models", "activate", churn});
  ASSERT_TRUE(actc.exit_code == 0 || actc.exit_code == 3) << actc.err;
  if (actc.exit_code == 3) {
    EXPECT_THAT(actc.err, HasSubstr("candor models approve " + churn));
  }
  {
    const fs::path exported0 = w.root / "ledger0";
    ASSERT_EQ(w.Run({"ledger", "export", "--out", exported0.string()}).exit_code, 0);
    std::istringstream lines(ReadFile(exported0 / "entries.ndjson"));
    int churn_audits = 0;
    for (std::string line; std::getline(lines, line);) {
      const auto e = nlohmann::json::parse(line);
      if (e.at("type") == "audit" && e.at("model") == churn) ++churn_audits;
    }
    EXPECT_EQ(churn_audits, 1);
  }

  // 6. The model card, in HTML and Markdown.
  const fs::path card = w.root / "card";
  auto mc = w.Run({"models", "card", "conversion-2", "--out", card.string()});
  ASSERT_EQ(mc.exit_code, 0) << mc.err;
  const std::string md = ReadFile(card / "model-card.md");
  const std::string html = ReadFile(card / "model-card.html");
  for (const char* s : {"Intended use", "Metrics by group", "careers_views_90d", "Approved by Dana Weber",
                        "Caveats and limitations", "kamiran-calders"}) {
    EXPECT_THAT(md, HasSubstr(s));
  }
  EXPECT_THAT(html, HasSubstr("<h2>Ethical considerations: fairness</h2>"));

  // 7. The ledger holds the audits, approvals, activations and retirements, and verifies.
  ASSERT_EQ(w.Run({"ledger", "verify"}).exit_code, 0);
  const fs::path exported = w.root / "ledger";
  ASSERT_EQ(w.Run({"ledger", "export", "--out", exported.string()}).exit_code, 0);
  const std::string entries = ReadFile(exported / "entries.ndjson");
  for (const char* type : {"\"audit\"", "\"model.approve\"", "\"model.activate\"", "\"model.retire\""}) {
    EXPECT_THAT(entries, HasSubstr(type));
  }
  EXPECT_THAT(entries, ::testing::Not(HasSubstr("reviewed with the DPO")));

  // 8. External predictions: the same shape; bad cells name file, line and column.
  const fs::path preds = w.root / "preds.csv";
  std::ofstream(preds) << "y_true,score,age\n1,80,old\n0,x,young\n";
  auto bad = w.Run({"audit", "--predictions", preds.string(), "--protected", "age"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr(fmt::format("{}:3:3: score: must be a finite number", preds.string())));
  // A good file, audited inside the workspace, goes to its ledger with the file's hash.
  const fs::path good = w.root / "crm-scores.csv";
  {
    std::ofstream out(good);
    out << "y_true,score,age\n";
    for (int i = 0; i < 400; ++i) {
      const bool old = i % 2 == 0;
      out << (i % 5 == 0 ? 1 : 0) << ',' << (old ? i % 7 : 10 + i % 13) << ',' << (old ? "old" : "young") << '\n';
    }
  }
  auto ext = w.Run({"--json", "audit", "--predictions", good.string(), "--protected", "age"});
  ASSERT_EQ(ext.exit_code, 3) << ext.err;  // "old" is never selected
  EXPECT_EQ(Json(ext).at("rows"), 400);
  const fs::path exported2 = w.root / "ledger2";
  ASSERT_EQ(w.Run({"ledger", "export", "--out", exported2.string()}).exit_code, 0);
  // The last payload is that audit's: the file's name (not its directory) and hash.
  const std::string payloads2 = ReadFile(exported2 / "payloads.ndjson");
  const std::size_t last_line = payloads2.rfind('\n', payloads2.size() - 2);
  const auto last = nlohmann::json::parse(payloads2.substr(last_line == std::string::npos ? 0 : last_line + 1));
  EXPECT_EQ(last.at("source"), "predictions");
  EXPECT_EQ(last.at("file"), "crm-scores.csv");
  EXPECT_EQ(last.at("file_sha256").get<std::string>().size(), 64u);
  EXPECT_EQ(last.at("rows"), 400);
  EXPECT_EQ(last.at("passed"), false);

  // 9. Per-group thresholds (post-processing), when switched on: every group gets its own
  //    threshold for the top 20 %, the report carries the legal caveat, the ledger an entry.
  const fs::path toml = w.ws / "candor.toml";
  std::string config = ReadFile(toml);
  const std::string off = "per_group_thresholds = false";
  ASSERT_NE(config.find(off), std::string::npos);
  config.replace(config.find(off), off.size(), "per_group_thresholds = true");
  std::ofstream(toml) << config;
  auto pg = w.Run({"--json", "audit", "--model", "conversion-2"});
  ASSERT_TRUE(pg.exit_code == 0 || pg.exit_code == 3) << pg.err;
  const auto thresholds = Json(pg).at("per_group_thresholds");
  EXPECT_THAT(thresholds.at("caveat").get<std::string>(), HasSubstr("protected attribute at decision time"));
  ASSERT_GE(thresholds.at("thresholds").size(), 2u);
  for (const auto& t : thresholds.at("thresholds")) {
    EXPECT_NEAR(t.at("selection_rate").get<double>(), 0.2, 0.05) << t.dump();
  }
  const fs::path exported3 = w.root / "ledger3";
  ASSERT_EQ(w.Run({"ledger", "export", "--out", exported3.string()}).exit_code, 0);
  const bool recorded = ReadFile(exported3 / "entries.ndjson").find("\"type\":\"fairness.per_group_thresholds\"") != std::string::npos;
  EXPECT_TRUE(recorded);
  ASSERT_EQ(w.Run({"ledger", "verify"}).exit_code, 0);

  fs::remove_all(w.root);
}

}  // namespace
}  // namespace candor::testing
