// Real public datasets through the shipped mappings (examples/): UCI Bank
// Marketing as a flat export, UCI Online Retail as transactions. The committed
// subsets (tests/data) always run; the full files run where ../shared/data is.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

#include "integration/cli_helpers.h"
#include "store/sqlite.h"

namespace candor::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = CANDOR_SOURCE_DIR;
const fs::path kShared = kSource.parent_path() / "shared" / "data";

double Query(const fs::path& ws, const std::string& sql) {
  auto db = store::sqlite::Db::Open((ws / "candor.db").string(), false);
  EXPECT_TRUE(db.ok());
  auto s = (*db)->Prepare(sql);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(*s->Step());
  return s->Double(0);
}

struct Imported {
  fs::path ws;
  nlohmann::json report;
};

Imported Import(const std::string& name, const std::string& kind, const fs::path& file,
                const std::string& mapping) {
  Imported out;
  out.ws = FreshDir(name) / "ws";
  EXPECT_EQ(RunCandor({"init", out.ws.string()}).exit_code, 0);
  auto r = RunCandor({"--workspace", out.ws.string(), "--json", "ingest", kind, file.string(),
                      "--mapping", (kSource / "examples" / mapping).string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  out.report = nlohmann::json::parse(r.out, nullptr, false);
  return out;
}

void CheckBank(const fs::path& file, int rows, int yes, int under25, int over60) {
  auto im = Import("bank", "flat", file, "bank-marketing.toml");
  EXPECT_EQ(im.report["rows"], rows);
  EXPECT_EQ(im.report["inserted"], rows);
  EXPECT_EQ(im.report["mapping"], "bank");
  EXPECT_EQ(Query(im.ws, "SELECT count(*) FROM subjects"), rows);
  EXPECT_EQ(Query(im.ws, "SELECT sum(value) FROM outcomes WHERE target = 'conversion'"), yes);
  // Age is only a protected attribute, banded; never an attribute; duration is not imported.
  EXPECT_EQ(Query(im.ws, "SELECT count(*) FROM protected_attributes WHERE attribute = 'age_band' "
                         "AND value = '<25'"),
            under25);
  EXPECT_EQ(Query(im.ws, "SELECT count(*) FROM protected_attributes WHERE value = '60+'"), over60);
  EXPECT_EQ(Query(im.ws, "SELECT count(*) FROM subject_attributes WHERE name IN ('age', 'duration')"),
            0);
  EXPECT_EQ(Query(im.ws, "SELECT count(DISTINCT name) FROM subject_attributes"), 14);
  // One basis event per subject, naming the file by its hash.
  EXPECT_EQ(Query(im.ws, "SELECT count(*) FROM consent_events WHERE purpose = 'profiling' AND "
                         "source LIKE 'import:%'"),
            rows);
}

void CheckRetail(const fs::path& file, int with_customer, int customers, double value,
                 int cancellations, int skipped) {
  auto im = Import("retail", "transactions", file, "online-retail.toml");
  EXPECT_EQ(im.report["inserted"], with_customer);
  EXPECT_EQ(im.report["skipped"], skipped);
  EXPECT_EQ(Query(im.ws, "SELECT count(*) FROM subjects"), customers);
  EXPECT_EQ(Query(im.ws, "SELECT count(*) FROM events"), with_customer);
  EXPECT_NEAR(Query(im.ws, "SELECT sum(value) FROM events"), value, 0.01);
  EXPECT_EQ(Query(im.ws, "SELECT count(*) FROM events e JOIN event_types t ON t.id = e.type_id "
                         "WHERE t.name = 'cancellation'"),
            cancellations);
}

TEST(DatasetsTest, BankMarketingSubsetImportsAsAFlatExport) {
  CheckBank(kSource / "tests/data/bank-marketing/bank-full-2000.csv", 2000, 46, 20, 25);
}

TEST(DatasetsTest, OnlineRetailSubsetImportsAsTransactions) {
  CheckRetail(kSource / "tests/data/online-retail/online_retail-20000.csv.gz", 13347, 559,
              282093.16, 230, 20000 - 13347);
}

TEST(DatasetsTest, FullBankMarketingImports) {
  if (!fs::exists(kShared)) GTEST_SKIP() << kShared << " is not here";
  // The dataset's documented facts: 45,211 rows, 5,289 yes.
  CheckBank(kShared / "bank-marketing/bank-full.csv", 45211, 5289, 809, 1784);
}

TEST(DatasetsTest, FullOnlineRetailImports) {
  if (!fs::exists(kShared)) GTEST_SKIP() << kShared << " is not here";
  // The dataset's documented facts: 406,829 rows with a CustomerID, 4,372 customers.
  CheckRetail(kShared / "online-retail/online_retail.csv.gz", 406829, 4372, 8300065.814, 8905,
              541909 - 406829);
}

}  // namespace
}  // namespace candor::testing
