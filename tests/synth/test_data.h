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
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_reader.h"
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
    ASSERT_EQ(r, core::ReadResult::kRow) << path << ":" << row.line << ": "
                                         << (row.error ? row.error->message : "");
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

}  // namespace candor::synth::testing
