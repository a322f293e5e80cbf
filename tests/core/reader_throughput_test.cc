// Throughput measurements, disabled by default and never asserted on. Run with
//   core_test --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/record_reader.h"
#include "core/time.h"

namespace candor::core {
namespace {

constexpr int kEventRows = 2'000'000;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::string EventLine(int i) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "C%07d,%s,2025-03-%02dT%02d:%02d:%02dZ,E%012d,/%s,CMP-%d,%s\n",
                i % 500'000, i % 3 == 0 ? "page_view" : "email_open", 1 + i % 28, i % 24, i % 60,
                (i * 7) % 60, i, i % 2 == 0 ? "pricing" : "docs/start", i % 40,
                i % 5 == 0 ? "\"a, b\"" : "");
  return buf;
}

TEST(ThroughputTest, DISABLED_CsvEvents) {
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / "candor_throughput_events.csv").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << "customer_id,event_type,occurred_at,event_id,page,campaign,note\n";
    for (int i = 0; i < kEventRows; ++i) out << EventLine(i);
  }
  const auto bytes = std::filesystem::file_size(path);
  for (int round = 0; round < 3; ++round) {
    const auto start = std::chrono::steady_clock::now();
    Result<std::unique_ptr<RecordReader>> reader = OpenRecordReader(path, Format::kCsv, {});
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    Row row;
    std::uint64_t rows = 0;
    std::uint64_t checksum = 0;
    while ((*reader)->Next(row) == ReadResult::kRow) {
      ++rows;
      for (const Value& v : row.values) checksum += v.text.size() + v.column;
    }
    const double s = Seconds(start);
    std::printf("CSV: %llu rows, %.1f MB in %.3f s = %.0f MB/s (checksum %llu)\n",
                static_cast<unsigned long long>(rows), static_cast<double>(bytes) / 1e6, s,
                static_cast<double>(bytes) / 1e6 / s, static_cast<unsigned long long>(checksum));
  }
  std::filesystem::remove(path);
}

TEST(ThroughputTest, DISABLED_NdjsonEvents) {
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / "candor_throughput_events.ndjson").string();
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < kEventRows / 2; ++i) {
      char buf[256];
      std::snprintf(buf, sizeof buf,
                    "{\"customer_id\":\"C%07d\",\"event_type\":\"page_view\",\"occurred_at\":"
                    "\"2025-03-04T05:06:07Z\",\"event_id\":\"E%012d\",\"value\":%d.5,"
                    "\"ok\":true,\"note\":null}\n",
                    i % 500'000, i, i % 1000);
      out << buf;
    }
  }
  ReaderOptions options;
  options.columns = {"customer_id", "event_type", "occurred_at", "event_id", "value", "ok", "note"};
  const auto bytes = std::filesystem::file_size(path);
  const auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<RecordReader>> reader = OpenRecordReader(path, Format::kNdjson, options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Row row;
  std::uint64_t rows = 0;
  while ((*reader)->Next(row) == ReadResult::kRow) ++rows;
  const double s = Seconds(start);
  std::printf("NDJSON: %llu rows, %.1f MB in %.3f s = %.0f MB/s\n",
              static_cast<unsigned long long>(rows), static_cast<double>(bytes) / 1e6, s,
              static_cast<double>(bytes) / 1e6 / s);
  std::filesystem::remove(path);
}

TEST(ThroughputTest, DISABLED_ParseTimestamp) {
  constexpr int kDistinct = 1024;
  std::vector<std::string> texts;
  for (int i = 0; i < kDistinct; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "2025-%02d-%02dT%02d:%02d:%02dZ", 1 + i % 12, 1 + i % 28, i % 24,
                  i % 60, (i * 7) % 60);
    texts.emplace_back(buf);
  }
  constexpr int kParses = 50'000'000;
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t sum = 0;  // unsigned: wraps without undefined behaviour
  for (int i = 0; i < kParses; ++i) {
    Result<Instant> t = ParseTimestamp(texts[static_cast<std::size_t>(i % kDistinct)]);
    sum += static_cast<std::uint64_t>(t.ok() ? *t : 0);
  }
  const double s = Seconds(start);
  std::printf("ParseTimestamp: %d in %.3f s = %.1f M/s (checksum %llu)\n", kParses, s,
              kParses / s / 1e6, static_cast<unsigned long long>(sum));
  const auto fstart = std::chrono::steady_clock::now();
  std::size_t len = 0;
  for (int i = 0; i < kParses / 5; ++i) len += FormatTimestamp(Instant{i} * 997'003).size();
  const double fs = Seconds(fstart);
  std::printf("FormatTimestamp: %d in %.3f s = %.1f M/s (checksum %zu)\n", kParses / 5, fs,
              kParses / 5 / fs / 1e6, len);
}

}  // namespace
}  // namespace candor::core
