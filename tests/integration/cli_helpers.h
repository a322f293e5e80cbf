// Helpers for end-to-end tests of the candor binary: run it, capture its output.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace candor::testing {

struct RunResult {
  int exit_code = -1;
  std::string out, err;
  long max_rss_kib = 0;  // peak resident memory of the child
};

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs CANDOR_BINARY with `args` (no shell), optional extra environment entries.
inline RunResult RunCandor(const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {}) {
  namespace fs = std::filesystem;
  fs::path tmp = fs::temp_directory_path() / ("candor_run_" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  fs::path out = tmp / "out", err = tmp / "err";
  std::fflush(nullptr);  // or the child repeats the parent's buffered output
  pid_t pid = ::fork();
  if (pid == 0) {
    FILE* o = std::freopen(out.c_str(), "w", stdout);
    FILE* e = std::freopen(err.c_str(), "w", stderr);
    (void)o;
    (void)e;
    for (const auto& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> argv;
    std::string bin = CANDOR_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    std::_Exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  r.max_rss_kib = usage.ru_maxrss;
  return r;
}

// Runs a program from PATH with `args` (no shell), optional extra environment
// entries, and the working directory `cwd` if given.
inline RunResult RunProgram(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                     const std::filesystem::path& cwd = {}) {
  std::filesystem::path tmp = std::filesystem::temp_directory_path() / ("candor_prog_" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp);
  std::filesystem::path out = tmp / "out", err = tmp / "err";
  std::fflush(nullptr);  // or the child's freopen writes our buffered output again
  pid_t pid = ::fork();
  if (pid == 0) {
    FILE* o = std::freopen(out.c_str(), "w", stdout);
    FILE* e = std::freopen(err.c_str(), "w", stderr);
    (void)o;
    (void)e;
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) std::_Exit(126);
    for (const auto& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    std::_Exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  std::error_code ec;
  std::filesystem::remove_all(tmp, ec);
  return r;
}

inline std::filesystem::path FreshDir(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() /
           ("candor_it_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

}  // namespace candor::testing
