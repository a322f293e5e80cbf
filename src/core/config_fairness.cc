// [fairness] of candor.toml (core/config.h FairnessConfig).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "core/config_internal.h"

namespace candor::core::internal {

namespace {

class Errors {
 public:
  Errors(std::string_view file, std::vector<std::string>& out) : file_(file), out_(out) {}
  void Add(const toml::source_region& where, std::string_view path, std::string_view rule) {
    out_.push_back(fmt::format("{}:{}:{}: {}: {}", file_, where.begin.line, where.begin.column,
                               path, rule));
  }
  void Add(const toml::node& n, std::string_view path, std::string_view rule) {
    Add(n.source(), path, rule);
  }

 private:
  std::string_view file_;
  std::vector<std::string>& out_;
};

bool IsRatio(std::string_view metric) { return metric.find("_ratio") != std::string_view::npos; }

// A number (integer or float) or an error at the node.
bool Number(Errors& e, const toml::node& n, std::string_view path, double& out) {
  if (n.is_integer()) {
    out = static_cast<double>(*n.value<std::int64_t>());
    return true;
  }
  if (n.is_floating_point() && std::isfinite(*n.value<double>())) {
    out = *n.value<double>();
    return true;
  }
  e.Add(n, path, "must be a number");
  return false;
}

bool Integer(Errors& e, const toml::node& n, std::string_view path, std::int64_t min,
             std::int64_t max, std::int64_t& out) {
  if (!n.is_integer()) {
    e.Add(n, path, "must be an integer");
    return false;
  }
  std::int64_t v = *n.value<std::int64_t>();
  if (v < min || v > max) {
    e.Add(n, path, fmt::format("must be between {} and {}", min, max));
    return false;
  }
  out = v;
  return true;
}

}  // namespace

const std::vector<std::string>& GateMetricNames() {
  static const std::vector<std::string> kNames = {
      "demographic_parity_difference",
      "demographic_parity_ratio",
      "equal_opportunity_difference",
      "equalized_odds_difference",
      "average_odds_difference",
      "average_abs_odds_difference",
      "predictive_parity_difference",
      "error_rate_difference",
      "demographic_parity_difference_between_groups",
      "demographic_parity_ratio_between_groups",
      "equal_opportunity_difference_between_groups",
      "equalized_odds_difference_between_groups",
      "equalized_odds_ratio_between_groups",
      "average_odds_difference_between_groups",
      "predictive_parity_difference_between_groups",
      "error_rate_difference_between_groups",
      "demographic_parity_difference_to_overall",
      "demographic_parity_ratio_to_overall"};
  return kNames;
}

void ParseFairness(const toml::table& root, std::string_view file,
                   const std::vector<std::string>& protected_attributes, FairnessConfig& out,
                   std::vector<std::string>& errors) {
  Errors e(file, errors);
  const toml::node* node = root.get("fairness");
  if (node == nullptr) return;
  const toml::table* t = node->as_table();
  if (t == nullptr) {
    e.Add(*node, "fairness", "must be a table");
    return;
  }
  static constexpr std::string_view kKeys[] = {
      "min_group_size", "selection_fraction", "threshold", "resamples", "seed", "references",
      "gate", "proxy_auc", "per_group_thresholds", "intersections"};
  for (auto&& [k, v] : *t) {
    if (std::find(std::begin(kKeys), std::end(kKeys), k.str()) == std::end(kKeys)) {
      e.Add(k.source(), fmt::format("fairness.{}", k.str()),
            fmt::format("unknown key (allowed here: {})", fmt::join(kKeys, ", ")));
    }
  }
  std::int64_t i = 0;
  if (const toml::node* n = t->get("min_group_size");
      n && Integer(e, *n, "fairness.min_group_size", 1, 1000000000, i)) {
    out.min_group_size = static_cast<std::size_t>(i);
  }
  if (const toml::node* n = t->get("resamples");
      n && Integer(e, *n, "fairness.resamples", 0, 100000, i)) {
    out.resamples = static_cast<int>(i);
  }
  if (const toml::node* n = t->get("seed");
      n && Integer(e, *n, "fairness.seed", 0, std::numeric_limits<std::int64_t>::max(), i)) {
    out.seed = i;
  }
  double d = 0;
  if (const toml::node* n = t->get("selection_fraction");
      n && Number(e, *n, "fairness.selection_fraction", d)) {
    if (d > 0 && d <= 1) {
      out.selection_fraction = d;
    } else {
      e.Add(*n, "fairness.selection_fraction", "must be in (0, 1]");
    }
  }
  if (const toml::node* n = t->get("threshold"); n && Number(e, *n, "fairness.threshold", d)) {
    if (d >= 0 && d <= 100) {
      out.threshold = d;
    } else {
      e.Add(*n, "fairness.threshold", "must be a score between 0 and 100");
    }
  }
  if (const toml::node* n = t->get("proxy_auc"); n && Number(e, *n, "fairness.proxy_auc", d)) {
    if (d >= 0.5 && d <= 1) {
      out.proxy_auc = d;
    } else {
      e.Add(*n, "fairness.proxy_auc", "must be in [0.5, 1]");
    }
  }
  for (auto [key, field] : {std::pair{"per_group_thresholds", &out.per_group_thresholds},
                            std::pair{"intersections", &out.intersections}}) {
    if (const toml::node* n = t->get(key)) {
      if (n->is_boolean()) {
        *field = *n->value<bool>();
      } else {
        e.Add(*n, fmt::format("fairness.{}", key), "must be true or false");
      }
    }
  }
  if (const toml::node* n = t->get("references")) {
    if (const toml::table* r = n->as_table()) {
      auto known = [&](std::string_view a) {
        return std::find(protected_attributes.begin(), protected_attributes.end(), a) !=
               protected_attributes.end();
      };
      for (auto&& [k, v] : *r) {
        std::string path = fmt::format("fairness.references.{}", k.str());
        std::string_view name = k.str();
        std::size_t bar = name.find('|');
        bool ok = bar == std::string_view::npos
                      ? known(name)
                      : known(name.substr(0, bar)) && known(name.substr(bar + 1));
        if (!ok) {
          e.Add(k.source(), path,
                "must name a protected attribute of [protected] (or a pair \"a|b\" of them)");
          continue;
        }
        if (!v.is_string() || v.value<std::string>()->empty()) {
          e.Add(v, path, "must be a non-empty string (the reference group's value)");
          continue;
        }
        out.references[std::string(name)] = *v.value<std::string>();
      }
    } else {
      e.Add(*n, "fairness.references", "must be a table of attribute = \"value\"");
    }
  }
  if (const toml::node* n = t->get("gate")) {
    if (const toml::table* g = n->as_table()) {
      out.gate.clear();
      const auto& names = GateMetricNames();
      for (auto&& [k, v] : *g) {
        std::string path = fmt::format("fairness.gate.{}", k.str());
        if (std::find(names.begin(), names.end(), k.str()) == names.end()) {
          e.Add(k.source(), path,
                fmt::format("unknown comparison (known: {})", fmt::join(names, ", ")));
          continue;
        }
        if (!Number(e, v, path, d)) continue;
        if (IsRatio(k.str()) ? !(d > 0 && d <= 1) : !(d >= 0)) {
          e.Add(v, path,
                IsRatio(k.str()) ? "a ratio's bound must be in (0, 1]"
                                 : "a difference's bound must be >= 0");
          continue;
        }
        out.gate.push_back({std::string(k.str()), d});
      }
      // toml++ keeps keys sorted; keep the file's order for the report.
      std::stable_sort(out.gate.begin(), out.gate.end(), [&](const auto& a, const auto& b) {
        const auto& sa = g->get(a.metric)->source().begin;
        const auto& sb = g->get(b.metric)->source().begin;
        return std::tie(sa.line, sa.column) < std::tie(sb.line, sb.column);
      });
    } else {
      e.Add(*n, "fairness.gate", "must be a table of comparison = bound");
    }
  }
}

}  // namespace candor::core::internal
