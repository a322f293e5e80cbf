#include "ledger/ledger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/canonical_json.h"
#include "ledger/entry.h"
#include "ledger/ledger_json.h"
#include "store/sqlite.h"
#include "store/sqlite_store.h"

namespace candor::ledger {
namespace {

namespace fs = std::filesystem;
using core::StatusCode;
using ::testing::HasSubstr;

constexpr core::Instant kT0 = 1'780'000'000'000;

core::WorkspaceKeys Keys(std::uint8_t seed) {
  core::WorkspaceKeys k;
  k.signing_seed.fill(seed);
  return k;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const fs::path& p) {
  std::vector<std::string> out;
  std::ifstream in(p, std::ios::binary);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("ledger_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
            "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Reopen();
  }
  void TearDown() override {
    ledger_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  std::string DbPath() const { return (dir_ / "candor.db").string(); }

  void Reopen(std::uint8_t key = 1) {
    ledger_.reset();
    store_.reset();
    store::SqliteOptions o;
    o.create = true;
    auto s = store::OpenSqliteStore(DbPath(), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    auto l = Ledger::Open(*store_, Keys(key), "candor.test/ledger");
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger_ = std::make_unique<Ledger>(std::move(l).value());
  }

  EntryInput Input(std::uint64_t n) {
    EntryInput e;
    e.type = "test.event";
    e.time = kT0 + static_cast<core::Instant>(n) * 1000;
    e.actor = "tester";
    if (n % 2 == 0) e.subject = core::SubjectId::Random();
    if (n % 3 == 0) e.model = "model-" + std::to_string(n);
    e.payload = {{"n", n}, {"label", "entry " + std::to_string(n)}};
    return e;
  }

  // Appends `count` entries in one transaction and signs the head.
  SignedHead Commit(std::uint64_t count) {
    auto tx = store_->BeginWrite();
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    std::vector<EntryInput> batch;
    for (std::uint64_t i = 0; i < count; ++i) batch.push_back(Input(next_++));
    auto first = ledger_->AppendBatch(batch);
    EXPECT_TRUE(first.ok()) << first.status().ToString();
    auto head = ledger_->SignHead();
    EXPECT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_TRUE((*tx)->Commit().ok());
    heads_.push_back(*head);
    return *head;
  }

  // Runs SQL on the file through a second connection, as someone with the file would.
  void Tamper(const std::string& sql) {
    auto db = store::sqlite::Db::Open(DbPath(), false);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    core::Status s = (*db)->Exec(sql);
    ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << sql;
  }

  VerifyReport Verify() {
    auto r = ledger_->Verify();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : VerifyReport{};
  }

  void ExpectDamage(std::optional<std::uint64_t> index, std::string_view reason) {
    VerifyReport r = Verify();
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_bad_index, index) << r.reason;
    EXPECT_THAT(r.reason, HasSubstr(std::string(reason)));
  }

  // The stored entry text of `index`.
  std::string EntryText(std::uint64_t index) {
    auto p = ledger_->Proof(index);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? p->entry : "";
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Ledger> ledger_;
  std::uint64_t next_ = 0;
  std::vector<SignedHead> heads_;
};

// --- appending and signing --------------------------------------------------------

TEST_F(LedgerTest, AnEmptyLogHasASignedEmptyHead) {
  auto head = ledger_->Head();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, 0u);
  EXPECT_EQ(head->root, EmptyRoot());
  EXPECT_FALSE(head->timestamp.has_value());
  EXPECT_TRUE(VerifySignature(head->public_key, head->checkpoint, head->signature).ok());
  EXPECT_TRUE(Verify().ok);
}

TEST_F(LedgerTest, AppendsSignsAndReportsTheHead) {
  SignedHead head = Commit(3);
  EXPECT_EQ(head.size, 3u);
  EXPECT_EQ(head.origin, "candor.test/ledger");
  EXPECT_EQ(head.timestamp, kT0 + 2000);
  std::vector<Hash> leaves;
  for (std::uint64_t i = 0; i < 3; ++i) leaves.push_back(LeafHash(EntryText(i)));
  EXPECT_EQ(head.root, RootFromLeaves(leaves));
  EXPECT_EQ(head.checkpoint, CheckpointBody("candor.test/ledger", 3, head.root));
  EXPECT_TRUE(VerifySignature(head.public_key, head.checkpoint, head.signature).ok());

  auto again = ledger_->Head();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->root, head.root);
  EXPECT_EQ(again->signature, head.signature);
  EXPECT_EQ(again->timestamp, head.timestamp);

  VerifyReport r = Verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.size, 3u);
  EXPECT_EQ(r.heads, 1u);
  EXPECT_EQ(r.verified_size, 3u);
}

TEST_F(LedgerTest, EntriesAreCanonicalJsonCommittingToTheirPayload) {
  Commit(4);
  const std::string text = EntryText(3);
  auto fields = ParseEntry(text);
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  EXPECT_EQ(fields->index, 3u);
  EXPECT_EQ(fields->type, "test.event");
  EXPECT_EQ(fields->model, "model-3");
  EXPECT_TRUE(fields->subject.empty());
  const std::string payload = *CanonicalJson(Input(3).payload);
  EXPECT_EQ(payload, R"({"label":"entry 3","n":3})");
  EXPECT_EQ(fields->payload_sha256,
            Sha256({reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}));
  EXPECT_EQ(*CanonicalJson(nlohmann::json::parse(text)), text);
  EXPECT_EQ(ParseEntry(EntryText(0))->subject.size(), 32u);
}

TEST_F(LedgerTest, SigningWithoutNewEntriesReturnsTheSameHead) {
  SignedHead first = Commit(2);
  auto tx = store_->BeginWrite();
  auto same = ledger_->SignHead();
  ASSERT_TRUE(same.ok());
  ASSERT_TRUE((*tx)->Commit().ok());
  EXPECT_EQ(same->size, first.size);
  EXPECT_EQ(same->signature, first.signature);
  EXPECT_EQ(Verify().heads, 1u);
}

TEST_F(LedgerTest, AppendsOutsideATransactionAreRefused) {
  auto r = ledger_->Append(Input(0));
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger_->SignHead().status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(LedgerTest, ARolledBackTransactionTakesItsEntriesAlong) {
  Commit(2);
  {
    auto tx = store_->BeginWrite();
    ASSERT_TRUE(ledger_->Append(Input(100)).ok());
    ASSERT_TRUE(ledger_->Append(Input(101)).ok());
    ASSERT_TRUE(ledger_->SignHead().ok());
  }  // rolled back
  auto tx = store_->BeginWrite();
  auto index = ledger_->Append(Input(2));
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(*index, 2u);
  ASSERT_TRUE(ledger_->SignHead().ok());
  ASSERT_TRUE((*tx)->Commit().ok());
  VerifyReport r = Verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.size, 3u);
}

TEST_F(LedgerTest, EntriesCommittedWithoutAHeadAreNotBuiltOn) {
  Commit(2);
  {
    auto tx = store_->BeginWrite();
    ASSERT_TRUE(ledger_->Append(Input(2)).ok());
    ASSERT_TRUE((*tx)->Commit().ok());  // no SignHead: a bug in a caller
  }
  ExpectDamage(2, "not covered by a signed tree head");
  Reopen();
  auto tx = store_->BeginWrite();
  auto r = ledger_->Append(Input(3));
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(r.status().message(), HasSubstr("ledger verify"));
}

TEST_F(LedgerTest, ResumesAfterReopeningFromTheStoredPeaks) {
  Commit(5);
  Reopen();
  Commit(6);
  Reopen();
  SignedHead head = Commit(1);
  EXPECT_EQ(head.size, 12u);
  VerifyReport r = Verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.heads, 3u);
}

