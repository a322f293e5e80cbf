#include "core/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace candor::core {
namespace {

using ::testing::HasSubstr;

std::string Base() { return std::string(DefaultConfigText()); }

std::string ErrorOf(const std::string& text) {
  auto r = ParseConfig(text, "candor.toml");
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(ConfigTest, DefaultConfigParsesWithTheDocumentedDefaults) {
  auto r = ParseConfig(DefaultConfigText(), "candor.toml");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Config& c = *r;
  Config defaults;
  EXPECT_EQ(c.max_field_bytes, defaults.max_field_bytes);
  EXPECT_EQ(c.max_errors, defaults.max_errors);
  EXPECT_EQ(c.keys_dir, defaults.keys_dir);
  EXPECT_EQ(c.name, defaults.name);
  ASSERT_EQ(c.purposes.size(), 6u);
  // DESIGN.md's default purposes, in order.
  const char* names[] = {"profiling",    "email_marketing", "sales_outreach",
                         "segmentation", "fairness_audit",  "monitoring"};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(c.purposes[i].name, names[i]);
  EXPECT_EQ(c.FindPurpose("sales_outreach")->legal_basis, LegalBasis::kLegitimateInterest);
  EXPECT_EQ(c.FindPurpose("email_marketing")->channels, std::vector<std::string>{"email"});
  EXPECT_FALSE(c.FindPurpose("monitoring")->direct_marketing);
  EXPECT_TRUE(c.FindPurpose("segmentation")->direct_marketing);
  EXPECT_EQ(c.protected_attributes, (std::vector<std::string>{"gender", "age_band"}));
  ASSERT_NE(c.FindTarget("conversion"), nullptr);
  EXPECT_EQ(c.FindTarget("conversion")->horizon_days, 30);
  ASSERT_NE(c.FindTarget("churn"), nullptr);
  EXPECT_EQ(c.FindFeature("pricing_views_30d")->url, "/pricing*");
  EXPECT_EQ(c.FindFeature("click_rate_30d")->kind, FeatureKind::kRatio);
}

TEST(ConfigTest, UnknownKeyNamesTheKeyAndPosition) {
  std::string msg = ErrorOf(Base() + "\n[ingest2]\nx = 1\n");
  EXPECT_THAT(msg, HasSubstr("ingest2: unknown key"));
  EXPECT_THAT(msg, HasSubstr("candor.toml:"));
  msg = ErrorOf("[ingest]\nmax_errorz = 5\n");
  EXPECT_EQ(msg.substr(0, msg.find('(')), "candor.toml:2:1: ingest.max_errorz: unknown key ");
}

TEST(ConfigTest, WrongTypeNamesTheRule) {
  EXPECT_EQ(ErrorOf("[ingest]\nmax_errors = \"ten\"\n"),
            "candor.toml:2:14: ingest.max_errors: must be an integer");
  EXPECT_EQ(ErrorOf("[ingest]\nmax_errors = 0\n"),
            "candor.toml:2:14: ingest.max_errors: must be between 1 and 1000000");
  EXPECT_THAT(ErrorOf("[purposes.x]\nlegal_basis = \"whim\"\n"),
              HasSubstr("purposes.x.legal_basis: must be one of consent"));
}

TEST(ConfigTest, SyntaxErrorHasAPosition) {
  EXPECT_THAT(ErrorOf("[ingest\n"), HasSubstr("candor.toml:1:"));
}

TEST(ConfigTest, FeatureNamedAfterAProtectedAttributeIsRefused) {
  std::string msg =
      ErrorOf(Base() + "\n[features.age_years]\nkind = \"count\"\nevent_types = []\n");
  EXPECT_THAT(msg, HasSubstr("features.age_years: refused: its name matches the protected or "
                             "special-category term 'age'"));
}

TEST(ConfigTest, GermanTermsAreRefusedToo) {
  EXPECT_THAT(ErrorOf(Base() + "\n[features.geschlecht]\nkind = \"count\"\n"),
              HasSubstr("term 'geschlecht'"));
  EXPECT_THAT(ErrorOf(Base() + "\n[features.Alter_in_Jahren]\nkind = \"count\"\n"),
              HasSubstr("lowercase"));
}

TEST(ConfigTest, FeatureReadingADeclaredProtectedColumnIsRefused) {
  std::string text = Base();
  // Declare "cohort" protected, then read it.
  text.replace(text.find("attributes = [\"gender\", \"age_band\"]"),
               std::string("attributes = [\"gender\", \"age_band\"]").size(),
               "attributes = [\"gender\", \"age_band\", \"cohort\"]");
  text += "\n[features.cohort_code]\nkind = \"attribute\"\nsource = \"contacts.cohort\"\n";
  EXPECT_THAT(ErrorOf(text), HasSubstr("features.cohort_code: refused: it reads 'contacts.cohort', "
                                       "which is declared protected or special-category"));
}

TEST(ConfigTest, FeatureReadingASpecialCategoryColumnIsRefused) {
  std::string text = Base();
  text.replace(text.find("columns = []"), 12, "columns = [\"wellbeing_score\"]");
  text.replace(text.find("[contacts.columns]\n"), 19, "[contacts.columns]\nwellbeing_score = \"numeric\"\n");
  std::string msg = ErrorOf(text);
  EXPECT_THAT(msg, HasSubstr("contacts.columns.wellbeing_score: is declared protected or "
                             "special-category"));
}

TEST(ConfigTest, RatioDerivedFromARefusedFeatureIsRefused) {
  std::string text = Base() +
                     "\n[features.health_visits]\nkind = \"count\"\nurl = \"/health*\"\n"
                     "[features.health_share]\nkind = \"ratio\"\nnumerator = \"health_visits\"\n"
                     "denominator = \"blog_views_30d\"\n";
  std::string msg = ErrorOf(text);
  EXPECT_THAT(msg, HasSubstr("features.health_visits: refused"));
  text = Base() +
         "\n[features.visits_h]\nkind = \"attribute\"\nsource = \"accounts.industry\"\n"
         "[features.share_x]\nkind = \"ratio\"\nnumerator = \"visits_h\"\ndenominator = \"x2\"\n";
  EXPECT_THAT(ErrorOf(text), HasSubstr("refers to the unknown feature 'x2'"));
}

TEST(ConfigTest, RatioOfAFeatureThatReadsAProtectedColumnIsRefused) {
  std::string text = Base() +
                     "\n[features.src]\nkind = \"attribute\"\nsource = \"contacts.gender\"\n"
                     "[features.src_ratio]\nkind = \"ratio\"\nnumerator = \"src\"\n"
                     "denominator = \"blog_views_30d\"\n";
  std::string msg = ErrorOf(text);
  EXPECT_THAT(msg, HasSubstr("features.src: refused: it reads 'contacts.gender'"));
  EXPECT_THAT(msg,
              HasSubstr("features.src_ratio: refused: it derives from the refused feature 'src'"));
}

TEST(ConfigTest, MappingThatMapsAProtectedColumnIntoAttributesIsRefused) {
  std::string text =
      Base() +
      "\n[mapping.bank]\nkind = \"flat\"\nrow_time_start = \"2008-05-01T00:00:00Z\"\n"
      "attributes = { age = \"integer\", job = \"categorical\" }\n";
  EXPECT_THAT(ErrorOf(text), HasSubstr("mapping.bank.attributes.age: column name matches the "
                                       "protected or special-category term 'age'"));
}

TEST(ConfigTest, AMappingCannotGrantConsentItDoesNotHave) {
  std::string text = Base() +
                     "\n[mapping.crm]\nkind = \"flat\"\nrow_time_start = \"2024-01-01T00:00:00Z\"\n"
                     "legal_basis = \"legitimate_interest\"\npurposes = [\"profiling\"]\n";
  EXPECT_THAT(ErrorOf(text), HasSubstr("mapping.crm.legal_basis: is legitimate_interest, but the "
                                       "purpose 'profiling' rests on consent"));
}

TEST(ConfigTest, IdentifiersCannotBeDeclaredAsColumnsOrAttributes) {
  std::string text = Base();
  text.replace(text.find("[contacts.columns]\n"), 19, "[contacts.columns]\nemail = \"text\"\n");
  EXPECT_THAT(ErrorOf(text), HasSubstr("contacts.columns.email: is a direct identifier"));
  text = Base() +
         "\n[mapping.crm]\nkind = \"flat\"\nrow_time_start = \"2024-01-01T00:00:00Z\"\n"
         "attributes = { phone = \"text\", is_minor = \"boolean\" }\n";
  std::string msg = ErrorOf(text);
  EXPECT_THAT(msg, HasSubstr("mapping.crm.attributes.phone: is a direct identifier"));
  EXPECT_THAT(msg, HasSubstr("mapping.crm.attributes.is_minor: is a direct identifier"));
}

TEST(ConfigTest, UnknownReferencesAreReported) {
  std::string text = Base() + "\n[targets.upsell]\npurpose = \"lunch\"\nfeatures = [\"nope\"]\n";
  std::string msg = ErrorOf(text);
  EXPECT_THAT(msg, HasSubstr("targets.upsell.purpose: unknown purpose 'lunch'"));
  EXPECT_THAT(msg, HasSubstr("targets.upsell.features: unknown feature 'nope'"));
}

TEST(ConfigTest, EveryProblemIsListed) {
  std::string msg = ErrorOf("[ingest]\nmax_errors = \"x\"\nmax_field_bytes = false\nfoo = 1\n");
  EXPECT_EQ(std::count(msg.begin(), msg.end(), '\n'), 2) << msg;
}

TEST(SensitiveTermTest, SplitsWordsAndIgnoresLookalikes) {
  EXPECT_EQ(SensitiveTerm("age_band"), "age");
  EXPECT_EQ(SensitiveTerm("customerAge"), "age");
  EXPECT_EQ(SensitiveTerm("Geschlecht"), "geschlecht");
  EXPECT_EQ(SensitiveTerm("date_of_birth"), "date_of_birth");
  EXPECT_EQ(SensitiveTerm("is_trade_union_member"), "trade_union");
  EXPECT_TRUE(SensitiveTerm("Staatsangehörigkeit").has_value());
  for (const char* compound : {"Gesundheitszustand", "Altersgruppe", "Religionszugehoerigkeit",
                               "agegroup", "birthyear", "dateofbirth", "ethnische_herkunft"}) {
    EXPECT_TRUE(SensitiveTerm(compound).has_value()) << compound;
  }
  for (const char* ok : {"page_views", "usage", "mileage", "language", "stage", "message_count",
                         "pricing_views_30d", "careers_views_90d", "marital", "european_union",
                         "alternative_offer", "ageing_report"}) {
    EXPECT_EQ(SensitiveTerm(ok), std::nullopt) << ok;
  }
}

}  // namespace
}  // namespace candor::core

