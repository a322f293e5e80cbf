// [fairness] in candor.toml: defaults, values and the errors' positions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "core/config.h"

namespace candor::core {
namespace {

using ::testing::HasSubstr;

// The default configuration with its [fairness] table replaced by `fairness`.
std::string WithFairness(const std::string& fairness) {
  std::string text(DefaultConfigText());
  auto begin = text.find("[fairness]");
  auto end = text.find("\n[features.", begin);
  return text.substr(0, begin) + fairness + "\n" + text.substr(end);
}

TEST(ConfigFairnessTest, DefaultsAreTheDocumentedOnes) {
  auto r = ParseConfig(DefaultConfigText(), "candor.toml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const FairnessConfig& f = r->fairness;
  EXPECT_EQ(f.min_group_size, 30u);
  EXPECT_DOUBLE_EQ(f.selection_fraction, 0.2);
  EXPECT_FALSE(f.threshold.has_value());
  EXPECT_EQ(f.resamples, 1000);
  EXPECT_TRUE(f.references.empty());
  ASSERT_EQ(f.gate.size(), 2u);
  EXPECT_EQ(f.gate[0].metric, "demographic_parity_ratio");
  EXPECT_DOUBLE_EQ(f.gate[0].bound, 0.8);
  EXPECT_EQ(f.gate[1].metric, "equal_opportunity_difference");
  EXPECT_DOUBLE_EQ(f.gate[1].bound, 0.1);
  EXPECT_DOUBLE_EQ(f.proxy_auc, 0.6);
  EXPECT_FALSE(f.per_group_thresholds);
  EXPECT_TRUE(f.intersections);
}

TEST(ConfigFairnessTest, ReadsEveryKeyAndKeepsTheGateInFileOrder) {
  auto r = ParseConfig(WithFairness(R"([fairness]
min_group_size = 50
threshold = 35
resamples = 200
seed = 7
proxy_auc = 0.65
per_group_thresholds = true
intersections = false
[fairness.references]
age_band = "35-44"
"gender|age_band" = "male|35-44"
[fairness.gate]
equal_opportunity_difference = 0.05
demographic_parity_ratio = 0.9
)"),
                       "candor.toml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const FairnessConfig& f = r->fairness;
  EXPECT_EQ(f.min_group_size, 50u);
  EXPECT_EQ(f.threshold, 35.0);
  EXPECT_EQ(f.resamples, 200);
  EXPECT_EQ(f.seed, 7);
  EXPECT_DOUBLE_EQ(f.proxy_auc, 0.65);
  EXPECT_TRUE(f.per_group_thresholds);
  EXPECT_FALSE(f.intersections);
  EXPECT_EQ(f.references.at("age_band"), "35-44");
  EXPECT_EQ(f.references.at("gender|age_band"), "male|35-44");
  ASSERT_EQ(f.gate.size(), 2u);
  EXPECT_EQ(f.gate[0].metric, "equal_opportunity_difference");
  EXPECT_EQ(f.gate[1].metric, "demographic_parity_ratio");
}

TEST(ConfigFairnessTest, BadValuesNameTheFileLineColumnAndRule) {
  auto r = ParseConfig(WithFairness(R"([fairness]
selection_fraction = 1.5
resamples = "many"
colour = 1
[fairness.references]
shoe_size = "42"
[fairness.gate]
demographic_parity_ratio = 1.25
happiness_difference = 0.1
)"),
                       "candor.toml");
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  const std::string text(DefaultConfigText());
  const auto table_line = std::count(text.begin(), text.begin() + static_cast<long>(text.find("[fairness]")), '\n') + 1;
  EXPECT_THAT(m, HasSubstr("fairness.selection_fraction: must be in (0, 1]"));
  EXPECT_THAT(m, HasSubstr("fairness.resamples: must be an integer"));
  EXPECT_THAT(m, HasSubstr("fairness.colour: unknown key"));
  EXPECT_THAT(m, HasSubstr("fairness.references.shoe_size: must name a protected attribute"));
  EXPECT_THAT(m, HasSubstr("fairness.gate.demographic_parity_ratio: a ratio's bound must be in (0, 1]"));
  EXPECT_THAT(m, HasSubstr("fairness.gate.happiness_difference: unknown comparison"));
  EXPECT_THAT(m, HasSubstr(fmt::format("candor.toml:{}:22: fairness.selection_fraction", table_line + 1)));
  EXPECT_THAT(m, HasSubstr(fmt::format("candor.toml:{}:1: fairness.colour", table_line + 3)));
}

}  // namespace
}  // namespace candor::core
