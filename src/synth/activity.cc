#include "synth/activity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>

#include "synth/model.h"
#include "synth/random.h"

namespace candor::synth {

namespace {

using sv = std::string_view;

constexpr core::Instant kSecond = core::kMillisPerSecond;

constexpr sv kEventTypeNames[kEventTypes] = {"email_open",   "email_click", "page_view", "webinar",
                                             "demo_request", "trial_start", "order"};

// What one day's Poisson count is split into.
enum Category : std::uint8_t {
  kOpenCat,
  kPricingCat,
  kDocsCat,
  kBlogCat,
  kProductCat,
  kCareersCat,
  kHomeCat,
  kWebinarCat,
  kDemoCat,
  kTrialCat,
  kOrderCat,
  kCategories,
};

enum Section : std::uint8_t { kPricing, kDocs, kBlog, kProduct, kCareers, kHome, kSections };

constexpr sv kHomePaths[] = {"/"};

std::span<const sv> SectionPaths(std::size_t section) {
  switch (section) {
    case kPricing:
      return PricingPaths();
    case kDocs:
      return DocsPaths();
    case kBlog:
      return BlogPaths();
    case kProduct:
      return ProductPaths();
    case kCareers:
      return CareersPaths();
    default:
      return kHomePaths;
  }
}

// Marketing e-mails go out on Tuesdays and Thursdays; an open or click belongs to
// the latest send on or before its day.
std::int64_t LastSendDay(std::int64_t day, int weekday) {
  static constexpr int kBack[7] = {3, 4, 0, 1, 0, 1, 2};
  return day - kBack[weekday];
}

std::int64_t FloorMod(std::int64_t a, std::int64_t b) {
  std::int64_t m = a % b;
  return m < 0 ? m + b : m;
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

double RateOf(const model::Rate& r, double intent) { return r.base * Exp(r.beta * intent); }

}  // namespace

std::string_view EventTypeName(std::size_t type) { return kEventTypeNames[type]; }

ActivitySimulator::ActivitySimulator(const World& world, const Calendar& calendar,
                                     const Population& population)
    : world_(world), calendar_(calendar), population_(population) {
  day_.reserve(64);
}

bool ActivitySimulator::Written(core::Instant ts) const {
  return ts >= world_.start && ts < world_.end && (!world_.drift_mode || ts >= world_.drift_from);
}

void ActivitySimulator::WriteOutcome(const Contact& c, std::string_view target, core::Instant ts,
                                     core::CsvWriter& out) {
  char text[kTimestampLength];
  calendar_.Format(ts, text);
  out.Field(c.id);
  out.Field(target);
  out.Field(std::string_view(text, kTimestampLength));
  out.Field(std::int64_t{1});
  out.EndRow();
}

void ActivitySimulator::WriteEvent(const Contact& c, const Pending& e, std::int64_t seq,
                                   core::CsvWriter& out) {
  char ts[kTimestampLength];
  calendar_.Format(e.ts, ts);
  out.Field(c.id);
  out.Field(kEventTypeNames[static_cast<std::size_t>(e.type)]);
  out.Field(std::string_view(ts, kTimestampLength));

  char id[48];
  const std::size_t prefix = id_prefix_.size();
  std::copy(id_prefix_.begin(), id_prefix_.end(), id);
  const auto end = fmt::format_to_n(id + prefix, sizeof id - prefix, "{:05}", seq);
  out.Field(std::string_view(id, static_cast<std::size_t>(end.out - id)));

  if (e.type == EventType::kPageView) {
    out.Field(SectionPaths(e.section)[e.path]);
  } else if (e.type == EventType::kEmailClick) {
    out.Field(ClickPaths()[e.path]);
  } else {
    out.EmptyField();
  }

  if (e.type == EventType::kEmailOpen || e.type == EventType::kEmailClick ||
      e.type == EventType::kWebinar) {
    char campaign[13];
    campaign[0] = e.type == EventType::kWebinar ? 'W' : 'E';
    campaign[1] = e.type == EventType::kWebinar ? 'B' : 'M';
    campaign[2] = '-';
    calendar_.FormatDay(e.campaign_day, campaign + 3);
    out.Field(std::string_view(campaign, sizeof campaign));
  } else {
    out.EmptyField();
  }

  if (e.type == EventType::kOrder) {
    char value[32];
    const auto v = fmt::format_to_n(value, sizeof value, "{}.{:02}", e.cents / 100, e.cents % 100);
    out.Field(std::string_view(value, static_cast<std::size_t>(v.out - value)));
  } else {
    out.EmptyField();
  }
  out.EndRow();
}

void ActivitySimulator::Run(const Contact& c, const ConsentHistory& consents, ActivitySinks& sinks,
                            ActivityTally& tally) {
  const Account& account = population_.accounts()[c.account];
  const Department& department = Departments()[c.department];
  const auto index = static_cast<std::uint64_t>(c.index);
  Rng rng = Rng::ForStream(world_.seed, model::kActivityStream, index);
  Rng labels = Rng::ForStream(world_.seed, model::kLabelStream, index);
  id_prefix_ = fmt::format("{}{:07}-", world_.drift > 0 ? 'D' : 'E', c.index + 1);

  // The contact's rates at intent multiplier, before weekday and state factors.
  const double intent = c.intent;
  const double open_rate = RateOf(model::kEmailOpen, intent);
  const double click_p = std::min(model::kEmailClickCap, RateOf(model::kEmailClick, intent));
  double section_rate[kSections];
  section_rate[kPricing] = RateOf(model::kPricingView, intent);
  section_rate[kDocs] = RateOf(model::kDocsView, intent);
  section_rate[kBlog] = RateOf(model::kBlogView, intent);
  section_rate[kProduct] = RateOf(model::kProductView, intent);
  section_rate[kCareers] = CareersRate(c.age_band < 0 ? 0 : c.age_band, world_.bias.proxy_strength);
  section_rate[kHome] = RateOf(model::kHomeView, intent);
  const double webinar_rate = RateOf(model::kWebinar, intent);
  const double demo_rate = RateOf(model::kDemoRequest, intent);
  const double trial_rate = RateOf(model::kTrialStart, intent);
  const double order_rate = account.customer ? model::kOrder.base * department.order_factor : 0;
  const double record_p = (c.age_band >= 0 && c.age_band == world_.biased_band)
                              ? world_.bias.record_probability
                              : world_.bias.other_record_probability;
  const double order_mu = model::kOrderLogMedian +
                          model::kOrderSizeBeta * (Log(static_cast<double>(account.employees)) -
                                                   model::kEmployeesLogMedian);

  const std::int64_t created_day = core::ToDays(c.created_at);
  const std::int64_t first_day = std::max(created_day, world_.start_day - model::kBurnInDays);

  int demo_ring[model::kWindowDays] = {};
  int trial_ring[model::kWindowDays] = {};
  int pricing_ring[model::kWindowDays] = {};
  int demo_sum = 0, trial_sum = 0, pricing_sum = 0;
  std::int64_t refractory_until = first_day;
  std::int64_t seq = 0;
  std::int64_t cached_month = INT64_MIN;
  double engagement_activity = 1.0, engagement_order = 1.0;
  // The conversion probability changes only with the window counts and drift.
  int cached_key = -1;
  double conversion_p = 0;
  double cached_total[7] = {-1, -1, -1, -1, -1, -1, -1};
  double cached_zero[7] = {};

  for (std::int64_t day = first_day; day <= world_.last_day; ++day) {
    const bool drifted = world_.drift_mode && day >= world_.drift_day;
    const double x = drifted ? world_.drift : 0.0;
    const bool churned = account.churn_day >= 0 && day >= account.churn_day;
    if (account.customer) {
      const std::int64_t month = FloorDiv(day - world_.start_day, 30);
      if (month != cached_month) {
        cached_month = month;
        const double e = population_.Engagement(c.account, month);
        engagement_activity = Exp(model::kEngagementActivityBeta * e);
        engagement_order = Exp(model::kEngagementOrderBeta * e);
      }
    }
    const double activity = (churned ? model::kChurnedActivity : 1.0) * engagement_activity;
    const core::Instant noon = core::FromDays(day) + core::kMillisPerDay / 2;
    const bool email_ok = noon >= consents.email_from && noon < consents.email_until;
    const int wd = calendar_.Weekday(day);

    // The day's true conversion, from the 30 days before it.
    if (!churned && day >= refractory_until) {
      const int d = std::min(demo_sum, model::kConversionDemoCap);
      const int t = std::min(trial_sum, model::kConversionTrialCap);
      const int p = std::min(pricing_sum, model::kConversionPricingCap);
      const int key = ((d * 8 + t) * 8 + p) * 2 + (drifted ? 1 : 0);
      if (key != cached_key) {
        cached_key = key;
        const double pricing_weight =
            model::kConversionPricing * (1.0 - model::kDriftConversionPricing * x);
        conversion_p =
            Sigmoid(model::kConversionBase + model::kConversionIntent * intent +
                    model::kConversionDemo * d + model::kConversionTrial * t + pricing_weight * p);
      }
      if (rng.Uniform() < conversion_p) {
        core::Instant ts = OnDay(calendar_, *c.zone, day, SampleLocalSecondOfDay(rng));
        if (ts <= c.created_at) ts = c.created_at + kSecond;
        refractory_until = day + model::kRefractoryDays;
        const bool recorded = labels.Uniform() < record_p;
        if (Written(ts)) {
          WriteOutcome(c, "conversion", ts, *sinks.truth);
          ++tally.truth;
          ++tally.conversions_true;
          if (recorded) {
            WriteOutcome(c, "conversion", ts, *sinks.outcomes);
            ++tally.outcomes;
            ++tally.conversions_recorded;
          }
        }
      }
    }

    // The day's events.
    double rates[kCategories];
    const double web = activity * model::kWebWeekday[wd] * (1.0 + model::kDriftWeb * x);
    rates[kOpenCat] =
        email_ok ? open_rate * activity * model::kEmailWeekday[wd] * (1.0 - model::kDriftEmail * x)
                 : 0.0;
    rates[kPricingCat] = section_rate[kPricing] * web * (1.0 + model::kDriftPricing * x);
    rates[kDocsCat] = section_rate[kDocs] * web;
    rates[kBlogCat] = section_rate[kBlog] * web;
    rates[kProductCat] = section_rate[kProduct] * web;
    rates[kCareersCat] = section_rate[kCareers] * web;
    rates[kHomeCat] = section_rate[kHome] * web;
    rates[kWebinarCat] = webinar_rate * activity * model::kWebinarWeekday[wd];
    rates[kDemoCat] = demo_rate * activity * model::kWebWeekday[wd];
    rates[kTrialCat] = trial_rate * activity * model::kWebWeekday[wd] *
                       (demo_sum > 0 ? model::kTrialAfterDemoBoost : 1.0);
    rates[kOrderCat] = churned ? 0.0 : order_rate * engagement_order * model::kOrderWeekday[wd];
    double total = 0;
    for (double r : rates) total += r;
    // A contact's daily total takes few distinct values (weekday x state), so
    // e^-total is cached per weekday.
    if (total != cached_total[wd]) {
      cached_total[wd] = total;
      cached_zero[wd] = Exp(-total);
    }
    const std::int64_t n = total < 30 ? rng.Poisson(total, cached_zero[wd]) : rng.Poisson(total);

    day_.clear();
    const core::Instant day_end = core::FromDays(day + 1) - kSecond;
    for (std::int64_t k = 0; k < n; ++k) {
      const auto category = static_cast<Category>(rng.Categorical(rates, kCategories));
      Pending e{};
      if (category == kWebinarCat) {
        e.ts = OnDay(calendar_, *c.zone, day,
                     model::kWebinarLocalHour * 3600 + static_cast<int>(rng.Between(0, 600)));
      } else {
        e.ts = OnDay(calendar_, *c.zone, day, SampleLocalSecondOfDay(rng));
      }
      switch (category) {
        case kOpenCat: {
          e.type = EventType::kEmailOpen;
          e.campaign_day = LastSendDay(day, wd);
          day_.push_back(e);
          if (rng.Uniform() < click_p) {
            Pending click = e;
            click.type = EventType::kEmailClick;
            click.ts = std::min(day_end, e.ts + rng.Between(20, 900) * kSecond);
            click.path = static_cast<std::uint16_t>(rng.Below(ClickPaths().size()));
            day_.push_back(click);
          }
          continue;
        }
        case kWebinarCat:
          e.type = EventType::kWebinar;
          e.campaign_day = day;
          break;
        case kDemoCat:
          e.type = EventType::kDemoRequest;
          break;
        case kTrialCat:
          e.type = EventType::kTrialStart;
          break;
        case kOrderCat: {
          e.type = EventType::kOrder;
          const double value =
              std::max(model::kOrderMin, rng.LogNormal(order_mu, model::kOrderLogSigma));
          e.cents = static_cast<std::int64_t>(std::floor(value * 100.0 + 0.5));
          break;
        }
        default: {
          e.type = EventType::kPageView;
          e.section = static_cast<std::uint8_t>(category - kPricingCat);
          e.path = static_cast<std::uint16_t>(rng.Below(SectionPaths(e.section).size()));
          break;
        }
      }
      day_.push_back(e);
    }
    // Insertion sort: a day holds a handful of events; stable for equal times.
    for (std::size_t i = 1; i < day_.size(); ++i) {
      Pending e = day_[i];
      std::size_t j = i;
      for (; j > 0 && day_[j - 1].ts > e.ts; --j) day_[j] = day_[j - 1];
      day_[j] = e;
    }

    int demo_today = 0, trial_today = 0, pricing_today = 0;
    for (const Pending& e : day_) {
      if (e.ts < c.created_at) continue;
      if (e.type == EventType::kDemoRequest) ++demo_today;
      if (e.type == EventType::kTrialStart) ++trial_today;
      if (e.type == EventType::kPageView && e.section == kPricing) ++pricing_today;
      if (e.ts < world_.start || e.ts >= world_.end) continue;
      ++seq;
      if (!Written(e.ts)) continue;
      WriteEvent(c, e, seq, *sinks.events);
      ++tally.events;
      ++tally.by_type[static_cast<std::size_t>(e.type)];
    }
    const auto slot = static_cast<std::size_t>(FloorMod(day, model::kWindowDays));
    demo_sum += demo_today - demo_ring[slot];
    trial_sum += trial_today - trial_ring[slot];
    pricing_sum += pricing_today - pricing_ring[slot];
    demo_ring[slot] = demo_today;
    trial_ring[slot] = trial_today;
    pricing_ring[slot] = pricing_today;
  }

  if (account.churn_day >= 0 && account.churn_ts >= c.created_at && Written(account.churn_ts)) {
    WriteOutcome(c, "churn", account.churn_ts, *sinks.truth);
    WriteOutcome(c, "churn", account.churn_ts, *sinks.outcomes);
    ++tally.truth;
    ++tally.outcomes;
  }
}

}  // namespace candor::synth
