#include "core/files.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace candor::core {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path Fresh(const char* name) {
  fs::path d = fs::temp_directory_path() / fmt::format("candor-files-{}-{}", name, ::getpid());
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(WriteFileAtomicallyTest, ReplacesTheFileAndLeavesNoTemporary) {
  const fs::path d = Fresh("replace");
  const fs::path f = d / "model.json";
  ASSERT_TRUE(WriteFileAtomically(f, "old").ok());
  ASSERT_TRUE(WriteFileAtomically(f, std::string(3 << 20, 'x')).ok());
  EXPECT_EQ(Slurp(f), std::string(3 << 20, 'x'));
  EXPECT_FALSE(fs::exists(d / "model.json.tmp"));
  fs::remove_all(d);
}

TEST(WriteFileAtomicallyTest, AFailureNamesThePathAndKeepsTheOldFile) {
  const fs::path d = Fresh("fail");
  const fs::path f = d / "card.md";
  ASSERT_TRUE(WriteFileAtomically(f, "kept").ok());
  // A directory where the temporary file must go makes the write fail.
  fs::create_directories(d / "card.md.tmp");
  auto st = WriteFileAtomically(f, "lost");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_THAT(st.message(), ::testing::StartsWith(f.string() + ": cannot write: "));
  EXPECT_EQ(Slurp(f), "kept");
  // A missing directory fails the same way.
  auto missing = WriteFileAtomically(d / "no" / "such.json", "x");
  EXPECT_EQ(missing.code(), StatusCode::kUnavailable);
  fs::remove_all(d);
}

}  // namespace
}  // namespace candor::core
