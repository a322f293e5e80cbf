// Precomputation of the fast explainer's tables (see tables.h for the formulas).
#include "treeshap/tables.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <utility>

namespace candor::treeshap::internal {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// One unique feature on a path with the merged conditions of its splits there.
struct PathFeature {
  std::int32_t feature = 0;
  double z = 1;  // product of cover ratios of this feature's splits
  float lo = -kInf;
  float hi = kNaN;
  bool nan_ok = true;
  std::vector<std::pair<std::int32_t, bool>> cat_nodes;  // (node, went left)
};
using Path = std::vector<PathFeature>;

// A leaf of a unit: o_j(T) = ((T & need_mask[j]) == need_val[j]) for its features j.
struct LeafSpec {
  double value = 0;
  std::vector<double> z;
  std::vector<std::uint32_t> need_mask, need_val;
  std::size_t f_local = SIZE_MAX;  // index of the unit's F feature
};

// A(T) of tables.h for all 2^d sets T, through the elementary symmetric
// polynomials e_k of the z's in T: A(T) = prod_{j not in T} z_j *
// sum_s w(s) e_{|T|-s}(z_T).
std::vector<double> LeafA(const std::vector<double>& z) {
  std::size_t d = z.size();
  std::size_t n = std::size_t{1} << d;
  std::vector<double> w(d + 1, 0.0);
  for (std::size_t s = 0; s < d; ++s) {
    // s! (d-s-1)! / d! = 1 / (d * C(d-1, s))
    double binom = 1;
    for (std::size_t i = 0; i < s; ++i) {
      binom = binom * static_cast<double>(d - 1 - i) / static_cast<double>(i + 1);
    }
    w[s] = 1.0 / (static_cast<double>(d) * binom);
  }
  std::vector<double> e(n * (d + 1), 0.0);
  std::vector<double> zin(n, 1.0);
  e[0] = 1;
  for (std::size_t t = 1; t < n; ++t) {
    auto j = static_cast<std::size_t>(std::countr_zero(t));
    std::size_t p = t & (t - 1);
    zin[t] = zin[p] * z[j];
    for (std::size_t k = 0; k <= d; ++k) {
      e[t * (d + 1) + k] = e[p * (d + 1) + k] + (k > 0 ? z[j] * e[p * (d + 1) + k - 1] : 0.0);
    }
  }
  std::vector<double> a(n);
  for (std::size_t t = 0; t < n; ++t) {
    auto size = static_cast<std::size_t>(std::popcount(t));
    double sum = 0;
    for (std::size_t s = 0; s <= size; ++s) sum += w[s] * e[t * (d + 1) + size - s];
    a[t] = zin[(n - 1) ^ t] * sum;
  }
  return a;
}

class Builder {
 public:
  Builder(const Tree& tree, Tables& out, std::uint32_t max_bits)
      : tree_(tree), out_(out), max_bits_(max_bits) {}

  void Walk(std::int32_t node, const Path& path) {
    auto u = static_cast<std::size_t>(node);
    std::int32_t l = tree_.left[u], r = tree_.right[u];
    if (tree_.IsLeaf(l) && tree_.IsLeaf(r) && EmitSiblings(node, path)) return;
    for (std::int32_t child : {l, r}) {
      Path next = Extend(path, node, child == l);
      edges_.emplace_back(node, child == l);
      if (tree_.IsLeaf(child)) {
        EmitLeaf(next, Value(child));
      } else {
        Walk(child, next);
      }
      edges_.pop_back();
    }
  }

  // Gives the splits the tree's units read their decision indices (after Walk).
  void Finish() {
    std::vector<std::int32_t> local(tree_.num_nodes(), -1);
    std::vector<std::int32_t> groups[3];
    for (std::size_t i = first_op_; i < out_.ops.size(); ++i) {
      auto node = static_cast<std::int32_t>(out_.ops[i].node);
      auto& slot = local[static_cast<std::size_t>(node)];
      if (slot >= 0) continue;
      slot = 0;
      auto u = static_cast<std::size_t>(node);
      groups[tree_.categorical[u] ? 2 : tree_.default_left[u] ? 0 : 1].push_back(node);
    }
    TreeSplits ts{};
    ts.begin = static_cast<std::uint32_t>(out_.splits.size());
    for (int g = 0; g < 3; ++g) {
      for (std::int32_t node : groups[g]) {
        local[static_cast<std::size_t>(node)] =
            static_cast<std::int32_t>(out_.splits.size() - ts.begin);
        PathFeature pf;
        pf.feature = tree_.feature[static_cast<std::size_t>(node)];
        Apply(pf, node, /*left=*/true);
        out_.splits.push_back(MakeCondition(pf));
      }
      auto end = static_cast<std::uint32_t>(out_.splits.size());
      (g == 0 ? ts.dl_end : g == 1 ? ts.num_end : ts.end) = end;
    }
    for (std::size_t i = first_op_; i < out_.ops.size(); ++i) {
      out_.ops[i].node = static_cast<std::uint32_t>(local[out_.ops[i].node]);
    }
    out_.tree_splits.push_back(ts);
    out_.max_splits = std::max<std::size_t>(out_.max_splits, ts.end - ts.begin);
  }

