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
// column and the rule, and carry no file name or position (RowError::pos has it).
// A row reports one error, the first in the row; a wrong field count only when
// nothing else is wrong, at column 1 of the row's first line. On kError the row's
// `values` are empty.
//
// CSV row errors ('x' is the header name; a field beyond the header is "#N"):
//   "expected 7 fields, found 6"            (a blank line mid-file counts as 1 field)
//   "invalid UTF-8 in field 'x'"            at the bad byte
//   "NUL byte in field 'x'"                 at the NUL
//   "field 'x' is longer than N bytes"      at the field (N = max_field_bytes)
//   "unexpected quote in unquoted field 'x'"
//   "unexpected character after closing quote in field 'x'"
//   "carriage return without line feed in field 'x'" (a lone CR outside quotes)
// CSV fatal: "unterminated quoted field 'x' (opened at line L)" at the quote; Open()
// fails with "FILE:L:C: " and "empty file: expected a header row",
// "duplicate column 'x'", "empty column name", "invalid UTF-8 in header field 2" (or
// any row rule above, naming "header field N"), "header row is longer than N bytes".
// Blank lines at the end of a CSV file are ignored.
// NDJSON row errors: "invalid JSON: <simdjson's message>", "not a JSON object",
// "unknown field 'k'" and "duplicate field 'k'" (at the key), "field 'x' must be a
// string, number, boolean or null", "invalid UTF-8", "NUL byte in field 'x'",
// "field 'x' is longer than N bytes" (unescaped), "line is longer than N bytes"
// where N = (columns + 1) × max_field_bytes (such a line is skipped, not held).
// Blank lines are skipped; an absent key gives {present=false, column 1}, a null
// present=false at its own column.
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

// Not part of the API: shared by the reader implementations and their tests.
namespace internal {

// Bytes read from the decompressed input in one call. Default of OpenRecordReader.
inline constexpr std::size_t kDefaultBlockBytes = std::size_t{4} << 20;

// True when every byte of `s` is below 0x80.
bool IsAscii(std::string_view s);

// Same as OpenRecordReader, with the read block size chosen (tests use tiny blocks
// to put fields across block boundaries).
Result<std::unique_ptr<RecordReader>> OpenCsvReader(const std::string& path,
                                                    const ReaderOptions& options,
                                                    std::size_t block_bytes);
Result<std::unique_ptr<RecordReader>> OpenNdjsonReader(const std::string& path,
                                                       const ReaderOptions& options,
                                                       std::size_t block_bytes);

// The decompressed bytes of a file (gzip or plain, through zlib), read in blocks
// into one growing buffer. The unconsumed bytes are [data(), data() + size());
// data()[size()] and the kPadding bytes after it are readable and zero.
class BlockInput {
 public:
  static constexpr std::size_t kPadding = 64;  // simdjson's SIMDJSON_PADDING

  // NotFound when `path` does not exist, Unavailable when it cannot be opened
  // (messages start with the path).
  static Result<std::unique_ptr<BlockInput>> Open(const std::string& path, std::size_t block_bytes);
  ~BlockInput();
  BlockInput(const BlockInput&) = delete;
  BlockInput& operator=(const BlockInput&) = delete;

  char* data() { return buf_.get() + begin_; }
  std::size_t size() const { return end_ - begin_; }
  // True once a read found the end of the input.
  bool eof() const { return eof_; }
  // Marks the first `n` unconsumed bytes as done. Pointers stay valid.
  void Consume(std::size_t n) {
    begin_ += n;
    consumed_ += n;
  }
  // Moves the unconsumed bytes to the front of the buffer (invalidating pointers
  // into it) and appends up to one block. Returns false at the end of the input.
  // Unavailable on a read error or a truncated gzip stream ("read error: …",
  // without the path).
  Result<bool> ReadMore();
  // Bytes consumed so far.
  std::uint64_t consumed() const { return consumed_; }

 private:
  BlockInput(void* file, std::size_t block_bytes);

  void* file_;  // gzFile
  std::size_t block_bytes_;
  std::unique_ptr<char[]> buf_;
  std::size_t capacity_ = 0;  // bytes in buf_, excluding kPadding
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::uint64_t consumed_ = 0;
};

}  // namespace internal
}  // namespace candor::core
