#include "model/spec.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "features/feature_set.h"

namespace candor::model {

namespace {

nlohmann::json Number(double v) {
  return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v);
}

double NumberOr(const nlohmann::json& j) {
  return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

std::vector<features::Column> ModelSpec::Columns() const {
  std::vector<features::Column> out;
  for (const FeatureSpec& f : features) out.push_back({f.name, f.categorical, f.codes});
  return out;
}

const FeatureSpec* ModelSpec::Find(std::string_view feature) const {
  for (const FeatureSpec& f : features) {
    if (f.name == feature) return &f;
  }
  return nullptr;
}

nlohmann::json ToJson(const ModelSpec& s) {
  nlohmann::json features = nlohmann::json::array();
  for (const FeatureSpec& f : s.features) {
    nlohmann::json j = {{"name", f.name},
                        {"type", f.categorical ? "categorical" : "numeric"},
                        {"kind", f.kind},
                        {"definition", f.definition},
                        {"description_en", f.description_en},
                        {"description_de", f.description_de},
                        {"direction", f.direction},
                        {"actionable", f.actionable},
                        {"integer", f.integer},
                        {"min", Number(f.min)},
                        {"max", Number(f.max)}};
    if (f.categorical) j["codes"] = f.codes;
    features.push_back(std::move(j));
  }
  return {{"format", s.format},
          {"version", s.version},
          {"target", s.target},
          {"purpose", s.purpose},
          {"horizon_days", s.horizon_days},
          {"snapshots", s.snapshots},
          {"features", features},
          {"params", s.params},
          {"training", s.training},
          {"calibration", s.calibration},
          {"lineage", s.lineage},
          {"rows", {{"train", s.rows.train}, {"valid", s.rows.valid}, {"test", s.rows.test}}},
          {"reweighed", s.reweighed}};
}

core::Result<ModelSpec> SpecFromJson(std::string_view text) {
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    ModelSpec s;
    s.format = j.at("format").get<int>();
    if (s.format != kSpecFormat) {
      return core::InvalidArgument(fmt::format("model spec format {} is not {}", s.format, kSpecFormat));
    }
    s.version = j.at("version").get<std::string>();
    s.target = j.at("target").get<std::string>();
    s.purpose = j.at("purpose").get<std::string>();
    s.horizon_days = j.at("horizon_days").get<std::int64_t>();
    s.snapshots = j.at("snapshots").get<std::string>();
    for (const auto& f : j.at("features")) {
      FeatureSpec fs;
      fs.name = f.at("name").get<std::string>();
      fs.categorical = f.at("type").get<std::string>() == "categorical";
      if (fs.categorical) fs.codes = f.at("codes").get<std::vector<std::string>>();
      fs.kind = f.at("kind").get<std::string>();
      fs.definition = f.at("definition").get<std::string>();
      fs.description_en = f.at("description_en").get<std::string>();
      fs.description_de = f.at("description_de").get<std::string>();
      fs.direction = f.at("direction").get<int>();
      fs.actionable = f.at("actionable").get<bool>();
      fs.integer = f.at("integer").get<bool>();
      fs.min = NumberOr(f.at("min"));
      fs.max = NumberOr(f.at("max"));
      s.features.push_back(std::move(fs));
    }
    s.params = j.at("params");
    s.training = j.at("training");
    s.calibration = j.at("calibration");
    s.lineage = j.at("lineage");
    s.rows.train = j.at("rows").at("train").get<std::int64_t>();
    s.rows.valid = j.at("rows").at("valid").get<std::int64_t>();
    s.rows.test = j.at("rows").at("test").get<std::int64_t>();
    s.reweighed = j.value("reweighed", false);
    return s;
  } catch (const nlohmann::json::exception& e) {
    return core::InvalidArgument(fmt::format("model spec: {}", e.what()));
  }
}

core::Status CheckDefinitions(const ModelSpec& spec, const core::Config& config) {
  for (const FeatureSpec& f : spec.features) {
    const core::FeatureConfig* now = config.FindFeature(f.name);
    if (now == nullptr) {
      return core::FailedPrecondition(fmt::format(
          "model {} uses the feature '{}', which candor.toml no longer defines", spec.version, f.name));
    }
    std::string def = features::Definition(config, *now);
    if (def != f.definition) {
      return core::FailedPrecondition(fmt::format(
          "the feature '{}' changed since model {} was trained (then: {}; now: {}); train a new "
          "model",
          f.name, spec.version, f.definition, def));
    }
  }
  return core::Status::Ok();
}

}  // namespace candor::model
