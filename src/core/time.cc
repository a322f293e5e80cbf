#include "core/time.h"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <exception>
#include <string>
#include <utility>

namespace candor::core {
namespace {

constexpr std::string_view kNotIso = "not an ISO 8601 timestamp (expected YYYY-MM-DDTHH:MM:SSZ)";
constexpr std::string_view kNoZone =
    "timestamp has no time zone (add Z or an offset such as +01:00)";
constexpr std::string_view kImpossible = "impossible date or time";

constexpr int kMinYear = 0;
constexpr int kMaxYear = 9999;

// Reads `n` ASCII digits at `p` into `out`; false when any is not a digit.
inline bool Digits(const char* p, int n, int& out) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(p[i])) - unsigned{'0'};
    if (d > 9) return false;
    v = v * 10 + static_cast<int>(d);
  }
  out = v;
  return true;
}

// Days since the epoch of a civil date; false when the date does not exist.
inline bool CivilToDays(int y, int m, int d, std::int64_t& days) {
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return false;
  days = date::sys_days{ymd}.time_since_epoch().count();
  return true;
}

inline std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Writes `v` (0 <= v < 10^n) as exactly `n` digits at `p`.
inline void PutDigits(char* p, int n, int v) {
  for (int i = n - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

// Appends the year: four digits for 0000–9999, otherwise a sign and at least four.
void AppendYear(std::string& out, int year) {
  if (year >= 0 && year <= kMaxYear) {
    char buf[4];
    PutDigits(buf, 4, year);
    out.append(buf, 4);
    return;
  }
  std::string digits = std::to_string(year < 0 ? -static_cast<std::int64_t>(year) : year);
  out.push_back(year < 0 ? '-' : '+');
  if (digits.size() < 4) out.append(4 - digits.size(), '0');
  out += digits;
}

Result<Instant> LocalToInstant(std::int64_t local_ms, const TimeZone& zone) {
  const auto* tz = static_cast<const date::time_zone*>(zone.impl());
  const std::int64_t local_s = FloorDiv(local_ms, kMillisPerSecond);
  const std::int64_t sub_ms = local_ms - local_s * kMillisPerSecond;
  const date::local_seconds ls{std::chrono::seconds{local_s}};
  date::local_info info;
  try {
    info = tz->get_info(ls);
  } catch (const std::exception&) {
    return Internal("time zone lookup failed for " + zone.name());
  }
  std::int64_t offset_s = 0;
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // `first` is the earlier instant
      offset_s = info.first.offset.count();
      break;
    case date::local_info::nonexistent:
    default:
      return InvalidArgument(std::string(kImpossible) +
                             " (skipped by a daylight-saving change in " + zone.name() + ")");
  }
  return (local_s - offset_s) * kMillisPerSecond + sub_ms;
}

}  // namespace

Result<TimeZone> TimeZone::Locate(std::string_view name) {
  try {
    const date::time_zone* tz = date::locate_zone(name);
    return TimeZone(std::string(tz->name()), tz);
  } catch (const std::exception&) {
    return NotFound("unknown time zone '" + std::string(name) +
                    "' (expected an IANA name such as Europe/London)");
  }
}

Result<Instant> ParseTimestamp(std::string_view text, const TimeZone* source_zone) {
  const char* p = text.data();
  const std::size_t n = text.size();
  // YYYY-MM-DDTHH:MM is the shortest accepted prefix.
  if (n < 16) return InvalidArgument(std::string(kNotIso));
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (!Digits(p, 4, year) || p[4] != '-' || !Digits(p + 5, 2, month) || p[7] != '-' ||
      !Digits(p + 8, 2, day) || (p[10] != 'T' && p[10] != ' ' && p[10] != 't') ||
      !Digits(p + 11, 2, hour) || p[13] != ':' || !Digits(p + 14, 2, minute)) {
    return InvalidArgument(std::string(kNotIso));
  }
  std::size_t i = 16;
  if (i < n && p[i] == ':') {
    if (n < i + 3 || !Digits(p + i + 1, 2, second)) return InvalidArgument(std::string(kNotIso));
    i += 3;
    if (i < n && p[i] == '.') {
      ++i;
      const std::size_t start = i;
      int scale = 100;
      while (i < n) {
        const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(p[i])) - unsigned{'0'};
        if (d > 9) break;
        millis += static_cast<int>(d) * scale;
        scale /= 10;
        ++i;
      }
      if (i == start) return InvalidArgument(std::string(kNotIso));
    }
  }
  // Zone designator.
  bool has_zone = false;
  int offset_min = 0;
  if (i < n) {
    const char c = p[i];
    if ((c == 'Z' || c == 'z') && i + 1 == n) {
      has_zone = true;
    } else if (c == '+' || c == '-') {
      const std::size_t rest = n - i - 1;
      int oh = 0, om = 0;
      const char* q = p + i + 1;
      bool good = false;
      if (rest == 2) {
        good = Digits(q, 2, oh);
      } else if (rest == 4) {
        good = Digits(q, 2, oh) && Digits(q + 2, 2, om);
      } else if (rest == 5) {
        good = Digits(q, 2, oh) && q[2] == ':' && Digits(q + 3, 2, om);
      }
      if (!good) return InvalidArgument(std::string(kNotIso));
      if (oh > 23 || om > 59) return InvalidArgument(std::string(kImpossible));
      offset_min = (oh * 60 + om) * (c == '-' ? -1 : 1);
      has_zone = true;
    } else {
      return InvalidArgument(std::string(kNotIso));
    }
  }
  // Calendar and clock validation (a leap second :60 is refused).
  std::int64_t days = 0;
  if (hour > 23 || minute > 59 || second > 59 || !CivilToDays(year, month, day, days)) {
    return InvalidArgument(std::string(kImpossible));
  }
  const std::int64_t local_ms =
      days * kMillisPerDay +
      (static_cast<std::int64_t>(hour) * 3600 + std::int64_t{minute} * 60 + second) *
          kMillisPerSecond +
      millis;
  if (has_zone) {
    return local_ms - static_cast<std::int64_t>(offset_min) * 60 * kMillisPerSecond;
  }
  if (source_zone == nullptr) return InvalidArgument(std::string(kNoZone));
  return LocalToInstant(local_ms, *source_zone);
}

