// `candor dsr export`: the Art. 15 / 20 package of one subject.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "core/files.h"
#include "core/ids.h"
#include "ledger/merkle.h"
#include "privacy/consent.h"
#include "privacy/dsr_internal.h"

namespace candor::privacy {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

Json Opt(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }
Json Text(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

std::string Sha256Hex(std::string_view s) {
  auto h = ledger::Sha256(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  return core::ToHex(h.data(), h.size());
}

bool Inside(const fs::path& dir, const fs::path& root) {
  std::error_code ec;
  fs::path a = fs::weakly_canonical(fs::absolute(dir), ec);
  fs::path b = fs::weakly_canonical(fs::absolute(root), ec);
  auto [ai, bi] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  return bi == b.end();
}

// Whether the subject has a valid basis for `purpose` now (the purpose-bound reader).
core::Result<bool> AppliesNow(store::Store& store, std::string_view purpose, core::Instant now,
                              store::SubjectKey key) {
  store::ReadOptions o;
  o.account = o.attributes = o.events = false;
  o.subject = key;
  bool found = false;
  CANDOR_RETURN_IF_ERROR(store.ReadForPurpose(purpose, now, o, [&](const store::SubjectData&) {
    found = true;
    return core::Status::Ok();
  }));
  return found;
}

core::Result<Json> Scores(store::Store& store, store::SubjectKey key, std::int64_t& count) {
  Json out = Json::array();
  std::map<std::string, std::vector<std::string>> names;  // model → feature names
  CANDOR_RETURN_IF_ERROR(store.registry().ForEachScore(key, [&](const store::ScoreRecord& s) {
    if (!names.count(s.model_version)) {
      auto m = store.registry().FindModel(s.model_version, false);
      std::vector<std::string> n;
      if (m.ok() && m->has_value()) {
        auto spec = nlohmann::json::parse((*m)->spec, nullptr, false);
        if (!spec.is_discarded()) {
          for (const auto& f : spec["features"]) n.push_back(f.value("name", ""));
        }
      }
      names[s.model_version] = n;
    }
    const auto& n = names[s.model_version];
    Json contributions = Json::object();
    for (std::size_t i = 0; i < s.contributions.size(); ++i) {
      const bool bias = i + 1 == s.contributions.size();
      contributions[bias ? "bias" : (i < n.size() ? n[i] : fmt::format("feature_{}", i))] =
          s.contributions[i];
    }
    Json reasons = Json::parse(s.reasons, nullptr, false);
    out.push_back({{"model", s.model_version},
                   {"run", s.run},
                   {"at", core::FormatTimestamp(s.ts)},
                   {"score", s.score},
                   {"probability", s.probability},
                   {"margin", s.margin},
                   {"contributions", contributions},
                   {"explanation", reasons.is_discarded() ? Json(nullptr) : reasons}});
    ++count;
    return core::Status::Ok();
  }));
  return out;
}

}  // namespace

core::Result<ExportResult> ExportSubject(const DsrContext& ctx, store::SubjectKey key,
                                         std::string dir, std::string lang, core::Instant received) {
  ExportResult out;
  CANDOR_ASSIGN_OR_RETURN(auto tx, ctx.store.BeginWrite());
  CANDOR_ASSIGN_OR_RETURN(store::SubjectDump d, ctx.store.privacy().ReadSubject(key));
  core::SubjectId id;
  std::copy_n(d.subject_id.begin(), std::min<std::size_t>(16, d.subject_id.size()), id.bytes.begin());
  CANDOR_ASSIGN_OR_RETURN(store::VaultRecord vr, ctx.store.ReadVault(key));
  CANDOR_ASSIGN_OR_RETURN(Identifiers ids, ctx.vault.Open(vr));
  CANDOR_ASSIGN_OR_RETURN(out.request, RegisterRequest(ctx, "access", id, received));
  if (dir.empty()) dir = fmt::format("dsr-{}", out.request);
  if (Inside(dir, ctx.workspace_dir)) {
    return core::FailedPrecondition(fmt::format(
        "{} lies inside the workspace; write the export elsewhere (--out DIR): the workspace "
        "must hold no copy of it once the subject is erased",
        dir));
  }
  if (fs::exists(dir)) return core::AlreadyExists(fmt::format("{} exists; choose a new directory", dir));
  if (lang.empty()) lang = (d.language == "de" || d.language == "en") ? d.language : ctx.config.language;

  Json doc;
  doc["format"] = "candor data-subject export 1";
  doc["request"] = {{"id", out.request},
                    {"type", "access (Art. 15) and portability (Art. 20)"},
                    {"received", core::FormatTimestamp(received)},
                    {"produced", core::FormatTimestamp(ctx.now)},
                    {"due", core::FormatTimestamp(DueDate(received))}};
  doc["controller"] = ctx.config.name;
  doc["subject"] = id.Hex();
  doc["identifiers"] = {{"contact_id", Text(ids.contact_id)}, {"email", Text(ids.email)},
                        {"first_name", Text(ids.first_name)}, {"last_name", Text(ids.last_name)},
                        {"phone", Text(ids.phone)}};
  doc["profile"] = {{"job_title", Text(d.job_title)}, {"seniority", Text(d.seniority)},
                    {"department", Text(d.department)}, {"country", Text(d.country)},
                    {"time_zone", Text(d.time_zone)}, {"language", Text(d.language)},
                    {"is_minor", d.is_minor}, {"created_at", core::FormatTimestamp(d.created_at)},
                    {"source", d.source}, {"account_id", Text(d.account_id)}};
  if (d.account) {
    const auto& a = *d.account;
    doc["account"] = {{"account_id", a.account_id}, {"name", a.name}, {"industry", Text(a.industry)},
                      {"employees", a.employees ? Json(*a.employees) : Json(nullptr)},
                      {"annual_revenue", Opt(a.annual_revenue)}, {"country", Text(a.country)},
                      {"status", a.status}, {"created_at", core::FormatTimestamp(a.created_at)}};
  } else {
    doc["account"] = nullptr;
  }
  Json attrs = Json::array();
  for (const auto& a : d.attributes) {
    attrs.push_back({{"name", a.name}, {"number", Opt(a.number)}, {"text", Text(a.text)}});
  }
  doc["attributes"] = attrs;
  Json prot = Json::array();
  for (const auto& [k, v] : d.protected_attributes) prot.push_back({{"attribute", k}, {"value", v}});
  doc["protected_attributes"] = prot;
  Json events = Json::array();
  for (const auto& e : d.events) {
    events.push_back({{"at", core::FormatTimestamp(e.ts)}, {"type", e.type}, {"url", Text(e.url)},
                      {"campaign", Text(e.campaign)}, {"event_id", Text(e.event_id)},
                      {"value", Opt(e.value)}});
  }
  doc["events"] = events;
  Json consents = Json::array();
  for (const auto& c : d.consents) {
    consents.push_back({{"at", core::FormatTimestamp(c.ts)}, {"purpose", c.purpose},
                        {"action", c.action}, {"legal_basis", c.legal_basis}, {"source", c.source},
                        {"method", Text(c.method)}, {"notice_version", Text(c.notice_version)},
                        {"evidence", Text(c.evidence)},
                        {"recorded_at", core::FormatTimestamp(c.recorded_at)}});
  }
  doc["consent_history"] = consents;
  Json outcomes = Json::array();
  for (const auto& o : d.outcomes) {
    outcomes.push_back({{"target", o.target}, {"at", core::FormatTimestamp(o.ts)}, {"value", o.value}});
  }
  doc["outcomes"] = outcomes;
  Json purposes = Json::array();
  for (const auto& p : ctx.config.purposes) {
    CANDOR_ASSIGN_OR_RETURN(bool applies, AppliesNow(ctx.store, p.name, ctx.now, key));
    purposes.push_back({{"purpose", p.name},
                        {"description", lang == "de" ? p.description_de : p.description_en},
                        {"legal_basis", std::string(core::LegalBasisName(p.legal_basis))},
                        {"direct_marketing", p.direct_marketing},
                        {"applies_now", applies},
                        {"retention_days", p.retention_days}});
  }
  doc["purposes"] = purposes;
  doc["restricted_since"] = d.restricted_since ? Json(core::FormatTimestamp(*d.restricted_since)) : Json(nullptr);
  CANDOR_ASSIGN_OR_RETURN(doc["scores"], Scores(ctx.store, key, out.scores));
  doc["decisions"] = Json::array();  // the decide module records none yet
  const store::Hash32 hash = SubjectHash(ctx.vault, id);
  CANDOR_ASSIGN_OR_RETURN(auto requests, ctx.store.privacy().ListRequests(false));
  Json reqs = Json::array();
  for (const auto& r : requests) {
    if (r.subject_hash != hash) continue;
    reqs.push_back({{"id", r.id}, {"type", r.type}, {"received", core::FormatTimestamp(r.received)},
                    {"due", core::FormatTimestamp(r.due)}, {"status", r.status},
                    {"closed", r.closed ? Json(core::FormatTimestamp(*r.closed)) : Json(nullptr)}});
  }
  doc["requests"] = reqs;
  out.events = static_cast<std::int64_t>(d.events.size());
  out.consents = static_cast<std::int64_t>(d.consents.size());

  // Both files into a sibling temporary directory, renamed into place after the commit.
  const fs::path final_dir = fs::absolute(dir);
  const fs::path tmp = final_dir.string() + fmt::format(".tmp-{}", ::getpid());
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return core::Unavailable(fmt::format("cannot create {}: {}", tmp.string(), ec.message()));
  struct Cleanup {
    fs::path p;
    bool keep = false;
    ~Cleanup() {
      std::error_code e;
      if (!keep) fs::remove_all(p, e);
    }
  } cleanup{tmp};
  const std::string json_text = doc.dump(2) + "\n";
  const std::string html_text = RenderExportHtml(doc, lang);
  CANDOR_RETURN_IF_ERROR(core::WriteFileAtomically(tmp / "export.json", json_text));
  CANDOR_RETURN_IF_ERROR(core::WriteFileAtomically(tmp / "export.html", html_text));
  CANDOR_RETURN_IF_ERROR(ctx.store.privacy().InsertExport({out.request, hash, final_dir.string(), ctx.now}));
  CANDOR_RETURN_IF_ERROR(RecordOutcome(ctx, "dsr.export", &id,
                                       {{"request", out.request},
                                        {"export_json_sha256", Sha256Hex(json_text)},
                                        {"export_html_sha256", Sha256Hex(html_text)},
                                        {"events", out.events},
                                        {"consents", out.consents},
                                        {"scores", out.scores}}));
  CANDOR_RETURN_IF_ERROR(ctx.ledger.SignHead().status());
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  fs::rename(tmp, final_dir, ec);
  if (ec) {
    cleanup.keep = true;  // committed: leave the files where they are
    return core::Unavailable(fmt::format("the export is recorded but could not be moved from {} to {}: {}",
                                         tmp.string(), final_dir.string(), ec.message()));
  }
  out.dir = final_dir.string();
  out.json_file = (final_dir / "export.json").string();
  out.html_file = (final_dir / "export.html").string();
  return out;
}

}  // namespace candor::privacy
