#include "ledger/canonical_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>

namespace candor::ledger {
namespace {

using core::StatusCode;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Canon(const json& v) {
  core::Result<std::string> r = CanonicalJson(v);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

std::string CanonText(std::string_view text) { return Canon(json::parse(text)); }

core::Status CanonError(const json& v) { return CanonicalJson(v).status(); }

// RFC 8785 Appendix B: IEEE 754 bit patterns and the text ECMAScript writes for them.
TEST(CanonicalNumberTest, Rfc8785AppendixB) {
  const struct {
    std::uint64_t bits;
    const char* text;
  } kCases[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const auto& c : kCases) {
    const double d = std::bit_cast<double>(c.bits);
    EXPECT_EQ(*FormatCanonicalNumber(d), c.text) << std::hex << c.bits;
    EXPECT_EQ(Canon(json(d)), c.text) << std::hex << c.bits;
  }
}

TEST(CanonicalNumberTest, NanAndInfinityAreRefused) {
  for (const std::uint64_t bits :
       {0x7fffffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull}) {
    const double d = std::bit_cast<double>(bits);
    EXPECT_EQ(FormatCanonicalNumber(d).status().code(), StatusCode::kInvalidArgument);
    const core::Status s = CanonError(json{{"n", json::array({1, d})}});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("at /n/1: NaN and Infinity have no JSON representation"));
  }
}

TEST(CanonicalNumberTest, EcmaScriptFormsAroundTheThresholds) {
  EXPECT_EQ(Canon(json(1e21)), "1e+21");
  EXPECT_EQ(Canon(json(1e20)), "100000000000000000000");
  EXPECT_EQ(Canon(json(1e-7)), "1e-7");
  EXPECT_EQ(Canon(json(1.5e-7)), "1.5e-7");
  EXPECT_EQ(Canon(json(0.000001)), "0.000001");
  EXPECT_EQ(Canon(json(0.0000015)), "0.0000015");
  EXPECT_EQ(Canon(json(123456789012345680000.0)), "123456789012345680000");
  EXPECT_EQ(Canon(json(-0.0)), "0");
  EXPECT_EQ(Canon(json(1.0)), "1");
  EXPECT_EQ(Canon(json(-1.25)), "-1.25");
  EXPECT_EQ(CanonText("4.50"), "4.5");
  EXPECT_EQ(CanonText("2e-3"), "0.002");
  EXPECT_EQ(CanonText("1E30"), "1e+30");
  EXPECT_EQ(CanonText("0.000000000000000000000000001"), "1e-27");
  EXPECT_EQ(CanonText("-0"), "0");
  EXPECT_EQ(CanonText("-0.0"), "0");
}

TEST(CanonicalNumberTest, ShortestFormReadsBackToTheSameDouble) {
  std::mt19937_64 rng(8785);
  int checked = 0;
  while (checked < 100000) {
    const double d = std::bit_cast<double>(rng());
    if (!std::isfinite(d)) continue;
    const std::string text = *FormatCanonicalNumber(d);
    ASSERT_EQ(std::strtod(text.c_str(), nullptr), d) << text;
    ++checked;
  }
}

TEST(CanonicalNumberTest, IntegersBeyondTwoToThe53AreRefused) {
  constexpr std::int64_t kMax = std::int64_t{1} << 53;
  EXPECT_EQ(Canon(json(kMax)), "9007199254740992");
  EXPECT_EQ(Canon(json(-kMax)), "-9007199254740992");
  EXPECT_EQ(Canon(json(static_cast<std::uint64_t>(kMax))), "9007199254740992");
  EXPECT_EQ(Canon(json(0)), "0");
  EXPECT_EQ(Canon(json(-17)), "-17");
  for (const json& v :
       {json(kMax + 1), json(-kMax - 1), json(static_cast<std::uint64_t>(kMax) + 1),
        json(std::numeric_limits<std::int64_t>::min()),
        json(std::numeric_limits<std::uint64_t>::max()), json::parse("9007199254740993")}) {
    const core::Status s = CanonError(v);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << v.dump();
    EXPECT_THAT(s.message(), HasSubstr("beyond +-2^53")) << v.dump();
  }
}

// RFC 8785 section 3.2.2: the example's canonical form.
TEST(CanonicalJsonTest, Rfc8785Section322Example) {
  const std::string input = R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })";
  EXPECT_EQ(CanonText(input),
            R"({"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],)"
            "\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

