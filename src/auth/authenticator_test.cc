#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/auth_test_support.h"
#include "auth/crypto.h"
#include "auth/roles.h"

namespace batuta::auth {
namespace {

using http::Method;
using test::kHost;
using test::kOrigin;
using test::MakeRequest;

class AuthenticatorTest : public test::AuthTest {
 protected:
  struct SignedIn {
    std::string id;
    std::string csrf_token;
  };
  SignedIn SignIn(const UserRecord& user) {
    auto started = sessions_.Start(user.id, MakeRequest());
    if (!started.ok())
      throw std::runtime_error("cannot start a session: " + started.error().message);
    return {started->id, started->csrf_token};
  }
  std::string KeyFor(const UserRecord& owner, std::string_view role) {
    const auto generated = ApiKeyService::Generate();
    ApiKeyRecord record;
    record.id = ids_.Next();
    record.prefix = generated.prefix;
    record.key_hash = generated.hash;
    record.user_id = owner.id;
    record.name = "test key";
    record.role = std::string(role);
    record.created_at = clock_.Now();
    const auto created = store().ApiKeys().Create(record);
    if (!created.ok()) throw std::runtime_error("cannot store a key: " + created.error().message);
    return generated.key;
  }
  // A request from the browser app of this server: Host and the session cookie, plus `extra`.
  static http::Request SessionRequest(Method method, std::string_view id,
                                      http::HeaderList extra = {}) {
    http::HeaderList headers{{"Host", std::string(kHost)},
                             {"Cookie", "batuta_session=" + std::string(id)}};
    headers.insert(headers.end(), extra.begin(), extra.end());
    return MakeRequest(method, std::move(headers));
  }
  static http::Request KeyRequest(Method method, std::string_view key) {
    return MakeRequest(
        method, {{"Host", std::string(kHost)}, {"Authorization", "Bearer " + std::string(key)}});
  }
  void ExpectDenied(const http::Request& request, http::Permission permission,
                    std::string_view reason) {
    auto authorized = authenticator_.Authorize(request, permission);
    ASSERT_FALSE(authorized.ok()) << "allowed " << permission.name;
    EXPECT_EQ(authorized.error().code, ErrorCode::kPermissionDenied) << permission.name;
    EXPECT_EQ(authorized.error().details.value("reason", ""), reason) << permission.name;
  }
  void ExpectUnauthenticated(const http::Request& request, http::Permission permission) {
    auto authorized = authenticator_.Authorize(request, permission);
    ASSERT_FALSE(authorized.ok()) << "allowed " << permission.name;
    EXPECT_EQ(authorized.error().code, ErrorCode::kUnauthenticated) << permission.name;
  }
  void ExpectAllowed(const http::Request& request, http::Permission permission) {
    auto authorized = authenticator_.Authorize(request, permission);
    ASSERT_TRUE(authorized.ok()) << permission.name << ": " << authorized.error().message;
    EXPECT_TRUE(authorized->has_value()) << permission.name;
  }

