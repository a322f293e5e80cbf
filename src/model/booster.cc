#include "model/booster.h"

#include <fmt/format.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

namespace candor::model {
namespace {

// XGBGetLastError() reads "[12:34:56] ../src/learner.cc:587: Check failed: …"
// followed by a stack trace; the person at the terminal needs the middle.
std::string LastError() {
  std::string_view e = XGBGetLastError();
  if (const std::size_t trace = e.find("Stack trace"); trace != std::string_view::npos) {
    e = e.substr(0, trace);
  }
  if (!e.empty() && e.front() == '[') {
    if (const std::size_t close = e.find("] "); close != std::string_view::npos) {
      e.remove_prefix(close + 2);
    }
  }
  // Drop "path/file.cc:123: " when it leads the message.
  if (const std::size_t colon = e.find(": "); colon != std::string_view::npos) {
    const std::string_view head = e.substr(0, colon);
    const std::size_t line = head.rfind(':');
    if (line != std::string_view::npos && head.find(' ') == std::string_view::npos &&
        head.find(".c") != std::string_view::npos) {
      e.remove_prefix(colon + 2);
    }
  }
  while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.remove_suffix(1);
  return std::string(e);
}

core::Status Check(int rc, std::string_view call,
                   core::StatusCode code = core::StatusCode::kInternal) {
  if (rc == 0) return core::Status::Ok();
  return {code, fmt::format("xgboost {}: {}", call, LastError())};
}

std::vector<const char*> CStrings(const std::vector<std::string>& v) {
  std::vector<const char*> out;
  out.reserve(v.size());
  for (const std::string& s : v) out.push_back(s.c_str());
  return out;
}

core::Status SetStrInfo(DMatrixHandle h, const char* field, const std::vector<std::string>& v) {
  std::vector<const char*> c = CStrings(v);
  return Check(XGDMatrixSetStrFeatureInfo(h, field, c.data(), c.size()),
               "XGDMatrixSetStrFeatureInfo");
}

std::vector<std::string> TypeStrings(const std::vector<char>& types) {
  std::vector<std::string> out;
  out.reserve(types.size());
  for (char t : types) out.emplace_back(1, t);
  return out;
}

core::Result<std::vector<std::string>> GetBoosterStrInfo(BoosterHandle h, const char* field) {
  bst_ulong n = 0;
  const char** out = nullptr;
  CANDOR_RETURN_IF_ERROR(
      Check(XGBoosterGetStrFeatureInfo(h, field, &n, &out), "XGBoosterGetStrFeatureInfo"));
  std::vector<std::string> v;
  v.reserve(n);
  for (bst_ulong i = 0; i < n; ++i) v.emplace_back(out[i]);
  return v;
}

}  // namespace

std::string XgboostVersion() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return fmt::format("{}.{}.{}", major, minor, patch);
}

// ---- DMatrix ----

core::Result<DMatrix> DMatrix::Create(const DenseMatrix& m, std::span<const float> labels,
                                      std::span<const float> weights) {
  CANDOR_RETURN_IF_ERROR(ValidateMatrix(m));
  if (!labels.empty() && labels.size() != m.rows) {
    return core::InvalidArgument(
        fmt::format("{} labels for a matrix of {} rows", labels.size(), m.rows));
  }
  if (!weights.empty() && weights.size() != m.rows) {
    return core::InvalidArgument(
        fmt::format("{} weights for a matrix of {} rows", weights.size(), m.rows));
  }
  DMatrixHandle h = nullptr;
  CANDOR_RETURN_IF_ERROR(Check(XGDMatrixCreateFromMat(m.values.data(), m.rows, m.cols,
                                                      std::numeric_limits<float>::quiet_NaN(), &h),
                               "XGDMatrixCreateFromMat"));
  DMatrix d(h);  // owns h from here on
  if (!labels.empty()) {
    CANDOR_RETURN_IF_ERROR(Check(XGDMatrixSetFloatInfo(h, "label", labels.data(), labels.size()),
                                 "XGDMatrixSetFloatInfo(label)"));
  }
  if (!weights.empty()) {
    CANDOR_RETURN_IF_ERROR(Check(XGDMatrixSetFloatInfo(h, "weight", weights.data(), weights.size()),
                                 "XGDMatrixSetFloatInfo(weight)"));
  }
  if (!m.feature_names.empty()) {
    CANDOR_RETURN_IF_ERROR(SetStrInfo(h, "feature_name", m.feature_names));
  }
  if (!m.feature_types.empty()) {
    CANDOR_RETURN_IF_ERROR(SetStrInfo(h, "feature_type", TypeStrings(m.feature_types)));
  }
  return d;
}

DMatrix::DMatrix(DMatrix&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

DMatrix& DMatrix::operator=(DMatrix&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

DMatrix::~DMatrix() {
  if (handle_ != nullptr) XGDMatrixFree(handle_);
}

// ---- Booster ----

Booster::Booster(Booster&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)),
      num_features_(other.num_features_),
      feature_names_(std::move(other.feature_names_)),
      feature_types_(std::move(other.feature_types_)) {}

Booster& Booster::operator=(Booster&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) XGBoosterFree(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
    num_features_ = other.num_features_;
    feature_names_ = std::move(other.feature_names_);
    feature_types_ = std::move(other.feature_types_);
  }
  return *this;
}

