// The NDJSON RecordReader: one JSON object per line, parsed with simdjson's
// On-Demand API so that every value's position in the line is known.
//
// Each line is copied into a padded buffer of its own (simdjson reads up to
// SIMDJSON_PADDING bytes past the end) and parsed there; unescaped strings live in
// the parser's string buffer and number tokens in the line buffer, both until the
// next Next(). A line longer than (columns + 1) × max_field_bytes is skipped without
// being held in memory.
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/record_reader.h"

namespace candor::core::internal {
namespace {

namespace od = simdjson::ondemand;

constexpr std::size_t kMaxKeyBytesInMessage = 64;

std::size_t SatMul(std::size_t a, std::size_t b) {
  return (b != 0 && a > std::numeric_limits<std::size_t>::max() / b)
             ? std::numeric_limits<std::size_t>::max()
             : a * b;
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsBlank(std::string_view s) { return std::all_of(s.begin(), s.end(), IsJsonSpace); }

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// A key for an error message: keys are schema, not data, but may be arbitrarily
// long, so long ones are cut (at a character boundary).
std::string QuoteKey(std::string_view key) {
  std::size_t n = key.size();
  if (n > kMaxKeyBytesInMessage) {
    n = kMaxKeyBytesInMessage;
    while (n > 0 && (static_cast<unsigned char>(key[n]) & 0xC0) == 0x80) --n;
  }
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on operator+ chains.
  std::string out;
  out.reserve(n + 5);
  out.push_back('\'');
  out.append(key.substr(0, n));
  if (n < key.size()) out.append("...");
  out.push_back('\'');
  return out;
}

class NdjsonReader final : public RecordReader {
 public:
  NdjsonReader(std::string path, std::unique_ptr<BlockInput> in, const ReaderOptions& options);

  Status SkipBom();

  const std::vector<std::string>& columns() const override { return columns_; }
  const std::vector<Position>& column_positions() const override { return positions_; }
  ReadResult Next(Row& row) override;
  std::uint64_t bytes_read() const override { return in_->consumed(); }

 private:
  ReadResult ParseLine(std::string_view text, Row& row);
  ReadResult SkipLongLine(Row& row);
  ReadResult Fatal(Row& row, std::string message);
  // Column of `at` (a pointer into line_buf_) in the current line.
  std::uint64_t ColumnAt(const char* at) const;
  ReadResult Error(Row& row, const char* at, std::string message);
  ReadResult JsonError(Row& row, simdjson::error_code code, const char* at) {
    return Error(row, at, std::string("invalid JSON: ") + simdjson::error_message(code));
  }
  std::string LineTooLong() const {
    return "line is longer than " + std::to_string(max_line_bytes_) + " bytes";
  }

  std::string path_;
  std::unique_ptr<BlockInput> in_;
  std::vector<std::string> columns_;
  std::vector<Position> positions_;
  std::unordered_map<std::string_view, std::size_t> index_;  // views into columns_
  std::size_t max_field_bytes_;
  std::size_t max_line_bytes_;
  std::uint64_t line_ = 1;   // line number of the next line
  std::size_t scanned_ = 0;  // unconsumed bytes already searched for '\n'
  bool done_ = false;

  od::parser parser_;
  std::vector<char> line_buf_;
  std::size_t line_len_ = 0;
  bool line_ascii_ = true;
  std::vector<unsigned char> seen_;
};

NdjsonReader::NdjsonReader(std::string path, std::unique_ptr<BlockInput> in,
                           const ReaderOptions& options)
    : path_(std::move(path)),
      in_(std::move(in)),
      columns_(options.columns),
      positions_(options.columns.size()),
      max_field_bytes_(options.max_field_bytes),
      max_line_bytes_(SatMul(options.columns.size() + 1, options.max_field_bytes)) {
  for (std::size_t i = 0; i < columns_.size(); ++i) index_.emplace(columns_[i], i);
}

Status NdjsonReader::SkipBom() {
  bool more = true;
  while (more && in_->size() < 3) {
    Result<bool> r = in_->ReadMore();
    if (!r.ok()) return r.status().WithContext(path_);
    more = *r;
  }
  if (in_->size() >= 3 && std::memcmp(in_->data(), "\xEF\xBB\xBF", 3) == 0) in_->Consume(3);
  return Status::Ok();
}

ReadResult NdjsonReader::Fatal(Row& row, std::string message) {
  done_ = true;
  row.values.clear();
  row.line = line_;
  row.error = RowError{{line_, 1}, std::move(message)};
  return ReadResult::kError;
}

std::uint64_t NdjsonReader::ColumnAt(const char* at) const {
  const char* begin = line_buf_.data();
  if (at == nullptr || at < begin || at > begin + line_len_) return 1;
  const auto bytes = static_cast<std::size_t>(at - begin);
  return 1 + (line_ascii_ ? bytes : CountCodePoints({begin, bytes}));
}

ReadResult NdjsonReader::Error(Row& row, const char* at, std::string message) {
  row.values.clear();
  row.error = RowError{{row.line, ColumnAt(at)}, std::move(message)};
  return ReadResult::kError;
}

ReadResult NdjsonReader::Next(Row& row) {
  row.values.clear();
  row.error.reset();
  if (done_) return ReadResult::kEnd;
  for (;;) {
    char* const begin = in_->data();
    const std::size_t size = in_->size();
    const auto* nl = static_cast<const char*>(std::memchr(begin + scanned_, '\n', size - scanned_));
    if (nl == nullptr) {
      if (size > max_line_bytes_) return SkipLongLine(row);
      if (!in_->eof()) {
        scanned_ = size;
        Result<bool> more = in_->ReadMore();
        if (!more.ok()) return Fatal(row, more.status().message());
        continue;
      }
      if (size == 0) {
        done_ = true;
        return ReadResult::kEnd;
      }
      nl = begin + size;  // the last line has no line feed
    }
    scanned_ = 0;
    const auto len = static_cast<std::size_t>(nl - begin);
    const std::size_t consume = std::min(len + 1, size);
    row.line = line_++;
    if (len > max_line_bytes_) {
      in_->Consume(consume);
      row.error = RowError{{row.line, 1}, LineTooLong()};
      return ReadResult::kError;
    }
    const std::string_view text(begin, len);
    if (IsBlank(text)) {
      in_->Consume(consume);
      continue;
    }
    const ReadResult result = ParseLine(text, row);
    in_->Consume(consume);
    return result;
  }
}

ReadResult NdjsonReader::SkipLongLine(Row& row) {
  row.line = line_++;
  for (;;) {
    const std::size_t size = in_->size();
    const void* nl = std::memchr(in_->data(), '\n', size);
    if (nl != nullptr) {
      in_->Consume(static_cast<std::size_t>(static_cast<const char*>(nl) - in_->data()) + 1);
      break;
    }
    in_->Consume(size);
    Result<bool> more = in_->ReadMore();
    if (!more.ok()) return Fatal(row, more.status().message());
    if (!*more) break;
  }
  scanned_ = 0;
  row.values.clear();
  row.error = RowError{{row.line, 1}, LineTooLong()};
  return ReadResult::kError;
}

ReadResult NdjsonReader::ParseLine(std::string_view text, Row& row) {
  const std::size_t len = text.size();
  if (line_buf_.size() < len + simdjson::SIMDJSON_PADDING) {
    line_buf_.resize(len + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(line_buf_.data(), text.data(), len);
  std::memset(line_buf_.data() + len, ' ', simdjson::SIMDJSON_PADDING);
  line_len_ = len;
  const char* const buf = line_buf_.data();

  line_ascii_ = IsAscii(text);
  if (!line_ascii_ && !IsValidUtf8(text)) {
    std::size_t bad = FirstInvalidUtf8(text);
    if (bad == std::string_view::npos) bad = 0;
    return Error(row, buf + bad, "invalid UTF-8");
  }

  const std::size_t ncols = columns_.size();
  row.values.assign(ncols, Value{{}, false, row.line, 1});
  seen_.assign(ncols, 0);

  od::document doc;
  simdjson::error_code err =
      parser_.iterate(simdjson::padded_string_view(buf, len, line_buf_.size())).get(doc);
  if (err != simdjson::SUCCESS) return JsonError(row, err, nullptr);
  const auto location = [&doc]() -> const char* {
    const char* at = nullptr;
    return doc.current_location().get(at) == simdjson::SUCCESS ? at : nullptr;
  };

  od::object object;
  err = doc.get_object().get(object);
  if (err == simdjson::INCORRECT_TYPE) {
    const char* first = buf;
    while (IsJsonSpace(*first)) ++first;
    return Error(row, first, "not a JSON object");
  }
  if (err != simdjson::SUCCESS) return JsonError(row, err, location());

  for (auto field_result : object) {
    od::field field;
    err = std::move(field_result).get(field);
    if (err != simdjson::SUCCESS) return JsonError(row, err, location());
    const char* const key_at = field.key().raw() - 1;  // the opening quote
    std::string_view key;
    err = field.unescaped_key().get(key);
    if (err != simdjson::SUCCESS) return JsonError(row, err, key_at);
    const auto it = index_.find(key);
    if (it == index_.end()) return Error(row, key_at, "unknown field " + QuoteKey(key));
    const std::size_t col = it->second;
    if (seen_[col] != 0) return Error(row, key_at, "duplicate field " + QuoteKey(key));
    seen_[col] = 1;

    od::value value = field.value();
    const std::string_view token = value.raw_json_token();
    const char* const value_at = token.data();
    od::json_type type;
    err = value.type().get(type);
    if (err != simdjson::SUCCESS) return JsonError(row, err, value_at);
    Value& out = row.values[col];
    out.column = ColumnAt(value_at);
    switch (type) {
      case od::json_type::string: {
        std::string_view s;
        err = value.get_string().get(s);
        if (err != simdjson::SUCCESS) return JsonError(row, err, value_at);
        if (s.size() > max_field_bytes_) {
          return Error(row, value_at,
                       "field '" + columns_[col] + "' is longer than " +
                           std::to_string(max_field_bytes_) + " bytes");
        }
        if (std::memchr(s.data(), '\0', s.size()) != nullptr) {
          return Error(row, value_at, "NUL byte in field '" + columns_[col] + "'");
        }
        out.text = s;
        out.present = true;
        break;
      }
      case od::json_type::number: {
        double d = 0;
        err = value.get_double().get(d);
        if (err != simdjson::SUCCESS) return JsonError(row, err, value_at);
        out.text = TrimRight(token);
        out.present = true;
        break;
      }
      case od::json_type::boolean: {
        bool b = false;
        err = value.get_bool().get(b);
        if (err != simdjson::SUCCESS) return JsonError(row, err, value_at);
        out.text = b ? "true" : "false";
        out.present = true;
        break;
      }
      case od::json_type::null: {
        bool is_null = false;
        err = value.is_null().get(is_null);
        if (err == simdjson::SUCCESS && !is_null) err = simdjson::INCORRECT_TYPE;
        if (err != simdjson::SUCCESS) return JsonError(row, err, value_at);
        break;
      }
      case od::json_type::array:
      case od::json_type::object:
        return Error(row, value_at,
                     "field '" + columns_[col] + "' must be a string, number, boolean or null");
    }
  }
  // Anything after the object's closing brace.
  if (const char* trailing = location(); trailing != nullptr) {
    return JsonError(row, simdjson::TRAILING_CONTENT, trailing);
  }
  return ReadResult::kRow;
}

}  // namespace

Result<std::unique_ptr<RecordReader>> OpenNdjsonReader(const std::string& path,
                                                       const ReaderOptions& options,
                                                       std::size_t block_bytes) {
  if (options.columns.empty()) {
    return InvalidArgument(
        "NDJSON input needs the list of allowed fields (ReaderOptions::columns)");
  }
  std::unordered_map<std::string_view, std::size_t> seen;
  for (const std::string& c : options.columns) {
    if (c.empty()) return InvalidArgument("empty column name");
    if (!seen.emplace(c, 0).second) return InvalidArgument("duplicate column '" + c + "'");
  }
  CANDOR_ASSIGN_OR_RETURN(std::unique_ptr<BlockInput> in, BlockInput::Open(path, block_bytes));
  auto reader = std::make_unique<NdjsonReader>(path, std::move(in), options);
  CANDOR_RETURN_IF_ERROR(reader->SkipBom());
  return std::unique_ptr<RecordReader>(std::move(reader));
}

}  // namespace candor::core::internal
