#include "model/booster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "model/train.h"

namespace candor::model {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Rows of (numeric, numeric with missing values, categorical code 0..4).
DenseMatrix MakeMatrix(std::size_t rows, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&rng] {
    return static_cast<float>(static_cast<double>(rng() >> 11) * 0x1.0p-53);
  };
  DenseMatrix m;
  m.rows = rows;
  m.cols = 3;
  m.feature_names = {"a", "b", "kind"};
  m.feature_types = {'q', 'q', 'c'};
  for (std::size_t r = 0; r < rows; ++r) {
    const float b = uniform();
    m.values.push_back(uniform());
    m.values.push_back(b < 0.15f ? kNaN : b);
    m.values.push_back(static_cast<float>(static_cast<int>(uniform() * 5)));
  }
  return m;
}

std::vector<float> MakeLabels(const DenseMatrix& m, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<float> y;
  for (std::size_t r = 0; r < m.rows; ++r) {
    const float b = std::isnan(m.at(r, 1)) ? 0.5f : m.at(r, 1);
    const double kind = m.at(r, 2) == 2.0f ? 1.5 : (m.at(r, 2) == 4.0f ? -1.0 : 0.0);
    const double logit = 4.0 * (m.at(r, 0) - 0.5) - 2.0 * (b - 0.5) + kind;
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    y.push_back(u < 1 / (1 + std::exp(-logit)) ? 1.0f : 0.0f);
  }
  return y;
}

// One small trained model shared by the tests of this file.
const std::string& ModelJson() {
  static const std::string* const kJson = [] {
    const DenseMatrix train = MakeMatrix(1000, 11), valid = MakeMatrix(400, 12);
    TrainParams p;
    p.eta = 0.3;
    p.max_rounds = 25;
    p.max_depth = 4;
    auto r = Train(train, MakeLabels(train, 13), {}, valid, MakeLabels(valid, 14), p);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return new std::string(r.ok() ? r->booster_json : "");
  }();
  return *kJson;
}

Booster Load(int nthread = 1) {
  auto b = Booster::FromJson(ModelJson(), nthread);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return std::move(b).value();
}

TEST(XgboostVersionTest, IsTheLinkedLibrary) {
  EXPECT_THAT(XgboostVersion(), MatchesRegex("1\\.7\\.[0-9]+"));
}

TEST(BoosterTest, LoadsWhatItSavedByteForByte) {
  Booster b = Load();
  auto saved = b.SaveJson();
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(*saved, ModelJson());
  EXPECT_EQ(b.num_features(), 3u);
  EXPECT_EQ(b.feature_names(), (std::vector<std::string>{"a", "b", "kind"}));
  EXPECT_EQ(b.feature_types(), (std::vector<char>{'q', 'q', 'c'}));
}

TEST(BoosterTest, RefusesWhatIsNotAModel) {
  for (const char* text : {"", "   ", "binf", "{", "{\"learner\": 3}", "[1,2]"}) {
    auto b = Booster::FromJson(text, 1);
    ASSERT_FALSE(b.ok()) << text;
    EXPECT_EQ(b.status().code(), core::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(b.status().message(), ::testing::Not(HasSubstr("Stack trace"))) << text;
  }
  auto b = Booster::FromJson(ModelJson(), 0);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), "nthread must be at least 1, got 0");
}

TEST(BoosterTest, RefusesAnotherObjective) {
  std::string json = ModelJson();
  const std::string from = "\"name\":\"binary:logistic\"";
  ASSERT_NE(json.find(from), std::string::npos);
  json.replace(json.find(from), from.size(), "\"name\":\"binary:hinge\"");
  auto b = Booster::FromJson(json, 1);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(b.status().message(), "model objective is 'binary:hinge', expected binary:logistic");
}

TEST(BoosterTest, ProbabilityIsTheSigmoidOfTheMargin) {
  Booster b = Load();
  const DenseMatrix m = MakeMatrix(200, 21);
  auto margin = b.PredictMargin(m);
  auto prob = b.PredictProbability(m);
  ASSERT_TRUE(margin.ok() && prob.ok());
  ASSERT_EQ(margin->size(), 200u);
  for (std::size_t i = 0; i < margin->size(); ++i) {
    EXPECT_DOUBLE_EQ((*prob)[i], 1 / (1 + std::exp(-(*margin)[i])));
    EXPECT_GT((*prob)[i], 0.0);
    EXPECT_LT((*prob)[i], 1.0);
  }
}

