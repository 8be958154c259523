#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace batuta::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view MethodName(Method method);
// Maps an upper-case method token to Method (kOther when unknown).
Method ParseMethod(std::string_view token);

// Case-insensitive ASCII comparison, as HTTP header names require.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One parsed HTTP request. Owned by the connection that read it; handlers get a reference
// that is valid for the duration of the call only.
struct Request {
  Method method = Method::kGet;
  std::string target;  // as sent: "/api/v1/runs?status=failed"
  std::string path;    // percent-decoded path without the query: "/api/v1/runs"
  std::string query;   // raw query string without '?': "status=failed"
  HeaderList headers;
  std::string body;
  std::string remote_address;
  std::string request_id;
  // True when the request arrived over TLS (this server's HTTPS), so cookies may be Secure.
  bool secure = false;
  // Values of "{name}" segments of the matched route, in order of appearance.
  std::vector<std::pair<std::string, std::string>> path_params;

  // First header with this name (case-insensitive), if any.
  std::optional<std::string_view> Header(std::string_view name) const;
  // Value of a path parameter of the matched route; empty when absent.
  std::string_view PathParam(std::string_view name) const;
  // First value of a query parameter, percent-decoded ('+' as space).
  std::optional<std::string> QueryParam(std::string_view name) const;
};

// Percent-decodes `in`. Returns nullopt on a malformed escape or a decoded NUL byte.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_as_space);

}  // namespace batuta::http
