// candor::synth::ActivitySimulator: one contact's events, true conversions and
// recorded outcomes, simulated one UTC day at a time.
//
// Each day the rates of every event kind follow from the contact's latent intent,
// the weekday, its consent to marketing e-mail, its account's engagement and churn,
// and (from the drift day on) the drift; the day's count is one Poisson draw on
// their sum and each event's kind a categorical draw on the rates, which is the
// same as independent Poisson processes per kind. The true conversion of the day
// is a Bernoulli draw on a logistic in intent and the high-value events of the 30
// days before it. Events are written in time order with ids
// "<E|D><contact number>-<n>", n counting the contact's events from the start of
// the period (so ids are stable across runs that share the start: "E" for the
// undrifted world, "D" once drift > 0 changed it).
//
// Rows are written straight to the CSV writers; memory holds one day of events.
// Thread safety: one simulator per thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/csv_writer.h"
#include "synth/calendar.h"
#include "synth/consent.h"
#include "synth/population.h"

namespace candor::synth {

enum class EventType : std::uint8_t {
  kEmailOpen,
  kEmailClick,
  kPageView,
  kWebinar,
  kDemoRequest,
  kTrialStart,
  kOrder,
};
inline constexpr std::size_t kEventTypes = 7;
// "email_open", "email_click", "page_view", "webinar", "demo_request",
// "trial_start", "order".
std::string_view EventTypeName(std::size_t type);

struct ActivitySinks {
  core::CsvWriter* events = nullptr;
  core::CsvWriter* outcomes = nullptr;
  core::CsvWriter* truth = nullptr;
};

struct ActivityTally {
  std::int64_t events = 0;
  std::int64_t by_type[kEventTypes] = {};
  std::int64_t outcomes = 0;
  std::int64_t truth = 0;
  std::int64_t conversions_true = 0;
  std::int64_t conversions_recorded = 0;
};

class ActivitySimulator {
 public:
  ActivitySimulator(const World& world, const Calendar& calendar, const Population& population);

  // Simulates and writes `contact`'s events and outcomes (consents come from
  // `consents`, already simulated).
  void Run(const Contact& contact, const ConsentHistory& consents, ActivitySinks& sinks,
           ActivityTally& tally);

 private:
  struct Pending {
    core::Instant ts;
    EventType type;
    std::uint8_t section;       // page views: the web section
    std::uint16_t path;         // index into the section's paths
    std::int64_t campaign_day;  // email and webinar events: the send or webinar day
    std::int64_t cents;         // orders
  };
  void WriteEvent(const Contact& c, const Pending& e, std::int64_t seq, core::CsvWriter& out);
  void WriteOutcome(const Contact& c, std::string_view target, core::Instant ts,
                    core::CsvWriter& out);
  bool Written(core::Instant ts) const;

  const World& world_;
  const Calendar& calendar_;
  const Population& population_;
  std::vector<Pending> day_;
  std::string id_prefix_;
};

}  // namespace candor::synth
