#include "auth/password_hasher.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

#include "auth/auth_test_support.h"

namespace batuta::auth {
namespace {

using test::CheapHashParams;

TEST(PasswordHasherTest, DefaultParamsAreAtLeastOwaspMinimum) {
  const PasswordHashParams params;
  EXPECT_GE(params.memory_bytes, std::size_t{19} << 20);
  EXPECT_GE(params.passes, 2U);
}

TEST(PasswordHasherTest, DefaultHashIsArgon2idWith19MiBAndTwoPasses) {
  PasswordHasher hasher;
  auto hash = hasher.Hash("violet harbor tuesday");
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << *hash;
}

TEST(PasswordHasherTest, VerifyAcceptsTheRightPasswordAndRefusesAWrongOne) {
  PasswordHasher hasher(CheapHashParams());
  auto hash = hasher.Hash("violet harbor tuesday");
  ASSERT_TRUE(hash.ok()) << hash.error().message;

  auto right = hasher.Verify(*hash, "violet harbor tuesday");
  ASSERT_TRUE(right.ok()) << right.error().message;
  EXPECT_TRUE(right->matches);
  EXPECT_FALSE(right->needs_rehash);

  for (const std::string_view wrong : {"violet harbor tuesdaY", "violet harbor tuesda", "", "x"}) {
    auto verdict = hasher.Verify(*hash, wrong);
    ASSERT_TRUE(verdict.ok()) << verdict.error().message;
    EXPECT_FALSE(verdict->matches) << wrong;
    EXPECT_FALSE(verdict->needs_rehash) << wrong;
  }
}

TEST(PasswordHasherTest, AnEmptyPasswordViewIsHashedAndVerifiedAsEmpty) {
  PasswordHasher hasher(CheapHashParams());
  auto hash = hasher.Hash(std::string_view());
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  auto verdict = hasher.Verify(*hash, "");
  ASSERT_TRUE(verdict.ok()) << verdict.error().message;
  EXPECT_TRUE(verdict->matches);
  auto other = hasher.Verify(*hash, std::string_view());
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_TRUE(other->matches);
}

TEST(PasswordHasherTest, HashesOfOnePasswordDifferBySalt) {
  PasswordHasher hasher(CheapHashParams());
  auto first = hasher.Hash("violet harbor tuesday");
  auto second = hasher.Hash("violet harbor tuesday");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(*first, *second);
  EXPECT_EQ(first->find("violet"), std::string::npos);
}

TEST(PasswordHasherTest, ACheaperHashVerifiesAndNeedsRehashUnderTheDefaults) {
  PasswordHasher cheap(CheapHashParams());
  auto hash = cheap.Hash("violet harbor tuesday");
  ASSERT_TRUE(hash.ok()) << hash.error().message;

  PasswordHasher defaults;
  auto verdict = defaults.Verify(*hash, "violet harbor tuesday");
  ASSERT_TRUE(verdict.ok()) << verdict.error().message;
  EXPECT_TRUE(verdict->matches);
  EXPECT_TRUE(verdict->needs_rehash);
}

TEST(PasswordHasherTest, AWrongPasswordNeverAsksForARehash) {
  PasswordHasher cheap(CheapHashParams());
  auto hash = cheap.Hash("violet harbor tuesday");
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  PasswordHasher other({2, crypto_pwhash_argon2id_MEMLIMIT_MIN});
  auto verdict = other.Verify(*hash, "wrong password here");
  ASSERT_TRUE(verdict.ok()) << verdict.error().message;
  EXPECT_FALSE(verdict->matches);
  EXPECT_FALSE(verdict->needs_rehash);
}

TEST(PasswordHasherTest, AnArgon2iHashVerifiesAndIsRehashedToArgon2id) {
  // Same cost as the hasher's own, so only the algorithm differs.
  const PasswordHashParams params{crypto_pwhash_argon2i_OPSLIMIT_MIN,
                                  crypto_pwhash_argon2i_MEMLIMIT_MIN};
  std::string argon2i(crypto_pwhash_STRBYTES, '\0');
  const std::string_view password = "violet harbor tuesday";
  ASSERT_EQ(crypto_pwhash_str_alg(argon2i.data(), password.data(), password.size(), params.passes,
                                  params.memory_bytes, crypto_pwhash_ALG_ARGON2I13),
            0);
  argon2i.resize(argon2i.find('\0'));
  ASSERT_TRUE(argon2i.starts_with("$argon2i$")) << argon2i;

  PasswordHasher hasher(params);
  auto verdict = hasher.Verify(argon2i, password);
  ASSERT_TRUE(verdict.ok()) << verdict.error().message;
  EXPECT_TRUE(verdict->matches);
  EXPECT_TRUE(verdict->needs_rehash);
}

TEST(PasswordHasherTest, ANonArgon2StringIsInvalidArgument) {
  PasswordHasher hasher(CheapHashParams());
  for (const std::string& hash :
       {std::string(), std::string("violet harbor tuesday"),
        std::string("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"),
        std::string("5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"),
        "$argon2id$v=19$m=8,t=1,p=1$" + std::string(200, 'A')}) {
    auto verdict = hasher.Verify(hash, "violet harbor tuesday");
    ASSERT_FALSE(verdict.ok()) << hash;
    EXPECT_EQ(verdict.error().code, ErrorCode::kInvalidArgument) << hash;
  }
}

TEST(PasswordHasherTest, VerifyNothingNeverMatches) {
  PasswordHasher hasher(CheapHashParams());
  for (const std::string_view password : {"", "violet harbor tuesday"}) {
    auto verdict = hasher.VerifyNothing(password);
    ASSERT_TRUE(verdict.ok()) << verdict.error().message;
    EXPECT_FALSE(verdict->matches);
    EXPECT_FALSE(verdict->needs_rehash);
  }
}

TEST(PasswordHasherTest, WhenEverySlotIsHeldEveryCallFailsAtOnceAsUnavailable) {
  PasswordHasher hasher(CheapHashParams(), 2);
  auto hash = hasher.Hash("violet harbor tuesday");
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  {
    const PasswordHasherTestPeer busy(hasher, 2);
    auto hashed = hasher.Hash("violet harbor tuesday");
    ASSERT_FALSE(hashed.ok());
    EXPECT_EQ(hashed.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(hashed.error().details.value("retry_after_seconds", 0), 1);

    auto verified = hasher.Verify(*hash, "violet harbor tuesday");
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.error().code, ErrorCode::kUnavailable);

    auto nothing = hasher.VerifyNothing("violet harbor tuesday");
    ASSERT_FALSE(nothing.ok());
    EXPECT_EQ(nothing.error().code, ErrorCode::kUnavailable);
  }
  auto verified = hasher.Verify(*hash, "violet harbor tuesday");
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_TRUE(verified->matches);
}

TEST(PasswordHasherTest, AFreeSlotIsEnough) {
  PasswordHasher hasher(CheapHashParams(), 2);
  const PasswordHasherTestPeer busy(hasher, 1);
  auto hash = hasher.Hash("violet harbor tuesday");
  EXPECT_TRUE(hash.ok()) << hash.error().message;
}

TEST(PasswordHasherTest, MaxParallelBelowOneMeansOne) {
  PasswordHasher hasher(CheapHashParams(), 0);
  auto free = hasher.Hash("violet harbor tuesday");
  EXPECT_TRUE(free.ok()) << free.error().message;
  const PasswordHasherTestPeer busy(hasher, 1);
  auto hash = hasher.Hash("violet harbor tuesday");
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.error().code, ErrorCode::kUnavailable);
}

TEST(PasswordHasherTest, ParamsAreTheOnesGiven) {
  const PasswordHasher hasher(CheapHashParams());
  EXPECT_EQ(hasher.params().passes, CheapHashParams().passes);
  EXPECT_EQ(hasher.params().memory_bytes, CheapHashParams().memory_bytes);
}

}  // namespace
}  // namespace batuta::auth