 private:
  // The mask steps of the current path (edges_), plus a set step for going left
  // at `last` if it is >= 0; nodes are the tree's until Finish.
  std::vector<MaskOp> PathOps(std::int32_t last) const {
    std::vector<MaskOp> ops;
    std::vector<std::int32_t> features;
    for (auto [node, left] : edges_) {
      std::int32_t f = tree_.feature[static_cast<std::size_t>(node)];
      auto it = std::find(features.begin(), features.end(), f);
      bool repeat = it != features.end();
      auto bit = static_cast<std::uint32_t>(it - features.begin());
      if (!repeat) features.push_back(f);
      ops.push_back({static_cast<std::uint32_t>(node), 1u << bit,
                     static_cast<std::uint16_t>(left ? 0 : 0xFFFF),
                     static_cast<std::uint16_t>(repeat ? 0 : 0xFFFF)});
    }
    if (last >= 0) {
      ops.push_back({static_cast<std::uint32_t>(last),
                     1u << static_cast<std::uint32_t>(features.size()), 0, 0xFFFF});
    }
    return ops;
  }

  double Value(std::int32_t leaf) const {
    return tree_.weight * static_cast<double>(tree_.value[static_cast<std::size_t>(leaf)]);
  }
  double Ratio(std::int32_t node, bool left) const {
    auto u = static_cast<std::size_t>(node);
    auto child = static_cast<std::size_t>(left ? tree_.left[u] : tree_.right[u]);
    return static_cast<double>(tree_.cover[child]) / static_cast<double>(tree_.cover[u]);
  }

  void Apply(PathFeature& pf, std::int32_t node, bool left) const {
    auto u = static_cast<std::size_t>(node);
    pf.nan_ok = pf.nan_ok && ((tree_.default_left[u] != 0) == left);
    float thr = tree_.value[u];
    if (tree_.categorical[u]) {
      pf.cat_nodes.emplace_back(node, left);
    } else if (left) {
      pf.hi = std::isnan(pf.hi) ? thr : std::min(pf.hi, thr);
    } else {
      pf.lo = std::max(pf.lo, thr);
    }
  }

  Path Extend(const Path& path, std::int32_t node, bool left) const {
    Path next = path;
    std::int32_t f = tree_.feature[static_cast<std::size_t>(node)];
    auto it = std::find_if(next.begin(), next.end(),
                           [f](const PathFeature& pf) { return pf.feature == f; });
    if (it == next.end()) {
      next.push_back(PathFeature{});
      it = next.end() - 1;
      it->feature = f;
    }
    Apply(*it, node, left);
    it->z *= Ratio(node, left);
    return next;
  }

  Condition MakeCondition(const PathFeature& pf) {
    Condition c{pf.feature, pf.lo, pf.hi, -1, static_cast<std::uint8_t>(pf.nan_ok)};
    if (!pf.cat_nodes.empty()) {
      CatSet set;
      set.outside_ok = true;
      for (auto [node, left] : pf.cat_nodes) {
        auto u = static_cast<std::size_t>(node);
        auto top = static_cast<std::uint32_t>(tree_.cats[tree_.cat_end[u] - 1]) + 1;
        set.size = std::max(set.size, top);
        set.outside_ok = set.outside_ok && left;  // codes not listed go left
      }
      set.allowed.assign((set.size + 63) / 64, 0);
      for (std::uint32_t code = 0; code < set.size; ++code) {
        bool ok = true;
        for (auto [node, left] : pf.cat_nodes) {
          ok = ok && (tree_.InCategories(node, static_cast<float>(code)) != left);
        }
        if (ok) set.allowed[code / 64] |= std::uint64_t{1} << (code % 64);
      }
      c.cat_set = static_cast<std::int32_t>(out_.cat_sets.size());
      out_.cat_sets.push_back(std::move(set));
    }
    return c;
  }

