#include "fairness/model_card.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>
#include <vector>

#include "core/files.h"

namespace candor::fairness {

namespace {

using json = nlohmann::json;

std::string Num(const json& v, int digits = 3) {
  if (!v.is_number()) return "–";
  return fmt::format("{:.{}f}", v.get<double>(), digits);
}

std::string Ci(const json& ci, int digits = 3) {
  if (!ci.is_array() || ci.size() != 2) return "";
  return fmt::format(" [{}, {}]", Num(ci.at(0), digits), Num(ci.at(1), digits));
}

std::string Str(const json& j, const char* key, std::string_view fallback = "–") {
  if (!j.is_object() || !j.contains(key) || !j.at(key).is_string()) return std::string(fallback);
  return j.at(key).get<std::string>();
}

// A small Markdown writer whose tables are also rendered to HTML: the two
// formats share one outline.
class Doc {
 public:
  void H1(const std::string& t) { md_ += fmt::format("# {}\n\n", t); html_ += fmt::format("<h1>{}</h1>\n", Esc(t)); }
  void H2(const std::string& t) { md_ += fmt::format("## {}\n\n", t); html_ += fmt::format("<h2>{}</h2>\n", Esc(t)); }
  void H3(const std::string& t) { md_ += fmt::format("### {}\n\n", t); html_ += fmt::format("<h3>{}</h3>\n", Esc(t)); }
  void P(const std::string& t) { md_ += t + "\n\n"; html_ += fmt::format("<p>{}</p>\n", Esc(t)); }
  void Items(const std::vector<std::string>& items) {
    html_ += "<ul>\n";
    for (const auto& i : items) {
      md_ += fmt::format("- {}\n", i);
      html_ += fmt::format("<li>{}</li>\n", Esc(i));
    }
    md_ += "\n";
    html_ += "</ul>\n";
  }
  void Table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
    md_ += "| " + fmt::format("{}", fmt::join(head, " | ")) + " |\n|";
    for (std::size_t i = 0; i < head.size(); ++i) md_ += "---|";
    md_ += "\n";
    html_ += "<table>\n<tr>";
    for (const auto& h : head) html_ += fmt::format("<th>{}</th>", Esc(h));
    html_ += "</tr>\n";
    for (const auto& r : rows) {
      md_ += "| " + fmt::format("{}", fmt::join(r, " | ")) + " |\n";
      html_ += "<tr>";
      for (const auto& c : r) html_ += fmt::format("<td>{}</td>", Esc(c));
      html_ += "</tr>\n";
    }
    md_ += "\n";
    html_ += "</table>\n";
  }
  std::string markdown() const { return md_; }
  std::string html(const std::string& title) const {
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n"
        "<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.45}}table{{border-collapse:collapse;margin:0.5rem 0 1rem}}td,th{{border:1px solid "
        "#ccc;padding:0.2rem 0.5rem;text-align:left;font-variant-numeric:tabular-nums}}th{{background:#f3f3f3}}"
        "</style>\n</head>\n<body>\n{}</body>\n</html>\n",
        Esc(title), html_);
  }

 private:
  static std::string Esc(std::string_view s) {
    std::string out;
    for (char c : s) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out.push_back(c);
      }
    }
    return out;
  }
  std::string md_, html_;
};

