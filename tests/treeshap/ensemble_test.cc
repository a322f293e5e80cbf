#include "treeshap/ensemble.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "treeshap/xgboost_fixture.h"

namespace candor::treeshap {
namespace {

using testing::Booster;
using ::testing::HasSubstr;
using testing::MakeData;

std::string ErrorOf(const std::string& json) {
  auto r = Ensemble::FromXgboostJson(json);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  return r.status().message();
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

TEST(EnsembleTest, ReadsTheLearnerParametersAndTrees) {
  auto data = MakeData(300, 4, 1, 0.1);
  Booster b(data, {{"objective", "reg:squarederror"}, {"max_depth", "3"}, {"base_score", "0.25"}},
            5);
  auto e = Ensemble::FromXgboostJson(b.Json());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->num_features(), 4u);
  EXPECT_EQ(e->num_trees(), 5u);
  EXPECT_TRUE(e->feature_names().empty());
  EXPECT_DOUBLE_EQ(e->base_margin(), 0.25);
  EXPECT_EQ(e->objective(), "reg:squarederror");
}

TEST(EnsembleTest, LogisticBaseScoreIsAProbability) {
  auto data = MakeData(300, 3, 2, 0);
  for (float& y : data.y) y = y > 0 ? 1.0f : 0.0f;
  Booster b(data, {{"objective", "binary:logistic"}, {"base_score", "0.2"}}, 2);
  auto e = Ensemble::FromXgboostJson(b.Json());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_NEAR(e->base_margin(), std::log(0.2 / 0.8), 1e-7);
  auto margins = b.Predict(data, 1);
  for (std::size_t r = 0; r < data.rows; ++r) {
    ASSERT_NEAR(e->PredictMargin(data.Row(r)), margins[r], 1e-5) << "row " << r;
  }
}

TEST(EnsembleTest, FeatureNamesComeFromTheModel) {
  auto data = MakeData(100, 2, 3, 0);
  Booster b(data, {{"max_depth", "2"}}, 1);
  std::string json = Replace(b.Json(), R"("feature_names":[])", R"("feature_names":["a","b"])");
  auto e = Ensemble::FromXgboostJson(json);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->feature_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_THAT(ErrorOf(Replace(b.Json(), R"("feature_names":[])", R"("feature_names":["a"])")),
              HasSubstr("feature_names: count differs from num_feature"));
}

TEST(EnsembleTest, MultiClassIsRefused) {
  auto data = MakeData(200, 3, 4, 0);
  for (float& y : data.y) y = y > 0.5f ? 2.0f : y > -0.5f ? 1.0f : 0.0f;
  Booster b(data, {{"objective", "multi:softprob"}, {"num_class", "3"}, {"max_depth", "2"}}, 2);
  EXPECT_THAT(ErrorOf(b.Json()), HasSubstr("multi-class models are not supported"));
}

TEST(EnsembleTest, MalformedModelsAreRefusedWithTheirField) {
  auto data = MakeData(100, 2, 5, 0);
  Booster b(data, {{"max_depth", "2"}}, 1);
  std::string good = b.Json();
  EXPECT_THAT(ErrorOf("{not json"), HasSubstr("not valid JSON"));
  EXPECT_THAT(ErrorOf("{}"), HasSubstr("missing \"learner\""));
  EXPECT_THAT(ErrorOf(Replace(good, "reg:squarederror", "reg:quantum")),
              HasSubstr("unsupported objective \"reg:quantum\""));
  EXPECT_THAT(ErrorOf(Replace(good, R"("name":"gbtree")", R"("name":"gblinear")")),
              HasSubstr("only gbtree and dart"));
  EXPECT_THAT(ErrorOf(Replace(good, R"("left_children":[1,)", R"("left_children":[9,)")),
              HasSubstr("trees[0] node 0: child index out of range"));
  EXPECT_THAT(ErrorOf(Replace(good, R"("left_children":[1,)", R"("left_children":[1,2,)")),
              HasSubstr("trees[0].left_children: has"));
}

TEST(EnsembleTest, ParsesNaNAndCategories) {
  auto data = MakeData(400, 3, 6, 0.1, 1, 40);
  Booster b(data, {{"tree_method", "hist"}, {"max_cat_to_onehot", "1"}, {"max_depth", "3"}}, 3);
  std::string json = b.Json();
  ASSERT_THAT(json, HasSubstr("NaN"));
  auto e = Ensemble::FromXgboostJson(json);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  auto margins = b.Predict(data, 1);
  for (std::size_t r = 0; r < data.rows; ++r) {
    ASSERT_NEAR(e->PredictMargin(data.Row(r)), margins[r], 1e-5) << "row " << r;
  }
}

}  // namespace
}  // namespace candor::treeshap
