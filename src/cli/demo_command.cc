// candor demo [--workspace DIR] [--contacts N] [--seed S]
#include <fmt/format.h>

#include "cli/common.h"
#include "workspace/demo.h"

namespace candor::cli {

namespace {

std::string Num(const nlohmann::json& v, int digits = 3) {
  return v.is_number() ? fmt::format("{:.{}f}", v.get<double>(), digits) : "–";
}

// A group's value in a stored audit: metric of `value` in attribute `attribute`.
nlohmann::json GroupValue(const nlohmann::json& audit, std::string_view attribute,
                          std::string_view value, const char* metric) {
  for (const auto& a : audit.at("attributes")) {
    if (a.at("attribute") != attribute) continue;
    for (const auto& g : a.at("groups")) {
      if (g.at("value") == value) return g.at(metric);
    }
  }
  return nullptr;
}

void PrintFairness(const workspace::DemoFairnessSummary& f, const std::string& first) {
  const auto& b = f.before;
  const auto& a = f.after;
  fmt::print("\nFairness audit of {} on its test split (protected attributes read for purpose "
             "fairness_audit only):\n  gate {}",
             first, b.at("passed").get<bool>() ? "PASSED" : "FAILED");
  if (!b.at("failures").empty()) {
    // Show the demographic-parity failure of the attribute with the largest gap.
    std::string shown = b.at("failures").at(0).get<std::string>();
    for (const auto& failure : b.at("failures")) {
      const std::string text = failure.get<std::string>();
      if (text.rfind(f.attribute + " ", 0) == 0 && text.find("demographic parity") != std::string::npos) {
        shown = text;
        break;
      }
    }
    fmt::print(" ({} failed checks), e.g.\n    {}\n", b.at("failures").size(), shown);
  } else {
    fmt::print("\n");
  }
  for (const auto& p : b.at("proxies")) {
    if (p.at("flagged").get<bool>()) {
      fmt::print("  proxy: {} predicts {} (AUC {})\n", p.at("feature").get<std::string>(),
                 p.at("attribute").get<std::string>(), Num(p.at("auc")));
    }
  }
  fmt::print("\nRetrained with Kamiran & Calders reweighing as {}, audited again. Before and after:\n",
             f.reweighed.version);
  fmt::print("  {:<36} {:>14} {:>14}\n", "", first, f.reweighed.version);
  fmt::print("  {:<36} {:>14} {:>14}\n", "fairness gate", b.at("passed").get<bool>() ? "passed" : "failed",
             a.at("passed").get<bool>() ? "passed" : "failed");
  fmt::print("  {:<36} {:>14} {:>14}\n", "failed checks", b.at("failures").size(), a.at("failures").size());
  fmt::print("  {:<36} {:>14.3f} {:>14.3f}\n",
             fmt::format("largest |DP difference| ({})", f.attribute), f.gap_before, f.gap_after);
  for (const auto& g : b.at("attributes")) {
    if (g.at("attribute") != f.attribute) continue;
    for (const auto& grp : g.at("groups")) {
      const std::string v = grp.at("value").get<std::string>();
      fmt::print("  {:<36} {:>14} {:>14}\n", fmt::format("selection rate {} {}", f.attribute, v),
                 Num(grp.at("selection_rate")), Num(GroupValue(a, f.attribute, v, "selection_rate")));
    }
  }
  fmt::print("  {:<36} {:>14} {:>14}\n", "AUC (recorded labels)", Num(b.value("auc", nlohmann::json())),
             Num(a.value("auc", nlohmann::json())));
  if (b.contains("truth") && a.contains("truth")) {
    fmt::print("  {:<36} {:>14} {:>14}\n", "AUC (true outcomes, truth.csv)", Num(b.at("truth").at("auc")),
               Num(a.at("truth").at("auc")));
  }
  fmt::print("\nApproved by {} and activated: {}{}\n  “{}”\n", f.approver, f.activated,
             f.retired.empty() ? "" : fmt::format(" (retired {})", f.retired), f.justification);
}

}  // namespace

void RegisterDemo(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "demo", "Recreate a demo workspace (default ./demo-workspace), generate data and ingest it");
  auto opt = std::make_shared<workspace::DemoOptions>();
  cmd->add_option("--contacts", opt->contacts, "Contacts to generate (default 20000)");
  cmd->add_option("--seed", opt->seed, "Seed (default 1)");
  cmd->callback([&ctx, opt] {
    if (!ctx.workspace.empty()) opt->dir = ctx.workspace;
    Progress progress("demo");
    auto r = workspace::RunDemo(*opt, [&](std::string_view stage, std::int64_t done,
                                          std::int64_t total) {
      progress.Update(total > 0 ? fmt::format("{} {}%", stage, done * 100 / total)
                                : std::string(stage));
    });
    progress.Done();
    if (!r.ok()) {
      ctx.exit_code = Fail(ctx, r.status());
      return;
    }
    const auto& g = r->generated;
    if (ctx.json) {
      nlohmann::json ingested = nlohmann::json::array();
      for (const auto& i : r->ingested) {
        ingested.push_back({{"kind", std::string(ingest::KindName(i.kind))},
                            {"rows", i.rows},
                            {"inserted", i.inserted},
                            {"updated", i.updated},
                            {"seconds", i.seconds}});
      }
      PrintJson({{"workspace", r->dir},
                 {"period", {core::FormatTimestamp(g.start), core::FormatTimestamp(g.end)}},
                 {"subjects", r->subjects},
                 {"ingested", ingested},
                 {"eligible", r->eligible},
                 {"model", {{"version", r->trained.version},
                            {"metrics", r->trained.metrics},
                            {"rows", {{"train", r->trained.spec.rows.train},
                                      {"valid", r->trained.spec.rows.valid},
                                      {"test", r->trained.spec.rows.test}}}}},
                 {"scores", {{"rows", r->scored.rows}, {"mean_score", r->scored.mean_score},
                             {"file", r->scores_file}}},
                 {"fairness", {{"attribute", r->fairness.attribute},
                               {"before", {{"model", r->trained.version},
                                           {"passed", r->fairness.before.at("passed")},
                                           {"largest_parity_gap", r->fairness.gap_before},
                                           {"auc", r->fairness.before.value("auc", nlohmann::json())},
                                           {"truth_auc", r->fairness.before.contains("truth") ? r->fairness.before.at("truth").at("auc") : nlohmann::json()},
                                           {"failures", r->fairness.before.at("failures")}}},
                               {"after", {{"model", r->fairness.reweighed.version},
                                          {"passed", r->fairness.after.at("passed")},
                                          {"largest_parity_gap", r->fairness.gap_after},
                                          {"auc", r->fairness.after.value("auc", nlohmann::json())},
                                          {"truth_auc", r->fairness.after.contains("truth") ? r->fairness.after.at("truth").at("auc") : nlohmann::json()},
                                          {"failures", r->fairness.after.at("failures")}}},
                               {"activated", r->fairness.activated},
                               {"approved_by", r->fairness.approver}}},
                 {"privacy", {{"withdrawn", r->privacy.withdrawn},
                              {"rows_before", r->privacy.rows_before},
                              {"rows_after", r->privacy.rows_after},
                              {"withdrawn_refused", r->privacy.withdrawn_refused},
                              {"exported", r->privacy.exported},
                              {"export_dir", r->privacy.export_dir},
                              {"erased", r->privacy.erased}}},
                 {"ledger", {{"size", r->ledger_size}, {"root", r->ledger_root},
                             {"verified", r->ledger_verified}}},
                 {"seconds", r->seconds}});
      return;
    }
    fmt::print("candor demo: workspace {}\n\n", r->dir);
    fmt::print("Generated a synthetic B2B population ({} .. {}, seed {}):\n", core::FormatDate(g.start),
               core::FormatDate(g.end), opt->seed);
    fmt::print("  {} accounts, {} contacts, {} events, {} consent events\n", Thousands(g.accounts),
               Thousands(g.contacts), Thousands(g.events), Thousands(g.consents));
    fmt::print("  {} true conversions, {} recorded (the injected label bias; see docs/GENERATOR.md)\n\n",
               Thousands(g.conversions_true), Thousands(g.conversions_recorded));
    fmt::print("Imported (validated, pseudonymised, one transaction per file):\n");
    for (const auto& i : r->ingested) {
      fmt::print("  {:<11} {:>10} rows  {:>10} inserted  {:>6.1f} s\n", ingest::KindName(i.kind),
                 Thousands(i.rows), Thousands(i.inserted), i.seconds);
    }
    fmt::print("\nSubjects with a valid legal basis on {} (purpose-bound access):\n",
               core::FormatDate(g.end));
    for (const auto& [purpose, n] : r->eligible) {
      fmt::print("  {:<16} {:>8} of {} ({:.1f} %)\n", purpose, Thousands(n), Thousands(r->subjects),
                 r->subjects > 0 ? 100.0 * static_cast<double>(n) / static_cast<double>(r->subjects) : 0.0);
    }
    fmt::print("\nEmails, names and phone numbers are only in the vault, encrypted per subject.\n");
    const auto& t = r->trained;
    fmt::print("\nTrained {} (XGBoost, {} trees, isotonic calibration) as of {}:\n", t.version,
               t.spec.training["best_iteration"].get<int>() + 1, core::FormatDate(g.end));
    fmt::print("  {} monthly training rows, {} validation, {} test (the latest months)\n",
               Thousands(t.spec.rows.train), Thousands(t.spec.rows.valid), Thousands(t.spec.rows.test));
    fmt::print("  test: AUC {:.3f}, PR AUC {:.3f}, Brier {:.4f}, ECE {:.4f}, lift at the top 10 % {:.1f}×\n",
               t.metrics["auc"].get<double>(), t.metrics["pr_auc"].get<double>(),
               t.metrics["brier"].get<double>(), t.metrics["ece"].get<double>(),
               t.metrics["lift"][0]["lift"].get<double>());
    const auto& sc = r->scored;
    fmt::print("\nScored {} subjects (those with profiling consent): mean score {:.1f}; every score is\n"
               "stored with its exact contributions (they sum to the margin) and reasons in en and de.\n"
               "  {} (time: features {:.2f} s, predict {:.2f} s, explain {:.2f} s, write {:.2f} s)\n",
               Thousands(sc.rows), sc.mean_score, r->scores_file, sc.features_s, sc.predict_s,
               sc.explain_s, sc.write_s);
    fmt::print("\nThe three highest scores, explained:\n");
    for (const auto& e : sc.explanations) {
      fmt::print("\n  subject {} · score {:.1f}\n", e.subject, e.score);
      for (const auto& reason : e.reasons) {
        fmt::print("    {:+.2f}  {}\n", reason.contribution, reason.text_en);
      }
      if (e.suggestion) fmt::print("    next step: {}\n", e.suggestion->text_en);
    }
    if (!sc.explanations.empty()) {
      fmt::print("\n  Auf Deutsch: candor --workspace {} explain --subject {} --model {} --as-of {} --lang de\n",
                 r->dir, sc.explanations.front().subject, t.version, core::FormatDate(g.end));
    }
    PrintFairness(r->fairness, r->trained.version);
    const auto& pv = r->privacy;
    if (!pv.withdrawn.empty()) {
      fmt::print("\nConsent and data-subject rights:\n");
      fmt::print("  subject {} withdrew consent for profiling: the next scoring run scored {} subjects\n"
                 "    instead of {}, and scoring it alone is {}\n",
                 pv.withdrawn, Thousands(pv.rows_after), Thousands(pv.rows_before),
                 pv.withdrawn_refused ? "refused" : "NOT refused");
      fmt::print("  subject {}: access request (Art. 15/20) exported {} events and {} scores with their\n"
                 "    explanations to {}/export.json and export.html\n",
                 pv.exported, Thousands(pv.export_events), Thousands(pv.export_scores), pv.export_dir);
      fmt::print("  subject {}: erased (Art. 17): {} events and {} scores deleted, its key destroyed,\n"
                 "    its contact suppressed for later imports\n",
                 pv.erased, Thousands(pv.erased_events), Thousands(pv.erased_scores));
      fmt::print("  the register: candor --workspace {} dsr list\n", r->dir);
    }
    fmt::print("\nLedger: {} entries (init, imports, consent changes, models, audits, score batches, requests), signed tree head {}…, verification {}.\n"
               "  Check it yourself: candor --workspace {} ledger verify\n",
               r->ledger_size, r->ledger_root.substr(0, 16), r->ledger_verified ? "passed" : "FAILED",
               r->dir);
    fmt::print("The generated files are in {}/data/ (truth.csv holds the unbiased outcomes and is\n"
               "never ingested). Done in {:.1f} s.\n",
               r->dir, r->seconds);
  });
}

}  // namespace candor::cli
