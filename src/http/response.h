#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/request.h"

namespace batuta::http {

// A complete (non-streaming) response. The server adds Content-Length, Date, Server,
// X-Request-Id and Connection; handlers set status, content headers and body.
struct Response {
  int status = 200;
  HeaderList headers;
  std::string body;

  Response& SetHeader(std::string name, std::string value);

  static Response Json(int status, const nlohmann::json& body);
  static Response Text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response NoContent();
};

// The one place an Error becomes an HTTP response:
// status HttpStatusOf(code), body {"error": {"code", "message", "details"}}.
// Internal errors are sent with a generic message; the real one is for the log only.
Response ErrorResponse(const Error& error);

// Standard reason phrase for a status code ("Not Found").
std::string_view ReasonPhrase(int status);

}  // namespace batuta::http
