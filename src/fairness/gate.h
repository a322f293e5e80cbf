// candor::fairness gate: the thresholds a model's audit must meet before the
// model may become active (DESIGN invariant 6).
//
// A rule names a comparison (metrics.h: a group-vs-reference name such as
// "demographic_parity_ratio", or a between-groups name such as
// "demographic_parity_ratio_between_groups") and a bound:
//  * a ratio r is judged as min(r, 1/r) >= bound, i.e. r in [bound, 1/bound];
//  * a difference d is judged as |d| <= bound.
// A comparison passes only when its value and its whole confidence interval are
// on the passing side. An undefined value or an interval that no resample gave
// fails: the gate passes on evidence, never by default. Groups with
// insufficient data take no part; a (single) attribute with fewer than two
// groups of sufficient size fails, since nothing could be checked.
//
// Thread safety: values and pure functions.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace candor::fairness {

struct GateRule {
  std::string metric;  // a comparison name
  double bound = 0;    // ratio: in (0, 1]; difference: >= 0
};

// Default: demographic parity ratio >= 0.8 (four-fifths rule) and
// |equal opportunity difference| <= 0.1, each group against the reference.
std::vector<GateRule> DefaultGateRules();

// Errors (InvalidArgument): an unknown metric name, a bound out of range, a
// metric given twice.
core::Status ValidateGateRules(const std::vector<GateRule>& rules);

// Whether `lo..hi` (and value) lie on the passing side of `rule`; `ratio` tells
// how to judge. False for NaN.
bool Passes(double value, double lo, double hi, double bound, bool ratio);

}  // namespace candor::fairness
