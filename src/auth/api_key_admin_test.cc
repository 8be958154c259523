#include "auth/api_key_admin.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/api_key_service.h"
#include "auth/auth_test_support.h"
#include "auth/crypto.h"
#include "auth/roles.h"

namespace batuta::auth {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using test::MakeRequest;

class ApiKeyAdminTest : public test::AuthTest {
 protected:
  static Principal SessionOf(const UserRecord& user) {
    Principal principal;
    principal.via = Principal::Via::kSession;
    principal.user = user;
    principal.user.password_hash.clear();
    principal.role = ParseRole(user.role).value_or(Role::kViewer);
    return principal;
  }
  static ApiKeyAdmin::NewKey Named(std::string name) {
    ApiKeyAdmin::NewKey key;
    key.name = std::move(name);
    return key;
  }
  ApiKeyAdmin::Created CreateOrDie(const Principal& caller, const ApiKeyAdmin::NewKey& key) {
    auto created = admin_.Create(caller, request_, key);
    if (!created.ok()) throw std::runtime_error("cannot create a key: " + created.error().message);
    return std::move(created).value();
  }
  template <typename T>
  void ExpectInvalid(const Result<T>& result, std::string_view field) {
    ASSERT_FALSE(result.ok()) << "accepted; expected an error on " << field;
    EXPECT_EQ(result.error().code, ErrorCode::kValidation) << result.error().message;
    EXPECT_EQ(result.error().details.value("field", ""), field) << result.error().message;
  }
  bool Works(std::string_view key) { return keys_.Resolve(key, "198.51.100.4").ok(); }
  static std::vector<std::string> Ids(const std::vector<ApiKeyRecord>& keys) {
    std::vector<std::string> ids;
    ids.reserve(keys.size());
    for (const auto& key : keys) ids.push_back(key.id);
    return ids;
  }

  AuditTrail audit_{store(), clock_};
  ApiKeyAdmin admin_{store(), clock_, audit_};
  ApiKeyService keys_{store(), clock_};
  http::Request request_ = MakeRequest(http::Method::kPost);
  UserRecord root_ = AddUser("root", "admin");
  UserRecord eddie_ = AddUser("eddie", "editor");
  UserRecord olga_ = AddUser("olga", "operator");
  UserRecord vera_ = AddUser("vera", "viewer");
};

TEST_F(ApiKeyAdminTest, AKeyForOneselfHasTheOwnersRoleByDefault) {
  const auto created = CreateOrDie(SessionOf(eddie_), Named("nightly export"));
  EXPECT_EQ(created.record.user_id, eddie_.id);
  EXPECT_EQ(created.record.username, "eddie");
  EXPECT_EQ(created.record.role, "editor");
  EXPECT_EQ(created.record.name, "nightly export");
  EXPECT_EQ(created.record.created_at, clock_.Now());
  EXPECT_EQ(created.record.datasets, std::nullopt);
  EXPECT_EQ(created.record.expires_at, std::nullopt);
  EXPECT_TRUE(created.record.key_hash.empty());
  EXPECT_TRUE(created.key.starts_with(created.record.prefix + "_"));

  auto resolved = keys_.Resolve(created.key, "198.51.100.4");
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->key.id, created.record.id);
  EXPECT_EQ(resolved->key.role, "editor");
}

TEST_F(ApiKeyAdminTest, AKeyMayHaveALowerRoleThanItsOwner) {
  ApiKeyAdmin::NewKey key = Named("read only");
  key.role = "viewer";
  EXPECT_EQ(CreateOrDie(SessionOf(root_), key).record.role, "viewer");
  key.role = "approver";
  EXPECT_EQ(CreateOrDie(SessionOf(root_), key).record.role, "approver");
  key.role = "operator";
  EXPECT_EQ(CreateOrDie(SessionOf(eddie_), key).record.role, "operator");
}

TEST_F(ApiKeyAdminTest, AKeyRoleAboveOrBesideTheOwnersIsRefused) {
  ApiKeyAdmin::NewKey key = Named("too strong");
  key.role = "editor";
  ExpectInvalid(admin_.Create(SessionOf(olga_), request_, key), "role");
  key.role = "admin";
  ExpectInvalid(admin_.Create(SessionOf(eddie_), request_, key), "role");
  key.role = "approver";
  ExpectInvalid(admin_.Create(SessionOf(eddie_), request_, key), "role");
  key.role = "operator";
  ExpectInvalid(admin_.Create(SessionOf(vera_), request_, key), "role");
  key.role = "superuser";
  ExpectInvalid(admin_.Create(SessionOf(root_), request_, key), "role");
}

