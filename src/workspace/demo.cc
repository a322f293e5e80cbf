#include "workspace/demo.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "workspace/demo_internal.h"
#include "workspace/workspace.h"

namespace candor::workspace {

namespace fs = std::filesystem;

namespace {
constexpr const char* kDemoMarker = "DEMO-WORKSPACE.txt";
}  // namespace

core::Result<DemoSummary> RunDemo(const DemoOptions& options, const DemoProgress& progress) {
  auto start = std::chrono::steady_clock::now();
  fs::path dir(options.dir);
  std::error_code ec;
  // Only a workspace that an earlier demo made is recreated: a real workspace (or
  // any other directory) is never deleted.
  if (fs::exists(dir) && !fs::is_empty(dir, ec)) {
    if (!fs::exists(dir / kDemoMarker)) {
      return core::InvalidArgument(fmt::format(
          "{} exists and is not a demo workspace (no {}); the demo deletes and recreates its "
          "directory, so choose another one with --workspace",
          options.dir, kDemoMarker));
    }
    fs::remove_all(dir, ec);
    if (ec) return core::Unavailable(fmt::format("{}: cannot remove: {}", options.dir, ec.message()));
  }
  CANDOR_ASSIGN_OR_RETURN(InitResult init, Init(options.dir));
  {
    std::ofstream marker(dir / kDemoMarker);
    marker << "This workspace was made by `candor demo`, which deletes and recreates it.\n";
    if (!marker) return core::Unavailable(fmt::format("{}: cannot write {}", options.dir, kDemoMarker));
  }
  DemoSummary summary;
  summary.dir = init.dir;

  synth::GeneratorOptions gen;
  gen.out_dir = (dir / "data").string();
  gen.contacts = options.contacts;
  gen.seed = options.seed;
  CANDOR_ASSIGN_OR_RETURN(summary.generated,
                          synth::Generate(gen, [&](std::int64_t done, std::int64_t total) {
                            if (progress) progress("generate", done, total);
                          }));

  CANDOR_ASSIGN_OR_RETURN(Workspace ws, Open(options.dir));
  const std::pair<ingest::Kind, const char*> kOrder[] = {
      {ingest::Kind::kAccounts, "accounts.csv"}, {ingest::Kind::kContacts, "contacts.csv"},
      {ingest::Kind::kEvents, "events.csv"},     {ingest::Kind::kConsents, "consents.csv"},
      {ingest::Kind::kOutcomes, "outcomes.csv"}, {ingest::Kind::kAttributes, "attributes.csv"}};
  for (const auto& [kind, file] : kOrder) {
    ingest::Request req;
    req.kind = kind;
    req.files = {(dir / "data" / file).string()};
    req.now = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    std::string stage = fmt::format("ingest {}", ingest::KindName(kind));
    req.progress = [&](std::uint64_t rows, std::uint64_t bytes, std::uint64_t total) {
      (void)rows;
      if (progress) {
        progress(stage, static_cast<std::int64_t>(bytes), static_cast<std::int64_t>(total));
      }
    };
    CANDOR_ASSIGN_OR_RETURN(ingest::Report r, ingest::Run(*ws.store, ws.config, *ws.vault, *ws.ledger, req));
    if (!r.committed) {
      std::string first = r.errors.empty() ? "" : ingest::FormatError(r.errors.front());
      return core::Internal(fmt::format("the generated {} did not import: {}", file, first));
    }
    summary.ingested.push_back(std::move(r));
  }
  for (const auto& p : ws.config.purposes) {
    std::int64_t n = 0;
    CANDOR_RETURN_IF_ERROR(ws.store->ForEachEligibleSubject(
        p.name, summary.generated.end, [&](const store::EligibleSubject&) {
          ++n;
          return core::Status::Ok();
        }));
    summary.eligible[p.name] = n;
  }
  const core::Instant now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  model::TrainRequest train;
  train.target = "conversion";
  train.as_of = summary.generated.end;
  train.now = now;
  train.actor = "demo";
  train.progress = [&](std::string_view m) {
    if (progress) progress(fmt::format("train conversion: {}", m), 0, 0);
  };
  CANDOR_ASSIGN_OR_RETURN(summary.trained, model::TrainModel(*ws.store, *ws.ledger, ws.config, train));
  model::ScoreRequest score;
  score.model = summary.trained.version;
  score.as_of = summary.generated.end;
  score.now = now;
  score.actor = "demo";
  score.explain = true;
  summary.scores_file = (dir / "scores.csv").string();
  score.out = summary.scores_file;
  score.lang = ws.config.language;
  score.keep_top = 3;
  score.progress = [&](std::string_view m) {
    if (progress) progress(fmt::format("score: {}", m), 0, 0);
  };
  CANDOR_ASSIGN_OR_RETURN(summary.scored, model::ScoreSubjects(*ws.store, *ws.ledger, ws.config, score));
  CANDOR_RETURN_IF_ERROR(RunDemoFairness(ws, summary.trained.version, summary.generated.end, now,
                                         (dir / "data" / "truth.csv").string(), summary.fairness,
                                         [&](std::string_view m) {
                                           if (progress) progress(m, 0, 0);
                                         }));
  if (progress) progress("consent and data-subject requests", 0, 0);
  CANDOR_RETURN_IF_ERROR(internal::RunPrivacySteps(ws, options, summary.generated.end, now, summary));
  CANDOR_ASSIGN_OR_RETURN(ledger::SignedHead head, ws.ledger->Head());
  summary.ledger_size = head.size;
  summary.ledger_root = ledger::ToHex(head.root);
  CANDOR_ASSIGN_OR_RETURN(ledger::VerifyReport verified, ws.ledger->Verify());
  summary.ledger_verified = verified.ok;
  CANDOR_ASSIGN_OR_RETURN(auto counts, ws.store->CountRows());
  summary.subjects = counts.rows["subjects"];
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace candor::workspace