  static bool Positive(const Path& path) {
    return std::all_of(path.begin(), path.end(), [](const PathFeature& pf) { return pf.z > 0; });
  }

  void EmitSlow(const Path& path, double value) {
    SlowLeaf leaf{value, static_cast<std::uint32_t>(out_.slow_features.size()), 0};
    for (const PathFeature& pf : path) out_.slow_features.push_back({pf.z, MakeCondition(pf)});
    leaf.end = static_cast<std::uint32_t>(out_.slow_features.size());
    out_.slow_leaves.push_back(leaf);
  }

  void EmitLeaf(const Path& path, double value) {
    if (path.empty()) return;
    if (path.size() > max_bits_ || !Positive(path)) return EmitSlow(path, value);
    LeafSpec leaf;
    leaf.value = value;
    for (std::size_t j = 0; j < path.size(); ++j) {
      leaf.z.push_back(path[j].z);
      leaf.need_mask.push_back(1u << j);
      leaf.need_val.push_back(1u << j);
    }
    std::vector<Condition> conds;
    for (const PathFeature& pf : path) conds.push_back(MakeCondition(pf));
    AddUnit(std::move(conds), PathOps(-1), path, SIZE_MAX, {leaf});
  }

  // Both children of `node` are leaves: one unit for the two.
  bool EmitSiblings(std::int32_t node, const Path& path) {
    auto u = static_cast<std::size_t>(node);
    std::int32_t f = tree_.feature[u];
    if (path.size() + 1 > max_bits_ || !Positive(path) || !(Ratio(node, true) > 0) ||
        !(Ratio(node, false) > 0)) {
      return false;
    }
    auto it = std::find_if(path.begin(), path.end(),
                           [f](const PathFeature& pf) { return pf.feature == f; });
    std::size_t repeat = it == path.end() ? SIZE_MAX : static_cast<std::size_t>(it - path.begin());
    auto b = static_cast<std::uint32_t>(path.size());
    std::vector<Condition> conds;
    for (const PathFeature& pf : path) conds.push_back(MakeCondition(pf));
    PathFeature last;
    last.feature = f;
    Apply(last, node, /*left=*/true);
    conds.push_back(MakeCondition(last));
    std::vector<LeafSpec> leaves(2);
    for (int side = 0; side < 2; ++side) {
      bool left = side == 0;
      LeafSpec& leaf = leaves[static_cast<std::size_t>(side)];
      leaf.value = Value(left ? tree_.left[u] : tree_.right[u]);
      for (std::size_t j = 0; j < path.size(); ++j) {
        leaf.z.push_back(path[j].z);
        leaf.need_mask.push_back(1u << j);
        leaf.need_val.push_back(1u << j);
      }
      std::uint32_t bit_b = 1u << b;
      if (repeat == SIZE_MAX) {
        leaf.z.push_back(Ratio(node, left));
        leaf.need_mask.push_back(bit_b);
        leaf.need_val.push_back(left ? bit_b : 0u);
        leaf.f_local = path.size();
      } else {
        leaf.z[repeat] *= Ratio(node, left);
        leaf.need_mask[repeat] |= bit_b;
        leaf.need_val[repeat] |= left ? bit_b : 0u;
        leaf.f_local = repeat;
      }
    }
    AddUnit(std::move(conds), PathOps(node), path, repeat == SIZE_MAX ? path.size() : repeat,
            leaves, f);
    return true;
  }

