// candor dsr list [--open] | close ID | export | erase | restrict | lift (--subject | --contact | --email)
#include <fmt/format.h>

#include "cli/common.h"
#include "core/ids.h"
#include "privacy/dsr.h"
#include "workspace/workspace.h"

namespace candor::cli {

namespace {

struct DsrArgs {
  workspace::SubjectSelector who;
  std::string out, lang, received, as_of, note;
  bool open = false;
  std::int64_t id = 0;
};

void AddSubjectOptions(CLI::App* cmd, DsrArgs& a) {
  cmd->add_option("--subject", a.who.subject, "The 32-hex subject id");
  cmd->add_option("--contact", a.who.contact, "The CRM's contact id");
  cmd->add_option("--email", a.who.email, "The email address");
  cmd->add_option("--received", a.received, "When the request was received (default: now)");
  cmd->add_option("--as-of", a.as_of, "The time to record as now");
}

// Opens the workspace and runs `fn` with a DsrContext and the resolved subject.
template <typename Fn>
void WithSubject(Context& ctx, const DsrArgs& a, bool needs_subject, Fn fn) {
  auto now = ParseAsOf(a.as_of, WallClockNow());
  if (!now.ok()) {
    ctx.exit_code = Fail(ctx, now.status());
    return;
  }
  auto received = ParseAsOf(a.received, *now);
  if (!received.ok()) {
    ctx.exit_code = Fail(ctx, core::InvalidArgument("--received: " + received.status().message()));
    return;
  }
  auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
  if (!ws.ok()) {
    ctx.exit_code = Fail(ctx, ws.status());
    return;
  }
  store::SubjectKey key = 0;
  if (needs_subject) {
    auto k = workspace::ResolveSubject(*ws, a.who);
    if (!k.ok()) {
      ctx.exit_code = Fail(ctx, k.status());
      return;
    }
    key = *k;
  }
  privacy::DsrContext dc{*ws->store, *ws->ledger, *ws->vault, ws->config, ws->dir,
                         ledger::DefaultActor(), *now};
  core::Status st = fn(dc, key, *received);
  if (!st.ok()) ctx.exit_code = Fail(ctx, st);
}

std::string Day(core::Instant t) { return core::FormatDate(t); }

}  // namespace

void RegisterDsr(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("dsr", "Data-subject requests: export, erase, restrict, lift, the register");
  cmd->require_subcommand(1);
  auto args = std::make_shared<DsrArgs>();

  auto* list = cmd->add_subcommand("list", "The request register");
  list->add_flag("--open", args->open, "Only open requests");
  list->callback([&ctx, args] {
    WithSubject(ctx, *args, false, [&](privacy::DsrContext& dc, store::SubjectKey, core::Instant) -> core::Status {
      CANDOR_ASSIGN_OR_RETURN(auto reqs, dc.store.privacy().ListRequests(args->open));
      if (ctx.json) {
        nlohmann::ordered_json list_json = nlohmann::ordered_json::array();
        for (const auto& r : reqs) {
          nlohmann::ordered_json j;
          j["id"] = r.id;
          j["type"] = r.type;
          j["subject_hash"] = core::ToHex(r.subject_hash.data(), r.subject_hash.size());
          j["received"] = core::FormatTimestamp(r.received);
          j["due"] = core::FormatTimestamp(r.due);
          j["status"] = r.status;
          j["closed"] = r.closed ? nlohmann::ordered_json(core::FormatTimestamp(*r.closed)) : nlohmann::ordered_json(nullptr);
          j["overdue"] = r.status == "open" && dc.now > r.due;
          j["outcome"] = r.outcome.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.outcome);
          list_json.push_back(j);
        }
        nlohmann::ordered_json doc;
        doc["requests"] = list_json;
        PrintOrderedJson(doc);
        return core::Status::Ok();
      }
      if (reqs.empty()) {
        fmt::print("no {}requests\n", args->open ? "open " : "");
        return core::Status::Ok();
      }
      fmt::print("{:>5}  {:<12} {:<11} {:<11} {:<7} {}\n", "id", "type", "received", "due", "status", "outcome");
      for (const auto& r : reqs) {
        bool overdue = r.status == "open" && dc.now > r.due;
        fmt::print("{:>5}  {:<12} {:<11} {:<11} {:<7} {}\n", r.id, r.type, Day(r.received), Day(r.due),
                   overdue ? "OVERDUE" : r.status, r.outcome);
      }
      return core::Status::Ok();
    });
  });

  auto* close = cmd->add_subcommand("close", "Close a request once it is fulfilled");
  close->add_option("ID", args->id, "The request id")->required();
  close->add_option("--note", args->note, "What was done (kept in the register, not in the ledger)");
  close->add_option("--as-of", args->as_of, "The time to record as now");
  close->callback([&ctx, args] {
    WithSubject(ctx, *args, false, [&](privacy::DsrContext& dc, store::SubjectKey, core::Instant) -> core::Status {
      CANDOR_RETURN_IF_ERROR(privacy::CloseRequest(dc, args->id, args->note));
      if (ctx.json) {
        PrintJson({{"request", args->id}, {"status", "closed"}});
      } else {
        fmt::print("request {} closed\n", args->id);
      }
      return core::Status::Ok();
    });
  });

