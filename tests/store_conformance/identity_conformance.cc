// Conformance of the identity repositories: users, sessions, API keys and the audit log.
#include <chrono>
#include <string>

#include "store_conformance/store_conformance.h"

namespace batuta::conformance {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const TimePoint kT0 = std::chrono::sys_days(std::chrono::year{2026} / 3 / 4) + hours(5);

UserRecord MakeUser(std::string id, std::string username, std::string role = "viewer") {
  UserRecord user;
  user.id = std::move(id);
  user.username = std::move(username);
  user.display_name = "Name of " + user.username;
  user.role = std::move(role);
  user.password_hash = "$argon2id$hash-of-" + user.username;
  user.created_at = kT0;
  user.updated_at = kT0;
  user.password_changed_at = kT0;
  return user;
}

SessionRecord MakeSession(std::string id_hash, std::string user_id) {
  return {std::move(id_hash), std::move(user_id), kT0, kT0, kT0 + hours(24), "127.0.0.1", "ua"};
}

ApiKeyRecord MakeKey(std::string id, std::string prefix, std::string user_id, TimePoint at) {
  ApiKeyRecord key;
  key.id = std::move(id);
  key.prefix = std::move(prefix);
  key.key_hash = "hash-" + key.prefix;
  key.user_id = std::move(user_id);
  key.name = "key " + key.id;
  key.role = "viewer";
  key.created_at = at;
  return key;
}

AuditEntry MakeEntry(std::string action, std::string actor, TimePoint at) {
  AuditEntry entry;
  entry.at = at;
  entry.actor_kind = "user";
  entry.actor_id = "id-" + actor;
  entry.actor_name = std::move(actor);
  entry.action = std::move(action);
  entry.target_type = "user";
  entry.target_id = "u1";
  entry.remote_address = "10.0.0.1";
  entry.outcome = "success";
  return entry;
}

TEST_P(IdentityConformanceTest, UsersAreFoundByIdAndCaseInsensitiveUsername) {
  auto& users = store_->Users();
  ASSERT_TRUE(users.Create(MakeUser("u1", "Maria.Silva", "admin")).ok());
  auto by_name = users.FindByUsername("maria.silva");
  ASSERT_TRUE(by_name.ok());
  ASSERT_TRUE(by_name->has_value());
  EXPECT_EQ((*by_name)->id, "u1");
  EXPECT_EQ((*by_name)->username, "Maria.Silva");
  EXPECT_EQ((*by_name)->role, "admin");
  EXPECT_TRUE((*by_name)->active);
  EXPECT_EQ((*by_name)->password_hash, "$argon2id$hash-of-Maria.Silva");
  EXPECT_EQ((*by_name)->created_at, kT0);
  EXPECT_FALSE((*by_name)->last_login_at.has_value());
  auto by_id = users.FindById("u1");
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ((*by_id)->username, "Maria.Silva");
  EXPECT_FALSE(users.FindById("nobody")->has_value());
  EXPECT_FALSE(users.FindByUsername("nobody")->has_value());
}

TEST_P(IdentityConformanceTest, AUsernameIsTakenWhateverItsCase) {
  auto& users = store_->Users();
  ASSERT_TRUE(users.Create(MakeUser("u1", "ana")).ok());
  const auto again = users.Create(MakeUser("u2", "ANA"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_NE(again.error().message.find("taken"), std::string::npos);
}

TEST_P(IdentityConformanceTest, ListsUsersByUsername) {
  auto& users = store_->Users();
  ASSERT_TRUE(users.Create(MakeUser("u1", "carla")).ok());
  ASSERT_TRUE(users.Create(MakeUser("u2", "Bruno")).ok());
  ASSERT_TRUE(users.Create(MakeUser("u3", "ana")).ok());
  auto listed = users.List();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].username, "ana");
  EXPECT_EQ((*listed)[1].username, "Bruno");
  EXPECT_EQ((*listed)[2].username, "carla");
}

TEST_P(IdentityConformanceTest, CreatesTheFirstUserOnlyOnce) {
  auto& users = store_->Users();
  auto first = users.CreateIfNoUsers(MakeUser("u1", "admin", "admin"));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  auto second = users.CreateIfNoUsers(MakeUser("u2", "other", "admin"));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  EXPECT_EQ(users.List()->size(), 1u);
}

TEST_P(IdentityConformanceTest, TheLastActiveAdminCanBeNeitherDemotedNorDeactivated) {
  auto& users = store_->Users();
  ASSERT_TRUE(users.Create(MakeUser("a1", "root", "admin")).ok());
  ASSERT_TRUE(users.Create(MakeUser("v1", "viewer")).ok());

  UserChanges demote;
  demote.role = "editor";
  auto demoted = users.Update("a1", demote, kT0 + hours(1));
  ASSERT_FALSE(demoted.ok());
  EXPECT_EQ(demoted.error().code, ErrorCode::kConflict);
  EXPECT_EQ(demoted.error().details["reason"], "last_admin");

  UserChanges deactivate;
  deactivate.active = false;
  auto deactivated = users.Update("a1", deactivate, kT0 + hours(1));
  ASSERT_FALSE(deactivated.ok());
  EXPECT_EQ(deactivated.error().code, ErrorCode::kConflict);
  auto unchanged = users.FindById("a1");
  EXPECT_EQ((*unchanged)->role, "admin");
  EXPECT_TRUE((*unchanged)->active);
  EXPECT_EQ((*unchanged)->updated_at, kT0);

  // With a second active admin, the first may go.
  UserChanges promote;
  promote.role = "admin";
  ASSERT_TRUE(users.Update("v1", promote, kT0 + hours(2)).ok());
  auto now_allowed = users.Update("a1", deactivate, kT0 + hours(3));
  ASSERT_TRUE(now_allowed.ok()) << now_allowed.error().message;
  EXPECT_FALSE(now_allowed->active);
  EXPECT_EQ(now_allowed->updated_at, kT0 + hours(3));
  // And now the other one is the last.
  EXPECT_EQ(users.Update("v1", demote, kT0 + hours(4)).error().code, ErrorCode::kConflict);
}

TEST_P(IdentityConformanceTest, UpdatingAnUnknownUserIsNotFound) {
  UserChanges changes;
  changes.display_name = "x";
  EXPECT_EQ(store_->Users().Update("nobody", changes, kT0).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Users().SetPassword("nobody", "h", kT0).error().code, ErrorCode::kNotFound);
}

TEST_P(IdentityConformanceTest, DeactivatingAUserEndsTheirSessions) {
  auto& users = store_->Users();
  ASSERT_TRUE(users.Create(MakeUser("a1", "root", "admin")).ok());
  ASSERT_TRUE(users.Create(MakeUser("u1", "ana")).ok());
  ASSERT_TRUE(store_->Sessions().Create(MakeSession("s-ana", "u1")).ok());
  ASSERT_TRUE(store_->Sessions().Create(MakeSession("s-root", "a1")).ok());
  UserChanges deactivate;
  deactivate.active = false;
  ASSERT_TRUE(users.Update("u1", deactivate, kT0).ok());
  EXPECT_FALSE(store_->Sessions().Find("s-ana")->has_value());
  EXPECT_TRUE(store_->Sessions().Find("s-root")->has_value());
}

TEST_P(IdentityConformanceTest, ANewPasswordEndsAllSessionsOfItsUser) {
  auto& users = store_->Users();
  ASSERT_TRUE(users.Create(MakeUser("u1", "ana")).ok());
  ASSERT_TRUE(users.Create(MakeUser("u2", "bia")).ok());
  ASSERT_TRUE(store_->Sessions().Create(MakeSession("s1", "u1")).ok());
  ASSERT_TRUE(store_->Sessions().Create(MakeSession("s2", "u1")).ok());
  ASSERT_TRUE(store_->Sessions().Create(MakeSession("s3", "u2")).ok());
  ASSERT_TRUE(users.SetPassword("u1", "new-hash", kT0 + hours(1)).ok());
  EXPECT_FALSE(store_->Sessions().Find("s1")->has_value());
  EXPECT_FALSE(store_->Sessions().Find("s2")->has_value());
  EXPECT_TRUE(store_->Sessions().Find("s3")->has_value());
  auto user = users.FindById("u1");
  EXPECT_EQ((*user)->password_hash, "new-hash");
  EXPECT_EQ((*user)->password_changed_at, kT0 + hours(1));
}

TEST_P(IdentityConformanceTest, ReplacingAHashOnlyWinsOverTheHashItRead) {
  auto& users = store_->Users();
  ASSERT_TRUE(users.Create(MakeUser("u1", "ana")).ok());
  ASSERT_TRUE(store_->Sessions().Create(MakeSession("s1", "u1")).ok());
  ASSERT_TRUE(users.ReplacePasswordHash("u1", "stale", "rehashed").ok());
  EXPECT_EQ((*users.FindById("u1"))->password_hash, "$argon2id$hash-of-ana");
  ASSERT_TRUE(users.ReplacePasswordHash("u1", "$argon2id$hash-of-ana", "rehashed").ok());
  EXPECT_EQ((*users.FindById("u1"))->password_hash, "rehashed");
  EXPECT_EQ((*users.FindById("u1"))->password_changed_at, kT0);
  EXPECT_TRUE(store_->Sessions().Find("s1")->has_value());
}

TEST_P(IdentityConformanceTest, RecordsTheLastLogin) {
  ASSERT_TRUE(store_->Users().Create(MakeUser("u1", "ana")).ok());
  ASSERT_TRUE(store_->Users().RecordLogin("u1", kT0 + minutes(5)).ok());
  EXPECT_EQ((*store_->Users().FindById("u1"))->last_login_at, kT0 + minutes(5));
}

TEST_P(IdentityConformanceTest, ASessionIsFoundWithItsUser) {
  ASSERT_TRUE(store_->Users().Create(MakeUser("u1", "ana", "editor")).ok());
  ASSERT_TRUE(store_->Sessions().Create(MakeSession("hash1", "u1")).ok());
  auto found = store_->Sessions().Find("hash1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->session.user_id, "u1");
  EXPECT_EQ((*found)->session.expires_at, kT0 + hours(24));
  EXPECT_EQ((*found)->session.remote_address, "127.0.0.1");
  EXPECT_EQ((*found)->user.username, "ana");
  EXPECT_EQ((*found)->user.role, "editor");
  EXPECT_FALSE(store_->Sessions().Find("other")->has_value());
  EXPECT_EQ(store_->Sessions().Create(MakeSession("hash1", "u1")).error().code,
            ErrorCode::kConflict);
}

TEST_P(IdentityConformanceTest, TouchOnlyMovesLastSeenForward) {
  ASSERT_TRUE(store_->Users().Create(MakeUser("u1", "ana")).ok());
  ASSERT_TRUE(store_->Sessions().Create(MakeSession("h", "u1")).ok());
  ASSERT_TRUE(store_->Sessions().Touch("h", kT0 + minutes(10)).ok());
  ASSERT_TRUE(store_->Sessions().Touch("h", kT0 + minutes(5)).ok());
  EXPECT_EQ((*store_->Sessions().Find("h"))->session.last_seen_at, kT0 + minutes(10));
}

TEST_P(IdentityConformanceTest, DeletesOneSessionOrTheExpiredOnes) {
  ASSERT_TRUE(store_->Users().Create(MakeUser("u1", "ana")).ok());
  auto& sessions = store_->Sessions();
  ASSERT_TRUE(sessions.Create(MakeSession("fresh", "u1")).ok());
  auto idle = MakeSession("idle", "u1");
  idle.last_seen_at = kT0 - hours(10);
  ASSERT_TRUE(sessions.Create(idle).ok());
  auto old = MakeSession("old", "u1");
  old.expires_at = kT0;
  ASSERT_TRUE(sessions.Create(old).ok());
  ASSERT_TRUE(sessions.Create(MakeSession("gone", "u1")).ok());

  EXPECT_TRUE(*sessions.Delete("gone"));
  EXPECT_FALSE(*sessions.Delete("gone"));
  auto expired = sessions.DeleteExpired(kT0, kT0 - hours(8));
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(*expired, 2);
  EXPECT_TRUE(sessions.Find("fresh")->has_value());
  EXPECT_FALSE(sessions.Find("idle")->has_value());
  EXPECT_FALSE(sessions.Find("old")->has_value());
}

TEST_P(IdentityConformanceTest, AnApiKeyIsFoundByPrefixWithItsOwner) {
  ASSERT_TRUE(store_->Users().Create(MakeUser("u1", "ana", "editor")).ok());
  auto key = MakeKey("k1", "btk_aaaa1111", "u1", kT0);
  key.datasets = std::vector<std::string>{"vendas", "clientes"};
  key.expires_at = kT0 + hours(48);
  ASSERT_TRUE(store_->ApiKeys().Create(key).ok());
  auto found = store_->ApiKeys().FindByPrefix("btk_aaaa1111");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->key.id, "k1");
  EXPECT_EQ((*found)->key.key_hash, "hash-btk_aaaa1111");
  EXPECT_EQ((*found)->key.username, "ana");
  EXPECT_EQ((*found)->key.datasets, (std::vector<std::string>{"vendas", "clientes"}));
  EXPECT_EQ((*found)->key.expires_at, kT0 + hours(48));
  EXPECT_FALSE((*found)->key.revoked_at.has_value());
  EXPECT_EQ((*found)->owner.role, "editor");
  EXPECT_FALSE(store_->ApiKeys().FindByPrefix("btk_aaaa1112")->has_value());
  auto by_id = store_->ApiKeys().FindById("k1");
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ((*by_id)->prefix, "btk_aaaa1111");
}

TEST_P(IdentityConformanceTest, ApiKeysNeedAUniquePrefixAndAnExistingUser) {
  ASSERT_TRUE(store_->Users().Create(MakeUser("u1", "ana")).ok());
  ASSERT_TRUE(store_->ApiKeys().Create(MakeKey("k1", "p1", "u1", kT0)).ok());
  EXPECT_EQ(store_->ApiKeys().Create(MakeKey("k2", "p1", "u1", kT0)).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(store_->ApiKeys().Create(MakeKey("k3", "p3", "nobody", kT0)).error().code,
            ErrorCode::kConflict);
  EXPECT_FALSE((*store_->ApiKeys().FindById("k1"))->datasets.has_value());
}

TEST_P(IdentityConformanceTest, ListsApiKeysNewestFirstPerUserOrAll) {
  ASSERT_TRUE(store_->Users().Create(MakeUser("u1", "ana")).ok());
  ASSERT_TRUE(store_->Users().Create(MakeUser("u2", "bia")).ok());
  ASSERT_TRUE(store_->ApiKeys().Create(MakeKey("k1", "p1", "u1", kT0)).ok());
  ASSERT_TRUE(store_->ApiKeys().Create(MakeKey("k2", "p2", "u2", kT0 + minutes(1))).ok());
  ASSERT_TRUE(store_->ApiKeys().Create(MakeKey("k3", "p3", "u1", kT0 + minutes(2))).ok());
  auto mine = store_->ApiKeys().List("u1");
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].id, "k3");
  EXPECT_EQ((*mine)[1].id, "k1");
  auto all = store_->ApiKeys().List(std::nullopt);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, "k3");
  EXPECT_EQ((*all)[1].username, "bia");
}

