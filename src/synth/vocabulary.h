// candor::synth vocabulary: the fixed tables behind the generated population.
//
// Countries (with their time zones, phone formats, languages and name lists),
// industries, seniorities, departments, age bands and the words account names are
// made of. The numbers in these tables are part of the generative model; they are
// documented in docs/GENERATOR.md, which must change with them.
//
// Invariants the tests check: surnames are disjoint between name groups (also
// after transliteration to e-mail slugs), female and male first names are
// disjoint within a group, and no word of any account name is a surname.
//
// Thread safety: constant data.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "synth/calendar.h"

namespace candor::synth {

// A person's name and its lower-case ASCII form for e-mail addresses.
struct Name {
  std::string_view text;
  std::string_view slug;
};

struct NameGroup {
  std::string_view code;  // "de", "fr", ...
  std::span<const Name> female;
  std::span<const Name> male;
  std::span<const Name> surnames;
};

struct ZoneChoice {
  Zone zone;
  double weight = 0;
};

struct Country {
  std::string_view code;   // ISO 3166-1 alpha-2
  double weight;           // share of accounts
  std::size_t name_group;  // index into NameGroups()
  std::string_view language;
  std::string_view calling_code;  // "+49"
  std::span<const std::string_view> area_codes;
  std::span<const ZoneChoice> zones;
  std::string_view legal_form;  // "GmbH"
};

struct Industry {
  std::string_view name;        // snake_case, as written to accounts.csv
  double weight;                // share of accounts
  double fit;                   // product fit, enters the latent intent
  double revenue_per_employee;  // EUR, median
  std::string_view words[3];    // sector words used in account names
};

inline constexpr int kAgeBands = 5;

struct Seniority {
  std::string_view name;
  double weight;
  double intent;               // contribution to the latent intent
  double age_band[kAgeBands];  // P(age band | seniority)
};

struct Department {
  std::string_view name;
  double weight;
  double fit;                // contribution to the latent intent
  double order_factor;       // how often customers' contacts in it place orders
  std::string_view display;  // "Marketing"
  std::string_view role;     // "Marketing Specialist"
  std::string_view chief;    // "Chief Marketing Officer"
};

std::span<const Country> Countries();
std::span<const Industry> Industries();
std::span<const Seniority> Seniorities();
std::span<const Department> Departments();
std::span<const NameGroup> NameGroups();
// "18-24", "25-34", "35-44", "45-54", "55+".
std::span<const std::string_view> AgeBands();

// Account names: <Prefix><root> [<Qualifier> [<n>]] <sector word> <legal form>.
std::span<const std::string_view> BrandPrefixes();
std::span<const std::string_view> BrandRoots();
std::span<const std::string_view> BrandQualifiers();

// Page paths per web section (see docs/GENERATOR.md).
std::span<const std::string_view> PricingPaths();
std::span<const std::string_view> DocsPaths();
std::span<const std::string_view> BlogPaths();
std::span<const std::string_view> ProductPaths();
std::span<const std::string_view> CareersPaths();
std::span<const std::string_view> ClickPaths();

}  // namespace candor::synth