// RFC 8785 section 3.2.3: names sort by UTF-16 code units, so the emoji (a surrogate
// pair, 0xD83D...) comes before U+FB33, unlike in UTF-8 byte order.
TEST(CanonicalJsonTest, Rfc8785Section323Sorting) {
  const std::string input = R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })";
  EXPECT_EQ(CanonText(input),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
            "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
            "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\","
            "\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

TEST(CanonicalJsonTest, NestedObjectsSortAndNoWhitespace) {
  EXPECT_EQ(CanonText(R"( { "b" : [ 1 , { "z" : 1 , "a" : 2 } ] , "a" : { } , "c" : [ ] } )"),
            R"({"a":{},"b":[1,{"a":2,"z":1}],"c":[]})");
  EXPECT_EQ(Canon(json(nullptr)), "null");
  EXPECT_EQ(Canon(json("x")), "\"x\"");
}

TEST(CanonicalJsonTest, EscapesOnlyWhatRfc8785Escapes) {
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
  EXPECT_EQ(Canon(json(controls)),
            "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
            "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018"
            "\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"");
  // '/', DEL, U+2028 and non-ASCII stay literal.
  EXPECT_EQ(Canon(json("a/b\x7F\xE2\x80\xA8\xC3\xA9\"\\")),
            "\"a/b\x7F\xE2\x80\xA8\xC3\xA9\\\"\\\\\"");
}

TEST(CanonicalJsonTest, InvalidUtf8IsRefusedWithoutEchoingIt) {
  for (const char* bad : {"secret\xFF", "secret\xC0\xAF", "secret\xED\xA0\x80", "secret\xE2\x82",
                          "secret\xF4\x90\x80\x80", "secret\x80"}) {
    const core::Status s = CanonError(json{{"email", bad}});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("at /email: not valid UTF-8 at byte 6"));
    EXPECT_THAT(s.message(), Not(HasSubstr("secret")));
  }
  EXPECT_THAT(CanonError(json{{"a", {{"\xFF", 1}}}}).message(),
              HasSubstr("at /a: a member name is not valid UTF-8"));
  EXPECT_THAT(CanonError(json{{"\xF0\x9F\x98\x80", 1}, {"\xFF", 2}}).message(),
              HasSubstr("a member name is not valid UTF-8"));
}

TEST(CanonicalJsonTest, ErrorPathIsAJsonPointer) {
  const json v = {{"a/b", {{"c~d", json::array({0, 1, NAN})}}}};
  EXPECT_THAT(CanonError(v).message(), HasSubstr("at /a~1b/c~0d/2:"));
  EXPECT_THAT(CanonError(json(NAN)).message(), HasSubstr("at the top level:"));
}

TEST(CanonicalJsonTest, RefusesBinaryAndDeepNesting) {
  EXPECT_THAT(CanonError(json::binary({1, 2})).message(), HasSubstr("binary"));
  json deep = json::array();
  for (std::size_t i = 1; i < kMaxCanonicalJsonDepth; ++i) deep = json::array({deep});
  EXPECT_TRUE(CanonicalJson(deep).ok());
  EXPECT_THAT(CanonError(json::array({deep})).message(), HasSubstr("nesting deeper than 512"));
}

TEST(CanonicalJsonTest, IsIdempotent) {
  const json v =
      json::parse(R"({"z":[1.5,-0.0,1e300,"\u00e9"],"a":{"\ud83d\ude00":true,"\uffff":null}})");
  const std::string once = Canon(v);
  EXPECT_EQ(CanonText(once), once);
}

TEST(DecodeUtf8Test, DecodesAndRefuses) {
  char32_t cp = 0;
  EXPECT_EQ(DecodeUtf8("A", 0, &cp), 1u);
  EXPECT_EQ(cp, U'A');
  EXPECT_EQ(DecodeUtf8("\xF0\x9F\x98\x80", 0, &cp), 4u);
  EXPECT_EQ(cp, U'\U0001F600');
  EXPECT_EQ(DecodeUtf8("\xF4\x8F\xBF\xBF", 0, &cp), 4u);
  EXPECT_EQ(cp, char32_t{0x10FFFF});
  EXPECT_EQ(DecodeUtf8("\xEF\xBF\xBF", 0, &cp), 3u);
  EXPECT_EQ(DecodeUtf8("\xE0\x9F\xBF", 0, &cp), 0u);      // overlong
  EXPECT_EQ(DecodeUtf8("\xF0\x8F\xBF\xBF", 0, &cp), 0u);  // overlong
  EXPECT_EQ(DecodeUtf8("\xED\xBF\xBF", 0, &cp), 0u);      // surrogate
  EXPECT_EQ(DecodeUtf8("\xF5\x80\x80\x80", 0, &cp), 0u);
}

// Timings, printed and never asserted. Run with
//   ledger_test --gtest_also_run_disabled_tests --gtest_filter='*Performance*'
TEST(CanonicalJsonPerformanceTest, DISABLED_SmallEntries) {
  const json entry = json::parse(R"({"type":"consent","subject":"7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b",
      "purpose":"email_marketing","action":"grant","legal_basis":"consent","source":"import",
      "ts":"2024-05-01T12:00:00Z","seq":123456,"score":0.8123,"notice_version":3})");
  const std::string text = entry.dump();
  constexpr int kIterations = 200000;
  using Clock = std::chrono::steady_clock;
  std::size_t bytes = 0;
  auto t = Clock::now();
  for (int i = 0; i < kIterations; ++i) bytes += CanonicalJson(entry)->size();
  const double canon = std::chrono::duration<double>(Clock::now() - t).count();
  t = Clock::now();
  for (int i = 0; i < kIterations; ++i) bytes += CanonicalJson(json::parse(text))->size();
  const double parse_canon = std::chrono::duration<double>(Clock::now() - t).count();
  std::printf("canonical JSON of a %zu-byte entry: %.0f/s; parse + canonicalize: %.0f/s (%zu)\n",
              Canon(entry).size(), kIterations / canon, kIterations / parse_canon, bytes);
}

}  // namespace
}  // namespace candor::ledger