TEST_P(IdentityConformanceTest, RevokingKeepsTheFirstTimeAndUseIsRecorded) {
  ASSERT_TRUE(store_->Users().Create(MakeUser("u1", "ana")).ok());
  ASSERT_TRUE(store_->ApiKeys().Create(MakeKey("k1", "p1", "u1", kT0)).ok());
  ASSERT_TRUE(store_->ApiKeys().RecordUse("k1", kT0 + minutes(3), "10.1.2.3").ok());
  ASSERT_TRUE(store_->ApiKeys().Revoke("k1", kT0 + hours(1)).ok());
  ASSERT_TRUE(store_->ApiKeys().Revoke("k1", kT0 + hours(2)).ok());
  auto key = store_->ApiKeys().FindById("k1");
  EXPECT_EQ((*key)->revoked_at, kT0 + hours(1));
  EXPECT_EQ((*key)->last_used_at, kT0 + minutes(3));
  EXPECT_EQ((*key)->last_used_address, "10.1.2.3");
  EXPECT_EQ(store_->ApiKeys().Revoke("nope", kT0).error().code, ErrorCode::kNotFound);
}

TEST_P(IdentityConformanceTest, AuditEntriesComeBackNewestFirstWithEveryField) {
  auto& audit = store_->Audit();
  auto first = MakeEntry("auth.login", "ana", kT0);
  first.details = {{"method", "password"}};
  auto seq1 = audit.Append(first);
  auto seq2 = audit.Append(MakeEntry("user.create", "ana", kT0 + minutes(1)));
  ASSERT_TRUE(seq1.ok() && seq2.ok());
  EXPECT_GT(*seq2, *seq1);
  auto all = audit.List({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].action, "user.create");
  const auto& login = (*all)[1];
  EXPECT_EQ(login.seq, *seq1);
  EXPECT_EQ(login.at, kT0);
  EXPECT_EQ(login.actor_kind, "user");
  EXPECT_EQ(login.actor_id, "id-ana");
  EXPECT_EQ(login.actor_name, "ana");
  EXPECT_EQ(login.target_type, "user");
  EXPECT_EQ(login.target_id, "u1");
  EXPECT_EQ(login.remote_address, "10.0.0.1");
  EXPECT_EQ(login.outcome, "success");
  EXPECT_EQ(login.details, nlohmann::json({{"method", "password"}}));
}

