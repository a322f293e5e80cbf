// candor ingest KIND FILE... [--format csv|ndjson] [--mapping NAME|FILE.toml]
#include <fmt/format.h>

#include <chrono>

#include "cli/common.h"
#include "ingest/ingest.h"
#include "workspace/workspace.h"

namespace candor::cli {

namespace {

struct IngestArgs {
  std::string as_of;
  std::string kind;
  std::vector<std::string> files;
  std::string format;
  std::string mapping;
};

nlohmann::json ReportJson(const ingest::Report& r) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : r.errors) {
    errors.push_back({{"file", e.file}, {"line", e.line}, {"column", e.column}, {"message", e.message}});
  }
  nlohmann::json j = {{"kind", std::string(ingest::KindName(r.kind))},
                      {"rows", r.rows},
                      {"inserted", r.inserted},
                      {"updated", r.updated},
                      {"unchanged", r.unchanged},
                      {"duplicates", r.duplicates},
                      {"skipped", r.skipped},
                      {"suppressed", r.suppressed},
                      {"rejected", r.rejected},
                      {"subjects_created", r.subjects_created},
                      {"errors", errors},
                      {"errors_total", r.errors_total},
                      {"committed", r.committed},
                      {"seconds", r.seconds}};
  if (!r.mapping.empty()) j["mapping"] = r.mapping;
  return j;
}

}  // namespace

void RegisterIngest(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "ingest", "Import files (all or nothing): accounts contacts events consents outcomes "
                "attributes flat transactions");
  auto args = std::make_shared<IngestArgs>();
  cmd->add_option("KIND", args->kind, "What the files hold")
      ->required()
      ->check(CLI::IsMember({"accounts", "contacts", "events", "consents", "outcomes",
                             "attributes", "flat", "transactions"}));
  cmd->add_option("FILE", args->files, "Input files (CSV or NDJSON, optionally .gz)")->required();
  cmd->add_option("--format", args->format, "csv or ndjson (default: from the file extension)")
      ->check(CLI::IsMember({"csv", "ndjson"}));
  cmd->add_option("--as-of", args->as_of,
                  "The time to record as now (consent events' recorded_at, the ledger entry)");
  cmd->add_option("--mapping", args->mapping,
                  "flat/transactions: a [mapping.NAME] of candor.toml, or a mapping file "
                  "(examples/*.toml)");
  cmd->callback([&ctx, args] {
    auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
    if (!ws.ok()) {
      ctx.exit_code = Fail(ctx, ws.status());
      return;
    }
    ingest::Request req;
    req.kind = *ingest::ParseKind(args->kind);
    req.files = args->files;
    if (!args->format.empty()) req.format = *core::ParseFormat(args->format);
    req.mapping = args->mapping;
    req.now = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    if (!args->as_of.empty()) {
      auto t = core::ParseDateOrTimestamp(args->as_of);
      if (!t.ok()) {
        ctx.exit_code = Fail(ctx, core::InvalidArgument("--as-of: " + t.status().message()));
        return;
      }
      req.now = *t;
    }
    Progress progress("ingest " + args->kind);
    req.progress = [&progress](std::uint64_t rows, std::uint64_t bytes, std::uint64_t total) {
      if (total > 0 && bytes <= total) {
        progress.Update(fmt::format("{} rows, {}%", Thousands(static_cast<std::int64_t>(rows)),
                                    bytes * 100 / total));
      } else {
        progress.Update(fmt::format("{} rows", Thousands(static_cast<std::int64_t>(rows))));
      }
    };
    auto report = ingest::Run(*ws->store, ws->config, *ws->vault, *ws->ledger, req);
    progress.Done();
    if (!report.ok()) {
      ctx.exit_code = Fail(ctx, report.status());
      return;
    }
    const ingest::Report& r = *report;
    for (const auto& e : r.errors) fmt::print(stderr, "{}\n", ingest::FormatError(e));
    if (r.errors_total > static_cast<std::int64_t>(r.errors.size())) {
      fmt::print(stderr, "... and {} more errors\n",
                 Thousands(r.errors_total - static_cast<std::int64_t>(r.errors.size())));
    }
    if (!r.committed) {
      fmt::print(stderr, "candor: {} {} in {} {}; nothing was written\n",
                 Thousands(r.errors_total), r.errors_total == 1 ? "error" : "errors",
                 Thousands(r.rows), r.rows == 1 ? "row" : "rows");
      ctx.exit_code = 2;
    }
    if (ctx.json) {
      PrintJson(ReportJson(r));
      return;
    }
    if (r.committed) {
      std::string extra;
      if (r.unchanged > 0) extra += fmt::format(", {} unchanged", Thousands(r.unchanged));
      if (r.duplicates > 0) extra += fmt::format(", {} duplicates skipped", Thousands(r.duplicates));
      if (r.skipped > 0) extra += fmt::format(", {} skipped by the mapping", Thousands(r.skipped));
      if (r.suppressed > 0) {
        extra += fmt::format(", {} of suppressed contacts skipped (objection or erasure)", Thousands(r.suppressed));
      }
      fmt::print("{}: {} rows: {} inserted, {} updated{} ({:.1f} s)\n", args->kind,
                 Thousands(r.rows), Thousands(r.inserted), Thousands(r.updated), extra, r.seconds);
    }
  });
}

}  // namespace candor::cli
