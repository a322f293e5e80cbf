#include <gmock/gmock.h>
#include <gtest/gtest.h>
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
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return (std::filesystem::path(::testing::TempDir()) /
          ("candor_" + name + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + suffix))
      .string();
}

std::string WriteFile(std::string_view content, const std::string& suffix = ".csv") {
  std::string path = TempPath(suffix);
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  return path;
}

std::string WriteGzip(std::string_view content, const std::string& suffix = ".csv.gz") {
  std::string path = TempPath(suffix);
  gzFile f = gzopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr);
  EXPECT_EQ(gzwrite(f, content.data(), static_cast<unsigned>(content.size())),
            static_cast<int>(content.size()));
  EXPECT_EQ(gzclose(f), Z_OK);
  return path;
}

// One line per Next(): "LINE: [text]@line:col ..." for a row, "error L:C: message"
// for an error. Also checks that kEnd is sticky.
std::vector<std::string> ReadAll(RecordReader& reader) {
  std::vector<std::string> out;
  Row row;
  for (int guard = 0; guard < 1'000'000; ++guard) {
    const ReadResult r = reader.Next(row);
    if (r == ReadResult::kEnd) break;
    if (r == ReadResult::kError) {
      EXPECT_TRUE(row.error.has_value());
      if (!row.error) break;
      out.push_back("error " + std::to_string(row.error->pos.line) + ":" +
                    std::to_string(row.error->pos.column) + ": " + row.error->message);
      continue;
    }
    EXPECT_FALSE(row.error.has_value());
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "lit" + string.
    std::string s = std::to_string(row.line);
    s += ':';
    for (const Value& v : row.values) {
      if (v.present) {
        s += " [";
        s += v.text;
        s += ']';
      } else {
        s += " -";
      }
      s += '@';
      s += std::to_string(v.line);
      s += ':';
      s += std::to_string(v.column);
    }
    out.push_back(s);
  }
  EXPECT_EQ(reader.Next(row), ReadResult::kEnd);
  EXPECT_EQ(reader.Next(row), ReadResult::kEnd);
  return out;
}

