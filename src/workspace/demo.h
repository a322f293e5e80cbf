// candor::workspace::RunDemo: the end-to-end demonstration behind `candor demo`.
//
// Recreates a workspace (refusing to delete a directory that is not a candor
// workspace), generates a synthetic population with `synth::Generate`, and
// ingests every file in dependency order, trains the conversion model as of the
// end of the generated period, scores every eligible subject with it (writing
// DIR/scores.csv with contributions and reasons) and keeps the explanations of
// the three highest scores; then the fairness step (demo_fairness.h): audit,
// reweighed retraining, audit, approval and activation; then the first of the
// three withdraws consent and leaves the next scoring run, the second's data is
// exported beside the workspace (DIR-export/) and the third is erased.
//
// Thread safety: one demo at a time per directory.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/ingest.h"
#include "model/scorer.h"
#include "model/trainer.h"
#include "synth/generator.h"
#include "workspace/demo_fairness.h"

namespace candor::workspace {

struct DemoOptions {
  std::string dir = "demo-workspace";
  std::int64_t contacts = 20000;
  std::uint64_t seed = 1;
};

// What the demo's consent and data-subject steps did (subject ids only).
struct DemoPrivacy {
  std::string withdrawn;  // withdrew profiling consent before the second scoring run
  std::int64_t rows_before = 0, rows_after = 0;
  bool withdrawn_refused = false;  // scoring it alone was refused afterwards
  std::string exported, export_dir;
  std::int64_t export_events = 0, export_scores = 0;
  std::string erased;
  std::int64_t erased_events = 0, erased_scores = 0;
};

struct DemoSummary {
  std::string dir;
  synth::GenerateSummary generated;
  std::vector<ingest::Report> ingested;  // in ingest order
  std::map<std::string, std::int64_t> eligible;  // purpose → subjects eligible at the end
  std::int64_t subjects = 0;
  std::uint64_t ledger_size = 0;  // entries in the ledger, all covered by a signed head
  std::string ledger_root;        // hex root of the latest signed tree head
  bool ledger_verified = false;   // `candor ledger verify` passed at the end
  model::TrainReport trained;     // the conversion model, trained as of the data's end
  model::ScoreReport scored;      // every eligible subject scored with it (DIR/scores.csv),
                                  // with the explanations of the three highest scores
  std::string scores_file;
  DemoPrivacy privacy;  // withdrawal and rescoring, an export, an erasure
  // The fairness step (demo_fairness.h): audit, reweighed retraining, audit,
  // approval and activation of the better model.
  DemoFairnessSummary fairness;
  double seconds = 0;
};

// `stage` names the step ("generate", "ingest events", …); done/total count its units.
// total 0: a stage without a known size (training).
using DemoProgress = std::function<void(std::string_view stage, std::int64_t done, std::int64_t total)>;

core::Result<DemoSummary> RunDemo(const DemoOptions& options, const DemoProgress& progress = {});

}  // namespace candor::workspace
