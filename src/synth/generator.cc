#include "synth/generator.h"

#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <memory>

#include "core/csv_writer.h"
#include "synth/activity.h"
#include "synth/calendar.h"
#include "synth/consent.h"
#include "synth/model.h"
#include "synth/population.h"
#include "synth/vocabulary.h"

namespace candor::synth {

namespace {

using core::CsvWriter;

constexpr std::int64_t kMaxContacts = 100'000'000;
constexpr std::int64_t kMaxAccounts = 10'000'000;
constexpr int kMaxDays = 3650;
constexpr core::Instant kEarliestEnd = 1'262'304'000'000;  // 2010-01-01T00:00:00Z
constexpr core::Instant kLatestEnd = 4'102'444'800'000;    // 2100-01-01T00:00:00Z

constexpr std::string_view kGenderNames[] = {"female", "male", "diverse"};

struct Output {
  std::unique_ptr<CsvWriter> writer;
  std::string_view name;
};

core::Result<std::unique_ptr<CsvWriter>> Open(const std::string& dir, std::string_view file,
                                              std::initializer_list<std::string_view> header) {
  CANDOR_ASSIGN_OR_RETURN(auto w, CsvWriter::Create((std::filesystem::path(dir) / file).string()));
  for (std::string_view column : header) w->Field(column);
  w->EndRow();
  return w;
}

void WriteAccount(const Account& a, const Calendar& calendar, CsvWriter& out) {
  out.Field(a.id);
  out.Field(a.name);
  out.Field(Industries()[a.industry].name);
  out.Field(a.employees);
  out.Field(a.annual_revenue);
  out.Field(Countries()[a.country].code);
  out.Field(a.customer ? "customer" : "prospect");
  out.Field(calendar.Format(a.created_at));
  out.EndRow();
}

void WriteContact(const Contact& c, const Population& population, const Calendar& calendar,
                  CsvWriter& out) {
  const Country& country = Countries()[c.country];
  out.Field(c.id);
  out.Field(population.accounts()[c.account].id);
  out.Field(c.email);
  out.Field(c.first_name->text);
  out.Field(c.last_name->text);
  out.Field(c.job_title);
  out.Field(Seniorities()[c.seniority].name);
  out.Field(Departments()[c.department].name);
  out.Field(country.code);
  out.Field(calendar.Format(c.created_at));
  out.Field(c.phone);
  out.Field(c.zone->name);
  out.Field(country.language);
  out.Field(c.minor ? "true" : "false");
  out.EndRow();
}

std::int64_t WriteAttributes(const Contact& c, CsvWriter& out) {
  std::int64_t rows = 0;
  if (c.gender_recorded) {
    out.Field(c.id);
    out.Field("gender");
    out.Field(kGenderNames[static_cast<std::size_t>(c.gender)]);
    out.EndRow();
    ++rows;
  }
  if (c.age_band >= 0) {
    out.Field(c.id);
    out.Field("age_band");
    out.Field(AgeBands()[static_cast<std::size_t>(c.age_band)]);
    out.EndRow();
    ++rows;
  }
  return rows;
}

}  // namespace

core::Status ValidateOptions(const GeneratorOptions& o) {
  if (o.out_dir.empty()) return core::InvalidArgument("--out must name a directory");
  if (o.contacts < 1) return core::InvalidArgument("--contacts must be at least 1");
  if (o.contacts > kMaxContacts) {
    return core::InvalidArgument(fmt::format("--contacts must be at most {}", kMaxContacts));
  }
  if (o.accounts < 0) {
    return core::InvalidArgument("--accounts must be at least 1 (or 0 for contacts / 8)");
  }
  if (o.accounts > kMaxAccounts) {
    return core::InvalidArgument(fmt::format("--accounts must be at most {}", kMaxAccounts));
  }
  if (o.days < 1 || o.days > kMaxDays) {
    return core::InvalidArgument(fmt::format("--days must be between 1 and {}", kMaxDays));
  }
  if (o.end < kEarliestEnd || o.end > kLatestEnd) {
    return core::InvalidArgument("--end must lie between 2010-01-01 and 2100-01-01");
  }
  if (!(o.drift >= 0 && o.drift <= 1)) return core::InvalidArgument("--drift must be in [0, 1]");
  if (o.drift > 0 && !o.drift_from) return core::InvalidArgument("--drift needs --from DATE");
  const core::Instant start = o.end - o.days * core::kMillisPerDay;
  if (o.drift_from && (*o.drift_from < start || *o.drift_from >= o.end)) {
    return core::InvalidArgument(fmt::format("--from must lie inside the period [{}, {})",
                                             core::FormatTimestamp(start),
                                             core::FormatTimestamp(o.end)));
  }
  const BiasParameters& b = o.bias;
  if (!(b.record_probability >= 0 && b.record_probability <= 1)) {
    return core::InvalidArgument(
        fmt::format("--bias-record must be a probability in [0, 1], got {}", b.record_probability));
  }
  if (!(b.other_record_probability >= 0 && b.other_record_probability <= 1)) {
    return core::InvalidArgument(fmt::format(
        "bias.other_record_probability must be in [0, 1], got {}", b.other_record_probability));
  }
  if (!(b.proxy_strength >= 0 && b.proxy_strength <= 5)) {
    return core::InvalidArgument(
        fmt::format("--proxy-strength must be in [0, 5], got {}", b.proxy_strength));
  }
  if (!b.age_band.empty()) {
    bool known = false;
    for (std::string_view band : AgeBands()) known = known || band == b.age_band;
    if (!known) {
      return core::InvalidArgument(fmt::format(
          "--bias-band must be one of 18-24, 25-34, 35-44, 45-54, 55+ (or \"\" for no bias), got {}",
          b.age_band));
    }
  }
  return core::Status::Ok();
}

core::Result<GenerateSummary> Generate(const GeneratorOptions& options,
                                       const ProgressFn& progress) {
  CANDOR_RETURN_IF_ERROR(ValidateOptions(options));
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) {
    return core::Unavailable(
        fmt::format("{}: cannot create directory: {}", options.out_dir, ec.message()));
  }
  const std::string& dir = options.out_dir;

