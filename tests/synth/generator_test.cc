#include "synth/generator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/time.h"
#include "synth/vocabulary.h"
#include "test_data.h"

namespace candor::synth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ForEachRow;
using testing::ReadTable;
using testing::Slurp;
using testing::Table;
using testing::TempDir;

constexpr core::Instant kDay = core::kMillisPerDay;

struct Dataset {
  std::unique_ptr<TempDir> dir;
  GeneratorOptions options;
  GenerateSummary summary;
  std::string File(std::string_view name) const { return dir->File(name); }
};

Dataset Make(std::string_view name, GeneratorOptions options) {
  Dataset d;
  d.dir = std::make_unique<TempDir>(name);
  options.out_dir = d.dir->path();
  d.options = options;
  d.summary = testing::GenerateOrDie(options);
  return d;
}

GeneratorOptions Small(std::int64_t contacts = 1500, std::uint64_t seed = 7) {
  GeneratorOptions o;
  o.contacts = contacts;
  o.seed = seed;
  return o;
}

// Shared runs, made once per process.
const Dataset& Base() {
  static const Dataset d = Make("base", Small());
  return d;
}
const Dataset& Large() {
  static const Dataset d = Make("large", Small(5000, 1));
  return d;
}
constexpr int kDriftWindowDays = 120;
GeneratorOptions DriftOptions(double x) {
  GeneratorOptions o = Small();
  o.drift = x;
  o.drift_from = o.end - kDriftWindowDays * kDay;
  return o;
}
const Dataset& Drifted() {
  static const Dataset d = Make("drift", DriftOptions(0.8));
  return d;
}
const Dataset& ZeroDrift() {
  static const Dataset d = Make("drift0", DriftOptions(0.0));
  return d;
}

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> lines;
  std::string text = Slurp(path);
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

core::Instant ParseTs(std::string_view s) {
  auto t = core::ParseTimestamp(s);
  EXPECT_TRUE(t.ok()) << s;
  return t.ok() ? *t : 0;
}

// ---- options --------------------------------------------------------------------

TEST(ValidateOptionsTest, AcceptsDefaults) {
  GeneratorOptions o;
  o.out_dir = "x";
  EXPECT_TRUE(ValidateOptions(o).ok());
}

TEST(ValidateOptionsTest, DefaultEndIsNovemberFirst2026) {
  EXPECT_EQ(core::FormatTimestamp(GeneratorOptions::kDefaultEnd), "2026-11-01T00:00:00Z");
}

TEST(ValidateOptionsTest, NamesTheFlag) {
  auto message = [](auto mutate) {
    GeneratorOptions o;
    o.out_dir = "x";
    mutate(o);
    core::Status s = ValidateOptions(o);
    EXPECT_EQ(s.code(), core::StatusCode::kInvalidArgument);
    return s.message();
  };
  EXPECT_EQ(message([](auto& o) { o.out_dir.clear(); }), "--out must name a directory");
  EXPECT_EQ(message([](auto& o) { o.contacts = 0; }), "--contacts must be at least 1");
  EXPECT_EQ(message([](auto& o) { o.contacts = -5; }), "--contacts must be at least 1");
  EXPECT_EQ(message([](auto& o) { o.contacts = 200'000'000; }),
            "--contacts must be at most 100000000");
  EXPECT_EQ(message([](auto& o) { o.accounts = -1; }),
            "--accounts must be at least 1 (or 0 for contacts / 8)");
  EXPECT_EQ(message([](auto& o) { o.days = 0; }), "--days must be between 1 and 3650");
  EXPECT_EQ(message([](auto& o) { o.days = 4000; }), "--days must be between 1 and 3650");
  EXPECT_EQ(message([](auto& o) { o.end = 0; }),
            "--end must lie between 2010-01-01 and 2100-01-01");
  EXPECT_EQ(message([](auto& o) { o.drift = 1.5; }), "--drift must be in [0, 1]");
  EXPECT_EQ(message([](auto& o) { o.drift = -0.1; }), "--drift must be in [0, 1]");
  EXPECT_EQ(message([](auto& o) { o.drift = std::nan(""); }), "--drift must be in [0, 1]");
  EXPECT_EQ(message([](auto& o) { o.drift = 0.5; }), "--drift needs --from DATE");
  EXPECT_EQ(message([](auto& o) {
              o.drift = 0.5;
              o.drift_from = o.end;
            }),
            "--from must lie inside the period [2025-11-01T00:00:00Z, 2026-11-01T00:00:00Z)");
  EXPECT_THAT(message([](auto& o) { o.drift_from = o.end - 400 * kDay; }),
              HasSubstr("--from must lie inside the period"));
  EXPECT_THAT(message([](auto& o) { o.bias.record_probability = 1.2; }),
              HasSubstr("record probabilities must be in [0, 1]"));
  EXPECT_THAT(message([](auto& o) { o.bias.age_band = "60+"; }), HasSubstr("age band must be"));
}