  IdGenerator ids_{clock_};
  SessionService sessions_{store(), clock_, "authenticator-test-secret"};
  ApiKeyService api_keys_{store(), clock_};
  Authenticator authenticator_{sessions_, api_keys_};
  UserRecord viewer_ = AddUser("vera", "viewer");
  UserRecord editor_ = AddUser("eddie", "editor");
  UserRecord admin_ = AddUser("root", "admin");
};

TEST_F(AuthenticatorTest, AnAnonymousCallerIsUnauthenticatedForAnyNonPublicPermission) {
  const auto anonymous = MakeRequest(Method::kGet, {{"Host", std::string(kHost)}});
  ExpectUnauthenticated(anonymous, permissions::kAuthenticated);
  ExpectUnauthenticated(anonymous, permissions::kJobsRead);
  ExpectUnauthenticated(anonymous, permissions::kUsersAdmin);
  auto identified = authenticator_.Identify(anonymous);
  ASSERT_TRUE(identified.ok());
  EXPECT_FALSE(identified->has_value());
}

TEST_F(AuthenticatorTest, APublicPermissionNeedsNoCredentialsAndIdentifiesNobody) {
  auto anonymous = authenticator_.Authorize(MakeRequest(Method::kPost), http::kPublic);
  ASSERT_TRUE(anonymous.ok());
  EXPECT_FALSE(anonymous->has_value());
  auto with_bad_key =
      authenticator_.Authorize(KeyRequest(Method::kGet, "btk_not_a_key"), http::kPublic);
  ASSERT_TRUE(with_bad_key.ok());
  EXPECT_FALSE(with_bad_key->has_value());
}

TEST_F(AuthenticatorTest, AStaleSessionCookieIsNoSession) {
  const auto request = SessionRequest(Method::kGet, RandomToken(32));
  auto identified = authenticator_.Identify(request);
  ASSERT_TRUE(identified.ok());
  EXPECT_FALSE(identified->has_value());
  ExpectUnauthenticated(request, permissions::kJobsRead);
}

TEST_F(AuthenticatorTest, ASessionIdentifiesItsUserWithoutSecrets) {
  const auto signed_in = SignIn(editor_);
  auto identified = authenticator_.Identify(SessionRequest(Method::kGet, signed_in.id));
  ASSERT_TRUE(identified.ok()) << identified.error().message;
  ASSERT_TRUE(identified->has_value());
  const Principal& principal = **identified;
  EXPECT_EQ(principal.via, Principal::Via::kSession);
  EXPECT_EQ(principal.user.id, editor_.id);
  EXPECT_EQ(principal.role, Role::kEditor);
  EXPECT_FALSE(principal.key_role.has_value());
  EXPECT_TRUE(principal.user.password_hash.empty());
  EXPECT_EQ(principal.csrf_token, signed_in.csrf_token);
  ASSERT_TRUE(principal.session.has_value());
  EXPECT_EQ(principal.ActorKind(), "user");
  EXPECT_EQ(principal.ActorName(), "eddie");
}

TEST_F(AuthenticatorTest, AViewerSessionLacksUsersAdmin) {
  const auto signed_in = SignIn(viewer_);
  const auto request = SessionRequest(Method::kGet, signed_in.id);
  ExpectAllowed(request, permissions::kJobsRead);
  ExpectAllowed(request, permissions::kAuthenticated);
  ExpectDenied(request, permissions::kUsersAdmin, "missing_permission");
  ExpectDenied(request, permissions::kJobsWrite, "missing_permission");
}

TEST_F(AuthenticatorTest, AnAdminSessionHasUsersAdmin) {
  const auto signed_in = SignIn(admin_);
  ExpectAllowed(SessionRequest(Method::kGet, signed_in.id), permissions::kUsersAdmin);
}

TEST_F(AuthenticatorTest, AnApiKeyIdentifiesItsOwnerAndKeyRoleWithoutSecrets) {
  const std::string key = KeyFor(admin_, "viewer");
  auto identified = authenticator_.Identify(KeyRequest(Method::kGet, key));
  ASSERT_TRUE(identified.ok()) << identified.error().message;
  ASSERT_TRUE(identified->has_value());
  const Principal& principal = **identified;
  EXPECT_EQ(principal.via, Principal::Via::kApiKey);
  EXPECT_EQ(principal.user.id, admin_.id);
  EXPECT_EQ(principal.role, Role::kAdmin);
  EXPECT_EQ(principal.key_role, Role::kViewer);
  EXPECT_TRUE(principal.user.password_hash.empty());
  ASSERT_TRUE(principal.api_key.has_value());
  EXPECT_TRUE(principal.api_key->key_hash.empty());
  EXPECT_TRUE(principal.csrf_token.empty());
  EXPECT_EQ(principal.ActorKind(), "api_key");
  EXPECT_EQ(principal.ActorName(), "root (key " + key.substr(0, 12) + ")");
}

TEST_F(AuthenticatorTest, AViewerKeyOfAnAdminHasOnlyViewerPermissions) {
  const std::string key = KeyFor(admin_, "viewer");
  ExpectAllowed(KeyRequest(Method::kGet, key), permissions::kJobsRead);
  ExpectDenied(KeyRequest(Method::kGet, key), permissions::kUsersAdmin, "missing_permission");
  ExpectDenied(KeyRequest(Method::kPost, key), permissions::kRunsTrigger, "missing_permission");

  auto identified = authenticator_.Identify(KeyRequest(Method::kGet, key));
  ASSERT_TRUE(identified.ok() && identified->has_value());
  const auto granted = (*identified)->Permissions();
  const std::vector<std::string_view> expected{"authenticated", "jobs.read", "runs.read",
                                               "datasets.read"};
  EXPECT_EQ(granted, expected);
}

TEST_F(AuthenticatorTest, AKeyLosesWhatItsDemotedOwnerNoLongerHas) {
  const std::string key = KeyFor(editor_, "editor");
  ExpectAllowed(KeyRequest(Method::kPost, key), permissions::kJobsWrite);

  UserChanges demote;
  demote.role = "viewer";
  ASSERT_TRUE(store().Users().Update(editor_.id, demote, clock_.Now()).ok());
  ExpectDenied(KeyRequest(Method::kPost, key), permissions::kJobsWrite, "missing_permission");
  ExpectDenied(KeyRequest(Method::kPost, key), permissions::kRunsTrigger, "missing_permission");
  ExpectAllowed(KeyRequest(Method::kGet, key), permissions::kJobsRead);
}

TEST_F(AuthenticatorTest, AnApiKeyCannotUseAccountSelf) {
  const std::string key = KeyFor(admin_, "admin");
  ExpectDenied(KeyRequest(Method::kGet, key), permissions::kAccountSelf, "session_required");
  ExpectDenied(KeyRequest(Method::kPost, key), permissions::kAccountSelf, "session_required");
}

TEST_F(AuthenticatorTest, ASessionCanUseAccountSelf) {
  const auto signed_in = SignIn(viewer_);
  ExpectAllowed(SessionRequest(Method::kGet, signed_in.id), permissions::kAccountSelf);
}

TEST_F(AuthenticatorTest, AnInvalidApiKeyIsRefusedEvenBesideAValidSessionCookie) {
  const auto signed_in = SignIn(admin_);
  std::string key = KeyFor(admin_, "admin");
  key.back() = key.back() == 'A' ? 'B' : 'A';
  auto request = SessionRequest(Method::kGet, signed_in.id, {{"X-API-Key", key}});
  ExpectUnauthenticated(request, permissions::kJobsRead);
  auto identified = authenticator_.Identify(request);
  ASSERT_FALSE(identified.ok());
  EXPECT_EQ(identified.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AuthenticatorTest, ARevokedKeyIsUnauthenticated) {
  const std::string key = KeyFor(viewer_, "viewer");
  auto found = store().ApiKeys().FindByPrefix(key.substr(0, 12));
  ASSERT_TRUE(found.ok() && found->has_value());
  ASSERT_TRUE(store().ApiKeys().Revoke((*found)->key.id, clock_.Now()).ok());
  ExpectUnauthenticated(KeyRequest(Method::kGet, key), permissions::kJobsRead);
}

TEST_F(AuthenticatorTest, ASessionPostFromAForeignOriginWithoutTokenIsRefused) {
  const auto signed_in = SignIn(editor_);
  ExpectDenied(SessionRequest(Method::kPost, signed_in.id, {{"Origin", "https://evil.example"}}),
               permissions::kJobsWrite, "csrf_origin");
}

TEST_F(AuthenticatorTest, ASessionPostFromAForeignOriginIsRefusedEvenWithTheToken) {
  const auto signed_in = SignIn(editor_);
  ExpectDenied(
      SessionRequest(Method::kPost, signed_in.id,
                     {{"Origin", "http://evil.example"}, {"X-CSRF-Token", signed_in.csrf_token}}),
      permissions::kJobsWrite, "csrf_origin");
}

TEST_F(AuthenticatorTest, ASessionPostWithAMatchingOriginButAWrongTokenIsRefused) {
  const auto signed_in = SignIn(editor_);
  const auto other = SignIn(editor_);
  ExpectDenied(
      SessionRequest(Method::kPost, signed_in.id,
                     {{"Origin", std::string(kOrigin)}, {"X-CSRF-Token", other.csrf_token}}),
      permissions::kJobsWrite, "csrf_token");
  ExpectDenied(SessionRequest(Method::kPost, signed_in.id, {{"Origin", std::string(kOrigin)}}),
               permissions::kJobsWrite, "csrf_token");
}

TEST_F(AuthenticatorTest, ASessionPostWithoutOriginIsRefused) {
  const auto signed_in = SignIn(editor_);
  ExpectDenied(
      SessionRequest(Method::kPost, signed_in.id, {{"X-CSRF-Token", signed_in.csrf_token}}),
      permissions::kJobsWrite, "csrf_origin");
}

TEST_F(AuthenticatorTest, ASessionPostWithTheTokenAndAMatchingOriginIsAccepted) {
  const auto signed_in = SignIn(editor_);
  ExpectAllowed(
      SessionRequest(Method::kPost, signed_in.id,
                     {{"Origin", std::string(kOrigin)}, {"X-CSRF-Token", signed_in.csrf_token}}),
      permissions::kJobsWrite);
}

TEST_F(AuthenticatorTest, EveryUnsafeMethodNeedsTheCsrfCheck) {
  const auto signed_in = SignIn(editor_);
  for (const Method method :
       {Method::kPost, Method::kPut, Method::kPatch, Method::kDelete, Method::kOther}) {
    ExpectDenied(SessionRequest(method, signed_in.id), permissions::kJobsWrite, "csrf_origin");
  }
}

TEST_F(AuthenticatorTest, SafeMethodsNeedNoCsrfToken) {
  const auto signed_in = SignIn(editor_);
  for (const Method method : {Method::kGet, Method::kHead, Method::kOptions}) {
    ExpectAllowed(SessionRequest(method, signed_in.id, {{"Origin", "https://evil.example"}}),
                  permissions::kJobsRead);
  }
}

TEST_F(AuthenticatorTest, AnApiKeyPostNeedsNeitherOriginNorToken) {
  const std::string key = KeyFor(editor_, "editor");
  ExpectAllowed(KeyRequest(Method::kPost, key), permissions::kJobsWrite);
  ExpectAllowed(KeyRequest(Method::kDelete, key), permissions::kJobsWrite);
}

TEST_F(AuthenticatorTest, ThePermissionIsCheckedBeforeTheCsrfToken) {
  const auto signed_in = SignIn(viewer_);
  ExpectDenied(
      SessionRequest(Method::kPost, signed_in.id,
                     {{"Origin", std::string(kOrigin)}, {"X-CSRF-Token", signed_in.csrf_token}}),
      permissions::kJobsWrite, "missing_permission");
}

TEST(OriginMatchesHostTest, AnOriginMustNameTheHostWithAMatchingScheme) {
  auto request = MakeRequest(
      Method::kPost, {{"Host", "batuta.example:8080"}, {"Origin", "http://batuta.example:8080"}});
  EXPECT_TRUE(Authenticator::OriginMatchesHost(request, true));
  request.headers[1].second = "http://BATUTA.example:8080";
  EXPECT_TRUE(Authenticator::OriginMatchesHost(request, true));
  request.headers[1].second = "http://batuta.example:8081";
  EXPECT_FALSE(Authenticator::OriginMatchesHost(request, true));
  request.headers[1].second = "http://batuta.example";
  EXPECT_FALSE(Authenticator::OriginMatchesHost(request, true));
  request.headers[1].second = "http://batuta.example:8080.evil.example";
  EXPECT_FALSE(Authenticator::OriginMatchesHost(request, true));
  request.headers[1].second = "null";
  EXPECT_FALSE(Authenticator::OriginMatchesHost(request, true));
  request.headers[1].second = "ftp://batuta.example:8080";
  EXPECT_FALSE(Authenticator::OriginMatchesHost(request, true));
}

TEST(OriginMatchesHostTest, OverTlsOnlyAnHttpsOriginMatches) {
  auto request =
      MakeRequest(Method::kPost, {{"Host", "batuta.example"}, {"Origin", "http://batuta.example"}});
  request.secure = true;
  EXPECT_FALSE(Authenticator::OriginMatchesHost(request, true));
  request.headers[1].second = "https://batuta.example";
  EXPECT_TRUE(Authenticator::OriginMatchesHost(request, true));
}

TEST(OriginMatchesHostTest, AMissingOriginMatchesOnlyWhenNotRequired) {
  const auto request = MakeRequest(Method::kPost, {{"Host", "batuta.example"}});
  EXPECT_TRUE(Authenticator::OriginMatchesHost(request, false));
  EXPECT_FALSE(Authenticator::OriginMatchesHost(request, true));
}

TEST(OriginMatchesHostTest, AnOriginWithoutHostNeverMatches) {
  const auto request = MakeRequest(Method::kPost, {{"Origin", "http://batuta.example"}});
  EXPECT_FALSE(Authenticator::OriginMatchesHost(request, false));
  EXPECT_FALSE(Authenticator::OriginMatchesHost(request, true));
}

}  // namespace
}  // namespace batuta::auth
