// candor::synth::Population: the accounts and contacts of a generated world.
//
// Accounts are made up front (firmographics, name, e-mail domain, and for
// customers the engagement path and churn day); contacts are made one at a time
// on request, so memory grows with the number of accounts, not contacts. A
// contact's profile comes from its own random stream (seed, index); the only
// shared state is the per-account counters that keep e-mail addresses unique,
// which is why contacts must be made in index order.
//
// Thread safety: not thread-safe (MakeContact updates the name counters).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/time.h"
#include "synth/calendar.h"
#include "synth/generator.h"
#include "synth/random.h"
#include "synth/vocabulary.h"

namespace candor::synth {

// Settings derived from GeneratorOptions that the whole generator shares.
struct World {
  std::uint64_t seed = 1;
  std::int64_t contacts = 0;
  std::int64_t accounts = 0;
  core::Instant start = 0;  // end - days
  core::Instant end = 0;    // exclusive
  std::int64_t start_day = 0;
  std::int64_t last_day = 0;  // day of end - 1 ms
  int growth_days = 0;        // min(days, 365)
  bool drift_mode = false;    // drift_from was given: write only from it on
  double drift = 0;
  core::Instant drift_from = 0;
  std::int64_t drift_day = 0;
  bool record_legitimate_interest = true;
  BiasParameters bias;
  int biased_band = -1;  // index of bias.age_band in AgeBands(), -1 for none

  static World From(const GeneratorOptions& options);
};

struct Account {
  std::string id;  // "A000001"
  std::string name;
  std::string domain;  // "nordwind.example"
  std::size_t industry = 0;
  std::size_t country = 0;
  std::int64_t employees = 0;
  std::int64_t annual_revenue = 0;
  bool customer = false;
  core::Instant created_at = 0;
  double size_z = 0;  // (ln employees - ln 120) / 1.4, clipped to [-2.5, 2.5]
  // Customers only: engagement e(m) = e0 + slope * m / 12 + noise(m).
  double engagement0 = 0;
  double engagement_slope = 0;
  std::int64_t churn_day = -1;  // day number of the churn, -1 when none in the period
  core::Instant churn_ts = 0;
};

enum class Gender : std::int8_t { kFemale = 0, kMale = 1, kDiverse = 2 };

struct Contact {
  std::int64_t index = 0;
  std::string id;  // "C0000001"
  std::size_t account = 0;
  std::size_t country = 0;
  const Zone* zone = nullptr;
  std::size_t seniority = 0;
  std::size_t department = 0;
  int age_band = -1;  // index into AgeBands(); -1 for minors (no row)
  Gender gender = Gender::kFemale;
  bool gender_recorded = true;  // false: no gender row (declined to state)
  bool minor = false;
  const Name* first_name = nullptr;
  const Name* last_name = nullptr;
  std::string email;
  std::string job_title;
  std::string phone;  // empty when unknown
  core::Instant created_at = 0;
  double intent = 0;
  bool arrival = false;  // joined after --from in a drift run
};

class Population {
 public:
  Population(const World& world, const Calendar& calendar);

  const std::vector<Account>& accounts() const { return accounts_; }
  // Engagement of customer account `a` in 30-day month `month` of the period.
  double Engagement(std::size_t a, std::int64_t month) const;

  // Makes contact `index` (0-based). Base contacts have index < world.contacts;
  // drift arrivals (index >= world.contacts) join after drift_from, preferring
  // the drift's industries. Call in increasing index order.
  Contact MakeContact(std::int64_t index);

  // Number of drift arrivals for this world (0 unless drift_mode and drift > 0).
  std::int64_t ArrivalCount() const;

 private:
  void MakeAccount(std::size_t a);
  void SimulateChurn(Account& account, std::size_t a);
  void NameContact(Contact& c, Rng& rng);

  const World& world_;
  const Calendar& calendar_;
  std::vector<Account> accounts_;
  AliasTable account_picker_;
  std::optional<AliasTable> arrival_picker_;
  // (account, name group, list) -> contacts named so far.
  std::unordered_map<std::uint64_t, std::uint32_t> name_counters_;
};

// Careers-page visits per day for an age band index (model.h).
double CareersRate(int band, double proxy_strength);
// Local seconds of the day for activity: working hours or any time (model.h).
int SampleLocalSecondOfDay(Rng& rng);
// The UTC instant on `day` whose local clock time in `zone` is `local_second`,
// folded into that UTC day so that everything generated for a day stays in it.
core::Instant OnDay(const Calendar& calendar, const Zone& zone, std::int64_t day, int local_second);

}  // namespace candor::synth