Result<Instant> ParseDateOrTimestamp(std::string_view text) {
  if (text.size() == 10) {
    int year = 0, month = 0, day = 0;
    const char* p = text.data();
    if (!Digits(p, 4, year) || p[4] != '-' || !Digits(p + 5, 2, month) || p[7] != '-' ||
        !Digits(p + 8, 2, day)) {
      return InvalidArgument(std::string(kNotIso));
    }
    std::int64_t days = 0;
    if (!CivilToDays(year, month, day, days)) return InvalidArgument(std::string(kImpossible));
    return days * kMillisPerDay;
  }
  return ParseTimestamp(text);
}

std::string FormatTimestamp(Instant t) {
  const CivilTime c = ToCivil(t);
  std::string out;
  out.reserve(24);
  AppendYear(out, c.year);
  char buf[20];  // -MM-DDTHH:MM:SS.mmmZ
  buf[0] = '-';
  PutDigits(buf + 1, 2, c.month);
  buf[3] = '-';
  PutDigits(buf + 4, 2, c.day);
  buf[6] = 'T';
  PutDigits(buf + 7, 2, c.hour);
  buf[9] = ':';
  PutDigits(buf + 10, 2, c.minute);
  buf[12] = ':';
  PutDigits(buf + 13, 2, c.second);
  std::size_t len = 15;
  if (c.millis != 0) {
    buf[15] = '.';
    PutDigits(buf + 16, 3, c.millis);
    len = 19;
  }
  buf[len++] = 'Z';
  out.append(buf, len);
  return out;
}

std::string FormatDate(Instant t) {
  const CivilTime c = ToCivil(t);
  std::string out;
  out.reserve(10);
  AppendYear(out, c.year);
  char buf[6];
  buf[0] = '-';
  PutDigits(buf + 1, 2, c.month);
  buf[3] = '-';
  PutDigits(buf + 4, 2, c.day);
  out.append(buf, 6);
  return out;
}

Instant FromDays(std::int64_t days) { return days * kMillisPerDay; }

std::int64_t ToDays(Instant t) { return FloorDiv(t, kMillisPerDay); }

CivilTime ToCivil(Instant t) {
  const std::int64_t days = ToDays(t);
  const std::int64_t ms_of_day = t - days * kMillisPerDay;
  const date::sys_days sd{date::days{static_cast<int>(days)}};
  const date::year_month_day ymd{sd};
  CivilTime c{};
  c.year = static_cast<int>(ymd.year());
  c.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  c.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  const int ms = static_cast<int>(ms_of_day);
  c.hour = ms / 3'600'000;
  c.minute = ms / 60'000 % 60;
  c.second = ms / 1000 % 60;
  c.millis = ms % 1000;
  c.weekday = static_cast<int>(date::weekday{sd}.c_encoding());
  return c;
}

Result<Instant> FromCivil(int year, int month, int day) {
  std::int64_t days = 0;
  if (year < kMinYear || year > kMaxYear || month < 1 || month > 12 || day < 1 || day > 31 ||
      !CivilToDays(year, month, day, days)) {
    return InvalidArgument(std::string(kImpossible));
  }
  return days * kMillisPerDay;
}

}  // namespace candor::core
