// candor features [--model V | --target T] [--training] [--as-of T] --out FILE
#include <fmt/format.h>

#include "cli/common.h"
#include "features/matrix_csv.h"
#include "model/registry.h"
#include "workspace/workspace.h"

namespace candor::cli {

namespace {

struct FeaturesArgs {
  std::string model;
  std::string target = "conversion";
  bool training = false;
  std::string as_of;
  std::string out;
};

}  // namespace

void RegisterFeatures(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "features", "Write the feature matrix exactly as a model sees it (CSV)");
  auto args = std::make_shared<FeaturesArgs>();
  auto* model = cmd->add_option("--model", args->model,
                                "The model version whose columns and code tables to use");
  cmd->add_option("--target", args->target, "Without --model: the target's features (default conversion)")
      ->excludes(model);
  cmd->add_flag("--training", args->training,
                "The training matrix (snapshot, features, label, split) instead of today's");
  cmd->add_option("--as-of", args->as_of, "The time to compute features at (default: now)");
  cmd->add_option("--out", args->out, "The CSV file to write")->required();
  cmd->callback([&ctx, args] {
    auto as_of = ParseAsOf(args->as_of, WallClockNow());
    if (!as_of.ok()) {
      ctx.exit_code = Fail(ctx, as_of.status());
      return;
    }
    auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
    if (!ws.ok()) {
      ctx.exit_code = Fail(ctx, ws.status());
      return;
    }
    Progress progress("features");
    auto m = model::MatrixFor(*ws->store, ws->config, args->model, args->target, *as_of,
                              args->training, [&](std::int64_t n) {
                                progress.Update(fmt::format("{} subjects", Thousands(n)));
                              });
    progress.Done();
    if (!m.ok()) {
      ctx.exit_code = Fail(ctx, m.status());
      return;
    }
    if (auto st = features::WriteMatrixCsv(*m, args->out, args->training); !st.ok()) {
      ctx.exit_code = Fail(ctx, st);
      return;
    }
    if (ctx.json) {
      nlohmann::ordered_json j;
      j["target"] = m->target;
      j["model"] = args->model.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(args->model);
      j["training"] = args->training;
      j["as_of"] = core::FormatTimestamp(*as_of);
      j["rows"] = m->rows;
      j["columns"] = m->cols();
      j["unseen_categories"] = m->unseen_categories;
      j["out"] = args->out;
      PrintOrderedJson(j);
      return;
    }
    fmt::print("{} rows × {} features of target {} at {} written to {}\n",
               Thousands(static_cast<std::int64_t>(m->rows)), m->cols(), m->target,
               core::FormatTimestamp(*as_of), args->out);
    if (m->unseen_categories > 0) {
      fmt::print("{} categorical values were not seen in training and are written as missing\n",
                 Thousands(static_cast<std::int64_t>(m->unseen_categories)));
    }
  });
}

}  // namespace candor::cli
