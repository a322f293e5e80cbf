// Ledger throughput in a real SQLite store (WAL, synchronous=NORMAL, as a workspace
// opens it): appends in batches of one transaction each, with the signed tree head at
// every commit, and full verification (every leaf, payload, head and signature).
//
//   build/bench/bench/ledger_bench [--benchmark_filter=...]
//
// Targets (issue: tamper-evident ledger): append >= 100k entries/s in batches,
// verify >= 1M leaves/s. Items/s in the output are entries/s and leaves/s, over
// wall-clock time.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "store/sqlite_store.h"

namespace {

namespace fs = std::filesystem;
using candor::ledger::EntryInput;
using candor::ledger::Ledger;

candor::core::WorkspaceKeys Keys() {
  candor::core::WorkspaceKeys k;
  k.signing_seed.fill(7);
  return k;
}

// A workspace-like store in a fresh directory, removed at the end.
struct BenchStore {
  explicit BenchStore(const std::string& name)
      : dir(fs::temp_directory_path() / ("candor_ledger_bench_" + name + "_" +
                                         std::to_string(::getpid()))) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    candor::store::SqliteOptions o;
    o.create = true;
    store = std::move(candor::store::OpenSqliteStore((dir / "candor.db").string(), o)).value();
    ledger = std::make_unique<Ledger>(std::move(Ledger::Open(*store, Keys(), "bench/ledger")).value());
  }
  ~BenchStore() {
    ledger.reset();
    store.reset();
    fs::remove_all(dir);
  }
  fs::path dir;
  std::unique_ptr<candor::store::Store> store;
  std::unique_ptr<Ledger> ledger;
};

// Decision-like entries: a subject, a model version and a small payload.
std::vector<EntryInput> MakeBatch(std::size_t n, std::int64_t seq) {
  std::vector<EntryInput> batch(n);
  for (std::size_t i = 0; i < n; ++i) {
    EntryInput& e = batch[i];
    e.type = "decision";
    e.time = 1'780'000'000'000 + seq * 1000 + static_cast<std::int64_t>(i);
    e.actor = "bench";
    candor::core::SubjectId id;
    for (std::size_t b = 0; b < id.bytes.size(); ++b) {
      id.bytes[b] = static_cast<std::uint8_t>((static_cast<std::size_t>(seq) * 131 + i * 7 + b) & 0xff);
    }
    e.subject = id;
    e.model = "conversion-2025-06-01-1";
    e.payload = {{"rule", "nurture_email"},
                 {"action", "email"},
                 {"score", 0.8125},
                 {"checks", {"consent", "frequency_cap", "not_minor"}}};
  }
  return batch;
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void Fill(BenchStore& s, std::size_t entries, std::size_t batch_size) {
  std::int64_t seq = 0;
  for (std::size_t done = 0; done < entries; done += batch_size) {
    auto batch = MakeBatch(std::min(batch_size, entries - done), seq++);
    auto tx = std::move(s.store->BeginWrite()).value();
    if (!s.ledger->AppendBatch(batch).ok() || !s.ledger->SignHead().ok() || !tx->Commit().ok()) {
      std::fprintf(stderr, "fill failed\n");
      std::abort();
    }
  }
}

// One transaction per batch: AppendBatch, SignHead, Commit. Entries are built inside
// the timed loop (JSON payload, canonicalisation, hashing are part of the cost).
void BM_AppendBatch(benchmark::State& state) {
  const auto batch_size = static_cast<std::size_t>(state.range(0));
  BenchStore s("append" + std::to_string(batch_size));
  std::int64_t seq = 0;
  for (auto _ : state) {
    auto batch = MakeBatch(batch_size, seq++);
    auto tx = std::move(s.store->BeginWrite()).value();
    auto first = s.ledger->AppendBatch(batch);
    auto head = s.ledger->SignHead();
    auto st = tx->Commit();
    if (!first.ok() || !head.ok() || !st.ok()) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_AppendBatch)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Decisions recorded one Append() call each, 1000 per transaction.
void BM_AppendOneByOne(benchmark::State& state) {
  BenchStore s("append_single");
  std::int64_t seq = 0;
  for (auto _ : state) {
    auto batch = MakeBatch(1000, seq++);
    auto tx = std::move(s.store->BeginWrite()).value();
    for (const auto& e : batch) {
      if (!s.ledger->Append(e).ok()) state.SkipWithError("append failed");
    }
    if (!s.ledger->SignHead().ok() || !tx->Commit().ok()) state.SkipWithError("commit failed");
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_AppendOneByOne)->Unit(benchmark::kMillisecond)->UseRealTime();

// Full verification of a log of range(0) entries signed in batches of 1000.
void BM_Verify(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  BenchStore s("verify" + std::to_string(n));
  Fill(s, n, 1000);
  double process_cpu = 0;  // all threads
  for (auto _ : state) {
    const double before = ProcessCpuSeconds();
    auto r = s.ledger->Verify();
    process_cpu += ProcessCpuSeconds() - before;
    if (!r.ok() || !r->ok) state.SkipWithError("verify failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  // CPU time of every thread per leaf: what the wall time would be on one free core.
  state.counters["cpu_ns_per_leaf"] =
      process_cpu * 1e9 / static_cast<double>(state.iterations() * state.range(0));
}
// Wall-clock time: verification checks rows on every core.
BENCHMARK(BM_Verify)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

// One inclusion proof in a log of range(0) entries (reads every leaf hash).
void BM_Proof(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  BenchStore s("proof" + std::to_string(n));
  Fill(s, n, 10'000);
  std::uint64_t i = 0;
  for (auto _ : state) {
    auto p = s.ledger->Proof((i++ * 7919) % n);
    if (!p.ok()) state.SkipWithError("proof failed");
  }
}
BENCHMARK(BM_Proof)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
