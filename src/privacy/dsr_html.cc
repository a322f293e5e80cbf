// export.html: the readable form of a data-subject export, in English or German.
// Hand-written HTML (no template library in Debian fits a single static page):
// every value is escaped, the page has no scripts and no external resources.
#include <fmt/format.h>

#include <map>

#include "privacy/dsr_internal.h"

namespace candor::privacy {

namespace {

using Json = nlohmann::ordered_json;

std::string Esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Cell(const Json& v, std::string_view lang) {
  if (v.is_null()) return "–";
  if (v.is_boolean()) return v.get<bool>() ? (lang == "de" ? "ja" : "yes") : (lang == "de" ? "nein" : "no");
  if (v.is_string()) return Esc(v.get<std::string>());
  if (v.is_number_integer()) return fmt::format("{}", v.get<std::int64_t>());
  if (v.is_number()) {
    std::string s = fmt::format("{:.4g}", v.get<double>());
    if (lang == "de") std::replace(s.begin(), s.end(), '.', ',');
    return s;
  }
  return Esc(v.dump());
}

class Page {
 public:
  explicit Page(std::string_view lang) : lang_(lang) {}
  std::string_view T(std::string_view en, std::string_view de) const { return lang_ == "de" ? de : en; }
  void H2(std::string_view en, std::string_view de) { html_ += fmt::format("<h2>{}</h2>\n", T(en, de)); }
  void P(std::string_view text) { html_ += fmt::format("<p>{}</p>\n", text); }
  // A table of objects: one row each, the given keys as columns.
  void Table(const Json& rows, const std::vector<std::pair<std::string, std::string>>& columns) {
    if (!rows.is_array() || rows.empty()) {
      P(std::string(T("None.", "Keine.")));
      return;
    }
    html_ += "<table><tr>";
    for (const auto& [key, label] : columns) html_ += fmt::format("<th>{}</th>", Esc(label));
    html_ += "</tr>\n";
    for (const auto& r : rows) {
      html_ += "<tr>";
      for (const auto& [key, label] : columns) html_ += fmt::format("<td>{}</td>", Cell(r.value(key, Json()), lang_));
      html_ += "</tr>\n";
    }
    html_ += "</table>\n";
  }
  // One object as a two-column table.
  void Fields(const Json& obj, const std::map<std::string, std::string>& labels) {
    if (!obj.is_object()) {
      P(std::string(T("None.", "Keine.")));
      return;
    }
    html_ += "<table>\n";
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      auto l = labels.find(it.key());
      html_ += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n",
                           Esc(l != labels.end() ? l->second : it.key()), Cell(it.value(), lang_));
    }
    html_ += "</table>\n";
  }
  std::string& html() { return html_; }

 private:
  std::string lang_;
  std::string html_;
};

}  // namespace

