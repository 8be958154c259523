#pragma once

#include <cassert>
#include <optional>
#include <utility>
#include <variant>

#include "core/error.h"

namespace batuta {

// Value or Error. Used for every expected failure instead of exceptions (std::expected is not
// available with g++ 12 in C++20 nor with clang-14). Accessing the wrong alternative is a bug
// and asserts.
template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit on purpose: `return value;` and `return Error{...};` both build a Result.
  // NOLINTNEXTLINE(google-explicit-constructor)
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  // NOLINTNEXTLINE(google-explicit-constructor)
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok() && "Result::value() on an error");
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok() && "Result::value() on an error");
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok() && "Result::value() on an error");
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& {
    assert(!ok() && "Result::error() on a value");
    return std::get<1>(state_);
  }
  Error&& error() && {
    assert(!ok() && "Result::error() on a value");
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success carries nothing, and costs nothing: no Error is built for it (an
// Error's details allocate), which matters because rows pass through several Status-returning
// calls each.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  // NOLINTNEXTLINE(google-explicit-constructor): implicit on purpose, as above
  Result(Error error) : error_(std::move(error)) {}

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& {
    assert(!ok() && "Result::error() on success");
    return *error_;
  }
  Error&& error() && {
    assert(!ok() && "Result::error() on success");
    return std::move(*error_);
  }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;
inline Status Ok() { return {}; }

}  // namespace batuta

// Propagates an error from an expression returning Result<...> or Status.
#define BATUTA_RETURN_IF_ERROR(expr)                                    \
  do {                                                                  \
    auto batuta_status_ = (expr);                                       \
    if (!batuta_status_.ok()) return std::move(batuta_status_).error(); \
  } while (false)
