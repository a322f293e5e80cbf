// candor ropa [--lang en|de] [--out FILE]
#include <fmt/format.h>

#include <fstream>

#include "cli/common.h"
#include "privacy/ropa.h"
#include "workspace/workspace.h"

namespace candor::cli {

void RegisterRopa(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("ropa", "Records of processing activities (Art. 30 GDPR)");
  auto lang = std::make_shared<std::string>();
  cmd->add_option("--lang", *lang, "en or de (default: the workspace's)")->check(CLI::IsMember({"en", "de"}));
  cmd->callback([&ctx, lang] {
    auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
    if (!ws.ok()) {
      ctx.exit_code = Fail(ctx, ws.status());
      return;
    }
    auto r = privacy::RecordsOfProcessing(*ws->store, ws->config);
    if (!r.ok()) {
      ctx.exit_code = Fail(ctx, r.status());
      return;
    }
    if (ctx.json) {
      PrintOrderedJson(*r);
      return;
    }
    fmt::print("{}", privacy::RecordsAsMarkdown(*r, lang->empty() ? ws->config.language : *lang));
  });
}

}  // namespace candor::cli
