#include "auth/login_throttle.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/auth_test_support.h"

namespace batuta::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

class LoginThrottleTest : public ::testing::Test {
 protected:
  // `count` failures for `account`, each from an address of its own (so only the account's
  // record grows).
  void FailAccount(std::string_view account, int count) {
    for (int i = 0; i < count; ++i) {
      throttle_.RecordFailure(account, "10.0.0." + std::to_string(next_address_++));
    }
  }
  // `count` failures from `address`, each for an account of its own.
  void FailAddress(std::string_view address, int count) {
    for (int i = 0; i < count; ++i) {
      throttle_.RecordFailure("user" + std::to_string(next_account_++), address);
    }
  }

  ManualClock clock_{test::kStart};
  LoginThrottle throttle_{clock_};
  int next_address_ = 1;
  int next_account_ = 1;
};

TEST_F(LoginThrottleTest, DefaultOptionsAreThreeAndTenFreeFailuresCappedAtOneAndFiveMinutes) {
  const LoginThrottleOptions options;
  EXPECT_EQ(options.free_failures_per_account, 3);
  EXPECT_EQ(options.free_failures_per_address, 10);
  EXPECT_EQ(options.first_delay, seconds(1));
  EXPECT_EQ(options.max_delay_per_account, seconds(60));
  EXPECT_EQ(options.max_delay_per_address, seconds(300));
}

TEST_F(LoginThrottleTest, NothingIsDelayedBeforeAnyFailure) {
  EXPECT_EQ(throttle_.RetryAfter("maria", "10.0.0.1"), std::nullopt);
}

TEST_F(LoginThrottleTest, TheFirstAccountFailuresAreFree) {
  FailAccount("maria", 3);
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), std::nullopt);
}

TEST_F(LoginThrottleTest, AccountDelaysDoubleAfterTheFreeFailures) {
  FailAccount("maria", 3);
  for (const int expected : {1, 2, 4, 8, 16, 32}) {
    FailAccount("maria", 1);
    EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), seconds(expected));
  }
}

TEST_F(LoginThrottleTest, AccountDelayIsCappedAtOneMinute) {
  FailAccount("maria", 3 + 6);
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), seconds(32));
  FailAccount("maria", 1);
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), seconds(60));
  FailAccount("maria", 50);
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), seconds(60));
}

TEST_F(LoginThrottleTest, TheFirstAddressFailuresAreFree) {
  FailAddress("203.0.113.7", 10);
  EXPECT_EQ(throttle_.RetryAfter("someone", "203.0.113.7"), std::nullopt);
}

TEST_F(LoginThrottleTest, AddressDelaysDoubleUpToFiveMinutes) {
  FailAddress("203.0.113.7", 10);
  for (const int expected : {1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300}) {
    FailAddress("203.0.113.7", 1);
    EXPECT_EQ(throttle_.RetryAfter("someone", "203.0.113.7"), seconds(expected));
  }
}

TEST_F(LoginThrottleTest, AnAddressDelayAppliesToEveryAccountFromThatAddressOnly) {
  FailAddress("203.0.113.7", 11);
  EXPECT_EQ(throttle_.RetryAfter("never-tried", "203.0.113.7"), seconds(1));
  EXPECT_EQ(throttle_.RetryAfter("never-tried", "203.0.113.8"), std::nullopt);
}

TEST_F(LoginThrottleTest, TheLongerOfAccountAndAddressDelaysWins) {
  FailAddress("203.0.113.7", 10 + 4);  // address: 8 s
  FailAccount("maria", 3 + 2);         // account: 2 s
  EXPECT_EQ(throttle_.RetryAfter("maria", "203.0.113.7"), seconds(8));
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), seconds(2));
}

TEST_F(LoginThrottleTest, RetryAfterRoundsUpToWholeSeconds) {
  FailAccount("maria", 3 + 2);  // 2 s
  clock_.Advance(milliseconds(300));
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), seconds(2));
  clock_.Advance(milliseconds(1000));
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), seconds(1));
  clock_.Advance(milliseconds(699));
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), seconds(1));
}

