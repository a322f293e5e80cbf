// candor::cli common: the global flags and how every subcommand prints.
//
// With --json, stdout holds exactly one JSON document with "schema_version";
// messages and progress go to stderr. Errors print as "candor: message" on
// stderr (and, with --json, as {"schema_version", "error": {"code", "message"}}
// on stdout) and map to DESIGN.md's exit codes through Status::ExitCode().
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "core/status.h"
#include "core/time.h"

namespace candor::cli {

inline constexpr int kSchemaVersion = 1;

struct Context {
  bool json = false;
  std::string workspace;  // --workspace (resolved by workspace::ResolveDir)
  int exit_code = 0;
};

// Prints `status` as an error and returns its exit code (0 for OK: nothing printed).
int Fail(const Context& ctx, const core::Status& status);
// Prints `doc` (adding schema_version) when --json is on.
void PrintJson(const nlohmann::json& doc);
// The same keeping the document's key order (the documented order).
void PrintOrderedJson(const nlohmann::ordered_json& doc);

// Wall-clock now, in ms since the epoch.
core::Instant WallClockNow();
// --as-of TIME (date or timestamp); `fallback` when empty. InvalidArgument
// naming the flag otherwise.
core::Result<core::Instant> ParseAsOf(const std::string& text, core::Instant fallback);
// Writes a progress line to stderr when it is a terminal ("\r" updates).
class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();
  void Update(std::string_view text);
  void Done();

 private:
  std::string label_;
  bool tty_;
  bool shown_ = false;
  std::int64_t last_ms_ = 0;
};

// "1,234,567".
std::string Thousands(std::int64_t n);

// Subcommand registration; each lives in its own file.
void RegisterInit(CLI::App& app, Context& ctx);
void RegisterGenerate(CLI::App& app, Context& ctx);
void RegisterIngest(CLI::App& app, Context& ctx);
void RegisterDemo(CLI::App& app, Context& ctx);
void RegisterLedger(CLI::App& app, Context& ctx);
void RegisterFeatures(CLI::App& app, Context& ctx);
void RegisterTrain(CLI::App& app, Context& ctx);
void RegisterScore(CLI::App& app, Context& ctx);
void RegisterExplain(CLI::App& app, Context& ctx);
void RegisterModels(CLI::App& app, Context& ctx);
void RegisterAudit(CLI::App& app, Context& ctx);
void RegisterConsent(CLI::App& app, Context& ctx);
void RegisterDsr(CLI::App& app, Context& ctx);
void RegisterRetention(CLI::App& app, Context& ctx);
void RegisterRopa(CLI::App& app, Context& ctx);

}  // namespace candor::cli
