// candor::model::DenseMatrix: the feature matrix handed to XGBoost, to the
// calibrators and to scoring.
//
// Row-major float values with NaN for a missing value. Each column is either
// numeric ('q') or categorical ('c'); a categorical value is the integer code of
// the category stored as a float (0, 1, 2, …, below 2^24), which is what XGBoost's
// native categorical splits expect.
//
// Example:
//   DenseMatrix m;
//   m.rows = 2; m.cols = 2;
//   m.values = {0.5f, 1.0f,   NAN, 0.0f};
//   m.feature_names = {"tenure_days", "channel"};
//   m.feature_types = {'q', 'c'};
//
// Thread safety: a value type; distinct objects may be used from different
// threads, one object is not synchronised.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "core/status.h"

namespace candor::model {

// The largest categorical code + 1 XGBoost 1.7 accepts (exactly representable
// in a float: 2^24).
inline constexpr float kMaxCategoryCode = 16'777'216.0f;

struct DenseMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float> values;  // rows * cols, row-major; NaN = missing
  // Empty, or one name per column (unique, non-empty).
  std::vector<std::string> feature_names;
  // Empty (= all numeric), or one type per column: 'q' numeric, 'c' categorical.
  std::vector<char> feature_types;

  float at(std::size_t row, std::size_t col) const { return values[row * cols + col]; }
  bool is_categorical(std::size_t col) const {
    return !feature_types.empty() && feature_types[col] == 'c';
  }
};

// Checks the shape and contents of `m`. InvalidArgument, naming the column (never
// a value), when values.size() != rows * cols, the names or types have the wrong
// length, a name is empty or repeated, a type is not 'q' or 'c', a value is
// infinite, or a categorical value is not NaN or an integer in [0, 2^24).
inline core::Status ValidateMatrix(const DenseMatrix& m) {
  if (m.values.size() != m.rows * m.cols) {
    return core::InvalidArgument(fmt::format("matrix has {} values, expected {} rows x {} columns",
                                             m.values.size(), m.rows, m.cols));
  }
  if (!m.feature_names.empty() && m.feature_names.size() != m.cols) {
    return core::InvalidArgument(
        fmt::format("matrix has {} feature names for {} columns", m.feature_names.size(), m.cols));
  }
  if (!m.feature_types.empty() && m.feature_types.size() != m.cols) {
    return core::InvalidArgument(
        fmt::format("matrix has {} feature types for {} columns", m.feature_types.size(), m.cols));
  }
  for (std::size_t c = 0; c < m.feature_names.size(); ++c) {
    if (m.feature_names[c].empty()) {
      return core::InvalidArgument(fmt::format("feature {} has an empty name", c));
    }
    for (std::size_t d = 0; d < c; ++d) {
      if (m.feature_names[d] == m.feature_names[c]) {
        return core::InvalidArgument(
            fmt::format("feature name '{}' appears twice", m.feature_names[c]));
      }
    }
  }
  for (std::size_t c = 0; c < m.feature_types.size(); ++c) {
    if (m.feature_types[c] != 'q' && m.feature_types[c] != 'c') {
      return core::InvalidArgument(
          fmt::format("feature {} has type '{}' (expected 'q' or 'c')", c, m.feature_types[c]));
    }
  }
  for (std::size_t c = 0; c < m.cols; ++c) {
    const bool categorical = m.is_categorical(c);
    for (std::size_t r = 0; r < m.rows; ++r) {
      const float v = m.at(r, c);
      if (std::isnan(v)) continue;
      if (std::isinf(v)) {
        return core::InvalidArgument(fmt::format("feature {} row {}: infinite value", c, r));
      }
      if (categorical && (v < 0.0f || v >= kMaxCategoryCode || std::floor(v) != v)) {
        return core::InvalidArgument(fmt::format(
            "feature {} row {}: a categorical value must be an integer code in [0, 2^24)", c, r));
      }
    }
  }
  return core::Status::Ok();
}

}  // namespace candor::model