TEST(ValidateOptionsTest, FromWithoutDriftIsAllowed) {
  GeneratorOptions o;
  o.out_dir = "x";
  o.drift_from = o.end - 10 * kDay;
  EXPECT_TRUE(ValidateOptions(o).ok());
}

TEST(GenerateTest, RefusesInvalidOptionsWithoutWriting) {
  TempDir dir("invalid");
  GeneratorOptions o = Small();
  o.out_dir = dir.File("sub");
  o.contacts = 0;
  auto r = Generate(o);
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(o.out_dir));
}

TEST(GenerateTest, UnavailableWhenOutDirIsAFile) {
  TempDir dir("file");
  const std::string file = dir.File("plain");
  { std::ofstream(file) << "x"; }
  GeneratorOptions o = Small(10);
  o.out_dir = file + "/sub";
  auto r = Generate(o);
  EXPECT_EQ(r.status().code(), core::StatusCode::kUnavailable);
}

// ---- files --------------------------------------------------------------------

TEST(GenerateTest, WritesExactlyTheDocumentedColumns) {
  const Dataset& d = Base();
  auto header = [&](std::string_view f) { return Lines(d.File(f)).front(); };
  EXPECT_EQ(header("accounts.csv"),
            "account_id,name,industry,employees,annual_revenue,country,status,created_at");
  EXPECT_EQ(header("contacts.csv"),
            "contact_id,account_id,email,first_name,last_name,job_title,seniority,department,"
            "country,created_at,phone,time_zone,language,is_minor");
  EXPECT_EQ(header("events.csv"), "contact_id,type,ts,event_id,url,campaign_id,value");
  EXPECT_EQ(header("consents.csv"),
            "contact_id,purpose,action,legal_basis,source,ts,method,notice_version,evidence");
  EXPECT_EQ(header("outcomes.csv"), "contact_id,target,ts,value");
  EXPECT_EQ(header("attributes.csv"), "contact_id,attribute,value");
  EXPECT_EQ(header("truth.csv"), "contact_id,target,ts,value");
  for (const char* f : testing::kFiles) {
    EXPECT_FALSE(std::filesystem::exists(d.File(std::string(f) + ".tmp"))) << f;
    EXPECT_EQ(Slurp(d.File(f)).find('\r'), std::string::npos) << f;
    EXPECT_EQ(Slurp(d.File(f)).back(), '\n') << f;
  }
}

TEST(GenerateTest, SummaryMatchesTheFiles) {
  const Dataset& d = Base();
  auto rows = [&](std::string_view f) {
    return static_cast<std::int64_t>(Lines(d.File(f)).size()) - 1;
  };
  EXPECT_EQ(d.summary.accounts, rows("accounts.csv"));
  EXPECT_EQ(d.summary.accounts, 1500 / 8);
  EXPECT_EQ(d.summary.contacts, rows("contacts.csv"));
  EXPECT_EQ(d.summary.contacts, 1500);
  EXPECT_EQ(d.summary.events, rows("events.csv"));
  EXPECT_EQ(d.summary.consents, rows("consents.csv"));
  EXPECT_EQ(d.summary.outcomes, rows("outcomes.csv"));
  EXPECT_EQ(d.summary.attributes, rows("attributes.csv"));
  EXPECT_EQ(d.summary.truth, rows("truth.csv"));
  std::int64_t by_type = 0;
  for (const auto& [type, n] : d.summary.events_by_type) by_type += n;
  EXPECT_EQ(by_type, d.summary.events);
  EXPECT_EQ(d.summary.events_by_type.size(), 7u);
  EXPECT_EQ(core::FormatTimestamp(d.summary.start), "2025-11-01T00:00:00Z");
}

TEST(GenerateTest, VolumesAreRealistic) {
  const Dataset& d = Base();
  const double per_contact =
      static_cast<double>(d.summary.events) / static_cast<double>(d.summary.contacts);
  EXPECT_GT(per_contact, 60);
  EXPECT_LT(per_contact, 120);
  for (const auto& [type, n] : d.summary.events_by_type) EXPECT_GT(n, 0) << type;
}

TEST(GenerateTest, IsDeterministic) {
  const Dataset& d = Base();
  TempDir again("again");
  GeneratorOptions o = d.options;
  o.out_dir = again.path();
  testing::GenerateOrDie(o);
  for (const char* f : testing::kFiles) {
    EXPECT_TRUE(Slurp(d.File(f)) == Slurp(again.File(f))) << f << " differs between runs";
  }
}

TEST(GenerateTest, ADifferentSeedGivesDifferentData) {
  TempDir other("seed");
  GeneratorOptions o = Small(200, 8);
  o.out_dir = other.path();
  testing::GenerateOrDie(o);
  TempDir same("seed7");
  GeneratorOptions p = Small(200, 7);
  p.out_dir = same.path();
  testing::GenerateOrDie(p);
  for (const char* f : {"accounts.csv", "contacts.csv", "events.csv", "consents.csv"}) {
    EXPECT_FALSE(Slurp(other.File(f)) == Slurp(same.File(f))) << f;
  }
}