TEST_F(LedgerTest, InvalidEntriesAreRefusedAndNothingIsAppended) {
  Commit(1);
  auto tx = store_->BeginWrite();
  EntryInput bad = Input(9);
  bad.payload = {{"note", "write to jane.doe@example.com"}};
  auto r = ledger_->AppendBatch(std::vector<EntryInput>{Input(1), bad});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("/note"));
  EXPECT_THAT(r.status().message(), ::testing::Not(HasSubstr("jane")));
  bad = Input(9);
  bad.payload = {{"email", "x"}};
  EXPECT_EQ(ledger_->Append(bad).status().code(), StatusCode::kInvalidArgument);
  bad = Input(9);
  bad.payload = nlohmann::json::array({1, 2});
  EXPECT_THAT(ledger_->Append(bad).status().message(), HasSubstr("JSON object"));
  bad = Input(9);
  bad.type = "Not A Type";
  EXPECT_EQ(ledger_->Append(bad).status().code(), StatusCode::kInvalidArgument);
  bad = Input(9);
  bad.actor = "ops@example.com";
  EXPECT_EQ(ledger_->Append(bad).status().code(), StatusCode::kInvalidArgument);
  bad = Input(9);
  bad.payload = {{"big", 9007199254740993LL}};  // beyond 2^53: not an exact JSON number
  EXPECT_EQ(ledger_->Append(bad).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(ledger_->SignHead().ok());
  ASSERT_TRUE((*tx)->Commit().ok());
  VerifyReport v = Verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.size, 1u);
}

