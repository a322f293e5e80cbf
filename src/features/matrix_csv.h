// candor::features::WriteMatrixCsv: a feature matrix as CSV, exactly as the
// model sees it (`candor features`).
//
// Header: subject_id, then the feature names (the booster's, in its order). For
// a training matrix: subject_id, snapshot, the features, label, split. Numbers
// are written in the shortest form that reads back to the same float32 value;
// categorical features as their integer codes (the code table is in the
// model's model.json); missing values as empty fields. The file is written
// atomically (core::CsvWriter): a failed run leaves nothing behind.
//
// A large matrix is formatted in chunks of rows on several threads (the
// hardware's, at most 8) and written in order on the calling thread: the file
// is the same, byte for byte, as written row by row.
//
// Thread safety: the matrix is only read; calls for different paths may run
// concurrently.
//
// Errors: Unavailable when the file cannot be written.
#pragma once

#include <string>

#include "core/status.h"
#include "features/matrix.h"

namespace candor::features {

core::Status WriteMatrixCsv(const Matrix& m, const std::string& path, bool training);

// The shortest decimal text that parses back to `v` as a float32 ("" for NaN):
// fmt's "{}", fixed notation below 1e16 (16777216, not 1.6777216e+07).
std::string FormatFloat(float v);

}  // namespace candor::features
