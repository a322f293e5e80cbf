#include "cli/common.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace candor::cli {

int Fail(const Context& ctx, const core::Status& status) {
  if (status.ok()) return 0;
  std::fprintf(stderr, "candor: %s\n", status.message().c_str());
  if (ctx.json) {
    PrintJson({{"error",
                {{"code", std::string(core::StatusCodeName(status.code()))},
                 {"message", status.message()}}}});
  }
  return status.ExitCode();
}

void PrintJson(const nlohmann::json& doc) {
  nlohmann::ordered_json out;
  out["schema_version"] = kSchemaVersion;
  for (auto it = doc.begin(); it != doc.end(); ++it) out[it.key()] = it.value();
  std::cout << out.dump(2) << std::endl;
}

void PrintOrderedJson(const nlohmann::ordered_json& doc) {
  nlohmann::ordered_json out;
  out["schema_version"] = kSchemaVersion;
  for (auto it = doc.begin(); it != doc.end(); ++it) out[it.key()] = it.value();
  std::cout << out.dump(2) << std::endl;
}

core::Instant WallClockNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

core::Result<core::Instant> ParseAsOf(const std::string& text, core::Instant fallback) {
  if (text.empty()) return fallback;
  auto t = core::ParseDateOrTimestamp(text);
  if (!t.ok()) return core::InvalidArgument("--as-of: " + t.status().message());
  return *t;
}

namespace {
std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Progress::Progress(std::string label) : label_(std::move(label)), tty_(isatty(2) != 0) {}
Progress::~Progress() { Done(); }

void Progress::Update(std::string_view text) {
  if (!tty_) return;
  std::int64_t now = NowMs();
  if (shown_ && now - last_ms_ < 100) return;
  last_ms_ = now;
  shown_ = true;
  std::fprintf(stderr, "\r\033[K%s: %.*s", label_.c_str(), static_cast<int>(text.size()),
               text.data());
  std::fflush(stderr);
}

void Progress::Done() {
  if (tty_ && shown_) std::fputs("\r\033[K", stderr);
  shown_ = false;
}

std::string Thousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace candor::cli
