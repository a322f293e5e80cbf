#include "core/config.h"

#include "core/config_internal.h"
#include "core/time.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace candor::core {

namespace {

// The built-in list of protected attributes and special categories (Art. 9), in
// English and German. Compared against the words of column and feature names.
// Multi-word terms are written with '_' and match consecutive words.
constexpr std::array<std::string_view, 59> kSensitiveTerms = {
    // en
    "gender", "sex", "sexual", "age", "aged", "birth", "birthday", "birthdate", "dob",
    "date_of_birth", "religion", "religious", "ethnicity", "ethnic", "race", "racial", "health",
    "medical", "disability", "disabled", "illness", "diagnosis", "pregnancy", "pregnant",
    "sexual_orientation", "lgbt", "political", "politics", "trade_union", "union_member",
    "genetic", "biometric", "fingerprint", "nationality",
    // de
    "geschlecht", "alter", "geburtsdatum", "geburtstag", "geburtsjahr", "jahrgang", "konfession",
    "glaube", "ethnie", "herkunft", "abstammung", "gesundheit", "krankheit", "behinderung",
    "schwangerschaft", "orientierung", "politisch", "partei", "gewerkschaft", "genetisch",
    "biometrisch", "staatsangehoerigkeit", "staatsangehörigkeit", "weltanschauung", "rasse"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits at characters that are not ASCII letters (UTF-8 bytes ≥ 0x80 count as
// letters, so "Staatsangehörigkeit" stays one word) and at lower→upper case steps.
std::vector<std::string> Words(std::string_view name) {
  std::vector<std::string> words;
  std::string cur;
  auto is_letter = [](unsigned char c) { return std::isalpha(c) || c >= 0x80; };
  for (std::size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (!is_letter(c)) {
      if (!cur.empty()) words.push_back(Lower(cur));
      cur.clear();
      continue;
    }
    if (std::isupper(c) && !cur.empty() &&
        std::islower(static_cast<unsigned char>(cur.back()))) {
      words.push_back(Lower(cur));
      cur.clear();
    }
    cur.push_back(static_cast<char>(c));
  }
  if (!cur.empty()) words.push_back(Lower(cur));
  return words;
}

// Built-in contact columns and direct identifiers: never declared attributes,
// because a declared column would be stored in clear.
bool IsReservedColumn(std::string_view column) {
  static const std::set<std::string, std::less<>> kReserved = {
      "contact_id", "account_id", "email", "e_mail", "mail", "first_name", "last_name", "name",
      "full_name", "firstname", "lastname", "phone", "mobile", "telephone", "fax", "address",
      "street", "postcode", "zip", "ip", "ip_address", "iban", "job_title", "seniority",
      "department", "country", "created_at", "time_zone", "language", "is_minor", "vorname",
      "nachname", "telefon", "strasse", "straße", "adresse"};
  std::string lower;
  for (char ch : column) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return kReserved.count(lower) > 0;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
           c == '_';
  });
}

// Walks the TOML tree, collecting every problem with its position.
class Checker {
 public:
  explicit Checker(std::string file) : file_(std::move(file)) {}

  void Error(const toml::source_region& where, std::string_view path, std::string_view rule) {
    errors_.push_back(fmt::format("{}:{}:{}: {}: {}", file_, where.begin.line, where.begin.column,
                                  path, rule));
  }
  void Error(const toml::node& node, std::string_view path, std::string_view rule) {
    Error(node.source(), path, rule);
  }

  // Unknown keys of `t` (at the key's position).
  void Keys(const toml::table& t, std::string_view path, std::initializer_list<std::string_view> allowed) {
    for (auto&& [k, v] : t) {
      if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end()) {
        Error(k.source(), Join(path, k.str()),
              fmt::format("unknown key (allowed here: {})", fmt::join(allowed, ", ")));
      }
    }
  }

  static std::string Join(std::string_view path, std::string_view key) {
    return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
  }

  const toml::table* Table(const toml::table& t, std::string_view key, std::string_view path) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) {
      Error(*n, Join(path, key), "must be a table");
      return nullptr;
    }
    return n->as_table();
  }

  void Str(const toml::table& t, std::string_view key, std::string_view path, std::string& out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    if (auto v = n->value<std::string>(); v && n->is_string()) {
      out = *v;
    } else {
      Error(*n, Join(path, key), "must be a string");
    }
  }
  void Bool(const toml::table& t, std::string_view key, std::string_view path, bool& out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    if (n->is_boolean()) {
      out = *n->value<bool>();
    } else {
      Error(*n, Join(path, key), "must be true or false");
    }
  }
  template <typename Int>
  void Integer(const toml::table& t, std::string_view key, std::string_view path, Int& out,
               std::int64_t min, std::int64_t max) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    if (!n->is_integer()) {
      Error(*n, Join(path, key), "must be an integer");
      return;
    }
    std::int64_t v = *n->value<std::int64_t>();
    if (v < min || v > max) {
      Error(*n, Join(path, key), fmt::format("must be between {} and {}", min, max));
      return;
    }
    out = static_cast<Int>(v);
  }
  void Number(const toml::node& n, std::string_view path, double& out) {
    if (n.is_integer()) {
      out = static_cast<double>(*n.value<std::int64_t>());
    } else if (n.is_floating_point()) {
      out = *n.value<double>();
    } else {
      Error(n, path, "must be a number");
    }
  }
  void StrList(const toml::table& t, std::string_view key, std::string_view path,
               std::vector<std::string>& out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      Error(*n, Join(path, key), "must be an array of strings");
      return;
    }
    out.clear();
    for (const toml::node& e : *a) {
      if (!e.is_string()) {
        Error(e, Join(path, key), "must be an array of strings");
        continue;
      }
      out.push_back(*e.value<std::string>());
    }
  }
  void NumList(const toml::table& t, std::string_view key, std::string_view path,
               std::vector<double>& out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      Error(*n, Join(path, key), "must be an array of numbers");
      return;
    }
    out.clear();
    for (const toml::node& e : *a) {
      double d = 0;
      Number(e, Join(path, key), d);
      out.push_back(d);
    }
  }
  // Requires a key; reports it missing at the table's position.
  bool Require(const toml::table& t, std::string_view key, std::string_view path) {
    if (t.get(key) != nullptr) return true;
    Error(t, Join(path, key), "is required");
    return false;
  }

  std::vector<std::string>& errors() { return errors_; }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<std::string> errors_;
};

