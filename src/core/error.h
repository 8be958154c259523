#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace batuta {

// The kinds of failure batuta reports. Each maps to exactly one HTTP status (HttpStatusOf),
// so a handler never chooses a status by hand and the API stays consistent.
enum class ErrorCode {
  kInvalidArgument,   // 400: the request is malformed or a value is out of range
  kUnauthenticated,   // 401
  kPermissionDenied,  // 403
  kNotFound,          // 404
  kMethodNotAllowed,  // 405
  kTimeout,           // 408: the client was too slow to send its request
  kConflict,          // 409: state conflict (duplicate name, stale version)
  kPayloadTooLarge,   // 413
  kUnsupportedMedia,  // 415
  kValidation,        // 422: well-formed but semantically invalid (names the field)
  kHeadersTooLarge,   // 431
  kRateLimited,       // 429
  kInternal,          // 500: a bug; the message is logged, never sent to clients
  kUnavailable,       // 503: a dependency (the store) is down, or the server is stopping
};

// Stable, lower-case identifier used in JSON error bodies ("not_found").
std::string_view ErrorCodeName(ErrorCode code);
int HttpStatusOf(ErrorCode code);

// An expected failure, carried as a value. `details` holds structured context for clients
// (for example {"field": "port"}); it must never contain secrets.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  nlohmann::json details = nlohmann::json::object();

  static Error InvalidArgument(std::string message) {
    return {ErrorCode::kInvalidArgument, std::move(message)};
  }
  static Error NotFound(std::string message) { return {ErrorCode::kNotFound, std::move(message)}; }
  static Error Conflict(std::string message) { return {ErrorCode::kConflict, std::move(message)}; }
  static Error Validation(std::string field, std::string message) {
    return {ErrorCode::kValidation, std::move(message), {{"field", std::move(field)}}};
  }
  static Error Internal(std::string message) { return {ErrorCode::kInternal, std::move(message)}; }
  static Error Unavailable(std::string message) {
    return {ErrorCode::kUnavailable, std::move(message)};
  }
};

}  // namespace batuta
