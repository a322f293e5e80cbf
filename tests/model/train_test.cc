#include "model/train.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "model/booster.h"

namespace candor::model {
namespace {

using ::testing::HasSubstr;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// A labelled split: two numeric features with opposite effects, a noise feature
// with 10 % missing values, and a categorical feature whose odd codes raise the
// odds (so no single threshold on the code separates them).
struct Split {
  DenseMatrix x;
  std::vector<float> y;
};

Split MakeSplit(std::size_t rows, std::uint64_t seed, double noise = 1.0) {
  std::mt19937_64 rng(seed);
  auto uniform = [&rng] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  Split s;
  s.x.rows = rows;
  s.x.cols = 4;
  s.x.feature_names = {"spend", "days_since", "noise", "channel"};
  s.x.feature_types = {'q', 'q', 'q', 'c'};
  for (std::size_t r = 0; r < rows; ++r) {
    const double a = uniform(), b = uniform(), n = uniform();
    const int cat = static_cast<int>(uniform() * 4);
    const double logit = 3 * a - 2 * b + ((cat % 2 == 1) ? 1.0 : -1.0) + noise * (n - 0.5);
    const double p = 1 / (1 + std::exp(-logit));
    s.x.values.push_back(static_cast<float>(a));
    s.x.values.push_back(static_cast<float>(b));
    s.x.values.push_back(uniform() < 0.1 ? kNaN : static_cast<float>(n));
    s.x.values.push_back(static_cast<float>(cat));
    s.y.push_back(uniform() < p ? 1.0f : 0.0f);
  }
  return s;
}

// XGBoost 1.7 writes the split condition of a categorical split as the bare word
// NaN, which JSON does not allow; read it as null.
nlohmann::json ParseModel(const std::string& text) {
  std::string fixed;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"' && (i == 0 || text[i - 1] != '\\')) in_string = !in_string;
    if (!in_string && text.compare(i, 3, "NaN") == 0) {
      fixed += "null";
      i += 2;
    } else {
      fixed += text[i];
    }
  }
  return nlohmann::json::parse(fixed);
}

TrainParams FastParams() {
  TrainParams p;
  p.eta = 0.3;
  p.max_rounds = 60;
  p.early_stopping_rounds = 10;
  return p;
}

core::Result<TrainResult> TrainOn(const Split& t, const Split& v, const TrainParams& p,
                                  std::span<const float> weights = {}) {
  return Train(t.x, t.y, weights, v.x, v.y, p);
}

class TrainTest : public ::testing::Test {
 protected:
  Split train_ = MakeSplit(1500, 1);
  Split valid_ = MakeSplit(600, 2);
};

TEST_F(TrainTest, RecordsExactlyTheParametersSet) {
  TrainParams p = FastParams();
  p.monotone = {1, -1, 0, 0};
  p.seed = 7;
  p.extra = {{"min_child_weight", "2"}};
  auto r = TrainOn(train_, valid_, p);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::map<std::string, std::string> want = {{"objective", "binary:logistic"},
                                                   {"eval_metric", "logloss"},
                                                   {"tree_method", "hist"},
                                                   {"max_depth", "6"},
                                                   {"eta", "0.3"},
                                                   {"nthread", "2"},
                                                   {"seed", "7"},
                                                   {"monotone_constraints", "(1,-1,0,0)"},
                                                   {"min_child_weight", "2"}};
  EXPECT_EQ(r->params, want);
}

TEST_F(TrainTest, DefaultsMatchTheIssue) {
  const TrainParams p;
  EXPECT_EQ(p.max_depth, 6);
  EXPECT_DOUBLE_EQ(p.eta, 0.05);
  EXPECT_EQ(p.max_rounds, 500);
  EXPECT_EQ(p.early_stopping_rounds, 30);
  EXPECT_EQ(p.nthread, 2);
}

TEST_F(TrainTest, StopsEarlyAndKeepsOnlyTheTreesUpToTheBestRound) {
  // Deep trees on noisy labels overfit quickly, so validation loss turns up.
  TrainParams p = FastParams();
  p.eta = 0.5;
  p.max_rounds = 200;
  auto r = TrainOn(train_, valid_, p);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_LT(r->rounds_run, p.max_rounds);
  EXPECT_EQ(r->rounds_run, r->best_iteration + 1 + p.early_stopping_rounds);
  ASSERT_EQ(r->valid_logloss.size(), static_cast<std::size_t>(r->rounds_run));
  ASSERT_EQ(r->train_logloss.size(), static_cast<std::size_t>(r->rounds_run));
  const auto best = static_cast<std::size_t>(r->best_iteration);
  EXPECT_DOUBLE_EQ(r->best_valid_logloss, r->valid_logloss[best]);
  for (std::size_t i = 0; i < r->valid_logloss.size(); ++i) {
    EXPECT_GE(r->valid_logloss[i], r->best_valid_logloss) << i;
    if (i < best) {
      EXPECT_GT(r->valid_logloss[i], r->best_valid_logloss) << i;
    }
  }

  const nlohmann::json model = ParseModel(r->booster_json);
  const auto& trees = model["learner"]["gradient_booster"]["model"]["trees"];
  EXPECT_EQ(trees.size(), static_cast<std::size_t>(r->best_iteration + 1));

  // The saved booster scores the validation split with the best round's loss
  // (up to XGBoost computing it from float probabilities).
  auto b = Booster::FromJson(r->booster_json, 1);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(*b->BoostedRounds(), r->best_iteration + 1);
  auto prob = b->PredictProbability(valid_.x);
  ASSERT_TRUE(prob.ok());
  double loss = 0;
  for (std::size_t i = 0; i < prob->size(); ++i) {
    const double q = (*prob)[i];
    loss -= valid_.y[i] == 1.0f ? std::log(q) : std::log(1 - q);
  }
  loss /= static_cast<double>(prob->size());
  EXPECT_NEAR(loss, r->best_valid_logloss, 1e-6);
}

TEST_F(TrainTest, SlicedModelIsTheModelTrainedForTheBestRounds) {
  TrainParams p = FastParams();
  p.eta = 0.5;
  p.max_rounds = 200;
  auto stopped = TrainOn(train_, valid_, p);
  ASSERT_TRUE(stopped.ok());
  ASSERT_LT(stopped->best_iteration + 1, stopped->rounds_run);
  p.max_rounds = stopped->best_iteration + 1;
  p.early_stopping_rounds = 0;
  auto exact = TrainOn(train_, valid_, p);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(stopped->booster_json, exact->booster_json);
}

TEST_F(TrainTest, SameDataSeedAndThreadsGiveTheSameModelBytes) {
  TrainParams p = FastParams();
  p.extra = {{"subsample", "0.8"}, {"colsample_bytree", "0.75"}};
  p.seed = 42;
  auto a = TrainOn(train_, valid_, p);
  auto b = TrainOn(train_, valid_, p);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->booster_json, b->booster_json);
  p.seed = 43;
  auto c = TrainOn(train_, valid_, p);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->booster_json, c->booster_json);
}