// Entries of a keyed table in the order they appear in the file (toml++ sorts them).
std::vector<std::pair<std::string, const toml::node*>> InFileOrder(const toml::table& t) {
  std::vector<std::pair<std::string, const toml::node*>> out;
  for (auto&& [k, v] : t) out.emplace_back(std::string(k.str()), &v);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const auto& sa = a.second->source().begin;
    const auto& sb = b.second->source().begin;
    return std::tie(sa.line, sa.column) < std::tie(sb.line, sb.column);
  });
  return out;
}

void CheckName(Checker& c, const toml::node& where, std::string_view path, std::string_view name) {
  if (!IsIdentifier(name)) {
    c.Error(where, path, "names use lowercase letters, digits and '_' only");
  }
}

void ParsePurposes(Checker& c, const toml::table& root, Config& cfg) {
  const toml::table* t = c.Table(root, "purposes", "");
  if (t == nullptr) return;
  for (auto& [name, node] : InFileOrder(*t)) {
    std::string path = "purposes." + name;
    CheckName(c, *node, path, name);
    if (!node->is_table()) {
      c.Error(*node, path, "must be a table");
      continue;
    }
    const toml::table& p = *node->as_table();
    c.Keys(p, path, {"legal_basis", "channels", "direct_marketing", "retention_days",
                     "description_en", "description_de"});
    PurposeConfig pc;
    pc.name = name;
    std::string basis;
    if (c.Require(p, "legal_basis", path)) {
      c.Str(p, "legal_basis", path, basis);
      auto b = ParseLegalBasis(basis);
      if (b.ok()) {
        pc.legal_basis = *b;
      } else {
        c.Error(*p.get("legal_basis"), path + ".legal_basis", b.status().message());
      }
    }
    c.StrList(p, "channels", path, pc.channels);
    c.Bool(p, "direct_marketing", path, pc.direct_marketing);
    c.Integer(p, "retention_days", path, pc.retention_days, 1, 36500);
    c.Str(p, "description_en", path, pc.description_en);
    c.Str(p, "description_de", path, pc.description_de);
    cfg.purposes.push_back(std::move(pc));
  }
}

Result<ValueType> TypeAt(Checker& c, const toml::node& n, std::string_view path) {
  auto s = n.value<std::string>();
  if (!s || !n.is_string()) {
    c.Error(n, path, "must be a string");
    return InvalidArgument("type");
  }
  auto t = ParseValueType(*s);
  if (!t.ok()) c.Error(n, path, t.status().message());
  return t;
}

void ParseContactColumns(Checker& c, const toml::table& root, Config& cfg) {
  const toml::table* contacts = c.Table(root, "contacts", "");
  if (contacts == nullptr) return;
  c.Keys(*contacts, "contacts", {"columns"});
  const toml::table* cols = c.Table(*contacts, "columns", "contacts");
  if (cols == nullptr) return;
  for (auto& [name, node] : InFileOrder(*cols)) {
    std::string path = "contacts.columns." + name;
    CheckName(c, *node, path, name);
    auto t = TypeAt(c, *node, path);
    if (t.ok()) cfg.contact_columns.push_back({name, *t});
  }
}

void ParseTargets(Checker& c, const toml::table& root, Config& cfg) {
  const toml::table* t = c.Table(root, "targets", "");
  if (t == nullptr) return;
  for (auto& [name, node] : InFileOrder(*t)) {
    std::string path = "targets." + name;
    CheckName(c, *node, path, name);
    if (!node->is_table()) {
      c.Error(*node, path, "must be a table");
      continue;
    }
    const toml::table& p = *node->as_table();
    c.Keys(p, path, {"purpose", "horizon_days", "features", "population", "snapshots"});
    TargetConfig tc;
    tc.name = name;
    tc.population = "all";
    c.Str(p, "purpose", path, tc.purpose);
    c.Integer(p, "horizon_days", path, tc.horizon_days, 1, 3650);
    c.StrList(p, "features", path, tc.features);
    c.Str(p, "population", path, tc.population);
    if (tc.population != "all" && tc.population != "customers") {
      c.Error(*p.get("population"), path + ".population", "must be \"all\" or \"customers\"");
    }
    c.Str(p, "snapshots", path, tc.snapshots);
    if (tc.snapshots != "monthly" && tc.snapshots != "outcomes") {
      c.Error(*p.get("snapshots"), path + ".snapshots", "must be \"monthly\" or \"outcomes\"");
    }
    cfg.targets.push_back(std::move(tc));
  }
}

