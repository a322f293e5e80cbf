// candor::fairness::Resampler: the per-group counts behind every audited number,
// for the rows as given and for any stratified bootstrap resample of them.
//
// The strata are the finest partition of the rows by all protected attributes
// together (a missing value counting as a value of its own). A resample draws,
// within each stratum, as many rows as the stratum holds, uniformly with
// replacement. It therefore keeps the size of every group of every attribute,
// of every intersection, and the number of rows without a value: the
// "stratified by group" bootstrap for all groupings at once.
//
// Resample `index` under `seed` depends on nothing else: the same seed gives
// the same counts on any thread and in any order. Counts are integers and each
// resample is summed in one fixed order, so its AUC and ECE are bit-identical
// across runs and thread counts.
//
// How (one pass per resample): the rows are sorted once by (AUC score, label)
// and resampling only draws a multiplicity per row; one sequential pass then
// adds counts per stratum (additive: n, positives, selections, true positives,
// the ECE bins) and the Mann-Whitney pairs of each group's AUC, ties counting
// one half exactly as model::RocAuc.
//
// Thread safety: a Resampler is immutable after Create and may be shared; each
// thread passes its own Scratch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "fairness/groups.h"

namespace candor::fairness {

// One group's counts in one (re)sample. auc and ece are NaN when undefined
// (one class only; no AUC scores or probabilities given).
struct GroupCounts {
  int64_t n = 0;
  int64_t positives = 0;
  int64_t selected = 0;
  int64_t true_positives = 0;
  double auc = 0;
  double ece = 0;
};

// Per grouping (in the order given to Create), per group (index into values).
using GroupingCounts = std::vector<std::vector<GroupCounts>>;

class Resampler {
 public:
  // Per-thread working memory, sized on first use.
  struct Scratch {
    std::vector<uint8_t> draws8;    // multiplicity per row (1 MB per million rows)
    std::vector<uint32_t> draws32;  // the rare resample that draws a row 256 times or more
    std::vector<int64_t> cells;  // per (stratum, ECE bin, selected): n, positives
    std::vector<double> bin_p;   // per (stratum, ECE bin, selected): sum of probabilities
    std::vector<int64_t> auc;       // per group slot: negatives, block start, 2U, block
  };

  // `groupings` from BuildGroupings over the same rows; y_true and selected
  // 0 or 1 per row; auc_scores empty (no AUC) or finite per row; probabilities
  // empty (no ECE) or in [0, 1] per row.
  // Errors (InvalidArgument): lengths that differ from the groupings' rows, no
  // rows, or a value outside those ranges.
  static core::Result<Resampler> Create(std::span<const Grouping> groupings,
                                        std::span<const float> y_true,
                                        std::span<const uint8_t> selected,
                                        std::span<const double> auc_scores,
                                        std::span<const double> probabilities);

  // Counts with every row drawn once (the point estimates).
  GroupingCounts Identity(Scratch& scratch) const;

  // Counts of bootstrap resample `index` under `seed`.
  GroupingCounts Resample(uint64_t seed, uint64_t index, Scratch& scratch) const;

  std::size_t rows() const { return rows_; }
  std::size_t strata() const { return stratum_start_.size() - 1; }

 private:
  static constexpr std::size_t kBins = 10;
  // Bits of packed_: label, selected, ECE bin (4 bits), first row of a tie block.
  static constexpr uint8_t kLabel = 1, kSelected = 2, kNewBlock = 64;
  static constexpr int kBinShift = 2;

  template <typename Count>
  GroupingCounts Pass(std::span<const Count> draws, Scratch& scratch) const;
  // The one pass over the rows; K groupings known at compile time (0: any).
  template <typename Count, std::size_t K>
  void Accumulate(std::span<const Count> draws, Scratch& scratch) const;

  std::size_t rows_ = 0;
  bool has_auc_ = false;
  bool has_ece_ = false;
  // By sorted position.
  std::vector<uint8_t> packed_;
  std::vector<uint32_t> stratum_;
  std::vector<uint32_t> cell_;  // (stratum * kBins + ECE bin) * 2 + selected
  std::vector<double> probability_;
  // Draws are counted stratum by stratum (stratum s owns [stratum_start_[s],
  // stratum_start_[s+1]), its rows in sorted order), so drawing touches one
  // contiguous range; slot_in_stratum_[p] is where sorted position p's count is.
  std::vector<uint32_t> slot_in_stratum_;
  std::vector<std::size_t> stratum_start_;
  // Per grouping: the group of each stratum (-1: none), group count, AUC slot offset.
  std::vector<std::vector<int32_t>> stratum_group_;
  std::vector<std::size_t> group_count_;
  std::vector<std::size_t> slot_offset_;
  // Per stratum and grouping: the AUC slot of its group, or the dummy slot.
  std::vector<uint32_t> slot_of_;
};

}  // namespace candor::fairness