TEST(GenerateTest, ReportsProgressAboutEveryPercent) {
  TempDir dir("progress");
  GeneratorOptions o = Small(300);
  o.out_dir = dir.path();
  std::vector<std::int64_t> done;
  auto r = Generate(o, [&](std::int64_t n, std::int64_t total) {
    EXPECT_EQ(total, 300);
    done.push_back(n);
  });
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(done.size(), 100u);
  EXPECT_TRUE(std::is_sorted(done.begin(), done.end()));
  EXPECT_EQ(done.back(), 300);
}

// ---- accounts and contacts ------------------------------------------------------

TEST(PopulationTest, IdsAndEmailsAreUniqueAndReferencesResolve) {
  const Dataset& d = Base();
  const Table accounts = ReadTable(d.File("accounts.csv"));
  const Table contacts = ReadTable(d.File("contacts.csv"));
  std::set<std::string> account_ids, names, contact_ids, emails;
  const std::regex account_id("A[0-9]{6}"), contact_id("C[0-9]{7}");
  for (const auto& r : accounts.rows) {
    EXPECT_TRUE(std::regex_match(r[0], account_id)) << r[0];
    EXPECT_TRUE(account_ids.insert(r[0]).second) << r[0];
    EXPECT_TRUE(names.insert(r[1]).second) << "duplicate account name " << r[1];
    EXPECT_THAT(r[6], ::testing::AnyOf("customer", "prospect"));
    EXPECT_GE(std::stoll(r[3]), 2);
    EXPECT_GT(std::stoll(r[4]), 0);
  }
  const std::regex email("[a-z]+\\.[a-z]+(\\.[0-9]+)?@[a-z0-9-]+\\.example");
  for (const auto& r : contacts.rows) {
    EXPECT_TRUE(std::regex_match(r[0], contact_id)) << r[0];
    EXPECT_TRUE(contact_ids.insert(r[0]).second) << r[0];
    EXPECT_TRUE(emails.insert(r[2]).second) << "duplicate email " << r[2];
    EXPECT_TRUE(std::regex_match(r[2], email)) << r[2];
    EXPECT_EQ(account_ids.count(r[1]), 1u) << r[1];
    EXPECT_THAT(r[13], ::testing::AnyOf("true", "false"));
  }
  EXPECT_EQ(contacts.rows.front()[0], "C0000001");
  EXPECT_EQ(accounts.rows.front()[0], "A000001");
}

TEST(PopulationTest, EmailsStayUniqueInCrowdedAccounts) {
  // 3000 contacts in 3 accounts: far more than a name group's pairs per account.
  TempDir dir("crowded");
  GeneratorOptions o = Small(3000);
  o.accounts = 3;
  o.days = 30;
  o.out_dir = dir.path();
  testing::GenerateOrDie(o);
  std::set<std::string> emails;
  ForEachRow(dir.File("contacts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    EXPECT_TRUE(emails.emplace(r[2]).second) << r[2];
  });
  EXPECT_EQ(emails.size(), 3000u);
}

TEST(PopulationTest, AccountNamesShareNoWordWithAnySurname) {
  std::set<std::string> surname_words;
  auto add_words = [](std::string_view text, std::set<std::string>& out) {
    std::string word;
    for (char ch : std::string(text) + " ") {
      if (ch == ' ' || ch == '-') {
        if (!word.empty()) out.insert(word);
        word.clear();
      } else {
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      }
    }
  };
  for (const NameGroup& g : NameGroups()) {
    for (const Name& n : g.surnames) add_words(n.text, surname_words);
  }
  // Every surname the files use comes from the lists...
  const Table contacts = ReadTable(Large().File("contacts.csv"));
  for (const auto& r : contacts.rows) {
    std::set<std::string> w;
    add_words(r[4], w);
    for (const auto& x : w) EXPECT_EQ(surname_words.count(x), 1u) << x;
  }
  // ...and no account name contains one of them as a word.
  const Table accounts = ReadTable(Large().File("accounts.csv"));
  for (const auto& r : accounts.rows) {
    std::set<std::string> w;
    add_words(r[1], w);
    for (const auto& x : w) EXPECT_EQ(surname_words.count(x), 0u) << r[1];
  }
  // Nor any word the account names can be built from.
  std::set<std::string> brand_words;
  for (auto p : BrandPrefixes()) {
    for (auto root : BrandRoots()) add_words(std::string(p) + std::string(root), brand_words);
  }
  for (auto q : BrandQualifiers()) add_words(q, brand_words);
  for (const Industry& i : Industries()) {
    for (auto w : i.words) add_words(w, brand_words);
  }
  for (const Country& c : Countries()) add_words(c.legal_form, brand_words);
  for (const auto& w : brand_words) EXPECT_EQ(surname_words.count(w), 0u) << w;
}

