// candor::core::RecordReader: streaming readers for CSV (RFC 4180) and NDJSON.
//
// Both formats produce the same Row: one value per column, in column order, with
// the physical line and the 1-based character column where each value starts, so
// that every later error can be reported as FILE:LINE:COLUMN.
//
// CSV: a header row names the columns (a UTF-8 BOM is skipped; LF or CRLF; fields
// may be quoted with "…" and then hold the delimiter, "" for a quote, and line
// breaks). The header must be non-empty, valid UTF-8 and free of duplicate or empty
// names.
// NDJSON: one JSON object per line; the caller names the allowed columns up front,
// values must be strings, numbers, booleans or null (null == absent).
//
// Both read through zlib, so FILE may also be gzip-compressed (.gz).
//
// Errors are of two kinds:
//  - a row error (wrong field count, bad UTF-8, NUL byte, a field over the size
//    limit, a quote in an unquoted field, an unknown or duplicate NDJSON key, …):
//    Next() returns kError with `row.error` set; reading may continue with the
//    next row;
//  - a fatal error (I/O error, an unterminated quote that runs to end of file,
//    missing or malformed header): Open() fails, or Next() returns kError and every
//    later call returns kEnd.
// Messages never quote field values (they may hold personal data); they name the
// column and the rule.
//
// Ownership: the string_views in a Row point into the reader's buffers and stay
// valid until the next call to Next().
// Thread safety: a reader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace candor::core {

enum class Format { kCsv, kNdjson };

// Picks the format from a file name: .csv → kCsv, .ndjson/.jsonl → kNdjson, with an
// optional trailing .gz. Otherwise InvalidArgument naming the extensions accepted.
Result<Format> FormatFromPath(std::string_view path);
// "csv" or "ndjson" → Format; otherwise InvalidArgument.
Result<Format> ParseFormat(std::string_view name);

struct ReaderOptions {
  // CSV field separator. Default: ','.
  char delimiter = ',';
  // Longest field accepted, in bytes. Default: 1 MiB (DESIGN.md).
  std::size_t max_field_bytes = std::size_t{1} << 20;
  // NDJSON only: the allowed keys, which become the columns in this order.
  std::vector<std::string> columns;
};

// Where a problem is: 1-based line and character (code point) column.
struct Position {
  std::uint64_t line = 1;
  std::uint64_t column = 1;
};

struct RowError {
  Position pos;
  std::string message;  // e.g. "expected 7 fields, found 6"
};

struct Value {
  std::string_view text;   // unquoted/unescaped; NDJSON numbers and booleans as written
  bool present = false;    // CSV: always true; NDJSON: key present and not null
  std::uint64_t line = 1;  // where the value starts
  std::uint64_t column = 1;
};

struct Row {
  std::uint64_t line = 0;     // physical line where the row starts
  std::vector<Value> values;  // one per column, column order
  std::optional<RowError> error;
};

enum class ReadResult { kRow, kError, kEnd };

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // The column names: the CSV header, or ReaderOptions::columns for NDJSON.
  virtual const std::vector<std::string>& columns() const = 0;
  // Position of each header name (CSV); NDJSON: all {1,1}.
  virtual const std::vector<Position>& column_positions() const = 0;
  // Reads the next row into `row` (see the file comment for errors).
  virtual ReadResult Next(Row& row) = 0;
  // Bytes consumed from the (decompressed) input so far; for progress display.
  virtual std::uint64_t bytes_read() const = 0;
};

// Opens `path` for reading in `format`. Errors: NotFound (no such file),
// InvalidArgument with "FILE:LINE:COLUMN: message" (empty file, missing header,
// bad header), Unavailable (I/O).
Result<std::unique_ptr<RecordReader>> OpenRecordReader(const std::string& path, Format format,
                                                       const ReaderOptions& options);

// True when `s` is valid UTF-8 (simdjson's validator).
bool IsValidUtf8(std::string_view s);
// Byte offset of the first invalid UTF-8 sequence in `s`, or npos.
std::size_t FirstInvalidUtf8(std::string_view s);
// Number of code points in valid UTF-8 `s` (for character columns).
std::size_t CountCodePoints(std::string_view s);

}  // namespace candor::core
