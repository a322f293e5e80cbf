#include "fairness/protected_data.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace candor::fairness {

core::Result<ProtectedRows> ReadProtectedRows(store::Store& store, const core::Config& config,
                                              core::Instant as_of,
                                              std::span<const store::SubjectKey> keys) {
  const auto& names = config.protected_attributes;
  if (names.empty()) {
    return core::FailedPrecondition(
        "candor.toml declares no protected attribute ([protected] attributes): there is "
        "nothing to audit or reweigh by");
  }
  if (config.FindPurpose(kAuditPurpose) == nullptr) {
    return core::NotFound(fmt::format(
        "candor.toml has no purpose '{}' ([purposes.{}]): protected attributes are read only "
        "for it",
        kAuditPurpose, kAuditPurpose));
  }
  std::unordered_set<store::SubjectKey> wanted(keys.begin(), keys.end());
  std::unordered_set<store::SubjectKey> eligible;
  CANDOR_RETURN_IF_ERROR(store.ForEachEligibleSubject(
      kAuditPurpose, as_of, [&](const store::EligibleSubject& s) {
        if (wanted.count(s.key) > 0) eligible.insert(s.key);
        return core::Status::Ok();
      }));
  // subject → value per attribute (index into names).
  std::unordered_map<store::SubjectKey, std::vector<std::optional<std::string>>> values;
  CANDOR_RETURN_IF_ERROR(store.privacy().ForEachProtectedAttribute(
      kAuditPurpose, as_of,
      [&](std::int64_t subject, std::string_view attribute, std::string_view value) {
        if (eligible.count(subject) == 0) return core::Status::Ok();
        for (std::size_t a = 0; a < names.size(); ++a) {
          if (names[a] != attribute) continue;
          auto& v = values[subject];
          v.resize(names.size());
          v[a] = std::string(value);
        }
        return core::Status::Ok();
      }));
  ProtectedRows out;
  out.eligible.resize(keys.size());
  std::vector<std::vector<std::optional<std::string>>> columns(names.size());
  for (std::size_t r = 0; r < keys.size(); ++r) {
    out.eligible[r] = eligible.count(keys[r]) > 0;
    if (!out.eligible[r]) continue;
    ++out.eligible_rows;
    auto it = values.find(keys[r]);
    for (std::size_t a = 0; a < names.size(); ++a) {
      columns[a].push_back(it == values.end() ? std::nullopt : it->second[a]);
    }
  }
  for (std::size_t a = 0; a < names.size(); ++a) {
    out.attributes.push_back(ProtectedAttribute::FromValues(names[a], columns[a]));
  }
  return out;
}

}  // namespace candor::fairness
