// The rows of the standard input kinds: accounts, contacts, events, consents,
// outcomes and protected attributes.
#include <fmt/format.h>

#include <cctype>

#include "ingest/importer.h"
#include "ingest/values.h"
#include "privacy/consent.h"

namespace candor::ingest::internal {

using core::Status;

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
                                                         const Cell& email_cell, bool& created,
                                                         bool keep_existing) {
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
  if (!Writing()) return std::nullopt;
  // A mapped row names a subject by id only: it must not blank the identifiers
  // and attributes that a contacts import stored for the same contact.
  if (existing && keep_existing) return existing;
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

bool Importer::TypedAttribute(const core::AttributeColumn& column,
                              std::vector<store::AttributeRecord>& out) {
  Cell c = Get(column.column);
  if (!c.present) {
    // Last row wins: an empty cell clears what an earlier import stored.
    if (c.emptied) out.push_back({0, column.column, std::nullopt, ""});
    return true;
  }
  store::AttributeRecord a;
  a.name = column.column;
  bool ok = true;
  switch (column.type) {
    case core::ValueType::kNumeric: {
      std::optional<double> v;
      ok = Number(c, v);
      a.number = v;
      break;
    }
    case core::ValueType::kInteger: {
      std::optional<std::int64_t> v;
      ok = Integer(c, v, false);
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
  if (ok) out.push_back(std::move(a));
  return ok;
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
  for (const auto& dc : config_.contact_columns) ok &= TypedAttribute(dc, extras);
  if (!ok) return;
  bool created_now = false;
  auto key = UpsertSubject(ids, rec, email, created_now, /*keep_existing=*/false);
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
      std::vector<std::string> names;
      for (const auto& pc : config_.purposes) names.push_back(pc.name);
      Fail(purpose, fmt::format("is not a purpose of this workspace (one of {}; declare others "
                                "under [purposes])",
                                fmt::join(names, ", ")));
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
  if (!*r) return;
  // An objection to direct marketing suppresses the contact for later imports.
  if (c.action == "object" && p->direct_marketing) {
    if (Status st = store_.privacy().SuppressSubject(*key, "objection", request_.now); !st.ok()) {
      return StoreFailed(st);
    }
  }
  auto id = store_.SubjectIdOf(*key);
  if (!id.ok()) return StoreFailed(id.status());
  privacy::ConsentChange change;
  change.subject = *key;
  change.id = *id;
  change.purpose = c.purpose;
  change.action = c.action;
  change.source = c.source;
  change.method = c.method;
  change.notice_version = c.notice_version;
  change.evidence = c.evidence;
  change.ts = c.ts;
  change.recorded_at = c.recorded_at;
  change.actor = request_.actor;
  consent_entries_.push_back(privacy::ConsentEntry(change, p->legal_basis));
}

void Importer::OutcomeRow() {
  Cell contact = Get("contact_id"), target = Get("target"), ts = Get("ts"), value = Get("value");
  store::OutcomeRecord o;
  bool ok = true;
  auto key = Contact(contact);
  ok &= key.has_value();
  if (Required(target) && config_.FindTarget(target.text) == nullptr) {
    std::vector<std::string> names;
    for (const auto& t : config_.targets) names.push_back(t.name);
    Fail(target, fmt::format("is not a target of this workspace (one of {}; declare others under "
                             "[targets])",
                             fmt::join(names, ", ")));
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
    Fail(attribute, fmt::format("is not a protected attribute of this workspace (one of {}; "
                                "declare others under [protected].attributes)",
                                fmt::join(config_.protected_attributes, ", ")));
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

}  // namespace candor::ingest::internal
