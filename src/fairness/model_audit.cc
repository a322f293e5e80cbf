#include "fairness/model_audit.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "core/ids.h"
#include "core/record_reader.h"
#include "fairness/audit_json.h"
#include "fairness/mitigation.h"
#include "fairness/protected_data.h"
#include "fairness/truth.h"
#include "features/matrix.h"
#include "ledger/merkle.h"
#include "model/metrics.h"
#include "model/registry.h"
#include "model/trainer.h"

namespace candor::fairness {

namespace {

std::string Sha256Hex(std::string_view bytes) {
  auto h = ledger::Sha256(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  return core::ToHex(h.data(), h.size());
}

double ScoreOf(double probability) { return std::round(probability * 1000.0) / 10.0; }

// The test rows of `all` in the model's columns: categorical codes mapped from the
// rebuilt code tables to the model's (a value the model never saw is missing).
core::Status ToModelCodes(const model::ModelSpec& spec, features::Matrix& m) {
  if (m.cols() != spec.features.size()) {
    return core::FailedPrecondition(fmt::format(
        "the features of target '{}' in candor.toml are not model {}'s ({} columns now, {} "
        "then): audit it in a workspace with its configuration",
        spec.target, spec.version, m.cols(), spec.features.size()));
  }
  for (std::size_t c = 0; c < m.cols(); ++c) {
    const model::FeatureSpec& f = spec.features[c];
    if (m.columns[c].name != f.name || m.columns[c].categorical != f.categorical) {
      return core::FailedPrecondition(fmt::format(
          "column {} of target '{}' is '{}' in candor.toml but '{}' in model {}", c + 1,
          spec.target, m.columns[c].name, f.name, spec.version));
    }
    if (!f.categorical) continue;
    std::vector<float> map(m.columns[c].codes.size(), std::numeric_limits<float>::quiet_NaN());
    for (std::size_t k = 0; k < m.columns[c].codes.size(); ++k) {
      auto it = std::find(f.codes.begin(), f.codes.end(), m.columns[c].codes[k]);
      if (it != f.codes.end()) map[k] = static_cast<float>(it - f.codes.begin());
    }
    for (std::size_t r = 0; r < m.rows; ++r) {
      float& v = m.values[r * m.cols() + c];
      if (!std::isnan(v)) v = map[static_cast<std::size_t>(v)];
    }
    m.columns[c].codes = f.codes;
  }
  return core::Status::Ok();
}

model::DenseMatrix ToDense(const features::Matrix& m) {
  model::DenseMatrix d;
  d.rows = m.rows;
  d.cols = m.cols();
  d.values = m.values;
  for (const features::Column& c : m.columns) {
    d.feature_names.push_back(c.name);
    d.feature_types.push_back(c.categorical ? 'c' : 'q');
  }
  return d;
}

// Rows `keep` of a column-major copy of `m`'s values.
std::vector<std::vector<float>> ColumnsOf(const features::Matrix& m, const std::vector<bool>& keep) {
  std::vector<std::vector<float>> cols(m.cols());
  for (std::size_t r = 0; r < m.rows; ++r) {
    if (!keep[r]) continue;
    for (std::size_t c = 0; c < m.cols(); ++c) cols[c].push_back(m.row(r)[c]);
  }
  return cols;
}

}  // namespace

AuditOptions OptionsFrom(const core::FairnessConfig& f) {
  AuditOptions o;
  o.threshold = f.threshold;
  o.selection_fraction = f.selection_fraction;
  o.references = f.references;
  o.min_group_size = f.min_group_size;
  o.intersections = f.intersections;
  o.resamples = f.resamples;
  o.seed = static_cast<uint64_t>(f.seed);
  o.gate.clear();
  for (const auto& g : f.gate) o.gate.push_back({g.metric, g.bound});
  o.proxies.auc_threshold = f.proxy_auc;
  return o;
}

core::Result<ModelAuditResult> AuditModel(store::Store& store, ledger::Ledger& ledger,
                                          const core::Config& config, const privacy::Vault* vault,
                                          const ModelAuditRequest& req) {
  auto say = [&](std::string_view m) {
    if (req.progress) req.progress(m);
  };
  CANDOR_ASSIGN_OR_RETURN(auto loaded, model::LoadedModel::Load(store, req.model, config.training.nthread));
  const model::ModelSpec& spec = loaded->spec();
  CANDOR_RETURN_IF_ERROR(model::CheckDefinitions(spec, config));
  const auto& lineage = spec.lineage;
  if (!lineage.contains("as_of") || !lineage.at("as_of").is_string()) {
    return core::DataLoss(fmt::format("model {} has no lineage as_of", spec.version));
  }
  CANDOR_ASSIGN_OR_RETURN(core::Instant trained_as_of,
                          core::ParseTimestamp(lineage.at("as_of").get<std::string>()));
  const core::Instant as_of = req.as_of.value_or(trained_as_of);

  features::BuildOptions bo;
  bo.as_of = trained_as_of;
  bo.progress = [&](std::int64_t n) { say(fmt::format("reading features: {} subjects", n)); };
  CANDOR_ASSIGN_OR_RETURN(features::Matrix all,
                          features::BuildTraining(store, config, spec.target, bo));
  const bool unchanged = lineage.contains("data_fingerprint") &&
                         lineage.at("data_fingerprint") == model::DataFingerprint(all);
  features::Matrix test = features::Select(all, features::Split::kTest);
  CANDOR_RETURN_IF_ERROR(ToModelCodes(spec, test));

  say("scoring the test split");
  CANDOR_ASSIGN_OR_RETURN(std::vector<double> margins, loaded->booster().PredictMargin(ToDense(test)));
  std::vector<double> probs = loaded->calibrator().Apply(margins);

  say("reading protected attributes (purpose fairness_audit)");
  CANDOR_ASSIGN_OR_RETURN(ProtectedRows prot, ReadProtectedRows(store, config, as_of, test.keys));
  std::vector<float> y;
  std::vector<double> scores, p;
  std::vector<store::SubjectKey> keys;
  std::vector<core::Instant> snapshots;
  for (std::size_t r = 0; r < test.rows; ++r) {
    if (!prot.eligible[r]) continue;
    y.push_back(test.labels[r]);
    p.push_back(probs[r]);
    scores.push_back(ScoreOf(probs[r]));
    keys.push_back(test.keys[r]);
    snapshots.push_back(test.snapshots[r]);
  }
  std::vector<std::vector<float>> cols = ColumnsOf(test, prot.eligible);
  std::vector<ProxyFeature> proxies;
  for (std::size_t c = 0; c < test.cols(); ++c) {
    proxies.push_back({test.columns[c].name, cols[c], test.columns[c].categorical});
  }
  AuditData data;
  data.y_true = y;
  data.scores = scores;
  data.probabilities = p;
  data.attributes = prot.attributes;
  data.features = proxies;
  say(fmt::format("auditing {} rows", y.size()));
  CANDOR_ASSIGN_OR_RETURN(AuditReport report, RunAudit(data, OptionsFrom(config.fairness)));

  ModelAuditResult out;
  out.model = spec.version;
  out.target = spec.target;
  out.data_unchanged = unchanged;
  out.rows_excluded = test.rows - y.size();
  nlohmann::json j = AuditToJson(report);
  j["model"] = spec.version;
  j["target"] = spec.target;
  j["as_of"] = core::FormatTimestamp(as_of);
  j["audited_at"] = core::FormatTimestamp(req.now);
  j["data_unchanged"] = unchanged;
  j["rows_excluded"] = out.rows_excluded;
  j["reweighed"] = spec.reweighed;
  nlohmann::json gate = nlohmann::json::array();
  for (const auto& g : config.fairness.gate) gate.push_back({{"metric", g.metric}, {"bound", g.bound}});
  j["gate"] = gate;
  {
    auto auc = model::RocAuc(p, y);
    j["auc"] = auc.ok() ? nlohmann::json(*auc) : nlohmann::json(nullptr);
  }
  if (!req.truth_file.empty()) {
    if (vault == nullptr) return core::Internal("a truth file needs the workspace's vault");
    if (spec.snapshots != "monthly") {
      return core::FailedPrecondition(fmt::format(
          "--truth needs a target with monthly snapshots; {} uses '{}'", spec.target, spec.snapshots));
    }
    say("reading true outcomes");
    CANDOR_ASSIGN_OR_RETURN(TruthLabels truth,
                            ReadTruthLabels(req.truth_file, spec.target, spec.horizon_days, store,
                                            *vault, keys, snapshots));
    auto auc = model::RocAuc(p, truth.labels);
    double positives = 0;
    for (float v : truth.labels) positives += v;
    j["truth"] = {{"auc", auc.ok() ? nlohmann::json(*auc) : nlohmann::json(nullptr)},
                  {"base_rate", truth.labels.empty() ? 0.0 : positives / static_cast<double>(truth.labels.size())},
                  {"outcomes", truth.outcomes},
                  {"unmatched", truth.unmatched}};
  }
  std::optional<nlohmann::json> per_group;
  if (config.fairness.per_group_thresholds && !prot.attributes.empty()) {
    CANDOR_ASSIGN_OR_RETURN(auto thresholds, PerGroupThresholds(prot.attributes.front(), scores,
                                                                config.fairness.selection_fraction));
    nlohmann::json list = nlohmann::json::array();
    for (const GroupThreshold& t : thresholds) {
      list.push_back({{"value", t.value}, {"n", t.n}, {"threshold", t.threshold},
                      {"selection_rate", t.selection_rate}});
    }
    per_group = nlohmann::json{{"attribute", prot.attributes.front().name},
                               {"selection_fraction", config.fairness.selection_fraction},
                               {"thresholds", list},
                               {"caveat", kPerGroupThresholdCaveat}};
    j["per_group_thresholds"] = *per_group;
  }
  out.report = std::move(report);
  const std::string text = j.dump();
  out.report_sha256 = Sha256Hex(text);
  out.json = std::move(j);
  if (!req.record) return out;

  CANDOR_ASSIGN_OR_RETURN(auto tx, store.BeginWrite());
  CANDOR_RETURN_IF_ERROR(store.registry().SetModelFairness(spec.version, text));
  ledger::EntryInput entry;
  entry.type = "audit";
  entry.time = req.now;
  entry.actor = req.actor;
  entry.model = spec.version;
  entry.payload = {{"passed", out.report.passed},
                   {"failures", out.report.failures},
                   {"threshold", out.json.at("threshold")},
                   {"rows", out.report.rows},
                   {"data_unchanged", unchanged},
                   {"report_sha256", out.report_sha256}};
  CANDOR_RETURN_IF_ERROR(ledger.Append(entry).status());
  if (per_group) {
    ledger::EntryInput pg;
    pg.type = "fairness.per_group_thresholds";
    pg.time = req.now;
    pg.actor = req.actor;
    pg.model = spec.version;
    pg.payload = *per_group;
    CANDOR_RETURN_IF_ERROR(ledger.Append(pg).status());
  }
  CANDOR_RETURN_IF_ERROR(ledger.SignHead().status());
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return out;
}

namespace {

core::Status CellError(const std::string& file, const core::Value& v, std::string_view column,
                       std::string_view rule) {
  return core::InvalidArgument(fmt::format("{}:{}:{}: {}: {}", file, v.line, v.column, column, rule));
}

core::Result<double> NumberCell(const std::string& file, const core::Value& v,
                                std::string_view column) {
  double d = 0;
  auto [p, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), d);
  if (v.text.empty() || ec != std::errc() || p != v.text.data() + v.text.size() || !std::isfinite(d)) {
    return CellError(file, v, column, "must be a finite number");
  }
  return d;
}

}  // namespace

core::Result<nlohmann::json> AuditPredictions(const core::FairnessConfig& config,
                                              const PredictionsAuditRequest& req,
                                              AuditReport* report_out) {
  if (req.protected_columns.empty()) {
    return core::InvalidArgument("--protected needs at least one column");
  }
  CANDOR_ASSIGN_OR_RETURN(auto reader, core::OpenRecordReader(req.file, core::Format::kCsv, {}));
  const auto& cols = reader->columns();
  auto find = [&](std::string_view name) -> std::optional<std::size_t> {
    auto it = std::find(cols.begin(), cols.end(), name);
    if (it == cols.end()) return std::nullopt;
    return static_cast<std::size_t>(it - cols.begin());
  };
  auto c_true = find("y_true");
  auto c_pred = find("y_pred");
  auto c_score = find("score");
  auto c_prob = find("probability");
  if (!c_true) {
    return core::InvalidArgument(fmt::format("{}:1:1: the header has no column y_true", req.file));
  }
  if (!c_pred && !c_score) {
    return core::InvalidArgument(
        fmt::format("{}:1:1: the header needs y_pred or score (with --threshold or the "
                    "default top {:.0f} %)",
                    req.file, config.selection_fraction * 100));
  }
  const bool by_pred = c_pred.has_value();
  if (by_pred && req.threshold) {
    return core::InvalidArgument(fmt::format(
        "--threshold applies to a score column; {} has y_pred, which is taken as given", req.file));
  }
  std::vector<std::size_t> c_prot;
  for (const std::string& name : req.protected_columns) {
    auto c = find(name);
    if (!c) {
      return core::InvalidArgument(
          fmt::format("{}:1:1: --protected {}: the header has no such column", req.file, name));
    }
    c_prot.push_back(*c);
  }
  std::vector<float> y, yp;
  std::vector<double> scores, probs;
  std::vector<std::vector<std::optional<std::string>>> values(c_prot.size());
  core::Row row;
  while (true) {
    core::ReadResult rr = reader->Next(row);
    if (rr == core::ReadResult::kEnd) break;
    if (rr == core::ReadResult::kError) {
      return core::InvalidArgument(fmt::format("{}:{}:{}: {}", req.file, row.error->pos.line,
                                               row.error->pos.column, row.error->message));
    }
    auto label = [&](std::size_t c, std::string_view name) -> core::Result<float> {
      const core::Value& v = row.values[c];
      if (v.text == "0") return 0.0f;
      if (v.text == "1") return 1.0f;
      return CellError(req.file, v, name, "must be 0 or 1");
    };
    CANDOR_ASSIGN_OR_RETURN(float t, label(*c_true, "y_true"));
    y.push_back(t);
    if (by_pred) {
      CANDOR_ASSIGN_OR_RETURN(float pr, label(*c_pred, "y_pred"));
      yp.push_back(pr);
    }
    if (c_score) {
      CANDOR_ASSIGN_OR_RETURN(double s, NumberCell(req.file, row.values[*c_score], "score"));
      scores.push_back(s);
    }
    if (c_prob) {
      const core::Value& v = row.values[*c_prob];
      CANDOR_ASSIGN_OR_RETURN(double pr, NumberCell(req.file, v, "probability"));
      if (pr < 0 || pr > 1) return CellError(req.file, v, "probability", "must be in [0, 1]");
      probs.push_back(pr);
    }
    for (std::size_t a = 0; a < c_prot.size(); ++a) {
      std::string_view text = row.values[c_prot[a]].text;
      values[a].push_back(text.empty() ? std::nullopt : std::optional<std::string>(std::string(text)));
    }
  }
  if (y.empty()) return core::InvalidArgument(fmt::format("{}: no rows", req.file));
  std::vector<ProtectedAttribute> attributes;
  for (std::size_t a = 0; a < c_prot.size(); ++a) {
    attributes.push_back(ProtectedAttribute::FromValues(req.protected_columns[a], values[a]));
  }
  AuditOptions options = OptionsFrom(config);
  options.threshold = by_pred ? std::nullopt : (req.threshold ? req.threshold : config.threshold);
  for (const std::string& r : req.references) {
    auto eq = r.find('=');
    if (eq == std::string::npos) {
      options.references[req.protected_columns.front()] = r;
    } else {
      options.references[r.substr(0, eq)] = r.substr(eq + 1);
    }
  }
  AuditData data;
  data.y_true = y;
  data.y_pred = yp;
  data.scores = scores;
  data.probabilities = probs;
  data.attributes = attributes;
  CANDOR_ASSIGN_OR_RETURN(AuditReport report, RunAudit(data, options));
  nlohmann::json j = AuditToJson(report);
  j["model"] = nullptr;
  j["predictions"] = req.file;
  nlohmann::json gate = nlohmann::json::array();
  for (const auto& g : config.gate) gate.push_back({{"metric", g.metric}, {"bound", g.bound}});
  j["gate"] = gate;
  if (report_out) *report_out = std::move(report);
  return j;
}

core::Result<std::string> RecordPredictionsAudit(store::Store& store, ledger::Ledger& ledger,
                                                 const PredictionsAuditRequest& req,
                                                 const nlohmann::json& report, core::Instant now,
                                                 const std::string& actor) {
  CANDOR_ASSIGN_OR_RETURN(ledger::Hash file_hash, ledger::Sha256OfFile(req.file));
  const std::string report_sha256 = Sha256Hex(report.dump());
  CANDOR_ASSIGN_OR_RETURN(auto tx, store.BeginWrite());
  ledger::EntryInput entry;
  entry.type = "audit";
  entry.time = now;
  entry.actor = actor;
  entry.payload = {{"source", "predictions"},
                   {"file", std::filesystem::path(req.file).filename().string()},
                   {"file_sha256", ledger::ToHex(file_hash)},
                   {"protected", req.protected_columns},
                   {"passed", report.at("passed")},
                   {"failures", report.at("failures")},
                   {"threshold", report.at("threshold")},
                   {"rows", report.at("rows")},
                   {"report_sha256", report_sha256}};
  CANDOR_RETURN_IF_ERROR(ledger.Append(entry).status());
  CANDOR_RETURN_IF_ERROR(ledger.SignHead().status());
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return report_sha256;
}

}  // namespace candor::fairness