TEST(PopulationTest, ContactFieldsAreConsistent) {
  const Table contacts = ReadTable(Large().File("contacts.csv"));
  const Table attributes = ReadTable(Large().File("attributes.csv"));
  std::map<std::string, std::map<std::string, std::string>> attrs;
  for (const auto& r : attributes.rows) attrs[r[0]][r[1]] = r[2];
  const std::set<std::string> seniorities = {"intern", "junior",   "mid", "senior",
                                             "manager", "director", "vp", "c_level"};
  const std::set<std::string> departments = {"marketing",  "sales", "it",          "finance",
                                             "operations", "hr",    "engineering", "procurement"};
  const std::regex phone("\\+[0-9]{1,2} [0-9]{1,3} 555[0-9]{4}");
  std::int64_t minors = 0, with_phone = 0;
  for (const auto& r : contacts.rows) {
    EXPECT_EQ(seniorities.count(r[6]), 1u) << r[6];
    EXPECT_EQ(departments.count(r[7]), 1u) << r[7];
    if (!r[10].empty()) {
      ++with_phone;
      EXPECT_TRUE(std::regex_match(r[10], phone)) << r[10];
    }
    const std::string& country = r[8];
    if (country == "DE" || country == "AT" || country == "CH") {
      EXPECT_EQ(r[12], "de");
    } else if (country != "FR") {
      EXPECT_EQ(r[12], "en") << country;
    }
    if (country == "DE") {
      EXPECT_EQ(r[11], "Europe/Berlin");
    }
    if (country == "GB") {
      EXPECT_EQ(r[11], "Europe/London");
    }
    if (country == "US") {
      EXPECT_THAT(r[11], HasSubstr("America/"));
    }
    EXPECT_TRUE(core::TimeZone::Locate(r[11]).ok()) << r[11];
    const auto& a = attrs[r[0]];
    if (r[13] == "true") {
      ++minors;
      EXPECT_EQ(r[6], "intern");
      EXPECT_THAT(r[5], HasSubstr("Apprentice"));
      EXPECT_EQ(a.count("age_band"), 0u);
    } else {
      EXPECT_EQ(a.count("age_band"), 1u) << r[0];
    }
  }
  EXPECT_GT(minors, 0);
  EXPECT_LT(minors, 5000 / 100);
  EXPECT_GT(with_phone, 5000 * 85 / 100);
  std::int64_t genders = 0;
  for (const auto& [id, a] : attrs) {
    if (a.count("gender")) {
      ++genders;
      EXPECT_THAT(a.at("gender"), ::testing::AnyOf("female", "male", "diverse"));
    }
    if (a.count("age_band")) {
      EXPECT_THAT(a.at("age_band"),
                  ::testing::AnyOf("18-24", "25-34", "35-44", "45-54", "55+"));
    }
  }
  EXPECT_GT(genders, 5000 * 97 / 100);
}

TEST(PopulationTest, AgeCorrelatesWithSeniority) {
  const Table contacts = ReadTable(Large().File("contacts.csv"));
  const Table attributes = ReadTable(Large().File("attributes.csv"));
  std::map<std::string, std::string> band;
  for (const auto& r : attributes.rows) {
    if (r[1] == "age_band") band[r[0]] = r[2];
  }
  std::map<std::string, std::pair<int, int>> older;  // seniority -> (45+, all)
  for (const auto& r : contacts.rows) {
    if (!band.count(r[0])) continue;
    auto& o = older[r[6]];
    o.first += band[r[0]] == "45-54" || band[r[0]] == "55+";
    ++o.second;
  }
  auto share = [&](const char* s) {
    return static_cast<double>(older[s].first) / static_cast<double>(older[s].second);
  };
  EXPECT_LT(share("junior"), share("mid"));
  EXPECT_LT(share("mid"), share("director"));
  EXPECT_LT(share("junior"), 0.1);
  EXPECT_GT(share("c_level"), 0.5);
}

// ---- events -------------------------------------------------------------------