std::unique_ptr<RecordReader> Open(const std::string& path, const ReaderOptions& options = {},
                                   std::size_t block = internal::kDefaultBlockBytes) {
  Result<std::unique_ptr<RecordReader>> r = internal::OpenCsvReader(path, options, block);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

std::vector<std::string> ReadCsv(std::string_view content, const ReaderOptions& options = {},
                                 std::size_t block = internal::kDefaultBlockBytes) {
  const std::string path = WriteFile(content);
  std::unique_ptr<RecordReader> reader = Open(path, options, block);
  std::filesystem::remove(path);
  if (reader == nullptr) return {"open failed"};
  return ReadAll(*reader);
}

// The Open error for a file with `content`, without the "PATH:" prefix.
std::string OpenError(std::string_view content, StatusCode code = StatusCode::kInvalidArgument) {
  const std::string path = WriteFile(content);
  Result<std::unique_ptr<RecordReader>> r = OpenRecordReader(path, Format::kCsv, {});
  std::filesystem::remove(path);
  if (r.ok()) return "opened";
  EXPECT_EQ(r.status().code(), code);
  const std::string& m = r.status().message();
  EXPECT_EQ(m.rfind(path + ":", 0), 0U) << m;
  return m.substr(path.size() + 1);
}

TEST(CsvReaderTest, ReadsRowsWithPositions) {
  const std::string content = "id,name,city\n1,Ann,Paris\n2,Bob,\n";
  std::unique_ptr<RecordReader> reader = Open(WriteFile(content));
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(reader->columns(), ElementsAre("id", "name", "city"));
  ASSERT_EQ(reader->column_positions().size(), 3U);
  EXPECT_EQ(reader->column_positions()[1].line, 1U);
  EXPECT_EQ(reader->column_positions()[1].column, 4U);
  EXPECT_EQ(reader->column_positions()[2].column, 9U);
  EXPECT_THAT(ReadAll(*reader),
              ElementsAre("2: [1]@2:1 [Ann]@2:3 [Paris]@2:7", "3: [2]@3:1 [Bob]@3:3 []@3:7"));
  EXPECT_EQ(reader->bytes_read(), content.size());
}

TEST(CsvReaderTest, OpenRecordReaderPicksCsv) {
  const std::string path = WriteFile("a\nx\n");
  Result<std::unique_ptr<RecordReader>> r = OpenRecordReader(path, Format::kCsv, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT(ReadAll(**r), ElementsAre("2: [x]@2:1"));
}

TEST(CsvReaderTest, LastRowWithoutLineFeed) {
  EXPECT_THAT(ReadCsv("a,b\n1,2"), ElementsAre("2: [1]@2:1 [2]@2:3"));
  EXPECT_THAT(ReadCsv("a,b"), ElementsAre());
  EXPECT_THAT(ReadCsv("a,b\n"), ElementsAre());
  EXPECT_THAT(ReadCsv("a,b\n1,\"2\""), ElementsAre("2: [1]@2:1 [2]@2:3"));
}

TEST(CsvReaderTest, SkipsBomOnlyAtFileStart) {
  std::unique_ptr<RecordReader> reader = Open(WriteFile("\xEF\xBB\xBFid,x\n1,\xEF\xBB\xBFy\n"));
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(reader->columns(), ElementsAre("id", "x"));
  EXPECT_EQ(reader->column_positions()[0].column, 1U);
  EXPECT_EQ(reader->column_positions()[1].column, 4U);
  // A BOM later in the file is data (U+FEFF, one character).
  EXPECT_THAT(ReadAll(*reader), ElementsAre("2: [1]@2:1 [\xEF\xBB\xBFy]@2:3"));
}

TEST(CsvReaderTest, CrLfLineEnds) {
  EXPECT_THAT(ReadCsv("a,b\r\n1,2\r\n\"x\",\"y\"\r\n3,4"),
              ElementsAre("2: [1]@2:1 [2]@2:3", "3: [x]@3:1 [y]@3:5", "4: [3]@4:1 [4]@4:3"));
}

TEST(CsvReaderTest, QuotedFields) {
  const std::string content =
      "a,b,c\n"
      "\"x,y\",\"he said \"\"hi\"\"\",z\n"
      "\"multi\nline\",after,\"q\"\n"
      "last,\"\",\"\"\"\"\n";
  EXPECT_THAT(ReadCsv(content), ElementsAre("2: [x,y]@2:1 [he said \"hi\"]@2:7 [z]@2:24",
                                            "3: [multi\nline]@3:1 [after]@4:7 [q]@4:13",
                                            "5: [last]@5:1 []@5:6 [\"]@5:9"));
}

TEST(CsvReaderTest, QuotedLineBreaksKeepCrLf) {
  EXPECT_THAT(ReadCsv("a,b\r\n\"1\r\n\r\n2\",x\r\ny,z\r\n"),
              ElementsAre("2: [1\r\n\r\n2]@2:1 [x]@4:4", "5: [y]@5:1 [z]@5:3"));
}

TEST(CsvReaderTest, ColumnsCountCodePoints) {
  EXPECT_THAT(ReadCsv("name,note\nRen\xC3\xA9"
                      "e,ok\n\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E,x\n"
                      "\"\xC3\xA9\n\xC3\xA9\",\xF0\x9F\x98\x80\n"),
              ElementsAre("2: [Ren\xC3\xA9"
                          "e]@2:1 [ok]@2:7",
                          "3: [\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E]@3:1 [x]@3:5",
                          "4: [\xC3\xA9\n\xC3\xA9]@4:1 [\xF0\x9F\x98\x80]@5:4"));
}

TEST(CsvReaderTest, SemicolonDelimiter) {
  ReaderOptions options;
  options.delimiter = ';';
  EXPECT_THAT(ReadCsv("a;b\n1,5;\"x;y\"\n", options), ElementsAre("2: [1,5]@2:1 [x;y]@2:5"));
  options.delimiter = '\t';
  EXPECT_THAT(ReadCsv("a\tb\n1 2\t3\n", options), ElementsAre("2: [1 2]@2:1 [3]@2:5"));
}

TEST(CsvReaderTest, RefusesBadDelimiters) {
  const std::string path = WriteFile("a,b\n");
  for (char d : {'"', '\n', '\r', '\0', '\xC3'}) {
    ReaderOptions options;
    options.delimiter = d;
    Result<std::unique_ptr<RecordReader>> r = OpenRecordReader(path, Format::kCsv, options);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(CsvReaderTest, ReadsGzip) {
  const std::string path = WriteGzip("a,b\n1,\"x\ny\"\n3,4\n");
  Result<std::unique_ptr<RecordReader>> r = OpenRecordReader(path, Format::kCsv, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT((*r)->columns(), ElementsAre("a", "b"));
  EXPECT_THAT(ReadAll(**r), ElementsAre("2: [1]@2:1 [x\ny]@2:3", "4: [3]@4:1 [4]@4:3"));
  EXPECT_EQ((*r)->bytes_read(), 16U);  // decompressed bytes
}

TEST(CsvReaderTest, TruncatedGzipIsAnError) {
  std::string content = "a,b\n";
  for (int i = 0; i < 200'000; ++i) {
    content += Cat(std::to_string(i * 7919), ",", std::to_string(i), "\n");
  }
  const std::string full = WriteGzip(content);
  std::string bytes(std::filesystem::file_size(full), '\0');
  {
    std::ifstream in(full, std::ios::binary);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  ASSERT_GT(bytes.size(), 1000U);
  std::unique_ptr<RecordReader> reader =
      Open(WriteFile(bytes.substr(0, bytes.size() / 2), ".csv.gz"), {}, 4096);
  ASSERT_NE(reader, nullptr);
  Row row;
  ReadResult r = ReadResult::kRow;
  int rows = 0;
  while ((r = reader->Next(row)) == ReadResult::kRow) ++rows;
  EXPECT_GT(rows, 0);
  ASSERT_EQ(r, ReadResult::kError);
  ASSERT_TRUE(row.error.has_value());
  EXPECT_EQ(row.error->message, "read error: truncated gzip stream");
  EXPECT_EQ(reader->Next(row), ReadResult::kEnd);
}

TEST(CsvReaderTest, MissingFileIsNotFound) {
  Result<std::unique_ptr<RecordReader>> r =
      OpenRecordReader(TempPath(".csv") + ".missing", Format::kCsv, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("no such file"));
}

TEST(CsvReaderTest, HeaderErrors) {
  EXPECT_EQ(OpenError(""), "1:1: empty file: expected a header row");
  EXPECT_EQ(OpenError("\xEF\xBB\xBF"), "1:1: empty file: expected a header row");
  EXPECT_EQ(OpenError("a,b,a\n1,2,3\n"), "1:5: duplicate column 'a'");
  EXPECT_EQ(OpenError("\xEF\xBB\xBF"
                      "a,\"a\"\n"),
            "1:3: duplicate column 'a'");
  EXPECT_EQ(OpenError("a,,b\n"), "1:3: empty column name");
  EXPECT_EQ(OpenError("\n1\n"), "1:1: empty column name");
  EXPECT_EQ(OpenError("a,\"\"\n"), "1:3: empty column name");
  EXPECT_EQ(OpenError("a,b\xFF\n"), "1:4: invalid UTF-8 in header field 2");
  EXPECT_EQ(OpenError("\xC3\xA9,\xC3\xA9x\xC3\n"), "1:5: invalid UTF-8 in header field 2");
  EXPECT_EQ(OpenError("a,\"b\n1,2\n"),
            "1:3: unterminated quoted header field 2 (opened at line 1)");
  EXPECT_EQ(OpenError("a,b\"c\n"), "1:4: unexpected quote in unquoted header field 2");
  EXPECT_EQ(OpenError("a,b\0c\n"s), "1:4: NUL byte in header field 2");
}

TEST(CsvReaderTest, HeaderMayBeQuoted) {
  std::unique_ptr<RecordReader> reader = Open(WriteFile("\"a,1\",\"say \"\"b\"\"\"\nx,y\n"));
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(reader->columns(), ElementsAre("a,1", "say \"b\""));
  EXPECT_EQ(reader->column_positions()[1].column, 7U);
  EXPECT_THAT(ReadAll(*reader), ElementsAre("2: [x]@2:1 [y]@2:3"));
}

TEST(CsvReaderTest, WrongFieldCount) {
  EXPECT_THAT(ReadCsv("a,b,c\n1,2\n1,2,3,4\n1,2,3\n"),
              ElementsAre("error 2:1: expected 3 fields, found 2",
                          "error 3:1: expected 3 fields, found 4", "4: [1]@4:1 [2]@4:3 [3]@4:5"));
}

TEST(CsvReaderTest, BlankLines) {
  // In the middle: a row with one empty field. At the end: ignored.
  EXPECT_THAT(ReadCsv("a,b\n1,2\n\n3,4\n\n"),
              ElementsAre("2: [1]@2:1 [2]@2:3", "error 3:1: expected 2 fields, found 1",
                          "4: [3]@4:1 [4]@4:3"));
  EXPECT_THAT(ReadCsv("a,b\r\n1,2\r\n\r\n\n\r\n"), ElementsAre("2: [1]@2:1 [2]@2:3"));
  EXPECT_THAT(ReadCsv("a\nx\n\ny\n\n\n"), ElementsAre("2: [x]@2:1", "3: []@3:1", "4: [y]@4:1"));
  EXPECT_THAT(ReadCsv("a\nx\n\"\"\n"), ElementsAre("2: [x]@2:1", "3: []@3:1"));
}

TEST(CsvReaderTest, InvalidUtf8) {
  EXPECT_THAT(ReadCsv("id,email\n1,ab\xFF@x\n2,ok\n"),
              ElementsAre("error 2:5: invalid UTF-8 in field 'email'", "3: [2]@3:1 [ok]@3:3"));
  // Columns before the bad byte count characters.
  EXPECT_THAT(ReadCsv("id,email\n\xC3\xA9,\xC3\xA9\xC3\x28\n"),
              ElementsAre("error 2:4: invalid UTF-8 in field 'email'"));
  // Overlong encoding and a UTF-16 surrogate.
  EXPECT_THAT(ReadCsv("id,email\n1,\xC0\xAF\n1,x\xED\xA0\x80\n"),
              ElementsAre("error 2:3: invalid UTF-8 in field 'email'",
                          "error 3:4: invalid UTF-8 in field 'email'"));
  // Inside a quoted field, on its second line.
  EXPECT_THAT(ReadCsv("id,email\n1,\"ok\nx\xFF\"\n2,y\n"),
              ElementsAre("error 3:2: invalid UTF-8 in field 'email'", "4: [2]@4:1 [y]@4:3"));
  // The message never holds the value.
  const std::vector<std::string> out = ReadCsv("id,email\n1,secret\xFF@example.com\n");
  ASSERT_EQ(out.size(), 1U);
  EXPECT_THAT(out[0], Not(HasSubstr("secret")));
}

TEST(CsvReaderTest, NulByte) {
  EXPECT_THAT(ReadCsv("id,x\n1,a\0b\n2,\"c\0\"\n3,d\n"s),
              ElementsAre("error 2:4: NUL byte in field 'x'", "error 3:5: NUL byte in field 'x'",
                          "4: [3]@4:1 [d]@4:3"));
}

TEST(CsvReaderTest, FieldTooLong) {
  ReaderOptions options;
  options.max_field_bytes = 5;
  EXPECT_THAT(
      ReadCsv("id,x\n1,abcdef\n2,abcde\n3,\"ab\"\"cd\"\n4,\"abc\"\"de\"\n", options),
      ElementsAre("error 2:3: field 'x' is longer than 5 bytes", "3: [2]@3:1 [abcde]@3:3",
                  "4: [3]@4:1 [ab\"cd]@4:3", "error 5:3: field 'x' is longer than 5 bytes"));
}

TEST(CsvReaderTest, FieldTooLongDefaultLimit) {
  const std::string ok(std::size_t{1} << 20, 'x');
  const std::string content = "id,x\n1," + ok + "\n2," + ok + "y\n3,\"" + ok + "\"\n4,z\n";
  for (std::size_t block : {internal::kDefaultBlockBytes, std::size_t{65536}}) {
    std::unique_ptr<RecordReader> reader = Open(WriteFile(content), {}, block);
    ASSERT_NE(reader, nullptr);
    Row row;
    ASSERT_EQ(reader->Next(row), ReadResult::kRow);
    EXPECT_EQ(row.values[1].text.size(), ok.size());
    ASSERT_EQ(reader->Next(row), ReadResult::kError);
    EXPECT_EQ(row.error->message, "field 'x' is longer than 1048576 bytes");
    EXPECT_EQ(row.error->pos.line, 3U);
    EXPECT_EQ(row.error->pos.column, 3U);
    ASSERT_EQ(reader->Next(row), ReadResult::kRow);
    EXPECT_EQ(row.values[1].text, ok);
    ASSERT_EQ(reader->Next(row), ReadResult::kRow);
    EXPECT_EQ(row.values[1].text, "z");
    EXPECT_EQ(row.line, 5U);
    EXPECT_EQ(reader->Next(row), ReadResult::kEnd);
  }
}

TEST(CsvReaderTest, RowTooLongToHoldIsSkipped) {
  // Rows over (columns + 1) × (2 × max_field_bytes + 3) bytes are scanned without
  // being held in memory; with a small block that path is taken.
  ReaderOptions options;
  options.max_field_bytes = 4;
  const std::string big(100, 'x');
  const std::string content = "id,x\n1," + big + "\n2,ok\n\"" + big + "\n" + big + "\",y\n" +
                              std::string(60, ',') + "\n3,\"a\"\"\"\n";
  for (std::size_t block : {std::size_t{8}, std::size_t{16}, internal::kDefaultBlockBytes}) {
    EXPECT_THAT(ReadCsv(content, options, block),
                ElementsAre("error 2:3: field 'x' is longer than 4 bytes", "3: [2]@3:1 [ok]@3:3",
                            "error 4:1: field 'id' is longer than 4 bytes",
                            "error 6:1: expected 2 fields, found 61", "7: [3]@7:1 [a\"]@7:3"))
        << block;
  }
}

TEST(CsvReaderTest, UnterminatedQuoteInLongRowIsFatal) {
  ReaderOptions options;
  options.max_field_bytes = 4;
  EXPECT_THAT(ReadCsv("id,x\n1,ok\n2,\"" + std::string(200, 'x') + "\n", options, 8),
              ElementsAre("2: [1]@2:1 [ok]@2:3",
                          "error 3:3: unterminated quoted field 'x' (opened at line 3)"));
}

TEST(CsvReaderTest, QuoteInUnquotedField) {
  EXPECT_THAT(
      ReadCsv("id,x\n1,ab\"c\n2,\"ok\"\n"),
      ElementsAre("error 2:5: unexpected quote in unquoted field 'x'", "3: [2]@3:1 [ok]@3:3"));
  // A field beyond the header has a number instead of a name.
  EXPECT_THAT(ReadCsv("a,b\n1,2,x\"y\n"),
              ElementsAre("error 2:6: unexpected quote in unquoted field #3"));
}

TEST(CsvReaderTest, CharacterAfterClosingQuote) {
  EXPECT_THAT(ReadCsv("id,x\n1,\"ab\"c\n2,\"ab\" \n3,\"ab\"\"\"\"c\"d,e\n4,\"\"\n"),
              ElementsAre("error 2:7: unexpected character after closing quote in field 'x'",
                          "error 3:7: unexpected character after closing quote in field 'x'",
                          "error 4:12: unexpected character after closing quote in field 'x'",
                          "5: [4]@5:1 []@5:3"));
}

TEST(CsvReaderTest, LoneCarriageReturn) {
  EXPECT_THAT(ReadCsv("id,x\n1,a\rb\n2,b\r3,c\n4,d\r"),
              ElementsAre("error 2:4: carriage return without line feed in field 'x'",
                          "error 3:4: carriage return without line feed in field 'x'",
                          "error 4:4: carriage return without line feed in field 'x'"));
  // Inside quotes a CR is data.
  EXPECT_THAT(ReadCsv("id,x\n1,\"a\rb\"\n"), ElementsAre("2: [1]@2:1 [a\rb]@2:3"));
}

TEST(CsvReaderTest, UnterminatedQuoteIsFatal) {
  EXPECT_THAT(ReadCsv("id,x\n1,ok\n2,\"abc\n3,def\n"),
              ElementsAre("2: [1]@2:1 [ok]@2:3",
                          "error 3:3: unterminated quoted field 'x' (opened at line 3)"));
  EXPECT_THAT(ReadCsv("id,x\n\xC3\xA9,\"abc"),
              ElementsAre("error 2:3: unterminated quoted field 'x' (opened at line 2)"));
}

TEST(CsvReaderTest, FirstErrorOfARowWins) {
  EXPECT_THAT(ReadCsv("a,b,c\n1\xFF,x\"y,\0\n"s),
              ElementsAre("error 2:2: invalid UTF-8 in field 'a'"));
  EXPECT_THAT(ReadCsv("a,b,c\n1,x\"y\xFF,\0\n"s),
              ElementsAre("error 2:4: unexpected quote in unquoted field 'b'"));
  // Positional errors come before the field count.
  EXPECT_THAT(ReadCsv("a,b,c\n1,x\"y\n"),
              ElementsAre("error 2:4: unexpected quote in unquoted field 'b'"));
}

TEST(CsvReaderTest, MessagesNeverHoldValues) {
  ReaderOptions options;
  options.max_field_bytes = 8;
  const std::string content =
      "id,email\n"
      "1,secret1@x\"\n"
      "2,\"secret2\"x\n"
      "3,secret3\xFF\n"
      "4,secret4\0\n"
      "5,secret5\rz\n"
      "6,secret6-very-long\n"
      "7,secret7,more\n"
      "8,\"secret8\n"s;
  const std::vector<std::string> out = ReadCsv(content, options);
  EXPECT_EQ(out.size(), 8U);
  for (const std::string& line : out) {
    EXPECT_THAT(line, HasSubstr("error"));
    EXPECT_THAT(line, Not(HasSubstr("secret")));
  }
}

// The same input read with every block size gives the same rows, positions and
// errors: fields straddle block boundaries at every offset.
class CsvBlockSizeTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(CsvBlockSizeTest, SameResultForEveryBlockSize) {
  ReaderOptions options;
  options.max_field_bytes = 64;
  const std::string content =
      "\xEF\xBB\xBFid,name,\"note\"\r\n"
      "1,Ren\xC3\xA9"
      "e,\"multi\r\nline, with \"\"quotes\"\"\"\r\n"
      "2,\xE6\x97\xA5\xE6\x9C\xAC,\"\"\r\n"
      "3,x\"y,z\n"
      "4,\"a\"b,c\n"
      "5,\xFF,ok\n"
      "6,ok\n"
      "\n"
      "7,a\0b,c\n"
      "8,\"\"\"\",\"\"\"\"\"\"\n"
      "9,last,\"row\"\r\n"
      "\r\n\n"s;
  const std::vector<std::string> expected = ReadCsv(content, options);
  ASSERT_THAT(
      expected,
      ElementsAre("2: [1]@2:1 [Ren\xC3\xA9"
                  "e]@2:3 [multi\r\nline, with \"quotes\"]@2:9",
                  "4: [2]@4:1 [\xE6\x97\xA5\xE6\x9C\xAC]@4:3 []@4:6",
                  "error 5:4: unexpected quote in unquoted field 'name'",
                  "error 6:6: unexpected character after closing quote in field 'name'",
                  "error 7:3: invalid UTF-8 in field 'name'",
                  "error 8:1: expected 3 fields, found 2", "error 9:1: expected 3 fields, found 1",
                  "error 10:4: NUL byte in field 'name'", "11: [8]@11:1 [\"]@11:3 [\"\"]@11:8",
                  "12: [9]@12:1 [last]@12:3 [row]@12:8"));
  EXPECT_EQ(ReadCsv(content, options, GetParam()), expected);
}

TEST_P(CsvBlockSizeTest, GeneratedDataLargerThanBlocks) {
  std::string content = "customer,event,at,note\n";
  std::vector<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    const std::string id = Cat("C", std::to_string(100000 + i));
    const std::string note = i % 3 == 0   ? Cat("\"q\"\"", std::to_string(i), "\nx\"")
                             : i % 3 == 1 ? "\xC3\xA9t\xC3\xA9"
                                          : "";
    content += Cat(id, ",page_view,2025-03-04T05:06:07Z,", note, "\n");
  }
  std::unique_ptr<RecordReader> reader = Open(WriteFile(content), {}, GetParam());
  ASSERT_NE(reader, nullptr);
  Row row;
  std::uint64_t line = 2;
  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(reader->Next(row), ReadResult::kRow) << i;
    ASSERT_EQ(row.line, line);
    ASSERT_EQ(row.values[0].text, Cat("C", std::to_string(100000 + i)));
    ASSERT_EQ(row.values[2].text, "2025-03-04T05:06:07Z");
    ASSERT_EQ(row.values[3].column, 40U);
    if (i % 3 == 0) {
      ASSERT_EQ(row.values[3].text, Cat("q\"", std::to_string(i), "\nx"));
      line += 2;
    } else {
      ASSERT_EQ(row.values[3].text, i % 3 == 1 ? "\xC3\xA9t\xC3\xA9" : "");
      line += 1;
    }
  }
  EXPECT_EQ(reader->Next(row), ReadResult::kEnd);
  EXPECT_EQ(reader->bytes_read(), content.size());
}

INSTANTIATE_TEST_SUITE_P(Blocks, CsvBlockSizeTest,
                         ::testing::Values(1, 2, 3, 4, 5, 7, 13, 64, 1000));

TEST(RecordFormatTest, FormatFromPath) {
  EXPECT_EQ(FormatFromPath("a/events.csv").value(), Format::kCsv);
  EXPECT_EQ(FormatFromPath("events.CSV.gz").value(), Format::kCsv);
  EXPECT_EQ(FormatFromPath("events.ndjson").value(), Format::kNdjson);
  EXPECT_EQ(FormatFromPath("events.jsonl.gz").value(), Format::kNdjson);
  Result<Format> bad = FormatFromPath("events.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "cannot tell the format of 'events.json' (expected .csv, .ndjson or .jsonl, "
            "optionally followed by .gz)");
  EXPECT_FALSE(FormatFromPath("csv").ok());
  EXPECT_FALSE(FormatFromPath("events.gz").ok());
}

TEST(RecordFormatTest, ParseFormat) {
  EXPECT_EQ(ParseFormat("csv").value(), Format::kCsv);
  EXPECT_EQ(ParseFormat("ndjson").value(), Format::kNdjson);
  EXPECT_EQ(ParseFormat("xml").status().message(), "unknown format 'xml' (expected csv or ndjson)");
}

TEST(Utf8Test, Validation) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("ascii"));
  EXPECT_TRUE(IsValidUtf8("\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_EQ(FirstInvalidUtf8("ascii"), std::string_view::npos);
  EXPECT_EQ(FirstInvalidUtf8("\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF"),
            std::string_view::npos);
  EXPECT_EQ(FirstInvalidUtf8("ab\xFF"), 2U);
  EXPECT_EQ(FirstInvalidUtf8("a\x80"), 1U);             // stray continuation
  EXPECT_EQ(FirstInvalidUtf8("a\xC3"), 1U);             // truncated
  EXPECT_EQ(FirstInvalidUtf8("a\xC3\x28"), 1U);         // bad continuation
  EXPECT_EQ(FirstInvalidUtf8("\xC1\xBF"), 0U);          // overlong 2-byte
  EXPECT_EQ(FirstInvalidUtf8("\xE0\x80\xAF"), 0U);      // overlong 3-byte
  EXPECT_EQ(FirstInvalidUtf8("\xF0\x80\x80\xAF"), 0U);  // overlong 4-byte
  EXPECT_EQ(FirstInvalidUtf8("x\xED\xA0\x80"), 1U);     // surrogate
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x90\x80\x80"), 0U);  // above U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("\xF5\x80\x80\x80"), 0U);
  for (std::string_view s : {"\xFF", "a\x80", "a\xC3", "\xC1\xBF", "\xE0\x80\xAF",
                             "\xF0\x80\x80\xAF", "x\xED\xA0\x80", "\xF4\x90\x80\x80"}) {
    EXPECT_FALSE(IsValidUtf8(s));
  }
}

TEST(Utf8Test, CountCodePointsAndAscii) {
  EXPECT_EQ(CountCodePoints(""), 0U);
  EXPECT_EQ(CountCodePoints("abc"), 3U);
  EXPECT_EQ(CountCodePoints("Ren\xC3\xA9"
                            "e"),
            5U);
  EXPECT_EQ(CountCodePoints("\xE6\x97\xA5\xF0\x9F\x98\x80"), 2U);
  EXPECT_TRUE(internal::IsAscii(""));
  EXPECT_TRUE(internal::IsAscii(std::string(100, 'a')));
  for (std::size_t at = 0; at < 70; ++at) {
    std::string s(70, 'a');
    s[at] = '\x80';
    EXPECT_FALSE(internal::IsAscii(s)) << at;
  }
}

}  // namespace
}  // namespace candor::core
