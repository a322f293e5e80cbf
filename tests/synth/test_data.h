// Helpers for the synth tests: temporary output directories and CSV reading
// through core's RecordReader (so the tests also prove that ingest can read the
// files).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_reader.h"
#include "core/time.h"
#include "synth/generator.h"

namespace candor::synth::testing {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  explicit TempDir(std::string_view name) {
    path_ = std::filesystem::temp_directory_path() /
            ("candor_synth_" + std::to_string(::getpid()) + "_" + std::string(name));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path() const { return path_.string(); }
  std::string File(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Calls fn(row) for every data row of a CSV file; `columns` receives the header.
inline void ForEachRow(const std::string& path, std::vector<std::string>* columns,
                       const std::function<void(const std::vector<std::string_view>&)>& fn) {
  auto reader = core::OpenRecordReader(path, core::Format::kCsv, {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  if (columns != nullptr) *columns = (*reader)->columns();
  core::Row row;
  std::vector<std::string_view> fields;
  for (;;) {
    const core::ReadResult r = (*reader)->Next(row);
    if (r == core::ReadResult::kEnd) break;
    ASSERT_EQ(r, core::ReadResult::kRow)
        << path << ":" << row.line << ": " << (row.error ? row.error->message : "");
    fields.clear();
    for (const core::Value& v : row.values) fields.push_back(v.text);
    fn(fields);
  }
}

// A whole (small) CSV file in memory.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::size_t Col(std::string_view name) const {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == name) return i;
    }
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
};

inline Table ReadTable(const std::string& path) {
  Table t;
  ForEachRow(path, &t.columns, [&t](const std::vector<std::string_view>& f) {
    t.rows.emplace_back(f.begin(), f.end());
  });
  return t;
}

inline GenerateSummary GenerateOrDie(const GeneratorOptions& options) {
  auto summary = Generate(options);
  EXPECT_TRUE(summary.ok()) << summary.status().ToString();
  return summary.ok() ? *summary : GenerateSummary{};
}

inline constexpr const char* kFiles[] = {"accounts.csv", "contacts.csv", "events.csv",
                                         "consents.csv", "outcomes.csv", "attributes.csv",
                                         "truth.csv"};

// ---- shared datasets -------------------------------------------------------

inline constexpr core::Instant kDay = core::kMillisPerDay;

struct Dataset {
  std::unique_ptr<TempDir> dir;
  GeneratorOptions options;
  GenerateSummary summary;
  std::string File(std::string_view name) const { return dir->File(name); }
};

inline Dataset Make(std::string_view name, GeneratorOptions options) {
  Dataset d;
  d.dir = std::make_unique<TempDir>(name);
  options.out_dir = d.dir->path();
  d.options = options;
  d.summary = testing::GenerateOrDie(options);
  return d;
}

inline GeneratorOptions Small(std::int64_t contacts = 1500, std::uint64_t seed = 7) {
  GeneratorOptions o;
  o.contacts = contacts;
  o.seed = seed;
  return o;
}

// Shared runs, made once per process (each test runs in its own process under
// ctest, so only the datasets a test touches are generated).
inline const Dataset& Base() {
  static const Dataset d = Make("base", Small());
  return d;
}
inline const Dataset& Large() {
  static const Dataset d = Make("large", Small(5000, 1));
  return d;
}
inline constexpr int kDriftWindowDays = 120;
inline GeneratorOptions DriftOptions(double x) {
  GeneratorOptions o = Small();
  o.drift = x;
  o.drift_from = o.end - kDriftWindowDays * kDay;
  return o;
}
inline const Dataset& Drifted() {
  static const Dataset d = Make("drift", DriftOptions(0.8));
  return d;
}
inline const Dataset& ZeroDrift() {
  static const Dataset d = Make("drift0", DriftOptions(0.0));
  return d;
}

inline std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> lines;
  std::string text = Slurp(path);
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

inline core::Instant ParseTs(std::string_view s) {
  auto t = core::ParseTimestamp(s);
  EXPECT_TRUE(t.ok()) << s;
  return t.ok() ? *t : 0;
}

// Per contact: careers and pricing views; and the contacts' age bands.
struct Behaviour {
  std::map<std::string, int> careers, pricing, orders;
  std::map<std::string, std::string> band;
  std::map<std::string, int> true_conversions, recorded_conversions;
};

inline Behaviour BehaviourOf(const Dataset& d) {
  Behaviour x;
  ForEachRow(d.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[1] == "page_view" && r[4].rfind("/careers", 0) == 0) ++x.careers[std::string(r[0])];
    if (r[1] == "page_view" && r[4].rfind("/pricing", 0) == 0) ++x.pricing[std::string(r[0])];
    if (r[1] == "order") ++x.orders[std::string(r[0])];
  });
  ForEachRow(d.File("attributes.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[1] == "age_band") x.band[std::string(r[0])] = std::string(r[2]);
  });
  ForEachRow(d.File("truth.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[1] == "conversion") ++x.true_conversions[std::string(r[0])];
  });
  ForEachRow(d.File("outcomes.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[1] == "conversion") ++x.recorded_conversions[std::string(r[0])];
  });
  return x;
}

inline const Behaviour& BaseBehaviour() {
  static const Behaviour b = BehaviourOf(Base());
  return b;
}

// Large() is only for statistics that need its size (the bias, the controls).
inline const Behaviour& LargeBehaviour() {
  static const Behaviour b = BehaviourOf(Large());
  return b;
}

}  // namespace candor::synth::testing
