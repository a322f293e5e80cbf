// candor consent grant|withdraw|object --subject ID | --contact C | --email E --purpose P
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/common.h"
#include "privacy/consent.h"
#include "workspace/workspace.h"

namespace candor::cli {

namespace {

struct ConsentArgs {
  std::string action;
  workspace::SubjectSelector who;
  std::string purpose;
  std::string source = "cli";
  std::string method, notice_version, evidence;
  std::string at, as_of;
};

}  // namespace

void RegisterConsent(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("consent", "Record a consent, a withdrawal or an objection");
  auto args = std::make_shared<ConsentArgs>();
  cmd->add_option("ACTION", args->action, "grant, withdraw or object")
      ->required()
      ->check(CLI::IsMember({"grant", "withdraw", "object"}));
  cmd->add_option("--subject", args->who.subject, "The 32-hex subject id");
  cmd->add_option("--contact", args->who.contact, "The CRM's contact id");
  cmd->add_option("--email", args->who.email, "The email address");
  cmd->add_option("--purpose", args->purpose, "The purpose (candor.toml [purposes.*])")->required();
  cmd->add_option("--source", args->source, "Where it was given (default cli)");
  cmd->add_option("--method", args->method, "How, e.g. double_opt_in, checkbox, letter");
  cmd->add_option("--notice-version", args->notice_version, "The privacy notice version shown");
  cmd->add_option("--evidence", args->evidence,
                  "Proof such as the hash of a double opt-in token (the ledger keeps its SHA-256)");
  cmd->add_option("--at", args->at, "When the subject said so (default: now)");
  cmd->add_option("--as-of", args->as_of, "The time to record as now");
  cmd->callback([&ctx, args] {
    auto run = [&]() -> core::Result<privacy::ConsentResult> {
      CANDOR_ASSIGN_OR_RETURN(core::Instant now, ParseAsOf(args->as_of, WallClockNow()));
      core::Instant at = now;
      if (!args->at.empty()) {
        auto t = core::ParseDateOrTimestamp(args->at);
        if (!t.ok()) return core::InvalidArgument("--at: " + t.status().message());
        at = *t;
      }
      CANDOR_ASSIGN_OR_RETURN(auto ws, workspace::Open(workspace::ResolveDir(ctx.workspace)));
      privacy::ConsentChange c;
      c.action = args->action;
      c.purpose = args->purpose;
      CANDOR_RETURN_IF_ERROR(privacy::CheckConsentChange(ws.config, c).status());
      CANDOR_ASSIGN_OR_RETURN(c.subject, workspace::ResolveSubject(ws, args->who));
      CANDOR_ASSIGN_OR_RETURN(c.id, ws.store->SubjectIdOf(c.subject));
      c.source = args->source;
      c.method = args->method;
      c.notice_version = args->notice_version;
      c.evidence = args->evidence;
      c.ts = at;
      c.recorded_at = now;
      c.actor = ledger::DefaultActor();
      return privacy::RecordConsent(*ws.store, *ws.ledger, *ws.vault, ws.config, c);
    };
    auto r = run();
    if (!r.ok()) {
      ctx.exit_code = Fail(ctx, r.status());
      return;
    }
    if (ctx.json) {
      nlohmann::ordered_json j;
      j["action"] = args->action;
      j["purpose"] = args->purpose;
      j["recorded"] = r->recorded;
      j["suppressed"] = r->suppressed;
      j["purposes_ended"] = r->purposes_ended;
      j["request"] = r->request == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r->request);
      PrintOrderedJson(j);
      return;
    }
    if (!r->recorded) {
      fmt::print("this {} was already recorded; nothing changed\n", args->action);
      return;
    }
    fmt::print("recorded: {} for {}\n", args->action, args->purpose);
    if (!r->purposes_ended.empty()) {
      fmt::print("from now on not processed for: {}\n", fmt::join(r->purposes_ended, ", "));
    }
    if (r->suppressed) {
      fmt::print("the contact is suppressed: later imports of it store nothing (request {})\n",
                 r->request);
    }
  });
}

}  // namespace candor::cli
