#include "runs/backoff.h"

#include <gtest/gtest.h>

namespace batuta::runs {
namespace {

using std::chrono::milliseconds;

RetryPolicy Policy(bool jitter) {
  RetryPolicy policy;
  policy.count = 10;
  policy.initial_backoff = milliseconds(1000);
  policy.multiplier = 2.0;
  policy.max_backoff = milliseconds(10'000);
  policy.jitter = jitter;
  return policy;
}

TEST(BackoffTest, GrowsExponentiallyUpToTheCap) {
  const auto policy = Policy(false);
  EXPECT_EQ(RetryDelay(policy, 1, 0), milliseconds(1000));
  EXPECT_EQ(RetryDelay(policy, 2, 0), milliseconds(2000));
  EXPECT_EQ(RetryDelay(policy, 3, 0), milliseconds(4000));
  EXPECT_EQ(RetryDelay(policy, 5, 0), milliseconds(10'000));
  EXPECT_EQ(RetryDelay(policy, 1000, 0), milliseconds(10'000)) << "no overflow";
}

TEST(BackoffTest, JitterStaysWithinHalfAndFullDelay) {
  const auto policy = Policy(true);
  for (std::uint64_t random = 0; random < 5000; random += 7) {
    const auto delay = RetryDelay(policy, 2, random * 2654435761U);
    EXPECT_GE(delay, milliseconds(1000));
    EXPECT_LE(delay, milliseconds(2000));
  }
  EXPECT_NE(RetryDelay(policy, 2, 1), RetryDelay(policy, 2, 2)) << "the random value matters";
}

TEST(BackoffTest, ZeroBackoffRetriesAtOnce) {
  RetryPolicy policy;
  policy.initial_backoff = milliseconds(0);
  EXPECT_EQ(RetryDelay(policy, 3, 12345), milliseconds(0));
}

}  // namespace
}  // namespace batuta::runs
