#include "fairness/audit_json.h"

#include <cmath>

namespace candor::fairness {
namespace {

using nlohmann::json;

json Number(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

json IntervalJson(const std::optional<Interval>& ci) {
  if (!ci || !std::isfinite(ci->lo) || !std::isfinite(ci->hi)) return nullptr;
  return json::array({ci->lo, ci->hi});
}

json ComparisonJson(const ComparisonReport& c) {
  json j;
  j["value"] = Number(c.estimate.value);
  j["ci"] = IntervalJson(c.estimate.ci);
  j["passed"] = c.passed ? json(*c.passed) : json(nullptr);
  j["bound"] = Number(c.bound);
  j["resamples"] = c.estimate.resamples;
  return j;
}

json GroupJson(const GroupReport& g) {
  json j;
  j["value"] = g.value;
  j["n"] = g.n;
  j["insufficient_data"] = g.insufficient_data;
  json ci = json::object(), resamples = json::object();
  for (std::size_t m = 0; m < kGroupMetricCount; ++m) {
    const std::string name(NameOf(static_cast<GroupMetric>(m)));
    j[name] = Number(g.metrics[m].value);
    ci[name] = IntervalJson(g.metrics[m].ci);
    resamples[name] = g.metrics[m].resamples;
  }
  j["ci"] = std::move(ci);
  j["resamples"] = std::move(resamples);
  return j;
}

}  // namespace

nlohmann::json AuditToJson(const AuditReport& report) {
  json j;
  j["passed"] = report.passed;
  j["threshold"] = Number(report.threshold);
  j["rows"] = report.rows;
  j["min_group_size"] = report.min_group_size;
  j["bootstrap"] = {{"resamples", report.resamples},
                    {"seed", report.seed},
                    {"confidence", report.confidence},
                    {"method", "percentile, stratified by group"}};
  json attributes = json::array();
  for (const AttributeReport& a : report.attributes) {
    json ja;
    ja["attribute"] = a.attribute;
    ja["intersection"] = a.intersection;
    ja["reference"] = a.reference ? json(*a.reference) : json(nullptr);
    ja["missing"] = a.missing;
    json groups = json::array();
    for (const GroupReport& g : a.groups) groups.push_back(GroupJson(g));
    ja["groups"] = std::move(groups);
    json between = json::object();
    for (const ComparisonReport& c : a.between_groups) between[c.name] = ComparisonJson(c);
    ja["comparisons"] = std::move(between);
    json versus = json::array();
    for (const GroupVsReference& vs : a.vs_reference) {
      json jv;
      jv["value"] = vs.value;
      for (const ComparisonReport& c : vs.comparisons) jv[c.name] = ComparisonJson(c);
      versus.push_back(std::move(jv));
    }
    ja["groups_vs_reference"] = std::move(versus);
    attributes.push_back(std::move(ja));
  }
  j["attributes"] = std::move(attributes);
  json proxies = json::array();
  for (const ProxyReport& p : report.proxies) {
    proxies.push_back({{"feature", p.feature},
                       {"attribute", p.attribute},
                       {"auc", Number(p.auc)},
                       {"auc_value", p.auc_value ? json(*p.auc_value) : json(nullptr)},
                       {"mi", Number(p.mi_bits)},
                       {"rows", p.rows},
                       {"flagged", p.flagged}});
  }
  j["proxies"] = std::move(proxies);
  j["failures"] = report.failures;
  return j;
}

}  // namespace candor::fairness