void ParseTraining(Checker& c, const toml::table& root, Config& cfg) {
  const toml::table* t = c.Table(root, "training", "");
  if (t == nullptr) return;
  TrainingConfig& tc = cfg.training;
  c.Keys(*t, "training",
         {"snapshot_months", "valid_months", "test_months", "max_depth", "eta", "max_rounds",
          "early_stopping_rounds", "nthread", "seed", "calibration", "reasons"});
  c.Integer(*t, "snapshot_months", "training", tc.snapshot_months, 3, 600);
  c.Integer(*t, "valid_months", "training", tc.valid_months, 1, 120);
  c.Integer(*t, "test_months", "training", tc.test_months, 1, 120);
  c.Integer(*t, "max_depth", "training", tc.max_depth, 1, 16);
  c.Integer(*t, "max_rounds", "training", tc.max_rounds, 1, 100000);
  c.Integer(*t, "early_stopping_rounds", "training", tc.early_stopping_rounds, 1, 100000);
  c.Integer(*t, "nthread", "training", tc.nthread, 1, 256);
  c.Integer(*t, "seed", "training", tc.seed, 0, std::int64_t{1} << 31);
  c.Integer(*t, "reasons", "training", tc.reasons, 1, 20);
  if (const toml::node* e = t->get("eta")) {
    c.Number(*e, "training.eta", tc.eta);
    if (!(tc.eta > 0 && tc.eta <= 1)) c.Error(*e, "training.eta", "must be in (0, 1]");
  }
  c.Str(*t, "calibration", "training", tc.calibration);
  if (tc.calibration != "isotonic" && tc.calibration != "platt") {
    c.Error(*t->get("calibration"), "training.calibration", "must be \"isotonic\" or \"platt\"");
  }
  if (tc.valid_months + tc.test_months >= tc.snapshot_months) {
    c.Error(*t, "training.snapshot_months",
            "must exceed valid_months + test_months (some months must remain for training)");
  }
}

void ParseFeatures(Checker& c, const toml::table& root, Config& cfg) {
  const toml::table* t = c.Table(root, "features", "");
  if (t == nullptr) return;
  for (auto& [name, node] : InFileOrder(*t)) {
    std::string path = "features." + name;
    CheckName(c, *node, path, name);
    if (!node->is_table()) {
      c.Error(*node, path, "must be a table");
      continue;
    }
    const toml::table& p = *node->as_table();
    FeatureConfig fc;
    fc.name = name;
    std::string kind;
    if (c.Require(p, "kind", path)) c.Str(p, "kind", path, kind);
    static const std::map<std::string, FeatureKind, std::less<>> kKinds = {
        {"attribute", FeatureKind::kAttribute}, {"count", FeatureKind::kCount},
        {"sum", FeatureKind::kSum}, {"distinct_days", FeatureKind::kDistinctDays},
        {"recency_days", FeatureKind::kRecencyDays}, {"ratio", FeatureKind::kRatio}};
    auto k = kKinds.find(kind);
    if (k == kKinds.end()) {
      if (!kind.empty()) {
        c.Error(*p.get("kind"), path + ".kind",
                "must be one of attribute, count, sum, distinct_days, recency_days, ratio");
      }
      continue;
    }
    fc.kind = k->second;
    std::initializer_list<std::string_view> common = {"kind", "description_en", "description_de",
                                                      "direction", "actionable"};
    std::vector<std::string_view> allowed(common);
    if (fc.kind == FeatureKind::kAttribute) {
      allowed.insert(allowed.end(), {"source", "type"});
    } else if (fc.kind == FeatureKind::kRatio) {
      allowed.insert(allowed.end(), {"numerator", "denominator"});
    } else {
      allowed.insert(allowed.end(), {"event_types", "url", "window_days"});
    }
    for (auto&& [key, v] : p) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        c.Error(key.source(), path + "." + std::string(key.str()),
                fmt::format("unknown key for a '{}' feature (allowed: {})", kind,
                            fmt::join(allowed, ", ")));
      }
    }
    c.Str(p, "description_en", path, fc.description_en);
    c.Str(p, "description_de", path, fc.description_de);
    c.Bool(p, "actionable", path, fc.actionable);
    std::string direction = "none";
    c.Str(p, "direction", path, direction);
    if (direction == "increasing") {
      fc.direction = 1;
    } else if (direction == "decreasing") {
      fc.direction = -1;
    } else if (direction != "none") {
      c.Error(*p.get("direction"), path + ".direction",
              "must be \"increasing\", \"decreasing\" or \"none\"");
    }
    if (fc.kind == FeatureKind::kAttribute) {
      if (c.Require(p, "source", path)) c.Str(p, "source", path, fc.source);
      if (const toml::node* tn = p.get("type")) {
        auto vt = TypeAt(c, *tn, path + ".type");
        if (vt.ok()) {
          if (*vt != ValueType::kNumeric && *vt != ValueType::kCategorical) {
            c.Error(*tn, path + ".type", "must be \"numeric\" or \"categorical\"");
          }
          fc.type = *vt;
        }
      }
    } else if (fc.kind == FeatureKind::kRatio) {
      if (c.Require(p, "numerator", path)) c.Str(p, "numerator", path, fc.numerator);
      if (c.Require(p, "denominator", path)) c.Str(p, "denominator", path, fc.denominator);
    } else {
      c.StrList(p, "event_types", path, fc.event_types);
      c.Str(p, "url", path, fc.url);
      c.Integer(p, "window_days", path, fc.window_days, 1, 3650);
    }
    cfg.features.push_back(std::move(fc));
  }
}

}  // namespace

