// candor::workspace demo, fairness step: audits the demo's conversion model,
// retrains it with Kamiran & Calders reweighing, audits that one too (both
// against the generator's truth.csv as well), has a named approver approve the
// better one and activates it. Called by RunDemo right after scoring.
//
// "Better": the model that passed the gate, else the one with the smaller
// largest demographic-parity gap of the worst attribute, provided its AUC
// against the truth is no more than 0.01 below the other's.
//
// Thread safety: as RunDemo.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "model/trainer.h"
#include "workspace/workspace.h"

namespace candor::workspace {

struct DemoFairnessSummary {
  nlohmann::json before;       // the audit of the unmitigated model (as stored)
  nlohmann::json after;        // the audit of the reweighed model
  model::TrainReport reweighed;
  std::string attribute;       // the attribute with the largest gap before
  double gap_before = 0, gap_after = 0;  // largest |demographic parity difference| vs reference
  std::string activated;       // the version approved and activated
  std::string retired;         // the version it replaced, if any
  std::string approver, justification;
};

// The largest |demographic_parity_difference| against the reference over the
// groups of `attribute` in a stored audit document (0 when there is none).
double LargestParityGap(const nlohmann::json& audit, std::string_view attribute);

core::Status RunDemoFairness(Workspace& ws, const std::string& model, core::Instant as_of,
                             core::Instant now, const std::string& truth_file,
                             DemoFairnessSummary& out,
                             const std::function<void(std::string_view)>& progress);

}  // namespace candor::workspace
