// Identity and access end to end: the real binary, real HTTP, real cookies and keys.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "api_auth.h"
#include "batuta_process.h"
#include "http_client.h"
#include "tls_certificate.h"

namespace batuta::testing {
namespace {

constexpr std::string_view kAdminPassword = "correct-horse-battery-staple-42";

class AuthE2eTest : public ::testing::Test {
 protected:
  AuthE2eTest()
      : server_(dir_.path() / "data", {"--access-log", "false"},
                {"BATUTA_ADMIN_PASSWORD=" + std::string(kAdminPassword)}) {}

  HttpReply Login(std::string_view username, std::string_view password) {
    return batuta::testing::Login(server_.port(), username, password);
  }

  Session SignIn(std::string_view username, std::string_view password) {
    return batuta::testing::SignIn(server_.port(), username, password);
  }

  int Me(const std::vector<std::string>& headers) {
    return Request(server_.port(), "GET", "/api/v1/auth/me", {}, headers).status;
  }

  TempDir dir_;
  BatutaServer server_;
};

TEST_F(AuthE2eTest, SignInSetsAProtectedCookieAndSignOutEndsTheSession) {
  const auto reply = Login("admin", kAdminPassword);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const std::string cookie = reply.Header("Set-Cookie").value_or("");
  EXPECT_NE(cookie.find("batuta_session="), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Path=/"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain HTTP: " << cookie;
  const auto me = nlohmann::json::parse(reply.body);
  EXPECT_EQ(me["user"]["username"], "admin");
  EXPECT_EQ(me["user"]["role"], "admin");
  EXPECT_EQ(me["via"], "session");
  EXPECT_FALSE(me["user"].contains("password_hash"));

  const Session session = SessionOf(reply);
  EXPECT_EQ(Me({"Cookie: " + session.cookie}), 200);
  const auto out = Request(server_.port(), "POST", "/api/v1/auth/logout", "", session.Headers());
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_NE(out.Header("Set-Cookie").value_or("").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Me({"Cookie: " + session.cookie}), 401);
}

TEST_F(AuthE2eTest, AnOldSessionCookieIsRefusedAfterAPasswordChange) {
  const Session first = SignIn("admin", kAdminPassword);
  const Session second = SignIn("admin", kAdminPassword);
  EXPECT_NE(first.cookie, second.cookie) << "every sign-in gets a new session id";
  const nlohmann::json change = {{"current_password", kAdminPassword},
                                 {"new_password", "a-brand-new-long-passphrase"}};
  const auto changed =
      Request(server_.port(), "POST", "/api/v1/auth/password", change.dump(), first.Headers());
  ASSERT_EQ(changed.status, 200) << changed.body;
  const Session renewed = SessionOf(changed);
  EXPECT_EQ(Me({"Cookie: " + first.cookie}), 401);
  EXPECT_EQ(Me({"Cookie: " + second.cookie}), 401);
  EXPECT_EQ(Me({"Cookie: " + renewed.cookie}), 200);
  EXPECT_EQ(Login("admin", kAdminPassword).status, 401);
  EXPECT_EQ(Login("admin", "a-brand-new-long-passphrase").status, 200);
}

TEST_F(AuthE2eTest, AStateChangingRequestNeedsTheCsrfTokenAndThisOrigin) {
  const Session admin = SignIn("admin", kAdminPassword);
  const nlohmann::json user = {
      {"username", "maria"}, {"role", "viewer"}, {"password", "quiet-river-under-moonlight"}};
  const auto foreign =
      Request(server_.port(), "POST", "/api/v1/users", user.dump(),
              {"Cookie: " + admin.cookie, "Origin: https://evil.example", kJsonContentType});
  EXPECT_EQ(foreign.status, 403) << foreign.body;
  const auto no_token = Request(server_.port(), "POST", "/api/v1/users", user.dump(),
                                {"Cookie: " + admin.cookie, kSameOrigin, kJsonContentType});
  EXPECT_EQ(no_token.status, 403) << no_token.body;
  EXPECT_NE(no_token.body.find("csrf_token"), std::string::npos);
  const auto foreign_with_token = Request(server_.port(), "POST", "/api/v1/users", user.dump(),
                                          {"Cookie: " + admin.cookie, "X-CSRF-Token: " + admin.csrf,
                                           "Origin: https://evil.example", kJsonContentType});
  EXPECT_EQ(foreign_with_token.status, 403) << foreign_with_token.body;
  const auto good = Request(server_.port(), "POST", "/api/v1/users", user.dump(), admin.Headers());
  EXPECT_EQ(good.status, 201) << good.body;
  // Sign-in from a foreign page is refused too (login CSRF).
  const auto foreign_login =
      Request(server_.port(), "POST", "/api/v1/auth/login",
              nlohmann::json({{"username", "admin"}, {"password", kAdminPassword}}).dump(),
              {kJsonContentType, "Origin: https://evil.example"});
  EXPECT_EQ(foreign_login.status, 403) << foreign_login.body;
}

TEST_F(AuthE2eTest, AnApiKeyWorksExactlyAndStopsWhenRevoked) {
  const Session admin = SignIn("admin", kAdminPassword);
  const auto created = Request(server_.port(), "POST", "/api/v1/api-keys",
                               R"({"name":"bi tool","role":"viewer"})", admin.Headers());
  ASSERT_EQ(created.status, 201) << created.body;
  const auto body = nlohmann::json::parse(created.body);
  const std::string key = body["key"];
  EXPECT_EQ(key.rfind(body["prefix"].get<std::string>(), 0), 0u);

  EXPECT_EQ(Me({"Authorization: Bearer " + key}), 200);
  EXPECT_EQ(Me({"X-API-Key: " + key}), 200);
  std::string altered = key;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(Me({"Authorization: Bearer " + altered}), 401);
  // A viewer key cannot reach admin routes, nor manage keys, whoever owns it.
  EXPECT_EQ(Request(server_.port(), "GET", "/api/v1/users", {}, {"X-API-Key: " + key}).status, 403);
  EXPECT_EQ(Request(server_.port(), "GET", "/api/v1/api-keys", {}, {"X-API-Key: " + key}).status,
            403);
  // Listed without the secret; then revoked.
  const auto listed = Request(server_.port(), "GET", "/api/v1/api-keys", {}, admin.Headers());
  EXPECT_EQ(listed.body.find(key), std::string::npos);
  const auto revoked =
      Request(server_.port(), "DELETE", "/api/v1/api-keys/" + body["id"].get<std::string>(), {},
              admin.Headers());
  EXPECT_EQ(revoked.status, 204) << revoked.body;
  EXPECT_EQ(Me({"Authorization: Bearer " + key}), 401);
}

TEST_F(AuthE2eTest, TheLastActiveAdminCanBeNeitherDemotedNorDeactivated) {
  const Session admin = SignIn("admin", kAdminPassword);
  const auto me = nlohmann::json::parse(
      Request(server_.port(), "GET", "/api/v1/auth/me", {}, {"Cookie: " + admin.cookie}).body);
  const std::string path = "/api/v1/users/" + me["user"]["id"].get<std::string>();
  const auto demote =
      Request(server_.port(), "PATCH", path, R"({"role":"editor"})", admin.Headers());
  EXPECT_EQ(demote.status, 409) << demote.body;
  const auto deactivate =
      Request(server_.port(), "PATCH", path, R"({"active":false})", admin.Headers());
  EXPECT_EQ(deactivate.status, 409) << deactivate.body;
  const auto rename =
      Request(server_.port(), "PATCH", path, R"({"display_name":"Root"})", admin.Headers());
  EXPECT_EQ(rename.status, 200) << rename.body;
}

TEST_F(AuthE2eTest, FailedSignInsRevealNothingAndAreThrottled) {
  const auto unknown = Login("nobody", "whatever-password-1");
  const auto wrong = Login("admin", "whatever-password-1");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(nlohmann::json::parse(unknown.body)["error"]["message"],
            nlohmann::json::parse(wrong.body)["error"]["message"]);
  // Three free failures per account; the fourth starts a delay, even for the right password.
  EXPECT_EQ(Login("admin", "whatever-password-2").status, 401);
  EXPECT_EQ(Login("admin", "whatever-password-3").status, 401);
  EXPECT_EQ(Login("admin", "whatever-password-4").status, 401);
  const auto throttled = Login("admin", kAdminPassword);
  EXPECT_EQ(throttled.status, 429) << throttled.body;
  EXPECT_TRUE(throttled.Header("Retry-After").has_value());
}

TEST_F(AuthE2eTest, TheAuditLogRecordsSignInsWithoutSecrets) {
  EXPECT_EQ(Login("admin", "not-the-password-xyz").status, 401);
  const Session admin = SignIn("admin", kAdminPassword);
  const auto page = Request(server_.port(), "GET", "/api/v1/audit?action=auth.&limit=10", {},
                            {"Cookie: " + admin.cookie});
  ASSERT_EQ(page.status, 200) << page.body;
  const auto entries = nlohmann::json::parse(page.body)["entries"];
  ASSERT_EQ(entries.size(), 2u) << page.body;
  EXPECT_EQ(entries[0]["action"], "auth.login");
  EXPECT_EQ(entries[0]["outcome"], "success");
  EXPECT_EQ(entries[1]["outcome"], "failure");
  EXPECT_EQ(entries[1]["remote_address"], "127.0.0.1");
  EXPECT_EQ(page.body.find("not-the-password-xyz"), std::string::npos);
  EXPECT_EQ(page.body.find(kAdminPassword), std::string::npos);
  EXPECT_EQ(page.body.find(admin.cookie.substr(admin.cookie.find('=') + 1)), std::string::npos);
  EXPECT_EQ(server_.Stderr().find(kAdminPassword), std::string::npos);
}

TEST_F(AuthE2eTest, EveryResponseCarriesTheSecurityHeadersAndNoCors) {
  for (const std::string path : {"/", "/api/v1/version", "/api/v1/users"}) {
    const auto reply =
        Request(server_.port(), "GET", path, {}, {"Origin: https://elsewhere.example"});
    SCOPED_TRACE(path);
    EXPECT_NE(reply.Header("Content-Security-Policy").value_or("").find("frame-ancestors 'none'"),
              std::string::npos);
    EXPECT_EQ(reply.Header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(reply.Header("X-Frame-Options"), "DENY");
    EXPECT_EQ(reply.Header("Referrer-Policy"), "no-referrer");
    EXPECT_FALSE(reply.Header("Access-Control-Allow-Origin").has_value());
  }
}

TEST(AuthCliTest, UsersAreManagedFromTheShell) {
  TempDir dir;
  const std::string data = (dir.path() / "data").string();
  const auto created =
      RunBatuta({"user", "create", "joana", "--role", "editor", "--data-dir", data});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(created.out, match, std::regex("shown only this once\\): (\\S+)")))
      << created.out;
  const std::string password = match[1];
  const auto weak = RunBatuta({"user", "create", "bob", "--data-dir", data});
  EXPECT_EQ(weak.exit_code, 0) << weak.err;
  const auto bad_role =
      RunBatuta({"user", "create", "carl", "--role", "superuser", "--data-dir", data});
  EXPECT_EQ(bad_role.exit_code, 1);
  EXPECT_NE(bad_role.err.find("unknown role"), std::string::npos) << bad_role.err;
  const auto listed = RunBatuta({"user", "list", "--data-dir", data});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("joana"), std::string::npos);
  EXPECT_NE(listed.out.find("editor"), std::string::npos);

  BatutaServer server(dir.path() / "data", {"--access-log", "false"},
                      {"BATUTA_ADMIN_PASSWORD=" + std::string(kAdminPassword)});
  const nlohmann::json login = {{"username", "joana"}, {"password", password}};
  EXPECT_EQ(
      Request(server.port(), "POST", "/api/v1/auth/login", login.dump(), {kJsonContentType}).status,
      200);
  // Users existed, so no admin was created at start.
  const nlohmann::json admin = {{"username", "admin"}, {"password", kAdminPassword}};
  EXPECT_EQ(
      Request(server.port(), "POST", "/api/v1/auth/login", admin.dump(), {kJsonContentType}).status,
      401);
  const auto reset = RunBatuta({"user", "reset-password", "joana", "--data-dir", data});
  EXPECT_EQ(reset.exit_code, 0) << reset.err;
  EXPECT_EQ(
      Request(server.port(), "POST", "/api/v1/auth/login", login.dump(), {kJsonContentType}).status,
      401);
}

TEST(AuthStartupTest, AWeakAdminPasswordStopsStartupWithAClearError) {
  TempDir dir;
  const auto result = RunBatuta({"serve", "--port", "0", "--data-dir", (dir.path() / "d").string()},
                                {"BATUTA_ADMIN_PASSWORD=short"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("BATUTA_ADMIN_PASSWORD"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace batuta::testing

namespace batuta::testing {
namespace {

TEST(AuthTlsTest, OverTlsTheCookieIsHostPrefixedAndSecureAndHstsIsSent) {
  TempDir dir;
  const TlsFiles files = WriteSelfSignedCertificate(dir.path());
  BatutaServer server(dir.path() / "data",
                      {"--access-log", "false", "--tls-cert", files.certificate.string(),
                       "--tls-key", files.private_key.string()},
                      {"BATUTA_ADMIN_PASSWORD=" + std::string(kAdminPassword)});
  const TlsClientOptions tls{files.certificate};
  const nlohmann::json login = {{"username", "admin"}, {"password", kAdminPassword}};
  const auto reply = Request(server.port(), tls, "POST", "/api/v1/auth/login", login.dump(),
                             {kJsonContentType, "Origin: https://127.0.0.1"});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const std::string cookie = reply.Header("Set-Cookie").value_or("");
  EXPECT_EQ(cookie.rfind("__Host-batuta_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(reply.Header("Strict-Transport-Security").value_or("").find("max-age="),
            std::string::npos);
  const std::string pair = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(Request(server.port(), tls, "GET", "/api/v1/auth/me", {}, {"Cookie: " + pair}).status,
            200);
  // The plain-HTTP cookie name is not accepted over TLS.
  const std::string plain_name = "batuta_session" + pair.substr(pair.find('='));
  EXPECT_EQ(
      Request(server.port(), tls, "GET", "/api/v1/auth/me", {}, {"Cookie: " + plain_name}).status,
      401);
}

}  // namespace
}  // namespace batuta::testing

namespace batuta::testing {
namespace {

TEST(AuthProxyTest, BehindATrustedProxyTheAuditNamesTheForwardedClient) {
  TempDir dir;
  BatutaServer server(dir.path() / "data",
                      {"--access-log", "false", "--trusted-proxies", "127.0.0.1"},
                      {"BATUTA_ADMIN_PASSWORD=" + std::string(kAdminPassword)});
  const nlohmann::json wrong = {{"username", "admin"}, {"password", "not-the-password-xyz"}};
  EXPECT_EQ(Request(server.port(), "POST", "/api/v1/auth/login", wrong.dump(),
                    {kJsonContentType, "X-Forwarded-For: 6.6.6.6, 198.51.100.7"})
                .status,
            401);
  const nlohmann::json right = {{"username", "admin"}, {"password", kAdminPassword}};
  const auto login =
      Request(server.port(), "POST", "/api/v1/auth/login", right.dump(), {kJsonContentType});
  ASSERT_EQ(login.status, 200);
  const std::string cookie = login.Header("Set-Cookie").value_or("");
  const auto page = Request(server.port(), "GET", "/api/v1/audit?outcome=failure", {},
                            {"Cookie: " + cookie.substr(0, cookie.find(';'))});
  const auto entries = nlohmann::json::parse(page.body)["entries"];
  ASSERT_EQ(entries.size(), 1u) << page.body;
  EXPECT_EQ(entries[0]["remote_address"], "198.51.100.7");
}

}  // namespace
}  // namespace batuta::testing