namespace {

void ParseMappings(Checker& c, const toml::table& root, Config& cfg);

Result<char> Delimiter(std::string_view s) {
  if (s == "\\t" || s == "\t") return '\t';
  if (s.size() != 1 || s[0] == '"' || s[0] == '\n' || s[0] == '\r') {
    return InvalidArgument("must be a single character other than a quote or a line break");
  }
  return s[0];
}

void ParseMappings(Checker& c, const toml::table& root, Config& cfg) {
  const toml::table* t = c.Table(root, "mapping", "");
  if (t == nullptr) return;
  for (auto& [name, node] : InFileOrder(*t)) {
    std::string path = "mapping." + name;
    CheckName(c, *node, path, name);
    if (!node->is_table()) {
      c.Error(*node, path, "must be a table");
      continue;
    }
    const toml::table& p = *node->as_table();
    c.Keys(p, path,
           {"kind", "delimiter", "id_column", "id_prefix", "attributes", "protected", "bands",
            "ignore", "outcome_column", "outcome_target", "outcome_values", "time_column",
            "source_time_zone", "row_time_start", "row_time_step_seconds", "invoice_column",
            "item_column", "quantity_column", "price_column", "country_column",
            "cancellation_prefix", "event_type", "missing_id", "legal_basis", "purposes",
            "source"});
    MappingConfig m;
    m.name = name;
    std::string kind;
    if (c.Require(p, "kind", path)) c.Str(p, "kind", path, kind);
    if (kind == "flat") {
      m.kind = MappingKind::kFlat;
    } else if (kind == "transactions") {
      m.kind = MappingKind::kTransactions;
    } else if (!kind.empty()) {
      c.Error(*p.get("kind"), path + ".kind", "must be \"flat\" or \"transactions\"");
    }
    std::string delim = ",";
    c.Str(p, "delimiter", path, delim);
    if (auto d = Delimiter(delim); d.ok()) {
      m.delimiter = *d;
    } else {
      c.Error(*p.get("delimiter"), path + ".delimiter", d.status().message());
    }
    c.Str(p, "id_column", path, m.id_column);
    c.Str(p, "id_prefix", path, m.id_prefix);
    if (const toml::table* attrs = c.Table(p, "attributes", path)) {
      for (auto& [col, tn] : InFileOrder(*attrs)) {
        auto vt = TypeAt(c, *tn, path + ".attributes." + col);
        if (vt.ok()) m.attributes.push_back({col, *vt});
      }
    }
    std::vector<std::string> prot;
    c.StrList(p, "protected", path, prot);
    std::map<std::string, std::vector<double>> bands;
    if (const toml::table* b = c.Table(p, "bands", path)) {
      for (auto& [col, bn] : InFileOrder(*b)) {
        std::vector<double> cuts;
        if (const toml::array* a = bn->as_array()) {
          for (const toml::node& e : *a) {
            double d = 0;
            c.Number(e, path + ".bands." + col, d);
            cuts.push_back(d);
          }
          if (!std::is_sorted(cuts.begin(), cuts.end()) || cuts.empty()) {
            c.Error(*bn, path + ".bands." + col, "must be a non-empty ascending array of numbers");
          }
        } else {
          c.Error(*bn, path + ".bands." + col, "must be an array of numbers");
        }
        if (std::find(prot.begin(), prot.end(), col) == prot.end()) {
          c.Error(*bn, path + ".bands." + col, "bands apply to protected columns only");
        }
        bands[col] = cuts;
      }
    }
    for (const auto& col : prot) {
      ProtectedColumn pcol{col, col, {}};
      if (auto it = bands.find(col); it != bands.end()) {
        pcol.bands = it->second;
        pcol.attribute = col + "_band";
      }
      m.protected_columns.push_back(std::move(pcol));
    }
    c.StrList(p, "ignore", path, m.ignore);
    c.Str(p, "outcome_column", path, m.outcome_column);
    c.Str(p, "outcome_target", path, m.outcome_target);
    if (const toml::table* ov = c.Table(p, "outcome_values", path)) {
      for (auto&& [k, v] : *ov) {
        double d = 0;
        c.Number(v, path + ".outcome_values." + std::string(k.str()), d);
        m.outcome_values[std::string(k.str())] = d;
      }
    }
    if (!m.outcome_column.empty() && (m.outcome_target.empty() || m.outcome_values.empty())) {
      c.Error(p, path, "outcome_column needs outcome_target and outcome_values");
    }
    c.Str(p, "time_column", path, m.time_column);
    c.Str(p, "source_time_zone", path, m.source_time_zone);
    c.Str(p, "row_time_start", path, m.row_time_start);
    c.Integer(p, "row_time_step_seconds", path, m.row_time_step_seconds, 0, 86400L * 366);
    c.Str(p, "invoice_column", path, m.invoice_column);
    c.Str(p, "item_column", path, m.item_column);
    c.Str(p, "quantity_column", path, m.quantity_column);
    c.Str(p, "price_column", path, m.price_column);
    c.Str(p, "country_column", path, m.country_column);
    c.Str(p, "cancellation_prefix", path, m.cancellation_prefix);
    c.Str(p, "event_type", path, m.event_type);
    c.Str(p, "missing_id", path, m.missing_id);
    if (m.missing_id != "error" && m.missing_id != "skip") {
      c.Error(*p.get("missing_id"), path + ".missing_id", "must be \"error\" or \"skip\"");
    }
    std::string basis = "consent";
    c.Str(p, "legal_basis", path, basis);
    if (auto b = ParseLegalBasis(basis); b.ok()) {
      m.legal_basis = *b;
    } else {
      c.Error(*p.get("legal_basis"), path + ".legal_basis", b.status().message());
    }
    c.StrList(p, "purposes", path, m.purposes);
    c.Str(p, "source", path, m.source);
    if (m.kind == MappingKind::kFlat) {
      if (m.time_column.empty() && m.row_time_start.empty()) {
        c.Error(p, path, "a flat mapping needs time_column or row_time_start");
      }
    } else {
      for (auto [key, val] : {std::pair{"id_column", &m.id_column},
                              std::pair{"time_column", &m.time_column},
                              std::pair{"invoice_column", &m.invoice_column},
                              std::pair{"quantity_column", &m.quantity_column},
                              std::pair{"price_column", &m.price_column}}) {
        if (val->empty()) c.Error(p, path + "." + key, "is required for a transactions mapping");
      }
    }
    if (!m.source_time_zone.empty()) {
      if (auto z = TimeZone::Locate(m.source_time_zone); !z.ok()) {
        c.Error(*p.get("source_time_zone"), path + ".source_time_zone",
                "is not an IANA time zone (e.g. \"Europe/London\")");
      }
    }
    if (!m.row_time_start.empty()) {
      if (auto s = ParseDateOrTimestamp(m.row_time_start); !s.ok()) {
        c.Error(*p.get("row_time_start"), path + ".row_time_start", s.status().message());
      }
    }
    cfg.mappings.push_back(std::move(m));
  }
}

// Mapping rules: no protected or sensitive column mapped into attributes;
// purposes and targets must exist.
void CheckMappings(Checker& c, const toml::table& root, const Config& cfg) {
  auto where = [&](std::string_view name, std::string_view key) -> toml::source_region {
    const toml::node* n = root.at_path(fmt::format("mapping.{}", name)).node();
    if (n == nullptr) return {};
    if (const toml::table* t = n->as_table()) {
      if (const toml::node* k = t->get(key)) return k->source();
    }
    return n->source();
  };
  std::set<std::string> protected_names(cfg.protected_attributes.begin(),
                                        cfg.protected_attributes.end());
  std::set<std::string> special(cfg.special_categories.begin(), cfg.special_categories.end());
  for (const auto& m : cfg.mappings) {
    for (const auto& p : m.protected_columns) {
      protected_names.insert(p.column);
      protected_names.insert(p.attribute);
    }
  }
  for (const auto& m : cfg.mappings) {
    std::string path = "mapping." + m.name;
    for (const auto& a : m.attributes) {
      std::string apath = path + ".attributes." + a.column;
      if (protected_names.count(a.column) || special.count(a.column)) {
        c.Error(where(m.name, "attributes"), apath,
                "maps a protected or special-category column into attributes; list it under "
                "protected instead");
      } else if (auto term = SensitiveTerm(a.column)) {
        c.Error(where(m.name, "attributes"), apath,
                fmt::format("column name matches the protected or special-category term '{}'; "
                            "list it under protected (or ignore it)",
                            *term));
      }
    }
    for (const auto& pu : m.purposes) {
      const PurposeConfig* purpose = cfg.FindPurpose(pu);
      if (purpose == nullptr) {
        c.Error(where(m.name, "purposes"), path + ".purposes",
                fmt::format("unknown purpose '{}'", pu));
      } else if (purpose->legal_basis != m.legal_basis) {
        // A mapping cannot create consent: its rows only carry the basis the
        // purpose rests on.
        c.Error(where(m.name, "legal_basis"), path + ".legal_basis",
                fmt::format("is {}, but the purpose '{}' rests on {}", LegalBasisName(m.legal_basis),
                            pu, LegalBasisName(purpose->legal_basis)));
      }
    }
    for (const auto& a : m.attributes) {
      if (IsReservedColumn(a.column)) {
        c.Error(where(m.name, "attributes"), path + ".attributes." + a.column,
                "is a direct identifier or a built-in contact column and cannot be an attribute "
                "(identifiers live only in the vault)");
      }
    }
    if (!m.outcome_target.empty() && cfg.FindTarget(m.outcome_target) == nullptr) {
      c.Error(where(m.name, "outcome_target"), path + ".outcome_target",
              fmt::format("unknown target '{}' (declare it under [targets])", m.outcome_target));
    }
  }
}

// Cross-checks: references between sections and the protected-attribute rule.
void CrossCheck(Checker& c, const toml::table& root, Config& cfg) {
  auto where = [&](std::string_view section, std::string_view name,
                   std::string_view key) -> toml::source_region {
    const toml::node* n = root.at_path(fmt::format("{}.{}", section, name)).node();
    if (n == nullptr) return {};
    if (!key.empty()) {
      if (const toml::table* t = n->as_table()) {
        if (const toml::node* k = t->get(key)) return k->source();
      }
    }
    return n->source();
  };
  std::set<std::string> protected_names(cfg.protected_attributes.begin(),
                                        cfg.protected_attributes.end());
  std::set<std::string> special(cfg.special_categories.begin(), cfg.special_categories.end());
  // Columns that mappings bring in as attributes, and the protected ones.
  std::set<std::string> mapped_attrs;
  for (const auto& m : cfg.mappings) {
    for (const auto& p : m.protected_columns) {
      protected_names.insert(p.column);
      protected_names.insert(p.attribute);
    }
    for (const auto& a : m.attributes) mapped_attrs.insert(a.column);
  }
  CheckMappings(c, root, cfg);
  for (const auto& cc : cfg.contact_columns) {
    std::string path = "contacts.columns." + cc.column;
    if (IsReservedColumn(cc.column)) {
      c.Error(where("contacts.columns", cc.column, ""), path,
              "is a direct identifier or a built-in contact column and cannot be declared again");
    } else if (protected_names.count(cc.column) || special.count(cc.column)) {
      c.Error(where("contacts.columns", cc.column, ""), path,
              "is declared protected or special-category; ingest it with `candor ingest "
              "attributes`, not as a contact column");
    } else if (auto term = SensitiveTerm(cc.column)) {
      c.Error(where("contacts.columns", cc.column, ""), path,
              fmt::format("column name matches the protected or special-category term '{}'", *term));
    }
  }
  static const std::set<std::string> kContactCols = {"seniority", "department", "country",
                                                    "job_title", "language", "time_zone",
                                                    "created_at"};
  static const std::set<std::string> kAccountCols = {"industry", "employees", "annual_revenue",
                                                    "country", "status", "created_at"};
  // Resolve features; a ratio is refused when one of its parts is.
  std::map<std::string, std::string> refused;  // feature → reason
  std::set<std::string> declared;
  for (const auto& f : cfg.features) declared.insert(f.name);
  for (const auto& f : cfg.features) {
    std::string path = "features." + f.name;
    if (auto term = SensitiveTerm(f.name)) {
      refused[f.name] = fmt::format("its name matches the protected or special-category term '{}'",
                                    *term);
    }
    if (f.kind == FeatureKind::kAttribute && !refused.count(f.name)) {
      auto dot = f.source.find('.');
      std::string table = f.source.substr(0, dot);
      std::string col = dot == std::string::npos ? "" : f.source.substr(dot + 1);
      if (dot == std::string::npos || col.empty()) {
        c.Error(where("features", f.name, "source"), path + ".source",
                "must be contacts.COLUMN, accounts.COLUMN or attributes.NAME");
        continue;
      }
      if (protected_names.count(col) || special.count(col)) {
        refused[f.name] = fmt::format("it reads '{}', which is declared protected or "
                                      "special-category",
                                      f.source);
      } else if (auto term = SensitiveTerm(col)) {
        refused[f.name] = fmt::format("it reads '{}', which matches the protected or "
                                      "special-category term '{}'",
                                      f.source, *term);
      } else if (table == "contacts") {
        bool declared_col = std::any_of(cfg.contact_columns.begin(), cfg.contact_columns.end(),
                                        [&](const AttributeColumn& a) { return a.column == col; });
        if (!kContactCols.count(col) && !declared_col) {
          c.Error(where("features", f.name, "source"), path + ".source",
                  fmt::format("contacts has no column '{}' (declare it under [contacts.columns])",
                              col));
        }
      } else if (table == "accounts") {
        if (!kAccountCols.count(col)) {
          c.Error(where("features", f.name, "source"), path + ".source",
                  fmt::format("accounts has no column '{}'", col));
        }
      } else if (table == "attributes") {
        bool known = mapped_attrs.count(col) ||
                     std::any_of(cfg.contact_columns.begin(), cfg.contact_columns.end(),
                                 [&](const AttributeColumn& a) { return a.column == col; });
        if (!known) {
          c.Error(where("features", f.name, "source"), path + ".source",
                  fmt::format("no mapping or contact column declares the attribute '{}'", col));
        }
      } else {
        c.Error(where("features", f.name, "source"), path + ".source",
                "must be contacts.COLUMN, accounts.COLUMN or attributes.NAME");
      }
    }
  }
  // Ratios: derive from their parts (repeat until nothing changes; chains are short).
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& f : cfg.features) {
      if (f.kind != FeatureKind::kRatio || refused.count(f.name)) continue;
      for (const std::string* part : {&f.numerator, &f.denominator}) {
        if (refused.count(*part)) {
          refused[f.name] = fmt::format("it derives from the refused feature '{}'", *part);
          changed = true;
          break;
        }
      }
    }
  }
  for (const auto& f : cfg.features) {
    std::string path = "features." + f.name;
    if (f.kind == FeatureKind::kRatio) {
      for (const std::string* part : {&f.numerator, &f.denominator}) {
        if (!part->empty() && !declared.count(*part)) {
          c.Error(where("features", f.name, part == &f.numerator ? "numerator" : "denominator"),
                  path, fmt::format("refers to the unknown feature '{}'", *part));
        }
        if (*part == f.name) c.Error(where("features", f.name, ""), path, "refers to itself");
      }
    }
    if (auto r = refused.find(f.name); r != refused.end()) {
      c.Error(where("features", f.name, ""), path,
              fmt::format("refused: {}; protected attributes and special categories can never be "
                          "features (GDPR Art. 9)",
                          r->second));
    }
  }
  for (const auto& t : cfg.targets) {
    std::string path = "targets." + t.name;
    if (cfg.FindPurpose(t.purpose) == nullptr) {
      c.Error(where("targets", t.name, "purpose"), path + ".purpose",
              fmt::format("unknown purpose '{}'", t.purpose));
    }
    for (const auto& f : t.features) {
      if (!declared.count(f)) {
        c.Error(where("targets", t.name, "features"), path + ".features",
                fmt::format("unknown feature '{}'", f));
      }
    }
  }
  for (const auto& a : cfg.protected_attributes) {
    if (!IsIdentifier(a)) {
      c.Error(where("protected", "attributes", ""), "protected.attributes",
              "names use lowercase letters, digits and '_' only");
    }
  }
}

}  // namespace

