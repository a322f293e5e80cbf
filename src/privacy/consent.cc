#include "privacy/consent.h"

#include <fmt/format.h>

#include "core/ids.h"
#include "ledger/merkle.h"

namespace candor::privacy {

namespace {

std::string Sha256Hex(std::string_view s) {
  auto h = ledger::Sha256(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  return core::ToHex(h.data(), h.size());
}

}  // namespace

core::Result<core::LegalBasis> CheckConsentChange(const core::Config& config,
                                                  const ConsentChange& c) {
  const core::PurposeConfig* p = config.FindPurpose(c.purpose);
  if (p == nullptr) {
    return core::InvalidArgument(fmt::format("unknown purpose '{}' (candor.toml has no [purposes.{}])",
                                             c.purpose, c.purpose));
  }
  if (c.action != "grant" && c.action != "withdraw" && c.action != "object") {
    return core::InvalidArgument(
        fmt::format("unknown action '{}' (grant, withdraw or object)", c.action));
  }
  if (c.action == "withdraw" && p->legal_basis != core::LegalBasis::kConsent) {
    return core::InvalidArgument(fmt::format(
        "purpose '{}' rests on {}, not on consent: there is nothing to withdraw; object instead "
        "(candor consent object --purpose {}), Art. 21 GDPR",
        c.purpose, core::LegalBasisName(p->legal_basis), c.purpose));
  }
  return p->legal_basis;
}

ledger::EntryInput ConsentEntry(const ConsentChange& c, core::LegalBasis basis) {
  ledger::EntryInput e;
  e.type = "consent.change";
  e.time = c.recorded_at;
  e.actor = c.actor;
  e.subject = c.id;
  e.payload = {{"purpose", c.purpose},
               {"action", c.action},
               {"legal_basis", std::string(core::LegalBasisName(basis))},
               {"source", c.source},
               {"method", c.method},
               {"notice_version", c.notice_version},
               {"evidence_sha256", c.evidence.empty() ? nlohmann::json(nullptr)
                                                      : nlohmann::json(Sha256Hex(c.evidence))},
               {"at", core::FormatTimestamp(c.ts)}};
  return e;
}

store::Hash32 SubjectHash(const Vault& vault, const core::SubjectId& id) {
  return vault.Blind(BlindKind::kSubject, id.Hex());
}

core::Result<ConsentResult> RecordConsent(store::Store& store, ledger::Ledger& ledger,
                                          const Vault& vault, const core::Config& config,
                                          const ConsentChange& c) {
  CANDOR_ASSIGN_OR_RETURN(core::LegalBasis basis, CheckConsentChange(config, c));
  const core::PurposeConfig& p = *config.FindPurpose(c.purpose);
  ConsentResult out;
  CANDOR_ASSIGN_OR_RETURN(auto tx, store.BeginWrite());
  store::ConsentRecord rec;
  rec.subject = c.subject;
  rec.purpose = c.purpose;
  rec.action = c.action;
  rec.legal_basis = std::string(core::LegalBasisName(basis));
  rec.source = c.source;
  rec.method = c.method;
  rec.notice_version = c.notice_version;
  rec.evidence = c.evidence;
  rec.ts = c.ts;
  rec.recorded_at = c.recorded_at;
  CANDOR_ASSIGN_OR_RETURN(out.recorded, store.InsertConsent(rec));
  if (!out.recorded) return out;  // nothing new: no ledger entry, the transaction rolls back
  if (c.action == "object") {
    if (p.direct_marketing) {
      for (const auto& q : config.purposes) {
        if (q.direct_marketing) out.purposes_ended.push_back(q.name);
      }
      CANDOR_RETURN_IF_ERROR(store.privacy().SuppressSubject(c.subject, "objection", c.recorded_at));
      out.suppressed = true;
    } else {
      out.purposes_ended.push_back(c.purpose);
    }
    store::RequestRecord req;
    req.type = "objection";
    req.subject_hash = SubjectHash(vault, c.id);
    req.received = c.ts;
    req.due = c.ts;
    req.status = "closed";
    req.closed = c.recorded_at;
    req.outcome = fmt::format("objection to {} recorded; ended: {}", c.purpose,
                              fmt::join(out.purposes_ended, ", "));
    CANDOR_ASSIGN_OR_RETURN(out.request, store.privacy().InsertRequest(req));
  } else if (c.action == "withdraw") {
    out.purposes_ended.push_back(c.purpose);
  }
  ledger::EntryInput e = ConsentEntry(c, basis);
  if (out.request != 0) e.payload["request"] = out.request;
  CANDOR_RETURN_IF_ERROR(ledger.Append(e).status());
  CANDOR_RETURN_IF_ERROR(ledger.SignHead().status());
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return out;
}

}  // namespace candor::privacy
