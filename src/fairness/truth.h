// candor::fairness truth: labels of audited rows from an external file of true
// outcomes, to measure a model against the truth rather than against the
// (possibly biased) recorded labels it was trained on. The synthetic generator's
// truth.csv (docs/GENERATOR.md: contact_id,target,ts,value; never ingested) is
// the case it is made for: `candor audit --model V --truth truth.csv`.
//
// Identification step: the file names contacts by their CRM contact id, so each
// id is looked up through the workspace's blind index (a keyed hash, never the
// id in clear) to find its pseudonymous subject. That is legitimate for
// evaluating a model on synthetic truth; the ids are used for the lookup only
// and never stored, logged or echoed. Contacts the workspace does not hold are
// counted, not reported.
//
// Thread safety: uses the store from the calling thread only.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "privacy/vault.h"
#include "store/store.h"

namespace candor::fairness {

struct TruthLabels {
  std::vector<float> labels;       // per row: 1 when a true outcome falls in (snapshot, snapshot + horizon]
  std::size_t outcomes = 0;        // true outcomes of the target in the file
  std::size_t unmatched = 0;       // of them, contacts the workspace does not hold
};

// Labels for rows (keys[r], snapshots[r]) of a monthly-snapshot target.
// Errors: NotFound (no such file), InvalidArgument "FILE:LINE:COLUMN: rule" for
// a missing column or a bad cell, the store's.
core::Result<TruthLabels> ReadTruthLabels(const std::string& path, std::string_view target,
                                          std::int64_t horizon_days, store::Store& store,
                                          const privacy::Vault& vault,
                                          std::span<const store::SubjectKey> keys,
                                          std::span<const core::Instant> snapshots);

}  // namespace candor::fairness
