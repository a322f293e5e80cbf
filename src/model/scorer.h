// candor::model::ScoreSubjects: `candor score` and `candor explain` — scores every
// subject eligible for the model's purpose (or one subject), explains every
// score exactly, stores the scores with their contributions and reason texts,
// records each batch in the ledger, and writes the output file.
//
// For each row: margin from the booster; probability = the model's calibration
// of the margin; score = probability × 100 with one decimal; contributions from
// exact TreeSHAP (treeshap/explainer.h), one per feature plus the bias, summing
// to the margin (checked for every row: a difference above 1e-4 is an Internal
// error, never a stored score); reasons from model/reasons.h in en and de. With
// `explain`, also the best single change to an actionable feature.
//
// Everything lands in one transaction: a score run, its scores, and one ledger
// entry per batch of kLedgerBatch scores ("score.batch", payload: run, batch
// number, rows, and the SHA-256 of the batch's lines "<subject id>,<probability>,
// <margin>\n" with numbers in shortest round-trip form). The output file is
// written to FILE.tmp first and renamed into place once the transaction has
// committed: a failed run leaves neither stored scores nor a file.
//
// Output (`out`, "-" = stdout; empty = none): CSV with subject_id, model, score,
// probability, margin (with explain: contribution_<feature>…, contribution_bias,
// reasons, suggestion) or NDJSON lines {"subject","model","score","probability",
// "margin"} (with explain: "contributions":{feature: value, …, "bias": value},
// "reasons":[{"feature","contribution","text"}], "suggestion").
//
// Errors: ResolveModel's (NotFound, FailedPrecondition when no model is active),
// CheckDefinitions' FailedPrecondition, FailedPrecondition when `subject` is set
// but not eligible for the purpose now, InvalidArgument for an unknown format or
// language, the store's, the ledger's and Unavailable for the output file.
// Thread safety: uses the store from the calling thread; `threads` workers for
// prediction and TreeSHAP.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/status.h"
#include "ledger/ledger.h"
#include "model/reasons.h"
#include "store/store.h"

namespace candor::model {

inline constexpr std::size_t kLedgerBatch = 10000;

struct ScoreRequest {
  std::string model;                  // version; empty: the target's active model
  std::string target = "conversion";  // when model is empty
  core::Instant as_of = 0;
  core::Instant now = 0;
  std::string actor;
  bool explain = false;
  std::string out;              // file, "-" for stdout, empty for none
  std::string format = "csv";   // csv | ndjson
  std::string lang = "en";      // en | de: texts in the output
  int threads = 2;
  store::SubjectKey subject = 0;  // only this subject; 0: all eligible
  // Keep the explanations (with suggestions) of this many of the highest scores
  // in the report (e.g. for the demo); the subject's when `subject` is set.
  std::size_t keep_top = 0;
  std::function<void(std::string_view message)> progress;
};

// One subject's score with its explanation (kept for the caller when scoring
// one subject, e.g. `candor explain`).
struct Explanation {
  std::string subject;  // 32 hex
  double score = 0, probability = 0, margin = 0;
  std::vector<std::pair<std::string, double>> contributions;  // features, then "bias"
  std::vector<std::pair<std::string, std::string>> values;    // feature → value in words
  std::vector<Reason> reasons;
  std::optional<Suggestion> suggestion;
};

struct ScoreReport {
  std::string model, target;
  std::int64_t run = 0;
  std::int64_t rows = 0;
  std::size_t unseen_categories = 0;
  double mean_score = 0;
  double features_s = 0, predict_s = 0, explain_s = 0, write_s = 0;
  std::uint64_t ledger_entries = 0;
  std::vector<Explanation> explanations;  // request.subject's, or the keep_top highest, best first
};

core::Result<ScoreReport> ScoreSubjects(store::Store& store, ledger::Ledger& ledger,
                                        const core::Config& config, const ScoreRequest& request);

}  // namespace candor::model
