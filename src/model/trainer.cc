#include "model/trainer.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/ids.h"
#include "core/version.h"
#include "features/feature_set.h"
#include "ledger/merkle.h"
#include "model/booster.h"
#include "model/calibration.h"
#include "model/metrics.h"
#include "model/train.h"

namespace candor::model {

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

DenseMatrix ToDense(const features::Matrix& m) {
  DenseMatrix d;
  d.rows = m.rows;
  d.cols = m.cols();
  d.values = m.values;
  for (const features::Column& c : m.columns) {
    d.feature_names.push_back(c.name);
    d.feature_types.push_back(c.categorical ? 'c' : 'q');
  }
  return d;
}

std::string Sha256Hex(std::string_view bytes) {
  auto h = ledger::Sha256(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  return core::ToHex(h.data(), h.size());
}

}  // namespace

std::string DataFingerprint(const features::Matrix& m) {
  std::string bytes;
  bytes.reserve(m.rows * (16 + 8 + 4 * (m.cols() + 1)));
  auto put = [&](const void* p, std::size_t n) { bytes.append(static_cast<const char*>(p), n); };
  for (std::size_t r = 0; r < m.rows; ++r) {
    put(m.subjects[r].bytes.data(), m.subjects[r].bytes.size());
    put(&m.snapshots[r], sizeof(core::Instant));
    put(m.row(r), sizeof(float) * m.cols());
    put(&m.labels[r], sizeof(float));
  }
  return Sha256Hex(bytes);
}

namespace {

nlohmann::json FileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::stringstream ss;
  ss << in.rdbuf();
  return Sha256Hex(ss.str());
}

FeatureSpec Describe(const core::Config& config, const features::Column& c,
                     const features::Matrix& train, std::size_t col) {
  const core::FeatureConfig& f = *config.FindFeature(c.name);
  FeatureSpec s;
  s.name = c.name;
  s.categorical = c.categorical;
  s.codes = c.codes;
  s.definition = features::Definition(config, f);
  s.kind = std::string(core::FeatureKindName(f.kind));
  s.description_en = f.description_en.empty() ? f.name : f.description_en;
  s.description_de = f.description_de.empty() ? s.description_en : f.description_de;
  s.direction = f.direction;
  s.actionable = f.actionable;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  bool whole = true;
  for (std::size_t r = 0; r < train.rows; ++r) {
    float v = train.row(r)[col];
    if (std::isnan(v)) continue;
    lo = std::min(lo, static_cast<double>(v));
    hi = std::max(hi, static_cast<double>(v));
    whole = whole && std::floor(v) == v;
  }
  if (lo > hi) lo = hi = std::numeric_limits<double>::quiet_NaN();
  s.min = lo;
  s.max = hi;
  s.integer = whole && !c.categorical;
  return s;
}

}  // namespace

core::Result<nlohmann::json> TestMetrics(std::span<const double> p, std::span<const double> margins,
                                         std::span<const float> y) {
  CANDOR_ASSIGN_OR_RETURN(double auc, RocAuc(p, y));
  CANDOR_ASSIGN_OR_RETURN(double auc_raw, RocAuc(margins, y));
  CANDOR_ASSIGN_OR_RETURN(double ap, AveragePrecision(p, y));
  CANDOR_ASSIGN_OR_RETURN(double ll, LogLoss(p, y));
  CANDOR_ASSIGN_OR_RETURN(double brier, BrierScore(p, y));
  CANDOR_ASSIGN_OR_RETURN(double ece, ExpectedCalibrationError(p, y));
  CANDOR_ASSIGN_OR_RETURN(auto lift, LiftAtTopDeciles(p, y));
  nlohmann::json deciles = nlohmann::json::array();
  for (const LiftPoint& l : lift) {
    deciles.push_back({{"top", l.fraction}, {"positive_rate", l.positive_rate}, {"lift", l.lift}});
  }
  return nlohmann::json{{"auc", auc},     {"auc_raw", auc_raw}, {"pr_auc", ap}, {"log_loss", ll},
                        {"brier", brier}, {"ece", ece},         {"lift", deciles}};
}

