// Internal to candor::ingest: the Importer that Run() drives. importer.cc holds
// the framework (files, headers, cells, errors), standard_kinds.cc the rows of the
// input kinds of DESIGN.md, mapped_kinds.cc flat exports and transactions.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/record_reader.h"
#include "ingest/ingest.h"

namespace candor::ingest::internal {

// Longest accepted identifier-like fields (beyond them a row is refused).
inline constexpr std::size_t kMaxIdBytes = 256;
inline constexpr std::size_t kMaxUrlBytes = 4096;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using KeyCache = std::unordered_map<std::string, store::SubjectKey, StringHash, std::equal_to<>>;

// One column of an input kind.
struct ColumnSpec {
  std::string name;
  bool required = false;  // must be in the header and non-empty in every row
  bool optional_header = false;  // may be missing from the header
};

// A value of the current row, by column.
struct Cell {
  std::string_view text;
  bool present = false;  // in the header/object and non-empty
  bool emptied = false;  // CSV: in the header but empty (clears a stored attribute)
  std::uint64_t line = 0, column = 0;
  const std::string* name = nullptr;
};

// Appends the "ingest" entry of a successful import and signs the tree head
// (ledger_record.cc).
// `consents`: the ledger entries of the consent changes the import recorded.
core::Status RecordIngest(ledger::Ledger& ledger, const Request& request, const Report& report,
                          const std::vector<ledger::EntryInput>& consents);

class Importer {
 public:
  Importer(store::Store& store, const core::Config& config, const privacy::Vault& vault,
           const Request& request, Report& report);

  // Imports, then records the import in `ledger` before the commit.
  core::Status Run(ledger::Ledger& ledger);

 private:
  core::Status ImportFile(const std::string& path);
  // Writes queued events and counts them as inserted or duplicates.
  core::Status FlushEvents();
  core::Status PrepareMapping();
  std::vector<ColumnSpec> Columns() const;

  // Row handlers: validate, then write while no error has been seen.
  void AccountRow();
  void ContactRow();
  void EventRow();
  void ConsentRow();
  void OutcomeRow();
  void AttributeRow();
  void FlatRow();
  void TransactionRow();

  // Cells of the current row by column name (absent cells have present=false).
  Cell Get(std::string_view column) const;
  // The cell of the spec at `spec` (an index into Columns()).
  Cell At(std::size_t spec) const;
  // Records an error at the cell (or at the row start when the cell is absent).
  void Fail(const Cell& c, std::string_view rule);
  void FailRow(std::string_view rule);
  bool Writing() const { return report_.errors_total == 0 && store_status_.ok(); }
  // Records the first store failure; it ends the import.
  void StoreFailed(const core::Status& s);

  // Field helpers: return false (after Fail) when invalid.
  bool Required(const Cell& c);
  bool Timestamp(const Cell& c, core::Instant& out, const core::TimeZone* zone = nullptr);
  bool Number(const Cell& c, std::optional<double>& out);
  bool Integer(const Cell& c, std::optional<std::int64_t>& out, bool non_negative);
  // The typed value of a declared or mapped attribute column, appended to `out`
  // (an emptied CSV cell appends a removal); false after Fail when invalid.
  bool TypedAttribute(const core::AttributeColumn& column, std::vector<store::AttributeRecord>& out);
  // The subject of a contact id, or fails the cell ("unknown contact").
  std::optional<store::SubjectKey> Contact(const Cell& c);
  std::optional<store::SubjectKey> LookupContact(std::string_view contact_id);
  void Remember(std::string_view contact_id, store::SubjectKey key);
  // Creates or updates a subject from identifiers and attributes.
  // Creates the subject, or (unless keep_existing) updates its record and vault.
  std::optional<store::SubjectKey> UpsertSubject(const privacy::Identifiers& ids,
                                                 const store::SubjectRecord& rec,
                                                 const Cell& email_cell, bool& created,
                                                 bool keep_existing);
  void RecordBasis(store::SubjectKey key, core::Instant ts);
  // False when a mapped row has no id: counted as skipped (missing_id = "skip") or
  // failed ("error").
  bool MappedIdPresent(const Cell& id);
  // True when the current row belongs to a suppressed contact (an objection to
  // direct marketing, or an erasure): it is counted and skipped, never validated.
  bool RowSuppressed();
  bool Suppressed(const store::BlindHash& h) const;

  store::Store& store_;
  const core::Config& config_;
  const privacy::Vault& vault_;
  const Request& request_;
  Report& report_;
  core::Status store_status_;
  std::int64_t queued_events_ = 0;

  // Current file and row.
  std::string file_;
  std::string file_sha256_;
  const core::Row* row_ = nullptr;
  std::vector<int> index_;  // column spec → reader column, or -1
  std::vector<ColumnSpec> specs_;
  std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>> spec_pos_;
  bool row_failed_ = false;
  std::uint64_t row_number_ = 0;  // data rows of this file, 1-based

  KeyCache contacts_;
  std::unordered_map<std::string, core::TimeZone, StringHash, std::equal_to<>> zones_;

  // Mapped kinds.
  core::Config mapping_holder_;  // mappings loaded from a .toml file
  const core::MappingConfig* mapping_ = nullptr;
  std::optional<core::TimeZone> source_zone_;
  core::Instant row_time_start_ = 0;
  std::unordered_set<store::SubjectKey> basis_recorded_;

  // Suppressed hashes (sorted), loaded once per import.
  std::vector<store::Hash32> suppressed_;
  // Consent changes recorded, for their ledger entries.
  std::vector<ledger::EntryInput> consent_entries_;
  std::unordered_map<std::string, std::int64_t, StringHash, std::equal_to<>> item_occurrence_;
};

}  // namespace candor::ingest::internal
