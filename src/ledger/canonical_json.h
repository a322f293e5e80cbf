// candor::ledger canonical JSON: the exact bytes a ledger entry is hashed and signed as.
//
// Implements the JSON Canonicalization Scheme of RFC 8785 (JCS) for nlohmann::json
// values, so that the same entry always yields the same leaf hash, whichever program
// wrote it and in whatever key order:
//   - no whitespace;
//   - object members sorted by their names as arrays of UTF-16 code units (3.2.3),
//     which differs from UTF-8 byte order for characters above U+FFFF;
//   - strings as ECMAScript JSON.stringify writes them (3.2.2.2): only \" \\ \b \f \n
//     \r \t and \u00xx (lowercase hex) for the other control characters are escaped,
//     everything else is literal UTF-8;
//   - numbers as ECMAScript Number.prototype.toString writes IEEE 754 doubles
//     (3.2.2.3): integers without exponent below 1e21, otherwise the shortest digits
//     that round-trip, -0 as 0;
//   - literals null, true, false.
//
// What JCS cannot represent is refused with InvalidArgument, naming the JSON Pointer
// of the offending value (never the value of a string, which could be personal data):
//   - NaN and +-Infinity (no JSON form);
//   - integers beyond +-2^53 (JCS numbers are doubles, so 2^53 + 1 would silently
//     change); write such values as strings;
//   - strings and names that are not valid UTF-8 (I-JSON, RFC 7493);
//   - binary values, discarded values, nesting deeper than kMaxCanonicalJsonDepth.
//
// Also home to the module's UTF-8 decoder (DecodeUtf8), which checkpoint.h shares.
//
// Thread safety: pure functions, safe to call concurrently.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"

namespace candor::ledger {

// Arrays and objects nested deeper than this are refused (the serializer recurses).
inline constexpr std::size_t kMaxCanonicalJsonDepth = 512;

// The RFC 8785 canonical form of `value` (see the file comment), or InvalidArgument
// for a value JCS cannot represent.
core::Result<std::string> CanonicalJson(const nlohmann::json& value);

// Appends `text` to `out` as an RFC 8785 string literal, quotes included (3.2.2.2).
// InvalidArgument, naming the byte offset but not the text, when `text` is not valid
// UTF-8; `out` then holds a partial literal. For writers of fixed-shape canonical
// JSON (ledger entries) that do not go through nlohmann::json.
core::Status AppendCanonicalString(std::string_view text, std::string& out);

// A finite double as ECMAScript's Number.prototype.toString writes it (RFC 8785
// 3.2.2.3, ECMA-262 Number::toString): 1e21 -> "1e+21", 1e-7 -> "1e-7", 0.000001 ->
// "0.000001", 4.5 -> "4.5", -0.0 -> "0". InvalidArgument for NaN and infinities.
core::Result<std::string> FormatCanonicalNumber(double value);

// Decodes the UTF-8 sequence that starts at text[offset] (offset < text.size()).
// Returns its length, 1 to 4, and sets *code_point; returns 0 when the bytes there are
// not well-formed UTF-8 (Unicode table 3-7: overlong forms, surrogates U+D800..U+DFFF,
// values above U+10FFFF and truncated sequences are all refused).
std::size_t DecodeUtf8(std::string_view text, std::size_t offset, char32_t* code_point);

}  // namespace candor::ledger
