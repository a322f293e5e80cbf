// Ingest streams: peak memory does not grow with the number of events
// (1M vs 4M events over the same 1,000 contacts).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "integration/cli_helpers.h"

namespace candor::testing {
namespace {

namespace fs = std::filesystem;

void WriteEvents(const fs::path& file, int rows) {
  std::FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("contact_id,type,ts,event_id,url,campaign_id,value\n", f);
  static const char* kTypes[] = {"page_view", "email_open", "email_click", "webinar"};
  static const char* kUrls[] = {"/pricing", "/docs/start", "/blog/news", ""};
  for (int i = 0; i < rows; ++i) {
    int day = (i / 1000) % 365;
    fmt::print(f, "C{:07d},{},2025-{:02d}-{:02d}T{:02d}:{:02d}:00Z,M{:010d},{},CMP-{},\n",
               i % 1000 + 1, kTypes[i % 4], day / 31 % 12 + 1, day % 28 + 1, i % 24, i % 60, i,
               kUrls[i % 4], i % 17);
  }
  std::fclose(f);
}

long PeakKib(const fs::path& root, int rows) {
  fs::path ws = root / fmt::format("ws{}", rows);
  EXPECT_EQ(RunCandor({"init", ws.string()}).exit_code, 0);
  for (const char* kind : {"accounts", "contacts"}) {
    auto r = RunCandor({"--workspace", ws.string(), "ingest", kind,
                        (root / "data" / (std::string(kind) + ".csv")).string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  fs::path events = root / fmt::format("events{}.csv", rows);
  WriteEvents(events, rows);
  auto r = RunCandor({"--workspace", ws.string(), "--json", "ingest", "events", events.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  fs::remove(events);
  fs::remove_all(ws);
  return r.max_rss_kib;
}

TEST(MemoryTest, PeakMemoryStaysFlatFromOneToFourMillionEvents) {
  fs::path root = FreshDir("memory");
  ASSERT_EQ(RunCandor({"generate", "--out", (root / "data").string(), "--contacts", "1000"}).exit_code,
            0);
  long one = PeakKib(root, 1'000'000);
  long four = PeakKib(root, 4'000'000);
  std::printf("peak RSS: 1M events %ld KiB, 4M events %ld KiB\n", one, four);
  ASSERT_GT(one, 0);
  // Flat: four times the rows may not cost more than 10 % (plus 8 MiB of slack).
  EXPECT_LE(four, one + one / 10 + 8 * 1024);
  fs::remove_all(root);
}

}  // namespace
}  // namespace candor::testing
