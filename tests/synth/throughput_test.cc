// Throughput of the generator (disabled by default: timings never sit in tests).
//   CANDOR_SYNTH_CONTACTS=1000000 CANDOR_SYNTH_OUT=/tmp/gen
//     build/release/tests/synth_test --gtest_also_run_disabled_tests
//     --gtest_filter='*Throughput*'
// (one command line); CANDOR_SYNTH_DRIFT=X CANDOR_SYNTH_FROM=DATE for a drift run.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/time.h"
#include "synth/generator.h"

namespace candor::synth {
namespace {

TEST(GeneratorThroughputTest, DISABLED_Throughput) {
  GeneratorOptions o;
  const char* contacts = std::getenv("CANDOR_SYNTH_CONTACTS");
  o.contacts = contacts != nullptr ? std::atoll(contacts) : 100000;
  const char* out = std::getenv("CANDOR_SYNTH_OUT");
  o.out_dir = out != nullptr
                  ? out
                  : (std::filesystem::temp_directory_path() / "candor_synth_bench").string();
  if (const char* drift = std::getenv("CANDOR_SYNTH_DRIFT")) o.drift = std::atof(drift);
  if (const char* from = std::getenv("CANDOR_SYNTH_FROM")) {
    auto t = core::ParseDateOrTimestamp(from);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    o.drift_from = *t;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto s = Generate(o);
  const auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const double seconds = std::chrono::duration<double>(t1 - t0).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("contacts %lld, events %lld in %.2f s: %.2f M events/s, peak RSS %ld MiB, out %s\n",
              static_cast<long long>(s->contacts), static_cast<long long>(s->events), seconds,
              static_cast<double>(s->events) / seconds / 1e6, usage.ru_maxrss / 1024,
              o.out_dir.c_str());
  if (out == nullptr) std::filesystem::remove_all(o.out_dir);
}

}  // namespace
}  // namespace candor::synth