TEST(EventsTest, RowsAreWellFormedOrderedAndInsideThePeriod) {
  const Dataset& d = Base();
  std::set<std::string> contacts;
  std::map<std::string, core::Instant> created;
  ForEachRow(d.File("contacts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    contacts.emplace(r[0]);
    created[std::string(r[0])] = ParseTs(r[9]);
  });
  const std::regex ts("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");
  const std::regex value("[0-9]+\\.[0-9]{2}");
  const std::regex campaign("(EM|WB)-[0-9]{4}-[0-9]{2}-[0-9]{2}");
  const std::set<std::string> types = {"email_open", "email_click", "page_view",  "webinar",
                                       "demo_request", "trial_start", "order"};
  std::set<std::string> ids;
  std::string last_contact;
  core::Instant last_ts = 0;
  std::int64_t rows = 0;
  ForEachRow(d.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    ++rows;
    const std::string contact(r[0]);
    ASSERT_EQ(contacts.count(contact), 1u) << contact;
    const std::string type(r[1]);
    ASSERT_EQ(types.count(type), 1u) << type;
    ASSERT_TRUE(std::regex_match(std::string(r[2]), ts)) << r[2];
    const core::Instant t = ParseTs(r[2]);
    ASSERT_GE(t, d.summary.start);
    ASSERT_LT(t, d.summary.end);
    ASSERT_GE(t, created[contact]);
    ASSERT_GE(contact, last_contact) << "not ordered by contact";
    if (contact == last_contact) {
      ASSERT_GE(t, last_ts) << "not ordered by time";
    }
    last_contact = contact;
    last_ts = t;
    ASSERT_TRUE(ids.emplace(r[3]).second) << "duplicate event id " << r[3];
    ASSERT_EQ(r[3].substr(1, 7), contact.substr(1)) << r[3];
    const bool has_url = type == "page_view" || type == "email_click";
    ASSERT_EQ(!r[4].empty(), has_url) << type;
    if (has_url) {
      ASSERT_EQ(r[4].front(), '/');
    }
    const bool has_campaign = type == "email_open" || type == "email_click" || type == "webinar";
    ASSERT_EQ(!r[5].empty(), has_campaign) << type;
    if (has_campaign) {
      ASSERT_TRUE(std::regex_match(std::string(r[5]), campaign)) << r[5];
    }
    ASSERT_EQ(!r[6].empty(), type == "order") << type;
    if (type == "order") {
      ASSERT_TRUE(std::regex_match(std::string(r[6]), value)) << r[6];
    }
  });
  EXPECT_EQ(rows, d.summary.events);
}

TEST(EventsTest, FewerOnWeekendsAndMostlyInWorkingHours) {
  const Dataset& d = Base();
  std::map<std::string, std::string> zone;
  ForEachRow(d.File("contacts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    zone[std::string(r[0])] = std::string(r[11]);
  });
  std::int64_t weekday = 0, weekend = 0, european = 0, working = 0;
  ForEachRow(d.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    const core::CivilTime c = core::ToCivil(ParseTs(r[2]));
    (c.weekday == 0 || c.weekday == 6 ? weekend : weekday)++;
    const std::string& z = zone[std::string(r[0])];
    if (z != "Europe/London" && z.rfind("Europe/", 0) == 0) {
      ++european;
      working += c.hour >= 5 && c.hour < 19;  // 07:00-20:00 in CET/CEST
    }
  });
  EXPECT_LT(static_cast<double>(weekend) / 2, 0.45 * static_cast<double>(weekday) / 5);
  EXPECT_GT(static_cast<double>(working), 0.8 * static_cast<double>(european));
}

// Per contact: careers and pricing views; and the contacts' age bands.
struct Behaviour {
  std::map<std::string, int> careers, pricing, orders;
  std::map<std::string, std::string> band;
  std::map<std::string, int> true_conversions, recorded_conversions;
};

const Behaviour& LargeBehaviour() {
  static const Behaviour b = [] {
    Behaviour x;
    const Dataset& d = Large();
    ForEachRow(d.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
      if (r[1] == "page_view" && r[4].rfind("/careers", 0) == 0) ++x.careers[std::string(r[0])];
      if (r[1] == "page_view" && r[4].rfind("/pricing", 0) == 0) ++x.pricing[std::string(r[0])];
      if (r[1] == "order") ++x.orders[std::string(r[0])];
    });
    ForEachRow(d.File("attributes.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
      if (r[1] == "age_band") x.band[std::string(r[0])] = std::string(r[2]);
    });
    ForEachRow(d.File("truth.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
      if (r[1] == "conversion") ++x.true_conversions[std::string(r[0])];
    });
    ForEachRow(d.File("outcomes.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
      if (r[1] == "conversion") ++x.recorded_conversions[std::string(r[0])];
    });
    return x;
  }();
  return b;
}

TEST(EventsTest, CareersVisitsFallWithAgeBand) {
  const Behaviour& b = LargeBehaviour();
  std::map<std::string, std::pair<double, int>> by_band;
  for (const auto& [id, band] : b.band) {
    auto it = b.careers.find(id);
    by_band[band].first += it == b.careers.end() ? 0 : it->second;
    ++by_band[band].second;
  }
  std::vector<double> mean;
  for (const char* band : {"18-24", "25-34", "35-44", "45-54", "55+"}) {
    mean.push_back(by_band[band].first / by_band[band].second);
  }
  for (std::size_t i = 1; i < mean.size(); ++i) EXPECT_LT(mean[i], 0.8 * mean[i - 1]) << i;
  EXPECT_GT(mean.front(), 5 * mean.back());
}

TEST(EventsTest, PricingViewsRiseWithIntent) {
  // Intent is latent; true conversion is its observable consequence.
  const Behaviour& b = LargeBehaviour();
  double converters = 0, others = 0;
  int n_converters = 0, n_others = 0;
  for (const auto& [id, band] : b.band) {
    auto it = b.pricing.find(id);
    const int views = it == b.pricing.end() ? 0 : it->second;
    if (b.true_conversions.count(id)) {
      converters += views;
      ++n_converters;
    } else {
      others += views;
      ++n_others;
    }
  }
  ASSERT_GT(n_converters, 500);
  EXPECT_GT(converters / n_converters, 2 * (others / n_others));
}

