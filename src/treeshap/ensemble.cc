#include "treeshap/ensemble.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace candor::treeshap {
namespace {

using Json = nlohmann::json;

// XGBoost's InvalidCat(): codes at or above 2^24 - 1 are not categories.
constexpr float kMaxCategory = 16777216.0f - 1.0f;

// XGBoost writes NaN and Infinity as bare words, which JSON does not allow. They are
// rewritten outside strings: NaN to null, infinities to the strings "inf"/"-inf".
std::string SanitizeNonFinite(std::string_view in) {
  std::string out;
  out.reserve(in.size() + 64);
  bool in_string = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < in.size()) {
        out.push_back(in[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (in.substr(i, 3) == "NaN") {
      out += "null";
      i += 2;
      continue;
    } else if (in.substr(i, 8) == "Infinity") {
      out += "\"inf\"";
      i += 7;
      continue;
    } else if (in.substr(i, 9) == "-Infinity") {
      out += "\"-inf\"";
      i += 8;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

core::Status Bad(const std::string& where, const std::string& what) {
  return core::InvalidArgument("XGBoost JSON model: " + where + ": " + what);
}

core::Result<const Json*> Member(const Json& j, const char* key, const std::string& where) {
  if (!j.is_object()) return Bad(where, "expected an object");
  auto it = j.find(key);
  if (it == j.end()) return Bad(where, std::string("missing \"") + key + "\"");
  return &*it;
}

// A number that XGBoost may also write as a string ("3E-1") or as NaN/Infinity.
core::Result<double> Number(const Json& j, const std::string& where) {
  if (j.is_number()) return j.get<double>();
  if (j.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == s.size() && used > 0) return v;
  }
  return Bad(where, "expected a number");
}

float ToFloat(double v) {
  if (std::isnan(v)) return std::numeric_limits<float>::quiet_NaN();
  if (v > std::numeric_limits<float>::max()) return std::numeric_limits<float>::infinity();
  if (v < -std::numeric_limits<float>::max()) return -std::numeric_limits<float>::infinity();
  return static_cast<float>(v);
}

template <typename T>
core::Result<std::vector<T>> NumberArray(const Json& tree, const char* key, std::size_t n,
                                         const std::string& where) {
  CANDOR_ASSIGN_OR_RETURN(const Json* a, Member(tree, key, where));
  std::string w = where + "." + key;
  if (!a->is_array()) return Bad(w, "expected an array");
  if (n != SIZE_MAX && a->size() != n) {
    return Bad(w, "has " + std::to_string(a->size()) + " entries, expected " + std::to_string(n));
  }
  std::vector<T> out;
  out.reserve(a->size());
  for (const Json& e : *a) {
    CANDOR_ASSIGN_OR_RETURN(double v, Number(e, w));
    if constexpr (std::is_same_v<T, float>) {
      out.push_back(ToFloat(v));
    } else if constexpr (std::is_same_v<T, double>) {
      out.push_back(v);
    } else {
      if (!(v >= static_cast<double>(std::numeric_limits<T>::min()) &&
            v <= static_cast<double>(std::numeric_limits<T>::max()) && v == std::floor(v))) {
        return Bad(w, "expected integers");
      }
      out.push_back(static_cast<T>(v));
    }
  }
  return out;
}

core::Result<double> BaseMargin(const std::string& objective, double base_score) {
  static const char* const kIdentity[] = {
      "reg:squarederror",  "reg:linear",      "reg:squaredlogerror", "reg:pseudohubererror",
      "reg:absoluteerror", "binary:logitraw", "binary:hinge",        "rank:pairwise",
      "rank:ndcg",         "rank:map"};
  if (objective == "binary:logistic" || objective == "reg:logistic") {
    if (!(base_score > 0 && base_score < 1)) {
      return Bad("learner_model_param.base_score", "must be in (0, 1) for " + objective);
    }
    return std::log(base_score / (1 - base_score));
  }
  if (objective == "count:poisson" || objective == "reg:gamma" || objective == "reg:tweedie") {
    if (!(base_score > 0)) return Bad("learner_model_param.base_score", "must be > 0");
    return std::log(base_score);
  }
  for (const char* name : kIdentity) {
    if (objective == name) return base_score;
  }
  if (objective.rfind("multi:", 0) == 0) {
    return Bad("learner.objective", objective + ": multi-class models are not supported");
  }
  return Bad("learner.objective", "unsupported objective \"" + objective + "\"");
}

// Reads one tree and checks that it is a proper binary tree rooted at node 0.
core::Result<Tree> ParseTree(const Json& j, std::size_t num_features, const std::string& where) {
  CANDOR_ASSIGN_OR_RETURN(const Json* param, Member(j, "tree_param", where));
  CANDOR_ASSIGN_OR_RETURN(const Json* nn, Member(*param, "num_nodes", where + ".tree_param"));
  CANDOR_ASSIGN_OR_RETURN(double num_nodes_d, Number(*nn, where + ".tree_param.num_nodes"));
  if (!(num_nodes_d >= 1 && num_nodes_d < 1e8)) return Bad(where, "num_nodes out of range");
  auto n = static_cast<std::size_t>(num_nodes_d);
  Tree t;
  CANDOR_ASSIGN_OR_RETURN(t.left, NumberArray<std::int32_t>(j, "left_children", n, where));
  CANDOR_ASSIGN_OR_RETURN(t.right, NumberArray<std::int32_t>(j, "right_children", n, where));
  CANDOR_ASSIGN_OR_RETURN(t.feature, NumberArray<std::int32_t>(j, "split_indices", n, where));
  CANDOR_ASSIGN_OR_RETURN(t.value, NumberArray<float>(j, "split_conditions", n, where));
  CANDOR_ASSIGN_OR_RETURN(t.cover, NumberArray<float>(j, "sum_hessian", n, where));
  CANDOR_ASSIGN_OR_RETURN(t.default_left, NumberArray<std::uint8_t>(j, "default_left", n, where));
  t.categorical.assign(n, 0);
  if (j.contains("split_type")) {
    CANDOR_ASSIGN_OR_RETURN(t.categorical, NumberArray<std::uint8_t>(j, "split_type", n, where));
  }
  t.cat_begin.assign(n, 0);
  t.cat_end.assign(n, 0);
  if (j.contains("categories_nodes")) {
    CANDOR_ASSIGN_OR_RETURN(auto nodes,
                            NumberArray<std::int32_t>(j, "categories_nodes", SIZE_MAX, where));
    CANDOR_ASSIGN_OR_RETURN(
        auto segs, NumberArray<std::uint32_t>(j, "categories_segments", nodes.size(), where));
    CANDOR_ASSIGN_OR_RETURN(auto sizes,
                            NumberArray<std::uint32_t>(j, "categories_sizes", nodes.size(), where));
    CANDOR_ASSIGN_OR_RETURN(auto cats, NumberArray<std::int32_t>(j, "categories", SIZE_MAX, where));
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      auto node = static_cast<std::size_t>(nodes[i]);
      if (nodes[i] < 0 || node >= n || !t.categorical[node]) {
        return Bad(where + ".categories_nodes", "names a node that is not a categorical split");
      }
      if (std::uint64_t{segs[i]} + sizes[i] > cats.size()) {
        return Bad(where + ".categories_segments", "out of range");
      }
      t.cat_begin[node] = static_cast<std::uint32_t>(t.cats.size());
      t.cats.insert(t.cats.end(), cats.begin() + segs[i], cats.begin() + segs[i] + sizes[i]);
      t.cat_end[node] = static_cast<std::uint32_t>(t.cats.size());
      std::sort(t.cats.begin() + t.cat_begin[node], t.cats.end());
    }
  }
  // Every node reached exactly once from the root, both children or none.
  std::vector<std::uint8_t> seen(n, 0);
  std::vector<std::int32_t> stack = {0};
  std::size_t reached = 0;
  while (!stack.empty()) {
    auto node = static_cast<std::size_t>(stack.back());
    stack.pop_back();
    if (seen[node]) return Bad(where, "node " + std::to_string(node) + " has two parents");
    seen[node] = 1;
    ++reached;
    std::string at = where + " node " + std::to_string(node);
    if (t.left[node] < 0) {
      if (t.right[node] >= 0) return Bad(at, "has one child");
      if (!std::isfinite(t.value[node])) return Bad(at, "leaf value is not finite");
      continue;
    }
    for (std::int32_t c : {t.left[node], t.right[node]}) {
      if (c < 0 || static_cast<std::size_t>(c) >= n) return Bad(at, "child index out of range");
      stack.push_back(c);
    }
    if (t.feature[node] < 0 || static_cast<std::size_t>(t.feature[node]) >= num_features) {
      return Bad(at, "split feature out of range");
    }
    if (t.categorical[node] > 1) return Bad(at, "unknown split_type");
    if (t.categorical[node] && t.cat_begin[node] == t.cat_end[node]) {
      return Bad(at, "categorical split without categories");
    }
    if (!(t.cover[node] > 0)) return Bad(at, "sum_hessian of a split must be positive");
  }
  (void)reached;
  return t;
}

}  // namespace

bool Tree::InCategories(std::int32_t n, float x) const {
  if (!(x >= 0.0f && x < kMaxCategory)) return false;  // also NaN
  auto code = static_cast<std::int32_t>(x);
  auto u = static_cast<std::size_t>(n);
  return std::binary_search(cats.begin() + cat_begin[u], cats.begin() + cat_end[u], code);
}

bool Tree::GoesLeft(std::int32_t n, float x) const {
  auto u = static_cast<std::size_t>(n);
  if (std::isnan(x)) return default_left[u] != 0;
  if (categorical[u]) return !InCategories(n, x);
  return x < value[u];
}

core::Result<Ensemble> Ensemble::FromXgboostJson(std::string_view json) {
  Json root = Json::parse(SanitizeNonFinite(json), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Bad("model", "not valid JSON");
  CANDOR_ASSIGN_OR_RETURN(const Json* learner, Member(root, "learner", "model"));
  CANDOR_ASSIGN_OR_RETURN(const Json* lmp, Member(*learner, "learner_model_param", "learner"));
  Ensemble e;
  CANDOR_ASSIGN_OR_RETURN(const Json* nf, Member(*lmp, "num_feature", "learner_model_param"));
  CANDOR_ASSIGN_OR_RETURN(double num_features, Number(*nf, "learner_model_param.num_feature"));
  if (!(num_features >= 1 && num_features < 1e7)) {
    return Bad("learner_model_param.num_feature", "out of range");
  }
  e.num_features_ = static_cast<std::size_t>(num_features);
  if (lmp->contains("num_class")) {
    CANDOR_ASSIGN_OR_RETURN(double k, Number((*lmp)["num_class"], "learner_model_param"));
    if (k > 1) return Bad("learner_model_param.num_class", "multi-class models are not supported");
  }
  if (lmp->contains("num_target")) {
    CANDOR_ASSIGN_OR_RETURN(double k, Number((*lmp)["num_target"], "learner_model_param"));
    if (k > 1)
      return Bad("learner_model_param.num_target", "multi-target models are not supported");
  }
  CANDOR_ASSIGN_OR_RETURN(const Json* bs, Member(*lmp, "base_score", "learner_model_param"));
  CANDOR_ASSIGN_OR_RETURN(double base_score, Number(*bs, "learner_model_param.base_score"));
  CANDOR_ASSIGN_OR_RETURN(const Json* obj, Member(*learner, "objective", "learner"));
  CANDOR_ASSIGN_OR_RETURN(const Json* obj_name, Member(*obj, "name", "learner.objective"));
  if (!obj_name->is_string()) return Bad("learner.objective.name", "expected a string");
  e.objective_ = obj_name->get<std::string>();
  CANDOR_ASSIGN_OR_RETURN(e.base_margin_, BaseMargin(e.objective_, base_score));
  if (learner->contains("feature_names")) {
    const Json& names = (*learner)["feature_names"];
    if (!names.is_array()) return Bad("learner.feature_names", "expected an array");
    for (const Json& name : names) {
      if (!name.is_string()) return Bad("learner.feature_names", "expected strings");
      e.feature_names_.push_back(name.get<std::string>());
    }
    if (!e.feature_names_.empty() && e.feature_names_.size() != e.num_features_) {
      return Bad("learner.feature_names", "count differs from num_feature");
    }
  }

  CANDOR_ASSIGN_OR_RETURN(const Json* gb, Member(*learner, "gradient_booster", "learner"));
  CANDOR_ASSIGN_OR_RETURN(const Json* gb_name, Member(*gb, "name", "gradient_booster"));
  const Json* gbtree = gb;
  std::vector<double> weights;
  if (*gb_name == "dart") {
    CANDOR_ASSIGN_OR_RETURN(gbtree, Member(*gb, "gbtree", "gradient_booster"));
    CANDOR_ASSIGN_OR_RETURN(weights,
                            NumberArray<double>(*gb, "weight_drop", SIZE_MAX, "gradient_booster"));
  } else if (*gb_name != "gbtree") {
    return Bad("gradient_booster.name", "only gbtree and dart boosters are supported");
  }
  CANDOR_ASSIGN_OR_RETURN(const Json* model, Member(*gbtree, "model", "gradient_booster"));
  CANDOR_ASSIGN_OR_RETURN(const Json* trees, Member(*model, "trees", "gradient_booster.model"));
  if (!trees->is_array()) return Bad("gradient_booster.model.trees", "expected an array");
  CANDOR_ASSIGN_OR_RETURN(auto tree_info,
                          NumberArray<std::int32_t>(*model, "tree_info", trees->size(), "model"));
  if (!weights.empty() && weights.size() != trees->size()) {
    return Bad("gradient_booster.weight_drop", "count differs from the number of trees");
  }
  for (std::size_t i = 0; i < trees->size(); ++i) {
    std::string where = "trees[" + std::to_string(i) + "]";
    if (tree_info[i] != 0)
      return Bad(where, "belongs to output group " + std::to_string(tree_info[i]));
    CANDOR_ASSIGN_OR_RETURN(Tree t, ParseTree((*trees)[i], e.num_features_, where));
    if (!weights.empty()) t.weight = weights[i];
    e.trees_.push_back(std::move(t));
  }
  return e;
}

double Ensemble::PredictMargin(std::span<const float> row) const {
  double margin = base_margin_;
  for (const Tree& t : trees_) {
    std::int32_t n = 0;
    while (!t.IsLeaf(n)) {
      float x = row[static_cast<std::size_t>(t.feature[static_cast<std::size_t>(n)])];
      auto u = static_cast<std::size_t>(n);
      n = t.GoesLeft(n, x) ? t.left[u] : t.right[u];
    }
    margin += t.weight * static_cast<double>(t.value[static_cast<std::size_t>(n)]);
  }
  return margin;
}

}  // namespace candor::treeshap
