// Internal to the SQLite store: the purpose-bound bulk reader behind
// Store::ReadForPurpose, and the eligibility query of
// Store::ForEachEligibleSubject (the reader applies the same clauses as merged
// scans; tests/store/sqlite_reader_test.cc holds the two to the same subjects).
// Not part of the store's public interface.
#pragma once

#include <functional>
#include <string_view>

#include "core/status.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace candor::store::internal {

// Subjects eligible for ?1 (purpose) at ?2 (instant), ordered by subject_key;
// columns as DecodeEligible expects.
extern const std::string_view kEligibleSql;
// Fills `out` from a row of kEligibleSql, reusing its strings' buffers.
void DecodeEligible(sqlite::Stmt& s, EligibleSubject& out);

// Store::ReadForPurpose on `db` (the caller has drained pending writes and
// checked the purpose). Opens a read transaction unless `in_transaction`;
// inside one it reads on one thread (other connections cannot see its writes).
// With options.threads > 1 the other parts read on their own read-only
// connections to db.path(), opened per call. Outside a transaction every
// connection reads through memory-mapped pages (PRAGMA mmap_size); `db`'s own
// setting is restored when the read ends.
core::Status ReadForPurpose(sqlite::Db& db, bool in_transaction, std::string_view purpose,
                            core::Instant as_of, const ReadOptions& options,
                            const std::function<core::Status(const SubjectData&)>& fn);

core::Result<EventDictionary> ReadEventDictionary(sqlite::Db& db);

}  // namespace candor::store::internal