std::string_view LegalBasisName(LegalBasis b) {
  switch (b) {
    case LegalBasis::kConsent: return "consent";
    case LegalBasis::kLegitimateInterest: return "legitimate_interest";
    case LegalBasis::kContract: return "contract";
    case LegalBasis::kLegalObligation: return "legal_obligation";
  }
  return "consent";
}

Result<LegalBasis> ParseLegalBasis(std::string_view s) {
  if (s == "consent") return LegalBasis::kConsent;
  if (s == "legitimate_interest") return LegalBasis::kLegitimateInterest;
  if (s == "contract") return LegalBasis::kContract;
  if (s == "legal_obligation") return LegalBasis::kLegalObligation;
  return InvalidArgument(
      "must be one of consent, legitimate_interest, contract, legal_obligation");
}

std::string_view ValueTypeName(ValueType t) {
  switch (t) {
    case ValueType::kNumeric: return "numeric";
    case ValueType::kInteger: return "integer";
    case ValueType::kCategorical: return "categorical";
    case ValueType::kText: return "text";
    case ValueType::kBoolean: return "boolean";
  }
  return "text";
}

Result<ValueType> ParseValueType(std::string_view s) {
  if (s == "numeric") return ValueType::kNumeric;
  if (s == "integer") return ValueType::kInteger;
  if (s == "categorical") return ValueType::kCategorical;
  if (s == "text") return ValueType::kText;
  if (s == "boolean") return ValueType::kBoolean;
  return InvalidArgument("must be one of numeric, integer, categorical, text, boolean");
}

