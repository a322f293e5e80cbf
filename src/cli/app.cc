#include "cli/app.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <xgboost/c_api.h>

#include <exception>
#include <iostream>

#include "cli/common.h"
#include "core/version.h"

namespace candor::cli {

namespace {

std::string VersionText() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return fmt::format("candor {}\nXGBoost {}.{}.{}\nSQLite {}", CANDOR_VERSION, major, minor, patch,
                     sqlite3_libversion());
}

}  // namespace

int Main(int argc, char** argv) {
  Context ctx;
  CLI::App app{"candor: responsible marketing intelligence (lead scores, churn, segments, "
               "decisions) with consent, explanations, fairness gates and a verifiable ledger"};
  app.name("candor");
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", [] { return VersionText(); }, "Print the versions of candor, XGBoost and SQLite");
  app.add_option("--workspace", ctx.workspace,
                 "Workspace directory (default: $CANDOR_WORKSPACE, else the current directory)");
  app.add_flag("--json", ctx.json, "Print one JSON document on stdout");
  RegisterInit(app, ctx);
  RegisterGenerate(app, ctx);
  RegisterIngest(app, ctx);
  RegisterDemo(app, ctx);
  RegisterLedger(app, ctx);
  RegisterFeatures(app, ctx);
  RegisterTrain(app, ctx);
  RegisterScore(app, ctx);
  RegisterExplain(app, ctx);
  RegisterModels(app, ctx);
  RegisterAudit(app, ctx);
  RegisterConsent(app, ctx);
  RegisterDsr(app, ctx);
  RegisterRetention(app, ctx);
  RegisterRopa(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "candor: " << e.what() << "\n";
    if (ctx.json) {
      PrintJson({{"error", {{"code", "INVALID_ARGUMENT"}, {"message", e.what()}}}});
    }
    std::cerr << "Run 'candor --help' for usage.\n";
    return 2;
  } catch (const std::exception& e) {
    return Fail(ctx, core::Internal(fmt::format("unexpected error: {}", e.what())));
  }
  return ctx.exit_code;
}

}  // namespace candor::cli
