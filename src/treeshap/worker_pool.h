// Internal to candor::treeshap: a fixed set of threads that help with one job at a
// time. The Explainer keeps one so that a call does not start threads.
//
// A job claims its work itself (an atomic counter over chunks), so a worker that
// is late -- not yet scheduled on a busy machine -- finds nothing left and the
// caller never waits for it: the caller waits only for workers already inside.
//
// Thread safety: Run may be called from any number of threads at once; one job
// runs at a time, and a call that finds the pool busy runs its job alone.
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

  // Participants a job can have: the workers and the calling thread.
  std::size_t size() const { return threads_.size() + 1; }

  // Calls job(0) on the calling thread and job(i) on the workers i in [1, parts)
  // that come while it runs; returns when every call has returned. Each call must
  // claim work until none is left (no work is assigned to a participant). job
  // must not throw.
  template <typename Job>
  void Run(std::size_t parts, const Job& job) {
    RunImpl(
        parts, [](const void* j, std::size_t i) { (*static_cast<const Job*>(j))(i); }, &job);
  }

 private:
  using Fn = void (*)(const void*, std::size_t);
  void RunImpl(std::size_t parts, Fn fn, const void* job);
  void Work(std::size_t index);

  std::mutex busy_;
  std::atomic<std::uint64_t> generation_{0};  // bumped to wake the workers
  std::atomic<bool> open_{false};             // whether a job takes helpers
  std::atomic<std::size_t> inside_{0};        // workers inside the job
  std::atomic<bool> stop_{false};
  // The current job; written before open_ is set.
  Fn fn_ = nullptr;
  const void* job_ = nullptr;
  std::size_t parts_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace candor::treeshap::internal
