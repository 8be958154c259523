#include "api_auth.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace batuta::testing {

HttpReply Login(std::uint16_t port, std::string_view username, std::string_view password) {
  const nlohmann::json body = {{"username", username}, {"password", password}};
  return Request(port, "POST", "/api/v1/auth/login", body.dump(), {kJsonContentType});
}

Session SessionOf(const HttpReply& reply) {
  Session session;
  const std::string set_cookie = reply.Header("Set-Cookie").value_or("");
  session.cookie = set_cookie.substr(0, set_cookie.find(';'));
  const auto body = nlohmann::json::parse(reply.body, nullptr, false);
  if (body.is_object() && body.contains("csrf_token")) session.csrf = body["csrf_token"];
  return session;
}

Session SignIn(std::uint16_t port, std::string_view username, std::string_view password) {
  const auto reply = Login(port, username, password);
  if (reply.status != 200) {
    throw std::runtime_error("sign-in as " + std::string(username) + " answered " +
                             std::to_string(reply.status) + ": " + reply.body);
  }
  return SessionOf(reply);
}

std::string CreateApiKey(std::uint16_t port, const Session& session, std::string_view name,
                         std::string_view role) {
  const nlohmann::json body = {{"name", name}, {"role", role}};
  const auto reply = Request(port, "POST", "/api/v1/api-keys", body.dump(), session.Headers());
  if (reply.status != 201) {
    throw std::runtime_error("creating an API key answered " + std::to_string(reply.status) + ": " +
                             reply.body);
  }
  return nlohmann::json::parse(reply.body).at("key").get<std::string>();
}

}  // namespace batuta::testing
