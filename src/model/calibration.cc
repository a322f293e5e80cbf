#include "model/calibration.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>

namespace candor::model {
namespace {

double Sigmoid(double z) {
  if (z >= 0) return 1 / (1 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1 + e);
}

core::Status CheckInputs(std::span<const double> margins, std::span<const float> labels,
                         std::span<const float> weights) {
  if (margins.empty()) return core::InvalidArgument("calibration needs at least one row");
  if (labels.size() != margins.size()) {
    return core::InvalidArgument(
        fmt::format("{} labels for {} margins", labels.size(), margins.size()));
  }
  if (!weights.empty() && weights.size() != margins.size()) {
    return core::InvalidArgument(
        fmt::format("{} weights for {} margins", weights.size(), margins.size()));
  }
  double pos = 0, neg = 0;
  for (std::size_t i = 0; i < margins.size(); ++i) {
    if (!std::isfinite(margins[i])) {
      return core::InvalidArgument(fmt::format("row {}: the margin is not finite", i));
    }
    if (labels[i] != 0.0f && labels[i] != 1.0f) {
      return core::InvalidArgument(fmt::format("row {}: a label must be 0 or 1", i));
    }
    const float w = weights.empty() ? 1.0f : weights[i];
    if (!std::isfinite(w) || w < 0.0f) {
      return core::InvalidArgument(fmt::format("row {}: a weight must be finite and >= 0", i));
    }
    (labels[i] == 1.0f ? pos : neg) += w;
  }
  if (pos <= 0 || neg <= 0) {
    return core::InvalidArgument("calibration needs weight on both classes");
  }
  return core::Status::Ok();
}

struct Block {
  double sum_wx = 0;
  double sum_wy = 0;
  double w = 0;
  double mean_y() const { return sum_wy / w; }
};

// Pool-adjacent-violators on (p, label, weight), p = the model's probability.
// Returns the block centres as (x, y).
void FitIsotonic(std::span<const double> margins, std::span<const float> labels,
                 std::span<const float> weights, std::vector<double>& x, std::vector<double>& y) {
  std::vector<std::size_t> order;
  std::vector<double> p(margins.size());
  for (std::size_t i = 0; i < margins.size(); ++i) {
    p[i] = Sigmoid(margins[i]);
    if (weights.empty() || weights[i] > 0.0f) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&p](std::size_t i, std::size_t j) { return p[i] < p[j]; });
  std::vector<Block> blocks;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t i = order[k];
    const double w = weights.empty() ? 1.0 : weights[i];
    Block b{w * p[i], w * labels[i], w};
    // Equal probabilities are one point: pooled before any violation is looked at.
    if (k > 0 && p[i] == p[order[k - 1]]) {
      blocks.back().sum_wx += b.sum_wx;
      blocks.back().sum_wy += b.sum_wy;
      blocks.back().w += b.w;
    } else {
      blocks.push_back(b);
    }
    while (blocks.size() >= 2 && blocks[blocks.size() - 2].mean_y() >= blocks.back().mean_y()) {
      Block last = blocks.back();
      blocks.pop_back();
      blocks.back().sum_wx += last.sum_wx;
      blocks.back().sum_wy += last.sum_wy;
      blocks.back().w += last.w;
    }
  }
  x.clear();
  y.clear();
  for (const Block& b : blocks) {
    x.push_back(b.sum_wx / b.w);
    y.push_back(b.mean_y());
  }
}

// Platt scaling by Newton's method with backtracking line search, after Lin, Lin
// and Weng, "A note on Platt's probabilistic outputs for support vector machines"
// (2007), with P(y=1) = 1 / (1 + exp(A f + B)), A and B held in coef_a and coef_b;
// returns a = -A, b = -B.
void FitPlatt(std::span<const double> f, std::span<const float> labels,
              std::span<const float> weights, double& a, double& b) {
  const std::size_t n = f.size();
  auto w = [&weights](std::size_t i) { return weights.empty() ? 1.0 : double{weights[i]}; };
  double prior1 = 0, prior0 = 0;
  for (std::size_t i = 0; i < n; ++i) (labels[i] == 1.0f ? prior1 : prior0) += w(i);
  const double hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
  std::vector<double> t(n);
  for (std::size_t i = 0; i < n; ++i) t[i] = labels[i] == 1.0f ? hi : lo;

  // The negative log-likelihood, computed without overflow.
  auto objective = [&](double ca, double cb) {
    double v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double z = f[i] * ca + cb;
      v += w(i) * (z >= 0 ? t[i] * z + std::log1p(std::exp(-z))
                          : (t[i] - 1) * z + std::log1p(std::exp(z)));
    }
    return v;
  };
  constexpr int kMaxIterations = 100;
  constexpr double kMinStep = 1e-10;
  constexpr double kSigma = 1e-12;  // keeps the Hessian positive definite
  const double tolerance = 1e-10 * std::max(1.0, prior0 + prior1);
  double coef_a = 0, coef_b = std::log((prior0 + 1) / (prior1 + 1));
  double fval = objective(coef_a, coef_b);
  for (int it = 0; it < kMaxIterations; ++it) {
    double h11 = kSigma, h22 = kSigma, h21 = 0, g1 = 0, g2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double z = f[i] * coef_a + coef_b;
      // p = P(y=1) = 1 / (1 + exp(z)), q = 1 - p.
      const double p = Sigmoid(-z), q = Sigmoid(z);
      const double d2 = w(i) * p * q;
      h11 += f[i] * f[i] * d2;
      h22 += d2;
      h21 += f[i] * d2;
      const double d1 = w(i) * (t[i] - p);
      g1 += f[i] * d1;
      g2 += d1;
    }
    if (std::abs(g1) < tolerance && std::abs(g2) < tolerance) break;
    const double det = h11 * h22 - h21 * h21;
    const double step_a = -(h22 * g1 - h21 * g2) / det;
    const double step_b = -(-h21 * g1 + h11 * g2) / det;
    const double gd = g1 * step_a + g2 * step_b;
    double step = 1;
    while (step >= kMinStep) {
      const double new_a = coef_a + step * step_a, new_b = coef_b + step * step_b;
      const double nf = objective(new_a, new_b);
      if (nf < fval + 1e-4 * step * gd) {
        coef_a = new_a;
        coef_b = new_b;
        fval = nf;
        break;
      }
      step /= 2;
    }
    if (step < kMinStep) break;  // no further decrease: at the optimum within rounding
  }
  a = -coef_a;
  b = -coef_b;
}