TEST_F(LedgerTest, OpenRefusesAnOriginC2spDoesNotAllow) {
  auto l = Ledger::Open(*store_, Keys(1), "has space");
  EXPECT_EQ(l.status().code(), StatusCode::kInvalidArgument);
  // Once stored, the origin is the store's, whatever the caller proposes.
  Commit(1);
  auto again = Ledger::Open(*store_, Keys(1), "other/origin");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->origin(), "candor.test/ledger");
}

TEST(OriginTest, ReplacesWhatAnOriginMayNotHold) {
  EXPECT_EQ(OriginFor("candor", "0a1b"), "candor/0a1b");
  EXPECT_EQ(OriginFor("ACME marketing+sales", "0a1b"), "ACME-marketing-sales/0a1b");
  EXPECT_TRUE(ValidateOrigin(OriginFor("Nordlicht\xC2\xA0GmbH\t", "x")).ok());
  EXPECT_TRUE(ValidateOrigin(OriginFor("Müller KG", "x")).ok());
  EXPECT_EQ(OriginFor("Müller KG", "x"), "Müller-KG/x");
}

TEST(ActorTest, TheDefaultActorIsAValidActor) {
  EntryFields f;
  f.type = "x";
  f.actor = DefaultActor();
  EXPECT_TRUE(ValidateEntryFields(f).ok()) << f.actor;
}

// --- proofs -------------------------------------------------------------------------

TEST_F(LedgerTest, InclusionProofsVerifyAgainstEveryHead) {
  for (std::uint64_t batch : std::initializer_list<std::uint64_t>{1, 2, 3, 5, 8, 13}) Commit(batch);
  for (const SignedHead& head : heads_) {
    for (std::uint64_t i = 0; i < head.size; ++i) {
      auto p = ledger_->Proof(i, head.size);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      EXPECT_EQ(p->root, head.root);
      EXPECT_EQ(p->leaf_hash, LeafHash(p->entry));
      EXPECT_TRUE(VerifyInclusion(i, head.size, p->leaf_hash, p->path, head.root).ok())
          << i << " in " << head.size;
    }
  }
  auto latest = ledger_->Proof(4);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->size, 32u);  // defaults to the signed size
}

TEST_F(LedgerTest, ConsistencyProofsVerifyBetweenEveryPairOfHeads) {
  for (std::uint64_t batch : std::initializer_list<std::uint64_t>{1, 1, 2, 4, 7, 9}) Commit(batch);
  for (const SignedHead& m : heads_) {
    for (const SignedHead& n : heads_) {
      if (m.size > n.size) continue;
      auto c = ledger_->Consistency(m.size, n.size);
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      EXPECT_EQ(c->from_root, m.root);
      EXPECT_EQ(c->to_root, n.root);
      EXPECT_TRUE(VerifyConsistency(m.size, n.size, m.root, n.root, c->path).ok())
          << m.size << " -> " << n.size;
    }
  }
}

