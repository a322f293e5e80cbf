#include "model/registry.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/files.h"

namespace candor::model {

core::Result<std::unique_ptr<LoadedModel>> LoadedModel::Load(store::Store& store,
                                                             std::string_view version, int nthread) {
  CANDOR_ASSIGN_OR_RETURN(auto rec, store.registry().FindModel(version, true));
  if (!rec) {
    return core::NotFound(fmt::format("no model {} (see `candor models list`)", version));
  }
  auto m = std::make_unique<LoadedModel>();
  m->record_ = std::move(*rec);
  auto damaged = [&](const core::Status& st) {
    return core::DataLoss(fmt::format("model {} cannot be read back: {}", version, st.message()));
  };
  auto spec = SpecFromJson(m->record_.spec);
  if (!spec.ok()) return damaged(spec.status());
  m->spec_ = std::move(*spec);
  auto booster = Booster::FromJson(m->record_.booster, nthread);
  if (!booster.ok()) return damaged(booster.status());
  m->booster_.emplace(std::move(*booster));
  auto ensemble = treeshap::Ensemble::FromXgboostJson(m->record_.booster);
  if (!ensemble.ok()) return damaged(ensemble.status());
  m->ensemble_.emplace(std::move(*ensemble));
  if (m->ensemble_->num_features() != m->spec_.features.size()) {
    return damaged(core::Internal(fmt::format("the trees have {} features, the spec {}",
                                              m->ensemble_->num_features(),
                                              m->spec_.features.size())));
  }
  auto explainer = treeshap::Explainer::Build(*m->ensemble_);
  if (!explainer.ok()) return damaged(explainer.status());
  m->explainer_.emplace(std::move(*explainer));
  auto cal = Calibrator::FromJson(m->spec_.calibration.dump());
  if (!cal.ok()) return damaged(cal.status());
  m->calibrator_.emplace(std::move(*cal));
  return m;
}

core::Result<std::string> ResolveModel(store::Store& store, std::string_view version,
                                       std::string_view target) {
  if (!version.empty()) {
    CANDOR_ASSIGN_OR_RETURN(auto rec, store.registry().FindModel(version, false));
    if (!rec) return core::NotFound(fmt::format("no model {} (see `candor models list`)", version));
    return std::string(version);
  }
  CANDOR_ASSIGN_OR_RETURN(auto active, store.registry().ActiveModel(target));
  if (!active) {
    return core::FailedPrecondition(fmt::format(
        "no active model for target '{}': pass --model VERSION to use a candidate (see `candor "
        "models list`), or activate one with `candor models activate VERSION` once it has passed "
        "the fairness audit or been approved",
        target));
  }
  return *active;
}

core::Result<ModelSpec> LoadSpec(store::Store& store, std::string_view version) {
  CANDOR_ASSIGN_OR_RETURN(auto rec, store.registry().FindModel(version, false));
  if (!rec) return core::NotFound(fmt::format("no model {} (see `candor models list`)", version));
  auto spec = SpecFromJson(rec->spec);
  if (!spec.ok()) {
    return core::DataLoss(fmt::format("model {} cannot be read back: {}", version,
                                      spec.status().message()));
  }
  return spec;
}

core::Result<features::Matrix> MatrixFor(store::Store& store, const core::Config& config,
                                         std::string_view version, std::string_view target,
                                         core::Instant as_of, bool training,
                                         const std::function<void(std::int64_t)>& progress) {
  features::BuildOptions o;
  o.as_of = as_of;
  o.progress = progress;
  std::string t(target);
  if (!version.empty()) {
    CANDOR_ASSIGN_OR_RETURN(ModelSpec spec, LoadSpec(store, version));
    CANDOR_RETURN_IF_ERROR(CheckDefinitions(spec, config));
    t = spec.target;
    if (!training) o.columns = spec.Columns();
  }
  if (training) return features::BuildTraining(store, config, t, o);
  return features::BuildScoring(store, config, t, o);
}

core::Status ExportModel(store::Store& store, std::string_view version, const std::string& dir) {
  CANDOR_ASSIGN_OR_RETURN(auto rec, store.registry().FindModel(version, true));
  if (!rec) return core::NotFound(fmt::format("no model {} (see `candor models list`)", version));
  namespace fs = std::filesystem;
  const fs::path d(dir);
  for (const char* name : {"booster.json", "model.json"}) {
    if (fs::exists(d / name)) {
      return core::AlreadyExists(fmt::format("{} exists; choose an empty directory", (d / name).string()));
    }
  }
  std::error_code ec;
  fs::create_directories(d, ec);
  if (ec) return core::Unavailable(fmt::format("cannot create {}: {}", dir, ec.message()));
  nlohmann::json meta = nlohmann::json::parse(rec->spec);
  meta["status"] = rec->status;
  meta["created_at"] = core::FormatTimestamp(rec->created_at);
  meta["metrics"] = nlohmann::json::parse(rec->metrics);
  meta["fairness"] = rec->fairness.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(rec->fairness);
  meta["approved_by"] = rec->approved_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(rec->approved_by);
  meta["justification"] =
      rec->justification.empty() ? nlohmann::json(nullptr) : nlohmann::json(rec->justification);
  CANDOR_RETURN_IF_ERROR(core::WriteFileAtomically(d / "booster.json", rec->booster));
  return core::WriteFileAtomically(d / "model.json", meta.dump(2) + "\n");
}

}  // namespace candor::model
