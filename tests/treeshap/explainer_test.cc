#include "treeshap/explainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "treeshap/reference.h"
#include "treeshap/xgboost_fixture.h"

namespace candor::treeshap {
namespace {

using testing::Booster;
using testing::Data;
using testing::MakeData;

#if defined(__SANITIZE_ADDRESS__)
constexpr int kScale = 4;  // smaller models under the sanitizers, same coverage
#else
constexpr int kScale = 1;
#endif

struct ModelCase {
  const char* name;
  Booster::Params params;
  int rounds;
  double missing;
  std::size_t num_cat = 0;
  int num_codes = 8;
  bool classify = false;
};

class ExplainerTest : public ::testing::TestWithParam<ModelCase> {
 protected:
  void SetUp() override {
    const ModelCase& c = GetParam();
    train_ =
        MakeData(1500 / static_cast<std::size_t>(kScale), 7, 11, c.missing, c.num_cat, c.num_codes);
    if (c.classify) {
      for (float& y : train_.y) y = y > 0.2f ? 1.0f : 0.0f;
    }
    // Rows to explain: fresh ones, with unseen, negative and fractional codes.
    test_ = MakeData(300 / static_cast<std::size_t>(kScale), 7, 12, c.missing, c.num_cat,
                     c.num_codes, /*odd_codes=*/true);
    booster_ = std::make_unique<Booster>(train_, c.params, c.rounds / kScale);
    auto e = Ensemble::FromXgboostJson(booster_->Json());
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    ensemble_ = std::make_unique<Ensemble>(std::move(e).value());
    contribs_ = booster_->Predict(test_, 2);
    margins_ = booster_->Predict(test_, 1);
    ASSERT_EQ(contribs_.size(), test_.rows * (test_.cols + 1));
  }

  // Max |ours - XGBoost| over all contributions; also checks that rows sum to the margin.
  double MaxDiff(const std::vector<double>& ours) {
    std::size_t w = test_.cols + 1;
    double worst = 0;
    for (std::size_t r = 0; r < test_.rows; ++r) {
      double sum = 0;
      for (std::size_t j = 0; j < w; ++j) {
        double d = std::abs(ours[r * w + j] - static_cast<double>(contribs_[r * w + j]));
        worst = std::max(worst, std::isnan(d) ? 1e9 : d);
        sum += ours[r * w + j];
      }
      EXPECT_NEAR(sum, margins_[r], 1e-5) << "row " << r;
      EXPECT_NEAR(sum, ensemble_->PredictMargin(test_.Row(r)), 1e-5) << "row " << r;
    }
    return worst;
  }

  std::vector<double> Explain(const Explainer::Options& options, int threads) {
    auto x = Explainer::Build(*ensemble_, options);
    EXPECT_TRUE(x.ok()) << x.status().ToString();
    std::vector<double> out(test_.rows * (test_.cols + 1), -1.0);
    if (x.ok()) x->Explain(test_.x, test_.rows, out, threads);
    return out;
  }