void Fairness(Doc& d, const json& f, const std::string& version) {
  d.H2("Ethical considerations: fairness");
  if (f.is_null()) {
    d.P(fmt::format("Not audited yet: run `candor audit --model {}`. Without a passed audit or a "
                    "named approval the model cannot be activated.",
                    version));
    return;
  }
  std::vector<std::string> gate;
  for (const auto& g : f.value("gate", json::array())) {
    gate.push_back(fmt::format("{} {} {}", g.value("metric", ""),
                               g.value("metric", "").find("_ratio") != std::string::npos ? "≥" : "≤ |·|",
                               Num(g.at("bound"), 2)));
  }
  d.P(fmt::format("Fairness gate: **{}** (audited {} on the test split as of {}; selection: score ≥ {}; "
                  "{} bootstrap resamples, 95 % percentile intervals; rules: {}).",
                  f.value("passed", false) ? "passed" : "failed", Str(f, "audited_at"), Str(f, "as_of"),
                  Num(f.value("threshold", json()), 1),
                  f.contains("bootstrap") ? Num(f.at("bootstrap").value("resamples", json()), 0) : "–",
                  fmt::join(gate, "; ")));
  if (f.contains("failures") && !f.at("failures").empty()) {
    std::vector<std::string> items;
    for (const auto& x : f.at("failures")) items.push_back(x.get<std::string>());
    d.P("Failed checks:");
    d.Items(items);
  }
  if (f.contains("data_unchanged") && !f.value("data_unchanged", true)) {
    d.P("Note: the data behind the test split changed since training (new or erased data); the "
        "audit measured the data as it is now.");
  }
  const json& proxies = f.value("proxies", json::array());
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : proxies) {
    if (!p.value("flagged", false)) continue;
    rows.push_back({Str(p, "feature"), Str(p, "attribute"), Num(p.value("auc", json())),
                    Num(p.value("mi", json()), 4), Str(p, "auc_value")});
  }
  d.H3("Proxies");
  if (rows.empty()) {
    d.P("No feature alone predicts a protected attribute above the configured AUC.");
  } else {
    d.P("These features on their own predict a protected attribute; the model can learn the "
        "attribute through them:");
    d.Table({"feature", "attribute", "AUC", "MI (bits)", "most predictable value"}, rows);
  }
  if (f.contains("per_group_thresholds")) {
    const json& pg = f.at("per_group_thresholds");
    d.H3("Per-group thresholds (post-processing)");
    d.P(Str(pg, "caveat"));
    std::vector<std::vector<std::string>> t;
    for (const auto& x : pg.value("thresholds", json::array())) {
      t.push_back({Str(x, "value"), Num(x.value("n", json()), 0), Num(x.value("threshold", json()), 1),
                   Num(x.value("selection_rate", json()))});
    }
    d.Table({"group", "n", "threshold", "selection rate"}, t);
  }
}

void GroupMetrics(Doc& d, const json& f) {
  if (f.is_null()) return;
  d.H2("Metrics by group");
  d.P("Per group of each protected attribute and intersection, on the audited test rows, with 95 % "
      "bootstrap intervals. Groups below the minimum size are reported but never compared.");
  for (const auto& a : f.value("attributes", json::array())) {
    d.H3(fmt::format("{} (reference: {})", Str(a, "attribute"), Str(a, "reference")));
    std::vector<std::vector<std::string>> rows;
    for (const auto& g : a.value("groups", json::array())) {
      const json& ci = g.value("ci", json::object());
      auto cell = [&](const char* m) {
        return Num(g.value(m, json())) + Ci(ci.value(m, json()));
      };
      rows.push_back({Str(g, "value"), Num(g.value("n", json()), 0),
                      g.value("insufficient_data", false) ? "yes" : "", cell("base_rate"),
                      cell("selection_rate"), cell("tpr"), cell("fpr"), cell("auc"), cell("ece")});
    }
    d.Table({"group", "n", "insufficient data", "base rate", "selection rate", "TPR", "FPR", "AUC", "ECE"},
            rows);
    std::vector<std::vector<std::string>> cmp;
    for (const auto& g : a.value("groups_vs_reference", json::array())) {
      for (const char* m : {"demographic_parity_ratio", "demographic_parity_difference",
                            "equal_opportunity_difference"}) {
        if (!g.contains(m)) continue;
        const json& c = g.at(m);
        cmp.push_back({Str(g, "value"), m, Num(c.value("value", json())) + Ci(c.value("ci", json())),
                       c.value("passed", json()).is_boolean() ? (c.at("passed").get<bool>() ? "pass" : "FAIL")
                                                              : ""});
      }
    }
    if (!cmp.empty()) d.Table({"group vs reference", "comparison", "value [95 % CI]", "gate"}, cmp);
  }
}

}  // namespace

