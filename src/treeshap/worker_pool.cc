#include "treeshap/worker_pool.h"

namespace candor::treeshap::internal {
namespace {

// Polls before sleeping: a wake-up from the futex costs more than a short job.
constexpr int kSpins = 4000;

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
  {
    std::lock_guard lock(busy_);
    stop_ = true;
    pending_.store(threads_.size(), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
  }
  for (std::thread& t : threads_) t.join();
}

bool WorkerPool::TryRunImpl(std::size_t parts, Fn fn, const void* job) {
  std::unique_lock lock(busy_, std::try_to_lock);
  if (!lock.owns_lock()) return false;
  fn_ = fn;
  job_ = job;
  parts_ = parts;
  pending_.store(threads_.size(), std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_release);
  generation_.notify_all();
  if (parts > 0) fn(job, 0);
  for (int spin = 0;; ++spin) {
    std::size_t left = pending_.load(std::memory_order_acquire);
    if (left == 0) break;
    if (spin < kSpins) {
      Pause();
    } else {
      pending_.wait(left, std::memory_order_acquire);
    }
  }
  return true;
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
    if (stop_) return;
    if (index < parts_) fn_(job_, index);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_one();
  }
}

}  // namespace candor::treeshap::internal