std::string_view FeatureKindName(FeatureKind k) {
  switch (k) {
    case FeatureKind::kAttribute: return "attribute";
    case FeatureKind::kCount: return "count";
    case FeatureKind::kSum: return "sum";
    case FeatureKind::kDistinctDays: return "distinct_days";
    case FeatureKind::kRecencyDays: return "recency_days";
    case FeatureKind::kRatio: return "ratio";
  }
  return "attribute";
}

std::optional<std::string> SensitiveTerm(std::string_view name) {
  std::vector<std::string> words = Words(name);
  // German (and run-together English) compounds: a word that starts with one of
  // these stems is sensitive ("Gesundheitszustand", "Altersgruppe", "agegroup").
  static constexpr std::string_view kStems[] = {
      "gesundheit", "religion", "geschlecht", "behinderung", "schwanger", "krankheit",
      "gewerkschaft", "staatsangeh", "konfession", "ethni", "geburt", "altersgr", "altersk",
      "altersb", "agegroup", "agebracket", "ageband", "birthyear", "birthdate", "dateofbirth",
      "sexualorient", "weltanschau"};
  for (const std::string& w : words) {
    for (std::string_view stem : kStems) {
      if (w.size() >= stem.size() && w.compare(0, stem.size(), stem) == 0) return std::string(stem);
    }
  }
  // The most specific match wins: "date_of_birth" rather than "birth".
  std::optional<std::string> best;
  std::size_t best_words = 0;
  for (std::string_view term : kSensitiveTerms) {
    std::vector<std::string> parts = Words(term);
    if (parts.empty() || parts.size() > words.size() || parts.size() <= best_words) continue;
    for (std::size_t i = 0; i + parts.size() <= words.size(); ++i) {
      if (std::equal(parts.begin(), parts.end(), words.begin() + static_cast<std::ptrdiff_t>(i))) {
        best = std::string(term);
        best_words = parts.size();
        break;
      }
    }
  }
  return best;
}

