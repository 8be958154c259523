#include "auth/session_service.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/auth_test_support.h"
#include "auth/crypto.h"

namespace batuta::auth {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;
using test::kStart;
using test::MakeRequest;

class SessionServiceTest : public test::AuthTest {
 protected:
  SessionService::Started StartOrDie(const UserRecord& user,
                                     const http::Request& request = MakeRequest()) {
    auto started = sessions_.Start(user.id, request);
    if (!started.ok())
      throw std::runtime_error("cannot start a session: " + started.error().message);
    return std::move(started).value();
  }
  // Whether `id` resolves to a live session now.
  bool Live(std::string_view id) {
    auto resolved = sessions_.Resolve(id);
    EXPECT_TRUE(resolved.ok()) << resolved.error().message;
    return resolved.ok() && resolved->has_value();
  }
  std::optional<SessionRecord> Stored(std::string_view id) {
    auto found = store().Sessions().Find(Sha256Hex(id));
    EXPECT_TRUE(found.ok()) << found.error().message;
    if (!found.ok() || !found->has_value()) return std::nullopt;
    return (*found)->session;
  }

  SessionService sessions_{store(), clock_, "session-test-secret"};
  UserRecord maria_ = AddUser("maria", "editor");
};

TEST_F(SessionServiceTest, StartStoresOnlyTheSha256OfTheId) {
  const auto started = StartOrDie(maria_);
  EXPECT_EQ(started.id.size(), 43U);
  EXPECT_EQ(started.record.id_hash, Sha256Hex(started.id));
  EXPECT_NE(started.record.id_hash, started.id);

  auto by_hash = store().Sessions().Find(Sha256Hex(started.id));
  ASSERT_TRUE(by_hash.ok() && by_hash->has_value());
  EXPECT_EQ((*by_hash)->session.id_hash, Sha256Hex(started.id));
  auto by_id = store().Sessions().Find(started.id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_FALSE(by_id->has_value());
  EXPECT_FALSE(test::AnyFileContains(folder(), started.id));
}

TEST_F(SessionServiceTest, StartRecordsTimesAddressAndABoundedUserAgent) {
  const auto started = StartOrDie(
      maria_,
      MakeRequest(http::Method::kPost, {{"User-Agent", std::string(300, 'u')}}, "198.51.100.4"));
  const auto stored = Stored(started.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->user_id, maria_.id);
  EXPECT_EQ(stored->created_at, kStart);
  EXPECT_EQ(stored->last_seen_at, kStart);
  EXPECT_EQ(stored->expires_at, kStart + hours(24 * 7));
  EXPECT_EQ(stored->remote_address, "198.51.100.4");
  EXPECT_EQ(stored->user_agent, std::string(256, 'u'));
}

TEST_F(SessionServiceTest, EverySignInGetsAFreshId) {
  const auto first = StartOrDie(maria_);
  const auto second = StartOrDie(maria_);
  EXPECT_NE(first.id, second.id);
  EXPECT_TRUE(Live(first.id));
  EXPECT_TRUE(Live(second.id));
}

TEST_F(SessionServiceTest, ResolveReturnsTheSessionAndItsUser) {
  const auto started = StartOrDie(maria_);
  auto resolved = sessions_.Resolve(started.id);
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  ASSERT_TRUE(resolved->has_value());
  EXPECT_EQ((*resolved)->session.id_hash, Sha256Hex(started.id));
  EXPECT_EQ((*resolved)->user.id, maria_.id);
  EXPECT_EQ((*resolved)->user.username, "maria");
  EXPECT_EQ((*resolved)->user.role, "editor");
}

TEST_F(SessionServiceTest, UnknownAndMalformedIdsResolveToNothing) {
  StartOrDie(maria_);
  EXPECT_FALSE(Live(RandomToken(32)));
  EXPECT_FALSE(Live(""));
  EXPECT_FALSE(Live("short"));
  EXPECT_FALSE(Live(std::string(44, 'a')));
}

TEST_F(SessionServiceTest, ASessionEndsAtMaxAgeEvenWhenActive) {
  const auto started = StartOrDie(maria_);
  // A request every 4 hours keeps it from going idle, up to 4 hours before max_age (168 h).
  for (int elapsed = 4; elapsed < 168; elapsed += 4) {
    clock_.Advance(hours(4));
    ASSERT_TRUE(Live(started.id)) << "after " << elapsed << " h";
  }
  clock_.Advance(hours(4));
  EXPECT_FALSE(Live(started.id));
  EXPECT_FALSE(Stored(started.id).has_value());
}

TEST_F(SessionServiceTest, ASessionIsLiveUntilJustBeforeMaxAge) {
  SessionService sessions(store(), clock_, "secret", {hours(100), hours(2), seconds(60)});
  auto started = sessions.Start(maria_.id, MakeRequest());
  ASSERT_TRUE(started.ok());
  clock_.Advance(hours(2) - milliseconds(1));
  auto before = sessions.Resolve(started->id);
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->has_value());
  clock_.Advance(milliseconds(1));
  auto at = sessions.Resolve(started->id);
  ASSERT_TRUE(at.ok());
  EXPECT_FALSE(at->has_value());
}

TEST_F(SessionServiceTest, ASessionEndsAfterIdleTimeoutWithoutRequests) {
  const auto started = StartOrDie(maria_);
  clock_.Advance(hours(8) - milliseconds(1));
  ASSERT_TRUE(Live(started.id));  // and moves last_seen_at here
  clock_.Advance(hours(8) - milliseconds(1));
  ASSERT_TRUE(Live(started.id));
  clock_.Advance(hours(8));
  EXPECT_FALSE(Live(started.id));
  EXPECT_FALSE(Stored(started.id).has_value());
}

TEST_F(SessionServiceTest, LastSeenMovesOnlyAfterTouchInterval) {
  const auto started = StartOrDie(maria_);
  clock_.Advance(seconds(59));
  ASSERT_TRUE(Live(started.id));
  EXPECT_EQ(Stored(started.id)->last_seen_at, kStart);
  clock_.Advance(seconds(1));
  ASSERT_TRUE(Live(started.id));
  EXPECT_EQ(Stored(started.id)->last_seen_at, kStart + seconds(60));
  clock_.Advance(seconds(30));
  ASSERT_TRUE(Live(started.id));
  EXPECT_EQ(Stored(started.id)->last_seen_at, kStart + seconds(60));
}

TEST_F(SessionServiceTest, APasswordChangeEndsTheUsersSessions) {
  const auto started = StartOrDie(maria_);
  clock_.Advance(seconds(5));
  auto hash = hasher_.Hash(test::kOtherGoodPassword);
  ASSERT_TRUE(hash.ok());
  ASSERT_TRUE(store().Users().SetPassword(maria_.id, *hash, clock_.Now()).ok());
  EXPECT_FALSE(Live(started.id));
}

// A store without the cascade on password change must not keep an older session alive.
TEST_F(SessionServiceTest, ASessionOlderThanThePasswordChangeIsRefused) {
  const std::string id = RandomToken(32);
  SessionRecord old;
  old.id_hash = Sha256Hex(id);
  old.user_id = maria_.id;
  old.created_at = kStart - milliseconds(1);
  old.last_seen_at = kStart;
  old.expires_at = kStart + hours(24);
  ASSERT_TRUE(store().Sessions().Create(old).ok());
  EXPECT_FALSE(Live(id));
  EXPECT_FALSE(Stored(id).has_value());
}

TEST_F(SessionServiceTest, DeactivationEndsTheUsersSessions) {
  const auto started = StartOrDie(maria_);
  UserChanges changes;
  changes.active = false;
  ASSERT_TRUE(store().Users().Update(maria_.id, changes, clock_.Now()).ok());
  EXPECT_FALSE(Live(started.id));
}

// A store without the cascade on deactivation must not keep the session alive either.
TEST_F(SessionServiceTest, ASessionOfAnInactiveUserIsRefused) {
  const UserRecord inactive = AddUser("ghost", "viewer", test::kGoodPassword, false);
  const auto started = StartOrDie(inactive);
  EXPECT_FALSE(Live(started.id));
  EXPECT_FALSE(Stored(started.id).has_value());
}

TEST_F(SessionServiceTest, EndDeletesTheSession) {
  const auto started = StartOrDie(maria_);
  const auto other = StartOrDie(maria_);
  ASSERT_TRUE(sessions_.End(started.id).ok());
  EXPECT_FALSE(Live(started.id));
  EXPECT_TRUE(Live(other.id));
  EXPECT_TRUE(sessions_.End(started.id).ok());
}

TEST_F(SessionServiceTest, PruneDeletesExpiredAndIdleSessionsOnly) {
  const auto idle = StartOrDie(maria_);
  clock_.Advance(hours(7));
  const auto recent = StartOrDie(maria_);
  clock_.Advance(hours(2));
  auto pruned = sessions_.Prune();
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(*pruned, 1);
  EXPECT_FALSE(Stored(idle.id).has_value());
  EXPECT_TRUE(Stored(recent.id).has_value());
}

TEST_F(SessionServiceTest, TheCsrfTokenIsStablePerSessionAndDiffersBetweenSessions) {
  const auto first = StartOrDie(maria_);
  const auto second = StartOrDie(maria_);
  EXPECT_FALSE(first.csrf_token.empty());
  EXPECT_EQ(sessions_.CsrfToken(first.id), first.csrf_token);
  EXPECT_EQ(sessions_.CsrfToken(first.id), sessions_.CsrfToken(first.id));
  EXPECT_NE(first.csrf_token, second.csrf_token);
  EXPECT_NE(first.csrf_token, first.id);
}

TEST_F(SessionServiceTest, TheCsrfTokenDependsOnTheInstanceSecret) {
  const auto started = StartOrDie(maria_);
  const SessionService other(store(), clock_, "another-secret");
  EXPECT_NE(other.CsrfToken(started.id), started.csrf_token);
}

TEST_F(SessionServiceTest, APlainCookieIsHttpOnlyLaxForTheWholeSiteAndNotSecure) {
  EXPECT_EQ(sessions_.SetCookie("abc", false),
            "batuta_session=abc; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax");
}

TEST_F(SessionServiceTest, TheCookieLivesAsLongAsMaxAge) {
  SessionService sessions(store(), clock_, "secret", {hours(1), hours(2), seconds(60)});
  EXPECT_NE(sessions.SetCookie("abc", false).find("; Max-Age=7200;"), std::string::npos);
}

TEST_F(SessionServiceTest, ASecureCookieHasTheHostPrefixAndSecure) {
  const std::string cookie = sessions_.SetCookie("abc", true);
  EXPECT_EQ(cookie,
            "__Host-batuta_session=abc; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax; Secure");
  EXPECT_EQ(cookie.find("Domain"), std::string::npos);
}

TEST(SessionCookieTest, ClearCookieExpiresTheCookieOfTheSameName) {
  EXPECT_EQ(SessionService::ClearCookie(false),
            "batuta_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
  EXPECT_EQ(SessionService::ClearCookie(true),
            "__Host-batuta_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure");
}

TEST(SessionCookieTest, CookieNameDependsOnTls) {
  EXPECT_EQ(SessionService::CookieName(false), "batuta_session");
  EXPECT_EQ(SessionService::CookieName(true), "__Host-batuta_session");
}

TEST(SessionCookieTest, CookieValueFindsTheSessionAmongOtherCookiesAndSpaces) {
  const auto request = MakeRequest(http::Method::kGet,
                                   {{"Cookie", "theme=dark;  batuta_session = abc123 ;other=1"}});
  EXPECT_EQ(SessionService::CookieValue(request), "abc123");
}

TEST(SessionCookieTest, CookieValueReadsEveryCookieHeader) {
  const auto request = MakeRequest(http::Method::kGet, {{"Cookie", "theme=dark"},
                                                        {"User-Agent", "test"},
                                                        {"cookie", "lang=pt; batuta_session=xyz"}});
  EXPECT_EQ(SessionService::CookieValue(request), "xyz");
}

TEST(SessionCookieTest, CookieValueIgnoresSimilarNamesAndPiecesWithoutValue) {
  const auto request =
      MakeRequest(http::Method::kGet,
                  {{"Cookie", "xbatuta_session=no; batuta_session_old=no; batuta_session"}});
  EXPECT_EQ(SessionService::CookieValue(request), std::nullopt);
  EXPECT_EQ(SessionService::CookieValue(MakeRequest()), std::nullopt);
}

TEST(SessionCookieTest, CookieValueIgnoresTheOtherSchemesName) {
  auto plain = MakeRequest(http::Method::kGet, {{"Cookie", "__Host-batuta_session=tls"}});
  EXPECT_EQ(SessionService::CookieValue(plain), std::nullopt);

  auto secure = MakeRequest(http::Method::kGet, {{"Cookie", "batuta_session=plain"}});
  secure.secure = true;
  EXPECT_EQ(SessionService::CookieValue(secure), std::nullopt);

  auto both = MakeRequest(http::Method::kGet,
                          {{"Cookie", "batuta_session=plain; __Host-batuta_session=tls"}});
  both.secure = true;
  EXPECT_EQ(SessionService::CookieValue(both), "tls");
  both.secure = false;
  EXPECT_EQ(SessionService::CookieValue(both), "plain");
}

}  // namespace
}  // namespace batuta::auth
