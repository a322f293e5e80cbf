// candor::synth consent histories: grants, withdrawals and objections per contact.
//
// Each contact's history comes from its own stream (seed, kConsentStream, index)
// and is decided entirely at creation (waiting times are drawn, not stepped), so
// it never depends on the activity model or on the drift. The rows follow
// DESIGN.md's purposes: profiling and email_marketing are consent purposes
// (grant, withdraw, object); sales_outreach and segmentation are legitimate
// interest (an optional basis row at creation, then only object, never
// withdraw). legal_basis always equals the purpose's basis.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "core/csv_writer.h"
#include "synth/calendar.h"
#include "synth/population.h"

namespace candor::synth {

inline constexpr core::Instant kNever = std::numeric_limits<core::Instant>::max();

enum class Purpose : std::uint8_t { kProfiling, kEmailMarketing, kSalesOutreach, kSegmentation };
enum class ConsentAction : std::uint8_t { kGrant, kWithdraw, kObject };

struct ConsentRow {
  core::Instant ts = 0;
  Purpose purpose = Purpose::kProfiling;
  ConsentAction action = ConsentAction::kGrant;
  std::uint8_t source = 0;  // index into the source names (web_form, ...)
  std::uint8_t method = 0;  // index into the method names (0: none)
  bool has_evidence = false;
  char evidence[64] = {};  // hex token of the double opt-in confirmation
};

struct ConsentHistory {
  std::vector<ConsentRow> rows;  // sorted by time
  // Marketing e-mail may reach the contact within [email_from, email_until).
  core::Instant email_from = kNever;
  core::Instant email_until = kNever;
};

// Decides the consent history of `contact` (all of it, also beyond the period).
void SimulateConsents(const World& world, const Contact& contact, ConsentHistory& history);

// Writes every row before the end (the history before the period included) and,
// in drift runs, only those at or after drift_from. Returns the rows written.
std::int64_t WriteConsents(const World& world, const Calendar& calendar, const Contact& contact,
                           const ConsentHistory& history, core::CsvWriter& out);

// "2025-01": the privacy notice in force at `t`.
std::string_view NoticeVersion(core::Instant t);

}  // namespace candor::synth