core::Result<double> Number(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) {
    return core::InvalidArgument(fmt::format("calibration JSON: '{}' must be a number", key));
  }
  const double v = j[key].get<double>();
  if (!std::isfinite(v)) {
    return core::InvalidArgument(fmt::format("calibration JSON: '{}' is not finite", key));
  }
  return v;
}

core::Result<std::vector<double>> Probabilities(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_array() || j[key].empty()) {
    return core::InvalidArgument(
        fmt::format("calibration JSON: '{}' must be a non-empty array", key));
  }
  std::vector<double> out;
  for (const nlohmann::json& v : j[key]) {
    if (!v.is_number() || !(v.get<double>() >= 0 && v.get<double>() <= 1)) {
      return core::InvalidArgument(
          fmt::format("calibration JSON: '{}' must hold numbers in [0, 1]", key));
    }
    out.push_back(v.get<double>());
  }
  return out;
}

}  // namespace

std::string_view CalibrationMethodName(CalibrationMethod method) {
  return method == CalibrationMethod::kPlatt ? "platt" : "isotonic";
}

core::Result<CalibrationMethod> ParseCalibrationMethod(std::string_view name) {
  if (name == "isotonic") return CalibrationMethod::kIsotonic;
  if (name == "platt") return CalibrationMethod::kPlatt;
  return core::InvalidArgument(
      fmt::format("unknown calibration method '{}' (expected isotonic or platt)", name));
}

core::Result<Calibrator> Calibrator::Fit(CalibrationMethod method, std::span<const double> margins,
                                         std::span<const float> labels,
                                         std::span<const float> weights) {
  CANDOR_RETURN_IF_ERROR(CheckInputs(margins, labels, weights));
  Calibrator c;
  c.method_ = method;
  if (method == CalibrationMethod::kPlatt) {
    FitPlatt(margins, labels, weights, c.a_, c.b_);
  } else {
    FitIsotonic(margins, labels, weights, c.x_, c.y_);
  }
  return c;
}

core::Result<Calibrator> Calibrator::FromJson(std::string_view json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("method") || !j["method"].is_string()) {
    return core::InvalidArgument("calibration JSON: not an object with a 'method'");
  }
  CANDOR_ASSIGN_OR_RETURN(const CalibrationMethod method,
                          ParseCalibrationMethod(j["method"].get<std::string>()));
  Calibrator c;
  c.method_ = method;
  if (method == CalibrationMethod::kPlatt) {
    CANDOR_ASSIGN_OR_RETURN(c.a_, Number(j, "a"));
    CANDOR_ASSIGN_OR_RETURN(c.b_, Number(j, "b"));
    return c;
  }
  CANDOR_ASSIGN_OR_RETURN(c.eps_, Number(j, "eps"));
  if (!(c.eps_ >= 0 && c.eps_ < 0.5)) {
    return core::InvalidArgument("calibration JSON: 'eps' must be in [0, 0.5)");
  }
  CANDOR_ASSIGN_OR_RETURN(c.x_, Probabilities(j, "x"));
  CANDOR_ASSIGN_OR_RETURN(c.y_, Probabilities(j, "y"));
  if (c.x_.size() != c.y_.size()) {
    return core::InvalidArgument("calibration JSON: 'x' and 'y' differ in length");
  }
  for (std::size_t i = 1; i < c.x_.size(); ++i) {
    if (!(c.x_[i - 1] < c.x_[i]) || c.y_[i - 1] > c.y_[i]) {
      return core::InvalidArgument(
          "calibration JSON: 'x' must strictly increase and 'y' must not decrease");
    }
  }
  return c;
}

std::string Calibrator::ToJson() const {
  nlohmann::ordered_json j;
  j["method"] = CalibrationMethodName(method_);
  if (method_ == CalibrationMethod::kPlatt) {
    j["a"] = a_;
    j["b"] = b_;
  } else {
    j["eps"] = eps_;
    j["x"] = x_;
    j["y"] = y_;
  }
  return j.dump();
}

double Calibrator::Apply(double margin) const {
  if (std::isnan(margin)) return std::numeric_limits<double>::quiet_NaN();
  if (method_ == CalibrationMethod::kPlatt) return Sigmoid(a_ * margin + b_);
  const double p = Sigmoid(margin);
  double v;
  if (p <= x_.front()) {
    v = y_.front();
  } else if (p >= x_.back()) {
    v = y_.back();
  } else {
    const std::size_t hi =
        static_cast<std::size_t>(std::upper_bound(x_.begin(), x_.end(), p) - x_.begin());
    const std::size_t lo = hi - 1;
    const double t = (p - x_[lo]) / (x_[hi] - x_[lo]);
    v = y_[lo] + t * (y_[hi] - y_[lo]);
  }
  return std::clamp(v, eps_, 1 - eps_);
}

std::vector<double> Calibrator::Apply(std::span<const double> margins) const {
  std::vector<double> out;
  out.reserve(margins.size());
  for (double m : margins) out.push_back(Apply(m));
  return out;
}

}  // namespace candor::model
