#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace batuta::runs {

// Why a run is asked to stop.
enum class CancelReason {
  kCancelled,  // a person or program cancelled it
  kTimeout,    // it ran past its job's timeout
  kLeaseLost,  // this worker no longer holds the run (another recovered it)
  kShutdown,   // the server is stopping
};

// How stop requests reach running code. The engine cancels; the runner checks Cancelled()
// between units of work, waits with WaitFor (which returns early on cancel), or registers
// OnCancel to interrupt a blocking call (for example a database query). The first reason
// given wins. Thread-safe.
class CancelToken {
 public:
  CancelToken() = default;
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  // Idempotent: only the first call has an effect; callbacks run on the calling thread.
  void Cancel(CancelReason reason);

  bool Cancelled() const;
  std::optional<CancelReason> Reason() const;

  // Waits up to `timeout` (real time) or until cancelled; true when cancelled.
  bool WaitFor(std::chrono::milliseconds timeout) const;

  // Runs `callback` once when cancelled; at once (on this thread) when already cancelled.
  // The callback must not call back into this token's OnCancel. Const: runners hold the token
  // const (they may not cancel), yet must be able to ask to be told.
  void OnCancel(std::function<void()> callback) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable cancelled_;
  std::optional<CancelReason> reason_;                    // guarded by mutex_
  mutable std::vector<std::function<void()>> callbacks_;  // guarded by mutex_
};

}  // namespace batuta::runs
