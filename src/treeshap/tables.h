// Internal to candor::treeshap: the precomputed tables of the fast explainer and the
// kernels that read them. Not part of the module's API.
//
// Each leaf's contribution depends on a row only through which of the unique
// features on the leaf's path the row satisfies (all of that feature's conditions on
// the path: an interval, the missing direction, category sets). With d unique
// features, the leaf contributes (Lundberg 2020, eq. for path-dependent TreeSHAP;
// Yang 2021, FastTreeSHAP v2) for a satisfied-set T:
//   feature k not in T:  -v * A(T)
//   feature k in T:      v * (1 - z_k) / z_k * A(T \ {k})
//   A(T) = sum over S subset of T of |S|! (d-|S|-1)! / d! * prod_{j not in S} z_j
// where z_j is the product of cover ratios of the path's splits on feature j. A is
// tabulated once per leaf over all 2^d sets. Two sibling leaves share one "unit":
// one mask (the parent's features plus one bit for the last split), one table C
// that serves every feature but the last split's, and a table F with the last
// split's feature's contribution directly.
//
// Leaves whose table would be too large, or with a zero cover ratio, are "slow
// leaves", explained per row by the path algorithm of Lundberg 2020 restricted to
// one leaf (O(d^2)).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "treeshap/ensemble.h"

namespace candor::treeshap::internal {

// A test of one feature of a row against the merged conditions of a path.
struct Condition {
  std::int32_t feature = 0;
  float lo = 0;               // requires x >= lo (-inf: no lower bound)
  float hi = 0;               // requires !(x >= hi) (NaN: no upper bound)
  std::int32_t cat_set = -1;  // also requires CatSet[cat_set] (-1: none)
  std::uint8_t nan_ok = 0;    // whether NaN satisfies the conditions
};

// Merged categorical conditions: which codes satisfy all of them.
struct CatSet {
  std::vector<std::uint64_t> allowed;  // bit c: code c in [0, size) satisfies
  std::uint32_t size = 0;
  bool outside_ok = false;  // codes >= size, negative and invalid ones
};

struct Term {
  std::int32_t feature;
  std::uint32_t bit;
  float coef;  // (1 - z) / z
};

struct Unit {
  std::uint32_t cond_begin;  // conditions[cond_begin, +num_bits): mask bit b
  std::uint32_t term_begin;  // terms[term_begin, +num_terms)
  std::uint32_t table;       // C at tables[table], 2^num_bits floats (at least 16)
  std::uint32_t f_table;     // F at tables[f_table], as long as C
  std::int32_t f_feature;    // feature of F, or -1 when there is no F table
  std::uint32_t num_bits;
  std::uint32_t num_terms;
  bool categorical;  // some condition has a CatSet
};

struct SlowFeature {
  double z;
  Condition cond;
};

struct SlowLeaf {
  double value;              // leaf value times tree weight
  std::uint32_t begin, end;  // slow_features[begin, end)
};

struct Tables {
  std::size_t num_features = 0;
  double bias = 0;  // base margin plus each tree's expected value
  std::vector<Condition> conditions;
  std::vector<CatSet> cat_sets;
  std::vector<Term> terms;
  std::vector<Unit> units;
  std::vector<float> tables;
  std::vector<SlowFeature> slow_features;
  std::vector<SlowLeaf> slow_leaves;
  // Per tree t: units [tree_units[t], tree_units[t+1]), same for slow leaves.
  std::vector<std::uint32_t> tree_units;
  std::vector<std::uint32_t> tree_slow;

  std::size_t num_trees() const { return tree_units.size() - 1; }
};

// Tables are padded to this many floats (one AVX-512 register).
inline constexpr std::size_t kMinTable = 16;

// Trees summed in float before their sum is added into double.
inline constexpr std::size_t kTreesPerFlush = 8;

// Builds the tables; units of more than max_bits mask bits become slow leaves.
Tables BuildTables(const Ensemble& e, std::uint32_t max_bits);

bool Satisfies(const Tables& t, const Condition& c, float x);

// Adds the contributions of tree `tree`'s slow leaves for row x to out.
void AddSlowLeaves(const Tables& t, std::size_t tree, const float* x, double* out);

// Kernels: add the contributions of trees [tree_begin, tree_end) for n rows
// (row-major, num_features each) to out (n x (num_features + 1)); no bias.
void ExplainPortable(const Tables& t, const float* rows, std::size_t n, std::size_t tree_begin,
                     std::size_t tree_end, double* out);
bool Avx512Compiled();
void ExplainAvx512(const Tables& t, const float* rows, std::size_t n, std::size_t tree_begin,
                   std::size_t tree_end, double* out);

}  // namespace candor::treeshap::internal
