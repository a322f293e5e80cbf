#include "features/matrix_csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/csv_writer.h"

namespace candor::features {

namespace {

// Rows per chunk: a few MiB of text, enough to keep the writer's fwrite calls
// large and the threads' hand-overs rare.
constexpr std::size_t kChunkRows = 16384;
// Longest field: a float in fmt's shortest form is at most 16 characters
// ("-1.1754944e-38"), a timestamp 24.
constexpr std::size_t kMaxFieldChars = 32;

// Appends `v` in fmt's "{}" form (the shortest text that reads back to `v`),
// nothing for NaN. Whole numbers below 2^24 in magnitude (counts, codes, days:
// most of a matrix) are written as plain integers, which is exactly what fmt
// writes for them (fixed notation below 1e16), without the general algorithm.
char* AppendFloat(char* out, float v) {
  if (std::isnan(v)) return out;
  constexpr float kExact = 16777216.0F;  // 2^24: every integer below it is a float
  if (v > -kExact && v < kExact && v == std::trunc(v) && !(v == 0 && std::signbit(v))) {
    auto n = static_cast<std::int32_t>(v);
    if (n < 0) {
      *out++ = '-';
      n = -n;
    }
    char digits[8];
    int k = 0;
    do {
      digits[k++] = static_cast<char>('0' + n % 10);
      n /= 10;
    } while (n != 0);
    while (k > 0) *out++ = digits[--k];
    return out;
  }
  return fmt::format_to(out, "{}", v);
}

char* AppendHex(char* out, const core::SubjectId& id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::uint8_t b : id.bytes) {
    *out++ = kDigits[b >> 4];
    *out++ = kDigits[b & 0xf];
  }
  return out;
}

char* AppendText(char* out, std::string_view s) { return std::copy(s.begin(), s.end(), out); }

// The most text a row of `m` can take.
std::size_t MaxRowChars(const Matrix& m) { return (m.cols() + 4) * (kMaxFieldChars + 1) + 2; }

// Rows [from, to) of `m` as CSV text into `out` (room for MaxRowChars per
// row); returns the end of the text. None of the fields can hold a delimiter,
// quote or line break: no quoting.
char* FormatRows(const Matrix& m, bool training, std::size_t from, std::size_t to, char* out) {
  const std::size_t cols = m.cols();
  for (std::size_t r = from; r < to; ++r) {
    out = AppendHex(out, m.subjects[r]);
    if (training) {
      *out++ = ',';
      out = AppendText(out, core::FormatTimestamp(m.snapshots[r]));
    }
    const float* row = m.row(r);
    for (std::size_t c = 0; c < cols; ++c) {
      *out++ = ',';
      out = AppendFloat(out, row[c]);
    }
    if (training) {
      *out++ = ',';
      out = AppendFloat(out, m.labels[r]);
      *out++ = ',';
      out = AppendText(out, SplitName(m.splits[r]));
    }
    *out++ = '\n';
  }
  return out;
}

// Chunks of rows formatted on `threads` threads and written in order on the
// calling thread. Worker t formats chunks t, t + threads, …; chunk c goes into
// buffer c % window, which chunk c − window has left once it is written, so no
// worker runs more than `window` chunks ahead of the writer and the buffers
// are allocated once (uninitialised: nothing is cleared that is overwritten).
void WriteRows(const Matrix& m, bool training, int threads, core::CsvWriter& w) {
  const std::size_t chunks = (m.rows + kChunkRows - 1) / kChunkRows;
  const auto workers = static_cast<std::size_t>(threads);
  const std::size_t window = 2 * workers;
  const std::size_t capacity = kChunkRows * MaxRowChars(m);
  std::vector<std::unique_ptr<char[]>> buffers;
  for (std::size_t i = 0; i < window; ++i) {
    buffers.push_back(std::make_unique_for_overwrite<char[]>(capacity));
  }
  std::vector<std::size_t> length(chunks);
  std::vector<char> ready(chunks, 0);
  std::size_t written = 0;  // chunks handed to the writer so far
  std::mutex mu;
  std::condition_variable cv;
  auto work = [&](std::size_t t) {
    for (std::size_t c = t; c < chunks; c += workers) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return c < written + window; });
      }
      const std::size_t from = c * kChunkRows;
      char* begin = buffers[c % window].get();
      char* end = FormatRows(m, training, from, std::min(m.rows, from + kChunkRows), begin);
      std::lock_guard lock(mu);
      length[c] = static_cast<std::size_t>(end - begin);
      ready[c] = 1;
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < workers; ++t) pool.emplace_back(work, t);
  for (std::size_t c = 0; c < chunks; ++c) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return ready[c] != 0; });
    }
    const std::size_t from = c * kChunkRows;
    w.Rows(std::string_view(buffers[c % window].get(), length[c]),
           std::min(m.rows, from + kChunkRows) - from);
    {
      std::lock_guard lock(mu);
      ++written;
    }
    cv.notify_all();
  }
  for (std::thread& t : pool) t.join();
}

}  // namespace

std::string FormatFloat(float v) {
  char buf[kMaxFieldChars];
  return std::string(buf, AppendFloat(buf, v));
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
  if (m.rows <= kChunkRows) {
    auto buf =
        std::make_unique_for_overwrite<char[]>(std::max<std::size_t>(m.rows, 1) * MaxRowChars(m));
    const char* end = FormatRows(m, training, 0, m.rows, buf.get());
    w->Rows(std::string_view(buf.get(), static_cast<std::size_t>(end - buf.get())), m.rows);
  } else {
    WriteRows(m, training,
              static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1U, 8U)), *w);
  }
  return w->Close();
}

}  // namespace candor::features
