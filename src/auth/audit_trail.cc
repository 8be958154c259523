#include "auth/audit_trail.h"

#include <spdlog/spdlog.h>

namespace batuta::auth {

Actor Actor::Of(const Principal& principal, const http::Request& request) {
  return {std::string(principal.ActorKind()), principal.user.id, principal.ActorName(),
          request.remote_address};
}

Actor Actor::System(std::string name) { return {"system", std::nullopt, std::move(name), ""}; }

Actor Actor::Anonymous(std::string claimed_name, const http::Request& request) {
  return {"anonymous", std::nullopt, std::move(claimed_name), request.remote_address};
}

Status AuditTrail::Record(const Actor& actor, std::string_view action, std::string_view target_type,
                          std::string_view target_id, std::string_view outcome,
                          nlohmann::json details) {
  AuditEntry entry;
  entry.at = clock_.Now();
  entry.actor_kind = actor.kind;
  entry.actor_id = actor.id;
  entry.actor_name = actor.name;
  entry.action = std::string(action);
  entry.target_type = std::string(target_type);
  entry.target_id = std::string(target_id);
  entry.remote_address = actor.remote_address;
  entry.outcome = std::string(outcome);
  entry.details = std::move(details);
  auto appended = store_.Audit().Append(entry);
  if (!appended.ok()) {
    spdlog::error("audit: could not store {} by {} on {} {} ({}): {}", action, actor.name,
                  target_type, target_id, outcome, appended.error().message);
    return std::move(appended).error();
  }
  return Ok();
}

}  // namespace batuta::auth
