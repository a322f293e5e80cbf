// candor::core::Config: the workspace's candor.toml, parsed and validated.
//
// LoadConfig() reads TOML (toml++), checks every key against the schema and every
// value against its rule, and returns a Config or an InvalidArgument whose message
// lists each problem as "FILE:LINE:COLUMN: key.path: rule" (one per line). Among
// the rules (DESIGN invariant 3): no feature may read, map from or derive from a
// column that is declared protected or special-category, or whose name matches
// the built-in list of such attributes (en and de: gender, sex, Geschlecht, age,
// Alter, religion, ethnicity, health, …; see SensitiveTerm()).
//
// DefaultConfigText() is the file `candor init` writes: every setting present and
// commented, with defaults that fit `candor generate` output with no edits.
//
// Thread safety: a Config is an immutable value once loaded.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace candor::core {

enum class LegalBasis { kConsent, kLegitimateInterest, kContract, kLegalObligation };
std::string_view LegalBasisName(LegalBasis b);
Result<LegalBasis> ParseLegalBasis(std::string_view s);

struct PurposeConfig {
  std::string name;
  LegalBasis legal_basis = LegalBasis::kConsent;
  std::vector<std::string> channels;  // email, phone, crm, …
  bool direct_marketing = false;
  std::int64_t retention_days = 730;
  std::string description_en;
  std::string description_de;
};

enum class ValueType { kNumeric, kInteger, kCategorical, kText, kBoolean };
std::string_view ValueTypeName(ValueType t);
Result<ValueType> ParseValueType(std::string_view s);

enum class FeatureKind { kAttribute, kCount, kSum, kDistinctDays, kRecencyDays, kRatio };
std::string_view FeatureKindName(FeatureKind k);

struct FeatureConfig {
  std::string name;
  FeatureKind kind = FeatureKind::kAttribute;
  // kAttribute: "contacts.<column>", "accounts.<column>" or "attributes.<name>"
  // (declared contact columns and flat-mapping attributes).
  std::string source;
  ValueType type = ValueType::kNumeric;  // kAttribute: numeric or categorical
  std::vector<std::string> event_types;  // event kinds; empty = every type
  std::string url;                       // glob on the event URL ('*' any run); empty = any
  std::int64_t window_days = 30;         // event kinds
  std::string numerator, denominator;    // kRatio: feature names
  std::string description_en, description_de;
  int direction = 0;  // monotone constraint: +1 increasing, -1 decreasing, 0 none
  bool actionable = false;
};

struct TargetConfig {
  std::string name;  // also the `target` value in outcomes
  std::string purpose = "profiling";
  std::int64_t horizon_days = 30;
  std::vector<std::string> features;
  std::string population;  // "all" or "customers" (contacts of customer accounts)
  // How training rows are drawn: "monthly" (every eligible subject at each month
  // start, labelled by outcomes within horizon_days after it) or "outcomes" (one
  // row per recorded outcome, at its time, labelled by its value: flat exports such
  // as a campaign's results).
  std::string snapshots = "monthly";
};

// [training]: how `candor train` draws, splits and fits.
struct TrainingConfig {
  int snapshot_months = 12;  // the latest months with matured labels
  int valid_months = 2;      // before the test months: early stopping and calibration
  int test_months = 2;       // the latest: reported metrics
  int max_depth = 6;
  double eta = 0.05;
  int max_rounds = 500;
  int early_stopping_rounds = 30;
  int nthread = 2;
  std::int64_t seed = 0;
  std::string calibration = "isotonic";  // or "platt"
  int reasons = 3;                       // reason texts per direction and score
};

struct ProtectedColumn {
  std::string column;                 // source column
  std::string attribute;              // name in protected_attributes (default: column)
  std::vector<double> bands;          // optional cut points: [25, 60] → "<25", "25-59", "60+"
};

struct AttributeColumn {
  std::string column;  // source column, also the attribute name
  ValueType type = ValueType::kCategorical;
};

enum class MappingKind { kFlat, kTransactions };

