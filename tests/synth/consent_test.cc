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
using testing::ForEachRow;
using testing::GenerateOrDie;
using testing::kDay;
using testing::ParseTs;
using testing::Small;
using testing::TempDir;

// ---- consents -------------------------------------------------------------------

TEST(ConsentsTest, FollowThePurposesAndTheirBases) {
  const Dataset& d = Base();
  const std::map<std::string, std::string> basis = {{"profiling", "consent"},
                                                    {"email_marketing", "consent"},
                                                    {"sales_outreach", "legitimate_interest"},
                                                    {"segmentation", "legitimate_interest"}};
  const std::regex hex("[0-9a-f]{64}");
  const std::regex version("[0-9]{4}-[0-9]{2}");
  std::map<std::string, int> actions;
  std::set<std::string> granted_profiling;
  std::string last_contact;
  core::Instant last_ts = 0;
  ForEachRow(d.File("consents.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    const std::string purpose(r[1]), action(r[2]);
    ASSERT_EQ(basis.count(purpose), 1u) << purpose;
    EXPECT_EQ(r[3], basis.at(purpose)) << purpose;
    EXPECT_THAT(action, ::testing::AnyOf("grant", "withdraw", "object"));
    if (basis.at(purpose) == "legitimate_interest") {
      EXPECT_NE(action, "withdraw");
    }
    EXPECT_FALSE(r[4].empty());
    const core::Instant t = ParseTs(r[5]);
    EXPECT_LT(t, d.summary.end);
    EXPECT_TRUE(std::regex_match(std::string(r[7]), version)) << r[7];
    const bool double_opt_in = r[6] == "double_opt_in";
    EXPECT_EQ(!r[8].empty(), double_opt_in);
    if (double_opt_in) {
      EXPECT_TRUE(std::regex_match(std::string(r[8]), hex)) << r[8];
    }
    if (std::string(r[0]) == last_contact) {
      EXPECT_GE(t, last_ts);
    }
    last_contact = std::string(r[0]);
    last_ts = t;
    ++actions[purpose + " " + action];
    if (purpose == "profiling" && action == "grant") granted_profiling.emplace(r[0]);
  });
  const int n = 1500;
  EXPECT_GT(granted_profiling.size(), n * 75u / 100);
  EXPECT_LT(granted_profiling.size(), n * 97u / 100);
  EXPECT_GT(actions["email_marketing grant"], n * 7 / 10);
  EXPECT_GT(actions["email_marketing withdraw"], 0);
  EXPECT_GT(actions["profiling withdraw"], 0);
  EXPECT_GT(actions["sales_outreach object"], 0);
  EXPECT_EQ(actions["sales_outreach grant"], n);
  EXPECT_EQ(actions["segmentation grant"], n);
}

TEST(ConsentsTest, EmailsOnlyWhileConsentIsValid) {
  const Dataset& d = Base();
  std::map<std::string, std::pair<core::Instant, core::Instant>> window;  // grant, end
  ForEachRow(d.File("consents.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    auto& w = window.try_emplace(std::string(r[0]), INT64_MAX, INT64_MAX).first->second;
    const core::Instant t = ParseTs(r[5]);
    if (r[1] == "email_marketing" && r[2] == "grant") w.first = std::min(w.first, t);
    if ((r[1] == "email_marketing" && r[2] == "withdraw") || r[2] == "object") {
      w.second = std::min(w.second, t);
    }
  });
  ForEachRow(d.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[1] != "email_open") return;
    const auto& w = window[std::string(r[0])];
    const core::Instant t = ParseTs(r[2]);
    // E-mail is decided per UTC day at noon.
    EXPECT_GE(t, w.first - kDay) << r[0];
    EXPECT_LT(t - kDay, w.second) << r[0];
  });
}

TEST(ConsentsTest, LegitimateInterestRowsCanBeTurnedOff) {
  TempDir dir("noli");
  GeneratorOptions o = Small(200);
  o.record_legitimate_interest = false;
  o.out_dir = dir.path();
  GenerateOrDie(o);
  ForEachRow(dir.File("consents.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[3] == "legitimate_interest") {
      EXPECT_EQ(r[2], "object");
    }
  });
}

}  // namespace
}  // namespace candor::synth
