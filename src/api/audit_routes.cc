#include "api/identity_json.h"
#include "api/identity_routes.h"
#include "api/query_params.h"
#include "auth/roles.h"

namespace batuta::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 500;

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
  auto from = QueryTime(request, "from");
  if (!from.ok()) return std::move(from).error();
  auto to = QueryTime(request, "to");
  if (!to.ok()) return std::move(to).error();
  filter.from = *from;
  filter.to = *to;
  auto limit = QueryLimit(request, "limit", kDefaultLimit, kMaxLimit);
  if (!limit.ok()) return std::move(limit).error();
  filter.limit = *limit;
  auto cursor = QueryNonNegativeInteger(request, "cursor");
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
