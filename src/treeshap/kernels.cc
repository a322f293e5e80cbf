// The portable kernel and the per-leaf path algorithm for slow leaves.
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

void ExplainPortable(const Tables& t, const float* rows, std::size_t n, std::size_t tree_begin,
                     std::size_t tree_end, double* out) {
  std::size_t nf = t.num_features;
  std::vector<float> acc(nf, 0.0f);
  for (std::size_t r = 0; r < n; ++r) {
    const float* x = rows + r * nf;
    double* o = out + r * (nf + 1);
    for (std::size_t block = tree_begin; block < tree_end; block += kTreesPerFlush) {
      std::size_t block_end = std::min(tree_end, block + kTreesPerFlush);
      for (std::uint32_t ui = t.tree_units[block]; ui < t.tree_units[block_end]; ++ui) {
        const Unit& u = t.units[ui];
        std::uint32_t mask = 0;
        for (std::uint32_t b = 0; b < u.num_bits; ++b) {
          const Condition& c = t.conditions[u.cond_begin + b];
          if (Satisfies(t, c, x[c.feature])) mask |= 1u << b;
        }
        const float* table = t.tables.data() + u.table;
        float a0 = table[mask];
        for (std::uint32_t k = 0; k < u.num_terms; ++k) {
          const Term& term = t.terms[u.term_begin + k];
          std::uint32_t bit = 1u << term.bit;
          acc[static_cast<std::size_t>(term.feature)] +=
              (mask & bit) ? term.coef * table[mask ^ bit] : -a0;
        }
        if (u.f_feature >= 0) {
          acc[static_cast<std::size_t>(u.f_feature)] += t.tables[u.f_table + mask];
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