  // Adds a unit whose mask bits are conds; every path feature except index `skip`
  // is a term read from C; feature f (if >= 0) is read from F.
  void AddUnit(std::vector<Condition> conds, std::vector<MaskOp> ops, const Path& path,
               std::size_t skip, const std::vector<LeafSpec>& leaves, std::int32_t f = -1) {
    Unit unit{};
    std::size_t keep = 0;
    while (keep < ops.size() && keep < prev_ops_.size() && ops[keep].node == prev_ops_[keep].node &&
           ops[keep].bit == prev_ops_[keep].bit && ops[keep].flip == prev_ops_[keep].flip &&
           ops[keep].set == prev_ops_[keep].set) {
      ++keep;
    }
    unit.op_begin = static_cast<std::uint32_t>(out_.ops.size());
    unit.op_keep = static_cast<std::uint32_t>(keep);
    unit.num_ops = static_cast<std::uint32_t>(ops.size() - keep);
    out_.ops.insert(out_.ops.end(), ops.begin() + static_cast<std::ptrdiff_t>(keep), ops.end());
    out_.max_ops = std::max(out_.max_ops, ops.size());
    prev_ops_ = std::move(ops);
    unit.cond_begin = static_cast<std::uint32_t>(out_.conditions.size());
    unit.num_bits = static_cast<std::uint32_t>(conds.size());
    unit.categorical =
        std::any_of(conds.begin(), conds.end(), [](const Condition& c) { return c.cat_set >= 0; });
    out_.conditions.insert(out_.conditions.end(), conds.begin(), conds.end());
    unit.term_begin = static_cast<std::uint32_t>(out_.terms.size());
    for (std::size_t j = 0; j < path.size(); ++j) {
      if (j == skip) continue;
      auto coef = static_cast<float>((1 - path[j].z) / path[j].z);
      out_.terms.push_back({path[j].feature, static_cast<std::uint32_t>(j), coef});
    }
    unit.num_terms = static_cast<std::uint32_t>(out_.terms.size()) - unit.term_begin;
    unit.f_feature = f;
    unit.table = static_cast<std::uint32_t>(out_.tables.size());
    std::size_t n = std::size_t{1} << unit.num_bits;
    std::vector<double> c(n, 0.0), fv(n, 0.0);
    for (const LeafSpec& leaf : leaves) {
      std::vector<double> a = LeafA(leaf.z);
      for (std::size_t t = 0; t < n; ++t) {
        std::size_t tl = 0;
        for (std::size_t j = 0; j < leaf.z.size(); ++j) {
          if ((t & leaf.need_mask[j]) == leaf.need_val[j]) tl |= std::size_t{1} << j;
        }
        double here = leaf.value * a[tl];
        c[t] += here;
        if (f >= 0) {
          std::size_t fb = std::size_t{1} << leaf.f_local;
          double zf = leaf.z[leaf.f_local];
          fv[t] += (tl & fb) ? leaf.value * (1 - zf) / zf * a[tl ^ fb] : -here;
        }
      }
    }
    std::size_t padded = std::max(n, kMinTable);
    for (std::size_t i = 0; i < padded; ++i)
      out_.tables.push_back(i < n ? static_cast<float>(c[i]) : 0.0f);
    unit.f_table = static_cast<std::uint32_t>(out_.tables.size());
    if (f >= 0) {
      for (std::size_t i = 0; i < padded; ++i) {
        out_.tables.push_back(i < n ? static_cast<float>(fv[i]) : 0.0f);
      }
    }
    out_.units.push_back(unit);
  }