namespace candor::core {
namespace {

TEST(TrainingConfigTest, DefaultsAndRules) {
  auto r = ParseConfig(DefaultConfigText(), "candor.toml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->training.snapshot_months, 12);
  EXPECT_EQ(r->training.calibration, "isotonic");
  EXPECT_EQ(r->FindTarget("conversion")->snapshots, "monthly");
  EXPECT_EQ(ErrorOf("[training]\ncalibration = \"beta\"\n"),
            "candor.toml:2:15: training.calibration: must be \"isotonic\" or \"platt\"");
  EXPECT_THAT(ErrorOf("[training]\nsnapshot_months = 4\nvalid_months = 2\ntest_months = 2\n"),
              HasSubstr("training.snapshot_months: must exceed valid_months + test_months"));
  EXPECT_THAT(ErrorOf("[training]\neta = 0\n"), HasSubstr("training.eta: must be in (0, 1]"));
  EXPECT_THAT(ErrorOf("[training]\nrounds = 5\n"), HasSubstr("training.rounds: unknown key"));
  EXPECT_THAT(ErrorOf("[targets.x]\nsnapshots = \"weekly\"\n"),
              HasSubstr("targets.x.snapshots: must be \"monthly\" or \"outcomes\""));
}

}  // namespace
}  // namespace candor::core
