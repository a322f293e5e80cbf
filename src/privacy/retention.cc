#include "privacy/retention.h"

#include <unordered_map>

namespace candor::privacy {

core::Result<RetentionReport> ApplyRetention(store::Store& store, ledger::Ledger& ledger,
                                             const core::Config& config, core::Instant now,
                                             const std::string& actor, bool dry_run) {
  // The longest retention among the purposes each subject has a basis for now.
  std::unordered_map<store::SubjectKey, std::int64_t> keep_days;
  for (const auto& p : config.purposes) {
    CANDOR_RETURN_IF_ERROR(store.ForEachEligibleSubject(p.name, now, [&](const store::EligibleSubject& e) {
      auto& d = keep_days[e.key];
      d = std::max(d, p.retention_days);
      return core::Status::Ok();
    }));
  }
  RetentionReport report;
  report.dry_run = dry_run;
  CANDOR_ASSIGN_OR_RETURN(auto tx, store.BeginWrite());
  CANDOR_ASSIGN_OR_RETURN(
      report.deleted,
      store.privacy().ApplyRetention(
          [&](std::int64_t key) -> core::Result<std::optional<core::Instant>> {
            auto it = keep_days.find(key);
            if (it == keep_days.end()) return std::optional<core::Instant>();
            return std::optional<core::Instant>(now - it->second * core::kMillisPerDay);
          },
          dry_run));
  if (dry_run) return report;  // the transaction rolls back: nothing changed
  const auto& d = report.deleted;
  if (d.events + d.outcomes + d.scores > 0) {
    ledger::EntryInput e;
    e.type = "retention";
    e.time = now;
    e.actor = actor;
    e.payload = {{"subjects", d.subjects}, {"events", d.events}, {"outcomes", d.outcomes},
                 {"scores", d.scores}};
    CANDOR_RETURN_IF_ERROR(ledger.Append(e).status());
    CANDOR_RETURN_IF_ERROR(ledger.SignHead().status());
  }
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return report;
}

}  // namespace candor::privacy
