// candor retention [--dry-run]
#include <fmt/format.h>

#include "cli/common.h"
#include "privacy/retention.h"
#include "workspace/workspace.h"

namespace candor::cli {

void RegisterRetention(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "retention", "Delete data past the retention of every purpose that still has a basis for it");
  auto dry_run = std::make_shared<bool>(false);
  auto as_of = std::make_shared<std::string>();
  cmd->add_flag("--dry-run", *dry_run, "Count what would be deleted; change nothing");
  cmd->add_option("--as-of", *as_of, "The time to judge retention at (default: now)");
  cmd->callback([&ctx, dry_run, as_of] {
    auto now = ParseAsOf(*as_of, WallClockNow());
    if (!now.ok()) {
      ctx.exit_code = Fail(ctx, now.status());
      return;
    }
    auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
    if (!ws.ok()) {
      ctx.exit_code = Fail(ctx, ws.status());
      return;
    }
    auto r = privacy::ApplyRetention(*ws->store, *ws->ledger, ws->config, *now,
                                     ledger::DefaultActor(), *dry_run);
    if (!r.ok()) {
      ctx.exit_code = Fail(ctx, r.status());
      return;
    }
    const auto& d = r->deleted;
    if (ctx.json) {
      nlohmann::ordered_json j;
      j["dry_run"] = *dry_run;
      j["as_of"] = core::FormatTimestamp(*now);
      j[*dry_run ? "would_delete" : "deleted"] = {
          {"subjects", d.subjects}, {"events", d.events}, {"outcomes", d.outcomes}, {"scores", d.scores}};
      PrintOrderedJson(j);
      return;
    }
    fmt::print("{} {} events, {} outcomes and {} scores of {} subjects past their retention\n",
               *dry_run ? "would delete" : "deleted", Thousands(d.events), Thousands(d.outcomes),
               Thousands(d.scores), Thousands(d.subjects));
  });
}

}  // namespace candor::cli