TEST_F(LedgerTest, ProofArgumentsOutsideTheLogAreInvalid) {
  Commit(5);
  EXPECT_EQ(ledger_->Proof(5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->Proof(2, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ledger_->Proof(0, 6).status().message(), HasSubstr("signed size 5"));
  EXPECT_THAT(ledger_->Consistency(0, 3).status().message(), HasSubstr("empty tree"));
  EXPECT_EQ(ledger_->Consistency(4, 3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->Consistency(1, 6).status().code(), StatusCode::kInvalidArgument);
  auto same = ledger_->Consistency(5, 5);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->path.empty());
}

TEST_F(LedgerTest, ProofsRefuseALogThatContradictsItsHead) {
  Commit(4);
  Tamper("DROP TRIGGER ledger_no_update; UPDATE ledger SET leaf = randomblob(32) WHERE idx = 1");
  EXPECT_EQ(ledger_->Proof(0).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ledger_->Consistency(1, 4).status().code(), StatusCode::kDataLoss);
}

// --- verification finds every kind of tampering -----------------------------------

class TamperTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    // Heads at 3, 7, 12, 13.
    for (std::uint64_t batch : std::initializer_list<std::uint64_t>{3, 4, 5, 1}) Commit(batch);
    VerifyReport r = Verify();
    ASSERT_TRUE(r.ok) << r.reason;
    ASSERT_EQ(r.heads, 4u);
  }
};

TEST_F(TamperTest, AChangedEntry) {
  Tamper("DROP TRIGGER ledger_no_update; "
         "UPDATE ledger SET entry = replace(entry, 'tester', 'tested') WHERE idx = 5");
  ExpectDamage(5, "the stored leaf hash of entry 5 does not match");
}

TEST_F(TamperTest, AChangedEntryWithItsLeafRecomputed) {
  std::string text = EntryText(5);
  text.replace(text.find("tester"), 6, "tested");
  const std::string leaf = ToHex(LeafHash(text));
  Tamper("DROP TRIGGER ledger_no_update; UPDATE ledger SET entry = '" + text + "', leaf = X'" +
         leaf + "' WHERE idx = 5");
  // Only the head over entries 3..6 can tell: the first entry it covers is named.
  ExpectDamage(3, "do not lead to the root of the signed tree head of size 7");
  EXPECT_EQ(Verify().verified_size, 3u);
}

TEST_F(TamperTest, ADeletedRow) {
  Tamper("DROP TRIGGER ledger_no_delete; DELETE FROM ledger WHERE idx = 4");
  ExpectDamage(4, "entry 4 is missing");
}

TEST_F(TamperTest, ADeletedRowWithTheRestRenumbered) {
  Tamper("DROP TRIGGER ledger_no_delete; DROP TRIGGER ledger_no_update; "
         "DELETE FROM ledger WHERE idx = 4; UPDATE ledger SET idx = idx - 1 WHERE idx > 4");
  ExpectDamage(4, "entry 4 holds the entry of index 5");
}

TEST_F(TamperTest, AnInsertedRow) {
  Tamper("INSERT INTO ledger SELECT 13, leaf, entry FROM ledger WHERE idx = 2");
  ExpectDamage(13, "entry 13 holds the entry of index 2");
}

TEST_F(TamperTest, AnInsertedWellFormedEntryWithoutAHead) {
  EntryFields f;
  f.index = 13;
  f.type = "decision";
  f.time = kT0;
  f.actor = "intruder";
  const std::string payload = "{}";
  f.payload_sha256 = Sha256({reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()});
  const std::string text = *FormatEntry(f);
  Tamper("INSERT INTO ledger VALUES (13, X'" + ToHex(LeafHash(text)) + "', '" + text +
         "'); INSERT INTO ledger_payloads VALUES (13, '{}')");
  ExpectDamage(13, "entry 13 is not covered by a signed tree head");
}

