// Internal to candor::treeshap: a fixed set of threads that run one job at a time.
// The Explainer keeps one so that a call does not start threads, and so that each
// worker keeps explaining the same trees (whose tables stay in its core's cache).
//
// Thread safety: Run may be called from any number of threads at once; one job runs
// at a time, and a call that finds the pool busy returns false at once.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace candor::treeshap::internal {

class WorkerPool {
 public:
  // Starts `workers` threads (besides the callers of Run).
  explicit WorkerPool(std::size_t workers);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Parts a job can be split into: the workers and the calling thread.
  std::size_t parts() const { return threads_.size() + 1; }

  // Runs job(i) for every i < parts: 0 on the calling thread, the others on the
  // workers, and returns when all are done. Returns false, running nothing, if
  // another Run is under way. job must not throw.
  template <typename Job>
  bool TryRun(std::size_t parts, const Job& job) {
    return TryRunImpl(
        parts, [](const void* j, std::size_t i) { (*static_cast<const Job*>(j))(i); }, &job);
  }

 private:
  using Fn = void (*)(const void*, std::size_t);
  bool TryRunImpl(std::size_t parts, Fn fn, const void* job);
  void Work(std::size_t index);

  std::mutex busy_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::size_t> pending_{0};
  // The current job; written before generation_ is bumped.
  Fn fn_ = nullptr;
  const void* job_ = nullptr;
  std::size_t parts_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace candor::treeshap::internal
