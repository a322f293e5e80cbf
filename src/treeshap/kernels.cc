// The portable kernel and the per-leaf path algorithm for slow leaves.
#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

#include "treeshap/tables.h"

namespace candor::treeshap::internal {
namespace {

constexpr float kMaxCategory = 16777216.0f - 1.0f;

bool InSet(const CatSet& s, float x) {
  if (!(x >= 0.0f && x < kMaxCategory)) return s.outside_ok;
  auto code = static_cast<std::uint32_t>(x);
  if (code >= s.size) return s.outside_ok;
  return (s.allowed[code / 64] >> (code % 64)) & 1u;
}

// One element of the path of Lundberg 2020, Algorithm 2.
struct PathElement {
  double zero, one, weight;
};

// EXTEND of Algorithm 2: appends (zero, one) to path[0, depth) giving depth + 1.
void ExtendPath(PathElement* path, std::size_t depth, double zero, double one) {
  path[depth] = {zero, one, depth == 0 ? 1.0 : 0.0};
  auto n = static_cast<double>(depth + 1);
  for (std::size_t i = depth; i-- > 0;) {
    path[i + 1].weight += one * path[i].weight * static_cast<double>(i + 1) / n;
    path[i].weight = zero * path[i].weight * static_cast<double>(depth - i) / n;
  }
}

// The total weight of the path with element `index` unwound (UNWIND, summed).
double UnwoundPathSum(const PathElement* path, std::size_t depth, std::size_t index) {
  double one = path[index].one, zero = path[index].zero;
  double next = path[depth].weight, total = 0;
  auto n = static_cast<double>(depth + 1);
  for (std::size_t i = depth; i-- > 0;) {
    if (one != 0) {
      double tmp = next * n / (static_cast<double>(i + 1) * one);
      total += tmp;
      next = path[i].weight - tmp * zero * static_cast<double>(depth - i) / n;
    } else {
      total += path[i].weight / zero / (static_cast<double>(depth - i) / n);
    }
  }
  return total;
}

void SlowLeafShap(const Tables& t, const SlowLeaf& leaf, const float* x, double* out) {
  std::size_t d = leaf.end - leaf.begin;
  // Paths are short (the tree's depth); 64 covers any XGBoost max_depth in use.
  PathElement stack_path[65];
  std::vector<PathElement> heap_path;
  PathElement* path = stack_path;
  if (d + 1 > 65) {
    heap_path.resize(d + 1);
    path = heap_path.data();
  }
  std::vector<double> one(d);
  for (std::size_t j = 0; j < d; ++j) {
    const SlowFeature& sf = t.slow_features[leaf.begin + j];
    one[j] = Satisfies(t, sf.cond, x[sf.cond.feature]) ? 1.0 : 0.0;
    // A feature neither taken (one = 0) nor covered (zero = 0) zeroes every term.
    if (one[j] == 0 && sf.z == 0) return;
  }
  ExtendPath(path, 0, 1, 1);
  for (std::size_t j = 0; j < d; ++j) {
    ExtendPath(path, j + 1, t.slow_features[leaf.begin + j].z, one[j]);
  }
  for (std::size_t j = 0; j < d; ++j) {
    const SlowFeature& sf = t.slow_features[leaf.begin + j];
    double w = UnwoundPathSum(path, d, j + 1);
    out[sf.cond.feature] += w * (one[j] - sf.z) * leaf.value;
  }
}

}  // namespace

bool Satisfies(const Tables& t, const Condition& c, float x) {
  if (std::isnan(x)) return c.nan_ok != 0;
  if (!(x >= c.lo) || x >= c.hi) return false;
  return c.cat_set < 0 || InSet(t.cat_sets[static_cast<std::size_t>(c.cat_set)], x);
}

void AddSlowLeaves(const Tables& t, std::size_t tree, const float* x, double* out) {
  for (std::uint32_t i = t.tree_slow[tree]; i < t.tree_slow[tree + 1]; ++i) {
    SlowLeafShap(t, t.slow_leaves[i], x, out);
  }
}

void TreeDecisions(const Tables& t, std::size_t tree, const float* x, std::uint16_t* dec) {
  const TreeSplits& ts = t.tree_splits[tree];
  const Condition* sp = t.splits.data();
  std::uint16_t* d = dec - ts.begin;
  for (std::uint32_t i = ts.begin; i < ts.dl_end; ++i) {
    d[i] = !(x[sp[i].feature] >= sp[i].hi) ? 0xFFFF : 0;
  }
  for (std::uint32_t i = ts.dl_end; i < ts.num_end; ++i) {
    d[i] = x[sp[i].feature] < sp[i].hi ? 0xFFFF : 0;
  }
  for (std::uint32_t i = ts.num_end; i < ts.end; ++i) {
    d[i] = Satisfies(t, sp[i], x[sp[i].feature]) ? 0xFFFF : 0;
  }
}

void ExplainPortable(const Tables& t, const float* rows, std::size_t n, std::size_t tree_begin,
                     std::size_t tree_end, double* out) {
  std::size_t nf = t.num_features;
  std::vector<float> acc(nf, 0.0f);
  std::vector<std::uint16_t> dec(t.max_splits + 1);
  std::vector<std::uint32_t> level(t.max_ops + 1, 0);
  const float* tables = t.tables.data();
  for (std::size_t r = 0; r < n; ++r) {
    const float* x = rows + r * nf;
    double* o = out + r * (nf + 1);
    for (std::size_t block = tree_begin; block < tree_end; block += kTreesPerFlush) {
      std::size_t block_end = std::min(tree_end, block + kTreesPerFlush);
      for (std::size_t tree = block; tree < block_end; ++tree) {
        TreeDecisions(t, tree, x, dec.data());
        for (std::uint32_t ui = t.tree_units[tree]; ui < t.tree_units[tree + 1]; ++ui) {
          const Unit& u = t.units[ui];
          std::uint32_t mask = UnitMask(t, u, dec.data(), level.data());
          const float* table = tables + u.table;
          float a0 = table[mask];
          const Term* term = t.terms.data() + u.term_begin;
          for (std::uint32_t j = 0; j < u.num_terms; ++j, ++term) {
            // Branch-free: whether the row has the feature is as good as random.
            std::uint32_t has = 0u - ((mask >> term->bit) & 1u);
            float in = term->coef * table[mask ^ (1u << term->bit)];
            acc[static_cast<std::size_t>(term->feature)] +=
                std::bit_cast<float>((std::bit_cast<std::uint32_t>(in) & has) |
                                     (std::bit_cast<std::uint32_t>(-a0) & ~has));
          }
          if (u.f_feature >= 0) {
            acc[static_cast<std::size_t>(u.f_feature)] += tables[u.f_table + mask];
          }
        }
      }
      for (std::size_t f = 0; f < nf; ++f) {
        o[f] += static_cast<double>(acc[f]);
        acc[f] = 0.0f;
      }
      for (std::size_t tree = block; tree < block_end; ++tree) AddSlowLeaves(t, tree, x, o);
    }
  }
}

}  // namespace candor::treeshap::internal
