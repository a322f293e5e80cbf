// The mapped kinds: `flat` (one row per contact: attributes, protected
// attributes and an outcome) and `transactions` (one row per invoice line).
#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "ingest/importer.h"
#include "ingest/values.h"

namespace candor::ingest::internal {

using core::Status;

Status Importer::PrepareMapping() {
  core::MappingKind want = request_.kind == Kind::kFlat ? core::MappingKind::kFlat
                                                        : core::MappingKind::kTransactions;
  std::string_view kind_name = KindName(request_.kind);
  const std::string& m = request_.mapping;
  std::vector<const core::MappingConfig*> candidates;
  if (m.size() > 5 && m.compare(m.size() - 5, 5, ".toml") == 0) {
    CANDOR_ASSIGN_OR_RETURN(mapping_holder_.mappings, core::LoadMappingFile(m, config_));
    for (const auto& mc : mapping_holder_.mappings)
      if (mc.kind == want) candidates.push_back(&mc);
    if (candidates.empty()) {
      return core::InvalidArgument(fmt::format("{}: holds no {} mapping", m, kind_name));
    }
  } else if (!m.empty()) {
    const core::MappingConfig* mc = config_.FindMapping(m);
    if (mc == nullptr) {
      return core::InvalidArgument(fmt::format(
          "no mapping '{}' in {} (add [mapping.{}], or pass the path of a mapping file)", m,
          config_.path, m));
    }
    candidates.push_back(mc);
  } else {
    for (const auto& mc : config_.mappings)
      if (mc.kind == want) candidates.push_back(&mc);
    if (candidates.empty()) {
      return core::InvalidArgument(fmt::format(
          "{} has no {} mapping: pass --mapping FILE.toml (see examples/) or add one", config_.path,
          kind_name));
    }
  }
  if (candidates.size() > 1) {
    return core::InvalidArgument(
        fmt::format("several {} mappings are available: choose one with --mapping NAME", kind_name));
  }
  mapping_ = candidates.front();
  if (mapping_->kind != want) {
    return core::InvalidArgument(
        fmt::format("mapping '{}' is not a {} mapping", mapping_->name, kind_name));
  }
  report_.mapping = mapping_->name;
  if (mapping_->kind == core::MappingKind::kFlat && mapping_->id_column.empty() &&
      request_.files.size() > 1) {
    return core::InvalidArgument(fmt::format(
        "mapping '{}' numbers contacts by row (it has no id_column): import one file per call, "
        "or name an id column",
        mapping_->name));
  }
  if (!mapping_->source_time_zone.empty()) {
    CANDOR_ASSIGN_OR_RETURN(source_zone_, core::TimeZone::Locate(mapping_->source_time_zone));
  }
  if (!mapping_->row_time_start.empty()) {
    CANDOR_ASSIGN_OR_RETURN(row_time_start_, core::ParseDateOrTimestamp(mapping_->row_time_start));
  }
  return Status::Ok();
}

bool Importer::MappedIdPresent(const Cell& id) {
  if (id.present) return true;
  if (mapping_->missing_id == "skip") {
    ++report_.skipped;
  } else {
    Fail(id, "is required (the mapping's id column)");
  }
  return false;
}

void Importer::RecordBasis(store::SubjectKey key, core::Instant ts) {
  if (!Writing() || mapping_->purposes.empty() || basis_recorded_.count(key)) return;
  basis_recorded_.insert(key);
  for (const auto& purpose : mapping_->purposes) {
    store::ConsentRecord c;
    c.subject = key;
    c.purpose = purpose;
    c.action = "grant";
    c.legal_basis = std::string(core::LegalBasisName(mapping_->legal_basis));
    c.source = fmt::format("{}:{}", mapping_->source, file_sha256_);
    c.method = fmt::format("mapping:{}", mapping_->name);
    c.ts = ts;
    c.recorded_at = request_.now;
    if (auto r = store_.InsertConsent(c); !r.ok()) return StoreFailed(r.status());
  }
}

namespace {

std::string Band(double v, const std::vector<double>& cuts) {
  auto fmt_num = [](double d) {
    return d == std::floor(d) ? fmt::format("{}", static_cast<long long>(d)) : fmt::format("{}", d);
  };
  // fmt::format rather than operator+: g++ 12 -O3 warns falsely (-Wrestrict) on the latter.
  if (v < cuts.front()) return fmt::format("<{}", fmt_num(cuts.front()));
  for (std::size_t i = 1; i < cuts.size(); ++i) {
    if (v < cuts[i]) {
      // Integral cut points read as closed ranges: [25, 60) → "25-59".
      bool integral = cuts[i] == std::floor(cuts[i]) && cuts[i - 1] == std::floor(cuts[i - 1]);
      return fmt::format("{}-{}", fmt_num(cuts[i - 1]), fmt_num(integral ? cuts[i] - 1 : cuts[i]));
    }
  }
  return fmt::format("{}+", fmt_num(cuts.back()));
}

}  // namespace

void Importer::FlatRow() {
  const auto& m = *mapping_;
  bool ok = true;
  std::string contact_id;
  Cell id_cell;
  if (!m.id_column.empty()) {
    id_cell = Get(m.id_column);
    if (!MappedIdPresent(id_cell)) return;
    contact_id = m.id_prefix + std::string(id_cell.text);
  } else {
    contact_id = fmt::format("{}{}", m.id_prefix, row_number_);
  }
  core::Instant ts = row_time_start_ + static_cast<core::Instant>(row_number_ - 1) *
                                           m.row_time_step_seconds * core::kMillisPerSecond;
  if (!m.time_column.empty()) {
    Cell t = Get(m.time_column);
    ok &= Required(t) && Timestamp(t, ts, source_zone_ ? &*source_zone_ : nullptr);
  }
  std::vector<store::AttributeRecord> attrs;
  for (const auto& a : m.attributes) ok &= TypedAttribute(a, attrs);
  std::vector<std::pair<std::string, std::string>> protected_values;
  for (const auto& p : m.protected_columns) {
    Cell c = Get(p.column);
    if (!c.present) continue;
    if (p.bands.empty()) {
      protected_values.emplace_back(p.attribute, std::string(c.text));
      continue;
    }
    auto v = ParseNumber(c.text);
    if (!v.ok()) {
      Fail(c, "must be a number (the mapping bands it)");
      ok = false;
      continue;
    }
    protected_values.emplace_back(p.attribute, Band(*v, p.bands));
  }
  std::optional<double> outcome;
  if (!m.outcome_column.empty()) {
    Cell c = Get(m.outcome_column);
    if (Required(c)) {
      auto it = m.outcome_values.find(std::string(c.text));
      if (it == m.outcome_values.end()) {
        Fail(c, fmt::format("is not one of the mapped outcome values (outcome_values of "
                            "mapping.{})",
                            m.name));
        ok = false;
      } else {
        outcome = it->second;
      }
    } else {
      ok = false;
    }
  }
  if (!ok) return;
  privacy::Identifiers ids;
  ids.contact_id = contact_id;
  store::SubjectRecord rec;
  rec.source = "flat:" + m.name;
  rec.created_at = ts;
  bool created = false;
  auto key = UpsertSubject(ids, rec, Cell{}, created, /*keep_existing=*/true);
  if (!key) return;
  for (auto& a : attrs) {
    a.subject = *key;
    if (auto r = store_.UpsertAttribute(a); !r.ok()) return StoreFailed(r.status());
  }
  for (const auto& [attr, value] : protected_values) {
    if (auto r = store_.UpsertProtected(*key, attr, value); !r.ok()) return StoreFailed(r.status());
  }
  if (outcome) {
    store::OutcomeRecord o{*key, m.outcome_target, ts, *outcome};
    if (auto r = store_.UpsertOutcome(o); !r.ok()) return StoreFailed(r.status());
  }
  RecordBasis(*key, ts);
  (created ? report_.inserted : report_.updated)++;
}

void Importer::TransactionRow() {
  const auto& m = *mapping_;
  Cell id = Get(m.id_column);
  if (!MappedIdPresent(id)) return;
  bool ok = true;
  Cell time = Get(m.time_column), invoice = Get(m.invoice_column), qty = Get(m.quantity_column),
       price = Get(m.price_column);
  core::Instant ts = 0;
  ok &= Required(time) && Timestamp(time, ts, source_zone_ ? &*source_zone_ : nullptr);
  ok &= Required(invoice);
  std::optional<double> q, pr;
  ok &= Required(qty) && Number(qty, q);
  ok &= Required(price) && Number(price, pr);
  if (invoice.present && invoice.text.size() > 128) {
    Fail(invoice, "is longer than 128 bytes");
    ok = false;
  }
  std::string_view item;
  if (!m.item_column.empty()) {
    Cell it = Get(m.item_column);
    if (it.present && it.text.size() > 128) {
      Fail(it, "is longer than 128 bytes");
      ok = false;
    }
    item = it.text;
  }
  std::string country;
  if (!m.country_column.empty()) country = std::string(Get(m.country_column).text);
  if (!ok) return;
  std::string contact_id = m.id_prefix + std::string(id.text);
  std::optional<store::SubjectKey> key = LookupContact(contact_id);
  if (!store_status_.ok() || !Writing()) return;
  if (!key) {
    privacy::Identifiers ids;
    ids.contact_id = contact_id;
    store::SubjectRecord rec;
    rec.source = "transactions:" + m.name;
    rec.created_at = ts;
    bool created = false;
    key = UpsertSubject(ids, rec, Cell{}, created, /*keep_existing=*/true);
    if (!key) return;
    // The source's country is free text ("United Kingdom"), not the ISO code of
    // subjects.country: it is kept as an attribute.
    if (created && !country.empty()) {
      store::AttributeRecord a{*key, "country_name", std::nullopt, country};
      if (auto r = store_.UpsertAttribute(a); !r.ok()) return StoreFailed(r.status());
    }
  }
  RecordBasis(*key, ts);
  bool cancellation =
      !m.cancellation_prefix.empty() && invoice.text.rfind(m.cancellation_prefix, 0) == 0;
  // The event id names the line by invoice, item and occurrence within the
  // invoice, so a re-import of the same export is idempotent.
  std::string base = fmt::format("{}/{}", invoice.text, item);
  std::int64_t n = ++item_occurrence_[base];
  std::string event_id = fmt::format("{}:{}/{}", m.name, base, n);
  std::string url = item.empty() ? std::string() : fmt::format("item:{}", item);
  store::EventRecord e;
  e.subject = *key;
  e.ts = ts;
  std::string type = cancellation ? "cancellation" : m.event_type;
  e.type = type;
  e.event_id = event_id;
  e.url = url;
  e.value = *q * *pr;
  if (Status st = store_.QueueEvent(e); !st.ok()) return StoreFailed(st);
  ++queued_events_;
}

}  // namespace candor::ingest::internal
