#include "synth/consent.h"

#include <algorithm>
#include <array>
#include <cassert>

#include "synth/model.h"
#include "synth/random.h"

namespace candor::synth {

namespace {

using sv = std::string_view;

constexpr sv kPurposeNames[] = {"profiling", "email_marketing", "sales_outreach", "segmentation"};
constexpr sv kBasisNames[] = {"consent", "consent", "legitimate_interest", "legitimate_interest"};
constexpr sv kActionNames[] = {"grant", "withdraw", "object"};

enum Source : std::uint8_t {
  kWebForm,
  kWebinarSignup,
  kCrmImport,
  kTradeFair,
  kPreferenceCenter,
  kEmailLink,
  kCustomerService,
};
constexpr sv kSourceNames[] = {"web_form",        "webinar_signup",    "crm_import",
                               "trade_fair",      "preference_center", "email_link",
                               "customer_service"};

enum Method : std::uint8_t {
  kNoMethod,
  kDoubleOptIn,
  kCheckbox,
  kUnsubscribeLink,
  kPreferenceForm,
  kWrittenRequest,
};
constexpr sv kMethodNames[] = {
    "", "double_opt_in", "checkbox", "unsubscribe_link", "preference_center", "written_request"};

constexpr core::Instant kSecond = core::kMillisPerSecond;
// A double opt-in is confirmed 1 minute to 36 hours after the sign-up.
constexpr std::int64_t kMaxConfirmSeconds = std::int64_t{36} * 3600;
constexpr double kYearMillis = 365.0 * static_cast<double>(core::kMillisPerDay);

// `from` plus an exponential waiting time with the given yearly rate.
core::Instant After(core::Instant from, double waiting_years) {
  if (from == kNever || waiting_years > 500) return kNever;
  return from + static_cast<core::Instant>(waiting_years * kYearMillis);
}

void Hex(const std::array<std::uint64_t, 4>& words, char* out) {
  constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t w = 0; w < 4; ++w) {
    for (int nibble = 0; nibble < 16; ++nibble) {
      *out++ = kDigits[(words[w] >> (60 - 4 * nibble)) & 0xF];
    }
  }
}

}  // namespace

std::string_view NoticeVersion(core::Instant t) {
  struct Version {
    int year, month, day;
    sv name;
  };
  static constexpr Version kVersions[] = {{2023, 4, 3, "2023-04"},
                                          {2024, 6, 3, "2024-06"},
                                          {2025, 1, 13, "2025-01"},
                                          {2026, 3, 2, "2026-03"}};
  static const std::array<core::Instant, 4> kFrom = [] {
    std::array<core::Instant, 4> from{};
    for (std::size_t i = 0; i < from.size(); ++i) {
      from[i] = *core::FromCivil(kVersions[i].year, kVersions[i].month, kVersions[i].day);
    }
    return from;
  }();
  sv version = "2021-09";
  for (std::size_t i = 0; i < kFrom.size(); ++i) {
    if (t >= kFrom[i]) version = kVersions[i].name;
  }
  return version;
}