TEST_F(ApiKeyAdminTest, TheNameIsRequiredAndBounded) {
  ExpectInvalid(admin_.Create(SessionOf(vera_), request_, Named("")), "name");
  ExpectInvalid(admin_.Create(SessionOf(vera_), request_, Named(std::string(101, 'n'))), "name");
  EXPECT_TRUE(admin_.Create(SessionOf(vera_), request_, Named(std::string(100, 'n'))).ok());
}

TEST_F(ApiKeyAdminTest, DatasetNamesAreValidated) {
  for (const std::vector<std::string>& datasets :
       {std::vector<std::string>{"sales export"}, std::vector<std::string>{""},
        std::vector<std::string>{"ok", "../etc"}, std::vector<std::string>{std::string(129, 'd')},
        std::vector<std::string>(101, "sales")}) {
    ApiKeyAdmin::NewKey key = Named("bi");
    key.datasets = datasets;
    ExpectInvalid(admin_.Create(SessionOf(vera_), request_, key), "datasets");
  }
  ApiKeyAdmin::NewKey key = Named("bi");
  key.datasets = std::vector<std::string>{"daily_sales", "patients-2026.v2"};
  const auto created = CreateOrDie(SessionOf(vera_), key);
  EXPECT_EQ(created.record.datasets, key.datasets);
}

TEST_F(ApiKeyAdminTest, AnExpiryNotInTheFutureIsRefused) {
  ApiKeyAdmin::NewKey key = Named("short lived");
  key.expires_at = clock_.Now();
  ExpectInvalid(admin_.Create(SessionOf(vera_), request_, key), "expires_at");
  key.expires_at = clock_.Now() - hours(1);
  ExpectInvalid(admin_.Create(SessionOf(vera_), request_, key), "expires_at");
  key.expires_at = clock_.Now() + seconds(1);
  EXPECT_EQ(CreateOrDie(SessionOf(vera_), key).record.expires_at, clock_.Now() + seconds(1));
}

TEST_F(ApiKeyAdminTest, ANonAdminCannotCreateAKeyForAnotherUser) {
  ApiKeyAdmin::NewKey key = Named("for vera");
  key.user_id = vera_.id;
  auto created = admin_.Create(SessionOf(eddie_), request_, key);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kPermissionDenied);
  auto listed = store().ApiKeys().List(std::nullopt);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(ApiKeyAdminTest, AnAdminCreatesAKeyForAnotherUserWithinThatUsersRole) {
  ApiKeyAdmin::NewKey key = Named("for eddie");
  key.user_id = eddie_.id;
  const auto created = CreateOrDie(SessionOf(root_), key);
  EXPECT_EQ(created.record.user_id, eddie_.id);
  EXPECT_EQ(created.record.role, "editor");
  auto resolved = keys_.Resolve(created.key, "198.51.100.4");
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->owner.id, eddie_.id);

  key.role = "admin";
  ExpectInvalid(admin_.Create(SessionOf(root_), request_, key), "role");
}

TEST_F(ApiKeyAdminTest, AnAdminCannotCreateAKeyForAnUnknownOrDeactivatedUser) {
  ApiKeyAdmin::NewKey key = Named("nobody's");
  key.user_id = "no-such-id";
  ExpectInvalid(admin_.Create(SessionOf(root_), request_, key), "user_id");
  const auto ghost = AddUser("ghost", "viewer", test::kGoodPassword, false);
  key.user_id = ghost.id;
  ExpectInvalid(admin_.Create(SessionOf(root_), request_, key), "user_id");
}

// An admin's API key of a lower role does not carry the owner's admin rights.
TEST_F(ApiKeyAdminTest, AnAdminsViewerKeyIsNoAdminForOtherUsersKeys) {
  Principal viewer_key = SessionOf(root_);
  viewer_key.via = Principal::Via::kApiKey;
  viewer_key.key_role = Role::kViewer;
  ApiKeyAdmin::NewKey key = Named("for eddie");
  key.user_id = eddie_.id;
  auto created = admin_.Create(viewer_key, request_, key);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kPermissionDenied);
  auto listed = admin_.List(viewer_key, std::nullopt, true);
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code, ErrorCode::kPermissionDenied);
}

