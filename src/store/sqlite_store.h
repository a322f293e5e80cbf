// candor::store::OpenSqliteStore: the embedded SQLite implementation of Store.
//
// Opens the file with WAL journaling, foreign keys on, secure_delete=ON (freed
// pages are zeroed, so erased data does not linger in the file) and
// temp_store=MEMORY (no temporary tables on disk), then applies the numbered
// schema migrations that the file does not have yet, each in its own transaction.
// A file whose schema is newer than this build knows is refused
// (FailedPrecondition), never downgraded.
//
// Thread safety: see Store.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace candor::store {

struct SqliteOptions {
  bool create = false;  // create the file if it does not exist
  // Page-cache size in KiB. Default: 64 MiB, enough for ingest to stay flat.
  int cache_kib = 65536;
};

core::Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                                     const SqliteOptions& options = {});

// The schema version this build writes.
int LatestSchemaVersion();

// Runs PRAGMA wal_checkpoint(TRUNCATE) on the file; Unavailable if it could not
// complete (a reader holds the WAL). Used after erasure and by tests.
core::Status CheckpointTruncate(Store& store);

}  // namespace candor::store
