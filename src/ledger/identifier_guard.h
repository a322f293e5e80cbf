// candor::ledger identifier guard: keeps direct identifiers out of ledger payloads
// (DESIGN invariant 7: the ledger holds pseudonymous subject ids only).
//
// Thread safety: a pure function, safe to call concurrently.
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace candor::ledger {

// Refuses a payload that looks like it carries a direct identifier (DESIGN invariant
// 7): a member named like one (email, first_name, last_name, phone, contact_id,
// address, ...; case and '-' ignored) or a string value shaped like an e-mail address.
// A backstop, not the guarantee: callers must put only pseudonymous ids and
// aggregates into payloads. InvalidArgument naming the JSON Pointer, never the value.
core::Status CheckNoDirectIdentifiers(const nlohmann::json& payload);

}  // namespace candor::ledger