TEST_F(TamperTest, TwoRowsSwapped) {
  Tamper("DROP TRIGGER ledger_no_update; "
         "CREATE TEMP TABLE t AS SELECT * FROM ledger WHERE idx IN (2, 9); "
         "UPDATE ledger SET entry = (SELECT entry FROM t WHERE idx = 9), "
         "leaf = (SELECT leaf FROM t WHERE idx = 9) WHERE idx = 2; "
         "UPDATE ledger SET entry = (SELECT entry FROM t WHERE idx = 2), "
         "leaf = (SELECT leaf FROM t WHERE idx = 2) WHERE idx = 9;");
  ExpectDamage(2, "entry 2 holds the entry of index 9");
}

TEST_F(TamperTest, AChangedPayload) {
  Tamper("DROP TRIGGER ledger_payloads_no_update; "
         "UPDATE ledger_payloads SET payload = replace(payload, 'entry 8', 'entry 0') WHERE idx = 8");
  ExpectDamage(8, "the payload of entry 8 does not match its payload_sha256");
}

TEST_F(TamperTest, ADeletedPayload) {
  Tamper("DROP TRIGGER ledger_payloads_no_delete; DELETE FROM ledger_payloads WHERE idx = 6");
  ExpectDamage(6, "the payload of entry 6 is missing");
}

TEST_F(TamperTest, APayloadWithoutAnEntry) {
  Tamper("INSERT INTO ledger_payloads VALUES (40, '{}')");
  ExpectDamage(40, "a payload is stored for entry 40");
}

TEST_F(TamperTest, AForgedTreeHeadSignature) {
  Tamper("DROP TRIGGER tree_heads_no_update; "
         "UPDATE tree_heads SET signature = randomblob(64) WHERE size = 12");
  ExpectDamage(7, "the signature of the tree head of size 12 does not verify");
  EXPECT_EQ(Verify().verified_size, 7u);
}

TEST_F(TamperTest, AForgedTreeHeadRootSignedWithAnotherKey) {
  // A head for size 12 over a different root, properly signed, but not with our key.
  SigningKey other = *SigningKey::FromSeed(Keys(2).signing_seed);
  const Hash root = LeafHash("forged");
  const Signature sig = Sign(other, CheckpointBody("candor.test/ledger", 12, root));
  Tamper("DROP TRIGGER tree_heads_no_update; UPDATE tree_heads SET root = X'" + ToHex(root) +
         "', signature = X'" + ToHex(sig) + "' WHERE size = 12");
  ExpectDamage(7, "the signature of the tree head of size 12 does not verify");
}

TEST_F(TamperTest, AChangedTreeHeadTimestamp) {
  Tamper("DROP TRIGGER tree_heads_no_update; "
         "UPDATE tree_heads SET timestamp = timestamp - 1 WHERE size = 7");
  ExpectDamage(3, "the timestamp of the tree head of size 7");
}

TEST_F(TamperTest, ATruncatedLog) {
  Tamper("DROP TRIGGER ledger_no_delete; DROP TRIGGER ledger_payloads_no_delete; "
         "DELETE FROM ledger WHERE idx >= 10; DELETE FROM ledger_payloads WHERE idx >= 10");
  ExpectDamage(10, "the log ends after 10 entries but a signed tree head covers 13: entries 10 "
                   "to 12 were deleted");
}

TEST_F(TamperTest, AnUnparseableEntryIsAFindingNotACrash) {
  for (const char* garbage : {"not json", "{}", "", "\xFF\xFE", "[1,2,3]",
                              "{\"actor\":\"tester\",\"index\":11}"}) {
    Reopen();
    const std::string sql = std::string("DROP TRIGGER IF EXISTS ledger_no_update; "
                                        "UPDATE ledger SET entry = CAST(X'") +
                            ToHex(std::span(reinterpret_cast<const std::uint8_t*>(garbage),
                                            std::strlen(garbage))) +
                            "' AS TEXT) WHERE idx = 11";
    Tamper(sql);
    ExpectDamage(11, "entry 11 cannot be parsed");
  }
}

