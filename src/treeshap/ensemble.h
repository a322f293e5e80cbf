// candor::treeshap::Ensemble: an XGBoost tree ensemble read from its JSON model.
//
// The model is the text of XGBoosterSaveModelToBuffer with {"format":"json"} (or a
// saved .json model file) of XGBoost 1.7: a gbtree or dart booster with one output
// group (regression, binary classification, ranking; multi-class is refused). The
// library does not link XGBoost; it only reads the JSON.
//
// Semantics follow XGBoost 1.7.4's CPU predictor exactly:
//   * a numeric split sends x left iff float(x) < float(split_condition);
//   * a missing value (NaN) follows default_left;
//   * a categorical split (split_type 1) sends x right iff int(x) is one of the
//     node's listed categories; any other value, including negative, fractional
//     below 0 and unseen codes, goes left (only NaN follows default_left);
//   * a leaf's value is its split_condition (not base_weights, which differ for
//     some tree methods), scaled by the tree's weight_drop for dart;
//   * the base margin is logit(base_score) for binary:logistic and reg:logistic,
//     log(base_score) for count:poisson, reg:gamma and reg:tweedie, and
//     base_score itself for the other supported objectives.
//
// Errors: FromXgboostJson returns kInvalidArgument, naming the offending field,
// for text that is not JSON, a schema it does not know, a multi-class model, an
// unsupported objective or booster, or a malformed tree (sizes, child indices,
// feature indices, categories).
//
// Thread safety: an Ensemble is immutable after construction; const methods may be
// called from any number of threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace candor::treeshap {

// One regression tree in structure-of-arrays form; node 0 is the root. A node is a
// leaf iff left[n] < 0. Exposed for the explainer; callers normally need only
// Ensemble's methods.
struct Tree {
  std::vector<std::int32_t> left;
  std::vector<std::int32_t> right;
  std::vector<std::int32_t> feature;  // split feature (unused for leaves)
  std::vector<float> value;           // split threshold, or the leaf value
  std::vector<float> cover;           // sum_hessian of the node
  std::vector<std::uint8_t> default_left;
  std::vector<std::uint8_t> categorical;  // split_type == 1
  // Categories of categorical node n, sorted: cats[cat_begin[n], cat_end[n]).
  std::vector<std::uint32_t> cat_begin;
  std::vector<std::uint32_t> cat_end;
  std::vector<std::int32_t> cats;
  double weight = 1.0;  // dart's weight_drop; 1 for gbtree

  std::size_t num_nodes() const { return left.size(); }
  bool IsLeaf(std::int32_t n) const { return left[static_cast<std::size_t>(n)] < 0; }
  // Whether value x (NaN = missing) goes to the left child of internal node n.
  bool GoesLeft(std::int32_t n, float x) const;
  // Whether category code x is one of node n's listed categories.
  bool InCategories(std::int32_t n, float x) const;
};

class Ensemble {
 public:
  // Parses an XGBoost JSON model (see the file comment for what is accepted).
  static core::Result<Ensemble> FromXgboostJson(std::string_view json);

  std::size_t num_features() const { return num_features_; }
  // learner.feature_names; empty when the model was trained without names.
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  // The margin every prediction starts from (see the file comment).
  double base_margin() const { return base_margin_; }
  std::size_t num_trees() const { return trees_.size(); }
  const std::vector<Tree>& trees() const { return trees_; }
  const std::string& objective() const { return objective_; }

  // The margin (output_margin) of one row of num_features() floats, NaN = missing,
  // summed in double. Requires row.size() >= num_features().
  double PredictMargin(std::span<const float> row) const;

 private:
  std::size_t num_features_ = 0;
  std::vector<std::string> feature_names_;
  double base_margin_ = 0.0;
  std::string objective_;
  std::vector<Tree> trees_;
};

}  // namespace candor::treeshap
