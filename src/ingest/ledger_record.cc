// The ledger entry of a committed import (DESIGN: every ingest is recorded).
#include "ingest/importer.h"

namespace candor::ingest::internal {

core::Status RecordIngest(ledger::Ledger& ledger, const Request& request, const Report& report,
                          const std::vector<ledger::EntryInput>& consents) {
  // Every consent change first, one entry each (invariant: every consent change
  // is in the ledger), then the import itself.
  if (!consents.empty()) CANDOR_RETURN_IF_ERROR(ledger.AppendBatch(consents).status());
  // File paths stay out: a path can name a person (a home directory); the hashes
  // identify the files' contents exactly.
  nlohmann::json files = nlohmann::json::array();
  for (const std::string& sha : report.file_sha256) files.push_back({{"sha256", sha}});
  ledger::EntryInput entry;
  entry.type = "ingest";
  entry.time = request.now;
  entry.actor = request.actor;
  entry.payload = {{"kind", std::string(KindName(report.kind))},
                   {"files", files},
                   {"rows", report.rows},
                   {"inserted", report.inserted},
                   {"updated", report.updated},
                   {"unchanged", report.unchanged},
                   {"duplicates", report.duplicates},
                   {"skipped", report.skipped},
                   {"suppressed", report.suppressed},
                   {"subjects_created", report.subjects_created}};
  if (!report.mapping.empty()) entry.payload["mapping"] = report.mapping;
  CANDOR_RETURN_IF_ERROR(ledger.Append(entry).status());
  return ledger.SignHead().status();
}

}  // namespace candor::ingest::internal
