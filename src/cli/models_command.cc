// candor models list | show V | export V --out DIR | card V [--out DIR]
//               | approve V --by NAME --why TEXT | activate V | retire V
#include <fmt/format.h>

#include "cli/common.h"
#include "fairness/model_card.h"
#include "fairness/promotion.h"
#include "model/registry.h"
#include "workspace/workspace.h"

namespace candor::cli {

namespace {

struct ModelsArgs {
  std::string version;
  std::string out;
  std::string by, why;
};

nlohmann::ordered_json Parse(const std::string& text) {
  if (text.empty()) return nullptr;
  return nlohmann::ordered_json::parse(text);
}

nlohmann::ordered_json Summary(const store::ModelRecord& m) {
  nlohmann::ordered_json j;
  j["version"] = m.version;
  j["target"] = m.target;
  j["status"] = m.status;
  j["created_at"] = core::FormatTimestamp(m.created_at);
  j["metrics"] = Parse(m.metrics);
  return j;
}

void List(Context& ctx) {
  auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
  if (!ws.ok()) {
    ctx.exit_code = Fail(ctx, ws.status());
    return;
  }
  auto models = ws->store->registry().ListModels();
  if (!models.ok()) {
    ctx.exit_code = Fail(ctx, models.status());
    return;
  }
  if (ctx.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& m : *models) list.push_back(Summary(m));
    nlohmann::ordered_json j;
    j["models"] = list;
    PrintOrderedJson(j);
    return;
  }
  if (models->empty()) {
    fmt::print("no models yet; train one with `candor train --target conversion`\n");
    return;
  }
  fmt::print("{:<16} {:<12} {:<10} {:<24} {:>7}\n", "version", "target", "status", "created",
             "AUC");
  for (const auto& m : *models) {
    auto metrics = Parse(m.metrics);
    fmt::print("{:<16} {:<12} {:<10} {:<24} {:>7.4f}\n", m.version, m.target, m.status,
               core::FormatTimestamp(m.created_at), metrics.value("auc", 0.0));
  }
}

void Show(Context& ctx, const std::string& version) {
  auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
  if (!ws.ok()) {
    ctx.exit_code = Fail(ctx, ws.status());
    return;
  }
  auto m = ws->store->registry().FindModel(version, false);
  if (!m.ok() || !m->has_value()) {
    ctx.exit_code = Fail(ctx, m.ok() ? core::NotFound(fmt::format(
                                           "no model {} (see `candor models list`)", version))
                                     : m.status());
    return;
  }
  const store::ModelRecord& r = **m;
  nlohmann::ordered_json j = Summary(r);
  j["spec"] = Parse(r.spec);
  j["fairness"] = Parse(r.fairness);
  j["approved_by"] = r.approved_by.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.approved_by);
  j["justification"] =
      r.justification.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.justification);
  if (ctx.json) {
    PrintOrderedJson(j);
    return;
  }
  const auto& spec = j["spec"];
  const auto& metrics = j["metrics"];
  fmt::print("model {} · target {} · {} · created {}\n", r.version, r.target, r.status,
             core::FormatTimestamp(r.created_at));
  fmt::print("purpose {} · horizon {} days · {} snapshots · {} trees\n", spec["purpose"].get<std::string>(),
             spec["horizon_days"].get<int>(), spec["snapshots"].get<std::string>(),
             spec["training"]["best_iteration"].get<int>() + 1);
  fmt::print("rows: {} train, {} validation, {} test\n", Thousands(spec["rows"]["train"].get<std::int64_t>()),
             Thousands(spec["rows"]["valid"].get<std::int64_t>()),
             Thousands(spec["rows"]["test"].get<std::int64_t>()));
  fmt::print("test: AUC {:.4f}, PR AUC {:.4f}, log loss {:.4f}, Brier {:.4f}, ECE {:.4f}\n",
             metrics["auc"].get<double>(), metrics["pr_auc"].get<double>(),
             metrics["log_loss"].get<double>(), metrics["brier"].get<double>(),
             metrics["ece"].get<double>());
  fmt::print("features:\n");
  for (const auto& f : spec["features"]) {
    fmt::print("  {:<24} {:<12} {}{}\n", f["name"].get<std::string>(), f["type"].get<std::string>(),
               f["description_en"].get<std::string>(), f["actionable"].get<bool>() ? " (actionable)" : "");
  }
  const auto& lin = spec["lineage"];
  fmt::print("lineage: data {} · config {} · XGBoost {} · SQLite {} · candor {}\n",
             lin["data_fingerprint"].get<std::string>().substr(0, 16),
             lin["config_sha256"].is_string() ? lin["config_sha256"].get<std::string>().substr(0, 16) : "-",
             lin["xgboost_version"].get<std::string>(), lin["sqlite_version"].get<std::string>(),
             lin["candor_version"].get<std::string>());
}

enum class Promotion { kApprove, kActivate, kRetire };