TEST_F(LoginThrottleTest, TheDelayEndsWhenItHasPassed) {
  FailAccount("maria", 3 + 3);  // 4 s
  clock_.Advance(seconds(4) - milliseconds(1));
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), seconds(1));
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), std::nullopt);
}

TEST_F(LoginThrottleTest, AFailureAfterTheDelayDoublesItAgain) {
  FailAccount("maria", 3 + 1);  // 1 s
  clock_.Advance(seconds(1));
  ASSERT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), std::nullopt);
  FailAccount("maria", 1);
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), seconds(2));
}

TEST_F(LoginThrottleTest, SuccessClearsTheAccountButNotTheAddress) {
  for (int i = 0; i < 11; ++i) throttle_.RecordFailure("maria", "203.0.113.7");
  ASSERT_NE(throttle_.RetryAfter("maria", "192.0.2.1"), std::nullopt);
  ASSERT_NE(throttle_.RetryAfter("someone", "203.0.113.7"), std::nullopt);

  throttle_.RecordSuccess("maria");
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), std::nullopt);
  EXPECT_EQ(throttle_.RetryAfter("maria", "203.0.113.7"), seconds(1));
  EXPECT_EQ(throttle_.RetryAfter("someone", "203.0.113.7"), seconds(1));
}

TEST_F(LoginThrottleTest, SuccessRestartsTheAccountCount) {
  FailAccount("maria", 3);
  throttle_.RecordSuccess("maria");
  FailAccount("maria", 3);
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), std::nullopt);
}

TEST_F(LoginThrottleTest, FailuresAreForgottenAfterForgetAfterWithoutFailure) {
  FailAccount("maria", 3 + 5);  // 16 s
  clock_.Advance(minutes(30));
  FailAccount("maria", 1);
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), std::nullopt);
  FailAccount("maria", 2);
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), std::nullopt);
  FailAccount("maria", 1);
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), seconds(1));
}

TEST_F(LoginThrottleTest, FailuresWithinForgetAfterKeepCounting) {
  FailAccount("maria", 3 + 1);  // 1 s
  clock_.Advance(minutes(29));
  FailAccount("maria", 1);
  EXPECT_EQ(throttle_.RetryAfter("maria", "192.0.2.1"), seconds(2));
}

TEST_F(LoginThrottleTest, AccountKeysIgnoreCase) {
  FailAccount("Maria.Souza", 2);
  FailAccount("MARIA.SOUZA", 2);
  EXPECT_EQ(throttle_.RetryAfter("maria.souza", "192.0.2.1"), seconds(1));
  throttle_.RecordSuccess("mAriA.sOuZa");
  EXPECT_EQ(throttle_.RetryAfter("Maria.Souza", "192.0.2.1"), std::nullopt);
}

TEST_F(LoginThrottleTest, AnAccountNamedLikeAnAddressIsNotThatAddress) {
  FailAccount("203.0.113.7", 20);
  EXPECT_EQ(throttle_.RetryAfter("maria", "203.0.113.7"), std::nullopt);
}

TEST(LoginThrottleOptionsTest, CustomOptionsAreHonoured) {
  ManualClock clock(test::kStart);
  LoginThrottleOptions options;
  options.free_failures_per_account = 0;
  options.first_delay = seconds(5);
  options.max_delay_per_account = seconds(12);
  LoginThrottle throttle(clock, options);
  throttle.RecordFailure("maria", "10.0.0.1");
  EXPECT_EQ(throttle.RetryAfter("maria", "10.0.0.2"), seconds(5));
  throttle.RecordFailure("maria", "10.0.0.3");
  EXPECT_EQ(throttle.RetryAfter("maria", "10.0.0.4"), seconds(10));
  throttle.RecordFailure("maria", "10.0.0.5");
  EXPECT_EQ(throttle.RetryAfter("maria", "10.0.0.6"), seconds(12));
}

}  // namespace
}  // namespace batuta::auth
