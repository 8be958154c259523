#include "auth/api_key_service.h"

#include <gtest/gtest.h>

#include <regex>
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

class ApiKeyServiceTest : public test::AuthTest {
 protected:
  struct StoredKey {
    std::string id;
    std::string key;
  };
  StoredKey AddKey(const UserRecord& owner, std::string_view role,
                   std::optional<TimePoint> expires_at = std::nullopt) {
    const auto generated = ApiKeyService::Generate();
    ApiKeyRecord record;
    record.id = ids_.Next();
    record.prefix = generated.prefix;
    record.key_hash = generated.hash;
    record.user_id = owner.id;
    record.name = "test key";
    record.role = std::string(role);
    record.created_at = clock_.Now();
    record.expires_at = expires_at;
    const auto created = store().ApiKeys().Create(record);
    if (!created.ok()) throw std::runtime_error("cannot store a key: " + created.error().message);
    return {record.id, generated.key};
  }
  ApiKeyRecord StoredRecord(std::string_view id) {
    auto found = store().ApiKeys().FindById(id);
    if (!found.ok() || !found->has_value()) {
      ADD_FAILURE() << "no key with id " << id;
      return {};
    }
    return std::move(**found);
  }
  void ExpectRefused(std::string_view key) {
    auto resolved = keys_.Resolve(key, "198.51.100.4");
    ASSERT_FALSE(resolved.ok()) << "accepted " << key;
    EXPECT_EQ(resolved.error().code, ErrorCode::kUnauthenticated) << key;
    EXPECT_EQ(resolved.error().details.value("reason", ""), "invalid_api_key") << key;
  }

  IdGenerator ids_{clock_};
  ApiKeyService keys_{store(), clock_};
  UserRecord maria_ = AddUser("maria", "editor");
};

TEST(ApiKeyGenerateTest, AKeyIsSchemePrefixAndA256BitSecret) {
  const auto generated = ApiKeyService::Generate();
  EXPECT_TRUE(std::regex_match(generated.key, std::regex("btk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}")))
      << generated.key;
  EXPECT_EQ(generated.prefix, generated.key.substr(0, 12));
  EXPECT_TRUE(generated.prefix.starts_with(ApiKeyService::kScheme));
  EXPECT_EQ(generated.hash, Sha256Hex(generated.key));
}

TEST(ApiKeyGenerateTest, KeysAndPrefixesDiffer) {
  const auto first = ApiKeyService::Generate();
  const auto second = ApiKeyService::Generate();
  EXPECT_NE(first.key, second.key);
  EXPECT_NE(first.prefix, second.prefix);
}

TEST_F(ApiKeyServiceTest, AStoredKeyResolvesToItsRowAndOwner) {
  const auto stored = AddKey(maria_, "viewer");
  auto resolved = keys_.Resolve(stored.key, "198.51.100.4");
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->key.id, stored.id);
  EXPECT_EQ(resolved->key.role, "viewer");
  EXPECT_EQ(resolved->owner.id, maria_.id);
  EXPECT_EQ(resolved->owner.role, "editor");
}

TEST_F(ApiKeyServiceTest, OnlyTheHashOfTheKeyIsStored) {
  const auto stored = AddKey(maria_, "viewer");
  EXPECT_EQ(StoredRecord(stored.id).key_hash, Sha256Hex(stored.key));
  EXPECT_FALSE(test::AnyFileContains(folder(), stored.key));
  EXPECT_FALSE(test::AnyFileContains(folder(), stored.key.substr(13)));
}

TEST_F(ApiKeyServiceTest, AKeyDifferingOnlyInItsLastCharacterIsRefused) {
  const auto stored = AddKey(maria_, "viewer");
  std::string forged = stored.key;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  ExpectRefused(forged);
  // The last base64url character carries two padding bits: a lenient decoder reads this one
  // as the same bytes, so the key must be compared as text.
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  forged = stored.key;
  forged.back() = kAlphabet[kAlphabet.find(forged.back()) ^ 1];
  ExpectRefused(forged);
}

TEST_F(ApiKeyServiceTest, AKeyWithAnotherSecretOrPrefixIsRefused) {
  const auto stored = AddKey(maria_, "viewer");
  std::string forged = stored.key;
  forged[20] = forged[20] == 'x' ? 'y' : 'x';
  ExpectRefused(forged);
  forged = stored.key;
  forged[6] = forged[6] == 'x' ? 'y' : 'x';
  ExpectRefused(forged);
  ExpectRefused(ApiKeyService::Generate().key);
}

