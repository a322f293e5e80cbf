// candor::synth::model: every number of the generative model in one place.
//
// docs/GENERATOR.md explains each mechanism with these values; change both
// together. Rates are per contact and day, averaged over the week (the weekday
// factors below have mean 1), before the intent multiplier exp(beta * intent).
//
// Thread safety: constants only.
#pragma once

#include <cstdint>

namespace candor::synth::model {

// Random streams: Rng::ForStream(seed, kind, entity index).
enum StreamKind : std::uint64_t {
  kAccountStream = 1,    // an account's firmographics and engagement
  kChurnStream = 2,      // an account's daily churn draws
  kProfileStream = 3,    // a contact's static profile
  kConsentStream = 4,    // a contact's consent history
  kActivityStream = 5,   // a contact's daily events and conversions
  kLabelStream = 6,      // whether each true conversion is recorded (the bias)
  kNameKey = 7,          // keys of the name permutations
  kEngagementNoise = 8,  // month-by-month engagement noise (stateless hash)
  kBrandKey = 9,         // key of the account-name permutation
};

// ---- accounts ----------------------------------------------------------------
inline constexpr double kEmployeesLogMedian = 4.787491742782046;  // ln 120
inline constexpr double kEmployeesLogSigma = 1.4;
inline constexpr double kEmployeesMin = 2;
inline constexpr double kEmployeesMax = 250'000;
inline constexpr double kRevenueLogSigma = 0.35;
// P(customer) = sigmoid(base + size * z_size + fit * industry fit),
// z_size = (ln employees - ln 120) / 1.4.
inline constexpr double kCustomerBase = -1.2;
inline constexpr double kCustomerSize = 0.35;
inline constexpr double kCustomerFit = 1.0;
// Accounts were created 3 to 10 years before the period.
inline constexpr int kAccountMinAgeDays = 3 * 365 + 30;
inline constexpr int kAccountMaxAgeDays = 10 * 365;
// Engagement of customer accounts: e(m) = e0 + slope * m / 12 + noise * z(m) for
// 30-day month m of the period, e0 ~ N(mean, sd), slope ~ N(mean, sd) per year.
inline constexpr double kEngagementMean = 0.3;
inline constexpr double kEngagementSd = 0.8;
inline constexpr double kEngagementSlopeMean = -0.25;
inline constexpr double kEngagementSlopeSd = 0.5;
inline constexpr double kEngagementNoiseSd = 0.35;
// Daily churn hazard of a customer account: h = base * exp(-beta * e(m)).
inline constexpr double kChurnHazardBase = 3.0e-4;
inline constexpr double kChurnEngagementBeta = 1.0;

// ---- contacts ----------------------------------------------------------------
// P(account) proportional to employees^exponent.
inline constexpr double kAccountPickExponent = 0.6;
// Share of contacts created before the period (uniformly over the 3 years
// before it); the rest join during the first min(days, 365) days.
inline constexpr double kHistoryShare = 0.7;
inline constexpr int kHistoryDays = 3 * 365;
inline constexpr int kGrowthDaysMax = 365;
// Share of contacts living in another country than their account.
inline constexpr double kForeignShare = 0.15;
inline constexpr double kPhoneMissingShare = 0.08;
// Gender: female, male, diverse; and the share with no gender row.
inline constexpr double kGenderWeights[3] = {0.47, 0.50, 0.03};
inline constexpr double kGenderMissingShare = 0.01;
// Interns who are minors (apprentices under 18; they get no age_band row).
inline constexpr double kMinorShareOfInterns = 0.12;

// ---- latent intent -------------------------------------------------------------
// intent = size * z_size + seniority + department fit + industry fit
//          + noise * N(0, 1) - center
inline constexpr double kIntentSize = 0.25;
inline constexpr double kIntentNoise = 0.7;
inline constexpr double kIntentCenter = 0.5;

// ---- activity ------------------------------------------------------------------
struct Rate {
  double base;  // events per day at intent 0
  double beta;  // multiplier exp(beta * intent)
};
inline constexpr Rate kEmailOpen = {0.085, 0.5};
inline constexpr Rate kEmailClick = {0.18, 0.4};  // probability per open, capped
inline constexpr double kEmailClickCap = 0.6;
inline constexpr Rate kPricingView = {0.006, 1.0};
inline constexpr Rate kDocsView = {0.028, 0.6};
inline constexpr Rate kBlogView = {0.050, 0.0};
inline constexpr Rate kProductView = {0.035, 0.3};
inline constexpr Rate kHomeView = {0.030, 0.0};
inline constexpr Rate kWebinar = {0.0035, 0.5};
inline constexpr Rate kDemoRequest = {0.0009, 1.1};
inline constexpr Rate kTrialStart = {0.0005, 1.1};
inline constexpr double kTrialAfterDemoBoost = 4.0;  // within 30 days of a demo request
inline constexpr Rate kOrder = {0.02, 0.0};          // times department order factor
// The careers proxy: careers-page visits per day by age band b ("18-24" .. "55+";
// minors count as 18-24), r(b) = r2 * (kCareersByBand[b] / r2)^proxy_strength
// with r2 = kCareersByBand[2]. At strength 1 that is 6, 5, 4, 3.2 and 0.1
// visits per 90 days: monotone in age with a step at 55, so that the absence of
// careers visits points at the 55+ band (P(none in 90 days) is 0.90 for 55+ and at
// most 0.041 for any other band). Age enters nothing else but the label recording.
// The rates were 3, 2.5, 2, 1.6 and 0.1 until 2026-12: then a fifth of the 45-54
// band had no visits either, and a model learnt too little of the bias through the
// proxy for the audit to see it reliably (docs/GENERATOR.md).
inline constexpr double kCareersByBand[5] = {6.0 / 90, 5.0 / 90, 4.0 / 90, 3.2 / 90, 0.1 / 90};
// Customers' contacts: email and web rates times exp(beta * e), orders times
// exp(beta * e); after the account churned every rate is times kChurnedActivity
// and orders stop.
inline constexpr double kEngagementActivityBeta = 0.25;
inline constexpr double kEngagementOrderBeta = 0.5;
inline constexpr double kChurnedActivity = 0.15;
// Order values in EUR: exp(N(ln 300 + 0.25 * ln(employees / 120), 0.8)), >= 10.
inline constexpr double kOrderLogMedian = 5.703782474656201;  // ln 300
inline constexpr double kOrderSizeBeta = 0.25;
inline constexpr double kOrderLogSigma = 0.8;
inline constexpr double kOrderMin = 10.0;

// Weekday factors (0 = Sunday), each with mean 1.
inline constexpr double kWebWeekday[7] = {0.375, 1.25, 1.25, 1.25, 1.25, 1.25, 0.375};
inline constexpr double kEmailWeekday[7] = {0.35, 1.0, 1.75, 1.0, 1.75, 0.8, 0.35};
inline constexpr double kOrderWeekday[7] = {0, 1.4, 1.4, 1.4, 1.4, 1.4, 0};
inline constexpr double kWebinarWeekday[7] = {0, 0, 0, 7, 0, 0, 0};  // Wednesdays
// Time of day (local): with this probability N(13:00, 2.5 h) clipped to
// [07:00, 20:00], else uniform over the day.
inline constexpr double kWorkingHoursShare = 0.85;
inline constexpr double kWorkingHoursMean = 13.0;
inline constexpr double kWorkingHoursSd = 2.5;
// Webinars start at 16:00 local; attendance is logged 0-10 minutes after.
inline constexpr int kWebinarLocalHour = 16;

// ---- true conversion -------------------------------------------------------------
// Daily probability sigmoid(base + intent * b_i + min(demo30, 2) * b_d
//   + min(trial30, 2) * b_t + min(pricing30, 6) * b_p), counts over the 30 days
// before the day; none within kRefractoryDays after a conversion or after churn.
inline constexpr double kConversionBase = -7.7;
inline constexpr double kConversionIntent = 0.8;
inline constexpr double kConversionDemo = 1.5;
inline constexpr double kConversionTrial = 1.2;
inline constexpr double kConversionPricing = 0.3;
inline constexpr int kConversionDemoCap = 2;
inline constexpr int kConversionTrialCap = 2;
inline constexpr int kConversionPricingCap = 6;
inline constexpr int kWindowDays = 30;
inline constexpr int kRefractoryDays = 60;
// Days simulated (not written) before the period so that the 30-day windows
// are filled on its first day.
inline constexpr int kBurnInDays = 30;

// ---- consents --------------------------------------------------------------------
// Source of the contact (web_form, webinar_signup, crm_import, trade_fair).
inline constexpr double kSourceWeights[4] = {0.45, 0.15, 0.28, 0.12};
inline constexpr double kGrantProfiling = 0.85;
inline constexpr double kGrantEmailGivenProfiling = 0.88;
inline constexpr double kGrantEmailWithoutProfiling = 0.30;
// Those who did not grant profiling grant both later with this probability,
// after Exp(mean kLateGrantMeanDays) days, at a webinar sign-up.
inline constexpr double kLateGrant = 0.25;
inline constexpr double kLateGrantMeanDays = 120;
inline constexpr double kLateGrantEmail = 0.8;
// Yearly hazards from the grant (withdraw) or from creation (object).
inline constexpr double kWithdrawEmailPerYear = 0.10;
inline constexpr double kWithdrawProfilingPerYear = 0.04;
inline constexpr double kObjectSalesPerYear = 0.02;
inline constexpr double kObjectSegmentationPerYear = 0.01;
inline constexpr double kObjectProfilingPerYear = 0.005;

// ---- drift (X = --drift, applied from the UTC day containing --from) --------------
inline constexpr double kDriftEmail = 0.4;              // email opens times (1 - 0.4 X)
inline constexpr double kDriftWeb = 0.5;                // every page view times (1 + 0.5 X)
inline constexpr double kDriftPricing = 1.0;            // pricing views also times (1 + X)
inline constexpr double kDriftConversionPricing = 0.5;  // b_p times (1 - 0.5 X)
inline constexpr double kDriftArrivalsPerYear = 0.25;   // new contacts: 0.25 X N per year
inline constexpr double kDriftIndustryBoost = 4.0;      // their software, healthcare
                                                        // accounts weigh (1 + 4 X)

}  // namespace candor::synth::model
