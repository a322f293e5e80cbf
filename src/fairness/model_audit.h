// candor::fairness model audit: `candor audit --model V` — the audit of a
// registered model on its own test split, stored in the registry and recorded
// in the ledger; and `candor audit --predictions FILE`, the same audit of any
// external scores (bring your CRM's).
//
// AuditModel:
//  1. rebuilds the training matrix of V's target as of V's lineage as_of (with
//     candor.toml's current definitions, which must still be V's) and takes its
//     test rows; "data_unchanged" tells whether the rebuilt data's fingerprint is
//     V's lineage data_fingerprint (false when data arrived or was erased since);
//  2. scores them with V: booster margin → calibrator → probability; score =
//     probability × 100, one decimal (as `candor score` stores it);
//  3. joins the protected attributes, read for purpose "fairness_audit" at the
//     audit's as_of (default V's as_of): rows of subjects not eligible for that
//     purpose are left out of the audit and counted ("rows_excluded");
//  4. runs RunAudit with [fairness]'s options and V's features as proxy
//     candidates; optionally measures V against a file of true outcomes
//     (truth.h) and computes per-group thresholds ([fairness]
//     per_group_thresholds, mitigation.h);
//  5. unless `record` is false, stores the report (AuditToJson plus "model",
//     "target", "as_of", "audited_at", "data_unchanged", "rows_excluded") with
//     SetModelFairness, and appends an "audit" ledger entry (passed, failures,
//     threshold, rows, SHA-256 of the stored report), and with per-group
//     thresholds on a "fairness.per_group_thresholds" entry, in one transaction.
// A failed gate is a result (passed = false), not an error.
//
// Errors: NotFound (unknown model), FailedPrecondition (definitions changed, no
// protected attribute), InvalidArgument (a bad truth or predictions file, as
// FILE:LINE:COLUMN: rule), and those of the store, the ledger and RunAudit.
// Thread safety: uses the store from the calling thread; the audit itself runs
// on every core.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/status.h"
#include "fairness/audit.h"
#include "ledger/ledger.h"
#include "privacy/vault.h"
#include "store/store.h"

namespace candor::fairness {

// RunAudit's options from [fairness].
AuditOptions OptionsFrom(const core::FairnessConfig& f);

struct ModelAuditRequest {
  std::string model;
  core::Instant now = 0;                  // recorded as audited_at
  std::optional<core::Instant> as_of;     // eligibility for fairness_audit; default V's as_of
  std::string actor;
  std::string truth_file;                 // optional: true outcomes (needs `vault`)
  bool record = true;
  std::function<void(std::string_view)> progress;
};

struct ModelAuditResult {
  std::string model, target;
  AuditReport report;
  nlohmann::json json;      // the stored document
  bool data_unchanged = false;
  std::size_t rows_excluded = 0;
  std::string report_sha256;
};

core::Result<ModelAuditResult> AuditModel(store::Store& store, ledger::Ledger& ledger,
                                          const core::Config& config, const privacy::Vault* vault,
                                          const ModelAuditRequest& request);

struct PredictionsAuditRequest {
  std::string file;                          // CSV: y_true, y_pred or score, protected columns
  std::vector<std::string> protected_columns;
  std::optional<double> threshold;           // with a score column
  // "VALUE" (the first protected column's reference) or "COLUMN=VALUE", repeatable.
  std::vector<std::string> references;
};

// The audit of an external file. Every cell is checked: y_true and y_pred 0 or
// 1, score and probability finite numbers (probability in [0, 1]); an empty
// protected cell is a missing value. InvalidArgument "FILE:LINE:COLUMN: rule"
// for a bad cell or header, the file's errors.
core::Result<nlohmann::json> AuditPredictions(const core::FairnessConfig& config,
                                              const PredictionsAuditRequest& request,
                                              AuditReport* report_out = nullptr);

// Records an audit of external predictions in a workspace's ledger: one "audit"
// entry (no model) with source "predictions", the file's name (not its directory)
// and SHA-256, the protected columns, passed, failures, threshold, rows and the
// SHA-256 of `report` (the JSON AuditPredictions returned, as dumped), then signs
// the head, in one store transaction. Returns that report SHA-256.
// Errors: Unavailable (the file cannot be read again), the store's and the ledger's.
core::Result<std::string> RecordPredictionsAudit(store::Store& store, ledger::Ledger& ledger,
                                                 const PredictionsAuditRequest& request,
                                                 const nlohmann::json& report, core::Instant now,
                                                 const std::string& actor);

}  // namespace candor::fairness
