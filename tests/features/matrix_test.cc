#include "features/matrix.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "features/matrix_csv.h"
#include "store/sqlite_store.h"

namespace candor::features {
namespace {

namespace fs = std::filesystem;
using core::Instant;
using core::kMillisPerDay;
using store::SubjectKey;

constexpr char kConfig[] = R"(
[purposes.profiling]
legal_basis = "consent"
direct_marketing = true

[targets.conversion]
horizon_days = 30
features = ["seniority", "industry", "employees", "pricing_30d", "opens_30d", "clicks_30d",
            "click_rate", "active_days_30d", "days_since_visit", "order_value_90d"]

[training]
snapshot_months = 6
valid_months = 1
test_months = 1

[features.seniority]
kind = "attribute"
source = "contacts.seniority"
type = "categorical"
[features.industry]
kind = "attribute"
source = "accounts.industry"
type = "categorical"
[features.employees]
kind = "attribute"
source = "accounts.employees"
[features.pricing_30d]
kind = "count"
event_types = ["page_view"]
url = "/pricing*"
[features.opens_30d]
kind = "count"
event_types = ["email_open"]
[features.clicks_30d]
kind = "count"
event_types = ["email_click"]
[features.click_rate]
kind = "ratio"
numerator = "clicks_30d"
denominator = "opens_30d"
[features.active_days_30d]
kind = "distinct_days"
[features.days_since_visit]
kind = "recency_days"
event_types = ["page_view"]
window_days = 365
[features.order_value_90d]
kind = "sum"
event_types = ["order"]
window_days = 90
)";

Instant Day(int y, int m, int d) { return *core::FromCivil(y, m, d); }

class MatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           fmt::format("candor_features_{}_{}",
                       ::testing::UnitTest::GetInstance()->current_test_info()->name(), ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store::SqliteOptions o;
    o.create = true;
    auto s = store::OpenSqliteStore((dir_ / "candor.db").string(), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    auto cfg = core::ParseConfig(kConfig, "candor.toml");
    ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
    config_ = *cfg;
    tx_ = std::move(store_->BeginWrite()).value();
    ASSERT_TRUE(store_->SyncPurposes(config_.purposes).ok());
    store::AccountRecord a{"A1", "Acme", "software", 250, std::nullopt, "DE", "customer", 0};
    ASSERT_TRUE(store_->UpsertAccount(a).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  SubjectKey Subject(std::string seniority, Instant created, bool consent = true) {
    store::SubjectRecord r;
    r.id = core::SubjectId::Random();
    r.account_id = "A1";
    r.seniority = std::move(seniority);
    r.created_at = created;
    r.source = "contacts";
    auto key = store_->InsertSubject(r, {{1}, {2}}, {{3}, {4}});
    EXPECT_TRUE(key.ok());
    if (consent) Consent(*key, "grant", created);
    return *key;
  }
  void Consent(SubjectKey s, std::string action, Instant ts) {
    store::ConsentRecord c{s, "profiling", std::move(action), "consent", "test", "", "", "", ts, ts};
    ASSERT_TRUE(store_->InsertConsent(c).ok());
  }
  void Event(SubjectKey s, Instant ts, std::string_view type, std::string_view url = "",
             std::optional<double> value = std::nullopt) {
    ASSERT_TRUE(store_->QueueEvent({s, ts, type, "", url, "", value}).ok());
  }
  void Outcome(SubjectKey s, Instant ts, double v = 1) {
    ASSERT_TRUE(store_->UpsertOutcome({s, "conversion", ts, v}).ok());
  }
  // Many subjects with a positive and a negative label in every month, so splits work.
  void Population(int per_month) {
    for (int m = 1; m <= 12; ++m) {
      for (int i = 0; i < per_month; ++i) {
        SubjectKey s = Subject(i % 2 ? "senior" : "junior", Day(2025, 1, 1));
        Event(s, Day(2025, m, 1) - kMillisPerDay, "page_view", "/pricing");
        if (i % 3 == 0) Outcome(s, Day(2025, m, 10));
      }
    }
  }
  Matrix Scoring(Instant at, std::vector<Column> columns = {}) {
    BuildOptions o;
    o.as_of = at;
    o.columns = std::move(columns);
    auto m = BuildScoring(*store_, config_, "conversion", o);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? *m : Matrix{};
  }
  std::size_t Col(const Matrix& m, std::string_view name) {
    for (std::size_t i = 0; i < m.columns.size(); ++i) {
      if (m.columns[i].name == name) return i;
    }
    ADD_FAILURE() << "no column " << name;
    return 0;
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Transaction> tx_;
  core::Config config_;
};

TEST_F(MatrixTest, ComputesEveryKindOfFeatureOverItsWindow) {
  const Instant at = Day(2026, 3, 1);
  SubjectKey s = Subject("senior", Day(2025, 1, 1));
  Event(s, at - 40 * kMillisPerDay, "page_view", "/pricing");   // outside 30 days
  Event(s, at - 20 * kMillisPerDay, "page_view", "/pricing/enterprise");
  Event(s, at - 20 * kMillisPerDay + 1000, "page_view", "/docs");
  Event(s, at - 5 * kMillisPerDay, "email_open");
  Event(s, at - 5 * kMillisPerDay, "email_open");
  Event(s, at - 4 * kMillisPerDay, "email_open");
  Event(s, at - 4 * kMillisPerDay, "email_open");
  Event(s, at - 3 * kMillisPerDay, "email_click");
  Event(s, at - 60 * kMillisPerDay, "order", "", 100.5);
  Event(s, at - 100 * kMillisPerDay, "order", "", 1000);  // outside 90 days
  Matrix m = Scoring(at);
  ASSERT_EQ(m.rows, 1u);
  const float* r = m.row(0);
  EXPECT_EQ(r[Col(m, "pricing_30d")], 1);
  EXPECT_EQ(r[Col(m, "opens_30d")], 4);
  EXPECT_EQ(r[Col(m, "clicks_30d")], 1);
  EXPECT_FLOAT_EQ(r[Col(m, "click_rate")], 0.25F);
  EXPECT_EQ(r[Col(m, "active_days_30d")], 4);  // days 20, 5, 4, 3 before
  EXPECT_EQ(r[Col(m, "days_since_visit")], 19);  // 20 days minus one second, floored
  EXPECT_FLOAT_EQ(r[Col(m, "order_value_90d")], 100.5F);
  EXPECT_EQ(r[Col(m, "employees")], 250);
  const Column& sen = m.columns[Col(m, "seniority")];
  ASSERT_TRUE(sen.categorical);
  ASSERT_EQ(sen.codes.size(), 1u);
  EXPECT_EQ(sen.codes[0], "senior");
  EXPECT_EQ(r[Col(m, "seniority")], 0);
}

TEST_F(MatrixTest, MissingValuesAreNaNAndEmptyWindowsCountZero) {
  const Instant at = Day(2026, 3, 1);
  Subject("", Day(2025, 1, 1));
  Matrix m = Scoring(at);
  ASSERT_EQ(m.rows, 1u);
  EXPECT_TRUE(std::isnan(m.row(0)[Col(m, "seniority")]));
  EXPECT_TRUE(std::isnan(m.row(0)[Col(m, "click_rate")]));       // 0 / 0
  EXPECT_TRUE(std::isnan(m.row(0)[Col(m, "days_since_visit")]));  // no visit
  EXPECT_EQ(m.row(0)[Col(m, "opens_30d")], 0);
}

TEST_F(MatrixTest, NoEventAtOrAfterTheSnapshotReachesAFeature) {
  const Instant at = Day(2026, 3, 1);
  SubjectKey s = Subject("senior", Day(2025, 1, 1));
  Event(s, at - 2 * kMillisPerDay, "email_open");
  Event(s, at - 2 * kMillisPerDay, "page_view", "/pricing");
  Matrix before = Scoring(at);
  // Later events of every kind, including one exactly at the snapshot.
  for (Instant t : {at, at + 1, at + 5 * kMillisPerDay}) {
    Event(s, t, "email_open");
    Event(s, t, "email_click");
    Event(s, t, "page_view", "/pricing");
    Event(s, t, "order", "", 5);
  }
  Matrix after = Scoring(at);
  ASSERT_EQ(before.values.size(), after.values.size());
  for (std::size_t i = 0; i < before.values.size(); ++i) {
    if (std::isnan(before.values[i])) {
      EXPECT_TRUE(std::isnan(after.values[i])) << i;
    } else {
      EXPECT_EQ(before.values[i], after.values[i]) << before.columns[i].name;
    }
  }
  // And the training matrix at every snapshot equals the scoring matrix there.
  Population(4);
  BuildOptions o;
  o.as_of = Day(2026, 1, 15);
  auto train = BuildTraining(*store_, config_, "conversion", o);
  ASSERT_TRUE(train.ok()) << train.status().ToString();
  for (std::size_t r = 0; r < train->rows; ++r) {
    if (train->keys[r] != s) continue;
    Matrix at_snapshot = Scoring(train->snapshots[r]);
    for (std::size_t k = 0; k < at_snapshot.rows; ++k) {
      if (at_snapshot.keys[k] != s) continue;
      for (std::size_t c = 0; c < train->cols(); ++c) {
        if (train->columns[c].categorical) continue;  // codes come from different tables
        float a = train->row(r)[c], b = at_snapshot.row(k)[c];
        EXPECT_TRUE((std::isnan(a) && std::isnan(b)) || a == b) << train->columns[c].name;
      }
    }
  }
}

TEST_F(MatrixTest, TrainingRowsAreMonthlySnapshotsWithLabelsFromTheHorizon) {
  Population(6);
  BuildOptions o;
  o.as_of = Day(2026, 1, 15);
  // The latest outcome is on 2025-12-10: labels have matured only until then, so
  // the last snapshot is 2025-11-01 (its horizon ends before 2025-12-10).
  auto early = BuildTraining(*store_, config_, "conversion", o);
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(*std::max_element(early->snapshots.begin(), early->snapshots.end()), Day(2025, 11, 1));
  // An outcome on 2026-01-10 shows outcome data up to then: snapshots to 2025-12-01.
  SubjectKey late = Subject("senior", Day(2025, 1, 1));
  Outcome(late, Day(2026, 1, 10));
  auto m = BuildTraining(*store_, config_, "conversion", o);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::set<Instant> snaps(m->snapshots.begin(), m->snapshots.end());
  EXPECT_EQ(*snaps.rbegin(), Day(2025, 12, 1));
  EXPECT_EQ(*snaps.begin(), Day(2025, 7, 1));  // six months
  for (std::size_t r = 0; r < m->rows; ++r) {
    EXPECT_EQ(m->splits[r], m->snapshots[r] == Day(2025, 12, 1)   ? Split::kTest
                            : m->snapshots[r] == Day(2025, 11, 1) ? Split::kValid
                                                                  : Split::kTrain);
  }
  // A converted subject is a positive row at the month before its outcome and no
  // row afterwards.
  for (std::size_t r = 0; r < m->rows; ++r) {
    if (m->labels[r] == 1) {
      for (std::size_t k = 0; k < m->rows; ++k) {
        if (m->keys[k] == m->keys[r]) {
          EXPECT_LE(m->snapshots[k], m->snapshots[r]);
        }
      }
    }
  }
  std::size_t positives = 0;
  for (float l : m->labels) positives += l == 1;
  EXPECT_EQ(positives, 6u * 2);  // months 7..12, two converters per month (i = 0, 3)
}

TEST_F(MatrixTest, WithdrawnConsentRemovesTheSubjectEverywhere) {
  Population(6);
  SubjectKey s = Subject("senior", Day(2025, 1, 1));
  Event(s, Day(2025, 12, 20), "email_open");
  EXPECT_EQ(Scoring(Day(2026, 1, 1)).rows, 6u * 12 + 1);
  Consent(s, "withdraw", Day(2026, 1, 2));
  Matrix m = Scoring(Day(2026, 1, 3));
  EXPECT_EQ(m.rows, 6u * 12);
  EXPECT_THAT(m.keys, ::testing::Not(::testing::Contains(s)));
  BuildOptions o;
  o.as_of = Day(2026, 1, 15);
  auto t = BuildTraining(*store_, config_, "conversion", o);
  ASSERT_TRUE(t.ok());
  EXPECT_THAT(t->keys, ::testing::Not(::testing::Contains(s)));
}

TEST_F(MatrixTest, ScoringUsesTheModelsCodeTablesAndCountsUnseenValues) {
  Subject("senior", Day(2025, 1, 1));
  Subject("intern", Day(2025, 1, 1));
  Matrix fresh = Scoring(Day(2026, 1, 1));
  std::vector<Column> columns = fresh.columns;
  columns[Col(fresh, "seniority")].codes = {"junior", "senior"};
  Matrix m = Scoring(Day(2026, 1, 1), columns);
  ASSERT_EQ(m.rows, 2u);
  EXPECT_EQ(m.row(0)[Col(m, "seniority")], 1);               // senior
  EXPECT_TRUE(std::isnan(m.row(1)[Col(m, "seniority")]));    // intern: unseen
  EXPECT_EQ(m.unseen_categories, 1u);
}

TEST_F(MatrixTest, TooLittleHistoryIsAClearError) {
  SubjectKey s = Subject("senior", Day(2025, 1, 1));
  Outcome(s, Day(2025, 12, 5));
  BuildOptions o;
  o.as_of = Day(2026, 1, 15);
  auto m = BuildTraining(*store_, config_, "conversion", o);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), core::StatusCode::kFailedPrecondition);
  EXPECT_THAT(m.status().message(), ::testing::HasSubstr("split has"));
}

TEST_F(MatrixTest, CsvHasTheBoostersColumnsAndRoundTripFloats) {
  const Instant at = Day(2026, 3, 1);
  SubjectKey s = Subject("senior", Day(2025, 1, 1));
  Event(s, at - kMillisPerDay, "email_open");
  Event(s, at - kMillisPerDay, "email_open");
  Event(s, at - kMillisPerDay, "email_open");
  Event(s, at - kMillisPerDay, "email_click");
  Matrix m = Scoring(at);
  auto path = (dir_ / "features.csv").string();
  ASSERT_TRUE(WriteMatrixCsv(m, path, false).ok());
  std::ifstream in(path);
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  EXPECT_EQ(header,
            "subject_id,seniority,industry,employees,pricing_30d,opens_30d,clicks_30d,click_rate,"
            "active_days_30d,days_since_visit,order_value_90d");
  EXPECT_EQ(row, fmt::format("{},0,0,250,0,3,1,0.33333334,1,,0", m.subjects[0].Hex()));
  EXPECT_EQ(std::stof("0.33333334"), 1.0F / 3.0F);
  EXPECT_EQ(FormatFloat(0.1F), "0.1");
  EXPECT_EQ(FormatFloat(16777216.0F), "16777216");
}

// The same matrix, byte for byte, however many parts the store is read in: each
// part's categorical codes are its own until the parts are concatenated.
TEST_F(MatrixTest, TheMatrixDoesNotDependOnTheNumberOfThreads) {
  const char* levels[] = {"vp", "junior", "cxo", "senior", "intern", "lead"};
  for (int i = 0; i < 240; ++i) {
    // Early keys see some levels, late keys others (and a few are missing).
    std::string level = i % 17 == 0 ? "" : levels[(i / 40 + i % 2) % 6];
    SubjectKey s = Subject(level, Day(2025, 1, 1));
    for (int m = 1; m <= 12; ++m) {
      if ((i + m) % 3 == 0) {
        Event(s, Day(2025, m, 1) - kMillisPerDay * (i % 5 + 1), "page_view", "/pricing");
      }
      if ((i + m) % 4 == 0) Event(s, Day(2025, m, 3), "email_open");
    }
    if (i % 3 == 0) Outcome(s, Day(2025, 1 + (i / 3) % 12, 10));
  }
  ASSERT_TRUE(tx_->Commit().ok());  // other connections see only committed data
  tx_.reset();
  auto same = [](const Matrix& a, const Matrix& b) {
    ASSERT_EQ(a.rows, b.rows);
    ASSERT_EQ(a.columns.size(), b.columns.size());
    for (std::size_t c = 0; c < a.columns.size(); ++c) {
      EXPECT_EQ(a.columns[c].codes, b.columns[c].codes) << a.columns[c].name;
    }
    ASSERT_EQ(a.values.size(), b.values.size());
    EXPECT_EQ(std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(float)), 0);
    EXPECT_EQ(a.keys, b.keys);
    EXPECT_EQ(a.snapshots, b.snapshots);
    EXPECT_EQ(a.labels, b.labels);
    EXPECT_EQ(a.splits, b.splits);
    EXPECT_EQ(a.unseen_categories, b.unseen_categories);
  };
  std::vector<Matrix> training, scoring, fixed;
  for (int threads : {1, 2, 3}) {
    BuildOptions o;
    o.as_of = Day(2026, 1, 15);
    o.threads = threads;
    std::int64_t progress = 0;
    o.progress = [&](std::int64_t n) { progress = n; };
    auto t = BuildTraining(*store_, config_, "conversion", o);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    training.push_back(*t);
    auto m = BuildScoring(*store_, config_, "conversion", o);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    scoring.push_back(*m);
    // Scoring with fixed tables that lack some values.
    o.columns = training.front().columns;
    o.columns[Col(*m, "seniority")].codes = {"cxo", "lead", "vp"};
    auto f = BuildScoring(*store_, config_, "conversion", o);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    fixed.push_back(*f);
    EXPECT_GE(progress, 0);
  }
  EXPECT_EQ(training.front().columns[Col(training.front(), "seniority")].codes.size(), 6u);
  EXPECT_GT(fixed.front().unseen_categories, 0u);
  for (std::size_t i = 1; i < 3; ++i) {
    same(training[0], training[i]);
    same(scoring[0], scoring[i]);
    same(fixed[0], fixed[i]);
  }
}

TEST(FormatFloatTest, IsFmtsShortestFormIncludingTheIntegerShortcut) {
  for (float v : {0.0F, -0.0F, 1.0F, -1.0F, 7.0F, 250.0F, 16777215.0F, -16777215.0F, 16777216.0F,
                  1e7F, 1e16F, 0.5F, -2.5F, 1.0F / 3.0F, 1e-7F, 3.4028235e38F, 1.1754944e-38F}) {
    EXPECT_EQ(FormatFloat(v), fmt::format("{}", v)) << v;
  }
  EXPECT_EQ(FormatFloat(-0.0F), "-0");
  EXPECT_EQ(FormatFloat(std::nanf("")), "");
}

// Large matrices are formatted in chunks on several threads: the file is the
// same as writing row by row, in order.
TEST(MatrixCsvTest, ChunkedOutputEqualsRowByRowOutput) {
  for (bool training : {false, true}) {
    Matrix m;
    m.columns = {Column{"a", false, {}}, Column{"b", true, {"x", "y"}}, Column{"c", false, {}}};
    m.rows = 50'001;  // a few chunks and a partial one
    for (std::size_t r = 0; r < m.rows; ++r) {
      core::SubjectId id;
      for (std::size_t i = 0; i < id.bytes.size(); ++i) {
        id.bytes[i] = static_cast<std::uint8_t>((r >> (8 * (i % 4))) + i);
      }
      m.subjects.push_back(id);
      m.snapshots.push_back(static_cast<Instant>(r) * kMillisPerDay);
      m.labels.push_back(static_cast<float>(r % 2));
      m.splits.push_back(r % 3 == 0 ? Split::kTest : Split::kTrain);
      m.values.push_back(static_cast<float>(r) / 7.0F);
      m.values.push_back(r % 5 == 0 ? std::nanf("") : static_cast<float>(r % 2));
      m.values.push_back(-static_cast<float>(r));
    }
    std::string expected =
        training ? "subject_id,snapshot,a,b,c,label,split\n" : "subject_id,a,b,c\n";
    for (std::size_t r = 0; r < m.rows; ++r) {
      expected += m.subjects[r].Hex();
      if (training) expected += fmt::format(",{}", core::FormatTimestamp(m.snapshots[r]));
      for (std::size_t c = 0; c < 3; ++c) expected += fmt::format(",{}", FormatFloat(m.row(r)[c]));
      if (training) {
        expected += fmt::format(",{},{}", FormatFloat(m.labels[r]), SplitName(m.splits[r]));
      }
      expected.push_back('\n');
    }
    auto path = (fs::path(::testing::TempDir()) / fmt::format("chunked-{}.csv", getpid())).string();
    ASSERT_TRUE(WriteMatrixCsv(m, path, training).ok());
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_TRUE(text.str() == expected) << "training " << training;
    EXPECT_FALSE(fs::exists(path + ".tmp"));
    fs::remove(path);
  }
}

TEST(GlobMatchTest, StarMatchesAnyRun) {
  EXPECT_TRUE(GlobMatch("/pricing*", "/pricing"));
  EXPECT_TRUE(GlobMatch("/pricing*", "/pricing/enterprise"));
  EXPECT_FALSE(GlobMatch("/pricing*", "/docs/pricing"));
  EXPECT_TRUE(GlobMatch("*pricing*", "/docs/pricing"));
  EXPECT_TRUE(GlobMatch("/a*b*c", "/axxbyyc"));
  EXPECT_FALSE(GlobMatch("/a*b*c", "/axxbyy"));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "/x"));
}

}  // namespace
}  // namespace candor::features
