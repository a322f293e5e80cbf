// The CSV RecordReader (RFC 4180).
//
// Each Next() scans one row in place over the input buffer: a table lookup skips
// ordinary bytes, and the scan restarts from the row's first byte when the row
// runs past the buffered data (the buffer then grows by a block). Fields are
// string_views into the buffer; "" escapes are undone in place once the row is
// complete. UTF-8 is checked per row (an ASCII test, then simdjson's validator).
// A row too long to hold any valid row (SkipLongRow) is scanned byte by byte and
// discarded as it goes, so memory stays bounded whatever the input.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>

#include "core/record_reader.h"

namespace candor::core::internal {
namespace {

constexpr std::size_t kMinHeaderBytes = std::size_t{64} << 10;

std::size_t SatMul(std::size_t a, std::size_t b) {
  return (b != 0 && a > std::numeric_limits<std::size_t>::max() / b)
             ? std::numeric_limits<std::size_t>::max()
             : a * b;
}
std::size_t SatAdd(std::size_t a, std::size_t b) {
  return a > std::numeric_limits<std::size_t>::max() - b ? std::numeric_limits<std::size_t>::max()
                                                         : a + b;
}

inline unsigned char U(char c) { return static_cast<unsigned char>(c); }

std::size_t Distance(const char* from, const char* to) {
  return static_cast<std::size_t>(to - from);
}

// Undoes "" escapes in [text, text + len) in place.
std::string_view UnescapeInPlace(char* text, std::size_t len) {
  char* w = text;
  const char* r = text;
  const char* const e = text + len;
  while (r < e) {
    const auto* q = static_cast<const char*>(std::memchr(r, '"', Distance(r, e)));
    if (q == nullptr) {
      std::memmove(w, r, Distance(r, e));
      w += e - r;
      break;
    }
    const std::size_t n = Distance(r, q) + 1;  // keep one quote
    std::memmove(w, r, n);
    w += n;
    r = q + 2;
  }
  return {text, Distance(text, w)};
}

enum class ErrorKind {
  kNone,
  kNul,
  kQuoteInUnquoted,
  kAfterClosingQuote,
  kLoneCr,
  kTooLong,
  kUtf8
};

struct Field {
  char* raw;               // first byte (the opening quote of a quoted field)
  char* text;              // first content byte
  std::size_t len;         // content bytes, escapes included
  std::size_t escapes;     // "" pairs in the content
  const char* line_start;  // first byte of the physical line where the field starts
  std::uint64_t line;
};

struct ScanError {
  ErrorKind kind = ErrorKind::kNone;
  std::size_t field = 0;
  const char* at = nullptr;
  const char* line_start = nullptr;
  std::uint64_t line = 0;
};

class CsvReader final : public RecordReader {
 public:
  CsvReader(std::string path, std::unique_ptr<BlockInput> in, const ReaderOptions& options);

  Status ReadHeader();

  const std::vector<std::string>& columns() const override { return columns_; }
  const std::vector<Position>& column_positions() const override { return positions_; }
  ReadResult Next(Row& row) override;
  std::uint64_t bytes_read() const override { return in_->consumed(); }

 private:
  enum class Scan { kRow, kNeedMore, kUnterminated };

  Scan ScanRow(char* begin, char* end, bool eof);
  void Note(ErrorKind kind, const char* at, const char* line_start, std::uint64_t line) {
    if (error_.kind == ErrorKind::kNone) error_ = {kind, fields_.size(), at, line_start, line};
  }
  // Adds an invalid-UTF-8 error to error_ when it comes before the scan error.
  // Returns whether the row is ASCII.
  bool CheckUtf8(const char* begin, const char* end);
  // True when only line breaks follow `from` up to the end of the input; nullopt
  // when more input is needed to tell.
  std::optional<bool> OnlyBlankLinesFollow(const char* from, const char* end, bool eof) const;
  ReadResult SkipLongRow(Row& row);
  ReadResult Fatal(Row& row, Position pos, std::string message);
  Status HeaderError(Position pos, const std::string& message) const;
  Result<bool> ReadMoreForHeader();

  std::string Label(std::size_t field) const;
  std::string Message(const ScanError& e) const;
  Position PositionOf(const ScanError& e, bool ascii) const;

