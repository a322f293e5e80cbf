#include "ingest/ingest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "ingest/fixture.h"

namespace candor::ingest::testing {
namespace {

using ::testing::HasSubstr;

std::int64_t Count(IngestFixture& fx, const std::string& table) {
  return fx.store().CountRows()->rows.at(table);
}

std::int64_t Scalar(IngestFixture& fx, const std::string& sql) {
  auto db = store::sqlite::Db::Open((fx.dir() / "candor.db").string(), false);
  auto s = (*db)->Prepare(sql);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(*s->Step());
  return s->Int(0);
}

TEST(IngestTest, BaseFixtureImports) {
  IngestFixture fx("base");
  fx.AddBase();
  EXPECT_EQ(Count(fx, "accounts"), 2);
  EXPECT_EQ(Count(fx, "subjects"), 2);
  EXPECT_EQ(Count(fx, "vault"), 2);
  EXPECT_EQ(Count(fx, "subject_keys"), 2);
  EXPECT_EQ(Count(fx, "blind_index"), 4);  // contact id and email of each
}

TEST(IngestTest, EntitiesAreUpsertedLastRowWins) {
  IngestFixture fx("upsert");
  fx.AddBase();
  auto r = fx.Ingest(Kind::kAccounts, {fx.Write("a.csv",
      "account_id,name,industry,employees,annual_revenue,country,status,created_at\n"
      "A3,Eins GmbH,retail,1,,DE,prospect,2025-01-01T00:00:00Z\n"
      "A3,Zwei GmbH,retail,2,,DE,customer,2025-01-01T00:00:00Z\n"
      "A1,Nordlicht Systems GmbH,software,130,,DE,customer,2025-01-01T00:00:00Z\n")});
  ASSERT_TRUE(r.committed);
  EXPECT_EQ(r.inserted, 1);
  EXPECT_EQ(r.updated, 2);
  EXPECT_EQ(Scalar(fx, "SELECT employees FROM accounts WHERE account_id = 'A3'"), 2);
  EXPECT_EQ(Scalar(fx, "SELECT employees FROM accounts WHERE account_id = 'A1'"), 130);
}

TEST(IngestTest, ContactEmailChangeMovesTheBlindIndex) {
  IngestFixture fx("email_change");
  fx.AddBase();
  auto r = fx.Ingest(Kind::kContacts, {fx.Write("c.csv",
      "contact_id,account_id,email,first_name,last_name,job_title,seniority,department,"
      "country,created_at\n"
      "C1,A1,anna@new.example,Anna,Berg,CTO,c_level,it,DE,2025-01-02T00:00:00Z\n")});
  ASSERT_TRUE(r.committed) << (r.errors.empty() ? "" : FormatError(r.errors[0]));
  EXPECT_EQ(r.updated, 1);
  EXPECT_EQ(Count(fx, "blind_index"), 4);
  // The old address is free again: another contact may take it.
  auto r2 = fx.Ingest(Kind::kContacts, {fx.Write("c2.csv",
      "contact_id,account_id,email,first_name,last_name,job_title,seniority,department,"
      "country,created_at\n"
      "C3,A1,anna.berg@nordlicht.example,Anne,Berg,CTO,c_level,it,DE,2025-01-02T00:00:00Z\n")});
  EXPECT_TRUE(r2.committed);
}

TEST(IngestTest, EventsAreDeduplicatedAndQueryStringsDropped) {
  IngestFixture fx("events");
  fx.AddBase();
  std::string f = fx.Write("e.csv",
      "contact_id,type,ts,event_id,url,campaign_id,value\n"
      "C1,page_view,2026-01-05T10:00:00Z,E1,/pricing?email=anna.berg%40nordlicht.example#top,,\n"
      "C1,page_view,2026-01-05T10:00:00Z,E1,/pricing,,\n"
      "C2,order,2026-01-05T10:00:00+01:00,E2,,CMP-1,99.5\n"
      "C2,order,2026-01-05T10:00:00+01:00,,,CMP-1,99.5\n");
  auto r = fx.Ingest(Kind::kEvents, {f});
  ASSERT_TRUE(r.committed);
  EXPECT_EQ(r.rows, 4);
  EXPECT_EQ(r.inserted, 3);
  EXPECT_EQ(r.duplicates, 1);
  EXPECT_EQ(Scalar(fx, "SELECT count(*) FROM urls WHERE url = '/pricing'"), 1);
  EXPECT_EQ(Scalar(fx, "SELECT count(*) FROM urls WHERE url LIKE '%@%' OR url LIKE '%40%'"), 0);
  // +01:00 is converted to UTC.
  EXPECT_EQ(Scalar(fx, "SELECT ts FROM events WHERE event_id = 'E2'"), 1767607200000 - 3600000);
}

TEST(IngestTest, NdjsonAndGzipImportLikeCsv) {
  IngestFixture fx("ndjson");
  fx.AddBase();
  auto r = fx.Ingest(Kind::kEvents, {fx.Write("e.ndjson",
      "{\"contact_id\":\"C1\",\"type\":\"webinar\",\"ts\":\"2026-01-05T10:00:00Z\",\"value\":null}\n"
      "{\"contact_id\":\"C2\",\"type\":\"order\",\"ts\":\"2026-01-06T10:00:00Z\",\"value\":12.5}\n")});
  ASSERT_TRUE(r.committed) << (r.errors.empty() ? "" : FormatError(r.errors[0]));
  EXPECT_EQ(r.inserted, 2);
  std::string gz = (fx.dir() / "e.csv.gz").string();
  gzFile g = gzopen(gz.c_str(), "wb");
  std::string text = "contact_id,type,ts\nC1,email_open,2026-01-07T10:00:00Z\n";
  gzwrite(g, text.data(), static_cast<unsigned>(text.size()));
  gzclose(g);
  auto r2 = fx.Ingest(Kind::kEvents, {gz});
  ASSERT_TRUE(r2.committed) << (r2.errors.empty() ? "" : FormatError(r2.errors[0]));
  EXPECT_EQ(Count(fx, "events"), 3);
}

TEST(IngestTest, OneCallIsOneTransactionAcrossFiles) {
  IngestFixture fx("atomic");
  fx.AddBase();
  std::string good = fx.Write("good.csv", "contact_id,type,ts\nC1,webinar,2026-01-05T10:00:00Z\n");
  std::string bad = fx.Write("bad.csv", "contact_id,type,ts\nC1,webinar,2026-01-05\n");
  std::string before = fx.Dump();
  auto r = fx.Ingest(Kind::kEvents, {good, bad});
  EXPECT_FALSE(r.committed);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(std::filesystem::path(r.errors[0].file).filename(), "bad.csv");
  EXPECT_EQ(fx.Dump(), before);
}

TEST(IngestTest, ErrorsBeyondTheLimitAreCounted) {
  IngestFixture fx("limit");
  fx.AddBase();
  fx.config().max_errors = 3;
  std::string text = "contact_id,type,ts\n";
  for (int i = 0; i < 10; ++i) text += "C404,webinar,2026-01-05T10:00:00Z\n";
  auto r = fx.Ingest(Kind::kEvents, {fx.Write("e.csv", text)});
  EXPECT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors_total, 10);
  EXPECT_EQ(r.rejected, 10);
}

TEST(IngestTest, ConsentEventsAreRecordedOnceAndDeriveTheState) {
  IngestFixture fx("consents");
  fx.AddBase();
  std::string f = fx.Write("c.csv",
      "contact_id,purpose,action,legal_basis,source,ts,method,notice_version,evidence\n"
      "C1,profiling,grant,consent,web_form,2026-01-01T00:00:00Z,double_opt_in,2025-01,ab12\n"
      "C2,profiling,grant,consent,web_form,2026-01-01T00:00:00Z,checkbox,2025-01,\n"
      "C2,profiling,withdraw,consent,email_link,2026-02-01T00:00:00Z,,,\n");
  ASSERT_TRUE(fx.Ingest(Kind::kConsents, {f}).committed);
  auto again = fx.Ingest(Kind::kConsents, {f});
  EXPECT_EQ(again.duplicates, 3);
  std::vector<store::SubjectKey> eligible;
  ASSERT_TRUE(fx.store()
                  .ForEachEligibleSubject("profiling", 1'775'000'000'000,
                                          [&](const store::EligibleSubject& e) {
                                            eligible.push_back(e.key);
                                            return core::Status::Ok();
                                          })
                  .ok());
  EXPECT_EQ(eligible.size(), 1u);  // C2 withdrew on 2026-02-01
}

TEST(IngestTest, FlatRowsBecomeSubjectsWithAttributesProtectedBandsOutcomesAndBasis) {
  IngestFixture fx("flat");
  core::MappingConfig m;
  m.name = "crm";
  m.kind = core::MappingKind::kFlat;
  m.delimiter = ';';
  m.id_prefix = "crm-";
  m.row_time_start = "2024-01-01T00:00:00Z";
  m.row_time_step_seconds = 3600;
  m.attributes = {{"plan", core::ValueType::kCategorical}, {"seats", core::ValueType::kInteger}};
  m.protected_columns = {{"age", "age_band", {25, 60}}};
  m.ignore = {"notes"};
  m.outcome_column = "y";
  m.outcome_target = "conversion";
  m.outcome_values = {{"yes", 1}, {"no", 0}};
  m.purposes = {"profiling"};
  fx.config().mappings.push_back(m);
  auto r = fx.Ingest(Kind::kFlat, {fx.Write("x.csv",
      "\"plan\";\"seats\";\"age\";\"notes\";\"y\"\n"
      "\"pro\";5;24;\"n/a\";\"yes\"\n\"free\";1;60;\"\";\"no\"\n\"pro\";;41;\"\";\"no\"\n")});
  ASSERT_TRUE(r.committed) << (r.errors.empty() ? "" : FormatError(r.errors[0]));
  EXPECT_EQ(r.inserted, 3);
  EXPECT_EQ(Count(fx, "subjects"), 3);
  EXPECT_EQ(Count(fx, "subject_attributes"), 5);  // one seats value is empty
  EXPECT_EQ(Scalar(fx, "SELECT count(*) FROM protected_attributes WHERE value = '<25'"), 1);
  EXPECT_EQ(Scalar(fx, "SELECT count(*) FROM protected_attributes WHERE value = '60+'"), 1);
  EXPECT_EQ(Scalar(fx, "SELECT count(*) FROM protected_attributes WHERE value = '25-59'"), 1);
  EXPECT_EQ(Scalar(fx, "SELECT sum(value) FROM outcomes"), 1);
  EXPECT_EQ(Scalar(fx, "SELECT max(ts) - min(ts) FROM outcomes"), 2 * 3600 * 1000);
  EXPECT_EQ(Scalar(fx, "SELECT count(*) FROM consent_events WHERE source LIKE 'import:%' AND "
                       "length(source) = 71 AND action = 'grant' AND purpose = 'profiling'"),
            3);
  // An empty cell in a later import clears the stored value (last row wins).
  auto cleared = fx.Ingest(Kind::kFlat, {fx.Write("x1.csv",
      "\"plan\";\"seats\";\"age\";\"notes\";\"y\"\n\"\";5;24;\"n/a\";\"yes\"\n")});
  ASSERT_TRUE(cleared.committed);
  EXPECT_EQ(Count(fx, "subject_attributes"), 4);
  // Same file again: the same subjects (ids from row numbers), nothing new.
  auto again = fx.Ingest(Kind::kFlat, {fx.Write("x2.csv",
      "\"plan\";\"seats\";\"age\";\"notes\";\"y\"\n"
      "\"pro\";5;24;\"n/a\";\"yes\"\n\"free\";1;60;\"\";\"no\"\n\"pro\";;41;\"\";\"no\"\n")});
  EXPECT_EQ(again.updated, 3);
  EXPECT_EQ(Count(fx, "subjects"), 3);
}

TEST(IngestTest, AFlatRowForAnExistingContactKeepsItsIdentifiersAndRecord) {
  IngestFixture fx("flat_existing");
  fx.AddBase();
  core::MappingConfig m;
  m.name = "crm";
  m.kind = core::MappingKind::kFlat;
  m.id_column = "id";
  m.time_column = "ts";
  m.attributes = {{"plan", core::ValueType::kCategorical}};
  m.purposes = {"profiling"};
  fx.config().mappings.push_back(m);
  auto r = fx.Ingest(Kind::kFlat, {fx.Write("x.csv", "id,ts,plan\nC1,2026-01-01T00:00:00Z,pro\n")});
  ASSERT_TRUE(r.committed) << (r.errors.empty() ? "" : FormatError(r.errors[0]));
  EXPECT_EQ(r.updated, 1);
  EXPECT_EQ(Count(fx, "subjects"), 2);
  EXPECT_EQ(Count(fx, "blind_index"), 4);  // the email is still found
  EXPECT_EQ(Scalar(fx, "SELECT count(*) FROM subjects WHERE seniority = 'c_level' AND "
                       "account_id = 'A1'"),
            1);
  EXPECT_EQ(Scalar(fx, "SELECT count(*) FROM subject_attributes WHERE name = 'plan'"), 1);
}

TEST(IngestTest, RowNumberedMappingsTakeOneFilePerCall) {
  IngestFixture fx("flat_rows");
  core::MappingConfig m;
  m.name = "rows";
  m.kind = core::MappingKind::kFlat;
  m.row_time_start = "2024-01-01T00:00:00Z";
  m.attributes = {{"plan", core::ValueType::kCategorical}};
  fx.config().mappings.push_back(m);
  Request req;
  req.kind = Kind::kFlat;
  req.files = {fx.Write("a.csv", "plan\npro\n"), fx.Write("b.csv", "plan\nfree\n")};
  privacy::Vault vault(FixedKeys());
  auto rep = ingest::Run(fx.store(), fx.config(), vault, fx.ledger(), req);
  ASSERT_FALSE(rep.ok());
  EXPECT_THAT(rep.status().message(), HasSubstr("import one file per call"));
}

TEST(IngestTest, TransactionsBecomeOrderEventsPerCustomer) {
  IngestFixture fx("tx");
  core::MappingConfig m;
  m.name = "shop";
  m.kind = core::MappingKind::kTransactions;
  m.id_column = "Customer";
  m.id_prefix = "shop-";
  m.missing_id = "skip";
  m.time_column = "Date";
  m.source_time_zone = "Europe/London";
  m.invoice_column = "Invoice";
  m.item_column = "Item";
  m.quantity_column = "Qty";
  m.price_column = "Price";
  m.cancellation_prefix = "C";
  m.legal_basis = core::LegalBasis::kLegitimateInterest;
  m.purposes = {"segmentation"};
  fx.config().mappings.push_back(m);
  std::string text =
      "Invoice,Item,Qty,Date,Price,Customer\n"
      "100,A,2,2011-07-01 10:00:00,1.5,17\n"
      "100,A,1,2011-07-01 10:00:00,1.5,17\n"
      "100,B,1,2011-07-01 10:00:00,4,17\n"
      "101,A,1,2011-12-01 10:00:00,1.5,\n"
      "C102,B,-1,2011-12-02 09:00:00,4,18\n";
  auto r = fx.Ingest(Kind::kTransactions, {fx.Write("t.csv", text)});
  ASSERT_TRUE(r.committed) << (r.errors.empty() ? "" : FormatError(r.errors[0]));
  EXPECT_EQ(r.inserted, 4);
  EXPECT_EQ(r.skipped, 1);
  EXPECT_EQ(Count(fx, "subjects"), 2);
  EXPECT_EQ(Scalar(fx, "SELECT count(*) FROM events e JOIN event_types t ON t.id = e.type_id "
                       "WHERE t.name = 'cancellation'"),
            1);
  // BST in July: 10:00 London is 09:00 UTC; GMT in December.
  EXPECT_EQ(Scalar(fx, "SELECT min(ts) FROM events"), 1309510800000);
  EXPECT_EQ(Scalar(fx, "SELECT max(ts) FROM events"), 1322816400000);
  EXPECT_EQ(Scalar(fx, "SELECT CAST(sum(value) * 10 AS INTEGER) FROM events"), 45);
  // Idempotent: the same export again adds nothing.
  auto again = fx.Ingest(Kind::kTransactions, {fx.Write("t2.csv", text)});
  EXPECT_EQ(again.inserted, 0);
  EXPECT_EQ(again.duplicates, 4);
}

TEST(IngestTest, MappingChoiceErrorsAreClear) {
  IngestFixture fx("mapping_choice");
  Request r;
  r.kind = Kind::kFlat;
  r.files = {fx.Write("x.csv", "a\n1\n")};
  privacy::Vault vault(FixedKeys());
  auto rep = ingest::Run(fx.store(), fx.config(), vault, fx.ledger(), r);
  ASSERT_FALSE(rep.ok());
  EXPECT_THAT(rep.status().message(), HasSubstr("has no flat mapping"));
  r.mapping = "nope";
  rep = ingest::Run(fx.store(), fx.config(), vault, fx.ledger(), r);
  EXPECT_THAT(rep.status().message(), HasSubstr("no mapping 'nope'"));
}

}  // namespace
}  // namespace candor::ingest::testing