Booster::~Booster() {
  if (handle_ != nullptr) XGBoosterFree(handle_);
}

core::Result<Booster> Booster::FromJson(std::string_view json, int nthread) {
  if (nthread < 1) {
    return core::InvalidArgument(fmt::format("nthread must be at least 1, got {}", nthread));
  }
  // XGBoost reads a buffer that does not start with '{' as its legacy binary
  // format; only JSON is accepted here.
  const std::size_t first = json.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || json[first] != '{') {
    return core::InvalidArgument("not an XGBoost JSON model");
  }
  BoosterHandle h = nullptr;
  CANDOR_RETURN_IF_ERROR(Check(XGBoosterCreate(nullptr, 0, &h), "XGBoosterCreate"));
  Booster b(h);
  CANDOR_RETURN_IF_ERROR(Check(XGBoosterLoadModelFromBuffer(h, json.data(), json.size()),
                               "XGBoosterLoadModelFromBuffer", core::StatusCode::kInvalidArgument));
  CANDOR_RETURN_IF_ERROR(b.SetParam("nthread", fmt::format("{}", nthread)));

  bst_ulong len = 0;
  const char* config = nullptr;
  CANDOR_RETURN_IF_ERROR(
      Check(XGBoosterSaveJsonConfig(h, &len, &config), "XGBoosterSaveJsonConfig"));
  nlohmann::json parsed = nlohmann::json::parse(config, config + len, nullptr,
                                                /*allow_exceptions=*/false);
  std::string objective;
  if (parsed.is_object()) {
    const nlohmann::json* name = &parsed;
    for (const char* key : {"learner", "objective", "name"}) {
      if (!name->is_object() || !name->contains(key)) {
        name = nullptr;
        break;
      }
      name = &(*name)[key];
    }
    if (name != nullptr && name->is_string()) objective = name->get<std::string>();
  }
  if (objective != "binary:logistic") {
    return core::InvalidArgument(fmt::format("model objective is '{}', expected binary:logistic",
                                             objective.empty() ? "?" : objective));
  }
  CANDOR_RETURN_IF_ERROR(b.ReadFeatureInfo());
  return b;
}

core::Status Booster::ReadFeatureInfo() {
  bst_ulong n = 0;
  CANDOR_RETURN_IF_ERROR(Check(XGBoosterGetNumFeature(handle_, &n), "XGBoosterGetNumFeature"));
  num_features_ = n;
  CANDOR_ASSIGN_OR_RETURN(feature_names_, GetBoosterStrInfo(handle_, "feature_name"));
  CANDOR_ASSIGN_OR_RETURN(std::vector<std::string> types,
                          GetBoosterStrInfo(handle_, "feature_type"));
  feature_types_.clear();
  for (const std::string& t : types) {
    feature_types_.push_back(t == "c" ? 'c' : 'q');
  }
  return core::Status::Ok();
}

core::Result<Booster> Booster::CreateForTraining(std::span<const DMatrix* const> cache) {
  std::vector<DMatrixHandle> handles;
  handles.reserve(cache.size());
  for (const DMatrix* d : cache) handles.push_back(d->handle());
  BoosterHandle h = nullptr;
  CANDOR_RETURN_IF_ERROR(
      Check(XGBoosterCreate(handles.data(), handles.size(), &h), "XGBoosterCreate"));
  return Booster(h);
}

core::Status Booster::SetParam(std::string_view name, std::string_view value) {
  const std::string n(name), v(value);
  return Check(XGBoosterSetParam(handle_, n.c_str(), v.c_str()),
               fmt::format("parameter {}={}", n, v), core::StatusCode::kInvalidArgument);
}

core::Status Booster::SetFeatureInfo(const std::vector<std::string>& names,
                                     const std::vector<char>& types) {
  if (!names.empty()) {
    std::vector<const char*> c = CStrings(names);
    CANDOR_RETURN_IF_ERROR(
        Check(XGBoosterSetStrFeatureInfo(handle_, "feature_name", c.data(), c.size()),
              "XGBoosterSetStrFeatureInfo(feature_name)"));
  }
  if (!types.empty()) {
    const std::vector<std::string> s = TypeStrings(types);
    std::vector<const char*> c = CStrings(s);
    CANDOR_RETURN_IF_ERROR(
        Check(XGBoosterSetStrFeatureInfo(handle_, "feature_type", c.data(), c.size()),
              "XGBoosterSetStrFeatureInfo(feature_type)"));
  }
  feature_names_ = names;
  feature_types_ = types;
  return core::Status::Ok();
}

core::Status Booster::UpdateOneIter(int iteration, const DMatrix& train) {
  return Check(XGBoosterUpdateOneIter(handle_, iteration, train.handle()),
               fmt::format("round {}", iteration), core::StatusCode::kInvalidArgument);
}

