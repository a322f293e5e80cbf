#include "privacy/ropa.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace candor::privacy {

using Json = nlohmann::ordered_json;

namespace {

// What candor does to protect the data, whatever the configuration (Art. 32).
const std::vector<std::pair<std::string, std::string>>& Measures() {
  static const std::vector<std::pair<std::string, std::string>> kMeasures = {
      {"Pseudonymisation: every subject is a random 128-bit id; features, scores and the ledger "
       "never hold a direct identifier",
       "Pseudonymisierung: jede Person ist eine zufällige 128-Bit-Kennung; Merkmale, Bewertungen "
       "und das Protokoll enthalten nie eine direkte Kennung"},
      {"Encryption of direct identifiers per subject (XChaCha20-Poly1305, key wrapped by the "
       "workspace master key); erasure destroys the subject's key",
       "Verschlüsselung der direkten Kennungen je Person (XChaCha20-Poly1305, Schlüssel mit dem "
       "Hauptschlüssel des Arbeitsbereichs verschlüsselt); die Löschung vernichtet den Schlüssel"},
      {"Lookups by keyed hash (BLAKE2b blind index); no identifier in clear in the database",
       "Suche über verschlüsselte Prüfsummen (BLAKE2b); keine Kennung im Klartext in der Datenbank"},
      {"Purpose-bound access: data is read for processing only for a named purpose with a valid "
       "legal basis at that moment; objections to direct marketing end all of it",
       "Zweckbindung: Daten werden nur für einen benannten Zweck mit gültiger Rechtsgrundlage "
       "gelesen; ein Widerspruch gegen Direktwerbung beendet jede Direktwerbung"},
      {"No special categories and no protected attributes as model features (refused by the "
       "configuration); fairness audits gate model activation",
       "Keine besonderen Kategorien und keine geschützten Merkmale als Modellmerkmale (von der "
       "Konfiguration abgewiesen); Fairness-Prüfungen vor jeder Aktivierung eines Modells"},
      {"Deleted data is overwritten (SQLite secure_delete) and the write-ahead log truncated after "
       "erasure",
       "Gelöschte Daten werden überschrieben (SQLite secure_delete) und das Journal nach einer "
       "Löschung geleert"},
      {"Tamper-evident, signed ledger of every import, consent change, model, score batch and "
       "request (RFC 9162 Merkle tree, Ed25519)",
       "Manipulationssicheres, signiertes Protokoll jedes Imports, jeder Einwilligungsänderung, "
       "jedes Modells, jeder Bewertung und jeder Anfrage (RFC-9162-Merkle-Baum, Ed25519)"},
      {"Every automated score is stored with its exact explanation (en, de)",
       "Jede automatisierte Bewertung wird mit ihrer exakten Erklärung gespeichert (de, en)"},
  };
  return kMeasures;
}

}  // namespace

