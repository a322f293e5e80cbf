#include "model/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace candor::model {
namespace {

double WeightOf(std::span<const float> weights, std::size_t i) {
  return weights.empty() ? 1.0 : double{weights[i]};
}

enum class Scores { kProbabilities, kAnyFinite };

// Checks the common contract; returns the total weight of positives and negatives.
core::Status Check(std::span<const double> p, std::span<const float> y, std::span<const float> w,
                   double& pos, double& neg, Scores scores = Scores::kProbabilities) {
  if (y.size() != p.size()) {
    return core::InvalidArgument(fmt::format("{} labels for {} probabilities", y.size(), p.size()));
  }
  if (!w.empty() && w.size() != p.size()) {
    return core::InvalidArgument(
        fmt::format("{} weights for {} probabilities", w.size(), p.size()));
  }
  pos = 0;
  neg = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (scores == Scores::kAnyFinite && !std::isfinite(p[i])) {
      return core::InvalidArgument(fmt::format("row {}: a score must be finite", i));
    }
    if (scores == Scores::kProbabilities && !(p[i] >= 0 && p[i] <= 1)) {
      return core::InvalidArgument(fmt::format("row {}: a probability must be in [0, 1]", i));
    }
    if (y[i] != 0.0f && y[i] != 1.0f) {
      return core::InvalidArgument(fmt::format("row {}: a label must be 0 or 1", i));
    }
    const double wi = WeightOf(w, i);
    if (!std::isfinite(wi) || wi < 0) {
      return core::InvalidArgument(fmt::format("row {}: a weight must be finite and >= 0", i));
    }
    (y[i] == 1.0f ? pos : neg) += wi;
  }
  if (pos + neg <= 0) return core::InvalidArgument("no rows (or no weight) to evaluate");
  return core::Status::Ok();
}

// Rows of positive weight grouped by equal probability, in the given direction.
struct Group {
  double p = 0;
  double pos = 0;  // weight of positives
  double neg = 0;  // weight of negatives
};

std::vector<Group> TieGroups(std::span<const double> p, std::span<const float> y,
                             std::span<const float> w, bool descending) {
  std::vector<std::size_t> order;
  order.reserve(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (WeightOf(w, i) > 0) order.push_back(i);
  }
  std::sort(order.begin(), order.end(),
            [&](std::size_t i, std::size_t j) { return descending ? p[i] > p[j] : p[i] < p[j]; });
  std::vector<Group> groups;
  for (std::size_t i : order) {
    if (groups.empty() || groups.back().p != p[i]) groups.push_back({p[i], 0, 0});
    (y[i] == 1.0f ? groups.back().pos : groups.back().neg) += WeightOf(w, i);
  }
  return groups;
}

}  // namespace

core::Result<double> RocAuc(std::span<const double> probabilities, std::span<const float> labels,
                            std::span<const float> weights) {
  double pos = 0, neg = 0;
  CANDOR_RETURN_IF_ERROR(Check(probabilities, labels, weights, pos, neg, Scores::kAnyFinite));
  if (pos <= 0 || neg <= 0) {
    return core::InvalidArgument("ROC AUC needs positive and negative rows");
  }
  double u = 0, neg_below = 0;
  for (const Group& g : TieGroups(probabilities, labels, weights, /*descending=*/false)) {
    u += g.pos * (neg_below + 0.5 * g.neg);
    neg_below += g.neg;
  }
  return u / (pos * neg);
}

core::Result<double> AveragePrecision(std::span<const double> probabilities,
                                      std::span<const float> labels,
                                      std::span<const float> weights) {
  double pos = 0, neg = 0;
  CANDOR_RETURN_IF_ERROR(Check(probabilities, labels, weights, pos, neg, Scores::kAnyFinite));
  if (pos <= 0) return core::InvalidArgument("average precision needs positive rows");
  double tp = 0, fp = 0, recall = 0, ap = 0;
  for (const Group& g : TieGroups(probabilities, labels, weights, /*descending=*/true)) {
    tp += g.pos;
    fp += g.neg;
    const double r = tp / pos;
    ap += (r - recall) * (tp / (tp + fp));
    recall = r;
  }
  return ap;
}

