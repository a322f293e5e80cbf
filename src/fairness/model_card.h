// candor::fairness model card: the documentation of one registered model after
// Mitchell et al. (2019), "Model Cards for Model Reporting": model details,
// intended use, factors, metrics (overall and by group, with 95 % intervals),
// evaluation data, training data, ethical considerations (the fairness verdict
// and the proxies found), caveats and limitations, and approvals — in Markdown
// and in self-contained HTML (no scripts, no external resources).
//
// It is rendered from the registry alone (spec, metrics, the stored audit, the
// approval); it reads no personal data. A model never audited says so where the
// fairness sections would be, and names `candor audit --model V`.
//
// Errors: NotFound (unknown model), DataLoss (a stored document unreadable).
// Thread safety: uses the store from the calling thread only; rendering is pure.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "store/store.h"

namespace candor::fairness {

struct ModelCard {
  std::string markdown;
  std::string html;
};

core::Result<ModelCard> RenderModelCard(store::Store& store, std::string_view version);

// Writes DIR/model-card.html and DIR/model-card.md (DIR created; each file
// written atomically). Unavailable when a file cannot be written.
core::Status WriteModelCard(const ModelCard& card, const std::string& dir);

}  // namespace candor::fairness
