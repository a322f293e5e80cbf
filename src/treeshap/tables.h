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
// A row's mask for a unit is built from its tree's split decisions, each split
// tested once per row (or batch of rows): bit j of the mask is the AND of "went the
// path's way" over the path's splits on its j-th unique feature. Units are stored in
// depth-first order, so a unit's mask steps (MaskOp) start from the partial mask of
// the previous unit's first op_keep steps; on average a unit needs two new steps.
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

// One step of a unit's mask: with pass = "the row went `left ? left : right` at
// split node", a set step does mask |= pass << bit (the first split on a feature),
// a clear step mask &= ~(!pass << bit) (a repeated split on it).
struct MaskOp {
  std::uint32_t node;  // index into the tree's split decisions (Tables::splits)
  std::uint32_t bit;   // 1 << mask bit
  std::uint16_t flip;  // 0 if the path goes left at node, else 0xFFFF
  std::uint16_t set;   // 0xFFFF for a set step, 0 for a clear step
};

// The splits of one tree that some unit's mask reads, as Conditions meaning "goes
// left": splits[begin, dl_end) numeric with missing going left, [dl_end, num_end)
// numeric with missing going right, [num_end, end) categorical. Decision i of the
// tree is that of splits[begin + i].
struct TreeSplits {
  std::uint32_t begin, dl_end, num_end, end;
};

struct Unit {
  std::uint32_t op_begin;  // ops[op_begin, +num_ops) after the previous unit's first op_keep
  std::uint32_t op_keep;
  std::uint32_t num_ops;
  std::uint32_t cond_begin;  // conditions[cond_begin, +num_bits): mask bit b
  std::uint32_t term_begin;  // terms[term_begin, +num_terms)
  std::uint32_t table;       // C at tables[table], 2^num_bits floats (at least 16)
  std::uint32_t f_table;     // F at tables[f_table], as long as C
  std::int32_t f_feature;    // feature of F, or -1 when there is no F table
  std::uint32_t num_bits;
  std::uint32_t num_terms;
  bool categorical;  // some condition has a CatSet
};

// The single-row AVX-512 kernel's view of a unit, in one cache line (instead of the
// Unit, its MaskOps, terms and slots in five arrays). Its mask comes from its whole
// path at once rather than from the previous unit's: with D the tree's split
// decisions as bits (bit i set if the row goes left at split i), path position j
// fails if D's bit nodes[j] differs from bit j of `left`, and
//   mask = set_bits & ~F,  F's bit b set if a failed position is in bit_positions[b].
// Its lanes are the unit's terms and its F table ordered by feature, so that two
// expands (vexpandps) by `present_lo` and `present_hi` (bit f set for each of
// features f and 16 + f among them) put them among 32 feature accumulators.
struct alignas(64) RowUnit {
  std::uint32_t table;    // C
  std::uint32_t f_table;  // F, or C when there is no F
  std::uint16_t present_lo, present_hi;
  float coef[6];  // per lane; 0 in F's lane
  std::uint8_t nodes[8];
  std::uint8_t bit_positions[8];
  std::uint8_t left;
  std::uint8_t set_bits;
  std::uint8_t num_bits;
  std::uint8_t lanes;     // bit l set for each lane l in use
  std::uint8_t f_lane;    // bit l set for F's lane; 0 when there is no F
  std::uint8_t lo_count;  // lanes that go to features 0-15
  std::uint8_t bit[6];    // per lane: the term's mask bit; 32 (none) in F's lane
};
static_assert(sizeof(RowUnit) == 64);

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
  std::vector<Condition> splits;
  std::vector<TreeSplits> tree_splits;  // per tree
  std::vector<MaskOp> ops;
  std::size_t max_ops = 0;     // the most steps (op_keep + num_ops) of any unit
  std::size_t max_splits = 0;  // the most splits of any tree
  std::vector<CatSet> cat_sets;
  std::vector<Term> terms;
  // terms in structure-of-arrays form: 1 << bit, coef, feature.
  std::vector<std::int32_t> term_bit;
  std::vector<float> term_coef;
  std::vector<std::int32_t> term_feature;
  // For models of at most kRowFeatures features whose units have fewer than 16
  // terms: unit u's slots[u * kRowFeatures + f] is the lane of feature f in the
  // unit's term vector (terms, then F), or 16 if the unit does not have f.
  std::vector<std::uint8_t> slots;
  // For models of at most kRowFeatures features and 64 splits a tree whose units
  // have at most 6 lanes (terms and F; trees of depth up to 6) and 8 steps on their
  // path: one RowUnit per unit, plus one of zeros (which the last unit's 8-byte read
  // of bit[] touches), and each split's feature and threshold; empty otherwise.
  std::vector<RowUnit> row_units;
  std::vector<std::int32_t> split_feature;
  std::vector<float> split_hi;
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

// Features the single-row AVX-512 kernel holds in registers.
inline constexpr std::size_t kRowFeatures = 32;

// Trees summed in float before their sum is added into double.
inline constexpr std::size_t kTreesPerFlush = 8;

// Builds the tables; units of more than max_bits mask bits become slow leaves.
Tables BuildTables(const Ensemble& e, std::uint32_t max_bits);

bool Satisfies(const Tables& t, const Condition& c, float x);

// Adds the contributions of tree `tree`'s slow leaves for row x to out.
void AddSlowLeaves(const Tables& t, std::size_t tree, const float* x, double* out);

// The split decisions of tree `tree` for row x: dec[i] = 0xFFFF if the row goes
// left at split i of the tree, else 0.
void TreeDecisions(const Tables& t, std::size_t tree, const float* x, std::uint16_t* dec);

// Unit u's mask for one row from its tree's decisions (TreeDecisions), extending
// the partial masks of the previous units of the tree (level).
inline std::uint32_t UnitMask(const Tables& t, const Unit& u, const std::uint16_t* dec,
                              std::uint32_t* level) {
  std::uint32_t k = u.op_keep, mask = level[k];
  const MaskOp* op = t.ops.data() + u.op_begin;
  for (std::uint32_t i = 0; i < u.num_ops; ++i, ++op) {
    std::uint32_t pass = (dec[op->node] ^ op->flip) & 1u, set = op->set & 1u;
    mask |= op->bit & (0u - (pass & set));
    mask &= ~(op->bit & (0u - ((pass | set) ^ 1u)));
    level[++k] = mask;
  }
  return mask;
}

// Kernels: add the contributions of trees [tree_begin, tree_end) for n rows
// (row-major, num_features each) to out (n x (num_features + 1)); no bias.
void ExplainPortable(const Tables& t, const float* rows, std::size_t n, std::size_t tree_begin,
                     std::size_t tree_end, double* out);
bool Avx512Compiled();
// One row at a time, the terms of a unit in the lanes of a vector.
void ExplainAvx512Rows(const Tables& t, const float* rows, std::size_t n, std::size_t tree_begin,
                       std::size_t tree_end, double* out);
void ExplainAvx512(const Tables& t, const float* rows, std::size_t n, std::size_t tree_begin,
                   std::size_t tree_end, double* out);

}  // namespace candor::treeshap::internal
