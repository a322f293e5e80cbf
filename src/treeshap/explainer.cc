#include "treeshap/explainer.h"

#include <algorithm>
#include <cassert>
#include <mutex>
#include <vector>

#include "treeshap/tables.h"
#include "treeshap/worker_pool.h"

namespace candor::treeshap {
namespace internal {

// The Explainer's worker threads, started by the first call that wants them.
struct PoolSlot {
  std::mutex mutex;
  std::unique_ptr<WorkerPool> pool;

  WorkerPool& Get(std::size_t workers) {
    std::lock_guard lock(mutex);
    if (!pool) pool = std::make_unique<WorkerPool>(workers);
    return *pool;
  }
};

}  // namespace internal

namespace {

// Runs job(i) for i < parts on `parts` threads: the kept pool when it is free and
// large enough, else threads started for this call.
template <typename Job>
void RunParts(internal::PoolSlot& slot, std::size_t parts, const Job& job) {
  internal::WorkerPool& kept = slot.Get(parts - 1);
  if (kept.parts() >= parts && kept.TryRun(parts, job)) return;
  internal::WorkerPool own(parts - 1);
  own.TryRun(parts, job);
}

// Rows per worker below which the trees, not the rows, are split between threads.
constexpr std::size_t kMinRowsPerThread = 64;
// Fewer rows than this are explained on the calling thread alone.
constexpr std::size_t kMinRowsToSplitTrees = 1;
// Fewer rows than this take the scalar kernel also when AVX-512 is there: a batch
// of 16 lanes costs as much as this many single rows.
constexpr std::size_t kMinVectorRows = 4;

bool CpuHasAvx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}

}  // namespace

Explainer::Explainer(Explainer&&) noexcept = default;
Explainer& Explainer::operator=(Explainer&&) noexcept = default;
Explainer::~Explainer() = default;

core::Result<Explainer> Explainer::Build(const Ensemble& e, const Options& options) {
  if (options.max_table_bits < 1 || options.max_table_bits > 20) {
    return core::InvalidArgument("treeshap: max_table_bits must be in [1, 20]");
  }
  bool avx512_available = internal::Avx512Compiled() && CpuHasAvx512();
  Explainer x;
  x.pool_ = std::make_unique<internal::PoolSlot>();
  switch (options.kernel) {
    case Kernel::kAuto:
      x.avx512_ = avx512_available;
      break;
    case Kernel::kPortable:
      x.avx512_ = false;
      break;
    case Kernel::kAvx512:
      if (!avx512_available) {
        return core::FailedPrecondition(
            "treeshap: the AVX-512 kernel needs avx512f/dq/bw/vl and a build with it");
      }
      x.avx512_ = true;
      break;
  }
  x.tables_ =
      std::make_unique<const internal::Tables>(internal::BuildTables(e, options.max_table_bits));
  return x;
}

std::size_t Explainer::num_features() const { return tables_->num_features; }
double Explainer::expected_value() const { return tables_->bias; }
std::string_view Explainer::kernel_name() const { return avx512_ ? "avx512" : "portable"; }

Explainer::Stats Explainer::stats() const {
  return {tables_->units.size(), tables_->slow_leaves.size(),
          tables_->tables.size() * sizeof(float)};
}

void Explainer::Explain(std::span<const float> rows, std::size_t n, std::span<double> out,
                        int threads) const {
  const internal::Tables& t = *tables_;
  std::size_t nf = t.num_features, width = nf + 1;
  assert(rows.size() >= n * nf);
  assert(out.size() >= n * width);
  std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n * width), 0.0);
  auto kernel = !avx512_              ? internal::ExplainPortable
                : n >= kMinVectorRows ? internal::ExplainAvx512
                                      : internal::ExplainAvx512Rows;
  std::size_t num_trees = t.num_trees();
  auto workers = static_cast<std::size_t>(std::max(threads, 1));
  if (workers > 1 && n >= workers * kMinRowsPerThread) {
    // Rows in chunks of whole 16-row batches.
    std::size_t chunk = (n + workers - 1) / workers;
    chunk = (chunk + 15) / 16 * 16;
    RunParts(*pool_, workers, [&](std::size_t w) {
      std::size_t begin = w * chunk;
      if (begin >= n) return;
      kernel(t, rows.data() + begin * nf, std::min(chunk, n - begin), 0, num_trees,
             out.data() + begin * width);
    });
  } else if (workers > 1 && n >= kMinRowsToSplitTrees && num_trees > 1) {
    // Few rows: each worker takes a share of the units (whole trees) into its own
    // buffer; the shares are added afterwards.
    workers = std::min(workers, num_trees);
    std::vector<std::size_t> split = {0};
    std::size_t total = t.units.size() + t.slow_leaves.size();
    for (std::size_t w = 1; w < workers; ++w) {
      std::size_t goal = total * w / workers, tree = split.back();
      while (tree < num_trees && t.tree_units[tree] + t.tree_slow[tree] < goal) ++tree;
      split.push_back(tree);
    }
    split.push_back(num_trees);
    std::vector<std::vector<double>> partial(workers - 1, std::vector<double>(n * width, 0.0));
    RunParts(*pool_, workers, [&](std::size_t w) {
      kernel(t, rows.data(), n, split[w], split[w + 1],
             w == 0 ? out.data() : partial[w - 1].data());
    });
    for (const auto& p : partial) {
      for (std::size_t i = 0; i < n * width; ++i) out[i] += p[i];
    }
  } else {
    kernel(t, rows.data(), n, 0, num_trees, out.data());
  }
  for (std::size_t r = 0; r < n; ++r) out[r * width + nf] += t.bias;
}

}  // namespace candor::treeshap
