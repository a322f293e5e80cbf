// candor::features::Matrix: the feature matrix of a target, for training (rows
// are (subject, snapshot) pairs with labels) or for scoring (one row per subject
// at the scoring time), read only through the store's purpose-bound reader.
//
// Training rows (point-in-time correct): for snapshots = "monthly", the month
// starts (UTC) m with m + horizon_days ≤ min(as_of, the latest outcome of the
// target: labels mature only as far as outcome data has arrived), at least 30
// days after the first
// stored event, the latest training.snapshot_months of them; every subject
// eligible for the target's purpose at as_of, created before m, in the target's
// population, and without a positive outcome at or before m, is a row at m.
// Its features see only events before m; its label is 1 when an outcome of the
// target with a value > 0 falls in (m, m + horizon_days]. For snapshots =
// "outcomes", every outcome of the target at or before as_of is a row at its
// time, labelled by value > 0, and its month start decides its split.
// Scoring rows: every eligible subject in the population at as_of.
//
// Categorical features are integer codes into the column's code table. Training
// builds the tables from the rows (values sorted bytewise, codes 0, 1, …);
// scoring takes the model's tables, and a value missing from them (unseen in
// training) is scored as missing, which is how the trees treat any code they
// did not split on.
//
// Building reads the subjects in parts on several threads at once
// (BuildOptions::threads, store::ReadOptions::threads), one Builder per part,
// concatenated in part order: the matrix is the same, byte for byte, for any
// number of threads.
//
// Thread safety: a Matrix is a value. Building uses the store from the calling
// thread only (a Store belongs to one thread; its reader's extra connections
// are its own).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/ids.h"
#include "core/status.h"
#include "core/time.h"
#include "features/feature_set.h"
#include "store/store.h"

namespace candor::features {

struct Column {
  std::string name;
  bool categorical = false;
  std::vector<std::string> codes;  // categorical: code i stands for codes[i]
};

enum class Split { kTrain, kValid, kTest };
std::string_view SplitName(Split s);

struct Matrix {
  std::string target;
  core::Instant as_of = 0;
  std::vector<Column> columns;
  std::size_t rows = 0;
  std::vector<float> values;  // rows × columns, row-major; NaN = missing
  std::vector<core::SubjectId> subjects;
  std::vector<store::SubjectKey> keys;
  std::vector<core::Instant> snapshots;
  std::vector<float> labels;   // training only
  std::vector<Split> splits;   // training only
  std::size_t unseen_categories = 0;  // scoring: values outside the code tables

  std::size_t cols() const { return columns.size(); }
  const float* row(std::size_t r) const { return values.data() + r * columns.size(); }
};

struct BuildOptions {
  core::Instant as_of = 0;  // "now": eligibility, and the end of the data used
  // Scoring only: the model's columns (names, kinds and code tables). Empty: the
  // target's features with code tables from the rows.
  std::vector<Column> columns;
  // Scoring only: just this subject (when eligible); 0: every eligible subject.
  store::SubjectKey subject = 0;
  // Called now and then, on the calling thread, with the subjects read so far
  // (for progress output).
  std::function<void(std::int64_t subjects)> progress;
  // How many threads read the store at once. Default 0: the hardware's threads
  // (at most 8). The matrix does not depend on it.
  int threads = 0;
};

// The training matrix of `target`, split by time (config.training): the latest
// test_months snapshot months are the test split, the valid_months before them
// the validation split, the rest train. FailedPrecondition when there are too
// few months or a split lacks positive or negative labels; NotFound for an
// unknown purpose; InvalidArgument for an unknown target.
core::Result<Matrix> BuildTraining(store::Store& store, const core::Config& config,
                                   std::string_view target, const BuildOptions& options);

// The scoring matrix of `target` at options.as_of.
core::Result<Matrix> BuildScoring(store::Store& store, const core::Config& config,
                                  std::string_view target, const BuildOptions& options);

// The rows of `m` in split `s`, as a new matrix (labels and snapshots kept).
Matrix Select(const Matrix& m, Split s);

// Month starts (UTC) from `first` (rounded up) to `last` (rounded down), ascending.
std::vector<core::Instant> MonthStarts(core::Instant first, core::Instant last);

}  // namespace candor::features