void Promote(Context& ctx, const ModelsArgs& args, Promotion what) {
  auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
  if (!ws.ok()) {
    ctx.exit_code = Fail(ctx, ws.status());
    return;
  }
  fairness::PromotionRequest req;
  req.model = args.version;
  req.now = WallClockNow();
  req.actor = ledger::DefaultActor();
  req.approved_by = args.by;
  req.justification = args.why;
  core::Result<fairness::PromotionResult> r =
      what == Promotion::kApprove    ? fairness::ApproveModel(*ws->store, *ws->ledger, ws->config, req)
      : what == Promotion::kActivate ? fairness::ActivateModel(*ws->store, *ws->ledger, ws->config, req)
                                     : fairness::RetireModel(*ws->store, *ws->ledger, req);
  if (!r.ok()) {
    ctx.exit_code = Fail(ctx, r.status());
    return;
  }
  if (ctx.json) {
    nlohmann::ordered_json j;
    j["model"] = r->model;
    j["target"] = r->target;
    j["status"] = r->status;
    j["gate_passed"] = r->gate_passed;
    j["audited_now"] = r->audited_now;
    j["approved_by"] = r->approved_by ? nlohmann::ordered_json(*r->approved_by) : nlohmann::ordered_json(nullptr);
    j["retired"] = r->retired ? nlohmann::ordered_json(*r->retired) : nlohmann::ordered_json(nullptr);
    PrintOrderedJson(j);
    return;
  }
  const std::string verdict = fmt::format("fairness gate {}{}", r->gate_passed ? "passed" : "failed",
                                          r->audited_now ? " (audited now)" : "");
  switch (what) {
    case Promotion::kApprove:
      fmt::print("model {} approved by {} ({} at approval); recorded in the ledger\n", r->model,
                 *r->approved_by, verdict);
      break;
    case Promotion::kActivate:
      fmt::print("model {} is the active model of target {} ({}{})\n", r->model, r->target, verdict,
                 r->approved_by ? fmt::format(", approved by {}", *r->approved_by) : "");
      if (r->retired) fmt::print("model {} retired\n", *r->retired);
      fmt::print("`candor score --target {}` now uses it\n", r->target);
      break;
    case Promotion::kRetire:
      fmt::print("model {} retired\n", r->model);
      break;
  }
}

void Card(Context& ctx, const ModelsArgs& args) {
  auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
  if (!ws.ok()) {
    ctx.exit_code = Fail(ctx, ws.status());
    return;
  }
  auto card = fairness::RenderModelCard(*ws->store, args.version);
  if (!card.ok()) {
    ctx.exit_code = Fail(ctx, card.status());
    return;
  }
  if (args.out.empty()) {
    if (ctx.json) {
      PrintJson({{"model", args.version}, {"markdown", card->markdown}});
    } else {
      fmt::print("{}", card->markdown);
    }
    return;
  }
  if (auto st = fairness::WriteModelCard(*card, args.out); !st.ok()) {
    ctx.exit_code = Fail(ctx, st);
    return;
  }
  const std::vector<std::string> files = {fmt::format("{}/model-card.html", args.out),
                                          fmt::format("{}/model-card.md", args.out)};
  if (ctx.json) {
    PrintJson({{"model", args.version}, {"files", files}});
  } else {
    fmt::print("model card of {} written to {} and {}\n", args.version, files[0], files[1]);
  }
}

}  // namespace

void RegisterModels(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "models", "The model registry: list, show, export, card, approve, activate, retire");
  cmd->require_subcommand(1);
  auto args = std::make_shared<ModelsArgs>();
  cmd->add_subcommand("list", "Every model in creation order")->callback([&ctx] { List(ctx); });
  auto* show = cmd->add_subcommand("show", "A model's metrics, features and lineage");
  show->add_option("VERSION", args->version, "The model version")->required();
  show->callback([&ctx, args] { Show(ctx, args->version); });
  auto* exp = cmd->add_subcommand("export", "Write DIR/booster.json and DIR/model.json");
  exp->add_option("VERSION", args->version, "The model version")->required();
  exp->add_option("--out", args->out, "The directory to write")->required();
  exp->callback([&ctx, args] {
    auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
    if (!ws.ok()) {
      ctx.exit_code = Fail(ctx, ws.status());
      return;
    }
    if (auto st = model::ExportModel(*ws->store, args->version, args->out); !st.ok()) {
      ctx.exit_code = Fail(ctx, st);
      return;
    }
    if (ctx.json) {
      nlohmann::ordered_json j;
      j["model"] = args->version;
      j["files"] = {args->out + "/booster.json", args->out + "/model.json"};
      PrintOrderedJson(j);
      return;
    }
    fmt::print("model {} exported to {}/booster.json and {}/model.json\n", args->version, args->out,
               args->out);
  });
  auto* card = cmd->add_subcommand("card", "The model card (Markdown; --out DIR writes HTML and Markdown)");
  card->add_option("VERSION", args->version, "The model version")->required();
  card->add_option("--out", args->out, "Write DIR/model-card.html and DIR/model-card.md");
  card->callback([&ctx, args] { Card(ctx, *args); });
  auto* approve = cmd->add_subcommand(
      "approve", "A named person approves a model, with a justification (recorded with the gate's verdict)");
  approve->add_option("VERSION", args->version, "The model version")->required();
  approve->add_option("--by", args->by, "The approver's name")->required();
  approve->add_option("--why", args->why, "The justification, in the approver's words")->required();
  approve->callback([&ctx, args] { Promote(ctx, *args, Promotion::kApprove); });
  auto* activate = cmd->add_subcommand(
      "activate", "Make a model its target's active model (needs a passed fairness gate or an approval)");
  activate->add_option("VERSION", args->version, "The model version")->required();
  activate->callback([&ctx, args] { Promote(ctx, *args, Promotion::kActivate); });
  auto* retire = cmd->add_subcommand("retire", "Retire a model");
  retire->add_option("VERSION", args->version, "The model version")->required();
  retire->callback([&ctx, args] { Promote(ctx, *args, Promotion::kRetire); });
}

}  // namespace candor::cli
