#include "ingest/importer.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <future>

#include "ingest/values.h"
#include "ledger/merkle.h"

namespace candor::ingest {

using core::Result;
using core::Status;

namespace {

constexpr std::string_view kKindNames[] = {"accounts", "contacts", "events",  "consents",
                                           "outcomes", "attributes", "flat", "transactions"};


Result<std::string> Sha256OfFile(const std::string& path) {
  CANDOR_ASSIGN_OR_RETURN(ledger::Hash h, ledger::Sha256OfFile(path));
  return ledger::ToHex(h);
}

}  // namespace

Result<Kind> ParseKind(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kKindNames); ++i) {
    if (kKindNames[i] == name) return static_cast<Kind>(i);
  }
  return core::InvalidArgument(fmt::format(
      "unknown kind '{}' (one of accounts, contacts, events, consents, outcomes, attributes, "
      "flat, transactions)",
      name));
}

std::string_view KindName(Kind k) { return kKindNames[static_cast<std::size_t>(k)]; }

std::string FormatError(const Error& e) {
  return fmt::format("{}:{}:{}: {}", e.file, e.line, e.column, e.message);
}

Result<Report> Run(store::Store& store, const core::Config& config, const privacy::Vault& vault,
                   ledger::Ledger& ledger, const Request& request) {
  Report report;
  report.kind = request.kind;
  auto start = std::chrono::steady_clock::now();
  internal::Importer importer(store, config, vault, request, report);
  CANDOR_RETURN_IF_ERROR(importer.Run(ledger));
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

namespace internal {

Importer::Importer(store::Store& store, const core::Config& config, const privacy::Vault& vault,
                   const Request& request, Report& report)
    : store_(store), config_(config), vault_(vault), request_(request), report_(report) {}

Status Importer::Run(ledger::Ledger& ledger) {
  if (request_.files.empty()) return core::InvalidArgument("no input files given");
  if (request_.kind == Kind::kFlat || request_.kind == Kind::kTransactions) {
    CANDOR_RETURN_IF_ERROR(PrepareMapping());
  }
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.BeginWrite());
  if (request_.kind != Kind::kAccounts) {
    CANDOR_ASSIGN_OR_RETURN(suppressed_, store_.privacy().ReadSuppressions());
    std::sort(suppressed_.begin(), suppressed_.end());
  }
  for (const auto& f : request_.files) {
    CANDOR_RETURN_IF_ERROR(ImportFile(f));
  }
  if (!store_status_.ok()) return store_status_;
  if (report_.errors_total == 0) {
    CANDOR_RETURN_IF_ERROR(RecordIngest(ledger, request_, report_, consent_entries_));
    CANDOR_RETURN_IF_ERROR(tx->Commit());
    report_.committed = true;
  }
  return Status::Ok();  // tx rolls back on destruction when not committed
}

std::vector<ColumnSpec> Importer::Columns() const {
  auto req = [](const char* n) { return ColumnSpec{n, true, false}; };
  auto opt = [](const char* n) { return ColumnSpec{n, false, false}; };
  auto extra = [](std::string n) { return ColumnSpec{std::move(n), false, true}; };
  switch (request_.kind) {
    case Kind::kAccounts:
      return {req("account_id"), req("name"),    opt("industry"),  opt("employees"),
              opt("annual_revenue"), opt("country"), req("status"), req("created_at")};
    case Kind::kContacts: {
      std::vector<ColumnSpec> c = {req("contact_id"), opt("account_id"), req("email"),
                                   opt("first_name"), opt("last_name"),  opt("job_title"),
                                   opt("seniority"),  opt("department"), opt("country"),
                                   req("created_at"), extra("phone"),    extra("time_zone"),
                                   extra("language"), extra("is_minor")};
      for (const auto& dc : config_.contact_columns) c.push_back(extra(dc.column));
      return c;
    }
    case Kind::kEvents:
      return {req("contact_id"), req("type"), req("ts"), extra("event_id"), extra("url"),
              extra("campaign_id"), extra("value")};
    case Kind::kConsents:
      return {req("contact_id"), req("purpose"), req("action"), req("legal_basis"),
              req("source"), req("ts"), extra("method"), extra("notice_version"),
              extra("evidence")};
    case Kind::kOutcomes:
      return {req("contact_id"), req("target"), req("ts"), req("value")};
    case Kind::kAttributes:
      return {req("contact_id"), req("attribute"), req("value")};
    case Kind::kFlat:
    case Kind::kTransactions: {
      const auto& m = *mapping_;
      std::vector<ColumnSpec> c;
      auto add = [&](const std::string& n, bool required) {
        if (!n.empty()) c.push_back({n, required, false});
      };
      if (request_.kind == Kind::kFlat) {
        add(m.id_column, true);
        add(m.time_column, true);
        for (const auto& a : m.attributes) add(a.column, false);
        for (const auto& p : m.protected_columns) add(p.column, false);
        add(m.outcome_column, true);
      } else {
        add(m.id_column, false);  // empty ids follow missing_id
        add(m.time_column, true);
        add(m.invoice_column, true);
        add(m.item_column, false);
        add(m.quantity_column, true);
        add(m.price_column, true);
        add(m.country_column, false);
        for (const auto& a : m.attributes) add(a.column, false);
      }
      for (const auto& i : m.ignore) c.push_back({i, false, true});
      return c;
    }
  }
  return {};
}

Status Importer::ImportFile(const std::string& path) {
  file_ = path;
  row_number_ = 0;
  item_occurrence_.clear();
  auto fail_file = [&](std::uint64_t line, std::uint64_t col, std::string msg) {
    ++report_.errors_total;
    if (report_.errors.size() < config_.max_errors) {
      report_.errors.push_back({path, line, col, std::move(msg)});
    }
  };
  if (!std::filesystem::is_regular_file(path)) {
    fail_file(1, 1, "no such file");
    return Status::Ok();
  }
  // Every file is named by its SHA-256 in the report (and the ledger). Mapped
  // rows need it up front (their provenance names it); otherwise it is computed
  // on the second core while this one parses.
  std::future<Result<std::string>> hashing;
  if (mapping_ != nullptr) {
    auto sha = Sha256OfFile(path);
    if (!sha.ok()) {
      fail_file(1, 1, sha.status().message());
      return Status::Ok();
    }
    file_sha256_ = *sha;
  } else {
    hashing = std::async(std::launch::async, Sha256OfFile, path);
  }
  auto finish_hash = [&]() -> Status {
    if (hashing.valid()) {
      auto sha = hashing.get();
      if (!sha.ok()) return sha.status();
      file_sha256_ = *sha;
    }
    report_.file_sha256.push_back(file_sha256_);
    return Status::Ok();
  };

  core::Format format = core::Format::kCsv;
  if (request_.format) {
    format = *request_.format;
  } else {
    auto f = core::FormatFromPath(path);
    if (!f.ok()) {
      fail_file(1, 1,
                "cannot tell the format from the file name (expected .csv, .ndjson or .jsonl, "
                "optionally followed by .gz; or pass --format csv|ndjson)");
      return Status::Ok();
    }
    format = *f;
  }
  specs_ = Columns();
  spec_pos_.clear();
  for (std::size_t i = 0; i < specs_.size(); ++i) spec_pos_.emplace(specs_[i].name, i);

  core::ReaderOptions options;
  options.max_field_bytes = config_.max_field_bytes;
  if (mapping_ != nullptr) options.delimiter = mapping_->delimiter;
  for (const auto& s : specs_) options.columns.push_back(s.name);
  auto opened = core::OpenRecordReader(path, format, options);
  if (!opened.ok()) {
    // The reader's message is "FILE:LINE:COLUMN: rule" for input problems.
    const std::string& m = opened.status().message();
    if (m.rfind(path + ":", 0) == 0) {
      ++report_.errors_total;
      if (report_.errors.size() < config_.max_errors) {
        // Split "path:line:col: msg" back into its parts.
        std::string rest = m.substr(path.size() + 1);
        unsigned long long line = 1, col = 1;
        int consumed = 0;
        if (std::sscanf(rest.c_str(), "%llu:%llu: %n", &line, &col, &consumed) == 2) {
          report_.errors.push_back({path, line, col, rest.substr(static_cast<std::size_t>(consumed))});
        } else {
          report_.errors.push_back({path, 1, 1, rest});
        }
      }
    } else {
      fail_file(1, 1, m);
    }
    return Status::Ok();
  }
  std::unique_ptr<core::RecordReader> reader = std::move(opened).value();

  // Header: every column known, every required column present.
  index_.assign(specs_.size(), -1);
  const auto& cols = reader->columns();
  const auto& pos = reader->column_positions();
  bool header_ok = true;
  std::size_t known = 0;
  for (const auto& c : cols) known += spec_pos_.count(c);
  if (known == 0 && !cols.empty()) {
    // Most likely the header row is missing: its cells are data, which must not
    // be echoed (they may be identifiers).
    std::vector<std::string> expected;
    for (const auto& sp : specs_) {
      if (!sp.optional_header) expected.push_back(sp.name);
    }
    fail_file(1, 1, fmt::format("no header row: the first line names none of the columns "
                                "(expected {})",
                                fmt::join(expected, ", ")));
    return Status::Ok();
  }
  for (std::size_t i = 0; i < cols.size(); ++i) {
    auto it = spec_pos_.find(cols[i]);
    if (it == spec_pos_.end()) {
      std::string hint;
      if (request_.kind == Kind::kContacts) {
        hint = " (declare further contact columns under [contacts.columns])";
      } else if (mapping_ != nullptr) {
        hint = fmt::format(" (list it in mapping.{} under attributes, protected or ignore)",
                           mapping_->name);
      }
      fail_file(pos[i].line, pos[i].column, fmt::format("unknown column '{}'{}", cols[i], hint));
      header_ok = false;
      continue;
    }
    index_[it->second] = static_cast<int>(i);
  }
  if (format == core::Format::kCsv) {
    for (std::size_t s = 0; s < specs_.size(); ++s) {
      if (index_[s] < 0 && !specs_[s].optional_header) {
        fail_file(1, 1, fmt::format("missing column '{}'", specs_[s].name));
        header_ok = false;
      }
    }
  }
  if (!header_ok) return Status::Ok();

  std::uint64_t total = std::filesystem::file_size(path);
  core::Row row;
  std::uint64_t since_progress = 0;
  while (true) {
    core::ReadResult r = reader->Next(row);
    if (r == core::ReadResult::kEnd) break;
    ++report_.rows;
    ++row_number_;
    row_ = &row;
    row_failed_ = false;
    if (r == core::ReadResult::kError) {
      fail_file(row.error->pos.line, row.error->pos.column, row.error->message);
      ++report_.rejected;
      continue;
    }
    if (!suppressed_.empty() && RowSuppressed()) {
      ++report_.suppressed;
      continue;
    }
    switch (request_.kind) {
      case Kind::kAccounts: AccountRow(); break;
      case Kind::kContacts: ContactRow(); break;
      case Kind::kEvents: EventRow(); break;
      case Kind::kConsents: ConsentRow(); break;
      case Kind::kOutcomes: OutcomeRow(); break;
      case Kind::kAttributes: AttributeRow(); break;
      case Kind::kFlat: FlatRow(); break;
      case Kind::kTransactions: TransactionRow(); break;
    }
    if (row_failed_) ++report_.rejected;
    if (!store_status_.ok()) return store_status_;
    if (request_.progress && ++since_progress >= 65536) {
      since_progress = 0;
      request_.progress(static_cast<std::uint64_t>(report_.rows), reader->bytes_read(), total);
    }
  }
  if (request_.progress) {
    request_.progress(static_cast<std::uint64_t>(report_.rows), reader->bytes_read(), total);
  }
  CANDOR_RETURN_IF_ERROR(finish_hash());
  return FlushEvents();
}

Status Importer::FlushEvents() {
  if (queued_events_ == 0) return Status::Ok();
  CANDOR_ASSIGN_OR_RETURN(std::int64_t inserted, store_.FlushEvents());
  report_.inserted += inserted;
  report_.duplicates += queued_events_ - inserted;
  queued_events_ = 0;
  return Status::Ok();
}

Cell Importer::Get(std::string_view column) const {
  auto it = spec_pos_.find(column);
  if (it == spec_pos_.end()) return Cell{};
  return At(it->second);
}

Cell Importer::At(std::size_t spec) const {
  Cell c;
  c.name = &specs_[spec].name;
  int i = index_[spec];
  c.line = row_->line;
  c.column = 1;
  if (i < 0 || static_cast<std::size_t>(i) >= row_->values.size()) return c;
  const core::Value& v = row_->values[static_cast<std::size_t>(i)];
  c.text = v.text;
  c.present = v.present && !v.text.empty();
  c.emptied = v.present && v.text.empty();
  c.line = v.line;
  c.column = v.column;
  return c;
}

void Importer::Fail(const Cell& c, std::string_view rule) {
  row_failed_ = true;
  ++report_.errors_total;
  if (report_.errors.size() < config_.max_errors) {
    std::string name = c.name != nullptr ? *c.name : std::string("row");
    report_.errors.push_back({file_, c.line == 0 ? row_->line : c.line, c.column == 0 ? 1 : c.column,
                              fmt::format("{}: {}", name, rule)});
  }
}

void Importer::FailRow(std::string_view rule) {
  row_failed_ = true;
  ++report_.errors_total;
  if (report_.errors.size() < config_.max_errors) {
    report_.errors.push_back({file_, row_->line, 1, std::string(rule)});
  }
}

void Importer::StoreFailed(const Status& s) {
  if (store_status_.ok()) store_status_ = s;
}

bool Importer::Required(const Cell& c) {
  if (c.present) return true;
  Fail(c, "is required");
  return false;
}

bool Importer::Timestamp(const Cell& c, core::Instant& out, const core::TimeZone* zone) {
  auto t = core::ParseTimestamp(c.text, zone);
  if (!t.ok()) {
    Fail(c, t.status().message());
    return false;
  }
  out = *t;
  return true;
}

bool Importer::Number(const Cell& c, std::optional<double>& out) {
  if (!c.present) return true;
  auto v = ParseNumber(c.text);
  if (!v.ok()) {
    Fail(c, v.status().message());
    return false;
  }
  out = *v;
  return true;
}

bool Importer::Integer(const Cell& c, std::optional<std::int64_t>& out, bool non_negative) {
  if (!c.present) return true;
  auto v = ParseInteger(c.text);
  if (!v.ok() || (non_negative && *v < 0)) {
    Fail(c, non_negative ? "must be a non-negative integer" : v.status().message());
    return false;
  }
  out = *v;
  return true;
}

bool Importer::Suppressed(const store::BlindHash& h) const {
  return std::binary_search(suppressed_.begin(), suppressed_.end(), h);
}

bool Importer::RowSuppressed() {
  std::string contact_id;
  switch (request_.kind) {
    case Kind::kAccounts: return false;
    case Kind::kContacts: {
      Cell email = Get("email");
      if (email.present) {
        auto norm = privacy::NormalizeEmail(email.text);
        if (norm.ok() && Suppressed(vault_.Blind(privacy::BlindKind::kEmail, *norm))) return true;
      }
      contact_id = std::string(Get("contact_id").text);
      break;
    }
    case Kind::kEvents:
    case Kind::kConsents:
    case Kind::kOutcomes:
    case Kind::kAttributes: contact_id = std::string(Get("contact_id").text); break;
    case Kind::kFlat:
    case Kind::kTransactions: {
      const auto& m = *mapping_;
      if (m.id_column.empty()) {
        contact_id = fmt::format("{}{}", m.id_prefix, row_number_);
      } else {
        Cell id = Get(m.id_column);
        if (!id.present) return false;
        contact_id = m.id_prefix + std::string(id.text);
      }
      break;
    }
  }
  if (contact_id.empty()) return false;
  return Suppressed(vault_.Blind(privacy::BlindKind::kContactId, contact_id));
}

std::optional<store::SubjectKey> Importer::LookupContact(std::string_view contact_id) {
  if (auto it = contacts_.find(contact_id); it != contacts_.end()) return it->second;
  auto found = store_.FindByBlindIndex(vault_.Blind(privacy::BlindKind::kContactId, contact_id));
  if (!found.ok()) {
    StoreFailed(found.status());
    return std::nullopt;
  }
  if (*found) Remember(contact_id, **found);
  return *found;
}

void Importer::Remember(std::string_view contact_id, store::SubjectKey key) {
  if (contacts_.size() >= kMaxCachedContacts) contacts_.clear();
  contacts_.emplace(std::string(contact_id), key);
}

std::optional<store::SubjectKey> Importer::Contact(const Cell& c) {
  if (!Required(c)) return std::nullopt;
  auto key = LookupContact(c.text);
  if (!key && store_status_.ok()) {
    Fail(c, "unknown contact: no contact with this contact_id (ingest contacts first)");
  }
  return key;
}

}  // namespace internal
}  // namespace candor::ingest
