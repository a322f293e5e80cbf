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
using testing::Behaviour;
using testing::Dataset;
using testing::ForEachRow;
using testing::GenerateOrDie;
using ::testing::HasSubstr;
using testing::kDay;
using testing::Large;
using testing::LargeBehaviour;
using testing::ParseTs;
using testing::Slurp;
using testing::Small;
using testing::TempDir;

// ---- outcomes -------------------------------------------------------------------

TEST(OutcomesTest, LabelBiasUnderRecordsTheOldestBand) {
  const Behaviour& b = LargeBehaviour();
  std::map<std::string, std::pair<int, int>> by_band;  // recorded, true
  for (const auto& [id, n] : b.true_conversions) {
    auto band = b.band.find(id);
    const std::string key = band == b.band.end() ? "none" : band->second;
    by_band[key].second += n;
    auto rec = b.recorded_conversions.find(id);
    by_band[key].first += rec == b.recorded_conversions.end() ? 0 : rec->second;
  }
  for (const auto& [band, counts] : by_band) {
    const double ratio = static_cast<double>(counts.first) / counts.second;
    if (band == "55+") {
      ASSERT_GT(counts.second, 150);
      EXPECT_NEAR(ratio, 0.3, 0.08) << band;
    } else {
      EXPECT_EQ(ratio, 1.0) << band;
    }
  }
}

TEST(OutcomesTest, GenderDoesNotChangeTrueConversion) {
  // Protected attributes are not causes: gender enters nothing.
  std::map<std::string, std::string> gender;
  ForEachRow(Large().File("attributes.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[1] == "gender") gender[std::string(r[0])] = std::string(r[2]);
  });
  std::map<std::string, std::pair<double, double>> by_gender;  // conversions, contacts
  for (const auto& [id, g] : gender) {
    auto it = LargeBehaviour().true_conversions.find(id);
    by_gender[g].first += it == LargeBehaviour().true_conversions.end() ? 0 : it->second;
    ++by_gender[g].second;
  }
  const double female = by_gender["female"].first / by_gender["female"].second;
  const double male = by_gender["male"].first / by_gender["male"].second;
  EXPECT_NEAR(female / male, 1.0, 0.12);
}

TEST(OutcomesTest, WithoutTheBiasOutcomesEqualTruth) {
  TempDir dir("nobias");
  GeneratorOptions o = Small(300);
  o.bias.age_band.clear();
  o.out_dir = dir.path();
  GenerateOrDie(o);
  EXPECT_TRUE(Slurp(dir.File("outcomes.csv")) == Slurp(dir.File("truth.csv")));
}

TEST(OutcomesTest, RecordedOutcomesAreASubsetOfTruth) {
  const Dataset& d = Base();
  std::multiset<std::string> truth;
  ForEachRow(d.File("truth.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    EXPECT_THAT(std::string(r[1]), ::testing::AnyOf("conversion", "churn"));
    EXPECT_EQ(r[3], "1");
    truth.insert(std::string(r[0]) + "," + std::string(r[1]) + "," + std::string(r[2]));
  });
  int churn = 0;
  ForEachRow(d.File("outcomes.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    const std::string key = std::string(r[0]) + "," + std::string(r[1]) + "," + std::string(r[2]);
    auto it = truth.find(key);
    ASSERT_NE(it, truth.end()) << key;
    truth.erase(it);
    churn += r[1] == "churn";
  });
  EXPECT_GT(churn, 0);
  for (const auto& rest : truth) EXPECT_THAT(rest, HasSubstr(",conversion,"));
}

TEST(OutcomesTest, ConversionsHappenInEveryMonth) {
  std::map<std::string, int> months;
  ForEachRow(Base().File("outcomes.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[1] == "conversion") ++months[std::string(r[2].substr(0, 7))];
  });
  ASSERT_EQ(months.size(), 12u);
  for (const auto& [month, n] : months) EXPECT_GT(n, 20) << month;
}

TEST(OutcomesTest, ChurnOnlyForCustomersAndEndsOrders) {
  const Dataset& d = Base();
  std::map<std::string, std::string> account_of;
  ForEachRow(d.File("contacts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    account_of[std::string(r[0])] = std::string(r[1]);
  });
  std::map<std::string, bool> customer;
  ForEachRow(d.File("accounts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    customer[std::string(r[0])] = r[6] == "customer";
  });
  std::map<std::string, core::Instant> churned;
  ForEachRow(d.File("outcomes.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[1] != "churn") return;
    EXPECT_TRUE(customer[account_of[std::string(r[0])]]);
    churned[std::string(r[0])] = ParseTs(r[2]);
  });
  ASSERT_FALSE(churned.empty());
  ForEachRow(d.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    auto it = churned.find(std::string(r[0]));
    if (it != churned.end() && r[1] == "order") {
      EXPECT_LT(ParseTs(r[2]), it->second + kDay) << r[0];
    }
  });
}

}  // namespace
}  // namespace candor::synth