TEST_F(TrainTest, ModelCarriesFeatureNamesAndTypes) {
  auto r = TrainOn(train_, valid_, FastParams());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const nlohmann::json model = ParseModel(r->booster_json);
  EXPECT_EQ(model["learner"]["feature_names"],
            nlohmann::json({"spend", "days_since", "noise", "channel"}));
  EXPECT_EQ(model["learner"]["feature_types"], nlohmann::json({"q", "q", "q", "c"}));
}

TEST_F(TrainTest, CategoricalFeatureGetsNativeCategoricalSplits) {
  // Only the category matters: odd codes are positive. With max_cat_to_onehot 1
  // XGBoost partitions the categories, so one split of depth 1 separates them.
  Split t = MakeSplit(800, 3), v = MakeSplit(300, 4);
  for (Split* s : {&t, &v}) {
    for (std::size_t r = 0; r < s->x.rows; ++r) {
      s->y[r] = static_cast<int>(s->x.at(r, 3)) % 2 == 1 ? 1.0f : 0.0f;
    }
  }
  TrainParams p = FastParams();
  p.max_depth = 1;
  p.extra = {{"max_cat_to_onehot", "1"}};
  auto r = TrainOn(t, v, p);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const nlohmann::json model = ParseModel(r->booster_json);
  const auto& tree = model["learner"]["gradient_booster"]["model"]["trees"][0];
  EXPECT_EQ(tree["split_type"][0], 1) << "root split is not categorical";
  EXPECT_EQ(tree["split_indices"][0], 3);

  auto b = Booster::FromJson(r->booster_json, 1);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  auto prob = b->PredictProbability(v.x);
  ASSERT_TRUE(prob.ok());
  for (std::size_t i = 0; i < v.x.rows; ++i) {
    EXPECT_EQ((*prob)[i] > 0.5, v.y[i] == 1.0f) << "row " << i;
  }
}