std::string RenderExportHtml(const Json& doc, std::string_view lang) {
  Page p(lang);
  const bool de = lang == "de";
  p.html() += fmt::format(
      "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\n"
      "<style>body{{font:15px/1.45 system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}}"
      "table{{border-collapse:collapse;margin:.5em 0 1.5em}}th,td{{border:1px solid #ccc;padding:.25em .6em;"
      "text-align:left;vertical-align:top}}th{{background:#f4f4f4}}h2{{margin-top:2em}}</style></head><body>\n",
      de ? "de" : "en", p.T("Your data", "Ihre Daten"));
  p.html() += fmt::format("<h1>{}</h1>\n", p.T("The data we hold about you", "Die Daten, die wir über Sie speichern"));
  const Json& req = doc.at("request");
  p.P(fmt::format("{} {} · {} {} · {} {}", p.T("Request", "Anfrage"), Cell(req.at("id"), lang),
                  p.T("received", "eingegangen"), Cell(req.at("received"), lang),
                  p.T("produced", "erstellt"), Cell(req.at("produced"), lang)));
  p.P(std::string(p.T(
      "This is a copy of all personal data about you that this system holds (Art. 15 GDPR), "
      "with the purposes and legal bases of the processing, how long data is kept, and every "
      "automated score with its explanation. export.json holds the same data in a "
      "machine-readable form (Art. 20 GDPR).",
      "Dies ist eine Kopie aller personenbezogenen Daten, die dieses System über Sie speichert "
      "(Art. 15 DSGVO), mit den Zwecken und Rechtsgrundlagen der Verarbeitung, der "
      "Speicherdauer und jeder automatisierten Bewertung mit ihrer Erklärung. export.json "
      "enthält dieselben Daten maschinenlesbar (Art. 20 DSGVO).")));
  p.H2("Identifiers", "Kennungen");
  p.Fields(doc.at("identifiers"), de ? std::map<std::string, std::string>{{"contact_id", "Kundennummer"},
                                                                       {"email", "E-Mail"},
                                                                       {"first_name", "Vorname"},
                                                                       {"last_name", "Nachname"},
                                                                       {"phone", "Telefon"}}
                                  : std::map<std::string, std::string>{{"contact_id", "Contact id"},
                                                                       {"email", "Email"},
                                                                       {"first_name", "First name"},
                                                                       {"last_name", "Last name"},
                                                                       {"phone", "Phone"}});
  p.H2("Profile", "Profil");
  p.Fields(doc.at("profile"), {});
  p.H2("Company", "Unternehmen");
  p.Fields(doc.at("account"), {});
  p.H2("Further attributes", "Weitere Merkmale");
  p.Table(doc.at("attributes"), {{"name", de ? "Merkmal" : "Attribute"}, {"text", de ? "Wert" : "Value"},
                              {"number", de ? "Zahl" : "Number"}});
  p.H2("Protected attributes (used only to check models for fairness)",
       "Geschützte Merkmale (nur zur Prüfung der Modelle auf Fairness)");
  p.Table(doc.at("protected_attributes"), {{"attribute", de ? "Merkmal" : "Attribute"}, {"value", de ? "Wert" : "Value"}});
  p.H2("Purposes, legal bases and retention", "Zwecke, Rechtsgrundlagen und Speicherdauer");
  p.Table(doc.at("purposes"), {{"purpose", de ? "Zweck" : "Purpose"},
                            {"description", de ? "Beschreibung" : "Description"},
                            {"legal_basis", de ? "Rechtsgrundlage" : "Legal basis"},
                            {"direct_marketing", de ? "Direktwerbung" : "Direct marketing"},
                            {"applies_now", de ? "gilt derzeit" : "Applies now"},
                            {"retention_days", de ? "Speicherdauer (Tage)" : "Retention (days)"}});
  if (!doc.at("restricted_since").is_null()) {
    p.P(fmt::format("{} {}", p.T("Processing is restricted (Art. 18) since", "Die Verarbeitung ist eingeschränkt (Art. 18) seit"),
                    Cell(doc.at("restricted_since"), lang)));
  }
  p.H2("Consent history", "Einwilligungen und Widersprüche");
  p.Table(doc.at("consent_history"), {{"at", de ? "Zeitpunkt" : "Time"},
                                   {"purpose", de ? "Zweck" : "Purpose"},
                                   {"action", de ? "Erklärung" : "Action"},
                                   {"legal_basis", de ? "Rechtsgrundlage" : "Legal basis"},
                                   {"source", de ? "Quelle" : "Source"},
                                   {"method", de ? "Verfahren" : "Method"},
                                   {"notice_version", de ? "Hinweis-Version" : "Notice version"}});
  p.H2("Recorded outcomes", "Erfasste Ergebnisse");
  p.Table(doc.at("outcomes"), {{"at", de ? "Zeitpunkt" : "Time"}, {"target", de ? "Ziel" : "Target"},
                               {"value", de ? "Wert" : "Value"}});
  p.H2("Automated scores and their explanation (Art. 15(1)(h))",
       "Automatisierte Bewertungen und ihre Erklärung (Art. 15 Abs. 1 lit. h)");
  if (doc.at("scores").empty()) p.P(std::string(p.T("None.", "Keine.")));
  for (const auto& s : doc.at("scores")) {
    p.html() += fmt::format("<h3>{} {} · {} · {} {}</h3>\n<ul>\n", p.T("Model", "Modell"),
                            Cell(s.at("model"), lang), Cell(s.at("at"), lang), p.T("score", "Wert"),
                            Cell(s.at("score"), lang));
    const Json& ex = s.at("explanation");
    if (ex.is_object()) {
      for (const auto& r : ex.value("reasons", Json::array())) {
        p.html() += fmt::format("<li>{}</li>\n", Cell(r.at("text").value(std::string(lang), std::string()), lang));
      }
      if (ex.contains("suggestion")) {
        p.html() += fmt::format("<li>{}</li>\n", Cell(ex.at("suggestion")["text"].value(std::string(lang), ""), lang));
      }
    }
    p.html() += "</ul>\n";
  }
  p.H2("Activity", "Aktivitäten");
  p.Table(doc.at("events"), {{"at", de ? "Zeitpunkt" : "Time"}, {"type", de ? "Art" : "Type"},
                          {"url", "URL"}, {"campaign", de ? "Kampagne" : "Campaign"},
                          {"value", de ? "Wert" : "Value"}});
  p.H2("Your requests", "Ihre Anfragen");
  p.Table(doc.at("requests"), {{"id", "#"}, {"type", de ? "Art" : "Type"},
                            {"received", de ? "eingegangen" : "Received"},
                            {"due", de ? "fällig" : "Due"}, {"status", "Status"}});
  p.html() += "</body></html>\n";
  return std::move(p.html());
}

}  // namespace candor::privacy
