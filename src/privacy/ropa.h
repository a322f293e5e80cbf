// candor::privacy::RecordsOfProcessing: `candor ropa` — the records of
// processing activities (GDPR Art. 30(1)) of a workspace, from its configuration
// and what the store holds.
//
// One activity per purpose: name and description (en, de), legal basis, whether
// it is direct marketing, categories of data subjects and of personal data, the
// recipients, transfers to third countries, the time limit for erasure
// (retention_days), and the technical and organisational measures (Art. 32)
// that candor itself implements. Controller, DPO, recipients and transfers come
// from the [ropa] section of candor.toml.
//
// Errors: the store's. Thread safety: the store's thread.
#pragma once

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/status.h"
#include "store/store.h"

namespace candor::privacy {

// The records as JSON: {"controller","dpo","activities":[…],"measures":[…]}.
core::Result<nlohmann::ordered_json> RecordsOfProcessing(store::Store& store,
                                                         const core::Config& config);

// The same as readable text (Markdown), in `lang` (en or de).
std::string RecordsAsMarkdown(const nlohmann::ordered_json& records, std::string_view lang);

}  // namespace candor::privacy
