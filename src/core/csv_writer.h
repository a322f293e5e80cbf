// candor::core::CsvWriter: buffered RFC 4180 CSV output, written atomically.
//
// Rows go to "PATH.tmp" and Close() renames it to PATH, so a reader never sees
// a half-written file and a failed run leaves nothing behind (the destructor
// removes the temporary file unless Close() succeeded). Fields are quoted only
// when they hold the delimiter, a quote, CR or LF. Doubles are written in the
// shortest form that reads back to the same value (fmt's default).
//
// Thread safety: one writer per thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace candor::core {

class CsvWriter {
 public:
  // Creates PATH.tmp. Unavailable when it cannot be created.
  static Result<std::unique_ptr<CsvWriter>> Create(const std::string& path, char delimiter = ',');
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  void Field(std::string_view text);
  void Field(const char* text) { Field(std::string_view(text)); }
  void Field(std::int64_t v);
  void Field(int v) { Field(static_cast<std::int64_t>(v)); }
  void Field(double v);
  void EmptyField() { Field(std::string_view()); }
  void EndRow();
  // Appends complete rows already in CSV form: `rows` lines, each ending in
  // '\n', fields separated by the delimiter and quoted as needed by the caller.
  // Only at the start of a row.
  void Rows(std::string_view text, std::uint64_t rows);

  // Flushes, closes and renames into place. Unavailable on any write error
  // (the temporary file is then removed).
  Status Close();

  std::uint64_t rows() const { return rows_; }

 private:
  CsvWriter(std::string path, std::FILE* f, char delimiter);
  void Separate();
  void Flush();

  std::string path_;
  std::FILE* file_ = nullptr;
  char delimiter_;
  bool at_row_start_ = true;
  bool failed_ = false;
  bool closed_ = false;
  std::uint64_t rows_ = 0;
  std::string buffer_;
};

}  // namespace candor::core