TEST(EventsTest, CustomersOrderAndProspectsDoNot) {
  const Dataset& d = Large();
  std::map<std::string, bool> customer;
  ForEachRow(d.File("accounts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    customer[std::string(r[0])] = r[6] == "customer";
  });
  int customers = 0, ordering = 0;
  ForEachRow(d.File("contacts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    const std::string id(r[0]);
    const bool orders = LargeBehaviour().orders.count(id) > 0;
    if (customer[std::string(r[1])]) {
      ++customers;
      ordering += orders;
    } else {
      EXPECT_FALSE(orders) << id;
    }
  });
  ASSERT_GT(customers, 500);
  EXPECT_GT(ordering, customers / 2);
}

// ---- outcomes -------------------------------------------------------------------

TEST(OutcomesTest, LabelBiasUnderRecordsTheOldestBand) {
  const Behaviour& b = LargeBehaviour();
  std::map<std::string, std::pair<int, int>> by_band;  // recorded, true
  for (const auto& [id, n] : b.true_conversions) {
    auto band = b.band.find(id);
    const std::string key = band == b.band.end() ? "none" : band->second;
    by_band[key].second += n;
    auto rec = b.recorded_conversions.find(id);
    by_band[key].first += rec == b.recorded_conversions.end() ? 0 : rec->second;
  }
  for (const auto& [band, counts] : by_band) {
    const double ratio = static_cast<double>(counts.first) / counts.second;
    if (band == "55+") {
      ASSERT_GT(counts.second, 200);
      EXPECT_NEAR(ratio, 0.7, 0.08) << band;
    } else {
      EXPECT_EQ(ratio, 1.0) << band;
    }
  }
}

TEST(OutcomesTest, RecordedOutcomesAreASubsetOfTruth) {
  const Dataset& d = Large();
  std::multiset<std::string> truth;
  ForEachRow(d.File("truth.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    EXPECT_THAT(std::string(r[1]), ::testing::AnyOf("conversion", "churn"));
    EXPECT_EQ(r[3], "1");
    truth.insert(std::string(r[0]) + "," + std::string(r[1]) + "," + std::string(r[2]));
  });
  int churn = 0;
  ForEachRow(d.File("outcomes.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    const std::string key =
        std::string(r[0]) + "," + std::string(r[1]) + "," + std::string(r[2]);
    auto it = truth.find(key);
    ASSERT_NE(it, truth.end()) << key;
    truth.erase(it);
    churn += r[1] == "churn";
  });
  EXPECT_GT(churn, 0);
  for (const auto& rest : truth) EXPECT_THAT(rest, HasSubstr(",conversion,"));
}

TEST(OutcomesTest, ConversionsHappenInEveryMonth) {
  std::map<std::string, int> months;
  ForEachRow(Large().File("outcomes.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[1] == "conversion") ++months[std::string(r[2].substr(0, 7))];
  });
  ASSERT_EQ(months.size(), 12u);
  for (const auto& [month, n] : months) EXPECT_GT(n, 50) << month;
}

TEST(OutcomesTest, ChurnOnlyForCustomersAndEndsOrders) {
  const Dataset& d = Large();
  std::map<std::string, std::string> account_of;
  ForEachRow(d.File("contacts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    account_of[std::string(r[0])] = std::string(r[1]);
  });
  std::map<std::string, bool> customer;
  ForEachRow(d.File("accounts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    customer[std::string(r[0])] = r[6] == "customer";
  });
  std::map<std::string, core::Instant> churned;
  ForEachRow(d.File("outcomes.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[1] != "churn") return;
    EXPECT_TRUE(customer[account_of[std::string(r[0])]]);
    churned[std::string(r[0])] = ParseTs(r[2]);
  });
  ASSERT_FALSE(churned.empty());
  ForEachRow(d.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    auto it = churned.find(std::string(r[0]));
    if (it != churned.end() && r[1] == "order") {
      EXPECT_LT(ParseTs(r[2]), it->second + kDay) << r[0];
    }
  });
}

// ---- consents -------------------------------------------------------------------

