// candor::fairness proxies: how well a single feature, on its own, predicts a
// protected attribute, so that a model can be caught learning the attribute
// through a stand-in (DESIGN: careers visits falling with age band).
//
// For each feature and protected attribute, over the rows whose attribute value
// is known:
//  * auc: for every value v of the attribute, the ROC AUC of the feature as a
//    score for "attribute == v" (ties count one half), taken as max(AUC, 1 - AUC)
//    since a proxy may run either way; the largest over v (for a binary
//    attribute both values give the same number). A numeric feature scores by
//    its value; a categorical one by the share of v among the rows of its code
//    (the best any ordering of the codes can do, so optimistic for many codes).
//    Rows where the feature is missing (NaN) are left out of the AUC; the AUC is
//    null when fewer than two values of the attribute remain.
//  * mi: the mutual information between the discretised feature and the
//    attribute, in bits (log base 2), plug-in estimate. Numeric features fall into
//    `numeric_bins` quantile bins (bin edges at the i/bins quantiles of the
//    known values; tied edges merge bins); categorical features bin by code;
//    missing is a bin of its own. The plug-in estimate is biased upward by
//    about (bins - 1)(values - 1) / (2 n ln 2) bits.
// A pair is flagged when auc >= auc_threshold.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "fairness/groups.h"

namespace candor::fairness {

// The caller owns `values` (one per row; NaN = missing; for a categorical
// feature non-negative integer codes).
struct ProxyFeature {
  std::string name;
  std::span<const float> values;
  bool categorical = false;
};

struct ProxyOptions {
  double auc_threshold = 0.6;  // Default: flag at AUC >= 0.6
  int numeric_bins = 10;       // Default: deciles
};

struct ProxyReport {
  std::string feature;
  std::string attribute;
  std::optional<double> auc;
  std::optional<std::string> auc_value;  // the attribute value with the largest AUC
  double mi_bits = 0;
  std::size_t rows = 0;  // rows with a known attribute value
  bool flagged = false;
};

// One report per (feature, attribute), features outer, in the given orders.
// Errors (InvalidArgument): a feature whose length differs from the
// attributes', an empty or duplicate feature name, a categorical code that is
// not a non-negative integer, a bad option (threshold outside [0.5, 1], bins < 2).
core::Result<std::vector<ProxyReport>> DetectProxies(std::span<const ProxyFeature> features,
                                                     std::span<const ProtectedAttribute> attributes,
                                                     const ProxyOptions& options = {});

}  // namespace candor::fairness