core::Result<Json> RecordsOfProcessing(store::Store& store, const core::Config& config) {
  CANDOR_ASSIGN_OR_RETURN(store::EventDictionary dict, store.ReadEventDictionary());
  std::vector<std::string> event_types;
  for (const auto& t : dict.types) {
    if (!t.empty()) event_types.push_back(t);
  }
  CANDOR_ASSIGN_OR_RETURN(auto counts, store.CountRows());
  const auto& r = config.ropa;
  Json out;
  out["controller"] = {{"name", r.controller.empty() ? config.name : r.controller},
                       {"contact", r.contact.empty() ? Json(nullptr) : Json(r.contact)}};
  out["dpo"] = r.dpo.empty() ? Json(nullptr) : Json(r.dpo);
  out["subjects_held"] = counts.rows["subjects"];
  Json activities = Json::array();
  for (const auto& p : config.purposes) {
    std::vector<std::string> data = {"identifiers (contact id, email, name, phone; encrypted)",
                                     "role and company (job title, seniority, department, "
                                     "country, account)",
                                     "consent and objection records"};
    if (!event_types.empty()) {
      data.push_back(fmt::format("interactions ({})", fmt::join(event_types, ", ")));
    }
    data.push_back("outcomes (conversions, churn)");
    if (p.name == "profiling") data.push_back("scores with their explanations");
    if (p.name == "fairness_audit") {
      data.push_back(fmt::format("protected attributes ({}), for the audit only",
                                 fmt::join(config.protected_attributes, ", ")));
    }
    activities.push_back({{"purpose", p.name},
                          {"description_en", p.description_en},
                          {"description_de", p.description_de},
                          {"legal_basis", std::string(core::LegalBasisName(p.legal_basis))},
                          {"direct_marketing", p.direct_marketing},
                          {"channels", p.channels},
                          {"data_subjects", "business contacts of customers and prospects; minors "
                                            "are never processed for direct marketing"},
                          {"data_categories", data},
                          {"recipients", r.recipients},
                          {"third_country_transfers", r.transfers},
                          {"retention_days", p.retention_days}});
  }
  out["activities"] = activities;
  Json measures = Json::array();
  for (const auto& [en, de] : Measures()) measures.push_back({{"en", en}, {"de", de}});
  out["measures"] = measures;
  return out;
}

std::string RecordsAsMarkdown(const Json& rec, std::string_view lang) {
  const bool de = lang == "de";
  std::string md = fmt::format("# {}\n\n", de ? "Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO)"
                                              : "Records of processing activities (Art. 30 GDPR)");
  md += fmt::format("{}: {}\n", de ? "Verantwortlicher" : "Controller", rec["controller"]["name"].get<std::string>());
  if (!rec["controller"]["contact"].is_null()) {
    md += fmt::format("{}: {}\n", de ? "Kontakt" : "Contact", rec["controller"]["contact"].get<std::string>());
  }
  md += fmt::format("{}: {}\n\n", de ? "Datenschutzbeauftragte(r)" : "Data protection officer",
                    rec["dpo"].is_null() ? (de ? "nicht angegeben" : "not given") : rec["dpo"].get<std::string>());
  for (const auto& a : rec["activities"]) {
    md += fmt::format("## {} — {}\n\n", a["purpose"].get<std::string>(),
                      a[de ? "description_de" : "description_en"].get<std::string>());
    md += fmt::format("- {}: {}{}\n", de ? "Rechtsgrundlage" : "Legal basis", a["legal_basis"].get<std::string>(),
                      a["direct_marketing"].get<bool>() ? (de ? " (Direktwerbung)" : " (direct marketing)") : "");
    md += fmt::format("- {}: {}\n", de ? "Betroffene" : "Data subjects", a["data_subjects"].get<std::string>());
    md += fmt::format("- {}: {}\n", de ? "Datenkategorien" : "Categories of data",
                      fmt::join(a["data_categories"].get<std::vector<std::string>>(), "; "));
    auto recipients = a["recipients"].get<std::vector<std::string>>();
    md += fmt::format("- {}: {}\n", de ? "Empfänger" : "Recipients",
                      recipients.empty() ? (de ? "keine" : "none") : fmt::format("{}", fmt::join(recipients, ", ")));
    md += fmt::format("- {}: {}\n", de ? "Übermittlung in Drittländer" : "Transfers to third countries",
                      a["third_country_transfers"].get<std::string>());
    md += fmt::format("- {}: {} {}\n\n", de ? "Löschfrist" : "Time limit for erasure",
                      a["retention_days"].get<std::int64_t>(), de ? "Tage" : "days");
  }
  md += fmt::format("## {}\n\n", de ? "Technische und organisatorische Maßnahmen (Art. 32)"
                                    : "Technical and organisational measures (Art. 32)");
  for (const auto& m : rec["measures"]) md += fmt::format("- {}\n", m[de ? "de" : "en"].get<std::string>());
  return md;
}

}  // namespace candor::privacy