TEST(ConsentsTest, FollowThePurposesAndTheirBases) {
  const Dataset& d = Large();
  const std::map<std::string, std::string> basis = {{"profiling", "consent"},
                                                    {"email_marketing", "consent"},
                                                    {"sales_outreach", "legitimate_interest"},
                                                    {"segmentation", "legitimate_interest"}};
  const std::regex hex("[0-9a-f]{64}");
  const std::regex version("[0-9]{4}-[0-9]{2}");
  std::map<std::string, int> actions;
  std::set<std::string> granted_profiling;
  std::string last_contact;
  core::Instant last_ts = 0;
  ForEachRow(d.File("consents.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    const std::string purpose(r[1]), action(r[2]);
    ASSERT_EQ(basis.count(purpose), 1u) << purpose;
    EXPECT_EQ(r[3], basis.at(purpose)) << purpose;
    EXPECT_THAT(action, ::testing::AnyOf("grant", "withdraw", "object"));
    if (basis.at(purpose) == "legitimate_interest") {
      EXPECT_NE(action, "withdraw");
    }
    EXPECT_FALSE(r[4].empty());
    const core::Instant t = ParseTs(r[5]);
    EXPECT_LT(t, d.summary.end);
    EXPECT_TRUE(std::regex_match(std::string(r[7]), version)) << r[7];
    const bool double_opt_in = r[6] == "double_opt_in";
    EXPECT_EQ(!r[8].empty(), double_opt_in);
    if (double_opt_in) {
      EXPECT_TRUE(std::regex_match(std::string(r[8]), hex)) << r[8];
    }
    if (std::string(r[0]) == last_contact) {
      EXPECT_GE(t, last_ts);
    }
    last_contact = std::string(r[0]);
    last_ts = t;
    ++actions[purpose + " " + action];
    if (purpose == "profiling" && action == "grant") granted_profiling.emplace(r[0]);
  });
  const int n = 5000;
  EXPECT_GT(granted_profiling.size(), n * 75u / 100);
  EXPECT_LT(granted_profiling.size(), n * 97u / 100);
  EXPECT_GT(actions["email_marketing grant"], n * 7 / 10);
  EXPECT_GT(actions["email_marketing withdraw"], 0);
  EXPECT_GT(actions["profiling withdraw"], 0);
  EXPECT_GT(actions["sales_outreach object"], 0);
  EXPECT_EQ(actions["sales_outreach grant"], n);
  EXPECT_EQ(actions["segmentation grant"], n);
}

TEST(ConsentsTest, EmailsOnlyWhileConsentIsValid) {
  const Dataset& d = Base();
  std::map<std::string, std::pair<core::Instant, core::Instant>> window;  // grant, end
  ForEachRow(d.File("consents.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    auto& w = window.try_emplace(std::string(r[0]), INT64_MAX, INT64_MAX).first->second;
    const core::Instant t = ParseTs(r[5]);
    if (r[1] == "email_marketing" && r[2] == "grant") w.first = std::min(w.first, t);
    if ((r[1] == "email_marketing" && r[2] == "withdraw") || r[2] == "object") {
      w.second = std::min(w.second, t);
    }
  });
  ForEachRow(d.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[1] != "email_open") return;
    const auto& w = window[std::string(r[0])];
    const core::Instant t = ParseTs(r[2]);
    // E-mail is decided per UTC day at noon.
    EXPECT_GE(t, w.first - kDay) << r[0];
    EXPECT_LT(t - kDay, w.second) << r[0];
  });
}

TEST(ConsentsTest, LegitimateInterestRowsCanBeTurnedOff) {
  TempDir dir("noli");
  GeneratorOptions o = Small(200);
  o.record_legitimate_interest = false;
  o.out_dir = dir.path();
  testing::GenerateOrDie(o);
  ForEachRow(dir.File("consents.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[3] == "legitimate_interest") {
      EXPECT_EQ(r[2], "object");
    }
  });
}

// ---- drift and prefixes -----------------------------------------------------------

TEST(DriftTest, KeepsThePopulation) {
  const Dataset& base = Base();
  const Dataset& drift = Drifted();
  EXPECT_TRUE(Slurp(base.File("accounts.csv")) == Slurp(drift.File("accounts.csv")));
  for (const char* f : {"contacts.csv", "attributes.csv"}) {
    const std::string b = Slurp(base.File(f)), x = Slurp(drift.File(f));
    ASSERT_GT(x.size(), b.size()) << f << ": drift arrivals expected";
    EXPECT_TRUE(x.compare(0, b.size(), b) == 0) << f << ": base rows must stay identical";
  }
  EXPECT_EQ(drift.summary.contacts, 1500 + drift.summary.arrivals);
  // 0.25 per year x 0.8 x 1500 x 120/365.
  EXPECT_EQ(drift.summary.arrivals, 99);
}

TEST(DriftTest, WritesOnlyFromTheDriftDate) {
  const Dataset& drift = Drifted();
  const core::Instant from = *drift.options.drift_from;
  for (const char* f : {"events.csv", "outcomes.csv", "truth.csv"}) {
    ForEachRow(drift.File(f), nullptr, [&](const std::vector<std::string_view>& r) {
      ASSERT_GE(ParseTs(r[2]), from) << f;
    });
  }
  ForEachRow(drift.File("consents.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    ASSERT_GE(ParseTs(r[5]), from);
  });
  ForEachRow(drift.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    ASSERT_EQ(r[3].front(), 'D') << r[3];
  });
}

// Event counts of the base population (not arrivals) at or after `from`.
std::map<std::string, double> CountsFrom(const Dataset& d, core::Instant from) {
  std::map<std::string, double> n;
  ForEachRow(d.File("events.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    if (r[0] > "C0001500" || ParseTs(r[2]) < from) return;
    ++n[std::string(r[1])];
    if (r[1] == "page_view" && r[4].rfind("/pricing", 0) == 0) ++n["pricing"];
  });
  return n;
}

