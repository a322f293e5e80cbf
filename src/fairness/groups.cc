#include "fairness/groups.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace candor::fairness {
namespace {

// Keeps only the values some row has and renumbers the codes to match.
Grouping Compact(std::string name, bool intersection, std::vector<std::string> values,
                 std::span<const int32_t> codes) {
  std::vector<std::size_t> count(values.size(), 0);
  for (int32_t c : codes) {
    if (c >= 0) ++count[static_cast<std::size_t>(c)];
  }
  std::vector<int32_t> remap(values.size(), -1);
  Grouping g;
  g.name = std::move(name);
  g.intersection = intersection;
  for (std::size_t v = 0; v < values.size(); ++v) {
    if (count[v] == 0) continue;
    remap[v] = static_cast<int32_t>(g.values.size());
    g.values.push_back(std::move(values[v]));
    g.sizes.push_back(count[v]);
  }
  g.groups.resize(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    g.groups[i] = codes[i] >= 0 ? remap[static_cast<std::size_t>(codes[i])] : -1;
    if (g.groups[i] < 0) ++g.missing;
  }
  return g;
}

}  // namespace

ProtectedAttribute ProtectedAttribute::FromValues(
    std::string name, std::span<const std::optional<std::string>> row_values) {
  std::set<std::string> distinct;
  for (const auto& v : row_values) {
    if (v && !v->empty()) distinct.insert(*v);
  }
  ProtectedAttribute a;
  a.name = std::move(name);
  a.values.assign(distinct.begin(), distinct.end());
  a.codes.reserve(row_values.size());
  for (const auto& v : row_values) {
    if (!v || v->empty()) {
      a.codes.push_back(kMissing);
    } else {
      auto it = std::lower_bound(a.values.begin(), a.values.end(), *v);
      a.codes.push_back(static_cast<int32_t>(it - a.values.begin()));
    }
  }
  return a;
}

core::Result<std::vector<Grouping>> BuildGroupings(std::span<const ProtectedAttribute> attributes,
                                                   std::size_t rows, bool intersections) {
  if (attributes.empty()) return core::InvalidArgument("no protected attribute to audit");
  std::set<std::string> names;
  std::vector<Grouping> out;
  for (const ProtectedAttribute& a : attributes) {
    if (a.name.empty()) return core::InvalidArgument("a protected attribute has no name");
    if (a.name.find('|') != std::string::npos) {
      return core::InvalidArgument(
          fmt::format("protected attribute {}: a name must not contain '|'", a.name));
    }
    if (!names.insert(a.name).second) {
      return core::InvalidArgument(fmt::format("protected attribute {} given twice", a.name));
    }
    if (a.codes.size() != rows) {
      return core::InvalidArgument(fmt::format("protected attribute {}: {} values for {} rows",
                                               a.name, a.codes.size(), rows));
    }
    const auto levels = static_cast<int64_t>(a.values.size());
    for (std::size_t i = 0; i < rows; ++i) {
      if (a.codes[i] < ProtectedAttribute::kMissing || a.codes[i] >= levels) {
        return core::InvalidArgument(
            fmt::format("protected attribute {}, row {}: code {} is not one of its {} values",
                        a.name, i, a.codes[i], levels));
      }
    }
    out.push_back(Compact(a.name, false, a.values, a.codes));
  }
  if (intersections) {
    const std::size_t k = out.size();
    for (std::size_t i = 0; i < k; ++i) {
      for (std::size_t j = i + 1; j < k; ++j) out.push_back(Intersect(out[i], out[j]));
    }
  }
  return out;
}

Grouping Intersect(const Grouping& a, const Grouping& b) {
  const std::size_t nb = b.values.size();
  std::vector<std::string> values;
  values.reserve(a.values.size() * nb);
  for (const std::string& va : a.values) {
    for (const std::string& vb : b.values) values.push_back(fmt::format("{}|{}", va, vb));
  }
  std::vector<int32_t> codes(a.groups.size(), -1);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (a.groups[i] >= 0 && b.groups[i] >= 0) {
      codes[i] = static_cast<int32_t>(static_cast<std::size_t>(a.groups[i]) * nb +
                                      static_cast<std::size_t>(b.groups[i]));
    }
  }
  return Compact(fmt::format("{}|{}", a.name, b.name), true, std::move(values), codes);
}

}  // namespace candor::fairness
