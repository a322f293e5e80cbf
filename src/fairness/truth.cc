#include "fairness/truth.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "core/record_reader.h"

namespace candor::fairness {

core::Result<TruthLabels> ReadTruthLabels(const std::string& path, std::string_view target,
                                          std::int64_t horizon_days, store::Store& store,
                                          const privacy::Vault& vault,
                                          std::span<const store::SubjectKey> keys,
                                          std::span<const core::Instant> snapshots) {
  CANDOR_ASSIGN_OR_RETURN(auto reader, core::OpenRecordReader(path, core::Format::kCsv, {}));
  const auto& cols = reader->columns();
  auto col = [&](std::string_view name) -> core::Result<std::size_t> {
    auto it = std::find(cols.begin(), cols.end(), name);
    if (it == cols.end()) {
      return core::InvalidArgument(fmt::format("{}:1:1: the header has no column '{}' (expected "
                                               "contact_id,target,ts,value)",
                                               path, name));
    }
    return static_cast<std::size_t>(it - cols.begin());
  };
  CANDOR_ASSIGN_OR_RETURN(std::size_t c_id, col("contact_id"));
  CANDOR_ASSIGN_OR_RETURN(std::size_t c_target, col("target"));
  CANDOR_ASSIGN_OR_RETURN(std::size_t c_ts, col("ts"));
  CANDOR_ASSIGN_OR_RETURN(std::size_t c_value, col("value"));
  TruthLabels out;
  std::unordered_map<store::SubjectKey, std::vector<core::Instant>> times;
  core::Row row;
  while (true) {
    core::ReadResult rr = reader->Next(row);
    if (rr == core::ReadResult::kEnd) break;
    if (rr == core::ReadResult::kError) {
      return core::InvalidArgument(fmt::format("{}:{}:{}: {}", path, row.error->pos.line,
                                               row.error->pos.column, row.error->message));
    }
    if (row.values[c_target].text != target) continue;
    const core::Value& v = row.values[c_value];
    double value = 0;
    auto [p, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), value);
    if (ec != std::errc() || p != v.text.data() + v.text.size()) {
      return core::InvalidArgument(
          fmt::format("{}:{}:{}: value: must be a number", path, v.line, v.column));
    }
    if (value <= 0) continue;
    const core::Value& t = row.values[c_ts];
    auto ts = core::ParseTimestamp(t.text);
    if (!ts.ok()) {
      return core::InvalidArgument(fmt::format("{}:{}:{}: ts: {}", path, t.line, t.column,
                                               ts.status().message()));
    }
    ++out.outcomes;
    CANDOR_ASSIGN_OR_RETURN(
        auto key, store.FindByBlindIndex(vault.Blind(privacy::BlindKind::kContactId,
                                                     row.values[c_id].text)));
    if (!key) {
      ++out.unmatched;
      continue;
    }
    times[*key].push_back(*ts);
  }
  const core::Instant horizon = horizon_days * 86400 * 1000;
  out.labels.resize(keys.size());
  for (std::size_t r = 0; r < keys.size(); ++r) {
    auto it = times.find(keys[r]);
    if (it == times.end()) continue;
    for (core::Instant ts : it->second) {
      if (ts > snapshots[r] && ts <= snapshots[r] + horizon) out.labels[r] = 1;
    }
  }
  return out;
}

}  // namespace candor::fairness
