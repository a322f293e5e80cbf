// candor::fairness protected data: the protected attributes of given rows, read
// purpose-bound for the fairness audit (DESIGN invariants 1 and 3).
//
// Protected attributes are never features. They are read only through
// PrivacyStore::ForEachProtectedAttribute for purpose "fairness_audit"
// (legitimate interest, not direct marketing), which returns only subjects with
// a valid basis for it at `as_of`; rows of other subjects are marked ineligible
// and must be left out by the caller.
//
// Thread safety: uses the store from the calling thread only.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "fairness/groups.h"
#include "store/store.h"

namespace candor::fairness {

inline constexpr std::string_view kAuditPurpose = "fairness_audit";

struct ProtectedRows {
  // One per configured protected attribute ([protected] attributes, in order),
  // coded over the eligible rows only (in row order).
  std::vector<ProtectedAttribute> attributes;
  std::vector<bool> eligible;       // per input row: eligible for fairness_audit at as_of
  std::size_t eligible_rows = 0;
};

// Reads the protected attributes of the subjects `keys` (one per row; a subject
// may occur in several rows). Errors: FailedPrecondition when the configuration
// declares no protected attribute; NotFound when the purpose fairness_audit is
// not configured; the store's.
core::Result<ProtectedRows> ReadProtectedRows(store::Store& store, const core::Config& config,
                                              core::Instant as_of,
                                              std::span<const store::SubjectKey> keys);

}  // namespace candor::fairness