const PurposeConfig* Config::FindPurpose(std::string_view n) const {
  for (const auto& p : purposes)
    if (p.name == n) return &p;
  return nullptr;
}
const TargetConfig* Config::FindTarget(std::string_view n) const {
  for (const auto& t : targets)
    if (t.name == n) return &t;
  return nullptr;
}
const FeatureConfig* Config::FindFeature(std::string_view n) const {
  for (const auto& f : features)
    if (f.name == n) return &f;
  return nullptr;
}
const MappingConfig* Config::FindMapping(std::string_view n) const {
  for (const auto& m : mappings)
    if (m.name == n) return &m;
  return nullptr;
}
bool Config::IsProtected(std::string_view attribute) const {
  return std::find(protected_attributes.begin(), protected_attributes.end(), attribute) !=
         protected_attributes.end();
}

Result<Config> ParseConfig(std::string_view text, std::string_view name) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(fmt::format("{}:{}:{}: {}", name, e.source().begin.line,
                                       e.source().begin.column, e.description()));
  }
  Checker c{std::string(name)};
  Config cfg;
  cfg.path = std::string(name);
  c.Keys(root, "", {"workspace", "ingest", "keys", "purposes", "protected", "special_categories",
                    "contacts", "targets", "training", "fairness", "features", "mapping",
                    "ropa"});
  if (const toml::table* w = c.Table(root, "workspace", "")) {
    c.Keys(*w, "workspace", {"name", "language"});
    c.Str(*w, "name", "workspace", cfg.name);
    c.Str(*w, "language", "workspace", cfg.language);
    if (cfg.language != "en" && cfg.language != "de") {
      c.Error(*w->get("language"), "workspace.language", "must be \"en\" or \"de\"");
    }
    if (cfg.name.empty() || cfg.name.find('\n') != std::string::npos) {
      c.Error(*w, "workspace.name", "must be a non-empty single line");
    }
  }
  if (const toml::table* i = c.Table(root, "ingest", "")) {
    c.Keys(*i, "ingest", {"max_field_bytes", "max_errors"});
    c.Integer(*i, "max_field_bytes", "ingest", cfg.max_field_bytes, 1, std::int64_t{1} << 30);
    c.Integer(*i, "max_errors", "ingest", cfg.max_errors, 1, 1000000);
  }
  if (const toml::table* k = c.Table(root, "keys", "")) {
    c.Keys(*k, "keys", {"dir"});
    c.Str(*k, "dir", "keys", cfg.keys_dir);
  }
  ParsePurposes(c, root, cfg);
  if (const toml::table* p = c.Table(root, "protected", "")) {
    c.Keys(*p, "protected", {"attributes"});
    c.StrList(*p, "attributes", "protected", cfg.protected_attributes);
  }
  if (const toml::table* s = c.Table(root, "special_categories", "")) {
    c.Keys(*s, "special_categories", {"columns"});
    c.StrList(*s, "columns", "special_categories", cfg.special_categories);
  }
  if (const toml::table* r = c.Table(root, "ropa", "")) {
    c.Keys(*r, "ropa", {"controller", "contact", "dpo", "recipients", "transfers"});
    c.Str(*r, "controller", "ropa", cfg.ropa.controller);
    c.Str(*r, "contact", "ropa", cfg.ropa.contact);
    c.Str(*r, "dpo", "ropa", cfg.ropa.dpo);
    c.StrList(*r, "recipients", "ropa", cfg.ropa.recipients);
    c.Str(*r, "transfers", "ropa", cfg.ropa.transfers);
  }
  ParseContactColumns(c, root, cfg);
  ParseTargets(c, root, cfg);
  ParseTraining(c, root, cfg);
  internal::ParseFairness(root, name, cfg.protected_attributes, cfg.fairness, c.errors());
  ParseFeatures(c, root, cfg);
  ParseMappings(c, root, cfg);
  CrossCheck(c, root, cfg);
  if (!c.errors().empty()) {
    return InvalidArgument(fmt::format("{}", fmt::join(c.errors(), "\n")));
  }
  return cfg;
}

Result<std::vector<MappingConfig>> LoadMappingFile(const std::string& path, const Config& base) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(fmt::format("{}: no such file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                       e.source().begin.column, e.description()));
  }
  Checker c{path};
  c.Keys(root, "", {"mapping"});
  Config cfg = base;
  cfg.mappings.clear();
  ParseMappings(c, root, cfg);
  CheckMappings(c, root, cfg);
  if (cfg.mappings.empty() && c.errors().empty()) {
    c.Error(root, "mapping", "the file declares no [mapping.NAME] table");
  }
  if (!c.errors().empty()) return InvalidArgument(fmt::format("{}", fmt::join(c.errors(), "\n")));
  return cfg.mappings;
}

Result<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(fmt::format("{}: no such file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseConfig(ss.str(), path);
}

}  // namespace candor::core
