#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/record_reader.h"

namespace candor::core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using std::string_literals::operator""s;

// Concatenation without operator+ chains, on which GCC 12 warns falsely (-Wrestrict).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string s;
  (s.append(std::string_view(parts)), ...);
  return s;
}

std::string TempPath(const std::string& suffix) {
  static int counter = 0;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = Cat(info->test_suite_name(), "_", info->name());
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return (std::filesystem::path(::testing::TempDir()) /
          Cat("candor_", name, "_", std::to_string(::getpid()), "_", std::to_string(++counter), suffix))
      .string();
}

std::string WriteFile(std::string_view content, const std::string& suffix = ".ndjson") {
  std::string path = TempPath(suffix);
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  return path;
}

std::string WriteGzip(std::string_view content) {
  std::string path = TempPath(".ndjson.gz");
  gzFile f = gzopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr);
  EXPECT_EQ(gzwrite(f, content.data(), static_cast<unsigned>(content.size())),
            static_cast<int>(content.size()));
  EXPECT_EQ(gzclose(f), Z_OK);
  return path;
}

ReaderOptions Columns(std::vector<std::string> columns, std::size_t max_field_bytes = 1 << 20) {
  ReaderOptions options;
  options.columns = std::move(columns);
  options.max_field_bytes = max_field_bytes;
  return options;
}

const ReaderOptions& Contacts() {
  static const ReaderOptions options = Columns({"id", "name", "score", "active", "note"});
  return options;
}

// One line per Next(): "LINE: [text]@line:col ..." (absent values as "-"), or
// "error L:C: message". Also checks that kEnd is sticky.
std::vector<std::string> ReadAll(RecordReader& reader) {
  std::vector<std::string> out;
  Row row;
  for (int guard = 0; guard < 1'000'000; ++guard) {
    const ReadResult r = reader.Next(row);
    if (r == ReadResult::kEnd) break;
    if (r == ReadResult::kError) {
      EXPECT_TRUE(row.error.has_value());
      if (!row.error) break;
      out.push_back(Cat("error ", std::to_string(row.error->pos.line), ":",
                        std::to_string(row.error->pos.column), ": ", row.error->message));
      continue;
    }
    EXPECT_FALSE(row.error.has_value());
    std::string s = Cat(std::to_string(row.line), ":");
    for (const Value& v : row.values) {
      s += v.present ? Cat(" [", v.text, "]") : std::string(" -");
      s += Cat("@", std::to_string(v.line), ":", std::to_string(v.column));
    }
    out.push_back(s);
  }
  EXPECT_EQ(reader.Next(row), ReadResult::kEnd);
  EXPECT_EQ(reader.Next(row), ReadResult::kEnd);
  return out;
}

std::vector<std::string> ReadNdjson(std::string_view content,
                                    const ReaderOptions& options = Contacts(),
                                    std::size_t block = internal::kDefaultBlockBytes) {
  const std::string path = WriteFile(content);
  Result<std::unique_ptr<RecordReader>> r = internal::OpenNdjsonReader(path, options, block);
  std::filesystem::remove(path);  // the open reader keeps reading it
  if (!r.ok()) return {Cat("open failed: ", r.status().ToString())};
  return ReadAll(**r);
}

std::string JsonError(simdjson::error_code code) {
  return Cat("invalid JSON: ", simdjson::error_message(code));
}

TEST(NdjsonReaderTest, ReadsObjects) {
  const std::string content =
      "{\"id\":\"C1\",\"name\":\"Ren\\u00e9e \\\"R\\\"\",\"score\":12.50,\"active\":true,"
      "\"note\":null}\n"
      "   \n"
      "{\"name\":\"\xE6\x97\xA5\xE6\x9C\xAC\",\"id\":\"C2\"}\r\n"
      "{\"id\":\"C3\",\"score\":-1e3,\"active\":false}\n"
      "{\"id\" : \"C4\" , \"score\" : 7 }";
  const std::string path = WriteFile(content);
  Result<std::unique_ptr<RecordReader>> r = OpenRecordReader(path, Format::kNdjson, Contacts());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  RecordReader& reader = **r;
  EXPECT_THAT(reader.columns(), ElementsAre("id", "name", "score", "active", "note"));
  ASSERT_EQ(reader.column_positions().size(), 5U);
  EXPECT_EQ(reader.column_positions()[3].line, 1U);
  EXPECT_EQ(reader.column_positions()[3].column, 1U);
  EXPECT_THAT(ReadAll(reader),
              ElementsAre("1: [C1]@1:7 [Ren\xC3\xA9"
                          "e \"R\"]@1:19 [12.50]@1:46 [true]@1:61 -@1:73",
                          "3: [C2]@3:19 [\xE6\x97\xA5\xE6\x9C\xAC]@3:9 -@3:1 -@3:1 -@3:1",
                          "4: [C3]@4:7 -@4:1 [-1e3]@4:20 [false]@4:34 -@4:1",
                          "5: [C4]@5:9 -@5:1 [7]@5:26 -@5:1 -@5:1"));
  EXPECT_EQ(reader.bytes_read(), content.size());
}