TEST_F(TrainTest, MonotoneConstraintsHold) {
  TrainParams p = FastParams();
  p.monotone = {1, -1, 0, 0};
  auto r = TrainOn(train_, valid_, p);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto b = Booster::FromJson(r->booster_json, 1);
  ASSERT_TRUE(b.ok());
  // Sweep each constrained feature over [0, 1] with the others fixed.
  for (std::size_t feature : {0u, 1u}) {
    DenseMatrix grid;
    grid.rows = 101;
    grid.cols = 4;
    for (std::size_t i = 0; i < grid.rows; ++i) {
      float row[4] = {0.5f, 0.5f, 0.5f, 1.0f};
      row[feature] = static_cast<float>(i) / 100.0f;
      grid.values.insert(grid.values.end(), row, row + 4);
    }
    auto m = b->PredictMargin(grid);
    ASSERT_TRUE(m.ok());
    for (std::size_t i = 1; i < m->size(); ++i) {
      if (feature == 0) {
        EXPECT_GE((*m)[i], (*m)[i - 1]) << i;
      } else {
        EXPECT_LE((*m)[i], (*m)[i - 1]) << i;
      }
    }
    EXPECT_NE(m->front(), m->back()) << "feature " << feature << " unused";
  }
}

TEST_F(TrainTest, WeightsReachXgboost) {
  TrainParams p = FastParams();
  auto plain = TrainOn(train_, valid_, p);
  const std::vector<float> ones(train_.x.rows, 1.0f);
  auto unit = TrainOn(train_, valid_, p, ones);
  std::vector<float> skewed(train_.x.rows, 1.0f);
  for (std::size_t i = 0; i < skewed.size(); ++i) {
    if (train_.y[i] == 1.0f) skewed[i] = 3.0f;
  }
  auto heavy = TrainOn(train_, valid_, p, skewed);
  ASSERT_TRUE(plain.ok() && unit.ok() && heavy.ok());
  EXPECT_EQ(plain->booster_json, unit->booster_json);
  EXPECT_NE(plain->booster_json, heavy->booster_json);
  // Up-weighting positives raises the average predicted probability.
  auto b0 = Booster::FromJson(plain->booster_json, 1);
  auto b1 = Booster::FromJson(heavy->booster_json, 1);
  ASSERT_TRUE(b0.ok() && b1.ok());
  auto p0 = b0->PredictProbability(valid_.x);
  auto p1 = b1->PredictProbability(valid_.x);
  ASSERT_TRUE(p0.ok() && p1.ok());
  double m0 = 0, m1 = 0;
  for (std::size_t i = 0; i < p0->size(); ++i) {
    m0 += (*p0)[i];
    m1 += (*p1)[i];
  }
  EXPECT_GT(m1, m0 + 0.05 * static_cast<double>(p0->size()));
}

TEST_F(TrainTest, ReportsEveryRoundToTheProgressCallback) {
  std::vector<RoundProgress> seen;
  auto r = Train(train_.x, train_.y, {}, valid_.x, valid_.y, FastParams(),
                 [&seen](const RoundProgress& p) { seen.push_back(p); });
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(r->rounds_run));
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].round, static_cast<int>(i));
    EXPECT_EQ(seen[i].valid_logloss, r->valid_logloss[i]);
    EXPECT_EQ(seen[i].train_logloss, r->train_logloss[i]);
    EXPECT_LE(seen[i].best_round, seen[i].round);
  }
  EXPECT_EQ(seen.back().best_round, r->best_iteration);
  EXPECT_LT(seen[5].train_logloss, seen[0].train_logloss);
}

TEST_F(TrainTest, NoEarlyStoppingKeepsEveryRound) {
  TrainParams p = FastParams();
  p.max_rounds = 12;
  p.early_stopping_rounds = 0;
  auto r = TrainOn(train_, valid_, p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rounds_run, 12);
  EXPECT_EQ(r->best_iteration, 11);
  EXPECT_EQ(r->best_valid_logloss, r->valid_logloss.back());
}

TEST_F(TrainTest, WorksWithoutFeatureNames) {
  Split t = train_, v = valid_;
  for (Split* s : {&t, &v}) {
    s->x.feature_names.clear();
    s->x.feature_types.clear();
  }
  auto r = TrainOn(t, v, FastParams());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto b = Booster::FromJson(r->booster_json, 1);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->feature_names().empty());
  EXPECT_EQ(b->num_features(), 4u);
}

void ExpectInvalid(const core::Result<TrainResult>& r, const std::string& message) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(message));
}

TEST_F(TrainTest, RefusesBadLabelsAndWeights) {
  Split t = train_;
  t.y[17] = 2.0f;
  ExpectInvalid(TrainOn(t, valid_, FastParams()), "train split row 17: a label must be 0 or 1");
  ExpectInvalid(Train(train_.x, std::span<const float>(train_.y).first(10), {}, valid_.x, valid_.y,
                      FastParams()),
                "train split: 10 labels for 1500 rows");
  std::vector<float> w(train_.x.rows, 1.0f);
  w[3] = -1.0f;
  ExpectInvalid(TrainOn(train_, valid_, FastParams(), w), "row 3: a weight must be finite");
  w[3] = std::numeric_limits<float>::infinity();
  ExpectInvalid(TrainOn(train_, valid_, FastParams(), w), "row 3: a weight must be finite");
  ExpectInvalid(TrainOn(train_, valid_, FastParams(), std::vector<float>(1500, 0.0f)),
                "the weights sum to 0");
  ExpectInvalid(TrainOn(train_, valid_, FastParams(), std::vector<float>(3, 1.0f)),
                "3 weights for 1500 rows");
}

