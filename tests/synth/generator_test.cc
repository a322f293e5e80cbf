#include "synth/generator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/time.h"
#include "synth/vocabulary.h"
#include "test_data.h"

namespace candor::synth {
namespace {

using testing::Base;
using testing::Dataset;
using testing::ForEachRow;
using testing::GenerateOrDie;
using ::testing::HasSubstr;
using testing::kDay;
using testing::kFiles;
using testing::Lines;
using testing::ParseTs;
using testing::Slurp;
using testing::Small;
using testing::TempDir;

// ---- options --------------------------------------------------------------------

TEST(ValidateOptionsTest, AcceptsDefaults) {
  GeneratorOptions o;
  o.out_dir = "x";
  EXPECT_TRUE(ValidateOptions(o).ok());
}

TEST(ValidateOptionsTest, DefaultEndIsNovemberFirst2026) {
  EXPECT_EQ(core::FormatTimestamp(GeneratorOptions::kDefaultEnd), "2026-11-01T00:00:00Z");
}

TEST(ValidateOptionsTest, NamesTheFlag) {
  auto message = [](auto mutate) {
    GeneratorOptions o;
    o.out_dir = "x";
    mutate(o);
    core::Status s = ValidateOptions(o);
    EXPECT_EQ(s.code(), core::StatusCode::kInvalidArgument);
    return s.message();
  };
  EXPECT_EQ(message([](auto& o) { o.out_dir.clear(); }), "--out must name a directory");
  EXPECT_EQ(message([](auto& o) { o.contacts = 0; }), "--contacts must be at least 1");
  EXPECT_EQ(message([](auto& o) { o.contacts = -5; }), "--contacts must be at least 1");
  EXPECT_EQ(message([](auto& o) { o.contacts = 200'000'000; }),
            "--contacts must be at most 100000000");
  EXPECT_EQ(message([](auto& o) { o.accounts = -1; }),
            "--accounts must be at least 1 (or 0 for contacts / 8)");
  EXPECT_EQ(message([](auto& o) { o.days = 0; }), "--days must be between 1 and 3650");
  EXPECT_EQ(message([](auto& o) { o.days = 4000; }), "--days must be between 1 and 3650");
  EXPECT_EQ(message([](auto& o) { o.end = 0; }),
            "--end must lie between 2010-01-01 and 2100-01-01");
  EXPECT_EQ(message([](auto& o) { o.drift = 1.5; }), "--drift must be in [0, 1]");
  EXPECT_EQ(message([](auto& o) { o.drift = -0.1; }), "--drift must be in [0, 1]");
  EXPECT_EQ(message([](auto& o) { o.drift = std::nan(""); }), "--drift must be in [0, 1]");
  EXPECT_EQ(message([](auto& o) { o.drift = 0.5; }), "--drift needs --from DATE");
  EXPECT_EQ(message([](auto& o) {
              o.drift = 0.5;
              o.drift_from = o.end;
            }),
            "--from must lie inside the period [2025-11-01T00:00:00Z, 2026-11-01T00:00:00Z)");
  EXPECT_THAT(message([](auto& o) { o.drift_from = o.end - 400 * kDay; }),
              HasSubstr("--from must lie inside the period"));
  EXPECT_EQ(message([](auto& o) { o.bias.record_probability = 1.2; }),
            "--bias-record must be a probability in [0, 1], got 1.2");
  EXPECT_EQ(message([](auto& o) { o.bias.proxy_strength = -1; }), "--proxy-strength must be in [0, 5], got -1");
  EXPECT_EQ(message([](auto& o) { o.bias.age_band = "60+"; }),
            "--bias-band must be one of 18-24, 25-34, 35-44, 45-54, 55+ (or \"\" for no bias), got 60+");
}

TEST(ValidateOptionsTest, FromWithoutDriftIsAllowed) {
  GeneratorOptions o;
  o.out_dir = "x";
  o.drift_from = o.end - 10 * kDay;
  EXPECT_TRUE(ValidateOptions(o).ok());
}

TEST(GenerateTest, RefusesInvalidOptionsWithoutWriting) {
  TempDir dir("invalid");
  GeneratorOptions o = Small();
  o.out_dir = dir.File("sub");
  o.contacts = 0;
  auto r = Generate(o);
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(o.out_dir));
}

TEST(GenerateTest, UnavailableWhenOutDirIsAFile) {
  TempDir dir("file");
  const std::string file = dir.File("plain");
  { std::ofstream(file) << "x"; }
  GeneratorOptions o = Small(10);
  o.out_dir = file + "/sub";
  auto r = Generate(o);
  EXPECT_EQ(r.status().code(), core::StatusCode::kUnavailable);
}

// ---- files --------------------------------------------------------------------

TEST(GenerateTest, WritesExactlyTheDocumentedColumns) {
  const Dataset& d = Base();
  auto header = [&](std::string_view f) { return Lines(d.File(f)).front(); };
  EXPECT_EQ(header("accounts.csv"),
            "account_id,name,industry,employees,annual_revenue,country,status,created_at");
  EXPECT_EQ(header("contacts.csv"),
            "contact_id,account_id,email,first_name,last_name,job_title,seniority,department,"
            "country,created_at,phone,time_zone,language,is_minor");
  EXPECT_EQ(header("events.csv"), "contact_id,type,ts,event_id,url,campaign_id,value");
  EXPECT_EQ(header("consents.csv"),
            "contact_id,purpose,action,legal_basis,source,ts,method,notice_version,evidence");
  EXPECT_EQ(header("outcomes.csv"), "contact_id,target,ts,value");
  EXPECT_EQ(header("attributes.csv"), "contact_id,attribute,value");
  EXPECT_EQ(header("truth.csv"), "contact_id,target,ts,value");
  for (const char* f : kFiles) {
    EXPECT_FALSE(std::filesystem::exists(d.File(std::string(f) + ".tmp"))) << f;
    EXPECT_EQ(Slurp(d.File(f)).find('\r'), std::string::npos) << f;
    EXPECT_EQ(Slurp(d.File(f)).back(), '\n') << f;
  }
}

TEST(GenerateTest, SummaryMatchesTheFiles) {
  const Dataset& d = Base();
  auto rows = [&](std::string_view f) {
    return static_cast<std::int64_t>(Lines(d.File(f)).size()) - 1;
  };
  EXPECT_EQ(d.summary.accounts, rows("accounts.csv"));
  EXPECT_EQ(d.summary.accounts, 1500 / 8);
  EXPECT_EQ(d.summary.contacts, rows("contacts.csv"));
  EXPECT_EQ(d.summary.contacts, 1500);
  EXPECT_EQ(d.summary.events, rows("events.csv"));
  EXPECT_EQ(d.summary.consents, rows("consents.csv"));
  EXPECT_EQ(d.summary.outcomes, rows("outcomes.csv"));
  EXPECT_EQ(d.summary.attributes, rows("attributes.csv"));
  EXPECT_EQ(d.summary.truth, rows("truth.csv"));
  std::int64_t by_type = 0;
  for (const auto& [type, n] : d.summary.events_by_type) by_type += n;
  EXPECT_EQ(by_type, d.summary.events);
  EXPECT_EQ(d.summary.events_by_type.size(), 7u);
  EXPECT_EQ(core::FormatTimestamp(d.summary.start), "2025-11-01T00:00:00Z");
}

TEST(GenerateTest, VolumesAreRealistic) {
  const Dataset& d = Base();
  const double per_contact =
      static_cast<double>(d.summary.events) / static_cast<double>(d.summary.contacts);
  EXPECT_GT(per_contact, 60);
  EXPECT_LT(per_contact, 120);
  for (const auto& [type, n] : d.summary.events_by_type) EXPECT_GT(n, 0) << type;
}

TEST(GenerateTest, IsDeterministic) {
  const Dataset& d = Base();
  TempDir again("again");
  GeneratorOptions o = d.options;
  o.out_dir = again.path();
  GenerateOrDie(o);
  for (const char* f : kFiles) {
    EXPECT_TRUE(Slurp(d.File(f)) == Slurp(again.File(f))) << f << " differs between runs";
  }
}

TEST(GenerateTest, ADifferentSeedGivesDifferentData) {
  TempDir other("seed");
  GeneratorOptions o = Small(200, 8);
  o.out_dir = other.path();
  GenerateOrDie(o);
  TempDir same("seed7");
  GeneratorOptions p = Small(200, 7);
  p.out_dir = same.path();
  GenerateOrDie(p);
  for (const char* f : {"accounts.csv", "contacts.csv", "events.csv", "consents.csv"}) {
    EXPECT_FALSE(Slurp(other.File(f)) == Slurp(same.File(f))) << f;
  }
}

TEST(GenerateTest, HandlesTinyAndOddPeriods) {
  struct Case {
    std::int64_t contacts, accounts;
    int days;
    core::Instant end_shift;  // added to the default end
    std::optional<core::Instant> from_before_end;
    double drift;
  };
  const Case cases[] = {
      {1, 0, 1, 0, std::nullopt, 0},              // one contact, one day
      {5, 100, 30, 0, std::nullopt, 0},           // more accounts than contacts
      {50, 0, 10, 45'296'000, std::nullopt, 0},   // end at 12:34:56
      {50, 0, 40, 0, 5 * kDay + 3'600'000, 1.0},  // from at 23:00, full drift
  };
  for (const Case& c : cases) {
    TempDir dir("odd");
    GeneratorOptions o = Small(c.contacts);
    o.accounts = c.accounts;
    o.days = c.days;
    o.end += c.end_shift;
    if (c.from_before_end) o.drift_from = o.end - *c.from_before_end;
    o.drift = c.drift;
    o.out_dir = dir.path();
    auto r = Generate(o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const core::Instant lower = o.drift_from.value_or(r->start);
    ForEachRow(dir.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& row) {
      const core::Instant t = ParseTs(row[2]);
      EXPECT_GE(t, lower);
      EXPECT_LT(t, r->end);
    });
    EXPECT_EQ(r->contacts, c.contacts + r->arrivals);
  }
}

TEST(GenerateTest, ReportsProgressAboutEveryPercent) {
  TempDir dir("progress");
  GeneratorOptions o = Small(300);
  o.out_dir = dir.path();
  std::vector<std::int64_t> done;
  auto r = Generate(o, [&](std::int64_t n, std::int64_t total) {
    EXPECT_EQ(total, 300);
    done.push_back(n);
  });
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(done.size(), 100u);
  EXPECT_TRUE(std::is_sorted(done.begin(), done.end()));
  EXPECT_EQ(done.back(), 300);
}

}  // namespace
}  // namespace candor::synth
