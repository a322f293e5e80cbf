// Internal to the SQLite store: the purpose-bound bulk reader behind
// Store::ReadForPurpose, and the eligibility query it shares with
// Store::ForEachEligibleSubject. Not part of the store's public interface.
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
// Fills `out` from a row of kEligibleSql.
void DecodeEligible(const sqlite::Stmt& s, EligibleSubject& out);

// Store::ReadForPurpose on `db` (the caller has drained pending writes and
// checked the purpose). Opens a read transaction unless `in_transaction`.
core::Status ReadForPurpose(sqlite::Db& db, bool in_transaction, std::string_view purpose,
                            core::Instant as_of, const ReadOptions& options,
                            const std::function<core::Status(const SubjectData&)>& fn);

core::Result<EventDictionary> ReadEventDictionary(sqlite::Db& db);

}  // namespace candor::store::internal