  const World world = World::From(options);
  // The table covers the oldest contact (3 years before the period) to the end.
  const Calendar calendar(world.start_day - model::kHistoryDays - 2, world.last_day + 2);
  Population population(world, calendar);

  GenerateSummary summary;
  summary.start = world.start;
  summary.end = world.end;
  {
    CANDOR_ASSIGN_OR_RETURN(auto accounts,
                            Open(dir, "accounts.csv",
                                 {"account_id", "name", "industry", "employees", "annual_revenue",
                                  "country", "status", "created_at"}));
    for (const Account& a : population.accounts()) {
      WriteAccount(a, calendar, *accounts);
      const bool churn_written = a.churn_day >= 0 && a.churn_ts < world.end &&
                                 (!world.drift_mode || a.churn_ts >= world.drift_from);
      if (churn_written) ++summary.churned_accounts;
    }
    CANDOR_RETURN_IF_ERROR(accounts->Close());
    summary.accounts = world.accounts;
  }

  CANDOR_ASSIGN_OR_RETURN(
      auto contacts, Open(dir, "contacts.csv",
                          {"contact_id", "account_id", "email", "first_name", "last_name",
                           "job_title", "seniority", "department", "country", "created_at", "phone",
                           "time_zone", "language", "is_minor"}));
  CANDOR_ASSIGN_OR_RETURN(auto attributes,
                          Open(dir, "attributes.csv", {"contact_id", "attribute", "value"}));
  CANDOR_ASSIGN_OR_RETURN(auto consents,
                          Open(dir, "consents.csv",
                               {"contact_id", "purpose", "action", "legal_basis", "source", "ts",
                                "method", "notice_version", "evidence"}));
  CANDOR_ASSIGN_OR_RETURN(
      auto events, Open(dir, "events.csv",
                        {"contact_id", "type", "ts", "event_id", "url", "campaign_id", "value"}));
  CANDOR_ASSIGN_OR_RETURN(auto outcomes,
                          Open(dir, "outcomes.csv", {"contact_id", "target", "ts", "value"}));
  CANDOR_ASSIGN_OR_RETURN(auto truth,
                          Open(dir, "truth.csv", {"contact_id", "target", "ts", "value"}));

  ActivitySimulator simulator(world, calendar, population);
  ActivitySinks sinks{events.get(), outcomes.get(), truth.get()};
  ActivityTally tally;
  ConsentHistory history;
  summary.arrivals = population.ArrivalCount();
  const std::int64_t total = world.contacts + summary.arrivals;
  const std::int64_t step = std::max<std::int64_t>(1, total / 100);
  for (std::int64_t i = 0; i < total; ++i) {
    const Contact c = population.MakeContact(i);
    WriteContact(c, population, calendar, *contacts);
    summary.attributes += WriteAttributes(c, *attributes);
    SimulateConsents(world, c, history);
    summary.consents += WriteConsents(world, calendar, c, history, *consents);
    simulator.Run(c, history, sinks, tally);
    if (progress && ((i + 1) % step == 0 || i + 1 == total)) progress(i + 1, total);
  }
  summary.contacts = total;

  // Close every file; report the first failure.
  std::array<CsvWriter*, 6> writers = {contacts.get(), attributes.get(), consents.get(),
                                       events.get(),   outcomes.get(),   truth.get()};
  for (CsvWriter* w : writers) CANDOR_RETURN_IF_ERROR(w->Close());

  summary.events = tally.events;
  summary.outcomes = tally.outcomes;
  summary.truth = tally.truth;
  summary.conversions_true = tally.conversions_true;
  summary.conversions_recorded = tally.conversions_recorded;
  for (std::size_t t = 0; t < kEventTypes; ++t) {
    summary.events_by_type[std::string(EventTypeName(t))] = tally.by_type[t];
  }
  return summary;
}

}  // namespace candor::synth
