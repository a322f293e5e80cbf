#include "ingest/importer.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>

#include "ingest/values.h"

namespace candor::ingest {

using core::Result;
using core::Status;

namespace {

constexpr std::string_view kKindNames[] = {"accounts", "contacts", "events",  "consents",
                                           "outcomes", "attributes", "flat", "transactions"};

// Longest accepted identifier-like fields (beyond them a row is refused).
constexpr std::size_t kMaxIdBytes = 256;
constexpr std::size_t kMaxUrlBytes = 4096;

Result<std::string> Sha256OfFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return core::NotFound(fmt::format("{}:1:1: no such file", path));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<unsigned char> buf(std::size_t{1} << 20);
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) EVP_DigestUpdate(ctx, buf.data(), n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  if (failed) return core::Unavailable(fmt::format("{}: read error", path));
  return core::ToHex(md, len);
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
  for (const auto& f : request_.files) {
    CANDOR_RETURN_IF_ERROR(ImportFile(f));
  }
  if (!store_status_.ok()) return store_status_;
  if (report_.errors_total == 0) {
    CANDOR_RETURN_IF_ERROR(RecordIngest(ledger, request_, report_));
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

void Importer::AccountRow() {
  Cell id = Get("account_id"), name = Get("name"), industry = Get("industry"),
       employees = Get("employees"), revenue = Get("annual_revenue"), country = Get("country"),
       status = Get("status"), created = Get("created_at");
  store::AccountRecord a;
  bool ok = Required(id) & Required(name);
  if (id.present && id.text.size() > kMaxIdBytes) {
    Fail(id, fmt::format("is longer than {} bytes", kMaxIdBytes));
    ok = false;
  }
  a.account_id = std::string(id.text);
  a.name = std::string(name.text);
  a.industry = std::string(industry.text);
  ok &= Integer(employees, a.employees, true);
  ok &= Number(revenue, a.annual_revenue);
  if (a.annual_revenue && *a.annual_revenue < 0) {
    Fail(revenue, "must not be negative");
    ok = false;
  }
  if (country.present) {
    if (auto s = CheckCountry(country.text); !s.ok()) {
      Fail(country, s.message());
      ok = false;
    }
  }
  a.country = std::string(country.text);
  if (Required(status)) {
    if (status.text != "customer" && status.text != "prospect") {
      Fail(status, "must be customer or prospect");
      ok = false;
    }
  } else {
    ok = false;
  }
  a.status = std::string(status.text);
  ok &= Required(created) && Timestamp(created, a.created_at);
  if (!ok || !Writing()) return;
  auto r = store_.UpsertAccount(a);
  if (!r.ok()) return StoreFailed(r.status());
  (*r == store::Upsert::kInserted ? report_.inserted : report_.updated)++;
}

std::optional<store::SubjectKey> Importer::UpsertSubject(const privacy::Identifiers& ids,
                                                         const store::SubjectRecord& rec,
                                                         const Cell& id_cell,
                                                         const Cell& email_cell, bool& created) {
  created = false;
  std::optional<store::BlindHash> email_hash;
  if (!ids.email.empty()) email_hash = vault_.Blind(privacy::BlindKind::kEmail, ids.email);
  std::optional<store::SubjectKey> owner_of_email;
  if (email_hash) {
    auto o = store_.FindByBlindIndex(*email_hash);
    if (!o.ok()) return StoreFailed(o.status()), std::nullopt;
    owner_of_email = *o;
  }
  auto existing = LookupContact(ids.contact_id);
  if (!store_status_.ok()) return std::nullopt;
  if (owner_of_email && owner_of_email != existing) {
    Fail(email_cell, "belongs to another contact (emails are unique)");
    return std::nullopt;
  }
  (void)id_cell;
  if (!Writing()) return std::nullopt;
  if (!existing) {
    store::SubjectRecord r = rec;
    r.id = core::SubjectId::Random();
    auto sealed = vault_.SealNew(r.id, ids);
    auto key = store_.InsertSubject(r, sealed.wrapped_key, sealed.identifiers);
    if (!key.ok()) return StoreFailed(key.status()), std::nullopt;
    Status s = store_.PutBlindIndex(vault_.Blind(privacy::BlindKind::kContactId, ids.contact_id), *key);
    if (s.ok() && email_hash) s = store_.PutBlindIndex(*email_hash, *key);
    if (!s.ok()) return StoreFailed(s), std::nullopt;
    Remember(ids.contact_id, *key);
    created = true;
    ++report_.subjects_created;
    return *key;
  }
  auto current = store_.ReadVault(*existing);
  if (!current.ok()) return StoreFailed(current.status()), std::nullopt;
  auto old = vault_.Open(*current);
  if (!old.ok()) return StoreFailed(old.status()), std::nullopt;
  if (old->email != ids.email) {
    if (!old->email.empty()) {
      Status s = store_.DeleteBlindIndex(vault_.Blind(privacy::BlindKind::kEmail, old->email));
      if (!s.ok()) return StoreFailed(s), std::nullopt;
    }
    if (email_hash) {
      Status s = store_.PutBlindIndex(*email_hash, *existing);
      if (!s.ok()) return StoreFailed(s), std::nullopt;
    }
  }
  auto sealed = vault_.Reseal(*current, ids);
  if (!sealed.ok()) return StoreFailed(sealed.status()), std::nullopt;
  store::SubjectRecord r = rec;
  r.id = current->id;
  Status s = store_.UpdateSubject(*existing, r, *sealed);
  if (!s.ok()) return StoreFailed(s), std::nullopt;
  return *existing;
}

void Importer::ContactRow() {
  Cell id = Get("contact_id"), account = Get("account_id"), email = Get("email"),
       first = Get("first_name"), last = Get("last_name"), title = Get("job_title"),
       seniority = Get("seniority"), department = Get("department"), country = Get("country"),
       created = Get("created_at"), phone = Get("phone"), tz = Get("time_zone"),
       language = Get("language"), minor = Get("is_minor");
  bool ok = Required(id);
  if (id.present && id.text.size() > kMaxIdBytes) {
    Fail(id, fmt::format("is longer than {} bytes", kMaxIdBytes));
    ok = false;
  }
  privacy::Identifiers ids;
  ids.contact_id = std::string(id.text);
  if (Required(email)) {
    auto e = privacy::NormalizeEmail(email.text);
    if (e.ok()) {
      ids.email = *e;
    } else {
      Fail(email, e.status().message());
      ok = false;
    }
  } else {
    ok = false;
  }
  ids.first_name = std::string(first.text);
  ids.last_name = std::string(last.text);
  if (phone.present) {
    bool digits = false, bad = false;
    for (char c : phone.text) {
      if (std::isdigit(static_cast<unsigned char>(c))) {
        digits = true;
      } else if (!(c == '+' || c == ' ' || c == '-' || c == '(' || c == ')' || c == '/' || c == '.')) {
        bad = true;
      }
    }
    if (bad || !digits) {
      Fail(phone, "is not a phone number (digits, spaces and + - ( ) / . only)");
      ok = false;
    }
    ids.phone = std::string(phone.text);
  }
  store::SubjectRecord rec;
  rec.source = "contacts";
  if (account.present) {
    auto exists = store_.AccountExists(account.text);
    if (!exists.ok()) return StoreFailed(exists.status());
    if (!*exists) {
      Fail(account, "unknown account: no account with this account_id (ingest accounts first)");
      ok = false;
    }
    rec.account_id = std::string(account.text);
  }
  rec.job_title = std::string(title.text);
  rec.seniority = std::string(seniority.text);
  rec.department = std::string(department.text);
  if (country.present) {
    if (auto s = CheckCountry(country.text); !s.ok()) {
      Fail(country, s.message());
      ok = false;
    }
    rec.country = std::string(country.text);
  }
  if (tz.present) {
    if (!zones_.count(tz.text)) {
      auto z = core::TimeZone::Locate(tz.text);
      if (!z.ok()) {
        Fail(tz, "is not an IANA time zone such as Europe/Berlin");
        ok = false;
      } else {
        zones_.emplace(std::string(tz.text), *z);
      }
    }
    rec.time_zone = std::string(tz.text);
  }
  if (language.present) {
    if (auto s = CheckLanguage(language.text); !s.ok()) {
      Fail(language, s.message());
      ok = false;
    }
    rec.language = std::string(language.text);
  }
  if (minor.present) {
    auto b = ParseBoolean(minor.text);
    if (!b.ok()) {
      Fail(minor, b.status().message());
      ok = false;
    } else {
      rec.is_minor = *b;
    }
  }
  ok &= Required(created) && Timestamp(created, rec.created_at);
  std::vector<store::AttributeRecord> extras;
  for (const auto& dc : config_.contact_columns) {
    Cell c = Get(dc.column);
    if (!c.present) continue;
    store::AttributeRecord a;
    a.name = dc.column;
    switch (dc.type) {
      case core::ValueType::kNumeric: {
        std::optional<double> v;
        ok &= Number(c, v);
        a.number = v;
        break;
      }
      case core::ValueType::kInteger: {
        std::optional<std::int64_t> v;
        ok &= Integer(c, v, false);
        if (v) a.number = static_cast<double>(*v);
        break;
      }
      case core::ValueType::kBoolean: {
        auto b = ParseBoolean(c.text);
        if (!b.ok()) {
          Fail(c, b.status().message());
          ok = false;
        } else {
          a.number = *b ? 1.0 : 0.0;
        }
        break;
      }
      default: a.text = std::string(c.text);
    }
    extras.push_back(std::move(a));
  }
  if (!ok) return;
  bool created_now = false;
  auto key = UpsertSubject(ids, rec, id, email, created_now);
  if (!key) return;
  for (auto& a : extras) {
    a.subject = *key;
    if (auto r = store_.UpsertAttribute(a); !r.ok()) return StoreFailed(r.status());
  }
  (created_now ? report_.inserted : report_.updated)++;
}

void Importer::EventRow() {
  // The hot path: cells by position in Columns() rather than by name.
  Cell contact = At(0), type = At(1), ts = At(2), event_id = At(3), url = At(4),
       campaign = At(5), value = At(6);
  store::EventRecord e;
  bool ok = true;
  auto key = Contact(contact);
  ok &= key.has_value();
  if (Required(type)) {
    if (auto s = CheckToken(type.text); !s.ok()) {
      Fail(type, s.message());
      ok = false;
    }
  } else {
    ok = false;
  }
  ok &= Required(ts) && Timestamp(ts, e.ts);
  if (event_id.present && event_id.text.size() > kMaxIdBytes) {
    Fail(event_id, fmt::format("is longer than {} bytes", kMaxIdBytes));
    ok = false;
  }
  if (url.present && url.text.size() > kMaxUrlBytes) {
    Fail(url, fmt::format("is longer than {} bytes", kMaxUrlBytes));
    ok = false;
  }
  if (campaign.present && campaign.text.size() > kMaxIdBytes) {
    Fail(campaign, fmt::format("is longer than {} bytes", kMaxIdBytes));
    ok = false;
  }
  ok &= Number(value, e.value);
  if (!ok || !Writing()) return;
  e.subject = *key;
  e.type = type.text;
  e.event_id = event_id.text;
  e.url = StripQuery(url.text);
  e.campaign_id = campaign.text;
  if (Status st = store_.QueueEvent(e); !st.ok()) return StoreFailed(st);
  ++queued_events_;
}

void Importer::ConsentRow() {
  Cell contact = Get("contact_id"), purpose = Get("purpose"), action = Get("action"),
       basis = Get("legal_basis"), source = Get("source"), ts = Get("ts"), method = Get("method"),
       notice = Get("notice_version"), evidence = Get("evidence");
  store::ConsentRecord c;
  bool ok = true;
  auto key = Contact(contact);
  ok &= key.has_value();
  const core::PurposeConfig* p = nullptr;
  if (Required(purpose)) {
    p = config_.FindPurpose(purpose.text);
    if (p == nullptr) {
      Fail(purpose, fmt::format("unknown purpose '{}' (declare it under [purposes])", purpose.text));
      ok = false;
    }
  } else {
    ok = false;
  }
  if (Required(action)) {
    if (action.text != "grant" && action.text != "withdraw" && action.text != "object") {
      Fail(action, "must be grant, withdraw or object");
      ok = false;
    } else if (p != nullptr && action.text == "withdraw" &&
               p->legal_basis != core::LegalBasis::kConsent) {
      Fail(action, fmt::format("withdraw applies to consent purposes; '{}' rests on {}: record "
                               "an objection (action object) instead",
                               p->name, core::LegalBasisName(p->legal_basis)));
      ok = false;
    }
  } else {
    ok = false;
  }
  if (Required(basis)) {
    auto b = core::ParseLegalBasis(basis.text);
    if (!b.ok()) {
      Fail(basis, b.status().message());
      ok = false;
    } else if (p != nullptr && *b != p->legal_basis) {
      Fail(basis, fmt::format("does not match the purpose '{}', which rests on {}", p->name,
                              core::LegalBasisName(p->legal_basis)));
      ok = false;
    }
  } else {
    ok = false;
  }
  ok &= Required(source);
  ok &= Required(ts) && Timestamp(ts, c.ts);
  for (const Cell* f : {&source, &method, &notice, &evidence}) {
    if (f->present && f->text.size() > kMaxIdBytes) {
      Fail(*f, fmt::format("is longer than {} bytes", kMaxIdBytes));
      ok = false;
    }
  }
  if (!ok || !Writing()) return;
  c.subject = *key;
  c.purpose = std::string(purpose.text);
  c.action = std::string(action.text);
  c.legal_basis = std::string(basis.text);
  c.source = std::string(source.text);
  c.method = std::string(method.text);
  c.notice_version = std::string(notice.text);
  c.evidence = std::string(evidence.text);
  c.recorded_at = request_.now;
  auto r = store_.InsertConsent(c);
  if (!r.ok()) return StoreFailed(r.status());
  (*r ? report_.inserted : report_.duplicates)++;
}

void Importer::OutcomeRow() {
  Cell contact = Get("contact_id"), target = Get("target"), ts = Get("ts"), value = Get("value");
  store::OutcomeRecord o;
  bool ok = true;
  auto key = Contact(contact);
  ok &= key.has_value();
  if (Required(target) && config_.FindTarget(target.text) == nullptr) {
    Fail(target, fmt::format("unknown target '{}' (declare it under [targets])", target.text));
    ok = false;
  }
  ok &= Required(ts) && Timestamp(ts, o.ts);
  std::optional<double> v;
  ok &= Required(value) && Number(value, v);
  if (!ok || !Writing()) return;
  o.subject = *key;
  o.target = std::string(target.text);
  o.value = *v;
  auto r = store_.UpsertOutcome(o);
  if (!r.ok()) return StoreFailed(r.status());
  switch (*r) {
    case store::Upsert::kInserted: ++report_.inserted; break;
    case store::Upsert::kUpdated: ++report_.updated; break;
    case store::Upsert::kUnchanged: ++report_.unchanged; break;
  }
}

void Importer::AttributeRow() {
  Cell contact = Get("contact_id"), attribute = Get("attribute"), value = Get("value");
  bool ok = true;
  auto key = Contact(contact);
  ok &= key.has_value();
  if (Required(attribute) && !config_.IsProtected(attribute.text)) {
    Fail(attribute, fmt::format("'{}' is not a protected attribute of this workspace (declare it "
                                "under [protected].attributes)",
                                attribute.text));
    ok = false;
  }
  ok &= Required(value);
  if (value.present && value.text.size() > kMaxIdBytes) {
    Fail(value, fmt::format("is longer than {} bytes", kMaxIdBytes));
    ok = false;
  }
  if (!ok || !Writing()) return;
  auto r = store_.UpsertProtected(*key, attribute.text, value.text);
  if (!r.ok()) return StoreFailed(r.status());
  switch (*r) {
    case store::Upsert::kInserted: ++report_.inserted; break;
    case store::Upsert::kUpdated: ++report_.updated; break;
    case store::Upsert::kUnchanged: ++report_.unchanged; break;
  }
}

}  // namespace internal
}  // namespace candor::ingest