  std::string path_;
  std::unique_ptr<BlockInput> in_;
  char delimiter_;
  std::size_t max_field_bytes_;
  std::size_t row_cap_ = 0;
  bool in_header_ = true;
  bool done_ = false;
  std::uint64_t line_ = 1;  // line where the next row starts
  std::array<bool, 256> unquoted_special_{};
  std::array<bool, 256> quoted_special_{};
  std::vector<std::string> columns_;
  std::vector<Position> positions_;

  // Results of the last ScanRow.
  std::vector<Field> fields_;
  ScanError error_;
  Field open_quote_{};  // kUnterminated: the field whose quote is never closed
  char* row_end_ = nullptr;
  std::uint64_t next_line_ = 1;
};

CsvReader::CsvReader(std::string path, std::unique_ptr<BlockInput> in, const ReaderOptions& options)
    : path_(std::move(path)),
      in_(std::move(in)),
      delimiter_(options.delimiter),
      max_field_bytes_(options.max_field_bytes) {
  for (const char c : {delimiter_, '"', '\r', '\n', '\0'}) unquoted_special_[U(c)] = true;
  for (const char c : {'"', '\n', '\0'}) quoted_special_[U(c)] = true;
  fields_.reserve(64);
}

// Scans the row starting at `begin`. data()[end] is a NUL sentinel, so the inner
// loops need no bounds check: a NUL is either the end or a NUL byte in the data.
CsvReader::Scan CsvReader::ScanRow(char* const begin, char* const end, const bool eof) {
  fields_.clear();
  error_ = ScanError{};
  const bool* const unq = unquoted_special_.data();
  const bool* const quo = quoted_special_.data();
  const char delim = delimiter_;
  char* p = begin;
  const char* line_start = begin;
  std::uint64_t line = line_;
  for (;;) {
    Field f{p, p, 0, 0, line_start, line};
    const bool quoted = *p == '"';
    if (quoted) {
      ++p;
      f.text = p;
      for (;;) {
        while (!quo[U(*p)]) ++p;
        if (*p == '"') {
          if (p + 1 == end && !eof) return Scan::kNeedMore;
          if (p + 1 < end && p[1] == '"') {
            ++f.escapes;
            p += 2;
            continue;
          }
          break;
        }
        if (*p == '\n') {
          ++line;
          line_start = ++p;
          continue;
        }
        if (p == end) {
          if (!eof) return Scan::kNeedMore;
          open_quote_ = f;
          return Scan::kUnterminated;
        }
        Note(ErrorKind::kNul, p, line_start, line);
        ++p;
      }
      f.len = Distance(f.text, p);
      ++p;  // the closing quote
      const char c = *p;
      if (c != delim && c != '\n' && c != '\r' && c != '\0') {
        Note(ErrorKind::kAfterClosingQuote, p, line_start, line);
      }
    }
    // Unquoted content, or what follows a closing quote, up to the field's end.
    bool row_done = false;
    for (;;) {
      while (!unq[U(*p)]) ++p;
      const char c = *p;
      if (c == delim) break;
      if (c == '\n') {
        row_done = true;
        break;
      }
      if (c == '\r') {
        if (p + 1 == end && !eof) return Scan::kNeedMore;
        if (p[1] == '\n' && p + 1 < end) {
          row_done = true;
          break;
        }
        Note(ErrorKind::kLoneCr, p, line_start, line);
      } else if (c == '"') {
        Note(quoted ? ErrorKind::kAfterClosingQuote : ErrorKind::kQuoteInUnquoted, p, line_start,
             line);
      } else if (p == end) {  // the sentinel
        if (!eof) return Scan::kNeedMore;
        row_done = true;
        break;
      } else {
        Note(ErrorKind::kNul, p, line_start, line);
      }
      ++p;
    }
    if (!quoted) f.len = Distance(f.text, p);
    if (f.len - f.escapes > max_field_bytes_) {
      Note(ErrorKind::kTooLong, f.raw, f.line_start, f.line);
    }
    fields_.push_back(f);
    if (!row_done) {
      ++p;
      continue;
    }
    if (p != end) p += *p == '\r' ? 2 : 1;
    row_end_ = p;
    next_line_ = line + 1;
    return Scan::kRow;
  }
}

bool CsvReader::CheckUtf8(const char* begin, const char* end) {
  const std::string_view raw(begin, Distance(begin, end));
  if (IsAscii(raw)) return true;
  if (IsValidUtf8(raw)) return false;
  std::size_t bad = FirstInvalidUtf8(raw);
  if (bad == std::string_view::npos) bad = 0;  // validators disagree: blame the row
  const char* at = begin + bad;
  if (error_.kind != ErrorKind::kNone && error_.at <= at) return false;
  std::size_t field = 0;
  while (field + 1 < fields_.size() && fields_[field + 1].raw <= at) ++field;
  const Field& f = fields_[field];
  ScanError e{ErrorKind::kUtf8, field, at, f.line_start, f.line};
  for (const char* q = f.raw; q < at; ++q) {
    if (*q == '\n') {
      ++e.line;
      e.line_start = q + 1;
    }
  }
  error_ = e;
  return false;
}

std::optional<bool> CsvReader::OnlyBlankLinesFollow(const char* from, const char* end,
                                                    bool eof) const {
  const char* p = from;
  while (p < end && (*p == '\n' || *p == '\r')) ++p;
  if (p < end) return false;
  if (eof) return true;
  if (Distance(in_->data(), end) >= row_cap_) return false;  // too many to hold
  return std::nullopt;
}

std::string CsvReader::Label(std::size_t field) const {
  if (in_header_) return "header field " + std::to_string(field + 1);
  if (field < columns_.size()) return "field '" + columns_[field] + "'";
  return "field #" + std::to_string(field + 1);
}

std::string CsvReader::Message(const ScanError& e) const {
  switch (e.kind) {
    case ErrorKind::kNul:
      return "NUL byte in " + Label(e.field);
    case ErrorKind::kQuoteInUnquoted:
      return "unexpected quote in unquoted " + Label(e.field);
    case ErrorKind::kAfterClosingQuote:
      return "unexpected character after closing quote in " + Label(e.field);
    case ErrorKind::kLoneCr:
      return "carriage return without line feed in " + Label(e.field);
    case ErrorKind::kTooLong:
      return Label(e.field) + " is longer than " + std::to_string(max_field_bytes_) + " bytes";
    case ErrorKind::kUtf8:
      return "invalid UTF-8 in " + Label(e.field);
    case ErrorKind::kNone:
      break;
  }
  return "internal error";
}

Position CsvReader::PositionOf(const ScanError& e, bool ascii) const {
  const std::size_t bytes = Distance(e.line_start, e.at);
  return {e.line, 1 + (ascii ? bytes : CountCodePoints({e.line_start, bytes}))};
}

ReadResult CsvReader::Fatal(Row& row, Position pos, std::string message) {
  done_ = true;
  row.values.clear();
  row.line = pos.line;
  row.error = RowError{pos, std::move(message)};
  return ReadResult::kError;
}

Status CsvReader::HeaderError(Position pos, const std::string& message) const {
  return InvalidArgument(path_ + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
                         ": " + message);
}

Result<bool> CsvReader::ReadMoreForHeader() {
  Result<bool> more = in_->ReadMore();
  if (!more.ok()) return more.status().WithContext(path_);
  return more;
}

Status CsvReader::ReadHeader() {
  CANDOR_ASSIGN_OR_RETURN(bool more, ReadMoreForHeader());
  while (more && in_->size() < 3) {
    CANDOR_ASSIGN_OR_RETURN(more, ReadMoreForHeader());
  }
  if (in_->size() >= 3 && std::memcmp(in_->data(), "\xEF\xBB\xBF", 3) == 0) in_->Consume(3);
  while (in_->size() == 0 && !in_->eof()) {
    CANDOR_ASSIGN_OR_RETURN(more, ReadMoreForHeader());
  }
  if (in_->size() == 0) return HeaderError({1, 1}, "empty file: expected a header row");

  const std::size_t header_cap = std::max(SatMul(4, max_field_bytes_), kMinHeaderBytes);
  for (;;) {
    char* begin = in_->data();
    char* end = begin + in_->size();
    const Scan s = ScanRow(begin, end, in_->eof());
    if (s == Scan::kNeedMore) {
      if (in_->size() >= header_cap) {
        return HeaderError({1, 1},
                           "header row is longer than " + std::to_string(header_cap) + " bytes");
      }
      CANDOR_ASSIGN_OR_RETURN(more, ReadMoreForHeader());
      continue;
    }
    if (s == Scan::kUnterminated) {
      const ScanError e{ErrorKind::kNone, fields_.size(), open_quote_.raw, open_quote_.line_start,
                        open_quote_.line};
      return HeaderError(PositionOf(e, false), "unterminated quoted " + Label(fields_.size()) +
                                                   " (opened at line " +
                                                   std::to_string(open_quote_.line) + ")");
    }
    const bool ascii = CheckUtf8(begin, row_end_);
    if (error_.kind != ErrorKind::kNone) {
      return HeaderError(PositionOf(error_, ascii), Message(error_));
    }
    std::unordered_set<std::string_view> seen;
    const char* prev_line_start = nullptr;
    const char* prev_raw = nullptr;
    std::uint64_t prev_column = 1;
    for (Field& f : fields_) {
      const std::string_view name =
          f.escapes > 0 ? UnescapeInPlace(f.text, f.len) : std::string_view(f.text, f.len);
      std::uint64_t column = 1 + Distance(f.line_start, f.raw);
      if (!ascii) {
        column = f.line_start == prev_line_start
                     ? prev_column + CountCodePoints({prev_raw, Distance(prev_raw, f.raw)})
                     : 1 + CountCodePoints({f.line_start, Distance(f.line_start, f.raw)});
      }
      prev_line_start = f.line_start;
      prev_raw = f.raw;
      prev_column = column;
      const Position pos{f.line, column};
      if (name.empty()) return HeaderError(pos, "empty column name");
      if (!seen.insert(name).second) {
        return HeaderError(pos, "duplicate column '" + std::string(name) + "'");
      }
      columns_.emplace_back(name);
      positions_.push_back(pos);
    }
    const std::size_t ncols = columns_.size();
    row_cap_ = SatMul(ncols + 1, SatAdd(SatMul(2, max_field_bytes_), 3));
    in_->Consume(Distance(begin, row_end_));
    line_ = next_line_;
    in_header_ = false;
    return Status::Ok();
  }
}

ReadResult CsvReader::Next(Row& row) {
  row.values.clear();
  row.error.reset();
  if (done_) return ReadResult::kEnd;
  for (;;) {
    char* const begin = in_->data();
    const std::size_t size = in_->size();
    char* const end = begin + size;
    Scan s = Scan::kNeedMore;
    if (size > 0) s = ScanRow(begin, end, in_->eof());
    if (s == Scan::kNeedMore) {
      if (size == 0 && in_->eof()) {
        done_ = true;
        return ReadResult::kEnd;
      }
      if (size >= row_cap_) return SkipLongRow(row);
      Result<bool> more = in_->ReadMore();
      if (!more.ok()) return Fatal(row, {line_, 1}, more.status().message());
      continue;
    }
    if (s == Scan::kUnterminated) {
      const ScanError e{ErrorKind::kNone, fields_.size(), open_quote_.raw, open_quote_.line_start,
                        open_quote_.line};
      const bool ascii = IsAscii({open_quote_.line_start, Distance(open_quote_.line_start, e.at)});
      return Fatal(row, PositionOf(e, ascii),
                   "unterminated quoted " + Label(fields_.size()) + " (opened at line " +
                       std::to_string(open_quote_.line) + ")");
    }
    const std::size_t ncols = columns_.size();
    const bool blank = fields_.size() == 1 && fields_[0].len == 0 && *begin != '"' &&
                       error_.kind == ErrorKind::kNone;
    if (blank) {
      const std::optional<bool> trailing = OnlyBlankLinesFollow(row_end_, end, in_->eof());
      if (!trailing.has_value()) {
        Result<bool> more = in_->ReadMore();
        if (!more.ok()) return Fatal(row, {line_, 1}, more.status().message());
        continue;
      }
      if (*trailing) {
        in_->Consume(size);
        done_ = true;
        return ReadResult::kEnd;
      }
    }

    row.line = line_;
    const bool ascii = CheckUtf8(begin, row_end_);
    ReadResult result = ReadResult::kRow;
    if (error_.kind != ErrorKind::kNone) {
      row.error = RowError{PositionOf(error_, ascii), Message(error_)};
      result = ReadResult::kError;
    } else if (fields_.size() != ncols) {
      row.error = RowError{
          {line_, 1},
          "expected " + std::to_string(ncols) + " fields, found " + std::to_string(fields_.size())};
      result = ReadResult::kError;
    } else {
      row.values.resize(ncols);
      const char* prev_line_start = nullptr;
      const char* prev_raw = nullptr;
      std::uint64_t prev_column = 1;
      for (std::size_t i = 0; i < ncols; ++i) {
        Field& f = fields_[i];
        Value& v = row.values[i];
        v.text = f.escapes > 0 ? UnescapeInPlace(f.text, f.len) : std::string_view(f.text, f.len);
        v.present = true;
        v.line = f.line;
        if (ascii) {
          v.column = 1 + Distance(f.line_start, f.raw);
        } else {
          v.column = f.line_start == prev_line_start
                         ? prev_column + CountCodePoints({prev_raw, Distance(prev_raw, f.raw)})
                         : 1 + CountCodePoints({f.line_start, Distance(f.line_start, f.raw)});
          prev_line_start = f.line_start;
          prev_raw = f.raw;
          prev_column = v.column;
        }
      }
    }
    in_->Consume(Distance(begin, row_end_));
    line_ = next_line_;
    return result;
  }
}

// A row longer than any valid row can be: scans it to its end without keeping
// it, and reports the first over-long field (or the field count).
ReadResult CsvReader::SkipLongRow(Row& row) {
  const std::uint64_t row_line = line_;
  std::uint64_t line = line_;
  std::uint64_t column = 1;
  std::size_t field = 0;
  std::size_t field_len = 0;
  Position field_pos{line, 1};
  Position quote_pos{};
  bool in_quotes = false;
  bool quote_pending = false;  // saw a quote inside quotes: an escape or the closing one
  bool at_field_start = true;
  std::optional<std::pair<std::size_t, Position>> too_long;
  const auto end_field = [&] {
    if (field_len > max_field_bytes_ && !too_long) too_long.emplace(field, field_pos);
  };
  for (;;) {
    const char* p = in_->data();
    const std::size_t n = in_->size();
    std::size_t i = 0;
    bool row_done = false;
    for (; i < n; ++i) {
      const unsigned char c = U(p[i]);
      const bool starts_char = (c & 0xC0) != 0x80;
      if (in_quotes) {
        if (quote_pending) {
          quote_pending = false;
          if (c == '"') {
            ++field_len;
            ++column;
            continue;
          }
          in_quotes = false;  // c follows the closing quote
        } else if (c == '"') {
          quote_pending = true;
          ++column;
          continue;
        } else {
          ++field_len;
          if (c == '\n') {
            ++line;
            column = 1;
          } else if (starts_char) {
            ++column;
          }
          continue;
        }
      }
      if (c == U(delimiter_)) {
        end_field();
        ++field;
        field_len = 0;
        ++column;
        field_pos = {line, column};
        at_field_start = true;
        continue;
      }
      if (c == '\n') {
        row_done = true;
        ++i;
        break;
      }
      if (c == '"' && at_field_start) {
        in_quotes = true;
        quote_pos = {line, column};
      } else if (c != '\r') {
        ++field_len;
      }
      at_field_start = false;
      if (starts_char) ++column;
    }
    in_->Consume(i);
    if (row_done) break;
    Result<bool> more = in_->ReadMore();
    if (!more.ok()) return Fatal(row, {line, 1}, more.status().message());
    if (!*more) {
      if (in_quotes && !quote_pending) {
        return Fatal(row, quote_pos,
                     "unterminated quoted " + Label(field) + " (opened at line " +
                         std::to_string(quote_pos.line) + ")");
      }
      break;
    }
  }
  end_field();
  line_ = line + 1;
  row.line = row_line;
  const std::size_t found = field + 1;
  if (too_long) {
    row.error = RowError{too_long->second, Label(too_long->first) + " is longer than " +
                                               std::to_string(max_field_bytes_) + " bytes"};
  } else if (found != columns_.size()) {
    row.error = RowError{
        {row_line, 1},
        "expected " + std::to_string(columns_.size()) + " fields, found " + std::to_string(found)};
  } else {
    row.error =
        RowError{{row_line, 1}, "row is longer than " + std::to_string(row_cap_) + " bytes"};
  }
  return ReadResult::kError;
}

}  // namespace

Result<std::unique_ptr<RecordReader>> OpenCsvReader(const std::string& path,
                                                    const ReaderOptions& options,
                                                    std::size_t block_bytes) {
  const char d = options.delimiter;
  if (d == '"' || d == '\r' || d == '\n' || d == '\0' || U(d) >= 0x80) {
    return InvalidArgument(
        "invalid CSV delimiter (expected an ASCII character other than a "
        "quote, CR, LF or NUL)");
  }
  CANDOR_ASSIGN_OR_RETURN(std::unique_ptr<BlockInput> in, BlockInput::Open(path, block_bytes));
  auto reader = std::make_unique<CsvReader>(path, std::move(in), options);
  CANDOR_RETURN_IF_ERROR(reader->ReadHeader());
  return std::unique_ptr<RecordReader>(std::move(reader));
}

}  // namespace candor::core::internal
