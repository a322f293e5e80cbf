#include "ledger/entry.h"
#include "ledger/identifier_guard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "ledger/canonical_json.h"

namespace candor::ledger {
namespace {

using core::StatusCode;
using ::testing::HasSubstr;
using ::testing::Not;

EntryFields Sample() {
  EntryFields f;
  f.index = 7;
  f.type = "decision";
  f.time = 1'780'000'000'123;  // 2026-05-28T20:26:40.123Z
  f.actor = "cli";
  f.subject = "0123456789abcdef0123456789abcdef";
  f.model = "conversion-1";
  f.payload_sha256 = Sha256(std::span<const std::uint8_t>());
  return f;
}

constexpr std::string_view kSampleText =
    "{\"actor\":\"cli\",\"index\":7,\"model\":\"conversion-1\",\"payload_sha256\":"
    "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"subject\":"
    "\"0123456789abcdef0123456789abcdef\",\"time\":\"2026-05-28T20:26:40.123Z\",\"type\":"
    "\"decision\"}";

TEST(EntryTest, FormatsTheCanonicalText) {
  auto text = FormatEntry(Sample());
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, kSampleText);
  // It is what RFC 8785 makes of the same members.
  auto parsed = nlohmann::json::parse(*text);
  EXPECT_EQ(*CanonicalJson(parsed), *text);
}

TEST(EntryTest, NullsAbsentSubjectAndModelAndOmitsZeroMilliseconds) {
  EntryFields f = Sample();
  f.subject.clear();
  f.model.clear();
  f.time = 1'780'000'000'000;
  EXPECT_EQ(*FormatEntry(f),
            "{\"actor\":\"cli\",\"index\":7,\"model\":null,\"payload_sha256\":"
            "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"subject\":null,"
            "\"time\":\"2026-05-28T20:26:40Z\",\"type\":\"decision\"}");
}

TEST(EntryTest, ParsesBackWhatItFormats) {
  EntryFields f = Sample();
  f.actor = "Jörg \"J\" Müller\\ops \xF0\x9F\x98\x80";  // escapes, umlauts, an emoji
  auto text = FormatEntry(f);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_THAT(*text, HasSubstr("\\\"J\\\" M"));
  EXPECT_THAT(*text, HasSubstr("\\\\ops \xF0\x9F\x98\x80"));
  auto back = ParseEntry(*text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->index, f.index);
  EXPECT_EQ(back->type, f.type);
  EXPECT_EQ(back->time, f.time);
  EXPECT_EQ(back->actor, f.actor);
  EXPECT_EQ(back->subject, f.subject);
  EXPECT_EQ(back->model, f.model);
  EXPECT_EQ(back->payload_sha256, f.payload_sha256);
}

TEST(EntryTest, RefusesEverythingButTheCanonicalText) {
  const std::string good(kSampleText);
  auto with = [&](std::string_view from, std::string_view to) {
    std::string s = good;
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  const std::vector<std::string> bad = {
      "",
      "not json",
      "{}",
      good + " ",
      good + "\n",
      " " + good,
      with("\"actor\":\"cli\",", "\"actor\": \"cli\","),
      with("{\"actor\":\"cli\",\"index\":7,", "{\"index\":7,\"actor\":\"cli\","),  // order
      with("\"index\":7", "\"index\":07"),
      with("\"index\":7", "\"index\":-7"),
      with("\"index\":7", "\"index\":7.0"),
      with("\"model\":\"conversion-1\"", "\"model\":\"\""),
      with("e3b0c442", "E3B0C442"),
      with("0123456789abcdef0123456789abcdef", "0123456789ABCDEF0123456789abcdef"),
      with("0123456789abcdef0123456789abcdef\"", "0123456789abcdef\""),
      with("\"cli\"", "\"c\\/li\""),       // an escape RFC 8785 does not write
      with("\"cli\"", "\"\\u0063li\""),    // idem
      with("\"cli\"", "\"c\\u000Ali\""),   // uppercase hex, and \n has a short form
      with("\"cli\"", "\"c\xC3\""),        // invalid UTF-8
      with("\"cli\"", "\"c\x01li\""),      // a raw control character
      with("\"cli\"", "\"a@b.example\""),  // an e-mail address as actor
      with("20:26:40.123Z", "20:26:40.123+00:00"),
      with("20:26:40.123Z", "20:26:40.123z"),
      with("T20:26:40.123Z", " 20:26:40.123Z"),
      with("\"2026-05-28T20:26:40.123Z\"", "\"2026-05-28T20:26:40.000Z\""),
      with("2026-05-28T20:26:40.123Z", "2026-02-30T20:26:40.123Z"),
      with("\"decision\"", "\"Decision\""),
      with("\"decision\"}", "\"decision\",\"extra\":1}"),
      with(",\"type\":\"decision\"}", "}"),
      good.substr(0, good.size() - 1),
  };
  for (const std::string& text : bad) {
    auto r = ParseEntry(text);
    EXPECT_FALSE(r.ok()) << "accepted: " << text;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
      EXPECT_THAT(r.status().message(), Not(HasSubstr("conversion-1")));  // no echo
    }
  }
}

TEST(EntryTest, ValidatesEveryField) {
  auto refused = [](EntryFields f, std::string_view what) {
    auto s = FormatEntry(f);
    EXPECT_FALSE(s.ok()) << what;
    if (!s.ok()) {
      EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
      EXPECT_THAT(s.status().message(), HasSubstr(what));
    }
  };
  EntryFields f = Sample();
  f.type = "Score Batch";
  refused(f, "type");
  f.type = "";
  refused(f, "type");
  f.type = std::string(65, 'a');
  refused(f, "type");
  f = Sample();
  f.actor = "";
  refused(f, "actor");
  f.actor = "jane@example.com";
  refused(f, "actor");
  f.actor = "line\nbreak";
  refused(f, "actor");
  f.actor = std::string(129, 'a');
  refused(f, "actor");
  f = Sample();
  f.model = "m\x7F";
  refused(f, "model");
  f = Sample();
  f.subject = "not-a-subject-id";
  refused(f, "subject");
  f = Sample();
  f.time = 253'402'300'800'000;  // year 10000
  refused(f, "time");
  EXPECT_TRUE(ValidateEntryFields(Sample()).ok());
}

TEST(EntryTest, PayloadsWithDirectIdentifiersAreRefused) {
  auto check = [](const char* json) { return CheckNoDirectIdentifiers(nlohmann::json::parse(json)); };
  EXPECT_TRUE(check(R"({"subject":"0123456789abcdef0123456789abcdef","rows":3,"kind":"contacts"})").ok());
  EXPECT_TRUE(check(R"({"note":"team@candor, no dot after the at"})").ok());
  struct Case {
    const char* json;
    const char* pointer;
  };
  for (const Case& c : {Case{R"({"email":"x"})", "/email"},
                        Case{R"({"a":{"First-Name":"x"}})", "/a/First-Name"},
                        Case{R"({"phone_number":1})", "/phone_number"},
                        Case{R"({"contact_id":"C1"})", "/contact_id"},
                        Case{R"({"files":[{"note":"send to jane.doe@example.com"}]})", "/files/0/note"},
                        Case{R"({"x":"a@b.de"})", "/x"}}) {
    core::Status s = check(c.json);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.json;
    EXPECT_THAT(s.message(), HasSubstr(c.pointer)) << c.json;
    EXPECT_THAT(s.message(), Not(HasSubstr("example.com")));
    EXPECT_THAT(s.message(), Not(HasSubstr("a@b")));
  }
}

}  // namespace
}  // namespace candor::ledger