core::Result<TrainReport> TrainModel(store::Store& store, ledger::Ledger& ledger,
                                     const core::Config& config, const TrainRequest& req) {
  const core::TargetConfig* target = config.FindTarget(req.target);
  if (target == nullptr) {
    return core::InvalidArgument(fmt::format("unknown target '{}' (candor.toml has no [targets.{}])",
                                             req.target, req.target));
  }
  auto say = [&](std::string_view m) {
    if (req.progress) req.progress(m);
  };
  TrainReport report;
  auto t0 = std::chrono::steady_clock::now();
  features::BuildOptions bo;
  bo.as_of = req.as_of;
  bo.progress = [&](std::int64_t n) { say(fmt::format("reading features: {} subjects", n)); };
  CANDOR_ASSIGN_OR_RETURN(features::Matrix all, features::BuildTraining(store, config, req.target, bo));
  features::Matrix train = features::Select(all, features::Split::kTrain);
  features::Matrix valid = features::Select(all, features::Split::kValid);
  features::Matrix test = features::Select(all, features::Split::kTest);
  report.seconds_features = Seconds(t0);

  std::vector<float> weights;
  if (req.weigh) {
    CANDOR_ASSIGN_OR_RETURN(weights, req.weigh(train));
  }
  TrainParams params;
  params.max_depth = config.training.max_depth;
  params.eta = config.training.eta;
  params.max_rounds = config.training.max_rounds;
  params.early_stopping_rounds = config.training.early_stopping_rounds;
  params.nthread = config.training.nthread;
  params.seed = static_cast<std::uint64_t>(config.training.seed);
  bool any_monotone = false;
  for (const features::Column& c : all.columns) {
    int d = config.FindFeature(c.name)->direction;
    params.monotone.push_back(c.categorical ? 0 : d);
    any_monotone = any_monotone || d != 0;
  }
  if (!any_monotone) params.monotone.clear();

  auto t1 = std::chrono::steady_clock::now();
  CANDOR_ASSIGN_OR_RETURN(
      TrainResult tr,
      Train(ToDense(train), train.labels, weights, ToDense(valid), valid.labels, params,
            [&](const RoundProgress& p) {
              say(fmt::format("training: round {}, validation log loss {:.5f} (best {:.5f} at round {})",
                              p.round + 1, p.valid_logloss, p.best_valid_logloss, p.best_round + 1));
            }));
  CANDOR_ASSIGN_OR_RETURN(Booster booster, Booster::FromJson(tr.booster_json, params.nthread));
  CANDOR_ASSIGN_OR_RETURN(std::vector<double> valid_margin, booster.PredictMargin(ToDense(valid)));
  CANDOR_ASSIGN_OR_RETURN(CalibrationMethod method,
                          ParseCalibrationMethod(config.training.calibration));
  CANDOR_ASSIGN_OR_RETURN(Calibrator cal, Calibrator::Fit(method, valid_margin, valid.labels, {}));
  CANDOR_ASSIGN_OR_RETURN(std::vector<double> test_margin, booster.PredictMargin(ToDense(test)));
  std::vector<double> test_p = cal.Apply(test_margin);
  CANDOR_ASSIGN_OR_RETURN(report.metrics, TestMetrics(test_p, test_margin, test.labels));
  report.seconds_train = Seconds(t1);

  CANDOR_ASSIGN_OR_RETURN(std::int64_t existing, store.registry().CountModels(req.target));
  ModelSpec& spec = report.spec;
  spec.version = fmt::format("{}-{}", req.target, existing + 1);
  spec.target = req.target;
  spec.purpose = target->purpose;
  spec.horizon_days = target->horizon_days;
  spec.snapshots = target->snapshots;
  for (std::size_t c = 0; c < all.cols(); ++c) {
    spec.features.push_back(Describe(config, all.columns[c], train, c));
  }
  spec.params = tr.params;
  spec.training = {{"rounds_run", tr.rounds_run},
                   {"best_iteration", tr.best_iteration},
                   {"best_valid_log_loss", tr.best_valid_logloss},
                   {"valid_log_loss", tr.valid_logloss}};
  spec.calibration = nlohmann::json::parse(cal.ToJson());
  spec.rows = {static_cast<std::int64_t>(train.rows), static_cast<std::int64_t>(valid.rows),
               static_cast<std::int64_t>(test.rows)};
  spec.reweighed = !weights.empty();
  const std::string fingerprint = DataFingerprint(all);
  spec.lineage = {{"config_sha256", FileSha256(config.path)},
                  {"data_fingerprint", fingerprint},
                  {"as_of", core::FormatTimestamp(req.as_of)},
                  {"trained_at", core::FormatTimestamp(req.now)},
                  {"candor_version", CANDOR_VERSION},
                  {"xgboost_version", XgboostVersion()},
                  {"sqlite_version", sqlite3_libversion()},
                  {"weighting", req.weighting.empty() ? nlohmann::json(nullptr)
                                                      : nlohmann::json(req.weighting)}};
  report.version = spec.version;

  store::ModelRecord rec;
  rec.version = spec.version;
  rec.target = spec.target;
  rec.status = "candidate";
  rec.created_at = req.now;
  rec.spec = ToJson(spec).dump();
  rec.metrics = report.metrics.dump();
  rec.booster = tr.booster_json;

  CANDOR_ASSIGN_OR_RETURN(auto tx, store.BeginWrite());
  CANDOR_RETURN_IF_ERROR(store.registry().InsertModel(rec));
  ledger::EntryInput entry;
  entry.type = "model.train";
  entry.time = req.now;
  entry.actor = req.actor;
  entry.model = spec.version;
  entry.payload = {{"target", spec.target},
                   {"rows", {{"train", spec.rows.train}, {"valid", spec.rows.valid}, {"test", spec.rows.test}}},
                   {"metrics", report.metrics},
                   {"data_fingerprint", fingerprint},
                   {"config_sha256", spec.lineage["config_sha256"]},
                   {"booster_sha256", Sha256Hex(tr.booster_json)},
                   {"reweighed", spec.reweighed},
                   {"weighting", spec.lineage["weighting"]}};
  CANDOR_RETURN_IF_ERROR(ledger.Append(entry).status());
  CANDOR_RETURN_IF_ERROR(ledger.SignHead().status());
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return report;
}

}  // namespace candor::model
