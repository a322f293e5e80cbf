#include "synth/vocabulary.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace candor::synth {
namespace {

TEST(VocabularyTest, SurnamesAreDisjointBetweenGroups) {
  std::map<std::string, std::string> owner;
  for (const NameGroup& g : NameGroups()) {
    for (const Name& n : g.surnames) {
      auto [it, fresh] = owner.emplace(std::string(n.slug), std::string(g.code));
      EXPECT_TRUE(fresh) << n.slug << " in " << g.code << " and " << it->second;
    }
  }
}

TEST(VocabularyTest, FirstNamesAreDisjointBetweenFemaleAndMaleWithinAGroup) {
  for (const NameGroup& g : NameGroups()) {
    std::set<std::string> female;
    for (const Name& n : g.female) EXPECT_TRUE(female.emplace(n.slug).second) << n.slug;
    std::set<std::string> male;
    for (const Name& n : g.male) {
      EXPECT_TRUE(male.emplace(n.slug).second) << n.slug;
      EXPECT_EQ(female.count(std::string(n.slug)), 0u) << g.code << " " << n.slug;
    }
  }
}

TEST(VocabularyTest, SlugsAreLowerCaseAscii) {
  for (const NameGroup& g : NameGroups()) {
    for (auto list : {g.female, g.male, g.surnames}) {
      ASSERT_FALSE(list.empty());
      for (const Name& n : list) {
        for (char c : n.slug) EXPECT_TRUE(c >= 'a' && c <= 'z') << n.slug;
      }
    }
  }
}

TEST(VocabularyTest, WeightsAndBandsAreDistributions) {
  double countries = 0, industries = 0, seniorities = 0, departments = 0;
  for (const Country& c : Countries()) {
    countries += c.weight;
    double zones = 0;
    for (const ZoneChoice& z : c.zones) zones += z.weight;
    EXPECT_NEAR(zones, 1.0, 1e-9) << c.code;
    EXPECT_FALSE(c.area_codes.empty());
  }
  for (const Industry& i : Industries()) industries += i.weight;
  for (const Seniority& s : Seniorities()) {
    seniorities += s.weight;
    double bands = 0;
    for (double b : s.age_band) bands += b;
    EXPECT_NEAR(bands, 1.0, 1e-9) << s.name;
  }
  for (const Department& d : Departments()) departments += d.weight;
  EXPECT_NEAR(countries, 1.0, 1e-9);
  EXPECT_NEAR(industries, 1.0, 1e-9);
  EXPECT_NEAR(seniorities, 1.0, 1e-9);
  EXPECT_NEAR(departments, 1.0, 1e-9);
  EXPECT_EQ(Industries().size(), 10u);
  EXPECT_EQ(AgeBands().size(), static_cast<std::size_t>(kAgeBands));
}

}  // namespace
}  // namespace candor::synth
