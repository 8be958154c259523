#include "runs/cancel_token.h"

#include <gtest/gtest.h>

#include <thread>

namespace batuta::runs {
namespace {

TEST(CancelTokenTest, FirstReasonWinsAndCallbacksRunOnce) {
  CancelToken token;
  int calls = 0;
  token.OnCancel([&] { ++calls; });
  EXPECT_FALSE(token.Cancelled());
  token.Cancel(CancelReason::kTimeout);
  token.Cancel(CancelReason::kCancelled);
  EXPECT_EQ(token.Reason(), CancelReason::kTimeout);
  EXPECT_EQ(calls, 1);
  token.OnCancel([&] { ++calls; });
  EXPECT_EQ(calls, 2) << "a late callback runs at once";
}

TEST(CancelTokenTest, WaitForReturnsWhenCancelledFromAnotherThread) {
  CancelToken token;
  std::thread canceller([&] { token.Cancel(CancelReason::kShutdown); });
  EXPECT_TRUE(token.WaitFor(std::chrono::seconds(30)));
  canceller.join();
}

TEST(CancelTokenTest, WaitForTimesOutWhenNotCancelled) {
  CancelToken token;
  EXPECT_FALSE(token.WaitFor(std::chrono::milliseconds(1)));
}

}  // namespace
}  // namespace batuta::runs
