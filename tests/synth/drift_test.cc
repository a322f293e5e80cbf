#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/time.h"
#include "synth/generator.h"
#include "synth/vocabulary.h"
#include "test_data.h"

namespace candor::synth {
namespace {

using testing::Base;
using testing::Dataset;
using testing::Drifted;
using testing::ForEachRow;
using testing::GenerateOrDie;
using testing::kDay;
using testing::Lines;
using testing::ParseTs;
using testing::Slurp;
using testing::Small;
using testing::TempDir;
using testing::ZeroDrift;

// ---- drift and prefixes -----------------------------------------------------------

TEST(DriftTest, KeepsThePopulation) {
  const Dataset& base = Base();
  const Dataset& drift = Drifted();
  EXPECT_TRUE(Slurp(base.File("accounts.csv")) == Slurp(drift.File("accounts.csv")));
  for (const char* f : {"contacts.csv", "attributes.csv"}) {
    const std::string b = Slurp(base.File(f)), x = Slurp(drift.File(f));
    ASSERT_GT(x.size(), b.size()) << f << ": drift arrivals expected";
    EXPECT_TRUE(x.compare(0, b.size(), b) == 0) << f << ": base rows must stay identical";
  }
  EXPECT_EQ(drift.summary.contacts, 1500 + drift.summary.arrivals);
  // 0.25 per year x 0.8 x 1500 x 120/365.
  EXPECT_EQ(drift.summary.arrivals, 99);
}

TEST(DriftTest, WritesOnlyFromTheDriftDate) {
  const Dataset& drift = Drifted();
  const core::Instant from = *drift.options.drift_from;
  for (const char* f : {"events.csv", "outcomes.csv", "truth.csv"}) {
    ForEachRow(drift.File(f), nullptr, [&](const std::vector<std::string_view>& r) {
      ASSERT_GE(ParseTs(r[2]), from) << f;
    });
  }
  ForEachRow(drift.File("consents.csv"), nullptr,
             [&](const std::vector<std::string_view>& r) { ASSERT_GE(ParseTs(r[5]), from); });
  ForEachRow(drift.File("events.csv"), nullptr,
             [&](const std::vector<std::string_view>& r) { ASSERT_EQ(r[3].front(), 'D') << r[3]; });
}

// Event counts of the base population (not arrivals) at or after `from`.
std::map<std::string, double> CountsFrom(const Dataset& d, core::Instant from) {
  std::map<std::string, double> n;
  ForEachRow(d.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[0] > "C0001500" || ParseTs(r[2]) < from) return;
    ++n[std::string(r[1])];
    if (r[1] == "page_view" && r[4].rfind("/pricing", 0) == 0) ++n["pricing"];
  });
  return n;
}

TEST(DriftTest, ShiftsEventRates) {
  const core::Instant from = *Drifted().options.drift_from;
  auto base = CountsFrom(Base(), from);
  auto drift = CountsFrom(Drifted(), from);
  // Page views x (1 + 0.5 X) = 1.4 (pricing more); e-mail opens x (1 - 0.4 X) = 0.68.
  EXPECT_NEAR(drift["page_view"] / base["page_view"], 1.4, 0.1);
  EXPECT_NEAR(drift["email_open"] / base["email_open"], 0.68, 0.08);
  EXPECT_GT(drift["pricing"] / drift["page_view"], 1.5 * base["pricing"] / base["page_view"]);
}

TEST(DriftTest, ArrivalsSkewTowardsTheDriftIndustries) {
  const Dataset& drift = Drifted();
  std::map<std::string, std::string> industry;
  std::map<std::string, int> base_mix, arrival_mix;
  ForEachRow(drift.File("accounts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    industry[std::string(r[0])] = std::string(r[2]);
  });
  int base = 0, arrivals = 0;
  ForEachRow(drift.File("contacts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    const std::string& ind = industry[std::string(r[1])];
    const bool favoured = ind == "software" || ind == "healthcare";
    if (r[0] > "C0001500") {
      ++arrivals;
      arrival_mix["favoured"] += favoured;
      EXPECT_GE(ParseTs(r[9]), *drift.options.drift_from);
    } else {
      ++base;
      base_mix["favoured"] += favoured;
    }
  });
  ASSERT_EQ(arrivals, drift.summary.arrivals);
  EXPECT_GT(static_cast<double>(arrival_mix["favoured"]) / arrivals,
            1.5 * static_cast<double>(base_mix["favoured"]) / base);
}

// Lines of `file` in `d` with the timestamp in column `ts_col` at or after `from`.
std::vector<std::string> LinesFrom(const Dataset& d, const char* file, std::size_t ts_col,
                                   core::Instant from) {
  std::vector<std::string> out;
  const auto lines = Lines(d.File(file));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (;;) {
      std::size_t comma = lines[i].find(',', start);
      cols.push_back(lines[i].substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (ParseTs(cols[ts_col]) >= from) out.push_back(lines[i]);
  }
  return out;
}

TEST(DriftTest, ZeroDriftReproducesTheBaseWorldFromTheDate) {
  const Dataset& base = Base();
  const Dataset& zero = ZeroDrift();
  const core::Instant from = *zero.options.drift_from;
  EXPECT_EQ(zero.summary.arrivals, 0);
  EXPECT_TRUE(Slurp(base.File("contacts.csv")) == Slurp(zero.File("contacts.csv")));
  for (auto [file, col] : {std::pair{"events.csv", 2u},
                           {"outcomes.csv", 2u},
                           {"truth.csv", 2u},
                           {"consents.csv", 5u}}) {
    auto expected = LinesFrom(base, file, col, from);
    EXPECT_FALSE(expected.empty()) << file;
    auto lines = Lines(zero.File(file));
    lines.erase(lines.begin());
    EXPECT_EQ(lines.size(), expected.size()) << file;
    EXPECT_TRUE(lines == expected) << file;
  }
}

TEST(PrefixTest, AnEarlierEndWithTheSameStartIsAPrefix) {
  // Both periods start on 2025-06-19 and are longer than a year, so the
  // population is the same and the shorter run is the longer one cut off.
  TempDir long_dir("long"), short_dir("short");
  GeneratorOptions l = Small(400);
  l.days = 400;
  l.out_dir = long_dir.path();
  GeneratorOptions s = l;
  s.days = 380;
  s.end = l.end - 20 * kDay;
  s.out_dir = short_dir.path();
  GenerateOrDie(l);
  GenerateOrDie(s);
  for (const char* f : {"accounts.csv", "contacts.csv", "attributes.csv"}) {
    EXPECT_TRUE(Slurp(long_dir.File(f)) == Slurp(short_dir.File(f))) << f;
  }
  for (const char* file : {"events.csv", "truth.csv"}) {
    std::vector<std::string> expected;
    for (const auto& line : Lines(long_dir.File(file))) {
      const std::size_t c1 = line.find(','), c2 = line.find(',', c1 + 1);
      const std::string ts = line.substr(c2 + 1, 20);
      if (ts.front() != 't' && ParseTs(ts) < s.end) expected.push_back(line);
    }
    auto lines = Lines(short_dir.File(file));
    lines.erase(lines.begin());
    EXPECT_FALSE(lines.empty()) << file;
    EXPECT_TRUE(lines == expected) << file;
  }
}

}  // namespace
}  // namespace candor::synth
