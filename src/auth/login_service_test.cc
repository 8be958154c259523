#include "auth/login_service.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "auth/auth_test_support.h"
#include "auth/roles.h"

namespace batuta::auth {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using test::kGoodPassword;
using test::kOtherGoodPassword;
using test::MakeRequest;

constexpr std::string_view kWrongPassword = "Wrong-Horse-31337";

class LoginServiceTest : public test::AuthTest {
 protected:
  Result<LoginService::SignedIn> Login(std::string_view username, std::string_view password) {
    return login_.Login(username, password, MakeRequest(http::Method::kPost));
  }
  LoginService::SignedIn LoginOrDie(std::string_view username, std::string_view password) {
    auto signed_in = Login(username, password);
    if (!signed_in.ok()) throw std::runtime_error("cannot sign in: " + signed_in.error().message);
    return std::move(signed_in).value();
  }
  // The caller as the authenticator would see this session.
  static Principal PrincipalOf(const LoginService::SignedIn& signed_in) {
    Principal principal;
    principal.via = Principal::Via::kSession;
    principal.user = signed_in.user;
    principal.role = ParseRole(signed_in.user.role).value_or(Role::kViewer);
    principal.session = signed_in.session.record;
    principal.csrf_token = signed_in.session.csrf_token;
    return principal;
  }
  static http::Request CookieRequest(std::string_view id) {
    return MakeRequest(http::Method::kPost, {{"Cookie", "batuta_session=" + std::string(id)}});
  }
  bool Live(std::string_view id) {
    auto resolved = sessions_.Resolve(id);
    return resolved.ok() && resolved->has_value();
  }
  void ExpectWrongCredentials(const Result<LoginService::SignedIn>& result) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(result.error().message, "wrong username or password");
    EXPECT_EQ(result.error().details.dump(), R"({"reason":"wrong_credentials"})");
  }
  void ExpectNoAuditEntryContains(std::string_view text) {
    for (const auto& entry : AuditEntries()) {
      EXPECT_EQ(test::AuditEntryJson(entry).dump().find(text), std::string::npos)
          << test::AuditEntryJson(entry).dump();
    }
  }

  LoginThrottle throttle_{clock_};
  AuditTrail audit_{store(), clock_};
  SessionService sessions_{store(), clock_, "login-test-secret"};
  LoginService login_{store(), clock_, hasher_, throttle_, sessions_, audit_};
  UserRecord maria_ = AddUser("maria", "editor");
};

TEST_F(LoginServiceTest, ASuccessStartsASessionAuditsItAndRecordsTheTime) {
  clock_.Advance(hours(1));
  auto signed_in = Login("maria", kGoodPassword);
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().message;
  EXPECT_EQ(signed_in->user.id, maria_.id);
  EXPECT_TRUE(signed_in->user.password_hash.empty());
  EXPECT_EQ(signed_in->user.last_login_at, clock_.Now());
  EXPECT_TRUE(Live(signed_in->session.id));
  EXPECT_EQ(signed_in->session.record.user_id, maria_.id);
  EXPECT_EQ(StoredUser(maria_.id).last_login_at, clock_.Now());

  const auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].action, "auth.login");
  EXPECT_EQ(entries[0].outcome, "success");
  EXPECT_EQ(entries[0].actor_kind, "user");
  EXPECT_EQ(entries[0].actor_id, maria_.id);
  EXPECT_EQ(entries[0].actor_name, "maria");
  EXPECT_EQ(entries[0].target_id, maria_.id);
  EXPECT_EQ(entries[0].remote_address, test::kAddress);
  EXPECT_EQ(entries[0].at, clock_.Now());
  ExpectNoAuditEntryContains(kGoodPassword);
  ExpectNoAuditEntryContains(signed_in->session.id);
}

TEST_F(LoginServiceTest, TheUsernameIsMatchedIgnoringCase) {
  auto signed_in = Login("MaRiA", kGoodPassword);
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().message;
  EXPECT_EQ(signed_in->user.id, maria_.id);
}

TEST_F(LoginServiceTest, AWrongPasswordAndAnUnknownUserAnswerAlike) {
  ExpectWrongCredentials(Login("maria", kWrongPassword));
  ExpectWrongCredentials(Login("nobody", kWrongPassword));
  ExpectWrongCredentials(Login("nobody", kGoodPassword));
}

TEST_F(LoginServiceTest, ADeactivatedUserIsRefusedLikeAWrongPassword) {
  AddUser("ghost", "viewer", kGoodPassword, false);
  ExpectWrongCredentials(Login("ghost", kGoodPassword));
}

TEST_F(LoginServiceTest, MalformedAttemptsAnswerLikeAWrongPassword) {
  ExpectWrongCredentials(Login("", kGoodPassword));
  ExpectWrongCredentials(Login(std::string(65, 'm'), kGoodPassword));
  ExpectWrongCredentials(Login("maria", std::string(1025, 'p')));
}

