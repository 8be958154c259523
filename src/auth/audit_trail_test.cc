#include "auth/audit_trail.h"

#include <gtest/gtest.h>

#include "auth/auth_test_support.h"

namespace batuta::auth {
namespace {

using test::MakeRequest;

class AuditTrailTest : public test::AuthTest {
 protected:
  AuditTrail audit_{store(), clock_};
};

TEST_F(AuditTrailTest, RecordStoresEveryFieldAtTheClocksTime) {
  clock_.Advance(std::chrono::minutes(3));
  const Actor actor{"user", "u-1", "maria", "198.51.100.4"};
  ASSERT_TRUE(
      audit_.Record(actor, "user.update", "user", "u-2", "denied", {{"reason", "last_admin"}})
          .ok());
  const auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), 1U);
  const AuditEntry& entry = entries[0];
  EXPECT_EQ(entry.at, clock_.Now());
  EXPECT_EQ(entry.actor_kind, "user");
  EXPECT_EQ(entry.actor_id, "u-1");
  EXPECT_EQ(entry.actor_name, "maria");
  EXPECT_EQ(entry.remote_address, "198.51.100.4");
  EXPECT_EQ(entry.action, "user.update");
  EXPECT_EQ(entry.target_type, "user");
  EXPECT_EQ(entry.target_id, "u-2");
  EXPECT_EQ(entry.outcome, "denied");
  EXPECT_EQ(entry.details, nlohmann::json({{"reason", "last_admin"}}));
}

TEST_F(AuditTrailTest, EntriesKeepTheirOrder) {
  ASSERT_TRUE(audit_.Record(Actor::System("cli"), "a.first", "user", "1", "success").ok());
  ASSERT_TRUE(audit_.Record(Actor::System("cli"), "a.second", "user", "2", "success").ok());
  const auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].action, "a.second");
  EXPECT_EQ(entries[1].action, "a.first");
  EXPECT_GT(entries[0].seq, entries[1].seq);
}

TEST(ActorTest, ASessionPrincipalActsAsItsUser) {
  Principal principal;
  principal.user.id = "u-1";
  principal.user.username = "maria";
  const Actor actor = Actor::Of(principal, MakeRequest(http::Method::kPost, {}, "203.0.113.5"));
  EXPECT_EQ(actor.kind, "user");
  EXPECT_EQ(actor.id, "u-1");
  EXPECT_EQ(actor.name, "maria");
  EXPECT_EQ(actor.remote_address, "203.0.113.5");
}

TEST(ActorTest, AnApiKeyPrincipalIsNamedByItsOwnerAndPrefix) {
  Principal principal;
  principal.via = Principal::Via::kApiKey;
  principal.user.id = "u-1";
  principal.user.username = "maria";
  principal.api_key = ApiKeyRecord{};
  principal.api_key->prefix = "btk_k3x9a0qz";
  const Actor actor = Actor::Of(principal, MakeRequest());
  EXPECT_EQ(actor.kind, "api_key");
  EXPECT_EQ(actor.id, "u-1");
  EXPECT_EQ(actor.name, "maria (key btk_k3x9a0qz)");
}

TEST(ActorTest, SystemAndAnonymousActorsHaveNoId) {
  const Actor system = Actor::System("startup");
  EXPECT_EQ(system.kind, "system");
  EXPECT_EQ(system.id, std::nullopt);
  EXPECT_EQ(system.name, "startup");
  const Actor anonymous = Actor::Anonymous("who-knows", MakeRequest());
  EXPECT_EQ(anonymous.kind, "anonymous");
  EXPECT_EQ(anonymous.id, std::nullopt);
  EXPECT_EQ(anonymous.name, "who-knows");
  EXPECT_EQ(anonymous.remote_address, test::kAddress);
}

}  // namespace
}  // namespace batuta::auth
