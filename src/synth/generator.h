// candor::synth: the deterministic generator behind `candor generate`.
//
// Generate() writes a synthetic B2B marketing dataset whose truth is known:
// accounts, contacts, events, consents, outcomes and protected attributes in
// candor's input formats, plus truth.csv, the unbiased outcomes (never ingested).
// The generative model, its parameters and the injected bias are documented in
// docs/GENERATOR.md; the numbers live in src/synth/model.h.
//
// Example:
//   synth::GeneratorOptions options;
//   options.out_dir = "data";
//   options.contacts = 5000;
//   auto summary = synth::Generate(options);
//   if (!summary.ok()) return summary.status();
//
// Files (in out_dir; CSV, header row, LF, UTF-8, RFC 4180 quoting only where a
// field needs it, timestamps "YYYY-MM-DDTHH:MM:SSZ", empty string for an absent
// optional value):
//   accounts.csv    account_id,name,industry,employees,annual_revenue,country,status,created_at
//   contacts.csv    contact_id,account_id,email,first_name,last_name,job_title,seniority,
//                   department,country,created_at,phone,time_zone,language,is_minor
//   events.csv      contact_id,type,ts,event_id,url,campaign_id,value
//   consents.csv    contact_id,purpose,action,legal_basis,source,ts,method,notice_version,evidence
//   outcomes.csv    contact_id,target,ts,value          (recorded, with the injected bias)
//   attributes.csv  contact_id,attribute,value          (gender, age_band)
//   truth.csv       contact_id,target,ts,value          (every true outcome)
// Every file is ordered by contact (accounts.csv by account), then by time.
// Each file is written to FILE.tmp and renamed into place when complete. Ids:
// A000001, C0000001, events E<contact, 7 digits>-<n, 5 digits> (D… in drift
// runs); booleans true/false; order values EUR with two decimals; docs/GENERATOR.md
// lists every value.
//
// Determinism: the output is a pure function of the options: identical options
// give identical bytes, on any platform with IEEE-754 doubles (see random.h for
// why no <random> distribution is used). The world is simulated causally, one UTC
// day at a time from the period's start, so `end` only cuts it off: a run with an
// earlier `end` and the same start (end - days) is a prefix of a longer one.
// Accounts, contacts and attributes depend on (seed, contacts, accounts, start,
// min(days, 365)) only, never on the drift options.
//
// Drift (`--drift X --from DATE`): the same world up to `drift_from`, then event
// rates, the conversion mechanism and the mix of new contacts shift by X; only
// events, consents and outcomes at or after `drift_from` are written, and new
// contacts joining after `drift_from` are appended to contacts.csv and
// attributes.csv (ids after the base population's). X = 0 reproduces the
// undrifted world's records from DATE on exactly.
//
// Memory: per-account state and one contact at a time; independent of the number
// of events. Thread safety: Generate() may run concurrently on different out_dirs.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/status.h"
#include "core/time.h"

namespace candor::synth {

// The injected label bias and the proxy that lets a model learn it.
struct BiasParameters {
  // Age band whose true conversions are under-recorded in outcomes.csv ("" for
  // no bias). Default: "55+".
  std::string age_band = "55+";
  // Probability that a true conversion of that band is recorded. Default: 0.3
  // (sales followed that band up far less; docs/GENERATOR.md explains the value).
  double record_probability = 0.3;
  // Probability that a true conversion of anyone else is recorded. Default: 1.
  double other_record_probability = 1.0;
  // Strength of the proxy: careers-page visits per 90 days are 6, 5, 4, 3.2
  // and 0.1 from "18-24" to "55+" at 1, equal (4) at 0, and the ratios to 2
  // are raised to this power in general (src/synth/model.h). Default: 1.
  double proxy_strength = 1.0;
};

struct GeneratorOptions {
  // Directory for the files; created (with parents) if missing. Required.
  std::string out_dir;
  // Number of contacts (the base population). Default: 20000.
  std::int64_t contacts = 20000;
  // Number of accounts; 0 means max(1, contacts / 8). Default: 0.
  std::int64_t accounts = 0;
  // Length of the period [end - days, end) in days. Default: 365.
  int days = 365;
  // Exclusive end of the period. Default: 2026-11-01T00:00:00Z.
  core::Instant end = kDefaultEnd;
  // Seed of every random stream. Default: 1.
  std::uint64_t seed = 1;
  // Strength of the drift from drift_from on, in [0, 1]. Default: 0.
  double drift = 0;
  // Start of the drifted part; when set, only records from it on are written.
  // Required when drift > 0; allowed with drift == 0. Must lie in the period.
  std::optional<core::Instant> drift_from;
  // Write a `grant` row with legal basis legitimate_interest for sales_outreach
  // and segmentation when a contact is created (documents when and from which
  // source the basis arose). Default: true.
  bool record_legitimate_interest = true;
  BiasParameters bias;

  static constexpr core::Instant kDefaultEnd = 1'793'491'200'000;  // 2026-11-01T00:00:00Z
};

struct GenerateSummary {
  core::Instant start = 0;  // first instant of the period
  core::Instant end = 0;    // exclusive
  std::int64_t accounts = 0;
  std::int64_t contacts = 0;  // rows of contacts.csv (base population + drift arrivals)
  std::int64_t arrivals = 0;  // contacts that joined after drift_from (drift runs only)
  std::int64_t events = 0;
  std::int64_t consents = 0;
  std::int64_t outcomes = 0;  // rows of outcomes.csv
  std::int64_t attributes = 0;
  std::int64_t truth = 0;  // rows of truth.csv
  std::int64_t conversions_true = 0;
  std::int64_t conversions_recorded = 0;
  std::int64_t churned_accounts = 0;  // customer accounts that churned in the written span
  std::map<std::string, std::int64_t> events_by_type;
};

// Called about every 1% of contacts and once at the end.
using ProgressFn = std::function<void(std::int64_t contacts_done, std::int64_t contacts_total)>;

// Checks the options without touching the file system. InvalidArgument naming
// the flag, e.g. "--contacts must be at least 1", "--drift must be in [0, 1]",
// "--drift needs --from DATE", "--from must lie inside the period
// [2025-11-01T00:00:00Z, 2026-11-01T00:00:00Z)".
core::Status ValidateOptions(const GeneratorOptions& options);

// Writes the dataset. Errors: InvalidArgument from ValidateOptions; Unavailable
// when out_dir or a file cannot be created or written (files already renamed into
// place stay; the one that failed and those not yet closed are removed).
core::Result<GenerateSummary> Generate(const GeneratorOptions& options,
                                       const ProgressFn& progress = {});

}  // namespace candor::synth
