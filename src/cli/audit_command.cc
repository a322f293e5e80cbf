// candor audit --model V [--truth FILE] [--as-of TIME]
// candor audit --predictions FILE --protected COL... [--threshold X] [--reference V]
#include <fmt/format.h>

#include "cli/common.h"
#include "fairness/model_audit.h"
#include "workspace/workspace.h"

namespace candor::cli {

namespace {

struct AuditArgs {
  std::string model;
  std::string truth;
  std::string as_of;
  std::string predictions;
  std::vector<std::string> protected_columns;
  std::optional<double> threshold;
  std::vector<std::string> references;
};

std::string Value(const nlohmann::json& v, int digits = 3) {
  return v.is_number() ? fmt::format("{:.{}f}", v.get<double>(), digits) : "–";
}

// The human-readable audit: verdict, the largest gaps per attribute, proxies.
void PrintAudit(const nlohmann::json& j) {
  const bool passed = j.at("passed").get<bool>();
  fmt::print("{} · {} rows · selection: score ≥ {} · fairness gate {}\n",
             j.contains("model") && j.at("model").is_string() ? fmt::format("model {}", j.at("model").get<std::string>())
                                                                : "predictions",
             j.at("rows").get<std::size_t>(), Value(j.at("threshold"), 1),
             passed ? "PASSED" : "FAILED");
  for (const auto& a : j.at("attributes")) {
    if (a.at("intersection").get<bool>()) continue;
    fmt::print("\n{} (reference {}):\n", a.at("attribute").get<std::string>(),
               a.at("reference").is_string() ? a.at("reference").get<std::string>() : "–");
    fmt::print("  {:<10} {:>7} {:>10} {:>10} {:>8} {:>8}  {}\n", "group", "n", "base rate",
               "selected", "TPR", "AUC", "DP ratio [95 % CI]");
    for (const auto& g : a.at("groups")) {
      std::string ratio;
      for (const auto& vs : a.at("groups_vs_reference")) {
        if (vs.at("value") != g.at("value") || !vs.contains("demographic_parity_ratio")) continue;
        const auto& c = vs.at("demographic_parity_ratio");
        ratio = Value(c.at("value"));
        if (c.at("ci").is_array()) ratio += fmt::format(" [{}, {}]", Value(c.at("ci").at(0)), Value(c.at("ci").at(1)));
        if (c.at("passed").is_boolean() && !c.at("passed").get<bool>()) ratio += "  FAIL";
      }
      fmt::print("  {:<10} {:>7} {:>10} {:>10} {:>8} {:>8}  {}{}\n", g.at("value").get<std::string>(),
                 g.at("n").get<std::size_t>(), Value(g.at("base_rate")), Value(g.at("selection_rate")),
                 Value(g.at("tpr")), Value(g.at("auc")), ratio,
                 g.at("insufficient_data").get<bool>() ? "(insufficient data)" : "");
    }
  }
  bool any = false;
  for (const auto& p : j.at("proxies")) {
    if (!p.at("flagged").get<bool>()) continue;
    if (!any) fmt::print("\nProxies (a feature alone predicts a protected attribute):\n");
    any = true;
    fmt::print("  {:<24} → {:<10} AUC {} · MI {} bits\n", p.at("feature").get<std::string>(),
               p.at("attribute").get<std::string>(), Value(p.at("auc")), Value(p.at("mi"), 4));
  }
  if (j.contains("truth")) {
    fmt::print("\nAgainst true outcomes: AUC {} (recorded labels: {})\n", Value(j.at("truth").at("auc")),
               Value(j.value("auc", nlohmann::json())));
  }
  if (j.contains("per_group_thresholds")) {
    const auto& pg = j.at("per_group_thresholds");
    fmt::print("\nPer-group thresholds for {} (post-processing):\n", pg.at("attribute").get<std::string>());
    for (const auto& t : pg.at("thresholds")) {
      fmt::print("  {:<10} score ≥ {}\n", t.at("value").get<std::string>(), Value(t.at("threshold"), 1));
    }
    fmt::print("  Caveat: {}\n", pg.at("caveat").get<std::string>());
  }
  if (!passed) {
    fmt::print("\nThe gate failed:\n");
    for (const auto& f : j.at("failures")) fmt::print("  {}\n", f.get<std::string>());
  }
}

void Run(Context& ctx, const AuditArgs& args) {
  if (args.model.empty() == args.predictions.empty()) {
    ctx.exit_code = Fail(ctx, core::InvalidArgument("give exactly one of --model V and --predictions FILE"));
    return;
  }
  nlohmann::json j;
  bool passed = false;
  std::string recorded_in;  // the workspace whose ledger holds a predictions audit
  if (!args.predictions.empty()) {
    if (!args.truth.empty()) {
      ctx.exit_code = Fail(ctx, core::InvalidArgument("--truth applies to --model"));
      return;
    }
    // A workspace is optional: when there is one, its [fairness] settings apply
    // and the audit goes to its ledger. Only "no workspace here" is tolerated; a
    // workspace that fails to open is an error.
    core::FairnessConfig config;
    auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
    if (!ws.ok() && ws.status().code() != core::StatusCode::kNotFound) {
      ctx.exit_code = Fail(ctx, ws.status());
      return;
    }
    if (ws.ok()) config = ws->config.fairness;
    fairness::PredictionsAuditRequest req;
    req.file = args.predictions;
    req.protected_columns = args.protected_columns;
    req.threshold = args.threshold;
    req.references = args.references;
    auto r = fairness::AuditPredictions(config, req);
    if (!r.ok()) {
      ctx.exit_code = Fail(ctx, r.status());
      return;
    }
    j = std::move(*r);
    if (ws.ok()) {
      auto recorded = fairness::RecordPredictionsAudit(*ws->store, *ws->ledger, req, j, WallClockNow(),
                                                       ledger::DefaultActor());
      if (!recorded.ok()) {
        ctx.exit_code = Fail(ctx, recorded.status());
        return;
      }
      recorded_in = workspace::ResolveDir(ctx.workspace);
    }
  } else {
    if (!args.protected_columns.empty() || args.threshold || !args.references.empty()) {
      ctx.exit_code = Fail(ctx, core::InvalidArgument(
                                    "--protected, --threshold and --reference apply to --predictions; "
                                    "for a model they come from [fairness] in candor.toml"));
      return;
    }
    auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
    if (!ws.ok()) {
      ctx.exit_code = Fail(ctx, ws.status());
      return;
    }
    fairness::ModelAuditRequest req;
    req.model = args.model;
    req.now = WallClockNow();
    if (!args.as_of.empty()) {
      auto as_of = ParseAsOf(args.as_of, req.now);
      if (!as_of.ok()) {
        ctx.exit_code = Fail(ctx, as_of.status());
        return;
      }
      req.as_of = *as_of;
    }
    req.actor = ledger::DefaultActor();
    req.truth_file = args.truth;
    Progress progress("audit " + args.model);
    req.progress = [&](std::string_view m) { progress.Update(m); };
    auto r = fairness::AuditModel(*ws->store, *ws->ledger, ws->config, ws->vault.get(), req);
    progress.Done();
    if (!r.ok()) {
      ctx.exit_code = Fail(ctx, r.status());
      return;
    }
    j = std::move(r->json);
  }
  passed = j.at("passed").get<bool>();
  if (ctx.json) {
    PrintJson(j);
  } else {
    PrintAudit(j);
    if (!recorded_in.empty()) fmt::print("\nRecorded in the ledger of the workspace {}.\n", recorded_in);
  }
  if (!passed) {
    if (!ctx.json) {
      fmt::print(stderr, "candor: the fairness gate failed{}\n",
                 args.model.empty() ? "" : fmt::format("; {} cannot be activated without `candor models approve {} --by NAME --why TEXT`", args.model, args.model));
    }
    ctx.exit_code = 3;
  }
}

}  // namespace

void RegisterAudit(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "audit", "Fairness audit of a model on its test split, or of external predictions (exit 3 when the gate fails)");
  auto args = std::make_shared<AuditArgs>();
  cmd->add_option("--model", args->model, "The model version to audit (stored in the registry and the ledger)");
  cmd->add_option("--truth", args->truth,
                  "A CSV of true outcomes (contact_id,target,ts,value, e.g. the generator's truth.csv): "
                  "also report the AUC against it");
  cmd->add_option("--as-of", args->as_of,
                  "Eligibility time for purpose fairness_audit (default: the model's training as_of)");
  cmd->add_option("--predictions", args->predictions,
                  "A CSV with y_true, y_pred or score (optionally probability) and the protected columns");
  cmd->add_option("--protected", args->protected_columns, "The protected columns of --predictions")->expected(1, -1);
  cmd->add_option("--threshold", args->threshold, "Select score >= X (--predictions with a score column)");
  cmd->add_option("--reference", args->references,
                  "The reference group: VALUE (of the first protected column) or COLUMN=VALUE");
  cmd->callback([&ctx, args] { Run(ctx, *args); });
}

}  // namespace candor::cli
