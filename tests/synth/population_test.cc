#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/time.h"
#include "synth/generator.h"
#include "synth/vocabulary.h"
#include "test_data.h"

namespace candor::synth {
namespace {

using testing::Base;
using testing::Dataset;
using testing::ForEachRow;
using testing::GenerateOrDie;
using ::testing::HasSubstr;
using testing::ReadTable;
using testing::Small;
using testing::Table;
using testing::TempDir;

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
  GenerateOrDie(o);
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
  const Table contacts = ReadTable(Base().File("contacts.csv"));
  for (const auto& r : contacts.rows) {
    std::set<std::string> w;
    add_words(r[4], w);
    for (const auto& x : w) EXPECT_EQ(surname_words.count(x), 1u) << x;
  }
  // ...and no account name contains one of them as a word.
  const Table accounts = ReadTable(Base().File("accounts.csv"));
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
  const Table contacts = ReadTable(Base().File("contacts.csv"));
  const Table attributes = ReadTable(Base().File("attributes.csv"));
  std::map<std::string, std::map<std::string, std::string>> attrs;
  for (const auto& r : attributes.rows) attrs[r[0]][r[1]] = r[2];
  const std::set<std::string> seniorities = {"intern",  "junior",   "mid", "senior",
                                             "manager", "director", "vp",  "c_level"};
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
  const auto n = static_cast<std::int64_t>(contacts.rows.size());
  EXPECT_LT(minors, n / 100);
  EXPECT_GT(with_phone, n * 85 / 100);
  std::int64_t genders = 0;
  for (const auto& [id, a] : attrs) {
    if (a.count("gender")) {
      ++genders;
      EXPECT_THAT(a.at("gender"), ::testing::AnyOf("female", "male", "diverse"));
    }
    if (a.count("age_band")) {
      EXPECT_THAT(a.at("age_band"), ::testing::AnyOf("18-24", "25-34", "35-44", "45-54", "55+"));
    }
  }
  EXPECT_GT(genders, n * 97 / 100);
}

TEST(PopulationTest, AgeCorrelatesWithSeniority) {
  const Table contacts = ReadTable(Base().File("contacts.csv"));
  const Table attributes = ReadTable(Base().File("attributes.csv"));
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

}  // namespace
}  // namespace candor::synth
