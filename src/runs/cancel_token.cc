#include "runs/cancel_token.h"

namespace batuta::runs {

void CancelToken::Cancel(CancelReason reason) {
  std::vector<std::function<void()>> callbacks;
  {
    const std::lock_guard lock(mutex_);
    if (reason_) return;
    reason_ = reason;
    callbacks.swap(callbacks_);
  }
  cancelled_.notify_all();
  for (auto& callback : callbacks) callback();
}

bool CancelToken::Cancelled() const {
  const std::lock_guard lock(mutex_);
  return reason_.has_value();
}

std::optional<CancelReason> CancelToken::Reason() const {
  const std::lock_guard lock(mutex_);
  return reason_;
}

bool CancelToken::WaitFor(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return cancelled_.wait_for(lock, timeout, [this] { return reason_.has_value(); });
}

void CancelToken::OnCancel(std::function<void()> callback) const {
  {
    const std::lock_guard lock(mutex_);
    if (!reason_) {
      callbacks_.push_back(std::move(callback));
      return;
    }
  }
  callback();
}

}  // namespace batuta::runs
