// candor::ledger entries: the exact text of one ledger entry, written and read back.
//
// An entry is RFC 8785 canonical JSON with exactly these members (in canonical order):
//
//   {"actor":"cli","index":7,"model":null,"payload_sha256":"<64 hex>",
//    "subject":null,"time":"2025-06-01T12:00:00Z","type":"ingest"}
//
//   actor           who caused it: an operator's login, an API key's name, "cli";
//                   1-128 bytes of UTF-8 without control characters or '@' (so that an
//                   e-mail address cannot become an actor)
//   index           the entry's 0-based position in the log; it makes every row
//                   self-locating, so verification names the first row that was
//                   reordered, inserted or renumbered, not just "the root differs"
//   model           the model version it concerns, or null
//   payload_sha256  lowercase hex SHA-256 of the payload's canonical JSON bytes
//   subject         the 32-hex pseudonymous subject id it concerns, or null; never a
//                   direct identifier (DESIGN invariant 7)
//   time            RFC 3339 UTC, "YYYY-MM-DDTHH:MM:SSZ" with ".mmm" when the
//                   milliseconds are not zero (core::FormatTimestamp)
//   type            what happened: [a-z][a-z0-9_.-]{0,63}, e.g. "workspace.init",
//                   "ingest", "score.batch", "decision", "model.approve"
//
// Members are always present (null rather than absent), so an auditor's jq filters
// and this parser see one fixed shape. The payload itself (any JSON object, also
// canonical) is stored beside the entry; the entry commits to it by its hash
// (identifier_guard.h keeps direct identifiers out of it).
//
// Thread safety: pure functions, safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"
#include "ledger/merkle.h"

namespace candor::ledger {

// The fields of one entry.
struct EntryFields {
  std::uint64_t index = 0;
  std::string type;
  core::Instant time = 0;
  std::string actor;
  std::string subject;  // 32 lowercase hex digits; empty: null
  std::string model;    // empty: null
  Hash payload_sha256{};
};

// OK when the fields obey the rules of the file comment; InvalidArgument naming the
// field and the rule otherwise (never echoing the value).
core::Status ValidateEntryFields(const EntryFields& fields);

// The canonical JSON text of an entry. InvalidArgument when the fields are invalid.
core::Result<std::string> FormatEntry(const EntryFields& fields);

// Parses a stored entry. Accepts exactly the text FormatEntry writes for valid fields
// (anything else was not written by candor: another key order, whitespace, an
// unknown or missing member, a non-canonical escape or time). InvalidArgument naming
// the byte offset or the field, never echoing the text.
core::Result<EntryFields> ParseEntry(std::string_view text);

// A parsed entry whose strings view the entry text (or the view's own buffers when
// they held escapes): valid while the text and the view live and until the next
// ParseEntryView into it. Reusing one view over many entries allocates nothing.
struct EntryView {
  std::uint64_t index = 0;
  std::string_view type, actor, subject, model;  // subject/model empty: null
  core::Instant time = 0;
  Hash payload_sha256{};
  std::string scratch_[4];  // decoded strings that held escapes
};

// ParseEntry without copies, for verification of many entries; same errors.
core::Status ParseEntryView(std::string_view text, EntryView& view);

}  // namespace candor::ledger
