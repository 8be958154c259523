#include "auth/login_throttle.h"

#include <algorithm>

namespace batuta::auth {
namespace {

std::string AccountKey(std::string_view account) {
  std::string key = "a:";
  for (const char c : account) {
    key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return key;
}

std::string AddressKey(std::string_view address) { return "i:" + std::string(address); }

}  // namespace

LoginThrottle::LoginThrottle(const Clock& clock, LoginThrottleOptions options)
    : clock_(clock), options_(options) {}

std::optional<std::chrono::seconds> LoginThrottle::RetryAfter(std::string_view account,
                                                              std::string_view address) {
  const TimePoint now = clock_.Now();
  const std::lock_guard lock(mutex_);
  auto by_account = Wait(AccountKey(account), now);
  auto by_address = Wait(AddressKey(address), now);
  if (!by_account) return by_address;
  if (!by_address) return by_account;
  return std::max(*by_account, *by_address);
}

void LoginThrottle::RecordFailure(std::string_view account, std::string_view address) {
  const TimePoint now = clock_.Now();
  const std::lock_guard lock(mutex_);
  Prune(now);
  Fail(AccountKey(account), options_.free_failures_per_account, options_.max_delay_per_account,
       now);
  Fail(AddressKey(address), options_.free_failures_per_address, options_.max_delay_per_address,
       now);
}

void LoginThrottle::RecordSuccess(std::string_view account) {
  const std::lock_guard lock(mutex_);
  entries_.erase(AccountKey(account));
}

void LoginThrottle::Fail(const std::string& key, int free_failures, std::chrono::seconds max_delay,
                         TimePoint now) {
  Entry& entry = entries_[key];
  if (entry.failures > 0 && now - entry.last_failure >= options_.forget_after) entry = Entry{};
  ++entry.failures;
  entry.last_failure = now;
  const int over = entry.failures - free_failures;
  if (over <= 0) return;
  // first_delay * 2^(over-1), computed without overflow.
  std::chrono::seconds delay = options_.first_delay;
  for (int i = 1; i < over && delay < max_delay; ++i) delay *= 2;
  entry.blocked_until = now + std::min(delay, max_delay);
}

std::optional<std::chrono::seconds> LoginThrottle::Wait(const std::string& key, TimePoint now) {
  const auto found = entries_.find(key);
  if (found == entries_.end() || found->second.blocked_until <= now) return std::nullopt;
  const auto remaining = found->second.blocked_until - now;
  // Rounded up: "retry after 0 seconds" would invite an immediate, refused retry.
  return std::chrono::ceil<std::chrono::seconds>(remaining);
}

void LoginThrottle::Prune(TimePoint now) {
  // A full sweep at most once a minute, or when the table is full: a failure costs O(log n).
  if (now - last_sweep_ < std::chrono::minutes(1) && entries_.size() < options_.max_entries) {
    return;
  }
  last_sweep_ = now;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (now - it->second.last_failure >= options_.forget_after && it->second.blocked_until <= now) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  while (!entries_.empty() && entries_.size() >= options_.max_entries) {
    const auto oldest = std::min_element(
        entries_.begin(), entries_.end(),
        [](const auto& a, const auto& b) { return a.second.last_failure < b.second.last_failure; });
    entries_.erase(oldest);
  }
}

}  // namespace batuta::auth