TEST_F(ApiKeyAdminTest, EveryoneListsTheirOwnKeysOnlyAdminsListOthers) {
  const auto mine = CreateOrDie(SessionOf(vera_), Named("vera's"));
  clock_.Advance(seconds(1));
  const auto theirs = CreateOrDie(SessionOf(eddie_), Named("eddie's"));

  auto own = admin_.List(SessionOf(vera_), std::nullopt, false);
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(Ids(*own), std::vector<std::string>{mine.record.id});
  auto own_by_id = admin_.List(SessionOf(vera_), vera_.id, false);
  ASSERT_TRUE(own_by_id.ok());
  EXPECT_EQ(Ids(*own_by_id), std::vector<std::string>{mine.record.id});

  auto all = admin_.List(SessionOf(vera_), std::nullopt, true);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.error().code, ErrorCode::kPermissionDenied);
  auto other = admin_.List(SessionOf(vera_), eddie_.id, false);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kPermissionDenied);

  auto everyone = admin_.List(SessionOf(root_), std::nullopt, true);
  ASSERT_TRUE(everyone.ok());
  EXPECT_EQ(Ids(*everyone), (std::vector<std::string>{theirs.record.id, mine.record.id}));
  for (const auto& key : *everyone) EXPECT_TRUE(key.key_hash.empty()) << key.id;
  auto eddies = admin_.List(SessionOf(root_), eddie_.id, false);
  ASSERT_TRUE(eddies.ok());
  EXPECT_EQ(Ids(*eddies), std::vector<std::string>{theirs.record.id});
  auto roots = admin_.List(SessionOf(root_), std::nullopt, false);
  ASSERT_TRUE(roots.ok());
  EXPECT_TRUE(roots->empty());
}

TEST_F(ApiKeyAdminTest, AKeyWorksUntilItsOwnerRevokesIt) {
  const auto created = CreateOrDie(SessionOf(vera_), Named("vera's"));
  EXPECT_TRUE(Works(created.key));
  clock_.Advance(seconds(5));
  ASSERT_TRUE(admin_.Revoke(SessionOf(vera_), request_, created.record.id).ok());
  EXPECT_FALSE(Works(created.key));
  auto stored = store().ApiKeys().FindById(created.record.id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->revoked_at, clock_.Now());
}

TEST_F(ApiKeyAdminTest, ANonAdminRevokingAnotherUsersKeyFindsNothing) {
  const auto created = CreateOrDie(SessionOf(eddie_), Named("eddie's"));
  const Status revoked = admin_.Revoke(SessionOf(vera_), request_, created.record.id);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(Works(created.key));
}

TEST_F(ApiKeyAdminTest, AnAdminRevokesAnotherUsersKey) {
  const auto created = CreateOrDie(SessionOf(eddie_), Named("eddie's"));
  ASSERT_TRUE(admin_.Revoke(SessionOf(root_), request_, created.record.id).ok());
  EXPECT_FALSE(Works(created.key));
}

TEST_F(ApiKeyAdminTest, RevokingAnUnknownKeyIsNotFound) {
  const Status revoked = admin_.Revoke(SessionOf(root_), request_, "no-such-key");
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().code, ErrorCode::kNotFound);
}

TEST_F(ApiKeyAdminTest, AuditEntriesNameThePrefixButNeverTheKey) {
  ApiKeyAdmin::NewKey key = Named("for eddie");
  key.user_id = eddie_.id;
  const auto created = CreateOrDie(SessionOf(root_), key);
  ASSERT_TRUE(admin_.Revoke(SessionOf(root_), request_, created.record.id).ok());

  const auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].action, "api_key.revoke");
  EXPECT_EQ(entries[1].action, "api_key.create");
  const std::string secret = created.key.substr(created.record.prefix.size() + 1);
  for (const auto& entry : entries) {
    EXPECT_EQ(entry.outcome, "success");
    EXPECT_EQ(entry.actor_id, root_.id);
    EXPECT_EQ(entry.target_type, "api_key");
    EXPECT_EQ(entry.target_id, created.record.id);
    EXPECT_EQ(entry.details.value("prefix", ""), created.record.prefix);
    EXPECT_EQ(entry.details.value("owner", ""), "eddie");
    const std::string text = test::AuditEntryJson(entry).dump();
    EXPECT_EQ(text.find(secret), std::string::npos) << text;
    EXPECT_EQ(text.find(Sha256Hex(created.key)), std::string::npos) << text;
  }
  EXPECT_FALSE(test::AnyFileContains(folder(), secret));
}

}  // namespace
}  // namespace batuta::auth