core::Result<std::string> Booster::EvalOneIter(int iteration, std::span<const DMatrix* const> sets,
                                               std::span<const std::string> names) {
  if (sets.size() != names.size()) {
    return core::Internal("EvalOneIter: one name per evaluation set");
  }
  std::vector<DMatrixHandle> handles;
  std::vector<const char*> cnames;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    handles.push_back(sets[i]->handle());
    cnames.push_back(names[i].c_str());
  }
  const char* out = nullptr;
  CANDOR_RETURN_IF_ERROR(Check(
      XGBoosterEvalOneIter(handle_, iteration, handles.data(), cnames.data(), handles.size(), &out),
      "XGBoosterEvalOneIter"));
  return std::string(out);
}

core::Result<Booster> Booster::Slice(int begin, int end) const {
  if (begin < 0 || end <= begin) {
    return core::InvalidArgument(fmt::format("empty booster slice [{}, {})", begin, end));
  }
  // Checked here rather than by XGBoost: on an out-of-bounds slice XGBoost 1.7
  // returns -2 without freeing the booster it has already built.
  CANDOR_ASSIGN_OR_RETURN(const int rounds, BoostedRounds());
  if (end > rounds) {
    return core::InvalidArgument(
        fmt::format("booster slice [{}, {}) is past the {} rounds boosted", begin, end, rounds));
  }
  BoosterHandle out = nullptr;
  CANDOR_RETURN_IF_ERROR(Check(XGBoosterSlice(handle_, begin, end, 1, &out), "XGBoosterSlice"));
  Booster b(out);
  b.num_features_ = num_features_;
  b.feature_names_ = feature_names_;
  b.feature_types_ = feature_types_;
  return b;
}

core::Result<int> Booster::BoostedRounds() const {
  int n = 0;
  CANDOR_RETURN_IF_ERROR(Check(XGBoosterBoostedRounds(handle_, &n), "XGBoosterBoostedRounds"));
  return n;
}

core::Result<std::string> Booster::SaveJson() const {
  bst_ulong len = 0;
  const char* data = nullptr;
  CANDOR_RETURN_IF_ERROR(
      Check(XGBoosterSaveModelToBuffer(handle_, R"({"format":"json"})", &len, &data),
            "XGBoosterSaveModelToBuffer"));
  return std::string(data, len);
}

core::Result<std::vector<double>> Booster::Predict(const DenseMatrix& m, int type) const {
  CANDOR_RETURN_IF_ERROR(ValidateMatrix(m));
  if (m.cols != num_features_) {
    return core::InvalidArgument(
        fmt::format("matrix has {} columns, the model expects {}", m.cols, num_features_));
  }
  if (!m.feature_names.empty() && !feature_names_.empty() && m.feature_names != feature_names_) {
    for (std::size_t c = 0; c < m.cols; ++c) {
      if (m.feature_names[c] != feature_names_[c]) {
        return core::InvalidArgument(fmt::format("column {} is '{}', the model expects '{}'", c,
                                                 m.feature_names[c], feature_names_[c]));
      }
    }
  }
  if (!m.feature_types.empty() && !feature_types_.empty()) {
    for (std::size_t c = 0; c < m.cols; ++c) {
      if (m.feature_types[c] != feature_types_[c]) {
        return core::InvalidArgument(fmt::format("column {} has type '{}', the model expects '{}'",
                                                 c, m.feature_types[c], feature_types_[c]));
      }
    }
  }
  if (m.rows == 0) return std::vector<double>{};

  // In-place prediction: no DMatrix, so no prediction cache to return stale
  // results for a matrix XGBoost has seen before.
  const std::string array =
      fmt::format(R"({{"data":[{},true],"shape":[{},{}],"typestr":"<f4","version":3}})",
                  reinterpret_cast<std::uintptr_t>(m.values.data()), m.rows, m.cols);
  const std::string config =
      fmt::format(R"({{"type":{},"training":false,"iteration_begin":0,"iteration_end":0,)"
                  R"("strict_shape":false,"missing":NaN,"cache_id":0}})",
                  type);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  CANDOR_RETURN_IF_ERROR(Check(XGBoosterPredictFromDense(handle_, array.c_str(), config.c_str(),
                                                         nullptr, &shape, &dim, &result),
                               "XGBoosterPredictFromDense"));
  bst_ulong n = 1;
  for (bst_ulong i = 0; i < dim; ++i) n *= shape[i];
  if (n != m.rows) {
    return core::Internal(fmt::format("xgboost returned {} predictions for {} rows", n, m.rows));
  }
  return std::vector<double>(result, result + n);
}

core::Result<std::vector<double>> Booster::PredictMargin(const DenseMatrix& m) const {
  return Predict(m, /*type=*/1);
}

core::Result<std::vector<double>> Booster::PredictProbability(const DenseMatrix& m) const {
  CANDOR_ASSIGN_OR_RETURN(std::vector<double> p, Predict(m, /*type=*/1));
  for (double& v : p) v = 1.0 / (1.0 + std::exp(-v));
  return p;
}

}  // namespace candor::model
