// Every committed import is recorded in the ledger, in its own transaction; a refused
// import records nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/fixture.h"
#include "ingest/ingest.h"
#include "ledger/entry.h"
#include "ledger/ledger.h"

namespace candor::ingest::testing {
namespace {

using ::testing::HasSubstr;

TEST(IngestLedgerTest, ACommittedImportIsRecordedAndSigned) {
  IngestFixture fx("ledger_record");
  const std::string file = fx.Write("accounts.csv",
      "account_id,name,industry,employees,annual_revenue,country,status,created_at\n"
      "A1,Nordlicht Systems GmbH,software,120,1.5e7,DE,customer,2025-01-01T00:00:00Z\n");
  Report r = fx.Ingest(Kind::kAccounts, {file});
  ASSERT_TRUE(r.committed);

  auto head = fx.ledger().Head();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, 1u);
  auto proof = fx.ledger().Proof(0);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  auto entry = ledger::ParseEntry(proof->entry);
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_EQ(entry->type, "ingest");
  EXPECT_EQ(entry->time, 1'780'000'000'000);  // the request's `now`
  EXPECT_FALSE(entry->actor.empty());
  EXPECT_TRUE(entry->subject.empty());
  EXPECT_THAT(proof->entry, ::testing::Not(HasSubstr("accounts.csv")));  // no paths

  auto verify = fx.ledger().Verify();
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok) << verify->reason;
}

TEST(IngestLedgerTest, ARefusedImportRecordsNothing) {
  IngestFixture fx("ledger_refused");
  Report r = fx.Ingest(Kind::kAccounts, {fx.Write("bad.csv", "account_id,name\nA1,x\n")});
  EXPECT_FALSE(r.committed);
  auto head = fx.ledger().Head();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, 0u);
}

}  // namespace
}  // namespace candor::ingest::testing
