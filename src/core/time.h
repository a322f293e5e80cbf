// candor::core time: instants as milliseconds since the Unix epoch (UTC), strict
// ISO 8601 / RFC 3339 parsing, and IANA time zones for sources without a zone.
//
// The syntax is parsed by hand because date::parse goes through iostreams (about
// a microsecond a field) and ingest parses tens of millions of timestamps; the
// calendar arithmetic and the time-zone rules come from Howard Hinnant's date
// library (libhowardhinnant-date-dev, with the system tzdata).
//
// Thread safety: all functions are thread-safe; a TimeZone is immutable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/status.h"

namespace candor::core {

// Milliseconds since 1970-01-01T00:00:00Z.
using Instant = std::int64_t;

inline constexpr Instant kMillisPerSecond = 1000;
inline constexpr Instant kMillisPerDay = 86'400'000;

// An IANA time zone such as "Europe/London". Cheap to copy.
class TimeZone {
 public:
  // Looks up `name` in the system tz database. NotFound when unknown.
  static Result<TimeZone> Locate(std::string_view name);
  const std::string& name() const { return name_; }
  const void* impl() const { return impl_; }

 private:
  TimeZone(std::string name, const void* impl) : name_(std::move(name)), impl_(impl) {}
  std::string name_;
  const void* impl_ = nullptr;  // const date::time_zone*, owned by the tz database
};

// Parses a date-time: YYYY-MM-DD('T'|' ')HH:MM[:SS[.fraction]] followed by a zone
// ('Z', '±HH:MM', '±HHMM' or '±HH'). A time without a zone is refused unless
// `source_zone` is given, in which case it is local time there (ambiguous times
// take the earlier instant; times in a DST gap are refused). Fractions beyond
// milliseconds are truncated.
// The separator and 'Z' may be lowercase; years are 0000–9999; the leap second :60
// is refused as impossible; offsets go up to ±23:59.
// Errors (InvalidArgument, message without position):
//   "not an ISO 8601 timestamp (expected YYYY-MM-DDTHH:MM:SSZ)"
//   "timestamp has no time zone (add Z or an offset such as +01:00)"
//   "impossible date or time" (2023-02-30, 25:00, …)
//   "impossible date or time (skipped by a daylight-saving change in ZONE)"
Result<Instant> ParseTimestamp(std::string_view text, const TimeZone* source_zone = nullptr);

// Parses a calendar date YYYY-MM-DD as midnight UTC, or a full timestamp.
Result<Instant> ParseDateOrTimestamp(std::string_view text);

// RFC 3339 UTC: "YYYY-MM-DDTHH:MM:SSZ", with ".mmm" when the milliseconds are not zero.
// Years outside 0000–9999 get a sign ("+10000-…", "-0001-…"), which ParseTimestamp
// does not read back.
std::string FormatTimestamp(Instant t);
// "YYYY-MM-DD" of the UTC day of `t`.
std::string FormatDate(Instant t);

// Days since the epoch → Instant of that midnight UTC, and back (floor division).
Instant FromDays(std::int64_t days);
std::int64_t ToDays(Instant t);

// Civil date parts of `t` in UTC.
struct CivilTime {
  int year, month, day, hour, minute, second, millis;
  int weekday;  // 0 = Sunday … 6 = Saturday
};
CivilTime ToCivil(Instant t);
// Midnight UTC of the given civil date; InvalidArgument "impossible date or time"
// when it does not exist or the year is outside 0000–9999.
Result<Instant> FromCivil(int year, int month, int day);

}  // namespace candor::core
