#include "treeshap/explainer.h"

#include <algorithm>
#include <atomic>
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

// Splits [0, chunks) between participants claiming from the front (the caller)
// and from the back (the workers), so that with a fixed number of chunks each
// thread tends to explain the same trees every call, whose tables then stay in its
// core's cache.
class ChunkClaims {
 public:
  explicit ChunkClaims(std::size_t chunks) : range_(std::uint64_t{chunks} << 32) {}
  // The next chunk for participant `who`, or false when none is left.
  bool Claim(std::size_t who, std::size_t* chunk) {
    std::uint64_t r = range_.load(std::memory_order_relaxed);
    for (;;) {
      std::uint64_t front = r & 0xFFFFFFFFu, back = r >> 32;
      if (front >= back) return false;
      std::uint64_t next = who == 0 ? r + 1 : r - (std::uint64_t{1} << 32);
      if (range_.compare_exchange_weak(r, next, std::memory_order_relaxed)) {
        *chunk = static_cast<std::size_t>(who == 0 ? front : back - 1);
        return true;
      }
    }
  }

 private:
  std::atomic<std::uint64_t> range_;  // front in the low half, back in the high half
};

// Rows per worker below which the trees, not the rows, are split between threads.
constexpr std::size_t kMinRowsPerThread = 64;
// Rows a thread claims at a time (whole 16-row batches).
constexpr std::size_t kRowsPerChunk = 256;
// Chunks the trees are cut into for a few rows.
constexpr std::size_t kTreeChunks = 8;
// Fewer rows than this are explained on the calling thread alone.
constexpr std::size_t kMinRowsToSplitTrees = 1;
// Fewer rows than this take the single-row kernel also when AVX-512 is there: a
// batch of 16 rows costs about as much as two single rows (200 trees of depth 6,
// one thread: 101 us a batch of up to 16 rows, 52 us a single row).
constexpr std::size_t kMinVectorRows = 2;

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
    std::size_t chunks = (n + kRowsPerChunk - 1) / kRowsPerChunk;
    std::atomic<std::size_t> next{0};
    pool_->Get(workers - 1).Run(workers, [&](std::size_t) {
      for (std::size_t c; (c = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
        std::size_t begin = c * kRowsPerChunk;
        kernel(t, rows.data() + begin * nf, std::min(kRowsPerChunk, n - begin), 0, num_trees,
               out.data() + begin * width);
      }
    });
  } else if (workers > 1 && n >= kMinRowsToSplitTrees && num_trees > 1) {
    // Few rows: the threads claim chunks of trees, each adding into its own buffer;
    // the buffers are added afterwards.
    std::size_t chunks = std::min(kTreeChunks, num_trees);
    std::vector<std::size_t> split = {0};
    std::size_t total = t.units.size() + t.slow_leaves.size();
    for (std::size_t c = 1; c < chunks; ++c) {
      std::size_t goal = total * c / chunks, tree = split.back();
      while (tree < num_trees && t.tree_units[tree] + t.tree_slow[tree] < goal) ++tree;
      split.push_back(tree);
    }
    split.push_back(num_trees);
    std::vector<std::vector<double>> partial(workers - 1);
    ChunkClaims claims(chunks);
    pool_->Get(workers - 1).Run(workers, [&](std::size_t w) {
      double* dst = out.data();
      if (w > 0) {
        partial[w - 1].assign(n * width, 0.0);
        dst = partial[w - 1].data();
      }
      for (std::size_t c; claims.Claim(w, &c);)
        kernel(t, rows.data(), n, split[c], split[c + 1], dst);
    });
    for (const auto& p : partial) {
      for (std::size_t i = 0; i < p.size(); ++i) out[i] += p[i];
    }
  } else {
    kernel(t, rows.data(), n, 0, num_trees, out.data());
  }
  for (std::size_t r = 0; r < n; ++r) out[r * width + nf] += t.bias;
}

}  // namespace candor::treeshap
