// Format selection, the reader factory and BlockInput (zlib reads into one buffer).
#include "core/record_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string>
#include <utility>

namespace candor::core {
namespace {

constexpr unsigned kGzBufferBytes = 1U << 20;

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  const std::string_view tail = s.substr(s.size() - suffix.size());
  return std::equal(tail.begin(), tail.end(), suffix.begin(), [](char a, char b) {
    return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
  });
}

gzFile AsGz(void* f) { return static_cast<gzFile>(f); }

}  // namespace

Result<Format> FormatFromPath(std::string_view path) {
  std::string_view p = path;
  if (EndsWith(p, ".gz")) p.remove_suffix(3);
  if (EndsWith(p, ".csv")) return Format::kCsv;
  if (EndsWith(p, ".ndjson") || EndsWith(p, ".jsonl")) return Format::kNdjson;
  return InvalidArgument("cannot tell the format of '" + std::string(path) +
                         "' (expected .csv, .ndjson or .jsonl, optionally followed by .gz)");
}

Result<Format> ParseFormat(std::string_view name) {
  if (name == "csv") return Format::kCsv;
  if (name == "ndjson") return Format::kNdjson;
  return InvalidArgument("unknown format '" + std::string(name) + "' (expected csv or ndjson)");
}

Result<std::unique_ptr<RecordReader>> OpenRecordReader(const std::string& path, Format format,
                                                       const ReaderOptions& options) {
  switch (format) {
    case Format::kCsv:
      return internal::OpenCsvReader(path, options, internal::kDefaultBlockBytes);
    case Format::kNdjson:
      return internal::OpenNdjsonReader(path, options, internal::kDefaultBlockBytes);
  }
  return InvalidArgument("unknown format");
}

namespace internal {

Result<std::unique_ptr<BlockInput>> BlockInput::Open(const std::string& path,
                                                     std::size_t block_bytes) {
  errno = 0;
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    if (err == ENOENT) return NotFound(path + ": no such file");
    return Unavailable(path +
                       ": cannot open: " + (err != 0 ? std::strerror(err) : "out of memory"));
  }
  if (gzbuffer(f, kGzBufferBytes) != 0) {
    gzclose(f);
    return Internal(path + ": cannot set the zlib buffer size");
  }
  const std::size_t block = std::clamp<std::size_t>(block_bytes, 1, INT_MAX / 2);
  return std::unique_ptr<BlockInput>(new BlockInput(f, block));
}

BlockInput::BlockInput(void* file, std::size_t block_bytes)
    : file_(file),
      block_bytes_(block_bytes),
      buf_(std::make_unique<char[]>(block_bytes + kPadding)),
      capacity_(block_bytes) {}

BlockInput::~BlockInput() {
  if (file_ != nullptr) gzclose(AsGz(file_));
}

Result<bool> BlockInput::ReadMore() {
  if (eof_) return false;
  // Keep the unconsumed tail, then make room for a whole block.
  if (begin_ > 0) {
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (capacity_ - end_ < block_bytes_) {
    const std::size_t wanted = std::max(end_ + block_bytes_, capacity_ * 2);
    auto bigger = std::make_unique<char[]>(wanted + kPadding);
    if (end_ > 0) std::memcpy(bigger.get(), buf_.get(), end_);
    buf_ = std::move(bigger);
    capacity_ = wanted;
  }
  const auto want = static_cast<unsigned>(block_bytes_);
  const int n = gzread(AsGz(file_), buf_.get() + end_, want);
  if (n < 0 || static_cast<unsigned>(n) < want) {
    int code = Z_OK;
    const char* message = gzerror(AsGz(file_), &code);
    if (n < 0 || (code != Z_OK && code != Z_STREAM_END)) {
      if (code == Z_ERRNO) message = std::strerror(errno);
      if (code == Z_BUF_ERROR) message = "truncated gzip stream";
      return Unavailable(std::string("read error: ") + message);
    }
  }
  end_ += static_cast<std::size_t>(n);
  std::memset(buf_.get() + end_, 0, kPadding);
  if (n == 0) {
    eof_ = true;
    return false;
  }
  return true;
}

}  // namespace internal
}  // namespace candor::core
