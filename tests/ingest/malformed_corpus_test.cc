// The malformed-input corpus (tests/ingest/malformed.corpus): each case is an
// input file and the exact errors ingest must report. Every case must be refused
// as a whole, and the store must be byte-for-byte unchanged afterwards.
//
// Corpus syntax, one case after another:
//   === name
//   kind: events            (an ingest kind)
//   file: events.csv        (the file name; its extension picks the format)
//   mapping: bank           (optional; flat/transactions)
//   --- input
//   ...lines of the file; escapes: \r \t \0 \xHH \\ ; a last line "\noeol"
//       removes the final newline...
//   --- errors
//   events.csv:2:1: message
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ingest/fixture.h"

namespace candor::ingest::testing {
namespace {

struct Case {
  std::string name, kind, file, mapping;
  std::string input;
  std::vector<std::string> errors;
};

std::string Unescape(const std::string& line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '\\' || i + 1 == line.size()) {
      out += line[i];
      continue;
    }
    char c = line[++i];
    switch (c) {
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case '0': out += '\0'; break;
      case '\\': out += '\\'; break;
      case 'x': {
        out += static_cast<char>(std::stoi(line.substr(i + 1, 2), nullptr, 16));
        i += 2;
        break;
      }
      default: out += '\\'; out += c;
    }
  }
  return out;
}

std::vector<Case> LoadCorpus() {
  std::ifstream in(std::string(CANDOR_SOURCE_DIR) + "/tests/ingest/malformed.corpus");
  EXPECT_TRUE(in.good());
  std::vector<Case> cases;
  std::string line;
  enum { kHead, kInput, kErrors } section = kHead;
  while (std::getline(in, line)) {
    if (line.rfind("=== ", 0) == 0) {
      cases.push_back({});
      cases.back().name = line.substr(4);
      section = kHead;
      continue;
    }
    if (cases.empty()) continue;
    Case& c = cases.back();
    if (line == "--- input") {
      section = kInput;
    } else if (line == "--- errors") {
      section = kErrors;
    } else if (section == kHead) {
      if (line.rfind("kind: ", 0) == 0) c.kind = line.substr(6);
      if (line.rfind("file: ", 0) == 0) c.file = line.substr(6);
      if (line.rfind("mapping: ", 0) == 0) c.mapping = line.substr(9);
    } else if (section == kInput) {
      if (line == "\\noeol") {
        if (!c.input.empty()) c.input.pop_back();
      } else {
        c.input += Unescape(line) + "\n";
      }
    } else if (!line.empty()) {
      c.errors.push_back(line);
    }
  }
  return cases;
}

TEST(MalformedCorpusTest, HasAtLeastFortyCases) { EXPECT_GE(LoadCorpus().size(), 40u); }

TEST(MalformedCorpusTest, EveryCaseIsRefusedWithItsErrorsAndChangesNothing) {
  IngestFixture fx("corpus");
  fx.AddBase();
  // A mapping for the flat cases.
  fx.config().mappings.push_back([] {
    core::MappingConfig m;
    m.name = "mini";
    m.kind = core::MappingKind::kFlat;
    m.id_column = "id";
    m.time_column = "ts";
    m.attributes = {{"plan", core::ValueType::kCategorical}, {"seats", core::ValueType::kInteger}};
    m.protected_columns = {{"age", "age_band", {25, 60}}};
    m.outcome_column = "y";
    m.outcome_target = "conversion";
    m.outcome_values = {{"yes", 1}, {"no", 0}};
    m.purposes = {"profiling"};
    return m;
  }());
  fx.config().max_field_bytes = 64;
  std::string before = fx.Dump();
  for (const Case& c : LoadCorpus()) {
    SCOPED_TRACE("case: " + c.name);
    auto kind = ParseKind(c.kind);
    ASSERT_TRUE(kind.ok()) << c.kind;
    std::string path = fx.Write(c.file, c.input);
    Report r = fx.Ingest(*kind, {path}, c.mapping);
    EXPECT_FALSE(r.committed);
    std::vector<std::string> got;
    for (const auto& e : r.errors) {
      Error rel = e;
      rel.file = std::filesystem::path(e.file).filename().string();
      got.push_back(FormatError(rel));
    }
    EXPECT_EQ(got, c.errors);
    EXPECT_GT(r.errors_total, 0);
    std::filesystem::remove(path);
  }
  EXPECT_EQ(fx.Dump(), before) << "a refused import changed the store";
}

}  // namespace
}  // namespace candor::ingest::testing