// [mapping.NAME]: how `ingest flat|transactions` reads another shape.
struct MappingConfig {
  std::string name;
  MappingKind kind = MappingKind::kFlat;
  char delimiter = ',';
  std::string id_column;        // empty: the row number is the id
  std::string id_prefix;        // contact_id = prefix + id
  std::vector<AttributeColumn> attributes;
  std::vector<ProtectedColumn> protected_columns;
  std::vector<std::string> ignore;  // columns deliberately not imported
  // Outcome (flat): the column, the target it records, value map ("yes" → 1).
  std::string outcome_column;
  std::string outcome_target;
  std::map<std::string, double> outcome_values;
  // Time: a timestamp column, or row order as time order.
  std::string time_column;
  std::string source_time_zone;  // IANA zone for times without one
  std::string row_time_start;    // ISO 8601; row i is at start + i * step
  std::int64_t row_time_step_seconds = 0;
  // Transactions: columns of an invoice line.
  std::string invoice_column, item_column, quantity_column, price_column, country_column;
  std::string cancellation_prefix;  // invoices starting with it are cancellations
  std::string event_type = "order";
  std::string missing_id = "error";  // "error" or "skip" rows without an id
  // Provenance: the basis the rows come with, one basis event per subject and purpose.
  LegalBasis legal_basis = LegalBasis::kConsent;
  std::vector<std::string> purposes;
  std::string source = "import";
};

// [ropa]: the parts of the records of processing (Art. 30) candor cannot know.
struct RopaConfig {
  std::string controller;  // empty: the workspace name
  std::string contact;
  std::string dpo;
  std::vector<std::string> recipients;
  std::string transfers = "none";
};

// One gate rule of [fairness.gate]: a comparison name (fairness/metrics.h) and its
// bound (a ratio r passes when min(r, 1/r) >= bound; a difference d when |d| <= bound).
struct FairnessGateRule {
  std::string metric;
  double bound = 0;
};

// [fairness]: how `candor audit` measures and what the promotion gate demands
// (docs/FAIRNESS.md). Defaults as in the default candor.toml.
struct FairnessConfig {
  std::size_t min_group_size = 30;     // groups below it are reported, never compared
  double selection_fraction = 0.2;     // selection: the top 20 % of audited rows ...
  std::optional<double> threshold;     // ... or score >= this fixed score (0..100)
  int resamples = 1000;                // bootstrap resamples (0: no intervals)
  std::int64_t seed = 20120101;        // bootstrap seed
  // Reference group per attribute ("age_band" → "35-44"); default the largest group.
  std::map<std::string, std::string> references;
  std::vector<FairnessGateRule> gate = {{"demographic_parity_ratio", 0.8},
                                        {"equal_opportunity_difference", 0.1}};
  double proxy_auc = 0.6;              // a feature predicting an attribute this well is a proxy
  bool per_group_thresholds = false;   // post-processing; uses the attribute at decision time
  bool intersections = true;           // also audit every pair of attributes
};

struct Config {
  std::string path;  // the file it came from
  // [workspace]
  std::string name = "candor";  // origin line of the ledger's checkpoints
  std::string language = "en";  // default language of notices and reasons
  // [ingest]
  std::size_t max_field_bytes = std::size_t{1} << 20;
  std::size_t max_errors = 100;
  // [keys]
  std::string keys_dir = "keys";
  // [purposes.NAME]
  std::vector<PurposeConfig> purposes;
  // [protected], [special_categories]
  std::vector<std::string> protected_attributes;
  std::vector<std::string> special_categories;  // further columns holding Art. 9 data
  // [contacts.columns]: further contact columns and their types
  std::vector<AttributeColumn> contact_columns;
  std::vector<TargetConfig> targets;
  TrainingConfig training;
  FairnessConfig fairness;
  RopaConfig ropa;
  std::vector<FeatureConfig> features;
  std::vector<MappingConfig> mappings;

  const PurposeConfig* FindPurpose(std::string_view n) const;
  const TargetConfig* FindTarget(std::string_view n) const;
  const FeatureConfig* FindFeature(std::string_view n) const;
  const MappingConfig* FindMapping(std::string_view n) const;
  bool IsProtected(std::string_view attribute) const;
};

// Reads and validates `path`. NotFound when missing; InvalidArgument listing every
// problem (see the file comment).
Result<Config> LoadConfig(const std::string& path);
// The same, from text (for tests); `name` stands in for the file name in messages.
Result<Config> ParseConfig(std::string_view text, std::string_view name);

// Reads a file of [mapping.NAME] tables (such as examples/bank-marketing.toml),
// validated against the workspace configuration `base` (purposes, targets,
// protected attributes). Errors as for LoadConfig.
Result<std::vector<MappingConfig>> LoadMappingFile(const std::string& path, const Config& base);

// The commented candor.toml that `candor init` writes.
std::string_view DefaultConfigText();

// If `name` (a column or feature name) contains a word of the built-in en/de list
// of protected attributes and special categories, returns that word. Words are
// split at non-letters and camelCase boundaries, compared case-insensitively:
// "age_band" → "age", "Geschlecht" → "geschlecht", "page_views" → nothing.
std::optional<std::string> SensitiveTerm(std::string_view name);

}  // namespace candor::core