  Data train_, test_;
  std::unique_ptr<Booster> booster_;
  std::unique_ptr<Ensemble> ensemble_;
  std::vector<float> contribs_, margins_;
};

constexpr double kTolerance = 1e-5;

TEST_P(ExplainerTest, MarginsMatchXgboost) {
  for (std::size_t r = 0; r < test_.rows; ++r) {
    ASSERT_NEAR(ensemble_->PredictMargin(test_.Row(r)), margins_[r], kTolerance) << "row " << r;
  }
}

TEST_P(ExplainerTest, ReferenceMatchesPredContribs) {
  std::size_t w = test_.cols + 1;
  std::vector<double> out(test_.rows * w);
  for (std::size_t r = 0; r < test_.rows; ++r) {
    ReferenceShap(*ensemble_, test_.Row(r), std::span<double>(out).subspan(r * w, w));
  }
  EXPECT_LE(MaxDiff(out), kTolerance);
}

TEST_P(ExplainerTest, EveryKernelMatchesPredContribs) {
  std::vector<Explainer::Kernel> kernels = {Explainer::Kernel::kPortable};
  auto probe = Explainer::Build(*ensemble_, {Explainer::Kernel::kAvx512});
  if (probe.ok()) kernels.push_back(Explainer::Kernel::kAvx512);
  for (Explainer::Kernel k : kernels) {
    for (int threads : {1, 2}) {
      double diff = MaxDiff(Explain({k}, threads));
      std::printf("[ %s ] kernel %d threads %d: max |diff| %.3g\n", GetParam().name,
                  static_cast<int>(k), threads, diff);
      EXPECT_LE(diff, kTolerance) << "kernel " << static_cast<int>(k) << " threads " << threads;
    }
  }
}

TEST_P(ExplainerTest, SlowLeavesMatchPredContribs) {
  // Tables of one bit: most leaves take the per-leaf path algorithm.
  Explainer::Options options{Explainer::Kernel::kAuto, 1};
  auto x = Explainer::Build(*ensemble_, options);
  ASSERT_TRUE(x.ok());
  EXPECT_GT(x->stats().slow_leaves, 0u);
  EXPECT_LE(MaxDiff(Explain(options, 1)), kTolerance);
}

TEST_P(ExplainerTest, FewRowsSplitTheTreesBetweenThreads) {
  std::size_t w = test_.cols + 1;
  auto x = Explainer::Build(*ensemble_);
  ASSERT_TRUE(x.ok());
  // 100 rows: seven batches of 16, which the AVX-512 kernel takes four, two and one
  // at a time. Row i is test row i % test_.rows (there may be fewer than 100).
  for (std::size_t n : {std::size_t{1}, std::size_t{5}, std::size_t{17}, std::size_t{100}}) {
    std::vector<float> rows;
    for (std::size_t i = 0; i < n; ++i) {
      auto row = test_.Row(i % test_.rows);
      rows.insert(rows.end(), row.begin(), row.end());
    }
    std::vector<double> out(n * w);
    x->Explain(rows, n, out, 2);
    for (std::size_t i = 0; i < n * w; ++i) {
      ASSERT_NEAR(out[i], contribs_[(i / w % test_.rows) * w + i % w], kTolerance)
          << "n " << n << " i " << i;
    }
  }
}

TEST_P(ExplainerTest, ConcurrentCallsShareTheWorkers) {
  std::size_t w = test_.cols + 1;
  auto x = Explainer::Build(*ensemble_);
  ASSERT_TRUE(x.ok());
  // Four threads at once, each asking for two: some find the kept workers busy.
  std::vector<std::vector<double>> outs(4, std::vector<double>(test_.rows * w));
  {
    std::vector<std::jthread> callers;
    for (auto& out : outs) {
      callers.emplace_back([&] {
        for (std::size_t r = 0; r < test_.rows; ++r) {
          x->Explain(test_.Row(r), 1, std::span<double>(out).subspan(r * w, w), 2);
        }
      });
    }
  }
  for (const auto& out : outs) EXPECT_LE(MaxDiff(out), kTolerance);
}

Booster::Params Hist(int depth, Booster::Params more = {}) {
  Booster::Params p = {{"tree_method", "hist"}, {"max_depth", std::to_string(depth)}};
  p.insert(p.end(), more.begin(), more.end());
  return p;
}

INSTANTIATE_TEST_SUITE_P(
    Models, ExplainerTest,
    ::testing::Values(
        ModelCase{"depth2_logistic", Hist(2, {{"objective", "binary:logistic"}}), 60, 0.0, 0, 8,
                  true},
        ModelCase{"depth4_exact_missing", {{"tree_method", "exact"}, {"max_depth", "4"}}, 60, 0.2},
        ModelCase{"depth6_base_score",
                  Hist(6, {{"objective", "binary:logistic"}, {"base_score", "0.2"}}), 90, 0.1, 0, 8,
                  true},
        ModelCase{"depth8_approx",
                  {{"tree_method", "approx"}, {"max_depth", "8"}, {"eta", "0.1"}},
                  30,
                  0.1},
        ModelCase{"categorical_partition",
                  Hist(5, {{"max_cat_to_onehot", "1"}, {"objective", "binary:logistic"}}), 45, 0.1,
                  2, 40, true},
        ModelCase{"categorical_onehot", Hist(4, {{"max_cat_to_onehot", "64"}}), 30, 0.1, 2, 6},
        ModelCase{"dart", Hist(3, {{"booster", "dart"}, {"rate_drop", "0.3"}}), 24, 0.1},
        ModelCase{
            "lossguide_deep",
            Hist(0,
                 {{"grow_policy", "lossguide"}, {"max_leaves", "96"}, {"min_child_weight", "0"}}),
            9, 0.2}),
    [](const ::testing::TestParamInfo<ModelCase>& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace candor::treeshap
