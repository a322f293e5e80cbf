#include "fairness/gate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "fairness/audit.h"
#include "fairness/metrics.h"

namespace candor::fairness {
namespace {

// Whether `name` is a comparison, and whether a ratio.
std::optional<bool> KindOf(std::string_view name) {
  for (std::size_t c = 0; c < kGroupComparisonCount; ++c) {
    const auto which = static_cast<GroupComparison>(c);
    if (NameOf(which) == name) return IsRatio(which);
  }
  for (std::size_t c = 0; c < kBetweenComparisonCount; ++c) {
    const auto which = static_cast<BetweenComparison>(c);
    if (NameOf(which) == name) return IsRatio(which);
  }
  return std::nullopt;
}

std::string Words(std::string_view name) {
  std::string s(name);
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

// Why a judged comparison failed, after its name.
std::string Gap(const ComparisonReport& c, double bound, double confidence) {
  const Estimate& e = c.estimate;
  if (!e.value) return "undefined (a group lacks the positives, negatives or selections it needs)";
  if (!e.ci) return fmt::format("{:.3g} with no interval (no resample defined it)", *e.value);
  const std::string shown = fmt::format("{:.3g} ({:g} % CI {:.3g}–{:.3g})", *e.value,
                                        confidence * 100, e.ci->lo, e.ci->hi);
  // Say whether the value itself fails, or only its interval reaches the failing side.
  if (!c.ratio) {
    if (std::abs(*e.value) > bound) return fmt::format("{} outside ±{:g}", shown, bound);
    return fmt::format("{}: the interval reaches outside ±{:g}", shown, bound);
  }
  if (*e.value < bound) return fmt::format("{} < {:g}", shown, bound);
  if (*e.value > 1 / bound) return fmt::format("{} > {:.3g} (1/{:g})", shown, 1 / bound, bound);
  if (e.ci->lo < bound) return fmt::format("{}: the interval reaches below {:g}", shown, bound);
  return fmt::format("{}: the interval reaches above {:.3g} (1/{:g})", shown, 1 / bound, bound);
}

}  // namespace

std::vector<GateRule> DefaultGateRules() {
  return {{"demographic_parity_ratio", 0.8}, {"equal_opportunity_difference", 0.1}};
}

core::Status ValidateGateRules(const std::vector<GateRule>& rules) {
  std::set<std::string> seen;
  for (const GateRule& r : rules) {
    const std::optional<bool> ratio = KindOf(r.metric);
    if (!ratio) return core::InvalidArgument(fmt::format("gate: unknown metric {}", r.metric));
    if (!seen.insert(r.metric).second) {
      return core::InvalidArgument(fmt::format("gate: metric {} given twice", r.metric));
    }
    if (*ratio && !(r.bound > 0 && r.bound <= 1)) {
      return core::InvalidArgument(
          fmt::format("gate: the bound of ratio {} must be in (0, 1], got {}", r.metric, r.bound));
    }
    if (!*ratio && !(r.bound >= 0 && std::isfinite(r.bound))) {
      return core::InvalidArgument(fmt::format(
          "gate: the bound of difference {} must be finite and >= 0, got {}", r.metric, r.bound));
    }
  }
  return core::Status::Ok();
}

bool Passes(double value, double lo, double hi, double bound, bool ratio) {
  const double low = ratio ? bound : -bound;
  const double high = ratio ? 1 / bound : bound;
  auto inside = [&](double v) { return v >= low && v <= high; };  // false for NaN
  return inside(value) && inside(lo) && inside(hi);
}

void ApplyGate(const std::vector<GateRule>& rules, AuditReport& report) {
  report.failures.clear();
  auto judge = [&](ComparisonReport& c, const std::string& subject) {
    c.passed.reset();
    c.bound.reset();
    auto rule = std::find_if(rules.begin(), rules.end(),
                             [&](const GateRule& r) { return r.metric == c.name; });
    if (rule == rules.end()) return;
    c.bound = rule->bound;
    const Estimate& e = c.estimate;
    c.passed = e.value && e.ci && Passes(*e.value, e.ci->lo, e.ci->hi, rule->bound, c.ratio);
    if (!*c.passed) {
      report.failures.push_back(fmt::format("{}: {} {}", subject, Words(c.name),
                                            Gap(c, rule->bound, report.confidence)));
    }
  };
  for (AttributeReport& a : report.attributes) {
    const auto sufficient = std::count_if(a.groups.begin(), a.groups.end(),
                                          [](const GroupReport& g) { return !g.insufficient_data; });
    if (!a.intersection && sufficient < 2 && !rules.empty()) {
      report.failures.push_back(fmt::format(
          "{}: fewer than two groups with at least {} rows; nothing could be compared",
          a.attribute, report.min_group_size));
    }
    for (GroupVsReference& vs : a.vs_reference) {
      const std::string subject =
          fmt::format("{} {} vs {}", a.attribute, vs.value, a.reference.value_or(""));
      for (ComparisonReport& c : vs.comparisons) judge(c, subject);
    }
    // Between-groups needs two groups; for an attribute the failure above says so.
    if (sufficient >= 2) {
      for (ComparisonReport& c : a.between_groups) judge(c, a.attribute);
    }
  }
  report.passed = report.failures.empty();
}

}  // namespace candor::fairness
