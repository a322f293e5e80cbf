// candor init DIR [--config FILE]
#include <fmt/format.h>

#include "cli/common.h"
#include "workspace/workspace.h"

namespace candor::cli {

void RegisterInit(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("init", "Create a workspace: candor.toml, keys and the database");
  auto dir = std::make_shared<std::string>();
  auto config = std::make_shared<std::string>();
  cmd->add_option("DIR", *dir, "Directory of the new workspace")->required();
  cmd->add_option("--config", *config,
                  "Use this configuration file instead of the commented default");
  cmd->callback([&ctx, dir, config] {
    auto r = workspace::Init(*dir, *config);
    if (!r.ok()) {
      ctx.exit_code = Fail(ctx, r.status());
      return;
    }
    if (ctx.json) {
      PrintJson({{"workspace", r->dir},
                 {"workspace_id", r->workspace_id},
                 {"keys", r->keys_in_files ? "files" : "environment"}});
    } else {
      fmt::print("Created the workspace {}\n", r->dir);
      fmt::print("  {}/candor.toml   configuration (every setting, commented)\n", r->dir);
      fmt::print("  {}/candor.db     database\n", r->dir);
      if (r->keys_in_files) {
        fmt::print("  {}/keys/         keys (keep them safe: without master.key the vault cannot "
                   "be read)\n",
                   r->dir);
      } else {
        fmt::print("  keys             from CANDOR_MASTER_KEY, CANDOR_INDEX_KEY, CANDOR_SIGNING_KEY\n");
      }
    }
  });
}

}  // namespace candor::cli
