#include "synth/population.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>

#include "synth/model.h"

namespace candor::synth {

namespace {

constexpr core::Instant kSecond = core::kMillisPerSecond;
constexpr core::Instant kDay = core::kMillisPerDay;
// Accounts are created and churn between 08:00 and 17:00 UTC (seconds of the day).
constexpr std::int64_t kOfficeOpen = std::int64_t{8} * 3600;
constexpr std::int64_t kOfficeClose = std::int64_t{17} * 3600;

template <typename T, typename F>
std::vector<double> WeightsOf(std::span<const T> items, F weight) {
  std::vector<double> w;
  w.reserve(items.size());
  for (const T& item : items) w.push_back(weight(item));
  return w;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string JobTitle(const Seniority& s, const Department& d, bool minor) {
  const std::string_view n = s.name;
  if (n == "intern") return fmt::format("{} {}", d.display, minor ? "Apprentice" : "Intern");
  if (n == "junior") return fmt::format("Junior {}", d.role);
  if (n == "mid") return std::string(d.role);
  if (n == "senior") return fmt::format("Senior {}", d.role);
  if (n == "manager") return fmt::format("{} Manager", d.display);
  if (n == "director") return fmt::format("Director of {}", d.display);
  if (n == "vp") return fmt::format("VP {}", d.display);
  return std::string(d.chief);
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

World World::From(const GeneratorOptions& o) {
  World w;
  w.seed = o.seed;
  w.contacts = o.contacts;
  w.accounts = o.accounts > 0 ? o.accounts : std::max<std::int64_t>(1, o.contacts / 8);
  w.end = o.end;
  w.start = o.end - o.days * kDay;
  w.start_day = core::ToDays(w.start);
  w.last_day = core::ToDays(w.end - 1);
  w.growth_days = std::min(o.days, model::kGrowthDaysMax);
  w.drift_mode = o.drift_from.has_value();
  w.drift = w.drift_mode ? o.drift : 0.0;
  w.drift_from = w.drift_mode ? *o.drift_from : w.start;
  w.drift_day = core::ToDays(w.drift_from);
  w.record_legitimate_interest = o.record_legitimate_interest;
  w.bias = o.bias;
  const auto bands = AgeBands();
  for (std::size_t i = 0; i < bands.size(); ++i) {
    if (bands[i] == o.bias.age_band) w.biased_band = static_cast<int>(i);
  }
  return w;
}

double CareersRate(int band, double proxy_strength) {
  const double mid = model::kCareersByBand[2];
  return mid *
         Exp(proxy_strength * Log(model::kCareersByBand[static_cast<std::size_t>(band)] / mid));
}

int SampleLocalSecondOfDay(Rng& rng) {
  if (rng.Uniform() < model::kWorkingHoursShare) {
    double h = rng.Normal(model::kWorkingHoursMean, model::kWorkingHoursSd);
    h = std::clamp(h, 7.0, 20.0);
    return static_cast<int>(h * 3600.0);
  }
  return static_cast<int>(rng.Below(static_cast<std::uint64_t>(kSecondsPerDay)));
}

core::Instant OnDay(const Calendar& calendar, const Zone& zone, std::int64_t day,
                    int local_second) {
  std::int64_t s = local_second - calendar.OffsetSeconds(zone, day);
  s %= kSecondsPerDay;
  if (s < 0) s += kSecondsPerDay;
  return core::FromDays(day) + s * kSecond;
}

Population::Population(const World& world, const Calendar& calendar)
    : world_(world),
      calendar_(calendar),
      accounts_(static_cast<std::size_t>(world.accounts)),
      account_picker_(std::vector<double>{1.0}) {
  for (std::size_t a = 0; a < accounts_.size(); ++a) MakeAccount(a);
  std::vector<double> weights(accounts_.size());
  std::vector<double> arrival_weights(accounts_.size());
  const double boost = 1.0 + model::kDriftIndustryBoost * world.drift;
  for (std::size_t a = 0; a < accounts_.size(); ++a) {
    const Account& acc = accounts_[a];
    weights[a] = Exp(model::kAccountPickExponent * Log(static_cast<double>(acc.employees)));
    const std::string_view industry = Industries()[acc.industry].name;
    const bool favoured = industry == "software" || industry == "healthcare";
    arrival_weights[a] = weights[a] * (favoured ? boost : 1.0);
  }
  account_picker_ = AliasTable(weights);
  if (ArrivalCount() > 0) arrival_picker_.emplace(arrival_weights);
}

std::int64_t Population::ArrivalCount() const {
  if (!world_.drift_mode || world_.drift <= 0) return 0;
  const double years = static_cast<double>(world_.end - world_.drift_from) / (365.0 * kDay);
  const double n = model::kDriftArrivalsPerYear * world_.drift *
                   static_cast<double>(world_.contacts) * std::min(1.0, years);
  return static_cast<std::int64_t>(std::floor(n + 0.5));
}

double Population::Engagement(std::size_t a, std::int64_t month) const {
  const Account& acc = accounts_[a];
  double z = 0;
  for (std::uint64_t k = 0; k < 4; ++k) {
    z += HashUniform(world_.seed, model::kEngagementNoise, a,
                     static_cast<std::uint64_t>(month) * 4 + k);
  }
  z = (z - 2.0) * 1.7320508075688772;  // Irwin-Hall(4), scaled to unit variance
  return acc.engagement0 + acc.engagement_slope * static_cast<double>(month) / 12.0 +
         model::kEngagementNoiseSd * z;
}

void Population::MakeAccount(std::size_t a) {
  Account& acc = accounts_[a];
  Rng rng = Rng::ForStream(world_.seed, model::kAccountStream, a);
  const auto industries = Industries();
  const auto countries = Countries();
  static const std::vector<double> kIndustryWeights =
      WeightsOf(industries, [](const Industry& i) { return i.weight; });
  static const std::vector<double> kCountryWeights =
      WeightsOf(countries, [](const Country& c) { return c.weight; });

  acc.id = fmt::format("A{:06}", a + 1);
  acc.industry = rng.Categorical(kIndustryWeights.data(), kIndustryWeights.size());
  acc.country = rng.Categorical(kCountryWeights.data(), kCountryWeights.size());
  const Industry& industry = industries[acc.industry];
  double employees =
      std::floor(rng.LogNormal(model::kEmployeesLogMedian, model::kEmployeesLogSigma) + 0.5);
  employees = std::clamp(employees, model::kEmployeesMin, model::kEmployeesMax);
  acc.employees = static_cast<std::int64_t>(employees);
  const double revenue =
      employees * industry.revenue_per_employee * rng.LogNormal(0, model::kRevenueLogSigma);
  acc.annual_revenue = static_cast<std::int64_t>(std::floor(revenue / 1000.0 + 0.5)) * 1000;
  acc.size_z = std::clamp((Log(employees) - model::kEmployeesLogMedian) / model::kEmployeesLogSigma,
                          -2.5, 2.5);
  acc.customer = rng.Bernoulli(Sigmoid(model::kCustomerBase + model::kCustomerSize * acc.size_z +
                                       model::kCustomerFit * industry.fit));
  const std::int64_t age_days = rng.Between(model::kAccountMinAgeDays, model::kAccountMaxAgeDays);
  acc.created_at = core::FromDays(world_.start_day - age_days) +
                   rng.Between(kOfficeOpen, kOfficeClose) * kSecond;
  acc.engagement0 = rng.Normal(model::kEngagementMean, model::kEngagementSd);
  acc.engagement_slope = rng.Normal(model::kEngagementSlopeMean, model::kEngagementSlopeSd);

  // Names are unique by construction: a keyed permutation of (prefix, root)
  // pairs, then a qualifier, then a number for each further round.
  const auto prefixes = BrandPrefixes();
  const auto roots = BrandRoots();
  const auto qualifiers = BrandQualifiers();
  const std::uint64_t pairs = prefixes.size() * roots.size();
  const Permutation brand_perm(pairs, Hash64(world_.seed, model::kBrandKey));
  const std::uint64_t p = brand_perm(a % pairs);
  const std::uint64_t round = a / pairs;
  std::string brand = fmt::format("{}{}", prefixes[p / roots.size()], roots[p % roots.size()]);
  std::string name = brand;
  std::string domain = Lower(brand);
  if (round > 0) {
    const std::string_view q = qualifiers[(round - 1) % qualifiers.size()];
    const std::uint64_t number = (round - 1) / qualifiers.size();
    name += fmt::format(" {}", q);
    domain += fmt::format("-{}", Lower(q));
    if (number > 0) {
      name += fmt::format(" {}", number + 1);
      domain += fmt::format("-{}", number + 1);
    }
  }
  const std::string_view sector = industry.words[rng.Below(3)];
  acc.name = fmt::format("{} {} {}", name, sector, countries[acc.country].legal_form);
  acc.domain = domain + ".example";

  if (acc.customer) SimulateChurn(acc, a);
}

void Population::SimulateChurn(Account& acc, std::size_t a) {
  Rng rng = Rng::ForStream(world_.seed, model::kChurnStream, a);
  std::int64_t cached_month = -1;
  double hazard = 0;
  for (std::int64_t day = world_.start_day; day <= world_.last_day; ++day) {
    const std::int64_t month = (day - world_.start_day) / 30;
    if (month != cached_month) {
      cached_month = month;
      hazard = model::kChurnHazardBase * Exp(-model::kChurnEngagementBeta * Engagement(a, month));
    }
    if (rng.Uniform() < hazard) {
      const core::Instant ts = std::max(
          world_.start, core::FromDays(day) + rng.Between(kOfficeOpen, kOfficeClose) * kSecond);
      if (ts < world_.end) {
        acc.churn_day = day;
        acc.churn_ts = ts;
      }
      return;
    }
  }
}

void Population::NameContact(Contact& c, Rng& rng) {
  const Country& country = Countries()[c.country];
  const std::size_t group_index = country.name_group;
  const NameGroup& group = NameGroups()[group_index];
  bool female = c.gender == Gender::kFemale;
  const bool either = rng.Bernoulli(0.5);
  if (c.gender == Gender::kDiverse) female = either;
  const std::span<const Name> firsts = female ? group.female : group.male;
  const std::uint64_t key =
      (static_cast<std::uint64_t>(c.account) << 8) | (group_index << 1) | (female ? 1u : 0u);
  const std::uint32_t k = name_counters_[key]++;
  const std::uint64_t pairs = firsts.size() * group.surnames.size();
  const Permutation perm(pairs, Hash64(world_.seed, model::kNameKey, key));
  const std::uint64_t p = perm(k % pairs);
  const std::uint64_t repeat = k / pairs;
  c.first_name = &firsts[p / group.surnames.size()];
  c.last_name = &group.surnames[p % group.surnames.size()];
  c.email = fmt::format("{}.{}", c.first_name->slug, c.last_name->slug);
  if (repeat > 0) c.email += fmt::format(".{}", repeat + 1);
  c.email += '@';
  c.email += accounts_[c.account].domain;
}

Contact Population::MakeContact(std::int64_t index) {
  Contact c;
  c.index = index;
  c.arrival = index >= world_.contacts;
  c.id = fmt::format("C{:07}", index + 1);
  Rng rng = Rng::ForStream(world_.seed, model::kProfileStream, static_cast<std::uint64_t>(index));
  const auto countries = Countries();
  static const std::vector<double> kCountryWeights =
      WeightsOf(countries, [](const Country& x) { return x.weight; });
  static const std::vector<double> kSeniorityWeights =
      WeightsOf(Seniorities(), [](const Seniority& x) { return x.weight; });
  static const std::vector<double> kDepartmentWeights =
      WeightsOf(Departments(), [](const Department& x) { return x.weight; });

  c.account =
      (c.arrival && arrival_picker_) ? arrival_picker_->Sample(rng) : account_picker_.Sample(rng);
  const Account& account = accounts_[c.account];
  const bool foreign = rng.Bernoulli(model::kForeignShare);
  const std::size_t other = rng.Categorical(kCountryWeights.data(), kCountryWeights.size());
  c.country = foreign ? other : account.country;
  const Country& country = countries[c.country];
  std::vector<double> zone_weights;
  for (const ZoneChoice& z : country.zones) zone_weights.push_back(z.weight);
  c.zone = &country.zones[rng.Categorical(zone_weights.data(), zone_weights.size())].zone;

  c.seniority = rng.Categorical(kSeniorityWeights.data(), kSeniorityWeights.size());
  c.department = rng.Categorical(kDepartmentWeights.data(), kDepartmentWeights.size());
  const Seniority& seniority = Seniorities()[c.seniority];
  const Department& department = Departments()[c.department];
  c.age_band = static_cast<int>(rng.Categorical(seniority.age_band));
  const bool minor_draw = rng.Bernoulli(model::kMinorShareOfInterns);
  c.minor = seniority.name == "intern" && minor_draw;
  if (c.minor) c.age_band = -1;
  const auto gender = static_cast<std::int8_t>(rng.Categorical(model::kGenderWeights));
  const bool gender_missing = rng.Bernoulli(model::kGenderMissingShare);
  c.gender = static_cast<Gender>(gender);
  const double noise = rng.Normal();
  c.intent = model::kIntentSize * account.size_z + seniority.intent + department.fit +
             Industries()[account.industry].fit + model::kIntentNoise * noise -
             model::kIntentCenter;

  // Creation time: before the period, during its first year, or (arrivals) after
  // --from; always at a local working hour.
  const bool history = rng.Bernoulli(model::kHistoryShare);
  const double u = rng.Uniform();
  core::Instant lower = 0;
  core::Instant approx = 0;
  if (c.arrival) {
    lower = world_.drift_from;
    approx = world_.drift_from +
             static_cast<core::Instant>(u * static_cast<double>(world_.end - world_.drift_from));
  } else if (history) {
    lower = world_.start - model::kHistoryDays * kDay;
    approx = world_.start - static_cast<core::Instant>(
                                (1.0 - u) * static_cast<double>(model::kHistoryDays * kDay));
  } else {
    lower = world_.start;
    approx = world_.start +
             static_cast<core::Instant>(u * static_cast<double>(world_.growth_days * kDay));
  }
  const int local_second = SampleLocalSecondOfDay(rng);
  c.created_at = std::max(lower, OnDay(calendar_, *c.zone, FloorDiv(approx, kDay), local_second));
  if (c.created_at >= world_.end) c.created_at = world_.end - kSecond;

  const bool phone_missing = rng.Bernoulli(model::kPhoneMissingShare);
  const std::string_view area = country.area_codes[rng.Below(country.area_codes.size())];
  const std::int64_t line = rng.Between(0, 9999);
  if (!phone_missing) c.phone = fmt::format("{} {} 555{:04}", country.calling_code, area, line);

  c.gender_recorded = !gender_missing;
  NameContact(c, rng);
  c.job_title = JobTitle(seniority, department, c.minor);
  return c;
}

}  // namespace candor::synth
