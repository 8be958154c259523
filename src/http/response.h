#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/body_source.h"
#include "http/request.h"

namespace batuta::http {

// A response: status, content headers, and either a complete `body` or a `body_source`
// streamed piece by piece (see body_source.h). The server adds Content-Length (or
// Transfer-Encoding: chunked for a source of unknown size), Date, Server, X-Request-Id and
// Connection; handlers never set those framing headers themselves.
struct Response {
  int status = 200;
  HeaderList headers;
  std::string body;
  // When set, sent instead of `body`. Dropped unread for HEAD and for 1xx, 204 and 304.
  std::shared_ptr<BodySource> body_source;

  Response& SetHeader(std::string name, std::string value);
  // First header with this name (case-insensitive), if any.
  std::optional<std::string_view> Header(std::string_view name) const;
  // Removes every header with this name (case-insensitive).
  Response& RemoveHeader(std::string_view name);

  static Response Json(int status, const nlohmann::json& body);
  static Response Text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response NoContent();
  static Response Streamed(int status, std::shared_ptr<BodySource> source,
                           std::string content_type);
};

// The one place an Error becomes an HTTP response:
// status HttpStatusOf(code), body {"error": {"code", "message", "details"}}.
// Internal errors are sent with a generic message; the real one is for the log only.
Response ErrorResponse(const Error& error);

// Standard reason phrase for a status code ("Not Found").
std::string_view ReasonPhrase(int status);

}  // namespace batuta::http