  auto* exp = cmd->add_subcommand("export", "Art. 15 and 20: everything held about a subject, as JSON and HTML");
  AddSubjectOptions(exp, *args);
  exp->add_option("--out", args->out, "The directory to write (default ./dsr-<request id>; outside the workspace)");
  exp->add_option("--lang", args->lang, "Language of export.html (default: the subject's)")
      ->check(CLI::IsMember({"en", "de"}));
  exp->callback([&ctx, args] {
    WithSubject(ctx, *args, true, [&](privacy::DsrContext& dc, store::SubjectKey key, core::Instant received) -> core::Status {
      CANDOR_ASSIGN_OR_RETURN(auto r, privacy::ExportSubject(dc, key, args->out, args->lang, received));
      if (ctx.json) {
        nlohmann::ordered_json j;
        j["request"] = r.request;
        j["dir"] = r.dir;
        j["files"] = {r.json_file, r.html_file};
        j["events"] = r.events;
        j["consents"] = r.consents;
        j["scores"] = r.scores;
        PrintOrderedJson(j);
        return core::Status::Ok();
      }
      fmt::print("request {}: exported {} events, {} consent records and {} scores to\n  {}\n  {}\n",
                 r.request, Thousands(r.events), Thousands(r.consents), Thousands(r.scores),
                 r.json_file, r.html_file);
      fmt::print("Deliver it to the subject, then: candor dsr close {}\n", r.request);
      return core::Status::Ok();
    });
  });

  auto* erase = cmd->add_subcommand("erase", "Art. 17: delete every row of a subject and destroy its key");
  AddSubjectOptions(erase, *args);
  erase->callback([&ctx, args] {
    WithSubject(ctx, *args, true, [&](privacy::DsrContext& dc, store::SubjectKey key, core::Instant received) -> core::Status {
      CANDOR_ASSIGN_OR_RETURN(auto r, privacy::EraseSubject(dc, key, received));
      const auto& d = r.deleted;
      if (ctx.json) {
        nlohmann::ordered_json j;
        j["request"] = r.request;
        j["deleted"] = {{"events", d.events}, {"consent_events", d.consents}, {"outcomes", d.outcomes},
                        {"attributes", d.attributes}, {"protected_attributes", d.protected_attributes},
                        {"scores", d.scores}};
        j["key_destroyed"] = true;
        j["exports_to_delete"] = r.exports_to_delete;
        j["closed"] = r.closed;
        PrintOrderedJson(j);
        return core::Status::Ok();
      }
      fmt::print("request {}: erased the subject: {} events, {} consent records, {} outcomes, {} "
                 "attributes, {} protected attributes, {} scores; its data key is destroyed and "
                 "its contact is suppressed for later imports\n",
                 r.request, Thousands(d.events), Thousands(d.consents), Thousands(d.outcomes),
                 Thousands(d.attributes), Thousands(d.protected_attributes), Thousands(d.scores));
      if (!r.exports_to_delete.empty()) {
        fmt::print("Exports of this subject were written outside the workspace; delete them, then "
                   "`candor dsr close {}`:\n",
                   r.request);
        for (const auto& p : r.exports_to_delete) fmt::print("  {}\n", p);
      }
      return core::Status::Ok();
    });
  });

  auto* restrict = cmd->add_subcommand("restrict", "Art. 18: keep the data, exclude it from every purpose");
  AddSubjectOptions(restrict, *args);
  restrict->callback([&ctx, args] {
    WithSubject(ctx, *args, true, [&](privacy::DsrContext& dc, store::SubjectKey key, core::Instant received) -> core::Status {
      CANDOR_ASSIGN_OR_RETURN(auto req, privacy::RestrictSubject(dc, key, received));
      if (ctx.json) {
        PrintJson({{"request", req}, {"restricted", true}});
      } else {
        fmt::print("request {}: processing restricted; the subject is excluded from every purpose until `candor dsr lift`\n", req);
      }
      return core::Status::Ok();
    });
  });

  auto* lift = cmd->add_subcommand("lift", "Lift a restriction");
  AddSubjectOptions(lift, *args);
  lift->callback([&ctx, args] {
    WithSubject(ctx, *args, true, [&](privacy::DsrContext& dc, store::SubjectKey key, core::Instant) -> core::Status {
      CANDOR_ASSIGN_OR_RETURN(auto req, privacy::LiftRestriction(dc, key));
      if (ctx.json) {
        PrintJson({{"request", req}, {"restricted", false}});
      } else {
        fmt::print("restriction lifted (request {} closed)\n", req);
      }
      return core::Status::Ok();
    });
  });
}

}  // namespace candor::cli