core::Result<double> LogLoss(std::span<const double> probabilities, std::span<const float> labels,
                             std::span<const float> weights) {
  double pos = 0, neg = 0;
  CANDOR_RETURN_IF_ERROR(Check(probabilities, labels, weights, pos, neg));
  constexpr double kEps = 1e-15;
  double sum = 0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const double p = std::clamp(probabilities[i], kEps, 1 - kEps);
    sum -= WeightOf(weights, i) * (labels[i] == 1.0f ? std::log(p) : std::log(1 - p));
  }
  return sum / (pos + neg);
}

core::Result<double> BrierScore(std::span<const double> probabilities,
                                std::span<const float> labels, std::span<const float> weights) {
  double pos = 0, neg = 0;
  CANDOR_RETURN_IF_ERROR(Check(probabilities, labels, weights, pos, neg));
  double sum = 0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const double d = probabilities[i] - labels[i];
    sum += WeightOf(weights, i) * d * d;
  }
  return sum / (pos + neg);
}

core::Result<double> ExpectedCalibrationError(std::span<const double> probabilities,
                                              std::span<const float> labels,
                                              std::span<const float> weights) {
  double pos = 0, neg = 0;
  CANDOR_RETURN_IF_ERROR(Check(probabilities, labels, weights, pos, neg));
  constexpr int kBins = 10;
  double n[kBins] = {}, sum_p[kBins] = {}, sum_y[kBins] = {};
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const int bin = std::min(static_cast<int>(std::floor(probabilities[i] * kBins)), kBins - 1);
    const double w = WeightOf(weights, i);
    n[bin] += w;
    sum_p[bin] += w * probabilities[i];
    sum_y[bin] += w * labels[i];
  }
  double ece = 0;
  for (int b = 0; b < kBins; ++b) {
    if (n[b] > 0) ece += std::abs(sum_p[b] / n[b] - sum_y[b] / n[b]) * n[b];
  }
  return ece / (pos + neg);
}

core::Result<LiftPoint> LiftAtTop(double fraction, std::span<const double> probabilities,
                                  std::span<const float> labels, std::span<const float> weights) {
  if (!(fraction > 0 && fraction <= 1)) {
    return core::InvalidArgument(fmt::format("lift fraction must be in (0, 1], got {}", fraction));
  }
  double pos = 0, neg = 0;
  CANDOR_RETURN_IF_ERROR(Check(probabilities, labels, weights, pos, neg, Scores::kAnyFinite));
  if (pos <= 0) return core::InvalidArgument("lift needs positive rows");
  const std::vector<Group> groups = TieGroups(probabilities, labels, weights, /*descending=*/true);
  // Totals summed in the order of the walk below, so the top 100 % is exactly
  // the base rate.
  double total = 0, total_pos = 0;
  for (const Group& g : groups) {
    total += g.pos + g.neg;
    total_pos += g.pos;
  }
  const double cut = fraction == 1 ? total : fraction * total;
  double taken = 0, taken_pos = 0;
  for (const Group& g : groups) {
    const double gw = g.pos + g.neg;
    if (taken + gw <= cut) {
      taken += gw;
      taken_pos += g.pos;
      continue;
    }
    taken_pos += g.pos * ((cut - taken) / gw);  // the straddling tie group, in proportion
    taken = cut;
    break;
  }
  LiftPoint point;
  point.fraction = fraction;
  point.positive_rate = taken_pos / taken;
  point.lift = point.positive_rate / (total_pos / total);
  return point;
}

core::Result<std::vector<LiftPoint>> LiftAtTopDeciles(std::span<const double> probabilities,
                                                      std::span<const float> labels,
                                                      std::span<const float> weights) {
  std::vector<LiftPoint> out;
  for (int k = 1; k <= 10; ++k) {
    CANDOR_ASSIGN_OR_RETURN(LiftPoint p, LiftAtTop(k / 10.0, probabilities, labels, weights));
    out.push_back(p);
  }
  return out;
}

}  // namespace candor::model
