// candor generate --out DIR [--contacts N] [--accounts N] [--days N] [--end DATE]
//                 [--seed S] [--drift X --from DATE]
//                 [--bias-band BAND] [--bias-record P] [--proxy-strength S]
#include <fmt/format.h>

#include "cli/common.h"
#include "synth/generator.h"

namespace candor::cli {

namespace {
struct GenerateArgs {
  synth::GeneratorOptions options;
  std::string end, from;
};
}  // namespace

void RegisterGenerate(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("generate", "Write a synthetic population with known truth (CSV)");
  auto args = std::make_shared<GenerateArgs>();
  auto& o = args->options;
  cmd->add_option("--out", o.out_dir, "Output directory")->required();
  cmd->add_option("--contacts", o.contacts, "Contacts (default 20000)");
  cmd->add_option("--accounts", o.accounts, "Accounts (default contacts / 8)");
  cmd->add_option("--days", o.days, "Length of the period in days (default 365)");
  cmd->add_option("--end", args->end, "End of the period, exclusive (default 2026-11-01)");
  cmd->add_option("--seed", o.seed, "Seed (default 1)");
  cmd->add_option("--drift", o.drift, "Drift strength in [0, 1] from --from on");
  cmd->add_option("--from", args->from, "Start of the drifted period (DATE)");
  cmd->add_option("--bias-band", o.bias.age_band,
                  "Age band whose true conversions are under-recorded (default 55+; \"\" for none)");
  cmd->add_option("--bias-record", o.bias.record_probability,
                  "Probability that a true conversion of that band is recorded (default 0.7)");
  cmd->add_option("--proxy-strength", o.bias.proxy_strength,
                  "Strength of the careers-visits proxy for age, in [0, 5] (default 1)");
  cmd->callback([&ctx, args] {
    auto& opt = args->options;
    if (!args->end.empty()) {
      auto t = core::ParseDateOrTimestamp(args->end);
      if (!t.ok()) {
        ctx.exit_code = Fail(ctx, core::InvalidArgument("--end: " + t.status().message()));
        return;
      }
      opt.end = *t;
    }
    if (!args->from.empty()) {
      auto t = core::ParseDateOrTimestamp(args->from);
      if (!t.ok()) {
        ctx.exit_code = Fail(ctx, core::InvalidArgument("--from: " + t.status().message()));
        return;
      }
      opt.drift_from = *t;
    }
    Progress progress("generate");
    auto r = synth::Generate(opt, [&progress](std::int64_t done, std::int64_t total) {
      progress.Update(fmt::format("{} of {} contacts", Thousands(done), Thousands(total)));
    });
    progress.Done();
    if (!r.ok()) {
      ctx.exit_code = Fail(ctx, r.status());
      return;
    }
    if (ctx.json) {
      PrintJson({{"out", opt.out_dir},
                 {"start", core::FormatTimestamp(r->start)},
                 {"end", core::FormatTimestamp(r->end)},
                 {"accounts", r->accounts},
                 {"contacts", r->contacts},
                 {"events", r->events},
                 {"consents", r->consents},
                 {"outcomes", r->outcomes},
                 {"attributes", r->attributes},
                 {"truth", r->truth},
                 {"events_by_type", r->events_by_type}});
      return;
    }
    fmt::print("Wrote {} to {}: {} accounts, {} contacts, {} events, {} consent events, {} "
               "outcomes ({} true outcomes in truth.csv)\n",
               fmt::format("{} .. {}", core::FormatDate(r->start), core::FormatDate(r->end)),
               opt.out_dir, Thousands(r->accounts), Thousands(r->contacts), Thousands(r->events),
               Thousands(r->consents), Thousands(r->outcomes), Thousands(r->truth));
  });
}

}  // namespace candor::cli