TEST_F(TrainTest, RefusesMismatchedOrInvalidMatrices) {
  Split v = valid_;
  v.x.feature_names[2] = "other";
  ExpectInvalid(TrainOn(train_, v, FastParams()), "different feature names");
  v = valid_;
  v.x.feature_types[3] = 'q';
  ExpectInvalid(TrainOn(train_, v, FastParams()), "feature 3 has different types");
  Split t = train_;
  t.x.values[3] = 1.5f;  // row 0, categorical column 3
  ExpectInvalid(TrainOn(t, valid_, FastParams()),
                "train split: feature 3 row 0: a categorical value must be an integer");
  t = train_;
  t.x.values.pop_back();
  ExpectInvalid(TrainOn(t, valid_, FastParams()), "expected 1500 rows x 4 columns");
  v = valid_;
  v.x.rows = 0;
  v.x.values.clear();
  v.y.clear();
  ExpectInvalid(TrainOn(train_, v, FastParams()), "valid split has no rows");
}

TEST_F(TrainTest, RefusesBadParameters) {
  TrainParams p = FastParams();
  p.monotone = {1, 0};
  ExpectInvalid(TrainOn(train_, valid_, p), "2 monotone constraints for 4 columns");
  p.monotone = {2, 0, 0, 0};
  ExpectInvalid(TrainOn(train_, valid_, p), "feature 0: a monotone constraint must be");
  p.monotone = {0, 0, 0, 1};
  ExpectInvalid(TrainOn(train_, valid_, p), "feature 3 is categorical and cannot be monotone");
  p = FastParams();
  p.extra = {{"objective", "reg:squarederror"}};
  ExpectInvalid(TrainOn(train_, valid_, p), "parameter 'objective' is set by TrainParams");
  p.extra = {{"learning_rate", "0.1"}};
  ExpectInvalid(TrainOn(train_, valid_, p), "parameter 'learning_rate' is set by TrainParams");
  p = FastParams();
  p.max_depth = 0;
  ExpectInvalid(TrainOn(train_, valid_, p), "max_depth must be >= 1");
  p = FastParams();
  p.eta = 0;
  ExpectInvalid(TrainOn(train_, valid_, p), "eta must be in (0, 1]");
  p = FastParams();
  p.nthread = 0;
  ExpectInvalid(TrainOn(train_, valid_, p), "nthread must be >= 1");
  p = FastParams();
  p.seed = std::numeric_limits<std::uint64_t>::max();
  ExpectInvalid(TrainOn(train_, valid_, p), "seed must be at most 2^63 - 1");
}

TEST_F(TrainTest, XgboostRefusalBecomesInvalidArgument) {
  TrainParams p = FastParams();
  p.extra = {{"max_bin", "-3"}};
  auto r = TrainOn(train_, valid_, p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("xgboost"));
  EXPECT_THAT(r.status().message(), HasSubstr("max_bin"));
  EXPECT_THAT(r.status().message(), ::testing::Not(HasSubstr("Stack trace")));
}

TEST(MonotoneConstraintsTest, FormatsXgboostTuple) {
  EXPECT_EQ(MonotoneConstraints(std::vector<int>{1, 0, -1}), "(1,0,-1)");
  EXPECT_EQ(MonotoneConstraints(std::vector<int>{0}), "(0)");
}

TEST(ParseEvalLoglossTest, ReadsEachSet) {
  const std::string line = "[7]\ttrain-logloss:0.512345\tvalid-logloss:0.55";
  EXPECT_DOUBLE_EQ(*ParseEvalLogloss(line, "train"), 0.512345);
  EXPECT_DOUBLE_EQ(*ParseEvalLogloss(line, "valid"), 0.55);
  EXPECT_EQ(ParseEvalLogloss(line, "test").status().code(), core::StatusCode::kInternal);
  EXPECT_EQ(ParseEvalLogloss("[0]\tvalid-logloss:nan", "valid").status().code(),
            core::StatusCode::kInternal);
  EXPECT_EQ(ParseEvalLogloss("[0]\tvalid-logloss:", "valid").status().code(),
            core::StatusCode::kInternal);
}

}  // namespace
}  // namespace candor::model
