#include "treeshap/worker_pool.h"

namespace candor::treeshap::internal {
namespace {

// Polls about half a millisecond (a pause is ~11 ns here) before sleeping: a
// wake-up through the futex, late on a busy machine, costs more than a short job.
constexpr int kSpins = 50000;

inline void Pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace

WorkerPool::WorkerPool(std::size_t workers) {
  threads_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this, i] { Work(i + 1); });
}

WorkerPool::~WorkerPool() {
  stop_.store(true);
  generation_.fetch_add(1);
  generation_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void WorkerPool::RunImpl(std::size_t parts, Fn fn, const void* job) {
  std::unique_lock lock(busy_, std::try_to_lock);
  if (!lock.owns_lock() || parts <= 1) {
    fn(job, 0);  // busy: the job claims all its work itself
    return;
  }
  fn_ = fn;
  job_ = job;
  parts_ = parts;
  open_.store(true);
  generation_.fetch_add(1);
  generation_.notify_all();
  fn(job, 0);
  // All work is claimed now; wait for the workers still finishing theirs. A worker
  // entering after this sees open_ false (seq_cst: its increment of inside_ comes
  // after our read of 0, our store of false before that read).
  open_.store(false);
  while (inside_.load() != 0) Pause();
}

void WorkerPool::Work(std::size_t index) {
  std::uint64_t seen = 0;
  for (;;) {
    std::uint64_t now = 0;
    for (int spin = 0; (now = generation_.load(std::memory_order_acquire)) == seen; ++spin) {
      if (spin < kSpins) {
        Pause();
      } else {
        generation_.wait(seen, std::memory_order_acquire);
      }
    }
    seen = now;
    if (stop_.load()) return;
    inside_.fetch_add(1);
    if (open_.load() && index < parts_) fn_(job_, index);
    inside_.fetch_sub(1);
  }
}

}  // namespace candor::treeshap::internal