TEST_F(LoginServiceTest, FailuresAreAuditedWithTheReasonAndNeverThePassword) {
  AddUser("ghost", "viewer", kGoodPassword, false);
  ASSERT_FALSE(Login("maria", "Wrong-Horse-1").ok());
  ASSERT_FALSE(Login("nobody", "Wrong-Horse-2").ok());
  ASSERT_FALSE(Login("ghost", kGoodPassword).ok());

  const auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), 3U);
  std::vector<std::string> reasons;
  for (const auto& entry : entries) {
    EXPECT_EQ(entry.action, "auth.login");
    EXPECT_EQ(entry.outcome, "failure");
    EXPECT_EQ(entry.actor_kind, "anonymous");
    reasons.push_back(entry.details.value("reason", ""));
  }
  EXPECT_EQ(reasons, (std::vector<std::string>{"inactive", "unknown_user", "wrong_password"}));
  EXPECT_EQ(entries[2].actor_name, "maria");
  EXPECT_EQ(entries[2].target_id, maria_.id);
  EXPECT_EQ(entries[1].actor_name, "nobody");
  EXPECT_EQ(entries[1].target_id, "");

  for (const std::string_view password : {std::string_view("Wrong-Horse"), kGoodPassword}) {
    ExpectNoAuditEntryContains(password);
    EXPECT_FALSE(test::AnyFileContains(folder(), password)) << password;
  }
}

TEST_F(LoginServiceTest, ThrottlingEngagesAfterTheFreeFailuresAndReleasesWithTime) {
  for (int i = 0; i < 4; ++i) ExpectWrongCredentials(Login("maria", kWrongPassword));
  auto throttled = Login("maria", kGoodPassword);
  ASSERT_FALSE(throttled.ok());
  EXPECT_EQ(throttled.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(throttled.error().details.value("retry_after_seconds", 0), 1);

  clock_.Advance(seconds(1));
  auto signed_in = Login("maria", kGoodPassword);
  EXPECT_TRUE(signed_in.ok()) << signed_in.error().message;
}

TEST_F(LoginServiceTest, AnUnknownUsernameIsThrottledLikeAKnownOne) {
  for (int i = 0; i < 4; ++i) ExpectWrongCredentials(Login("nobody", kWrongPassword));
  auto throttled = Login("nobody", kWrongPassword);
  ASSERT_FALSE(throttled.ok());
  EXPECT_EQ(throttled.error().code, ErrorCode::kRateLimited);
}

TEST_F(LoginServiceTest, ASuccessRestartsTheAccountsFreeFailures) {
  for (int i = 0; i < 3; ++i) ExpectWrongCredentials(Login("maria", kWrongPassword));
  ASSERT_TRUE(Login("maria", kGoodPassword).ok());
  for (int i = 0; i < 3; ++i) ExpectWrongCredentials(Login("maria", kWrongPassword));
  EXPECT_TRUE(Login("maria", kGoodPassword).ok());
}

TEST_F(LoginServiceTest, AnUnknownUserStillCostsAPasswordVerification) {
  const PasswordHasherTestPeer busy(hasher_, 4);
  auto attempt = Login("nobody", kWrongPassword);
  ASSERT_FALSE(attempt.ok());
  EXPECT_EQ(attempt.error().code, ErrorCode::kUnavailable);
}

TEST_F(LoginServiceTest, ABusyHasherIsNotCountedAsAFailedAttempt) {
  {
    const PasswordHasherTestPeer busy(hasher_, 4);
    for (int i = 0; i < 10; ++i) {
      auto attempt = Login("maria", kWrongPassword);
      ASSERT_FALSE(attempt.ok());
      EXPECT_EQ(attempt.error().code, ErrorCode::kUnavailable);
    }
  }
  EXPECT_TRUE(Login("maria", kGoodPassword).ok());
  EXPECT_EQ(AuditEntries().size(), 1U);
}

TEST_F(LoginServiceTest, ASignInRehashesWhenTheParametersChanged) {
  const PasswordHashParams stronger{2, crypto_pwhash_argon2id_MEMLIMIT_MIN};
  PasswordHasher hasher(stronger);
  LoginService login(store(), clock_, hasher, throttle_, sessions_, audit_);
  const std::string before = StoredUser(maria_.id).password_hash;
  ASSERT_TRUE(before.find(",t=1,") != std::string::npos) << before;

  ASSERT_TRUE(login.Login("maria", kGoodPassword, MakeRequest()).ok());
  const std::string after = StoredUser(maria_.id).password_hash;
  EXPECT_NE(after, before);
  EXPECT_NE(after.find(",t=2,"), std::string::npos) << after;

  auto again = login.Login("maria", kGoodPassword, MakeRequest());
  EXPECT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(StoredUser(maria_.id).password_hash, after);
}

TEST_F(LoginServiceTest, ASignInKeepsAHashOfTheCurrentParameters) {
  const std::string before = StoredUser(maria_.id).password_hash;
  ASSERT_TRUE(Login("maria", kGoodPassword).ok());
  EXPECT_EQ(StoredUser(maria_.id).password_hash, before);
}

TEST_F(LoginServiceTest, ChangingTheOwnPasswordEndsTheOldSessionAndStartsANewOne) {
  const auto signed_in = LoginOrDie("maria", kGoodPassword);
  const auto other_device = LoginOrDie("maria", kGoodPassword);
  clock_.Advance(seconds(1));
  auto changed = login_.ChangeOwnPassword(PrincipalOf(signed_in), kGoodPassword, kOtherGoodPassword,
                                          CookieRequest(signed_in.session.id));
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_NE(changed->session.id, signed_in.session.id);
  EXPECT_FALSE(Live(signed_in.session.id));
  EXPECT_FALSE(Live(other_device.session.id));
  EXPECT_TRUE(Live(changed->session.id));
  EXPECT_TRUE(changed->user.password_hash.empty());
  EXPECT_EQ(changed->user.password_changed_at, clock_.Now());

  ExpectWrongCredentials(Login("maria", kGoodPassword));
  EXPECT_TRUE(Login("maria", kOtherGoodPassword).ok());
}

TEST_F(LoginServiceTest, APasswordChangeIsAuditedWithoutEitherPassword) {
  const auto signed_in = LoginOrDie("maria", kGoodPassword);
  ASSERT_TRUE(login_
                  .ChangeOwnPassword(PrincipalOf(signed_in), kGoodPassword, kOtherGoodPassword,
                                     CookieRequest(signed_in.session.id))
                  .ok());
  const auto entries = AuditEntries();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].action, "user.password_change");
  EXPECT_EQ(entries[0].outcome, "success");
  EXPECT_EQ(entries[0].actor_id, maria_.id);
  EXPECT_EQ(entries[0].target_id, maria_.id);
  ExpectNoAuditEntryContains(kGoodPassword);
  ExpectNoAuditEntryContains(kOtherGoodPassword);
  EXPECT_FALSE(test::AnyFileContains(folder(), kOtherGoodPassword));
}

