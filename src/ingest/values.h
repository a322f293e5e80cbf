// candor::ingest value parsers: strict conversions of field text to typed values.
// Each returns InvalidArgument with the rule ("must be an integer"), never the
// value itself. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace candor::ingest {

core::Result<std::int64_t> ParseInteger(std::string_view s);  // [-]digits
core::Result<double> ParseNumber(std::string_view s);         // decimal, optional exponent
core::Result<bool> ParseBoolean(std::string_view s);          // true/false (also 1/0)
// A code such as an event type: [a-z][a-z0-9_]{0,63}.
core::Status CheckToken(std::string_view s);
// ISO 3166-1 alpha-2: two uppercase letters.
core::Status CheckCountry(std::string_view s);
// ISO 639-1/2 language: 2–3 lowercase letters.
core::Status CheckLanguage(std::string_view s);
// Keeps scheme, host and path; drops the query and fragment, which in tracking
// links often carry email addresses or other identifiers (data minimisation).
std::string_view StripQuery(std::string_view url);

}  // namespace candor::ingest