TEST_P(IdentityConformanceTest, AuditFiltersAndPages) {
  auto& audit = store_->Audit();
  ASSERT_TRUE(audit.Append(MakeEntry("auth.login", "ana", kT0)).ok());
  auto failed = MakeEntry("auth.login_failed", "bia", kT0 + minutes(1));
  failed.outcome = "failure";
  failed.actor_id.reset();
  ASSERT_TRUE(audit.Append(failed).ok());
  ASSERT_TRUE(audit.Append(MakeEntry("user.create", "ana", kT0 + minutes(2))).ok());
  ASSERT_TRUE(audit.Append(MakeEntry("user.update", "ana", kT0 + minutes(3))).ok());
  ASSERT_TRUE(audit.Append(MakeEntry("userXcreate", "ana", kT0 + minutes(4))).ok());

  AuditFilter by_actor;
  by_actor.actor_name = "bia";
  auto bia = audit.List(by_actor);
  ASSERT_EQ(bia->size(), 1u);
  EXPECT_FALSE((*bia)[0].actor_id.has_value());

  AuditFilter by_prefix;
  by_prefix.action = "user.";
  EXPECT_EQ(audit.List(by_prefix)->size(), 2u);
  AuditFilter exact;
  exact.action = "auth.login";
  EXPECT_EQ(audit.List(exact)->size(), 1u);
  AuditFilter by_outcome;
  by_outcome.outcome = "failure";
  EXPECT_EQ(audit.List(by_outcome)->size(), 1u);

  AuditFilter window;
  window.from = kT0 + minutes(1);
  window.to = kT0 + minutes(3);
  auto in_window = audit.List(window);
  ASSERT_EQ(in_window->size(), 2u);
  EXPECT_EQ((*in_window)[0].action, "user.create");

  AuditFilter page;
  page.limit = 2;
  auto first_page = audit.List(page);
  ASSERT_EQ(first_page->size(), 2u);
  page.before_seq = first_page->back().seq;
  auto second_page = audit.List(page);
  ASSERT_EQ(second_page->size(), 2u);
  EXPECT_LT((*second_page)[0].seq, first_page->back().seq);
  page.before_seq = second_page->back().seq;
  EXPECT_EQ(audit.List(page)->size(), 1u);
}

}  // namespace

void IdentityConformanceTest::SetUp() {
  StoreConformanceTest::SetUp();
  store_ = OpenMigratedOrFail();
  ASSERT_NE(store_, nullptr);
}

}  // namespace batuta::conformance
