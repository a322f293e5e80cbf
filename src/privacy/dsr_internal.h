// Internal to candor::privacy: request registration shared by the DSR files.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

#include "privacy/dsr.h"

namespace candor::privacy {

// Registers an open request (and its "dsr.request" ledger entry) in the
// caller's transaction.
core::Result<std::int64_t> RegisterRequest(const DsrContext& ctx, std::string_view type,
                                           const core::SubjectId& id, core::Instant received);
// Appends a ledger entry of `type` in the caller's transaction.
core::Status RecordOutcome(const DsrContext& ctx, std::string_view type, const core::SubjectId* id,
                           nlohmann::json payload);

// export.html from export.json's document, in `lang` (en or de).
std::string RenderExportHtml(const nlohmann::ordered_json& doc, std::string_view lang);

}  // namespace candor::privacy
