#include "auth/password_hasher.h"

#include <sodium.h>

#include <stdexcept>

#include "auth/crypto.h"

namespace batuta::auth {
namespace {

Error Busy() {
  return {ErrorCode::kUnavailable,
          "too many sign-ins are being checked right now; retry shortly",
          {{"retry_after_seconds", 1}}};
}

// libsodium declares the password non-null even when empty; an empty std::string_view may
// have a null data().
const char* Chars(std::string_view text) { return text.data() == nullptr ? "" : text.data(); }

}  // namespace

class PasswordHasher::Slot {
 public:
  explicit Slot(PasswordHasher& hasher) : hasher_(hasher) {
    int current = hasher_.in_use_.load();
    while (current < hasher_.max_parallel_) {
      if (hasher_.in_use_.compare_exchange_weak(current, current + 1)) {
        held_ = true;
        return;
      }
    }
  }
  ~Slot() {
    if (held_) hasher_.in_use_.fetch_sub(1);
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  bool held() const { return held_; }

 private:
  PasswordHasher& hasher_;
  bool held_ = false;
};

PasswordHasher::PasswordHasher(PasswordHashParams params, int max_parallel)
    : params_(params), max_parallel_(max_parallel < 1 ? 1 : max_parallel) {
  auto dummy = Hash(RandomToken(24));
  if (!dummy.ok()) {
    throw std::runtime_error("cannot compute a password hash: " + dummy.error().message);
  }
  dummy_hash_ = std::move(dummy).value();
}

Result<std::string> PasswordHasher::Hash(std::string_view password) {
  const Slot slot(*this);
  if (!slot.held()) return Busy();
  std::string out(crypto_pwhash_STRBYTES, '\0');
  if (crypto_pwhash_str_alg(out.data(), Chars(password), password.size(), params_.passes,
                            params_.memory_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::Unavailable("out of memory while hashing a password");
  }
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

Result<PasswordHasher::Verdict> PasswordHasher::Verify(std::string_view hash,
                                                       std::string_view password) {
  // crypto_pwhash_str_verify needs a NUL-terminated string of bounded length.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || !hash.starts_with("$argon2")) {
    return Error::InvalidArgument("not an Argon2 password hash");
  }
  const std::string terminated(hash);
  const Slot slot(*this);
  if (!slot.held()) return Busy();
  Verdict verdict;
  verdict.matches =
      crypto_pwhash_str_verify(terminated.c_str(), Chars(password), password.size()) == 0;
  if (verdict.matches) {
    // The Argon2id variant also answers "yes" for an Argon2i hash, which the generic
    // crypto_pwhash_str_needs_rehash would keep as long as its cost matches.
    verdict.needs_rehash = crypto_pwhash_argon2id_str_needs_rehash(
                               terminated.c_str(), params_.passes, params_.memory_bytes) != 0;
  }
  return verdict;
}

Result<PasswordHasher::Verdict> PasswordHasher::VerifyNothing(std::string_view password) {
  auto verdict = Verify(dummy_hash_, password);
  if (!verdict.ok()) return verdict;
  return Verdict{};
}

}  // namespace batuta::auth
