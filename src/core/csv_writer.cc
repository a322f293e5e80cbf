#include "core/csv_writer.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace candor::core {

namespace {
constexpr std::size_t kFlushBytes = std::size_t{1} << 20;
}

Result<std::unique_ptr<CsvWriter>> CsvWriter::Create(const std::string& path, char delimiter) {
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    return Unavailable(fmt::format("{}: cannot create: {}", path, std::strerror(errno)));
  }
  return std::unique_ptr<CsvWriter>(new CsvWriter(path, f, delimiter));
}

CsvWriter::CsvWriter(std::string path, std::FILE* f, char delimiter)
    : path_(std::move(path)), file_(f), delimiter_(delimiter) {
  buffer_.reserve(kFlushBytes + 4096);
}

CsvWriter::~CsvWriter() {
  if (!closed_) {
    if (file_ != nullptr) std::fclose(file_);
    std::error_code ec;
    std::filesystem::remove(path_ + ".tmp", ec);
  }
}

void CsvWriter::Separate() {
  if (!at_row_start_) buffer_.push_back(delimiter_);
  at_row_start_ = false;
}

void CsvWriter::Field(std::string_view text) {
  Separate();
  bool quote = false;
  for (char c : text) {
    if (c == delimiter_ || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    buffer_.append(text);
    return;
  }
  buffer_.push_back('"');
  for (char c : text) {
    if (c == '"') buffer_.push_back('"');
    buffer_.push_back(c);
  }
  buffer_.push_back('"');
}

void CsvWriter::Field(std::int64_t v) {
  Separate();
  fmt::format_to(std::back_inserter(buffer_), "{}", v);
}

void CsvWriter::Field(double v) {
  Separate();
  fmt::format_to(std::back_inserter(buffer_), "{}", v);
}

void CsvWriter::EndRow() {
  buffer_.push_back('\n');
  at_row_start_ = true;
  ++rows_;
  if (buffer_.size() >= kFlushBytes) Flush();
}

void CsvWriter::Rows(std::string_view text, std::uint64_t rows) {
  rows_ += rows;
  if (buffer_.size() + text.size() < kFlushBytes) {
    buffer_.append(text);
    return;
  }
  Flush();
  if (failed_) return;
  // Large blocks go straight to the file, without a copy into the buffer.
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) failed_ = true;
}

void CsvWriter::Flush() {
  if (failed_ || buffer_.empty()) {
    buffer_.clear();
    return;
  }
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) failed_ = true;
  buffer_.clear();
}

Status CsvWriter::Close() {
  if (closed_) return Status::Ok();
  Flush();
  bool ok = !failed_ && std::fflush(file_) == 0;
  ok = (std::fclose(file_) == 0) && ok;
  file_ = nullptr;
  if (!ok) {
    return Unavailable(fmt::format("{}: write failed: {}", path_, std::strerror(errno)));
  }
  std::error_code ec;
  std::filesystem::rename(path_ + ".tmp", path_, ec);
  if (ec) return Unavailable(fmt::format("{}: cannot rename into place: {}", path_, ec.message()));
  closed_ = true;
  return Status::Ok();
}

}  // namespace candor::core
