#include "auth/session_service.h"

#include <fmt/format.h>

#include "auth/crypto.h"

namespace batuta::auth {
namespace {

constexpr std::size_t kSessionIdBytes = 32;  // 256 bits
constexpr std::size_t kMaxUserAgent = 256;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

SessionService::SessionService(Store& store, const Clock& clock, std::string csrf_secret,
                               SessionOptions options)
    : store_(store), clock_(clock), csrf_secret_(std::move(csrf_secret)), options_(options) {}

Result<SessionService::Started> SessionService::Start(std::string_view user_id,
                                                      const http::Request& request) {
  const TimePoint now = clock_.Now();
  Started started;
  started.id = RandomToken(kSessionIdBytes);
  started.record.id_hash = Sha256Hex(started.id);
  started.record.user_id = std::string(user_id);
  started.record.created_at = now;
  started.record.last_seen_at = now;
  started.record.expires_at = now + options_.max_age;
  started.record.remote_address = request.remote_address;
  started.record.user_agent =
      std::string(request.Header("User-Agent").value_or("").substr(0, kMaxUserAgent));
  BATUTA_RETURN_IF_ERROR(store_.Sessions().Create(started.record));
  started.csrf_token = CsrfToken(started.id);
  return started;
}

Result<std::optional<SessionWithUser>> SessionService::Resolve(std::string_view id) {
  // Ids are base64url of 32 bytes; anything else cannot be one of ours.
  if (id.size() != 43) return std::optional<SessionWithUser>();
  auto found = store_.Sessions().Find(Sha256Hex(id));
  if (!found.ok() || !found->has_value()) return found;
  const TimePoint now = clock_.Now();
  const auto& [session, user] = **found;
  const bool live = now < session.expires_at &&
                    now - session.last_seen_at < options_.idle_timeout && user.active &&
                    session.created_at >= user.password_changed_at;
  if (!live) {
    (void)store_.Sessions().Delete(session.id_hash);
    return std::optional<SessionWithUser>();
  }
  if (now - session.last_seen_at >= options_.touch_interval) {
    BATUTA_RETURN_IF_ERROR(store_.Sessions().Touch(session.id_hash, now));
  }
  return found;
}

Status SessionService::End(std::string_view id) {
  auto deleted = store_.Sessions().Delete(Sha256Hex(id));
  if (!deleted.ok()) return std::move(deleted).error();
  return Ok();
}

Result<std::int64_t> SessionService::Prune() {
  const TimePoint now = clock_.Now();
  return store_.Sessions().DeleteExpired(now, now - options_.idle_timeout);
}

std::string SessionService::CsrfToken(std::string_view id) const {
  return HmacSha256(csrf_secret_, fmt::format("csrf:{}", id));
}

std::string_view SessionService::CookieName(bool secure) {
  return secure ? "__Host-batuta_session" : "batuta_session";
}

std::string SessionService::SetCookie(std::string_view id, bool secure) const {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}", CookieName(secure), id,
                     options_.max_age.count(), secure ? "; Secure" : "");
}

std::string SessionService::ClearCookie(bool secure) {
  return fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}", CookieName(secure),
                     secure ? "; Secure" : "");
}

std::optional<std::string> SessionService::CookieValue(const http::Request& request) {
  const std::string_view wanted = CookieName(request.secure);
  for (const auto& [name, value] : request.headers) {
    if (!http::EqualsIgnoreCase(name, "Cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto semicolon = rest.find(';');
      const std::string_view pair = Trim(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
      const auto equals = pair.find('=');
      if (equals == std::string_view::npos) continue;
      if (Trim(pair.substr(0, equals)) == wanted) return std::string(Trim(pair.substr(equals + 1)));
    }
  }
  return std::nullopt;
}

}  // namespace batuta::auth