TEST(BoosterTest, PredictsAFreshMatrixEveryCall) {
  // XGBoost caches predictions per DMatrix; changed values must give new scores.
  Booster b = Load();
  DenseMatrix m = MakeMatrix(50, 22);
  auto first = b.PredictMargin(m);
  ASSERT_TRUE(first.ok());
  auto again = b.PredictMargin(m);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*first, *again);
  for (std::size_t r = 0; r < m.rows; ++r) m.values[r * m.cols] = 1.0f - m.values[r * m.cols];
  auto changed = b.PredictMargin(m);
  ASSERT_TRUE(changed.ok());
  EXPECT_NE(*first, *changed);
  // Only rows whose first value moved across a split may change; most do.
  std::size_t moved = 0;
  for (std::size_t i = 0; i < m.rows; ++i) moved += (*first)[i] != (*changed)[i] ? 1u : 0u;
  EXPECT_GT(moved, m.rows / 2);
}

TEST(BoosterTest, NthreadDoesNotChangeScores) {
  const DenseMatrix m = MakeMatrix(300, 23);
  auto one = Load(1).PredictMargin(m);
  auto two = Load(2).PredictMargin(m);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(*one, *two);
}

TEST(BoosterTest, ConcurrentPredictionsAgree) {
  const Booster b = Load();
  const DenseMatrix m = MakeMatrix(100, 24);
  auto want = b.PredictMargin(m);
  ASSERT_TRUE(want.ok());
  std::vector<std::vector<double>> got(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto r = b.PredictMargin(m);
        if (r.ok()) got[t] = *r;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, *want);
}

TEST(BoosterTest, EmptyMatrixGivesNoScores) {
  Booster b = Load();
  DenseMatrix m;
  m.cols = 3;
  auto r = b.PredictProbability(m);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(BoosterTest, RefusesAMatrixOfAnotherShape) {
  Booster b = Load();
  DenseMatrix m = MakeMatrix(5, 25);
  DenseMatrix narrow = m;
  narrow.cols = 2;
  narrow.values.resize(10);
  narrow.feature_names.pop_back();
  narrow.feature_types.pop_back();
  auto r = b.PredictMargin(narrow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "matrix has 2 columns, the model expects 3");

  DenseMatrix renamed = m;
  renamed.feature_names[1] = "c";
  r = b.PredictMargin(renamed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "column 1 is 'c', the model expects 'b'");

  DenseMatrix retyped = m;
  retyped.feature_types[2] = 'q';
  r = b.PredictMargin(retyped);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "column 2 has type 'q', the model expects 'c'");

  DenseMatrix bad = m;
  bad.values[2] = -1.0f;
  r = b.PredictMargin(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("feature 2 row 0: a categorical value"));

  DenseMatrix anonymous = m;  // no names or types: only the width is checked
  anonymous.feature_names.clear();
  anonymous.feature_types.clear();
  EXPECT_TRUE(b.PredictMargin(anonymous).ok());
}

TEST(BoosterTest, SliceKeepsTheFirstRounds) {
  Booster b = Load();
  auto rounds = b.BoostedRounds();
  ASSERT_TRUE(rounds.ok());
  ASSERT_GE(*rounds, 3);
  auto head = b.Slice(0, 2);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(*head->BoostedRounds(), 2);
  auto past = b.Slice(0, *rounds + 5);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_FALSE(b.Slice(2, 2).ok());
}

// Scores the same model and rows with the Python xgboost package, when it is
// installed (python3-xgboost, from scripts/bootstrap), as an independent check of
// the in-place prediction call (array layout, NaN, categorical codes).
TEST(BoosterTest, MatchesPythonXgboost) {
  const char* python = "/usr/bin/python3";
  if (access(python, X_OK) != 0 ||
      std::system("/usr/bin/python3 -c 'import xgboost, numpy' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 with xgboost and numpy is not installed";
  }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("candor_booster_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const DenseMatrix m = MakeMatrix(100, 26);
  {
    std::ofstream(dir / "model.json") << ModelJson();
    std::ofstream rows(dir / "rows.f32", std::ios::binary);
    rows.write(reinterpret_cast<const char*>(m.values.data()),
               static_cast<std::streamsize>(m.values.size() * sizeof(float)));
  }
  const std::string script =
      "import sys, numpy as np, xgboost as xgb\n"
      "d = sys.argv[1]\n"
      "b = xgb.Booster(model_file=d + '/model.json')\n"
      "x = np.fromfile(d + '/rows.f32', dtype='<f4').reshape(-1, 3)\n"
      "dm = xgb.DMatrix(x, feature_names=['a', 'b', 'kind'], feature_types=['q', 'q', 'c'],"
      " enable_categorical=True)\n"
      "np.savetxt(d + '/margin.txt', b.predict(dm, output_margin=True), fmt='%.9g')\n";
  std::ofstream(dir / "predict.py") << script;
  const std::string cmd = std::string(python) + " " + (dir / "predict.py").string() + " " +
                          dir.string() + " >" + (dir / "log.txt").string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << std::ifstream(dir / "log.txt").rdbuf();
  std::ifstream in(dir / "margin.txt");
  std::vector<double> want;
  for (double v = 0; in >> v;) want.push_back(v);

  auto got = Load().PredictMargin(m);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR((*got)[i], want[i], 1e-6) << i;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace candor::model
