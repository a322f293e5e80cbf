// candor::core file output: whole files written atomically.
//
// WriteFileAtomically writes `bytes` to "PATH.tmp" in PATH's directory, flushes
// it to the disk (fsync), renames it over PATH and syncs the directory, so that
// a reader sees either the old file or the complete new one, never a part, and
// a crash after it returned keeps the new file. On any error the temporary file
// is removed and PATH is left as it was. CsvWriter (csv_writer.h) does the same
// for files written row by row.
//
// Errors: Unavailable "PATH: cannot write: REASON" (creating, writing, syncing
// or renaming failed; REASON is the system's message).
// Thread safety: safe to call from any thread; two calls for the same PATH at
// once race on PATH.tmp (the caller must not do that).
#pragma once

#include <filesystem>
#include <string_view>

#include "core/status.h"

namespace candor::core {

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace candor::core
