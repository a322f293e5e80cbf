// candor::synth::Calendar: the generator's view of days, weekdays, UTC offsets
// and timestamp text.
//
// The generator steps through the period one UTC day at a time and writes about a
// hundred million timestamps for a million contacts, so it keeps a table of the
// days it touches (weekday, "YYYY-MM-DD", whether EU and US daylight saving time
// is in force) and formats "YYYY-MM-DDTHH:MM:SSZ" from it without allocating. The
// table is built once with core/time (FormatDate, FromCivil); days outside it fall
// back to core/time, so every instant formats the same way core::FormatTimestamp
// does (the generator only produces whole seconds).
//
// Time zones: each generated zone is a standard offset plus one of three daylight
// saving rules, evaluated per UTC day: EU (last Sunday of March to last Sunday of
// October) and US (second Sunday of March to first Sunday of November). That is
// exact for the zones the generator uses except within the switch day itself,
// which is good enough to put activity into local working hours.
//
// Thread safety: immutable after construction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace candor::synth {

enum class DstRule : std::uint8_t { kNone, kEu, kUs };

// A time zone as the generator models it.
struct Zone {
  std::string_view name;  // IANA name, e.g. "Europe/Berlin"
  int standard_offset_minutes;
  DstRule dst;
};

// Length of "YYYY-MM-DDTHH:MM:SSZ".
inline constexpr std::size_t kTimestampLength = 20;
inline constexpr std::int64_t kSecondsPerDay = 86'400;

// Day of the week of a day number (days since 1970-01-01): 0 = Sunday.
int WeekdayOfDay(std::int64_t day);

class Calendar {
 public:
  // Tabulates days [first_day, last_day] (days since the epoch, inclusive).
  Calendar(std::int64_t first_day, std::int64_t last_day);

  int Weekday(std::int64_t day) const { return WeekdayOfDay(day); }
  // The zone's offset from UTC on `day`, in seconds (east positive).
  int OffsetSeconds(const Zone& zone, std::int64_t day) const;
  // Writes the 20 characters of "YYYY-MM-DDTHH:MM:SSZ" for `t` (milliseconds are
  // dropped; the generator only makes whole seconds).
  void Format(core::Instant t, char* out) const;
  std::string Format(core::Instant t) const;
  // Writes the 10 characters of "YYYY-MM-DD" for day number `day`.
  void FormatDay(std::int64_t day, char* out) const;

 private:
  struct Day {
    char date[10];
    bool eu_dst;
    bool us_dst;
  };
  static Day Describe(std::int64_t day);

  std::int64_t first_day_;
  std::vector<Day> days_;
};

}  // namespace candor::synth