TEST(NdjsonReaderTest, ValuesStayValidUntilNextCall) {
  const std::string path = WriteFile("{\"id\":\"a\\tb\",\"name\":\"x\",\"score\":1}\n");
  Result<std::unique_ptr<RecordReader>> r = OpenRecordReader(path, Format::kNdjson, Contacts());
  ASSERT_TRUE(r.ok());
  Row row;
  ASSERT_EQ((*r)->Next(row), ReadResult::kRow);
  EXPECT_EQ(row.values[0].text, "a\tb");
  EXPECT_EQ(row.values[1].text, "x");
  EXPECT_EQ(row.values[2].text, "1");
}

TEST(NdjsonReaderTest, SkipsBomAndBlankLines) {
  EXPECT_THAT(ReadNdjson("\xEF\xBB\xBF{\"id\":\"a\"}\n\n\t\r\n{\"id\":\"b\"}\n\n", Columns({"id"})),
              ElementsAre("1: [a]@1:7", "4: [b]@4:7"));
  EXPECT_THAT(ReadNdjson("", Columns({"id"})), ElementsAre());
  EXPECT_THAT(ReadNdjson("\n\n", Columns({"id"})), ElementsAre());
}

TEST(NdjsonReaderTest, ReadsGzip) {
  Result<std::unique_ptr<RecordReader>> r = OpenRecordReader(
      WriteGzip("{\"id\":\"a\"}\n{\"id\":\"b\"}\n"), Format::kNdjson, Columns({"id"}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT(ReadAll(**r), ElementsAre("1: [a]@1:7", "2: [b]@2:7"));
}

TEST(NdjsonReaderTest, OptionErrors) {
  const std::string path = WriteFile("{}\n");
  Result<std::unique_ptr<RecordReader>> r = OpenRecordReader(path, Format::kNdjson, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("ReaderOptions::columns"));
  r = OpenRecordReader(path, Format::kNdjson, Columns({"a", "b", "a"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "duplicate column 'a'");
  r = OpenRecordReader(TempPath(".ndjson"), Format::kNdjson, Columns({"a"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST(NdjsonReaderTest, UnknownAndDuplicateFields) {
  EXPECT_THAT(ReadNdjson("{\"id\":\"C1\",\"bogus\":1}\n{\"id\":\"C1\",\"id\":\"C2\"}\n"
                         "{\"id\":\"ok\"}\n"),
              ElementsAre("error 1:12: unknown field 'bogus'", "error 2:12: duplicate field 'id'",
                          "3: [ok]@3:7 -@3:1 -@3:1 -@3:1 -@3:1"));
  // Escaped keys are compared unescaped; a null counts as present for duplicates.
  EXPECT_THAT(ReadNdjson("{\"\\u0069d\":\"x\"}\n{\"id\":null,\"id\":\"y\"}\n", Columns({"id"})),
              ElementsAre("1: [x]@1:12", "error 2:12: duplicate field 'id'"));
  // Long keys are cut in messages.
  const std::vector<std::string> out =
      ReadNdjson(Cat("{\"", std::string(100, 'k'), "\":1}\n"), Columns({"id"}));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0], Cat("error 1:2: unknown field '", std::string(64, 'k'), "...'"));
}

TEST(NdjsonReaderTest, NestedValuesAreRefused) {
  EXPECT_THAT(ReadNdjson("{\"id\":[1,2]}\n{\"name\":\"n\",\"id\":{\"a\":1}}\n"),
              ElementsAre("error 1:7: field 'id' must be a string, number, boolean or null",
                          "error 2:18: field 'id' must be a string, number, boolean or null"));
}

TEST(NdjsonReaderTest, NotAnObject) {
  EXPECT_THAT(ReadNdjson("[1,2]\n  \"x\"\n12\n{\"id\":\"ok\"}\n", Columns({"id"})),
              ElementsAre("error 1:1: not a JSON object", "error 2:3: not a JSON object",
                          "error 3:1: not a JSON object", "4: [ok]@4:7"));
}

TEST(NdjsonReaderTest, InvalidJson) {
  EXPECT_THAT(
      ReadNdjson("{\"id\":\"C1\"\n{\"id\":tru}\n{\"id\":\"abc}\n{\"id\":1,}\n{\"score\":01}\n"
                 "{\"id\":\"C1\"}{\"id\":2}\n{\"id\":\"a\tb\"}\n{\"id\":\"ok\"}\n",
                 Columns({"id", "score"})),
      ElementsAre(Cat("error 1:1: ", JsonError(simdjson::INCOMPLETE_ARRAY_OR_OBJECT)),
                  Cat("error 2:7: ", JsonError(simdjson::INCORRECT_TYPE)),
                  Cat("error 3:1: ", JsonError(simdjson::UNCLOSED_STRING)),
                  Cat("error 4:9: ", JsonError(simdjson::TAPE_ERROR)),
                  Cat("error 5:10: ", JsonError(simdjson::NUMBER_ERROR)),
                  Cat("error 6:12: ", JsonError(simdjson::TRAILING_CONTENT)),
                  Cat("error 7:1: ", JsonError(simdjson::UNESCAPED_CHARS)), "8: [ok]@8:7 -@8:1"));
}

TEST(NdjsonReaderTest, InvalidUtf8) {
  EXPECT_THAT(
      ReadNdjson("{\"id\":\"a\xFF\"}\n{\"id\":\"\xC3\xA9\xC3\xA9\xC3\"}\n{\"id\":\"\xC3\xA9\"}\n",
                 Columns({"id"})),
      ElementsAre("error 1:9: invalid UTF-8", "error 2:10: invalid UTF-8", "3: [\xC3\xA9]@3:7"));
}

TEST(NdjsonReaderTest, NulByte) {
  EXPECT_THAT(ReadNdjson("{\"note\":\"a\\u0000b\"}\n", Contacts()),
              ElementsAre("error 1:9: NUL byte in field 'note'"));
}

TEST(NdjsonReaderTest, FieldAndLineLimits) {
  // max_field_bytes 4 with 3 columns: lines up to (3 + 1) × 4 = 16 bytes.
  const ReaderOptions options = Columns({"a", "b", "c"}, 4);
  EXPECT_THAT(
      ReadNdjson("{\"a\":\"abcd\"}\n{\"a\":\"abcde\"}\n{\"a\":\"\\u00e9\\u00e9\"}\n"
                 "{\"a\":\"x\", \"b\":\"y\"}\n{\"b\":1}\n",
                 options),
      ElementsAre("1: [abcd]@1:6 -@1:1 -@1:1", "error 2:6: field 'a' is longer than 4 bytes",
                  "error 3:1: line is longer than 16 bytes",
                  "error 4:1: line is longer than 16 bytes", "5: -@5:1 [1]@5:6 -@5:1"));
}

TEST(NdjsonReaderTest, ErrorsNeverHoldValues) {
  const ReaderOptions options = Columns({"email", "n"}, 16);
  const std::vector<std::string> out = ReadNdjson(
      "{\"email\":\"secret1\xFF\"}\n"
      "{\"email\":\"secret2\\u0000\"}\n"
      "{\"email\":\"secret3-is-very-long\"}\n"
      "{\"email\":[\"secret4\"]}\n"
      "{\"email\":\"secret5\"\n"
      "{\"email\":\"secret6\",\"n\":secret}\n"
      "{\"email\":\"secret7\",\"email\":\"secret7\"}\n"s,
      options);
  EXPECT_EQ(out.size(), 7U);
  for (const std::string& line : out) {
    EXPECT_THAT(line, HasSubstr("error"));
    EXPECT_THAT(line, Not(HasSubstr("secret")));
  }
}

class NdjsonBlockSizeTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(NdjsonBlockSizeTest, SameResultForEveryBlockSize) {
  const ReaderOptions options = Columns({"id", "name", "n"}, 16);  // lines up to 64 bytes
  const std::string content =
      "\xEF\xBB\xBF{\"id\":\"a\",\"name\":\"Ren\xC3\xA9"
      "e\",\"n\":1.5}\r\n"
      "\n"
      "{\"id\":\"b\",\"zzz\":1}\n"
      "{\"id\":\"" +
      std::string(100, 'x') +
      "\"}\n"
      "{\"name\":\"\xE6\x97\xA5\",\"id\":\"c\",\"n\":null}\n"
      "[]\n"
      "{\"id\":\"d\"}";
  const std::vector<std::string> expected = ReadNdjson(content, options);
  ASSERT_THAT(expected, ElementsAre("1: [a]@1:7 [Ren\xC3\xA9"
                                    "e]@1:18 [1.5]@1:30",
                                    "error 3:11: unknown field 'zzz'",
                                    "error 4:1: line is longer than 64 bytes",
                                    "5: [c]@5:18 [\xE6\x97\xA5]@5:9 -@5:26",
                                    "error 6:1: not a JSON object", "7: [d]@7:7 -@7:1 -@7:1"));
  EXPECT_EQ(ReadNdjson(content, options, GetParam()), expected);
}

INSTANTIATE_TEST_SUITE_P(Blocks, NdjsonBlockSizeTest,
                         ::testing::Values(1, 2, 3, 5, 8, 13, 64, 1000));

}  // namespace
}  // namespace candor::core
