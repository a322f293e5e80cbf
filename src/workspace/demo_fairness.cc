#include "workspace/demo_fairness.h"

#include <fmt/format.h>

#include <cmath>

#include "fairness/mitigation.h"
#include "fairness/model_audit.h"
#include "fairness/promotion.h"

namespace candor::workspace {

double LargestParityGap(const nlohmann::json& audit, std::string_view attribute) {
  double gap = 0;
  for (const auto& a : audit.at("attributes")) {
    if (a.at("attribute") != attribute) continue;
    for (const auto& g : a.at("groups_vs_reference")) {
      if (!g.contains("demographic_parity_difference")) continue;
      const auto& v = g.at("demographic_parity_difference").at("value");
      if (v.is_number()) gap = std::max(gap, std::abs(v.get<double>()));
    }
  }
  return gap;
}

namespace {

double TruthAuc(const nlohmann::json& audit) {
  if (audit.contains("truth") && audit.at("truth").at("auc").is_number()) {
    return audit.at("truth").at("auc").get<double>();
  }
  return audit.value("auc", 0.0);
}

}  // namespace

core::Status RunDemoFairness(Workspace& ws, const std::string& model, core::Instant as_of,
                             core::Instant now, const std::string& truth_file,
                             DemoFairnessSummary& out,
                             const std::function<void(std::string_view)>& progress) {
  auto say = [&](std::string_view m) {
    if (progress) progress(m);
  };
  fairness::ModelAuditRequest audit;
  audit.model = model;
  audit.now = now;
  audit.actor = "demo";
  audit.truth_file = truth_file;
  audit.progress = [&](std::string_view m) { say(fmt::format("audit {}: {}", model, m)); };
  CANDOR_ASSIGN_OR_RETURN(auto before, fairness::AuditModel(*ws.store, *ws.ledger, ws.config,
                                                            ws.vault.get(), audit));
  out.before = before.json;
  // The attribute with the largest gap.
  for (const auto& name : ws.config.protected_attributes) {
    double gap = LargestParityGap(out.before, name);
    if (out.attribute.empty() || gap > out.gap_before) {
      out.attribute = name;
      out.gap_before = gap;
    }
  }

  model::TrainRequest train;
  train.target = before.target;
  train.as_of = as_of;
  train.now = now;
  train.actor = "demo";
  train.weighting = std::string(fairness::kWeighting);
  train.weigh = [&](const features::Matrix& m) -> core::Result<std::vector<float>> {
    CANDOR_ASSIGN_OR_RETURN(auto rw, fairness::ReweighingWeights(*ws.store, ws.config, as_of, m));
    return std::move(rw.weights);
  };
  train.progress = [&](std::string_view m) { say(fmt::format("train {} --reweigh: {}", before.target, m)); };
  CANDOR_ASSIGN_OR_RETURN(out.reweighed, model::TrainModel(*ws.store, *ws.ledger, ws.config, train));

  audit.model = out.reweighed.version;
  audit.progress = [&](std::string_view m) { say(fmt::format("audit {}: {}", out.reweighed.version, m)); };
  CANDOR_ASSIGN_OR_RETURN(auto after, fairness::AuditModel(*ws.store, *ws.ledger, ws.config,
                                                           ws.vault.get(), audit));
  out.after = after.json;
  out.gap_after = LargestParityGap(out.after, out.attribute);

  const bool after_passed = out.after.at("passed").get<bool>();
  const bool before_passed = out.before.at("passed").get<bool>();
  bool pick_after = after_passed || (!before_passed && out.gap_after < out.gap_before &&
                                     TruthAuc(out.after) >= TruthAuc(out.before) - 0.01);
  const std::string& chosen = pick_after ? out.reweighed.version : model;
  out.approver = "Dana Weber (head of revenue operations)";
  out.justification = fmt::format(
      "Reviewed the audits of {} and {}: {} narrows the largest demographic-parity gap of {} from "
      "{:.3f} to {:.3f} at an AUC against the true outcomes of {:.3f} (was {:.3f}); the remaining "
      "gap is monitored monthly.",
      model, out.reweighed.version, chosen, out.attribute, out.gap_before, out.gap_after,
      TruthAuc(pick_after ? out.after : out.before), TruthAuc(pick_after ? out.before : out.after));
  fairness::PromotionRequest promote;
  promote.model = chosen;
  promote.now = now;
  promote.actor = "demo";
  promote.approved_by = out.approver;
  promote.justification = out.justification;
  say(fmt::format("approve and activate {}", chosen));
  CANDOR_RETURN_IF_ERROR(fairness::ApproveModel(*ws.store, *ws.ledger, ws.config, promote).status());
  CANDOR_ASSIGN_OR_RETURN(auto activated, fairness::ActivateModel(*ws.store, *ws.ledger, ws.config, promote));
  out.activated = activated.model;
  out.retired = activated.retired.value_or("");
  return core::Status::Ok();
}

}  // namespace candor::workspace
