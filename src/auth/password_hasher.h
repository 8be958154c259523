#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace batuta::auth {

// Argon2id cost. The defaults are OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane);
// tests pass cheaper ones.
struct PasswordHashParams {
  std::uint64_t passes = 2;
  std::size_t memory_bytes = std::size_t{19} << 20;
};

// Hashes and verifies passwords with Argon2id (libsodium's crypto_pwhash_str, which embeds the
// algorithm, parameters and a random salt in the string it returns).
//
// Each hash costs ~memory_bytes of RAM and tens of milliseconds of CPU, so at most
// `max_parallel` run at once; a call beyond that fails at once with kUnavailable instead of
// queueing (a flood of logins then costs the server nothing, and callers, which run on the
// shared handler pool, never pile up behind it). Thread-safe.
class PasswordHasher {
 public:
  explicit PasswordHasher(PasswordHashParams params = {}, int max_parallel = 2);

  Result<std::string> Hash(std::string_view password);

  struct Verdict {
    bool matches = false;
    // The hash was made with other parameters than the current ones: re-hash on success.
    bool needs_rehash = false;
  };
  // kInvalidArgument for a string that is not an Argon2 hash; kUnavailable when busy.
  Result<Verdict> Verify(std::string_view hash, std::string_view password);

  // Spends the time of a verification without a real hash, so that a login for an unknown
  // username takes as long as one for a known user. Always "no match".
  Result<Verdict> VerifyNothing(std::string_view password);

  const PasswordHashParams& params() const { return params_; }

 private:
  // Tests occupy slots through it to reach the busy state without timing.
  friend class PasswordHasherTestPeer;
  // A slot among max_parallel_, released on destruction; empty when none was free.
  class Slot;

  const PasswordHashParams params_;
  const int max_parallel_;
  std::atomic<int> in_use_{0};
  std::string dummy_hash_;  // a hash of a random password, for VerifyNothing
};

}  // namespace batuta::auth
