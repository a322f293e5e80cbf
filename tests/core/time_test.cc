#include "core/time.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>

namespace candor::core {
namespace {

constexpr const char* kNotIso = "not an ISO 8601 timestamp (expected YYYY-MM-DDTHH:MM:SSZ)";
constexpr const char* kNoZone = "timestamp has no time zone (add Z or an offset such as +01:00)";
constexpr const char* kImpossible = "impossible date or time";

constexpr Instant kT = 1'741'064'767'000;  // 2025-03-04T05:06:07Z

Instant Parse(std::string_view s, const TimeZone* zone = nullptr) {
  Result<Instant> r = ParseTimestamp(s, zone);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? *r : 0;
}

void ExpectError(std::string_view s, const std::string& message, const TimeZone* zone = nullptr) {
  Result<Instant> r = ParseTimestamp(s, zone);
  ASSERT_FALSE(r.ok()) << s;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(r.status().message(), message) << s;
}

TEST(ParseTimestampTest, AcceptsUtcForms) {
  EXPECT_EQ(Parse("2025-03-04T05:06:07Z"), kT);
  EXPECT_EQ(Parse("2025-03-04 05:06:07Z"), kT);
  EXPECT_EQ(Parse("2025-03-04t05:06:07z"), kT);
  EXPECT_EQ(Parse("2025-03-04T05:06Z"), kT - 7000);
  EXPECT_EQ(Parse("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Parse("2000-02-29T00:00:00Z"), 951'782'400'000);
  EXPECT_EQ(Parse("0000-01-01T00:00:00Z"), -62'167'219'200'000);
  EXPECT_EQ(Parse("9999-12-31T23:59:59.999Z"), 253'402'300'799'999);
}

TEST(ParseTimestampTest, FractionsTruncateToMilliseconds) {
  EXPECT_EQ(Parse("2025-03-04T05:06:07.1Z"), kT + 100);
  EXPECT_EQ(Parse("2025-03-04T05:06:07.12Z"), kT + 120);
  EXPECT_EQ(Parse("2025-03-04T05:06:07.123Z"), kT + 123);
  EXPECT_EQ(Parse("2025-03-04T05:06:07.123999999Z"), kT + 123);
  EXPECT_EQ(Parse("2025-03-04T05:06:07.000000000000000000001Z"), kT);
  EXPECT_EQ(Parse("1969-12-31T23:59:59.999Z"), -1);
  ExpectError("2025-03-04T05:06:07.Z", kNotIso);
}

TEST(ParseTimestampTest, Offsets) {
  EXPECT_EQ(Parse("2025-03-04T06:06:07+01:00"), kT);
  EXPECT_EQ(Parse("2025-03-04T06:06:07+0100"), kT);
  EXPECT_EQ(Parse("2025-03-04T06:06:07+01"), kT);
  EXPECT_EQ(Parse("2025-03-04T00:36:07-04:30"), kT);
  EXPECT_EQ(Parse("2025-03-04T00:36:07-0430"), kT);
  EXPECT_EQ(Parse("2025-03-04T00:06:07-05"), kT);
  EXPECT_EQ(Parse("2025-03-04T05:06:07+00:00"), kT);
  EXPECT_EQ(Parse("2025-03-04T05:06:07-00:00"), kT);
  EXPECT_EQ(Parse("2025-03-04T10:36:07.5+05:30"), kT + 500);
  EXPECT_EQ(Parse("2025-03-04T06:06+01:00"), kT - 7000);
  ExpectError("2025-03-04T05:06:07+1", kNotIso);
  ExpectError("2025-03-04T05:06:07+01:0", kNotIso);
  ExpectError("2025-03-04T05:06:07+010", kNotIso);
  ExpectError("2025-03-04T05:06:07+01:000", kNotIso);
  ExpectError("2025-03-04T05:06:07+01-00", kNotIso);
  ExpectError("2025-03-04T05:06:07+24:00", kImpossible);
  ExpectError("2025-03-04T05:06:07+01:60", kImpossible);
}

TEST(ParseTimestampTest, RefusesMalformedText) {
  for (const char* s : {"",
                        "2025",
                        "2025-03-04",
                        "2025-03-04T",
                        "2025-03-04T05",
                        "2025-03-04T05:0",
                        "2025/03/04T05:06:07Z",
                        "2025-3-04T05:06:07Z",
                        "2025-03-04X05:06:07Z",
                        "2025-03-04T05:06:07ZZ",
                        "2025-03-04T05:06:07 Z",
                        "2025-03-04T05:06:7Z",
                        "2025-03-04T05:06:07Q",
                        " 2025-03-04T05:06:07Z",
                        "2025-03-04T05:06:07Z ",
                        "+2025-03-04T05:06:07Z",
                        "20250304T050607Z",
                        "2025-03-04T05:06:07,5Z",
                        "2025-03-04T05:06:07.5.5Z",
                        "2025-03-04T05:06:07 +01:00",
                        "2025-03-04T05:06:07+"}) {
    ExpectError(s, kNotIso);
  }
}

TEST(ParseTimestampTest, RefusesImpossibleDatesAndTimes) {
  for (const char* s : {"2023-02-29T00:00:00Z", "2024-02-30T00:00:00Z", "2100-02-29T00:00:00Z",
                        "2025-04-31T00:00:00Z", "2025-00-10T00:00:00Z", "2025-13-10T00:00:00Z",
                        "2025-01-00T00:00:00Z", "2025-01-32T00:00:00Z", "2025-03-04T24:00:00Z",
                        "2025-03-04T25:00:00Z", "2025-03-04T12:60:00Z", "2025-03-04T12:00:60Z",
                        "2016-12-31T23:59:60Z"}) {
    ExpectError(s, kImpossible);
  }
  EXPECT_EQ(Parse("2024-02-29T00:00:00Z"), FromCivil(2024, 2, 29).value());
  EXPECT_EQ(Parse("2000-02-29T12:00:00Z"), FromCivil(2000, 2, 29).value() + kMillisPerDay / 2);
}

TEST(ParseTimestampTest, NoZone) {
  ExpectError("2025-03-04T05:06:07", kNoZone);
  ExpectError("2025-03-04 05:06", kNoZone);
  ExpectError("2025-03-04T05:06:07.250", kNoZone);
  // Syntax and calendar are checked before the zone.
  ExpectError("2025-02-30T05:06:07", kImpossible);
}

TEST(TimeZoneTest, LocateKnownAndUnknown) {
  Result<TimeZone> london = TimeZone::Locate("Europe/London");
  ASSERT_TRUE(london.ok()) << london.status().ToString();
  EXPECT_EQ(london->name(), "Europe/London");
  EXPECT_NE(london->impl(), nullptr);

  Result<TimeZone> bad = TimeZone::Locate("Mars/Olympus_Mons");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(bad.status().message(),
            "unknown time zone 'Mars/Olympus_Mons' (expected an IANA name such as Europe/London)");
}

TEST(TimeZoneTest, LocalTimeInSourceZone) {
  Result<TimeZone> london = TimeZone::Locate("Europe/London");
  ASSERT_TRUE(london.ok());
  const TimeZone* z = &*london;
  // Winter: GMT (+00:00).
  EXPECT_EQ(Parse("2025-01-15T12:00:00", z), Parse("2025-01-15T12:00:00Z"));
  // Summer: BST (+01:00).
  EXPECT_EQ(Parse("2025-07-15T12:00:00.250", z), Parse("2025-07-15T11:00:00.250Z"));
  EXPECT_EQ(Parse("2025-07-15 12:00", z), Parse("2025-07-15T11:00:00Z"));
  // An explicit zone wins over the source zone.
  EXPECT_EQ(Parse("2025-07-15T12:00:00Z", z), Parse("2025-07-15T12:00:00Z"));
  // 2025-03-30 01:00 → 02:00: 01:30 does not exist.
  ExpectError("2025-03-30T01:30:00",
              std::string(kImpossible) + " (skipped by a daylight-saving change in Europe/London)",
              z);
  EXPECT_EQ(Parse("2025-03-30T00:59:59", z), Parse("2025-03-30T00:59:59Z"));
  EXPECT_EQ(Parse("2025-03-30T02:00:00", z), Parse("2025-03-30T01:00:00Z"));
  // 2025-10-26 02:00 → 01:00: 01:30 happens twice; the earlier (BST) one is taken.
  EXPECT_EQ(Parse("2025-10-26T01:30:00", z), Parse("2025-10-26T00:30:00Z"));
  EXPECT_EQ(Parse("2025-10-26T02:00:00", z), Parse("2025-10-26T02:00:00Z"));

  Result<TimeZone> ny = TimeZone::Locate("America/New_York");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(Parse("2025-01-15T07:00:00", &*ny), Parse("2025-01-15T12:00:00Z"));
}

TEST(ParseDateOrTimestampTest, DatesAndTimestamps) {
  EXPECT_EQ(ParseDateOrTimestamp("2025-03-04").value(), FromCivil(2025, 3, 4).value());
  EXPECT_EQ(ParseDateOrTimestamp("1970-01-01").value(), 0);
  EXPECT_EQ(ParseDateOrTimestamp("2025-03-04T05:06:07Z").value(), kT);
  EXPECT_EQ(ParseDateOrTimestamp("2023-02-29").status().message(), kImpossible);
  EXPECT_EQ(ParseDateOrTimestamp("2025/03/04").status().message(), kNotIso);
  EXPECT_EQ(ParseDateOrTimestamp("2025-03-04T05:06:07").status().message(), kNoZone);
}

TEST(FormatTest, FormatTimestamp) {
  EXPECT_EQ(FormatTimestamp(kT), "2025-03-04T05:06:07Z");
  EXPECT_EQ(FormatTimestamp(kT + 5), "2025-03-04T05:06:07.005Z");
  EXPECT_EQ(FormatTimestamp(kT + 120), "2025-03-04T05:06:07.120Z");
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(-62'167'219'200'000), "0000-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(253'402'300'799'999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(253'402'300'800'000), "+10000-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(-62'167'219'200'001), "-0001-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatDate(kT), "2025-03-04");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
}

TEST(FormatTest, RoundTrip) {
  for (Instant t : {Instant{0}, kT, kT + 1, Instant{-1}, Instant{951'782'400'000},
                    Instant{-62'167'219'200'000}, Instant{253'402'300'799'999}}) {
    EXPECT_EQ(Parse(FormatTimestamp(t)), t) << t;
  }
  // Every day from 1600 to 2400 at a varying time of day.
  const std::int64_t first = ToDays(FromCivil(1600, 1, 1).value());
  const std::int64_t last = ToDays(FromCivil(2400, 12, 31).value());
  for (std::int64_t d = first; d <= last; ++d) {
    const Instant t = FromDays(d) + (d * 7'919'333) % kMillisPerDay;
    ASSERT_EQ(Parse(FormatTimestamp(t)), t) << t;
  }
}

TEST(CivilTest, DaysAndCivil) {
  EXPECT_EQ(FromDays(0), 0);
  EXPECT_EQ(FromDays(20151), FromCivil(2025, 3, 4).value());
  EXPECT_EQ(FromDays(-1), -kMillisPerDay);
  EXPECT_EQ(ToDays(0), 0);
  EXPECT_EQ(ToDays(kMillisPerDay - 1), 0);
  EXPECT_EQ(ToDays(-1), -1);
  EXPECT_EQ(ToDays(-kMillisPerDay), -1);
  EXPECT_EQ(ToDays(-kMillisPerDay - 1), -2);
  EXPECT_EQ(ToDays(kT), 20151);

  CivilTime c = ToCivil(kT + 789);
  EXPECT_EQ(c.year, 2025);
  EXPECT_EQ(c.month, 3);
  EXPECT_EQ(c.day, 4);
  EXPECT_EQ(c.hour, 5);
  EXPECT_EQ(c.minute, 6);
  EXPECT_EQ(c.second, 7);
  EXPECT_EQ(c.millis, 789);
  EXPECT_EQ(c.weekday, 2);  // Tuesday

  c = ToCivil(-1);
  EXPECT_EQ(c.year, 1969);
  EXPECT_EQ(c.month, 12);
  EXPECT_EQ(c.day, 31);
  EXPECT_EQ(c.hour, 23);
  EXPECT_EQ(c.minute, 59);
  EXPECT_EQ(c.second, 59);
  EXPECT_EQ(c.millis, 999);
  EXPECT_EQ(c.weekday, 3);  // Wednesday

  EXPECT_EQ(ToCivil(0).weekday, 4);  // Thursday
}

TEST(CivilTest, FromCivilRefusesImpossibleDates) {
  EXPECT_EQ(FromCivil(1970, 1, 1).value(), 0);
  EXPECT_EQ(FromCivil(2024, 2, 29).value(), 19'782 * kMillisPerDay);
  for (auto [y, m, d] : {std::tuple{2023, 2, 29}, std::tuple{2024, 2, 30}, std::tuple{2025, 4, 31},
                         std::tuple{2025, 0, 1}, std::tuple{2025, 13, 1}, std::tuple{2025, 1, 0},
                         std::tuple{2025, -1, 1}, std::tuple{-1, 1, 1}, std::tuple{10000, 1, 1},
                         std::tuple{2025, 1, 1000}}) {
    Result<Instant> r = FromCivil(y, m, d);
    ASSERT_FALSE(r.ok()) << y << "-" << m << "-" << d;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), kImpossible);
  }
}

}  // namespace
}  // namespace candor::core
