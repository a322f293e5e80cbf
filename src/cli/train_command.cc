// candor train --target T [--as-of TIME] [--reweigh]
#include <fmt/format.h>

#include "cli/common.h"
#include "fairness/mitigation.h"
#include "model/trainer.h"
#include "workspace/workspace.h"

namespace candor::cli {

namespace {

struct TrainArgs {
  std::string target = "conversion";
  std::string as_of;
  bool reweigh = false;
};

}  // namespace

void RegisterTrain(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("train", "Train, calibrate and register a model (as a candidate)");
  auto args = std::make_shared<TrainArgs>();
  cmd->add_option("--target", args->target, "The target to predict (default conversion)");
  cmd->add_option("--as-of", args->as_of,
                  "Train as of this time: eligibility and the data used (default: now)");
  cmd->add_flag("--reweigh", args->reweigh,
               "Kamiran & Calders reweighing: weights that make the label independent of the "
               "protected attributes in the train split (read for purpose fairness_audit)");
  cmd->callback([&ctx, args] {
    const core::Instant now = WallClockNow();
    auto as_of = ParseAsOf(args->as_of, now);
    if (!as_of.ok()) {
      ctx.exit_code = Fail(ctx, as_of.status());
      return;
    }
    auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
    if (!ws.ok()) {
      ctx.exit_code = Fail(ctx, ws.status());
      return;
    }
    model::TrainRequest req;
    req.target = args->target;
    req.as_of = *as_of;
    req.now = args->as_of.empty() ? now : *as_of;
    req.actor = ledger::DefaultActor();
    nlohmann::json reweighing;
    if (args->reweigh) {
      req.weighting = std::string(fairness::kWeighting);
      req.weigh = [&](const features::Matrix& train) -> core::Result<std::vector<float>> {
        CANDOR_ASSIGN_OR_RETURN(auto rw, fairness::ReweighingWeights(*ws->store, ws->config, *as_of, train));
        reweighing = std::move(rw.summary);
        return std::move(rw.weights);
      };
    }
    Progress progress(fmt::format("train {}", args->target));
    req.progress = [&](std::string_view m) { progress.Update(m); };
    auto r = model::TrainModel(*ws->store, *ws->ledger, ws->config, req);
    progress.Done();
    if (!r.ok()) {
      ctx.exit_code = Fail(ctx, r.status());
      return;
    }
    const auto& m = r->metrics;
    if (ctx.json) {
      nlohmann::ordered_json j;
      j["model"] = r->version;
      j["target"] = r->spec.target;
      j["status"] = "candidate";
      nlohmann::ordered_json metrics;
      for (const char* k : {"auc", "pr_auc", "log_loss", "brier", "ece", "auc_raw"}) metrics[k] = m[k];
      metrics["lift"] = m["lift"];
      j["metrics"] = metrics;
      j["rows"] = {{"train", r->spec.rows.train}, {"valid", r->spec.rows.valid}, {"test", r->spec.rows.test}};
      j["best_iteration"] = r->spec.training["best_iteration"];
      j["rounds_run"] = r->spec.training["rounds_run"];
      j["weighting"] = reweighing.is_null() ? nlohmann::ordered_json(nullptr)
                                            : nlohmann::ordered_json::parse(reweighing.dump());
      j["seconds"] = {{"features", r->seconds_features}, {"train", r->seconds_train}};
      PrintOrderedJson(j);
      return;
    }
    fmt::print("model {} (target {}, candidate): {} trees, best of {} rounds\n", r->version,
               r->spec.target, r->spec.training["best_iteration"].get<int>() + 1,
               r->spec.training["rounds_run"].get<int>());
    fmt::print("rows: {} train, {} validation, {} test\n", Thousands(r->spec.rows.train),
               Thousands(r->spec.rows.valid), Thousands(r->spec.rows.test));
    fmt::print("test: AUC {:.4f}, PR AUC {:.4f}, log loss {:.4f}, Brier {:.4f}, ECE {:.4f}, lift "
               "at top 10% {:.2f}\n",
               m["auc"].get<double>(), m["pr_auc"].get<double>(), m["log_loss"].get<double>(),
               m["brier"].get<double>(), m["ece"].get<double>(), m["lift"][0]["lift"].get<double>());
    if (!reweighing.is_null()) {
      fmt::print("weights: Kamiran & Calders reweighing over {} ({} cells)\n",
                 reweighing.at("grouping").get<std::string>(), reweighing.at("cells").size());
    }
    fmt::print("It is a candidate: score with `candor score --model {}`.\n", r->version);
  });
}

}  // namespace candor::cli