void SimulateConsents(const World& world, const Contact& c, ConsentHistory& h) {
  h.rows.clear();
  h.email_from = kNever;
  h.email_until = kNever;
  // Every draw happens in the same order whatever the outcomes, so that one
  // parameter change does not reshuffle everything after it.
  Rng rng = Rng::ForStream(world.seed, model::kConsentStream, static_cast<std::uint64_t>(c.index));
  const auto source = static_cast<std::uint8_t>(rng.Categorical(model::kSourceWeights));
  const bool double_opt_in = source == kWebForm || source == kWebinarSignup;
  const std::int64_t confirm =
      double_opt_in ? rng.Between(60, kMaxConfirmSeconds) : rng.Between(0, 300);
  const bool profiling = rng.Bernoulli(model::kGrantProfiling);
  const double email_u = rng.Uniform();
  const bool late = rng.Bernoulli(model::kLateGrant);
  const double late_days = rng.Exponential(1.0 / model::kLateGrantMeanDays);
  const bool late_email = rng.Bernoulli(model::kLateGrantEmail);
  const std::int64_t late_confirm = rng.Between(60, kMaxConfirmSeconds);
  const double withdraw_email = rng.Exponential(model::kWithdrawEmailPerYear);
  const double withdraw_profiling = rng.Exponential(model::kWithdrawProfilingPerYear);
  const double object_sales = rng.Exponential(model::kObjectSalesPerYear);
  const double object_segmentation = rng.Exponential(model::kObjectSegmentationPerYear);
  const double object_profiling = rng.Exponential(model::kObjectProfilingPerYear);
  std::array<std::uint64_t, 4> token1{}, token2{};
  for (auto& w : token1) w = rng.Next();
  for (auto& w : token2) w = rng.Next();

  auto add = [&h](core::Instant ts, Purpose p, ConsentAction a, std::uint8_t src,
                  std::uint8_t method) -> ConsentRow& {
    ConsentRow row;
    row.ts = ts;
    row.purpose = p;
    row.action = a;
    row.source = src;
    row.method = method;
    h.rows.push_back(row);
    return h.rows.back();
  };

  const core::Instant created = c.created_at;
  if (world.record_legitimate_interest) {
    add(created, Purpose::kSalesOutreach, ConsentAction::kGrant, source, kNoMethod);
    add(created, Purpose::kSegmentation, ConsentAction::kGrant, source, kNoMethod);
  }

  // Grants at creation (the double opt-in confirmation comes later), or later
  // at a webinar sign-up for some of those who declined.
  const core::Instant grant_ts = created + confirm * kSecond;
  const core::Instant late_ts = After(created, late_days / 365.0) + late_confirm * kSecond;
  const std::uint8_t grant_method = double_opt_in ? kDoubleOptIn : kCheckbox;
  core::Instant profiling_from = kNever;
  core::Instant email_from = kNever;
  bool email_late = false;
  if (profiling) {
    profiling_from = grant_ts;
    ConsentRow& r = add(grant_ts, Purpose::kProfiling, ConsentAction::kGrant, source, grant_method);
    if (double_opt_in) {
      r.has_evidence = true;
      Hex(token1, r.evidence);
    }
    if (email_u < model::kGrantEmailGivenProfiling) email_from = grant_ts + kSecond;
  } else {
    if (email_u < model::kGrantEmailWithoutProfiling) email_from = grant_ts;
    if (late && late_ts != kNever) {
      profiling_from = late_ts;
      ConsentRow& r =
          add(late_ts, Purpose::kProfiling, ConsentAction::kGrant, kWebinarSignup, kDoubleOptIn);
      r.has_evidence = true;
      Hex(token2, r.evidence);
      if (email_from == kNever && late_email) {
        email_from = late_ts + kSecond;
        email_late = true;
      }
    }
  }
  if (email_from != kNever) {
    const bool at_creation = !email_late;
    const bool doi = at_creation ? double_opt_in : true;
    ConsentRow& r =
        add(email_from, Purpose::kEmailMarketing, ConsentAction::kGrant,
            at_creation ? source : std::uint8_t{kWebinarSignup}, doi ? kDoubleOptIn : kCheckbox);
    if (doi) {
      r.has_evidence = true;
      Hex(at_creation ? token1 : token2, r.evidence);
    }
  }

  // Withdrawals (consent purposes only) and objections (any purpose).
  const core::Instant email_withdrawn = After(email_from, withdraw_email);
  const core::Instant profiling_withdrawn = After(profiling_from, withdraw_profiling);
  if (email_withdrawn != kNever) {
    add(email_withdrawn, Purpose::kEmailMarketing, ConsentAction::kWithdraw, kEmailLink,
        kUnsubscribeLink);
  }
  if (profiling_withdrawn != kNever) {
    add(profiling_withdrawn, Purpose::kProfiling, ConsentAction::kWithdraw, kPreferenceCenter,
        kPreferenceForm);
  }
  core::Instant first_objection = kNever;
  auto object = [&](core::Instant ts, Purpose p) {
    if (ts == kNever) return;
    add(ts, p, ConsentAction::kObject, kCustomerService, kWrittenRequest);
    first_objection = std::min(first_objection, ts);
  };
  object(After(created, object_sales), Purpose::kSalesOutreach);
  object(After(created, object_segmentation), Purpose::kSegmentation);
  const core::Instant profiling_objected = After(profiling_from, object_profiling);
  if (profiling_objected < profiling_withdrawn) object(profiling_objected, Purpose::kProfiling);

  std::stable_sort(h.rows.begin(), h.rows.end(),
                   [](const ConsentRow& a, const ConsentRow& b) { return a.ts < b.ts; });
  // An objection to any direct-marketing purpose ends them all (Art. 21(2)-(3)),
  // e-mail included.
  h.email_from = email_from;
  h.email_until = std::min(email_withdrawn, first_objection);
}

std::int64_t WriteConsents(const World& world, const Calendar& calendar, const Contact& c,
                           const ConsentHistory& h, core::CsvWriter& out) {
  std::int64_t written = 0;
  char ts[kTimestampLength];
  for (const ConsentRow& r : h.rows) {
    if (r.ts >= world.end) break;
    if (world.drift_mode && r.ts < world.drift_from) continue;
    const auto p = static_cast<std::size_t>(r.purpose);
    out.Field(c.id);
    out.Field(kPurposeNames[p]);
    out.Field(kActionNames[static_cast<std::size_t>(r.action)]);
    out.Field(kBasisNames[p]);
    out.Field(kSourceNames[r.source]);
    calendar.Format(r.ts, ts);
    out.Field(std::string_view(ts, kTimestampLength));
    out.Field(kMethodNames[r.method]);
    out.Field(NoticeVersion(r.ts));
    if (r.has_evidence) {
      out.Field(std::string_view(r.evidence, sizeof r.evidence));
    } else {
      out.EmptyField();
    }
    out.EndRow();
    ++written;
  }
  return written;
}

}  // namespace candor::synth
