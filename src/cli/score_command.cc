// candor score [--model V | --target T] [--explain] [--as-of T] [--out FILE] [--format csv|ndjson]
// candor explain --subject ID | --contact C | --email E [--model V | --target T] [--lang en|de]
#include <fmt/format.h>

#include <cmath>
#include <thread>

#include "cli/common.h"
#include "model/scorer.h"
#include "workspace/workspace.h"

namespace candor::cli {

namespace {

struct ScoreArgs {
  std::string model;
  std::string target = "conversion";
  bool explain = false;
  std::string as_of;
  std::string out;
  std::string format;
  std::string lang;
  int threads = 2;
  workspace::SubjectSelector who;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Shared by both commands: open the workspace, score, report errors.
core::Result<model::ScoreReport> Run(Context& ctx, const ScoreArgs& a, bool one,
                                     std::string& lang) {
  const core::Instant now = WallClockNow();
  CANDOR_ASSIGN_OR_RETURN(core::Instant as_of, ParseAsOf(a.as_of, now));
  CANDOR_ASSIGN_OR_RETURN(auto ws, workspace::Open(workspace::ResolveDir(ctx.workspace)));
  model::ScoreRequest req;
  req.model = a.model;
  req.target = a.target;
  req.as_of = as_of;
  req.now = a.as_of.empty() ? now : as_of;
  req.actor = ledger::DefaultActor();
  req.explain = a.explain || one;
  req.out = a.out;
  req.format = !a.format.empty() ? a.format
               : (EndsWith(a.out, ".ndjson") || EndsWith(a.out, ".jsonl")) ? "ndjson"
                                                                            : "csv";
  lang = a.lang.empty() ? ws.config.language : a.lang;
  req.lang = lang;
  req.threads = a.threads;
  if (one) {
    CANDOR_ASSIGN_OR_RETURN(req.subject, workspace::ResolveSubject(ws, a.who));
  }
  Progress progress(one ? "explain" : "score");
  req.progress = [&](std::string_view m) { progress.Update(m); };
  auto r = model::ScoreSubjects(*ws.store, *ws.ledger, ws.config, req);
  progress.Done();
  return r;
}

void PrintExplanation(const model::Explanation& e, const model::ScoreReport& r, std::string_view lang) {
  const bool de = lang == "de";
  auto num = [lang](double v, int decimals) { return model::FormatDecimal(v, decimals, lang); };
  fmt::print("{} {} · {} {} · {} {} ({} {})\n", de ? "Person" : "Subject", e.subject,
             de ? "Modell" : "model", r.model, de ? "Wert" : "score", num(e.score, 1),
             de ? "Wahrscheinlichkeit" : "probability", num(e.probability, 3));
  bool up = false, down = false;
  for (const model::Reason& x : e.reasons) {
    if (x.contribution > 0 && !up) {
      fmt::print("{}\n", de ? "Was den Wert erhöht:" : "What raises the score:");
      up = true;
    }
    if (x.contribution < 0 && !down) {
      fmt::print("{}\n", de ? "Was den Wert senkt:" : "What lowers the score:");
      down = true;
    }
    fmt::print("  {}  {}\n", model::FormatDecimal(x.contribution, 3, lang, true), x.text(lang));
  }
  if (e.suggestion) {
    fmt::print("{} {}\n", de ? "Vorschlag:" : "Suggested next step:", e.suggestion->text(lang));
  } else {
    fmt::print("{}\n", de ? "Keine einzelne Änderung eines beeinflussbaren Merkmals erhöht den Wert."
                          : "No single change to an actionable feature raises the score.");
  }
  double bias = e.contributions.back().second;
  fmt::print("{} {} = {} {} + {} {}\n",
             de ? "Beiträge (Log-Odds) ergeben den Rohwert" : "Contributions (log-odds) sum to the margin",
             num(e.margin, 4), de ? "Basis" : "bias", num(bias, 4), de ? "Merkmale" : "features",
             num(e.margin - bias, 4));
}

nlohmann::ordered_json ExplanationJson(const model::Explanation& e, const model::ScoreReport& r,
                                       std::string_view lang) {
  nlohmann::ordered_json j;
  j["subject"] = e.subject;
  j["model"] = r.model;
  j["score"] = e.score;
  j["probability"] = e.probability;
  j["margin"] = e.margin;
  nlohmann::ordered_json c, v;
  for (const auto& [k, x] : e.contributions) c[k] = x;
  for (const auto& [k, x] : e.values) v[k] = x;
  j["contributions"] = c;
  j["values"] = v;
  nlohmann::ordered_json reasons = nlohmann::ordered_json::array();
  for (const model::Reason& x : e.reasons) {
    reasons.push_back({{"feature", x.feature}, {"contribution", x.contribution}, {"text", x.text(lang)}});
  }
  j["reasons"] = reasons;
  if (e.suggestion) {
    const model::Suggestion& s = *e.suggestion;
    nlohmann::ordered_json sj;
    sj["feature"] = s.feature;
    sj["from"] = std::isnan(s.from) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.from);
    sj["to"] = s.to;
    sj["new_score"] = s.new_score;
    sj["new_probability"] = s.new_probability;
    sj["text"] = s.text(lang);
    j["suggestion"] = sj;
  } else {
    j["suggestion"] = nullptr;
  }
  j["run"] = r.run;
  return j;
}

void AddModelOptions(CLI::App* cmd, ScoreArgs& a) {
  auto* model = cmd->add_option("--model", a.model,
                                "Score with this model version, whatever its status");
  cmd->add_option("--target", a.target, "Without --model: the target's active model (default conversion)")
      ->excludes(model);
  cmd->add_option("--as-of", a.as_of, "Score as of this time (default: now)");
  cmd->add_option("--lang", a.lang, "Language of reason texts (default: the workspace's)")
      ->check(CLI::IsMember({"en", "de"}));
}

}  // namespace

void RegisterScore(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("score", "Score every eligible subject, explain and store each score");
  auto args = std::make_shared<ScoreArgs>();
  args->threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  AddModelOptions(cmd, *args);
  cmd->add_flag("--explain", args->explain,
                "Add contributions, reasons and the suggested next step to the output");
  cmd->add_option("--out", args->out, "Write the scores to FILE ('-' for stdout)");
  cmd->add_option("--format", args->format, "csv or ndjson (default: from --out's extension, else csv)")
      ->check(CLI::IsMember({"csv", "ndjson"}));
  cmd->add_option("--threads", args->threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1, 256));
  cmd->callback([&ctx, args] {
    if (ctx.json && args->out == "-") {
      ctx.exit_code = Fail(ctx, core::InvalidArgument("--out - and --json both want stdout; pick one"));
      return;
    }
    std::string lang;
    auto r = Run(ctx, *args, false, lang);
    if (!r.ok()) {
      ctx.exit_code = Fail(ctx, r.status());
      return;
    }
    if (ctx.json) {
      nlohmann::ordered_json j;
      j["model"] = r->model;
      j["target"] = r->target;
      j["run"] = r->run;
      j["rows"] = r->rows;
      j["mean_score"] = r->mean_score;
      j["unseen_categories"] = r->unseen_categories;
      j["ledger_entries"] = r->ledger_entries;
      j["out"] = args->out.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(args->out);
      j["timings"] = {{"features_s", r->features_s},
                      {"predict_s", r->predict_s},
                      {"explain_s", r->explain_s},
                      {"write_s", r->write_s}};
      PrintOrderedJson(j);
      return;
    }
    if (args->out == "-") return;
    fmt::print(stderr, "scored {} subjects with model {} (run {}): mean score {:.1f}\n",
               Thousands(r->rows), r->model, r->run, r->mean_score);
    fmt::print(stderr, "every score is stored with its contributions and reasons; {} ledger {}\n",
               r->ledger_entries, r->ledger_entries == 1 ? "entry" : "entries");
    if (!args->out.empty()) fmt::print(stderr, "written to {}\n", args->out);
    fmt::print(stderr, "time: features {:.2f} s, predict {:.2f} s, explain {:.2f} s, write {:.2f} s\n",
               r->features_s, r->predict_s, r->explain_s, r->write_s);
  });
}

void RegisterExplain(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("explain", "Score one subject now and explain the score in words");
  auto args = std::make_shared<ScoreArgs>();
  args->threads = 1;
  AddModelOptions(cmd, *args);
  cmd->add_option("--subject", args->who.subject, "The 32-hex subject id");
  cmd->add_option("--contact", args->who.contact, "The CRM's contact id");
  cmd->add_option("--email", args->who.email, "The email address");
  cmd->callback([&ctx, args] {
    std::string lang;
    auto r = Run(ctx, *args, true, lang);
    if (!r.ok()) {
      ctx.exit_code = Fail(ctx, r.status());
      return;
    }
    const model::Explanation& e = r->explanations.front();
    if (ctx.json) {
      PrintOrderedJson(ExplanationJson(e, *r, lang));
      return;
    }
    PrintExplanation(e, *r, lang);
  });
}

}  // namespace candor::cli
