// candor::model::Calibrator: maps a model's raw score (margin, log-odds) to a
// calibrated probability, fitted on the validation split.
//
// Two methods, both fitted from (margin, 0/1 label, optional weight) triples and
// both applied to a margin:
//
//   kIsotonic (the default): isotonic regression of the label on the model's own
//     probability p = 1 / (1 + exp(-margin)), by pool-adjacent-violators with
//     weights (equal probabilities are pooled first; adjacent blocks are merged
//     while a block's mean label is not above the previous one's, so the block
//     means strictly increase). Each block is kept as (weighted mean p, weighted
//     mean label); a new p is mapped by linear interpolation between adjacent
//     block centres, and held at the first / last block's value outside them.
//     The result is clipped to [eps, 1 - eps] (eps = 1e-6). The map never
//     reverses the model's ranking, but it can tie scores: all scores below the
//     first or above the last block centre, and scores clipped to eps or 1 - eps,
//     get the same probability.
//   kPlatt: Platt scaling, p = 1 / (1 + exp(-(a * margin + b))), fitted on the
//     margin by Newton's method with backtracking (Lin, Lin and Weng's variant)
//     against Platt's smoothed targets (N+ + 1) / (N+ + 2) for positives and
//     1 / (N- + 2) for negatives, N± the weight of each class. Strictly preserves
//     the ranking when a > 0.
//
// Example:
//   CANDOR_ASSIGN_OR_RETURN(Calibrator c, Calibrator::Fit(CalibrationMethod::kIsotonic,
//                                                         valid_margins, valid_labels, {}));
//   std::string stored = c.ToJson();
//   double p = c.Apply(margin);
//
// Serialized form (a small JSON object, a contract of the model registry):
//   {"method":"isotonic","eps":1e-06,"x":[…],"y":[…]}   block centres (x = p)
//   {"method":"platt","a":1.02,"b":-0.11}
//
// Thread safety: a Calibrator is immutable after construction; const methods may
// be called from several threads at once.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace candor::model {

enum class CalibrationMethod { kIsotonic, kPlatt };

// "isotonic" or "platt".
std::string_view CalibrationMethodName(CalibrationMethod method);

// Parses "isotonic" or "platt". InvalidArgument otherwise.
core::Result<CalibrationMethod> ParseCalibrationMethod(std::string_view name);

class Calibrator {
 public:
  // The clip bound of isotonic calibration.
  static constexpr double kIsotonicEps = 1e-6;

  // Fits `method` to the margins and 0/1 labels of the validation split, with
  // optional non-negative weights (empty = all 1).
  // Errors: InvalidArgument when the spans differ in length, are empty, a margin
  // is not finite, a label is not 0 or 1, a weight is negative or not finite, or
  // either class has no weight (nothing to calibrate against).
  static core::Result<Calibrator> Fit(CalibrationMethod method, std::span<const double> margins,
                                      std::span<const float> labels,
                                      std::span<const float> weights);

  // Reads the serialized form written by ToJson. InvalidArgument when `json` is
  // not such an object (unknown method, missing or non-finite numbers, isotonic
  // knots not strictly increasing in x or decreasing in y, values outside [0, 1]).
  static core::Result<Calibrator> FromJson(std::string_view json);

  // The serialized form; FromJson(ToJson()) applies identically.
  std::string ToJson() const;

  // The calibrated probability of a margin; NaN for a NaN margin.
  double Apply(double margin) const;
  std::vector<double> Apply(std::span<const double> margins) const;

  CalibrationMethod method() const { return method_; }
  // Platt coefficients (0 for isotonic).
  double a() const { return a_; }
  double b() const { return b_; }
  // Isotonic block centres (empty for Platt): x strictly increasing probabilities,
  // y the non-decreasing calibrated values at them.
  const std::vector<double>& knots_x() const { return x_; }
  const std::vector<double>& knots_y() const { return y_; }

 private:
  Calibrator() = default;

  CalibrationMethod method_ = CalibrationMethod::kIsotonic;
  double a_ = 0;
  double b_ = 0;
  double eps_ = kIsotonicEps;
  std::vector<double> x_;
  std::vector<double> y_;
};

}  // namespace candor::model
