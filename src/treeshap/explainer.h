// candor::treeshap::Explainer: exact, fast TreeSHAP for an XGBoost ensemble.
//
// Computes the tree-path-dependent SHAP values of Lundberg et al. 2020, "From local
// explanations to global understanding with explainable AI for trees", Nature
// Machine Intelligence 2:56-67, Algorithm 2 (TreeSHAP) -- exactly the values XGBoost's
// pred_contribs returns (within 1e-5; XGBoost itself sums in float) -- but through
// precomputed per-leaf tables as in FastTreeSHAP v2 (Yang 2021, "Fast TreeSHAP:
// Accelerating SHAP Value Computation for Trees", arXiv:2109.09847), extended:
//   * a leaf's table is indexed by which unique features of its path a row
//     satisfies, with repeated splits on one feature merged into one condition, so
//     its size is 2^(unique features) rather than 2^depth;
//   * two sibling leaves share one unit (one mask, two tables), also when their
//     parent splits on a feature already on the path;
//   * tables are float; a few trees are summed in float, then added into double;
//   * with AVX-512 (checked at run time), 16 rows are explained at once, one row per
//     vector lane, reading tables of up to 128 floats held in registers through
//     permutes (larger ones through gathers), 256 rows going through a few trees
//     at a time so that those trees' tables stay in cache, and four batches of 16
//     through each unit together so that they share its loads; a single row puts a
//     unit's terms in the lanes instead, reads each unit's data from one cache
//     line and computes its mask from its whole path at once (the tree's split
//     decisions as the bits of one word); elsewhere a portable kernel does the
//     same per row;
//   * paths with more unique features than the tables allow (Options::max_table_bits)
//     or with a zero cover ratio are explained per row by Algorithm 2's path
//     arithmetic restricted to the leaf.
// Precomputation is O(leaves * 2^d * d) time and O(leaves * 2^d) floats.
//
// Output layout, as XGBoost's: row i's contributions are out[i*(F+1) + j] for feature
// j < F = num_features(), and out[i*(F+1) + F] is the bias: the base margin plus
// every tree's cover-weighted mean. Each row sums to its margin.
//
// Thread safety: an Explainer is immutable after Build; Explain may be called from
// any number of threads at once. It does not keep a reference to the Ensemble.
// The first Explain with threads > 1 starts threads - 1 worker threads that the
// Explainer keeps (and joins when destroyed) and that later calls share: a call
// uses at most that many, and none while another call is using them (it then runs
// on its calling thread alone). Calls never start threads of their own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "core/status.h"
#include "treeshap/ensemble.h"

namespace candor::treeshap {

namespace internal {
struct Tables;
struct PoolSlot;
}  // namespace internal

class Explainer {
 public:
  enum class Kernel {
    kAuto,      // AVX-512 when the CPU has it (avx512f/dq/bw/vl), else portable
    kPortable,  // one row at a time, scalar
    kAvx512,    // Build fails with kFailedPrecondition if unavailable
  };
  struct Options {
    Kernel kernel = Kernel::kAuto;
    // Largest table, in mask bits (2^bits floats each). Default: 12 (16 KiB), which
    // covers trees of depth up to 11. Paths beyond it use the slow per-leaf path.
    std::uint32_t max_table_bits = 12;
  };
  struct Stats {
    std::size_t units = 0;        // tables (a leaf or a pair of sibling leaves)
    std::size_t slow_leaves = 0;  // leaves explained without a table
    std::size_t table_bytes = 0;
  };

  // Precomputes the tables. Errors: kInvalidArgument if max_table_bits is not in
  // [1, 20]; kFailedPrecondition if Kernel::kAvx512 is asked for and the CPU or
  // the build lacks it.
  static core::Result<Explainer> Build(const Ensemble& e, const Options& options);
  static core::Result<Explainer> Build(const Ensemble& e) { return Build(e, Options{}); }

  Explainer(Explainer&&) noexcept;
  Explainer& operator=(Explainer&&) noexcept;
  ~Explainer();

  std::size_t num_features() const;
  // The bias column: base margin plus the trees' expected values.
  double expected_value() const;
  Stats stats() const;
  // "avx512" or "portable".
  std::string_view kernel_name() const;

  // Explains n rows. rows: n x num_features() row-major floats (NaN = missing),
  // rows.size() >= n * num_features(). out: n x (num_features() + 1) doubles,
  // overwritten (see the file comment for the layout). threads: worker threads to
  // use at most, counting the calling thread (values < 1 mean 1); with fewer rows than
  // threads need, the trees rather than the rows are split between threads (a
  // single row too: two threads explain it faster than one).
  // Violating the size requirements is a programmer error (asserts).
  void Explain(std::span<const float> rows, std::size_t n, std::span<double> out,
               int threads) const;

 private:
  Explainer() = default;
  std::unique_ptr<const internal::Tables> tables_;
  std::unique_ptr<internal::PoolSlot> pool_;  // the kept worker threads, made on demand
  bool avx512_ = false;
};

}  // namespace candor::treeshap
