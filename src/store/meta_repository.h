#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace batuta {

// Key/value metadata about this batuta instance (its id, set-up flags). Small, rarely written
// values; not a general-purpose cache.
//
// Keys: 1..kMaxKeyBytes characters of [A-Za-z0-9_.:-]. Values: text of at most kMaxValueBytes
// bytes without NUL characters (every store dialect can hold it). Invalid arguments are
// rejected with kInvalidArgument before any store access, identically for every
// implementation, because the checks live in these non-virtual entry points.
//
// Requires a migrated store (Store::Migrate); before that, calls return an error.
// Thread-safe: implementations may be called from any number of threads at once.
class MetaRepository {
 public:
  static constexpr std::size_t kMaxKeyBytes = 128;
  static constexpr std::size_t kMaxValueBytes = 1 << 20;
  static constexpr std::string_view kInstanceIdKey = "instance_id";

  virtual ~MetaRepository() = default;

  // The value stored under `key`, or nullopt when there is none.
  Result<std::optional<std::string>> Get(std::string_view key);

  // Creates or replaces the value of `key` and stamps it with the store's clock.
  Status Put(std::string_view key, std::string_view value);

  // Stores `value` under `key` only if the key has no value yet, and returns the value stored
  // afterwards (the existing one or `value`). Atomic, also between processes sharing a store:
  // concurrent callers all receive the same winning value.
  Result<std::string> PutIfAbsent(std::string_view key, std::string_view value);

  // The id of this instance: created at random (128 bits, 32 lower-case hex characters) by
  // the first call on a new store, the same value forever after.
  Result<std::string> EnsureInstanceId();

 protected:
  // Implementations receive validated arguments only.
  virtual Result<std::optional<std::string>> DoGet(std::string_view key) = 0;
  virtual Status DoPut(std::string_view key, std::string_view value) = 0;
  virtual Result<std::string> DoPutIfAbsent(std::string_view key, std::string_view value) = 0;
};

}  // namespace batuta
