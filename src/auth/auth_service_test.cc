#include "auth/auth_service.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/auth_test_support.h"
#include "auth/crypto.h"
#include "auth/roles.h"

namespace batuta::auth {
namespace {

using test::MakeRequest;

class AuthServiceTest : public test::AuthTest {
 protected:
  std::unique_ptr<AuthService> CreateOrDie(Store& store) {
    AuthOptions options;
    options.password_hash = test::CheapHashParams();
    auto created = AuthService::Create(store, clock_, options);
    if (!created.ok()) throw std::runtime_error("cannot create: " + created.error().message);
    return std::move(created).value();
  }
};

TEST_F(AuthServiceTest, TheCsrfSecretIsStoredOnceAndSurvivesARestart) {
  const std::string id = RandomToken(32);
  const auto first = CreateOrDie(store());
  const auto restarted = CreateOrDie(store());
  EXPECT_EQ(restarted->sessions().CsrfToken(id), first->sessions().CsrfToken(id));
  auto secret = store().Meta().Get("auth.csrf_secret");
  ASSERT_TRUE(secret.ok());
  ASSERT_TRUE(secret->has_value());
  EXPECT_GE((*secret)->size(), 43U);
}

TEST_F(AuthServiceTest, EachInstanceHasItsOwnCsrfSecret) {
  const batuta::testing::TempDir other_dir;
  auto other_store = SqliteStore::Open(other_dir.path() / "other.db", clock_);
  ASSERT_TRUE(other_store.ok());
  ASSERT_TRUE((*other_store)->Migrate().ok());
  const std::string id = RandomToken(32);
  EXPECT_NE(CreateOrDie(store())->sessions().CsrfToken(id),
            CreateOrDie(**other_store)->sessions().CsrfToken(id));
}

TEST_F(AuthServiceTest, TheServicesWorkOnOneStore) {
  const auto auth = CreateOrDie(store());
  ASSERT_TRUE(auth->users().EnsureInitialAdmin("launch bay orchid 7").ok());
  auto signed_in = auth->login().Login("admin", "launch bay orchid 7", MakeRequest());
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().message;

  const auto cookie =
      MakeRequest(http::Method::kGet, {{"Cookie", "batuta_session=" + signed_in->session.id}});
  auto caller = auth->authenticator().Authorize(cookie, permissions::kUsersAdmin);
  ASSERT_TRUE(caller.ok()) << caller.error().message;
  ASSERT_TRUE(caller->has_value());

  ApiKeyAdmin::NewKey key;
  key.name = "ops";
  key.role = "viewer";
  auto created = auth->api_keys().Create(**caller, cookie, key);
  ASSERT_TRUE(created.ok()) << created.error().message;
  const auto with_key =
      MakeRequest(http::Method::kGet, {{"Authorization", "Bearer " + created->key}});
  EXPECT_TRUE(auth->authenticator().Authorize(with_key, permissions::kJobsRead).ok());
  EXPECT_FALSE(auth->authenticator().Authorize(with_key, permissions::kUsersAdmin).ok());
}

}  // namespace
}  // namespace batuta::auth