TEST_F(ApiKeyServiceTest, AKeyOfTheWrongShapeIsRefused) {
  const auto stored = AddKey(maria_, "viewer");
  ExpectRefused(stored.key + "x");
  ExpectRefused(stored.key.substr(0, stored.key.size() - 1));
  ExpectRefused("btx" + stored.key.substr(3));
  ExpectRefused("BTK" + stored.key.substr(3));
  std::string no_separator = stored.key;
  no_separator[12] = 'x';
  ExpectRefused(no_separator);
  ExpectRefused("");
  ExpectRefused(stored.key.substr(0, 12));
}

TEST_F(ApiKeyServiceTest, ARevokedKeyIsRefused) {
  const auto stored = AddKey(maria_, "viewer");
  ASSERT_TRUE(store().ApiKeys().Revoke(stored.id, clock_.Now()).ok());
  ExpectRefused(stored.key);
}

TEST_F(ApiKeyServiceTest, AKeyIsRefusedFromItsExpiry) {
  const auto stored = AddKey(maria_, "viewer", kStart + hours(1));
  clock_.Advance(hours(1) - milliseconds(1));
  EXPECT_TRUE(keys_.Resolve(stored.key, "198.51.100.4").ok());
  clock_.Advance(milliseconds(1));
  ExpectRefused(stored.key);
}

TEST_F(ApiKeyServiceTest, AKeyOfADeactivatedOwnerIsRefused) {
  const auto stored = AddKey(maria_, "viewer");
  UserChanges changes;
  changes.active = false;
  ASSERT_TRUE(store().Users().Update(maria_.id, changes, clock_.Now()).ok());
  ExpectRefused(stored.key);
}

TEST_F(ApiKeyServiceTest, TheFirstUseIsRecordedWithItsAddress) {
  const auto stored = AddKey(maria_, "viewer");
  auto resolved = keys_.Resolve(stored.key, "198.51.100.4");
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->key.last_used_at, kStart);
  const auto record = StoredRecord(stored.id);
  EXPECT_EQ(record.last_used_at, kStart);
  EXPECT_EQ(record.last_used_address, "198.51.100.4");
}

TEST_F(ApiKeyServiceTest, UseIsRecordedAtMostOnceAMinutePerKey) {
  const auto stored = AddKey(maria_, "viewer");
  ASSERT_TRUE(keys_.Resolve(stored.key, "198.51.100.4").ok());
  clock_.Advance(seconds(30));
  ASSERT_TRUE(keys_.Resolve(stored.key, "198.51.100.4").ok());
  ASSERT_TRUE(keys_.Resolve(stored.key, "203.0.113.9").ok());
  clock_.Advance(seconds(29));
  ASSERT_TRUE(keys_.Resolve(stored.key, "198.51.100.4").ok());
  auto record = StoredRecord(stored.id);
  EXPECT_EQ(record.last_used_at, kStart);
  EXPECT_EQ(record.last_used_address, "198.51.100.4");

  clock_.Advance(seconds(1));
  ASSERT_TRUE(keys_.Resolve(stored.key, "203.0.113.9").ok());
  record = StoredRecord(stored.id);
  EXPECT_EQ(record.last_used_at, kStart + seconds(60));
  EXPECT_EQ(record.last_used_address, "203.0.113.9");
}

TEST(ApiKeyPresentedTest, BearerAuthorizationIsReadWhateverTheSchemesCase) {
  for (const std::string_view scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
    const auto request =
        MakeRequest(http::Method::kGet, {{"Authorization", std::string(scheme) + " btk_abc_def"}});
    EXPECT_EQ(ApiKeyService::Presented(request), "btk_abc_def") << scheme;
  }
}

TEST(ApiKeyPresentedTest, XApiKeyIsRead) {
  EXPECT_EQ(ApiKeyService::Presented(MakeRequest(http::Method::kGet, {{"X-API-Key", "btk_k"}})),
            "btk_k");
  EXPECT_EQ(ApiKeyService::Presented(MakeRequest(http::Method::kGet, {{"x-api-key", "btk_k"}})),
            "btk_k");
}

TEST(ApiKeyPresentedTest, OtherCredentialsAreNotAKey) {
  EXPECT_EQ(ApiKeyService::Presented(MakeRequest()), std::nullopt);
  EXPECT_EQ(ApiKeyService::Presented(
                MakeRequest(http::Method::kGet, {{"Authorization", "Basic dXNlcjpwYXNz"}})),
            std::nullopt);
  EXPECT_EQ(
      ApiKeyService::Presented(MakeRequest(http::Method::kGet, {{"Authorization", "Bearer "}})),
      std::nullopt);
  EXPECT_EQ(
      ApiKeyService::Presented(MakeRequest(http::Method::kGet, {{"Authorization", "Bearerbtk_k"}})),
      std::nullopt);
  EXPECT_EQ(ApiKeyService::Presented(MakeRequest(http::Method::kGet, {{"Cookie", "btk=1"}})),
            std::nullopt);
}

}  // namespace
}  // namespace batuta::auth
