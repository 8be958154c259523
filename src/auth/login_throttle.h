#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace batuta::auth {

struct LoginThrottleOptions {
  // Failures allowed without delay, per account and per client address.
  int free_failures_per_account = 3;
  int free_failures_per_address = 10;
  // The first delay after the free failures; each further failure doubles it, up to the cap.
  std::chrono::seconds first_delay{1};
  std::chrono::seconds max_delay_per_account{60};
  std::chrono::seconds max_delay_per_address{300};
  // A key with no failure for this long is forgotten (so there is never a permanent lockout).
  std::chrono::seconds forget_after{std::chrono::minutes(30)};
  // Bound on remembered keys; the least recently failed are dropped first.
  std::size_t max_entries = 100'000;
};

// Slows down password guessing: after a few failed logins for one account (the username
// tried, known or not, so the response never reveals which exist) or from one client address,
// further attempts are refused until a delay has passed, doubling with each failure up to a
// cap. A success clears the account's record (not the address's: one good password does not
// excuse a spray of guesses). Kept in memory: a restart forgets it, which is acceptable for a
// slow-down (the cap is minutes), and no store write happens per failed guess.
// Thread-safe; time from the injected clock.
class LoginThrottle {
 public:
  explicit LoginThrottle(const Clock& clock, LoginThrottleOptions options = {});

  // When the attempt must wait: how long until it is allowed; nullopt when it may proceed.
  std::optional<std::chrono::seconds> RetryAfter(std::string_view account,
                                                 std::string_view address);
  void RecordFailure(std::string_view account, std::string_view address);
  void RecordSuccess(std::string_view account);

 private:
  struct Entry {
    int failures = 0;
    TimePoint last_failure;
    TimePoint blocked_until;
  };
  void Fail(const std::string& key, int free_failures, std::chrono::seconds max_delay,
            TimePoint now);
  std::optional<std::chrono::seconds> Wait(const std::string& key, TimePoint now);
  void Prune(TimePoint now);

  const Clock& clock_;
  const LoginThrottleOptions options_;
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;  // "a:<account>" and "i:<address>"
  TimePoint last_sweep_;
};

}  // namespace batuta::auth
