#include <charconv>

#include "api/identity_json.h"
#include "api/identity_routes.h"
#include "api/json_body.h"
#include "auth/roles.h"

namespace batuta::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 500;

Result<std::optional<std::int64_t>> ParseInteger(const std::optional<std::string>& text,
                                                 std::string_view field) {
  if (!text) return std::optional<std::int64_t>();
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 0) {
    return Error::Validation(std::string(field), "must be a non-negative integer");
  }
  return std::optional<std::int64_t>(value);
}

Result<std::optional<TimePoint>> ParseTimeParam(const Request& request, std::string_view field) {
  const auto text = request.QueryParam(field);
  if (!text) return std::optional<TimePoint>();
  const auto parsed = ParseRfc3339(*text);
  if (!parsed) {
    return Error::Validation(std::string(field),
                             "must be an RFC 3339 time such as 2026-11-01T00:00:00Z");
  }
  return std::optional<TimePoint>(*parsed);
}

Result<AuditFilter> FilterFrom(const Request& request) {
  AuditFilter filter;
  filter.actor_name = request.QueryParam("actor");
  filter.action = request.QueryParam("action");
  filter.target_type = request.QueryParam("target_type");
  filter.target_id = request.QueryParam("target_id");
  filter.outcome = request.QueryParam("outcome");
  if (filter.outcome && *filter.outcome != "success" && *filter.outcome != "failure" &&
      *filter.outcome != "denied") {
    return Error::Validation("outcome", "must be success, failure or denied");
  }
  auto from = ParseTimeParam(request, "from");
  if (!from.ok()) return std::move(from).error();
  auto to = ParseTimeParam(request, "to");
  if (!to.ok()) return std::move(to).error();
  filter.from = *from;
  filter.to = *to;
  auto limit = ParseInteger(request.QueryParam("limit"), "limit");
  if (!limit.ok()) return std::move(limit).error();
  if (*limit && (**limit < 1 || **limit > kMaxLimit)) {
    return Error::Validation("limit", "must be between 1 and 500");
  }
  filter.limit = limit->has_value() ? static_cast<int>(**limit) : kDefaultLimit;
  auto cursor = ParseInteger(request.QueryParam("cursor"), "cursor");
  if (!cursor.ok()) return std::move(cursor).error();
  filter.before_seq = *cursor;
  return filter;
}

Response ListAudit(auth::AuthService& auth, const Request& request) {
  auto filter = FilterFrom(request);
  if (!filter.ok()) return ErrorReply(filter.error());
  // One more than asked tells whether another page exists.
  AuditFilter probe = *filter;
  probe.limit = filter->limit + 1;
  auto entries = auth.store().Audit().List(probe);
  if (!entries.ok()) return ErrorReply(entries.error());
  const bool more = entries->size() > static_cast<std::size_t>(filter->limit);
  if (more) entries->pop_back();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& entry : *entries) list.push_back(AuditEntryJson(entry));
  nlohmann::json next = nullptr;
  if (more && !entries->empty()) next = std::to_string(entries->back().seq);
  return Response::Json(200, {{"entries", list}, {"next_cursor", next}});
}

}  // namespace

void AddAuditRoutes(RouteTable& routes, auth::AuthService& auth) {
  routes.Add(
      Method::kGet, "/api/v1/audit", auth::permissions::kAuditRead,
      [&auth](const Request& request, const auth::Principal*) { return ListAudit(auth, request); });
}

}  // namespace batuta::api
