#include "synth/calendar.h"

#include <gtest/gtest.h>

#include "synth/random.h"
#include "synth/vocabulary.h"

namespace candor::synth {
namespace {

core::Instant At(int y, int m, int d, int hour = 0) {
  return *core::FromCivil(y, m, d) + hour * 3'600'000LL;
}

TEST(CalendarTest, FormatsLikeCore) {
  const std::int64_t first = core::ToDays(At(2024, 1, 1));
  const Calendar calendar(first, first + 800);
  Rng r(1);
  for (int i = 0; i < 5000; ++i) {
    // Inside and outside the table.
    const core::Instant t = At(2020, 1, 1) + r.Between(0, 10LL * 365 * 86400) * 1000;
    EXPECT_EQ(calendar.Format(t), core::FormatTimestamp(t));
  }
  char day[10];
  calendar.FormatDay(first + 31, day);
  EXPECT_EQ(std::string_view(day, 10), "2024-02-01");
}

TEST(CalendarTest, Weekdays) {
  EXPECT_EQ(WeekdayOfDay(0), 4);                              // 1970-01-01, a Thursday
  EXPECT_EQ(WeekdayOfDay(core::ToDays(At(2026, 11, 1))), 0);  // a Sunday
  EXPECT_EQ(WeekdayOfDay(-1), 3);
}

TEST(CalendarTest, DaylightSavingRules) {
  const Calendar calendar(core::ToDays(At(2025, 1, 1)), core::ToDays(At(2027, 1, 1)));
  const Zone berlin{"Europe/Berlin", 60, DstRule::kEu};
  const Zone london{"Europe/London", 0, DstRule::kEu};
  const Zone new_york{"America/New_York", -300, DstRule::kUs};
  auto off = [&](const Zone& z, core::Instant t) {
    return calendar.OffsetSeconds(z, core::ToDays(t));
  };
  EXPECT_EQ(off(berlin, At(2026, 1, 15)), 3600);
  EXPECT_EQ(off(berlin, At(2026, 7, 1)), 7200);
  EXPECT_EQ(off(berlin, At(2026, 3, 28)), 3600);  // EU switch: Sunday 2026-03-29
  EXPECT_EQ(off(berlin, At(2026, 3, 29)), 7200);
  EXPECT_EQ(off(berlin, At(2026, 10, 24)), 7200);  // back on Sunday 2026-10-25
  EXPECT_EQ(off(berlin, At(2026, 10, 25)), 3600);
  EXPECT_EQ(off(london, At(2026, 7, 1)), 3600);
  EXPECT_EQ(off(new_york, At(2026, 3, 7)), -5 * 3600);  // US switch: Sunday 2026-03-08
  EXPECT_EQ(off(new_york, At(2026, 3, 9)), -4 * 3600);
  EXPECT_EQ(off(new_york, At(2026, 11, 2)), -5 * 3600);  // back on Sunday 2026-11-01
  // Outside the table too.
  EXPECT_EQ(off(berlin, At(2030, 7, 1)), 7200);
}

TEST(CalendarTest, EveryZoneIsKnownToTheTzDatabase) {
  for (const Country& c : Countries()) {
    for (const ZoneChoice& z : c.zones) {
      auto tz = core::TimeZone::Locate(z.zone.name);
      EXPECT_TRUE(tz.ok()) << z.zone.name;
    }
  }
}

}  // namespace
}  // namespace candor::synth
