// candor::model reason codes: a score's exact contributions put into words
// (en, de), and the one change to an actionable feature that would raise the
// score most.
//
// Reasons are the strongest positive and the strongest negative contributions
// (margin units, from TreeSHAP: they sum with the bias to the margin), each with
// the feature's description and the subject's value, e.g.
//   en "Visits of the pricing page in the last 30 days: 5 (raises the score)"
//   de "Besuche der Preisseite in den letzten 30 Tagen: 5 (erhöht den Wert)"
// Contributions of exactly 0 are never reasons.
//
// The suggestion tries, for every actionable feature, the values at which a tree
// of the model changes its path (the split thresholds on that feature, and the
// value just below each), limited to the range seen in training and to whole
// numbers for count-like features; it keeps the change that raises the
// calibrated probability most (ties: the smallest change), and none when no
// change raises it. Only the trees that split on the feature are re-evaluated.
//
// Thread safety: free functions over immutable inputs.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/spec.h"
#include "treeshap/ensemble.h"

namespace candor::model {

struct Reason {
  std::string feature;
  double contribution = 0;
  std::string text_en, text_de;
  const std::string& text(std::string_view lang) const { return lang == "de" ? text_de : text_en; }
};

struct Suggestion {
  std::string feature;
  double from = 0, to = 0;  // from: NaN when the value is missing
  double probability = 0, score = 0;          // now
  double new_probability = 0, new_score = 0;  // after the change
  std::string text_en, text_de;
  const std::string& text(std::string_view lang) const { return lang == "de" ? text_de : text_en; }
};

// Up to `per_direction` positive reasons (largest first), then up to as many
// negative ones (most negative first). `row` holds the model's columns;
// `contributions` one value per column (the bias after them is ignored).
std::vector<Reason> TopReasons(const ModelSpec& spec, const float* row, const double* contributions,
                               int per_direction);

// The value of column `feature` of `row` in words ("5", "0.33", "senior",
// "unknown"; German: "0,33", "unbekannt").
std::string DescribeValue(const FeatureSpec& feature, float value, std::string_view lang);

// `v` with `decimals` digits after the separator, a decimal comma in German
// ("0,010"), a leading sign when `sign` ("+0,125", "-1,500").
std::string FormatDecimal(double v, int decimals, std::string_view lang, bool sign = false);

// Stored form of reasons: [{"feature","contribution","text":{"en","de"}}, ...].
nlohmann::json ReasonsToJson(const std::vector<Reason>& reasons);

// Score 0–100 with one decimal from a probability.
double ScoreOf(double probability);

// Split thresholds per feature, precomputed from the trees (see the file comment).
class ChangeFinder {
 public:
  ChangeFinder(const ModelSpec& spec, const treeshap::Ensemble& ensemble);
  // The best single change for `row` whose margin is `margin`; `calibrate` maps a
  // margin to the calibrated probability.
  std::optional<Suggestion> Best(const float* row, double margin,
                                 const std::function<double(double)>& calibrate) const;

 private:
  const ModelSpec& spec_;
  const treeshap::Ensemble& ensemble_;
  std::vector<std::vector<std::size_t>> trees_of_;  // per feature: trees that split on it
  std::vector<std::vector<float>> candidates_;      // per feature: values to try
};

}  // namespace candor::model