TEST_F(TamperTest, AnEntryStoredAsABlobOrWithAWrongLengthLeaf) {
  Tamper("PRAGMA ignore_check_constraints = ON; DROP TRIGGER ledger_no_update; "
         "UPDATE ledger SET leaf = X'0102' WHERE idx = 1");
  ExpectDamage(1, "the stored leaf hash of entry 1");
}

TEST_F(TamperTest, ANegativeIndex) {
  Tamper("PRAGMA ignore_check_constraints = ON; "
         "INSERT INTO ledger SELECT -1, leaf, entry FROM ledger WHERE idx = 0");
  ExpectDamage(0, "entry 0 is missing (the next stored index is -1)");
}

TEST_F(TamperTest, TamperedPeaksAreFoundAndRefusedByTheNextAppend) {
  Tamper("UPDATE ledger_peaks SET hash = randomblob(32) WHERE level = 0");
  ExpectDamage(std::nullopt, "peaks");
  Reopen();
  auto tx = store_->BeginWrite();
  auto r = ledger_->Append(Input(99));
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
}

TEST_F(TamperTest, AChangedOriginOrKeyBreaksEverySignature) {
  Tamper("UPDATE meta SET value = 'candor.test/other' WHERE key = 'ledger_origin'");
  Reopen();
  ExpectDamage(0, "the signature of the tree head of size 3 does not verify");
  Tamper("UPDATE meta SET value = 'candor.test/ledger' WHERE key = 'ledger_origin'");
  Reopen(/*key=*/2);
  ExpectDamage(0, "does not verify");
  EXPECT_EQ(ledger_->Head().status().code(), StatusCode::kDataLoss);
}