TEST_F(LoginServiceTest, AWrongCurrentPasswordIsAValidationErrorOnCurrentPassword) {
  const auto signed_in = LoginOrDie("maria", kGoodPassword);
  auto changed = login_.ChangeOwnPassword(PrincipalOf(signed_in), kWrongPassword,
                                          kOtherGoodPassword, CookieRequest(signed_in.session.id));
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.error().code, ErrorCode::kValidation);
  EXPECT_EQ(changed.error().details.value("field", ""), "current_password");
  EXPECT_TRUE(Live(signed_in.session.id));
  EXPECT_TRUE(Login("maria", kGoodPassword).ok());
  ExpectNoAuditEntryContains(kWrongPassword);
}

TEST_F(LoginServiceTest, AWeakNewPasswordIsAValidationErrorOnNewPassword) {
  const auto signed_in = LoginOrDie("maria", kGoodPassword);
  for (const std::string_view weak : {"short", "password1234", "maria-is-me-2026"}) {
    auto changed = login_.ChangeOwnPassword(PrincipalOf(signed_in), kGoodPassword, weak,
                                            CookieRequest(signed_in.session.id));
    ASSERT_FALSE(changed.ok()) << weak;
    EXPECT_EQ(changed.error().code, ErrorCode::kValidation) << weak;
    EXPECT_EQ(changed.error().details.value("field", ""), "new_password") << weak;
  }
  EXPECT_TRUE(Live(signed_in.session.id));
  EXPECT_TRUE(Login("maria", kGoodPassword).ok());
}

TEST_F(LoginServiceTest, LogoutEndsTheSessionOfTheCookieAndIsAudited) {
  const auto signed_in = LoginOrDie("maria", kGoodPassword);
  const auto other_device = LoginOrDie("maria", kGoodPassword);
  ASSERT_TRUE(login_.Logout(PrincipalOf(signed_in), CookieRequest(signed_in.session.id)).ok());
  EXPECT_FALSE(Live(signed_in.session.id));
  EXPECT_TRUE(Live(other_device.session.id));
  const auto entries = AuditEntries();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].action, "auth.logout");
  EXPECT_EQ(entries[0].actor_id, maria_.id);
  ExpectNoAuditEntryContains(signed_in.session.id);
}

}  // namespace
}  // namespace batuta::auth