TEST(DriftTest, ShiftsEventRates) {
  const core::Instant from = *Drifted().options.drift_from;
  auto base = CountsFrom(Base(), from);
  auto drift = CountsFrom(Drifted(), from);
  // Page views x (1 + 0.5 X) = 1.4 (pricing more); e-mail opens x (1 - 0.4 X) = 0.68.
  EXPECT_NEAR(drift["page_view"] / base["page_view"], 1.4, 0.1);
  EXPECT_NEAR(drift["email_open"] / base["email_open"], 0.68, 0.08);
  EXPECT_GT(drift["pricing"] / drift["page_view"], 1.5 * base["pricing"] / base["page_view"]);
}

TEST(DriftTest, ArrivalsSkewTowardsTheDriftIndustries) {
  const Dataset& drift = Drifted();
  std::map<std::string, std::string> industry;
  std::map<std::string, int> base_mix, arrival_mix;
  ForEachRow(drift.File("accounts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    industry[std::string(r[0])] = std::string(r[2]);
  });
  int base = 0, arrivals = 0;
  ForEachRow(drift.File("contacts.csv"), nullptr, [&](const std::vector<std::string_view>& r) {
    const std::string& ind = industry[std::string(r[1])];
    const bool favoured = ind == "software" || ind == "healthcare";
    if (r[0] > "C0001500") {
      ++arrivals;
      arrival_mix["favoured"] += favoured;
      EXPECT_GE(ParseTs(r[9]), *drift.options.drift_from);
    } else {
      ++base;
      base_mix["favoured"] += favoured;
    }
  });
  ASSERT_EQ(arrivals, drift.summary.arrivals);
  EXPECT_GT(static_cast<double>(arrival_mix["favoured"]) / arrivals,
            1.5 * static_cast<double>(base_mix["favoured"]) / base);
}

// Lines of `file` in `d` with the timestamp in column `ts_col` at or after `from`.
std::vector<std::string> LinesFrom(const Dataset& d, const char* file, std::size_t ts_col,
                                   core::Instant from) {
  std::vector<std::string> out;
  const auto lines = Lines(d.File(file));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (;;) {
      std::size_t comma = lines[i].find(',', start);
      cols.push_back(lines[i].substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (ParseTs(cols[ts_col]) >= from) out.push_back(lines[i]);
  }
  return out;
}

TEST(DriftTest, ZeroDriftReproducesTheBaseWorldFromTheDate) {
  const Dataset& base = Base();
  const Dataset& zero = ZeroDrift();
  const core::Instant from = *zero.options.drift_from;
  EXPECT_EQ(zero.summary.arrivals, 0);
  EXPECT_TRUE(Slurp(base.File("contacts.csv")) == Slurp(zero.File("contacts.csv")));
  for (auto [file, col] : {std::pair{"events.csv", 2u}, {"outcomes.csv", 2u}, {"truth.csv", 2u},
                           {"consents.csv", 5u}}) {
    auto expected = LinesFrom(base, file, col, from);
    EXPECT_FALSE(expected.empty()) << file;
    auto lines = Lines(zero.File(file));
    lines.erase(lines.begin());
    EXPECT_EQ(lines.size(), expected.size()) << file;
    EXPECT_TRUE(lines == expected) << file;
  }
}

TEST(PrefixTest, AnEarlierEndWithTheSameStartIsAPrefix) {
  // Both periods start on 2025-06-19 and are longer than a year, so the
  // population is the same and the shorter run is the longer one cut off.
  TempDir long_dir("long"), short_dir("short");
  GeneratorOptions l = Small(400);
  l.days = 400;
  l.out_dir = long_dir.path();
  GeneratorOptions s = l;
  s.days = 380;
  s.end = l.end - 20 * kDay;
  s.out_dir = short_dir.path();
  testing::GenerateOrDie(l);
  testing::GenerateOrDie(s);
  for (const char* f : {"accounts.csv", "contacts.csv", "attributes.csv"}) {
    EXPECT_TRUE(Slurp(long_dir.File(f)) == Slurp(short_dir.File(f))) << f;
  }
  for (const char* file : {"events.csv", "truth.csv"}) {
    std::vector<std::string> expected;
    for (const auto& line : Lines(long_dir.File(file))) {
      const std::size_t c1 = line.find(','), c2 = line.find(',', c1 + 1);
      const std::string ts = line.substr(c2 + 1, 20);
      if (ts.front() != 't' && ParseTs(ts) < s.end) expected.push_back(line);
    }
    auto lines = Lines(short_dir.File(file));
    lines.erase(lines.begin());
    EXPECT_FALSE(lines.empty()) << file;
    EXPECT_TRUE(lines == expected) << file;
  }
}

}  // namespace
}  // namespace candor::synth