TEST_F(LedgerTest, VerifiesAcrossChunkBoundariesAndNamesTheExactRow) {
  // 40,877 entries: read in chunks of 1,024, then 16,384 (ledger_verify.cc).
  for (int i = 0; i < 41; ++i) Commit(997);
  VerifyReport r = Verify();
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.size, 40'877u);
  EXPECT_EQ(r.heads, 41u);
  Tamper("DROP TRIGGER ledger_payloads_no_update; "
         "UPDATE ledger_payloads SET payload = '{}' WHERE idx = 17408");  // a chunk's first
  ExpectDamage(17'408, "payload of entry 17408");
  Tamper("UPDATE ledger_payloads SET payload = '{}' WHERE idx = 17407");  // the chunk before's last
  ExpectDamage(17'407, "payload of entry 17407");
}

// --- export -------------------------------------------------------------------------

TEST_F(LedgerTest, ExportHoldsWhatAnAuditorNeeds) {
  for (std::uint64_t batch : std::initializer_list<std::uint64_t>{1, 4, 2}) Commit(batch);
  const fs::path out = dir_ / "export";
  auto e = ledger_->Export(out.string());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->size, 7u);
  for (const char* name : {"head.json", "checkpoint.txt", "checkpoint.sig", "checkpoint.note",
                           "public_key.pem", "verifier_key.txt", "entries.ndjson",
                           "payloads.ndjson", "proofs.ndjson", "heads.ndjson",
                           "consistency.ndjson"}) {
    EXPECT_TRUE(fs::exists(out / name)) << name;
  }
  const SignedHead& head = heads_.back();
  EXPECT_EQ(ReadAll(out / "checkpoint.txt"), head.checkpoint);
  const std::string sig = ReadAll(out / "checkpoint.sig");
  ASSERT_EQ(sig.size(), 64u);
  EXPECT_TRUE(std::equal(sig.begin(), sig.end(), head.signature.begin(),
                         [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; }));
  EXPECT_EQ(ReadAll(out / "public_key.pem"), PublicKeyPem(head.public_key));
  EXPECT_THAT(ReadAll(out / "public_key.pem"), HasSubstr("MCowBQYDK2VwAyEA"));  // Ed25519 SPKI
  EXPECT_TRUE(OpenNote(ReadAll(out / "checkpoint.note"), head.origin, head.public_key).ok());

  auto json = nlohmann::json::parse(ReadAll(out / "head.json"));
  EXPECT_EQ(json["size"], 7);
  EXPECT_EQ(json["root"], ToHex(head.root));
  EXPECT_EQ(json["signature"], ToBase64(head.signature));
  EXPECT_EQ(json["public_key"], ToBase64(head.public_key));

  const auto entries = Lines(out / "entries.ndjson");
  const auto payloads = Lines(out / "payloads.ndjson");
  const auto proofs = Lines(out / "proofs.ndjson");
  ASSERT_EQ(entries.size(), 7u);
  ASSERT_EQ(payloads.size(), 7u);
  ASSERT_EQ(proofs.size(), 7u);
  for (std::size_t i = 0; i < 7; ++i) {
    auto p = nlohmann::json::parse(proofs[i]);
    EXPECT_EQ(p["index"], i);
    const Hash leaf = LeafHash(entries[i]);
    EXPECT_EQ(p["leaf_hash"], ToHex(leaf));
    std::vector<Hash> path;
    for (const auto& h : p["path"]) path.push_back(*HashFromHex(h.get<std::string>()));
    EXPECT_TRUE(VerifyInclusion(i, 7, leaf, path, head.root).ok()) << i;
    auto fields = ParseEntry(entries[i]);
    ASSERT_TRUE(fields.ok());
    EXPECT_EQ(fields->payload_sha256,
              Sha256({reinterpret_cast<const std::uint8_t*>(payloads[i].data()), payloads[i].size()}));
  }
  const auto heads = Lines(out / "heads.ndjson");
  EXPECT_EQ(heads.size(), 3u);
  const auto consistency = Lines(out / "consistency.ndjson");
  ASSERT_EQ(consistency.size(), 2u);  // from 1 and from 5 to 7
  for (std::size_t k = 0; k < 2; ++k) {
    auto c = nlohmann::json::parse(consistency[k]);
    std::vector<Hash> path;
    for (const auto& h : c["path"]) path.push_back(*HashFromHex(h.get<std::string>()));
    EXPECT_TRUE(VerifyConsistency(heads_[k].size, 7, heads_[k].root, head.root, path).ok());
  }
  EXPECT_EQ(ledger_->Export(out.string()).status().code(), StatusCode::kAlreadyExists);
}

TEST_F(LedgerTest, ExportOfAnEmptyLog) {
  auto e = ledger_->Export((dir_ / "empty").string());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->size, 0u);
  EXPECT_EQ(ReadAll(dir_ / "empty" / "entries.ndjson"), "");
  EXPECT_EQ(ReadAll(dir_ / "empty" / "checkpoint.txt"),
            "candor.test/ledger\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
}

TEST_F(LedgerTest, JsonShapesAreTheDocumentedContract) {
  Commit(3);
  auto head = HeadJson(*ledger_->Head());
  for (const char* key : {"size", "root", "timestamp", "signature", "public_key"}) {
    EXPECT_TRUE(head.contains(key)) << key;
  }
  EXPECT_EQ(head["timestamp"], "2026-05-28T20:26:42Z");
  EXPECT_EQ(head["root"].get<std::string>().size(), 64u);
  auto proof = ProofJson(*ledger_->Proof(1), true);
  for (const char* key : {"index", "size", "leaf_hash", "path", "root", "entry"}) {
    EXPECT_TRUE(proof.contains(key)) << key;
  }
  auto consistency = ConsistencyJson(*ledger_->Consistency(1, 3));
  for (const char* key : {"from", "to", "path"}) EXPECT_TRUE(consistency.contains(key)) << key;
  auto verify = VerifyJson(Verify());
  EXPECT_EQ(verify["ok"], true);
  EXPECT_TRUE(verify["first_bad_index"].is_null());
  EXPECT_TRUE(verify["reason"].is_null());
  EXPECT_EQ(verify["size"], 3);
}

}  // namespace
}  // namespace candor::ledger