core::Result<ModelCard> RenderModelCard(store::Store& store, std::string_view version) {
  CANDOR_ASSIGN_OR_RETURN(auto rec, store.registry().FindModel(version, false));
  if (!rec) return core::NotFound(fmt::format("no model {} (see `candor models list`)", version));
  json spec, metrics, fairness;
  try {
    spec = json::parse(rec->spec);
    metrics = rec->metrics.empty() ? json() : json::parse(rec->metrics);
    fairness = rec->fairness.empty() ? json() : json::parse(rec->fairness);
  } catch (const json::exception& e) {
    return core::DataLoss(fmt::format("model {} cannot be read back: {}", version, e.what()));
  }
  const std::string v(version);
  const json& lineage = spec.value("lineage", json::object());
  Doc d;
  d.H1(fmt::format("Model card: {}", v));
  d.H2("Model details");
  d.Items({fmt::format("Version {}, target `{}`, status **{}**, created {}", v, rec->target, rec->status,
                       core::FormatTimestamp(rec->created_at)),
           fmt::format("Gradient-boosted trees (XGBoost {}), binary:logistic, {} trees, {} calibration; "
                       "score = calibrated probability × 100",
                       Str(lineage, "xgboost_version"),
                       spec.contains("training") ? spec.at("training").value("best_iteration", 0) + 1 : 0,
                       spec.contains("calibration") ? Str(spec.at("calibration"), "method", "isotonic") : "–"),
           fmt::format("Training weights: {}", lineage.value("weighting", json()).is_string()
                                                   ? Str(lineage, "weighting") + " reweighing (Kamiran & Calders 2012)"
                                                   : std::string("none")),
           fmt::format("candor {}, SQLite {}; configuration SHA-256 {}; training data fingerprint {}",
                       Str(lineage, "candor_version"), Str(lineage, "sqlite_version"),
                       Str(lineage, "config_sha256"), Str(lineage, "data_fingerprint"))});
  d.H2("Intended use");
  d.P(fmt::format("Ranks data subjects by the probability of `{}` within {} days, for purpose `{}` "
                  "(only subjects with a valid legal basis for it are scored). Every score is stored "
                  "with its exact per-feature contributions and reasons. It supports, and does not "
                  "replace, human decisions about marketing and sales actions; it is not meant for "
                  "decisions with legal or similarly significant effects on a person (GDPR Art. 22), "
                  "nor for any population other than the one it was trained on.",
                  rec->target, spec.value("horizon_days", 0), Str(spec, "purpose")));
  d.H2("Factors");
  d.P("Protected attributes are never features (DESIGN invariant 3); they are read only for the "
      "fairness audit (purpose fairness_audit). Audited factors: each protected attribute and each "
      "pair of them (intersections).");
  std::vector<std::vector<std::string>> feats;
  for (const auto& f : spec.value("features", json::array())) {
    feats.push_back({Str(f, "name"), Str(f, "type"),
                     Str(f, "description_en", "")});
  }
  d.P("Features (in column order):");
  d.Table({"feature", "type", "description"}, feats);
  d.H2("Metrics");
  d.P("On the test split (the latest months, never seen in training), from the calibrated probability:");
  d.Table({"AUC", "PR AUC", "log loss", "Brier", "ECE", "lift at top 10 %"},
          {{Num(metrics.value("auc", json())), Num(metrics.value("pr_auc", json())),
            Num(metrics.value("log_loss", json()), 4), Num(metrics.value("brier", json()), 4),
            Num(metrics.value("ece", json()), 4),
            metrics.contains("lift") && !metrics.at("lift").empty()
                ? Num(metrics.at("lift").at(0).value("lift", json()), 2)
                : "–"}});
  GroupMetrics(d, fairness);
  const json& rows = spec.value("rows", json::object());
  d.H2("Evaluation data");
  d.P(fmt::format("The test split: {} rows (monthly snapshots of the latest months as of {}), labels "
                  "from recorded outcomes.{}",
                  Num(rows.value("test", json()), 0), Str(lineage, "as_of"),
                  fairness.is_object() && fairness.contains("truth")
                      ? fmt::format(" Against a file of true outcomes: AUC {}.",
                                    Num(fairness.at("truth").value("auc", json())))
                      : ""));
  d.H2("Training data");
  d.P(fmt::format("{} training rows and {} validation rows (early stopping and calibration), split by "
                  "time, read purpose-bound as of {}.",
                  Num(rows.value("train", json()), 0), Num(rows.value("valid", json()), 0),
                  Str(lineage, "as_of")));
  Fairness(d, fairness, v);
  d.H2("Caveats and limitations");
  d.Items({"Labels are recorded outcomes: when some groups' outcomes are recorded less often, the "
           "model learns that gap (measure against true outcomes where they exist).",
           "Attributes are their current values (no attribute history); events, outcomes and consent "
           "are point-in-time.",
           "Intervals are bootstrap percentile intervals at the audit's fixed threshold; small groups "
           "have wide intervals and groups below the minimum size are not judged.",
           "Proxy detection looks at one feature at a time; combinations of features can stand in for "
           "a protected attribute too."});
  d.H2("Approvals");
  if (rec->approved_by.empty()) {
    d.P("No approval recorded.");
  } else {
    d.P(fmt::format("Approved by {}: “{}”", rec->approved_by, rec->justification));
  }
  ModelCard card;
  card.markdown = d.markdown();
  card.html = d.html(fmt::format("Model card: {}", v));
  return card;
}

core::Status WriteModelCard(const ModelCard& card, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return core::Unavailable(fmt::format("cannot create {}: {}", dir, ec.message()));
  CANDOR_RETURN_IF_ERROR(core::WriteFileAtomically(fs::path(dir) / "model-card.html", card.html));
  return core::WriteFileAtomically(fs::path(dir) / "model-card.md", card.markdown);
}

}  // namespace candor::fairness