  const Tree& tree_;
  Tables& out_;
  std::uint32_t max_bits_;
  std::vector<std::pair<std::int32_t, bool>> edges_;  // root to the current node
  std::vector<MaskOp> prev_ops_;                      // the previous unit's steps
  std::size_t first_op_ = out_.ops.size();            // the tree's first step
};

double MeanValue(const Tree& t, std::int32_t node) {
  auto u = static_cast<std::size_t>(node);
  if (t.IsLeaf(node)) return static_cast<double>(t.value[u]);
  auto l = static_cast<std::size_t>(t.left[u]);
  auto r = static_cast<std::size_t>(t.right[u]);
  return (MeanValue(t, t.left[u]) * static_cast<double>(t.cover[l]) +
          MeanValue(t, t.right[u]) * static_cast<double>(t.cover[r])) /
         static_cast<double>(t.cover[u]);
}

// Fills t.row_units, t.split_feature and t.split_hi when every tree and unit fits
// (tables.h); leaves them empty otherwise.
void BuildRowUnits(Tables& t) {
  if (t.num_features > kRowFeatures || t.max_splits > 64) return;
  std::vector<RowUnit> rows(t.units.size() + 1, RowUnit{});
  std::vector<const MaskOp*> path;  // the steps of the current unit's whole path
  for (std::size_t i = 0; i < t.units.size(); ++i) {
    const Unit& u = t.units[i];
    std::uint32_t lanes = u.num_terms + (u.f_feature >= 0 ? 1 : 0);
    if (lanes > 6 || u.num_bits > 8) return;
    RowUnit& r = rows[i];
    r.table = u.table;
    r.f_table = u.f_feature >= 0 ? u.f_table : u.table;
    r.num_bits = static_cast<std::uint8_t>(u.num_bits);
    r.lanes = static_cast<std::uint8_t>((1u << lanes) - 1);
    // Lanes: (feature, term index or -1 for F), ordered by feature.
    std::vector<std::pair<std::int32_t, std::int32_t>> order;
    for (std::uint32_t k = 0; k < u.num_terms; ++k) {
      order.emplace_back(t.terms[u.term_begin + k].feature, static_cast<std::int32_t>(k));
    }
    if (u.f_feature >= 0) order.emplace_back(u.f_feature, -1);
    std::sort(order.begin(), order.end());
    std::fill(std::begin(r.bit), std::end(r.bit), std::uint8_t{32});
    std::uint32_t present = 0;
    for (std::size_t lane = 0; lane < order.size(); ++lane) {
      auto [feature, k] = order[lane];
      std::uint32_t f_bit = std::uint32_t{1} << feature;
      if (present & f_bit) return;  // a feature twice: the expand cannot place it
      present |= f_bit;
      if (k < 0) {
        r.f_lane = static_cast<std::uint8_t>(1u << lane);
        continue;
      }
      const Term& term = t.terms[u.term_begin + static_cast<std::uint32_t>(k)];
      r.coef[lane] = term.coef;
      r.bit[lane] = static_cast<std::uint8_t>(term.bit);
    }
    r.present_lo = static_cast<std::uint16_t>(present);
    r.lo_count = static_cast<std::uint8_t>(std::popcount(r.present_lo));
    r.present_hi = static_cast<std::uint16_t>(present >> 16);
    // The path: the previous unit's first op_keep steps, then this unit's.
    path.resize(u.op_keep);
    for (std::uint32_t j = 0; j < u.num_ops; ++j) path.push_back(&t.ops[u.op_begin + j]);
    if (path.size() > 8) return;
    for (std::size_t j = 0; j < path.size(); ++j) {
      const MaskOp& op = *path[j];
      auto b = static_cast<std::uint32_t>(std::countr_zero(op.bit));
      r.nodes[j] = static_cast<std::uint8_t>(op.node);
      if (op.flip == 0) r.left = static_cast<std::uint8_t>(r.left | 1u << j);
      if (op.set != 0) r.set_bits = static_cast<std::uint8_t>(r.set_bits | op.bit);
      r.bit_positions[b] = static_cast<std::uint8_t>(r.bit_positions[b] | 1u << j);
    }
  }
  t.row_units = std::move(rows);
  for (const Condition& c : t.splits) {
    t.split_feature.push_back(c.feature);
    t.split_hi.push_back(c.hi);
  }
}

}  // namespace

Tables BuildTables(const Ensemble& e, std::uint32_t max_bits) {
  Tables out;
  out.num_features = e.num_features();
  out.bias = e.base_margin();
  out.tree_units.push_back(0);
  out.tree_slow.push_back(0);
  for (const Tree& tree : e.trees()) {
    out.bias += tree.weight * MeanValue(tree, 0);
    Builder builder(tree, out, max_bits);
    if (!tree.IsLeaf(0)) builder.Walk(0, {});
    builder.Finish();
    out.tree_units.push_back(static_cast<std::uint32_t>(out.units.size()));
    out.tree_slow.push_back(static_cast<std::uint32_t>(out.slow_leaves.size()));
  }
  for (const Term& term : out.terms) {
    out.term_bit.push_back(std::int32_t{1} << term.bit);
    out.term_coef.push_back(term.coef);
    out.term_feature.push_back(term.feature);
  }
  bool slots_fit = out.num_features <= kRowFeatures &&
                   std::all_of(out.units.begin(), out.units.end(),
                               [](const Unit& u) { return u.num_terms + 1 < 16; });
  if (slots_fit) {
    out.slots.assign(out.units.size() * kRowFeatures, 16);
    for (std::size_t i = 0; i < out.units.size(); ++i) {
      const Unit& u = out.units[i];
      std::uint8_t* slot = out.slots.data() + i * kRowFeatures;
      for (std::uint32_t k = 0; k < u.num_terms; ++k) {
        slot[out.terms[u.term_begin + k].feature] = static_cast<std::uint8_t>(k);
      }
      if (u.f_feature >= 0) slot[u.f_feature] = static_cast<std::uint8_t>(u.num_terms);
    }
  }
  BuildRowUnits(out);
  return out;
}

}  // namespace candor::treeshap::internal
