// candor::cli: the `candor` command. Parses flags, calls one library function per
// subcommand, prints. No business logic lives here.
#pragma once

namespace candor::cli {
// Runs the command line; returns the process exit code (DESIGN.md).
int Main(int argc, char** argv);
}  // namespace candor::cli
