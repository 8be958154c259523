#include "runners/util_wait.h"

#include <gtest/gtest.h>

#include <thread>

#include "runners/fake_run_context.h"

namespace batuta::runners {
namespace {

TEST(UtilWaitTest, WaitsAndReportsProgress) {
  ManualClock clock{TimePoint{}};
  UtilWait wait;
  testing::FakeContext context(clock, {{"seconds", 0.03}, {"log_every_seconds", 0.01}});
  const auto outcome = wait.Run(context);
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  EXPECT_EQ(outcome.result["waited_ms"], 30);
  ASSERT_FALSE(context.progress.empty());
  EXPECT_EQ(context.progress.back()["waited_ms"], 30);
}

TEST(UtilWaitTest, TheSecondsParameterOverridesTheConfig) {
  ManualClock clock{TimePoint{}};
  UtilWait wait;
  testing::FakeContext context(clock, {{"seconds", 3600}}, {{"seconds", 0}});
  EXPECT_TRUE(wait.Run(context).succeeded);
}

TEST(UtilWaitTest, ReturnsAtOnceWhenCancelled) {
  ManualClock clock{TimePoint{}};
  UtilWait wait;
  testing::FakeContext context(clock, {{"seconds", 3600}});
  std::thread canceller([&] { context.token().Cancel(runs::CancelReason::kCancelled); });
  EXPECT_FALSE(wait.Run(context).succeeded);
  canceller.join();
}

TEST(UtilWaitTest, ConfigIsValidated) {
  UtilWait wait;
  EXPECT_TRUE(wait.ValidateConfig({{"seconds", 1.5}}).ok());
  EXPECT_EQ(wait.ValidateConfig({{"seconds", -1}}).error().details["field"], "config.seconds");
  EXPECT_EQ(wait.ValidateConfig({{"seconds", "ten"}}).error().details["field"], "config.seconds");
  EXPECT_EQ(wait.ValidateConfig({{"minutes", 1}}).error().details["field"], "config.minutes");
}

}  // namespace
}  // namespace batuta::runners
