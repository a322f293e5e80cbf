#include "fairness/resampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "model/metrics.h"

namespace candor::fairness {
namespace {

struct Rows {
  std::vector<float> y;
  std::vector<uint8_t> selected;
  std::vector<double> score, probability;
  std::vector<ProtectedAttribute> attributes;
};

// Scores on a coarse grid so that many rows tie; a few rows miss an attribute.
Rows RandomRows(std::size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> a(0, 1), b(0, 3), grid(0, 40);
  std::uniform_real_distribution<double> u(0, 1);
  Rows r;
  std::vector<std::optional<std::string>> va, vb;
  for (std::size_t i = 0; i < n; ++i) {
    const int ga = a(rng), gb = b(rng);
    va.emplace_back(i % 37 == 0 ? std::nullopt : std::optional<std::string>(ga ? "f" : "m"));
    vb.emplace_back(std::to_string(gb));
    const double p = grid(rng) / 40.0;
    r.score.push_back(p);
    r.probability.push_back(p);
    r.y.push_back(u(rng) < 0.2 + 0.5 * p - 0.05 * gb ? 1.0f : 0.0f);
    r.selected.push_back(p >= 0.6);
  }
  r.attributes.push_back(ProtectedAttribute::FromValues("a", va));
  r.attributes.push_back(ProtectedAttribute::FromValues("b", vb));
  return r;
}

TEST(ResamplerTest, IdentityMatchesTheModelMetricsPerGroup) {
  Rows r = RandomRows(3000, 7);
  auto groupings = BuildGroupings(r.attributes, r.y.size(), true);
  ASSERT_TRUE(groupings.ok());
  auto resampler = Resampler::Create(*groupings, r.y, r.selected, r.score, r.probability);
  ASSERT_TRUE(resampler.ok()) << resampler.status().ToString();
  Resampler::Scratch scratch;
  const GroupingCounts counts = resampler->Identity(scratch);
  ASSERT_EQ(counts.size(), 3u);
  for (std::size_t k = 0; k < groupings->size(); ++k) {
    const Grouping& g = (*groupings)[k];
    for (std::size_t v = 0; v < g.values.size(); ++v) {
      std::vector<double> s;
      std::vector<float> y;
      int64_t selected = 0, tp = 0;
      for (std::size_t i = 0; i < r.y.size(); ++i) {
        if (g.groups[i] != static_cast<int32_t>(v)) continue;
        s.push_back(r.score[i]);
        y.push_back(r.y[i]);
        selected += r.selected[i];
        tp += r.selected[i] && r.y[i] == 1.0f;
      }
      const GroupCounts& c = counts[k][v];
      EXPECT_EQ(c.n, static_cast<int64_t>(g.sizes[v]));
      EXPECT_EQ(c.selected, selected);
      EXPECT_EQ(c.true_positives, tp);
      EXPECT_NEAR(c.auc, *model::RocAuc(s, y), 1e-12) << g.name << " " << g.values[v];
      EXPECT_NEAR(c.ece, *model::ExpectedCalibrationError(s, y), 1e-12);
    }
  }
}

TEST(ResamplerTest, ResamplesKeepEveryGroupsSizeAndRepeatPerSeed) {
  Rows r = RandomRows(2000, 11);
  auto groupings = BuildGroupings(r.attributes, r.y.size(), true);
  ASSERT_TRUE(groupings.ok());
  auto resampler = Resampler::Create(*groupings, r.y, r.selected, r.score, r.probability);
  ASSERT_TRUE(resampler.ok());
  EXPECT_EQ(resampler->strata(), 12u);  // (2 values + missing) x 4
  Resampler::Scratch s1, s2;
  bool differs = false;
  for (uint64_t i = 0; i < 20; ++i) {
    const GroupingCounts a = resampler->Resample(5, i, s1);
    const GroupingCounts b = resampler->Resample(5, i, s2);
    const GroupingCounts other = resampler->Resample(6, i, s2);
    for (std::size_t k = 0; k < a.size(); ++k) {
      for (std::size_t v = 0; v < a[k].size(); ++v) {
        EXPECT_EQ(a[k][v].n, static_cast<int64_t>((*groupings)[k].sizes[v]));
        EXPECT_EQ(a[k][v].positives, b[k][v].positives);
        // Bit-identical, not merely close.
        EXPECT_EQ(std::isnan(a[k][v].auc) ? -1.0 : a[k][v].auc,
                  std::isnan(b[k][v].auc) ? -1.0 : b[k][v].auc);
        differs |= a[k][v].positives != other[k][v].positives;
      }
    }
  }
  EXPECT_TRUE(differs);
}

TEST(ResamplerTest, WithoutScoresOrProbabilitiesAucAndEceAreUndefined) {
  Rows r = RandomRows(200, 3);
  auto groupings = BuildGroupings(r.attributes, r.y.size(), false);
  ASSERT_TRUE(groupings.ok());
  auto resampler = Resampler::Create(*groupings, r.y, r.selected, {}, {});
  ASSERT_TRUE(resampler.ok());
  Resampler::Scratch scratch;
  const GroupingCounts c = resampler->Resample(1, 0, scratch);
  EXPECT_TRUE(std::isnan(c[0][0].auc));
  EXPECT_TRUE(std::isnan(c[0][0].ece));
}

TEST(ResamplerTest, RefusesBadInput) {
  Rows r = RandomRows(50, 3);
  auto groupings = BuildGroupings(r.attributes, r.y.size(), false);
  ASSERT_TRUE(groupings.ok());
  std::vector<float> y = r.y;
  y[3] = 2;
  auto bad_label = Resampler::Create(*groupings, y, r.selected, r.score, r.probability);
  ASSERT_FALSE(bad_label.ok());
  EXPECT_EQ(bad_label.status().code(), core::StatusCode::kInvalidArgument);
  std::vector<double> p = r.probability;
  p[0] = 1.5;
  EXPECT_FALSE(Resampler::Create(*groupings, r.y, r.selected, r.score, p).ok());
  std::vector<double> s = r.score;
  s[1] = std::nan("");
  EXPECT_FALSE(Resampler::Create(*groupings, r.y, r.selected, s, r.probability).ok());
  std::vector<uint8_t> short_sel(10, 0);
  EXPECT_FALSE(Resampler::Create(*groupings, r.y, short_sel, r.score, r.probability).ok());
}

}  // namespace
}  // namespace candor::fairness
