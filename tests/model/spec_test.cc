#include "model/spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>

#include "features/feature_set.h"

namespace candor::model {
namespace {

core::Config Config(std::string_view window) {
  std::string text = fmt::format(R"(
[purposes.profiling]
legal_basis = "consent"
[targets.conversion]
features = ["opens", "rate"]
[features.opens]
kind = "count"
event_types = ["email_open"]
window_days = {}
[features.clicks]
kind = "count"
event_types = ["email_click"]
[features.rate]
kind = "ratio"
numerator = "clicks"
denominator = "opens"
)",
                                 window);
  auto c = core::ParseConfig(text, "candor.toml");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

ModelSpec SpecFor(const core::Config& c) {
  ModelSpec s;
  s.version = "conversion-1";
  s.target = "conversion";
  s.purpose = "profiling";
  s.horizon_days = 30;
  s.snapshots = "monthly";
  for (const char* name : {"opens", "rate"}) {
    FeatureSpec f;
    f.name = name;
    f.kind = "count";
    f.definition = features::Definition(c, *c.FindFeature(name));
    f.min = 0;
    f.max = std::nan("");
    s.features.push_back(f);
  }
  s.features[0].categorical = true;
  s.features[0].codes = {"a", "b"};
  s.params = {{"eta", "0.05"}};
  s.training = {{"best_iteration", 3}};
  s.calibration = {{"method", "platt"}, {"a", 1.0}, {"b", 0.0}};
  s.lineage = {{"data_fingerprint", "ab"}};
  s.rows = {10, 5, 4};
  return s;
}

TEST(SpecTest, JsonRoundTripsEveryField) {
  ModelSpec s = SpecFor(Config("30"));
  auto back = SpecFromJson(ToJson(s).dump());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ToJson(*back), ToJson(s));
  EXPECT_TRUE(std::isnan(back->features[0].max));
  EXPECT_EQ(back->Columns()[0].codes, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(SpecFromJson("{}").status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(SpecFromJson("not json").status().code(), core::StatusCode::kInvalidArgument);
}

TEST(SpecTest, AChangedDefinitionRefusesTheModel) {
  ModelSpec s = SpecFor(Config("30"));
  EXPECT_TRUE(CheckDefinitions(s, Config("30")).ok());
  core::Status st = CheckDefinitions(s, Config("60"));
  EXPECT_EQ(st.code(), core::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.message(), ::testing::HasSubstr("'opens' changed since model conversion-1"));
}

TEST(SpecTest, ARatioChangesWhenItsHiddenPartChanges) {
  core::Config a = Config("30");
  core::Config b = Config("30");
  for (auto& f : b.features) {
    if (f.name == "clicks") f.window_days = 7;
  }
  EXPECT_NE(features::Definition(a, *a.FindFeature("rate")), features::Definition(b, *b.FindFeature("rate")));
}

}  // namespace
}  // namespace candor::model
