#include "synth/calendar.h"

#include <cassert>
#include <cstring>

namespace candor::synth {

namespace {

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::int64_t DayOf(int year, int month, int day) {
  auto t = core::FromCivil(year, month, day);
  assert(t.ok());
  return core::ToDays(*t);
}

// The last Sunday of a 31-day month (March, October).
std::int64_t LastSunday(int year, int month) {
  std::int64_t d = DayOf(year, month, 31);
  return d - WeekdayOfDay(d);
}

// The n-th (1-based) Sunday of a month.
std::int64_t NthSunday(int year, int month, int n) {
  std::int64_t d = DayOf(year, month, 1);
  return d + (7 - WeekdayOfDay(d)) % 7 + std::int64_t{7} * (n - 1);
}

void TwoDigits(int v, char* out) {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

int WeekdayOfDay(std::int64_t day) {
  // 1970-01-01 was a Thursday.
  std::int64_t w = (day + 4) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

Calendar::Day Calendar::Describe(std::int64_t day) {
  Day d{};
  const std::string date = core::FormatDate(core::FromDays(day));
  assert(date.size() == sizeof d.date);
  std::memcpy(d.date, date.data(), sizeof d.date);
  const int year = core::ToCivil(core::FromDays(day)).year;
  d.eu_dst = day >= LastSunday(year, 3) && day < LastSunday(year, 10);
  d.us_dst = day >= NthSunday(year, 3, 2) && day < NthSunday(year, 11, 1);
  return d;
}

Calendar::Calendar(std::int64_t first_day, std::int64_t last_day) : first_day_(first_day) {
  assert(first_day <= last_day);
  days_.reserve(static_cast<std::size_t>(last_day - first_day + 1));
  for (std::int64_t d = first_day; d <= last_day; ++d) days_.push_back(Describe(d));
}

int Calendar::OffsetSeconds(const Zone& zone, std::int64_t day) const {
  int offset = zone.standard_offset_minutes * 60;
  if (zone.dst == DstRule::kNone) return offset;
  const std::int64_t i = day - first_day_;
  const Day d = (i >= 0 && i < static_cast<std::int64_t>(days_.size()))
                    ? days_[static_cast<std::size_t>(i)]
                    : Describe(day);
  const bool dst = zone.dst == DstRule::kEu ? d.eu_dst : d.us_dst;
  return dst ? offset + 3600 : offset;
}

void Calendar::FormatDay(std::int64_t day, char* out) const {
  const std::int64_t i = day - first_day_;
  if (i >= 0 && i < static_cast<std::int64_t>(days_.size())) {
    std::memcpy(out, days_[static_cast<std::size_t>(i)].date, 10);
  } else {
    const std::string date = core::FormatDate(core::FromDays(day));
    std::memcpy(out, date.data(), 10);
  }
}

void Calendar::Format(core::Instant t, char* out) const {
  const std::int64_t day = FloorDiv(t, core::kMillisPerDay);
  const auto seconds = static_cast<int>((t - day * core::kMillisPerDay) / core::kMillisPerSecond);
  FormatDay(day, out);
  out[10] = 'T';
  TwoDigits(seconds / 3600, out + 11);
  out[13] = ':';
  TwoDigits(seconds / 60 % 60, out + 14);
  out[16] = ':';
  TwoDigits(seconds % 60, out + 17);
  out[19] = 'Z';
}

std::string Calendar::Format(core::Instant t) const {
  std::string s(kTimestampLength, ' ');
  Format(t, s.data());
  return s;
}

}  // namespace candor::synth
