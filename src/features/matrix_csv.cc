#include "features/matrix_csv.h"

#include <fmt/format.h>

#include <cmath>

#include "core/csv_writer.h"

namespace candor::features {

std::string FormatFloat(float v) {
  if (std::isnan(v)) return {};
  return fmt::format("{}", v);  // fmt: shortest round-trip representation of the float
}

core::Status WriteMatrixCsv(const Matrix& m, const std::string& path, bool training) {
  CANDOR_ASSIGN_OR_RETURN(auto w, core::CsvWriter::Create(path));
  w->Field("subject_id");
  if (training) w->Field("snapshot");
  for (const Column& c : m.columns) w->Field(c.name);
  if (training) {
    w->Field("label");
    w->Field("split");
  }
  w->EndRow();
  const std::size_t cols = m.cols();
  for (std::size_t r = 0; r < m.rows; ++r) {
    w->Field(m.subjects[r].Hex());
    if (training) w->Field(core::FormatTimestamp(m.snapshots[r]));
    const float* row = m.row(r);
    for (std::size_t c = 0; c < cols; ++c) w->Field(FormatFloat(row[c]));
    if (training) {
      w->Field(FormatFloat(m.labels[r]));
      w->Field(SplitName(m.splits[r]));
    }
    w->EndRow();
  }
  return w->Close();
}

}  // namespace candor::features
