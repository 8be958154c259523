#include "logs/log_hub.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace batuta::logs {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kTimeout = seconds(30);  // generous: only reached when something is broken

// An in-memory RunLogRepository that can fail, report failure after storing, and block.
class FakeRunLogRepository : public RunLogRepository {
 public:
  Status Append(std::string_view run_id, const std::vector<LogLine>& lines) override {
    std::unique_lock lock(mutex_);
    ++append_calls_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return !blocked_; });
    if (fail_appends_ > 0) {
      --fail_appends_;
      return Error::Unavailable("store down");
    }
    std::map<std::int64_t, LogLine>& stored = runs_[std::string(run_id)];
    for (const LogLine& line : lines) {
      if (!stored.emplace(line.seq, line).second) ++duplicates_;
    }
    batch_sizes_.push_back(lines.size());
    cv_.notify_all();
    if (fail_after_storing_ > 0) {
      --fail_after_storing_;
      return Error::Unavailable("lost the reply");
    }
    return Ok();
  }

  Result<std::vector<LogLine>> ListAfter(std::string_view run_id, std::int64_t after_seq,
                                         int limit) override {
    std::lock_guard lock(mutex_);
    ++list_calls_;
    if (fail_lists_ > 0) {
      --fail_lists_;
      return Error::Unavailable("store down");
    }
    std::vector<LogLine> out;
    const auto run = runs_.find(std::string(run_id));
    if (run == runs_.end()) return out;
    for (auto it = run->second.upper_bound(after_seq);
         it != run->second.end() && static_cast<int>(out.size()) < limit; ++it) {
      out.push_back(it->second);
    }
    return out;
  }

  void FailAppends(int n) {
    std::lock_guard lock(mutex_);
    fail_appends_ = n;
  }
  void FailAfterStoring(int n) {
    std::lock_guard lock(mutex_);
    fail_after_storing_ = n;
  }
  void FailLists(int n) {
    std::lock_guard lock(mutex_);
    fail_lists_ = n;
  }
  void Block() {
    std::lock_guard lock(mutex_);
    blocked_ = true;
  }
  void Unblock() {
    std::lock_guard lock(mutex_);
    blocked_ = false;
    cv_.notify_all();
  }
  bool WaitForAppendCalls(int n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, kTimeout, [&] { return append_calls_ >= n; });
  }
  bool WaitForLines(const std::string& run_id, std::size_t n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, kTimeout, [&] { return runs_[run_id].size() >= n; });
  }
  std::vector<LogLine> Lines(const std::string& run_id) {
    std::lock_guard lock(mutex_);
    std::vector<LogLine> out;
    for (const auto& [seq, line] : runs_[run_id]) out.push_back(line);
    return out;
  }
  std::vector<std::size_t> BatchSizes() {
    std::lock_guard lock(mutex_);
    return batch_sizes_;
  }
  int duplicates() {
    std::lock_guard lock(mutex_);
    return duplicates_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, std::map<std::int64_t, LogLine>> runs_;
  std::vector<std::size_t> batch_sizes_;
  int append_calls_ = 0;
  int list_calls_ = 0;
  int fail_appends_ = 0;
  int fail_after_storing_ = 0;
  int fail_lists_ = 0;
  int duplicates_ = 0;
  bool blocked_ = false;
};

// Records everything it is given; hooks let a test block or unsubscribe inside a callback.
class RecordingSubscriber : public LogSubscriber {
 public:
  void OnLine(const LogLine& line) override {
    if (on_line) on_line(line);
    std::lock_guard lock(mutex_);
    seqs_.push_back(line.seq);
    messages_.push_back(line.message);
    events_.push_back("line " + std::to_string(line.seq));
    cv_.notify_all();
  }
  void OnStatus(const nlohmann::json& status) override {
    std::lock_guard lock(mutex_);
    events_.push_back("status " + status.dump());
    cv_.notify_all();
  }
  void OnEnd(const nlohmann::json& final_status) override {
    std::lock_guard lock(mutex_);
    events_.push_back("end " + final_status.dump());
    ++ends_;
    cv_.notify_all();
  }
  void OnDropped() override {
    std::lock_guard lock(mutex_);
    events_.emplace_back("dropped");
    ++drops_;
    cv_.notify_all();
  }
  bool Alive() const override { return alive.load(); }

  bool WaitForLines(std::size_t n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, kTimeout, [&] { return seqs_.size() >= n; });
  }
  bool WaitForEnd() {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, kTimeout, [&] { return ends_ + drops_ > 0; });
  }
  std::vector<std::int64_t> seqs() {
    std::lock_guard lock(mutex_);
    return seqs_;
  }
  std::vector<std::string> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  std::vector<std::string> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  int ends() {
    std::lock_guard lock(mutex_);
    return ends_;
  }
  int drops() {
    std::lock_guard lock(mutex_);
    return drops_;
  }

  std::function<void(const LogLine&)> on_line;  // set before subscribing
  std::atomic<bool> alive{true};

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::int64_t> seqs_;
  std::vector<std::string> messages_;
  std::vector<std::string> events_;
  int ends_ = 0;
  int drops_ = 0;
};

std::vector<std::int64_t> Range(std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> out;
  for (std::int64_t s = first; s <= last; ++s) out.push_back(s);
  return out;
}

// Background flushing off unless a test turns it on, so tests decide when lines are stored.
LogHubOptions QuietOptions() {
  LogHubOptions options;
  options.flush_interval = std::chrono::hours(1);
  options.flush_max_lines = 1'000'000;
  options.retry_interval = milliseconds(1);
  return options;
}

class LogHubTest : public ::testing::Test {
 protected:
  std::unique_ptr<LogHub> MakeHub(LogHubOptions options = QuietOptions()) {
    return std::make_unique<LogHub>(repository_, masker_, clock_, options);
  }
  static std::int64_t WriteOk(LogHub& hub, const std::string& run, const std::string& message) {
    Result<std::int64_t> seq = hub.Write(run, "info", message);
    EXPECT_TRUE(seq.ok());
    return seq.ok() ? *seq : -1;
  }
  static LogSubscription SubscribeOk(LogHub& hub, const std::string& run, std::int64_t after,
                                     const std::shared_ptr<RecordingSubscriber>& subscriber,
                                     std::optional<nlohmann::json> finished = std::nullopt) {
    Result<LogSubscription> subscription =
        hub.Subscribe(run, after, subscriber, std::move(finished));
    EXPECT_TRUE(subscription.ok());
    return subscription.ok() ? std::move(subscription).value() : LogSubscription();
  }

  FakeRunLogRepository repository_;
  SecretMasker masker_;
  ManualClock clock_{TimePoint(seconds(1'800'000'000))};
};

TEST_F(LogHubTest, NumbersLinesPerRunWithoutGapsAndStampsThem) {
  auto hub = MakeHub();
  EXPECT_EQ(WriteOk(*hub, "run-a", "a1"), 1);
  EXPECT_EQ(WriteOk(*hub, "run-b", "b1"), 1);
  clock_.Advance(milliseconds(5));
  EXPECT_EQ(WriteOk(*hub, "run-a", "a2"), 2);
  EXPECT_EQ(WriteOk(*hub, "run-a", "a3"), 3);
  ASSERT_TRUE(hub->Flush().ok());
  const std::vector<LogLine> a = repository_.Lines("run-a");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].message, "a1");
  EXPECT_EQ(a[0].level, "info");
  EXPECT_EQ(a[0].at, TimePoint(seconds(1'800'000'000)));
  EXPECT_EQ(a[1].at, TimePoint(seconds(1'800'000'000)) + milliseconds(5));
  EXPECT_EQ(repository_.Lines("run-b").size(), 1u);
}

TEST_F(LogHubTest, OpenContinuesAfterTheStoredSeqAndClosedRunsRejectWrites) {
  auto hub = MakeHub();
  ASSERT_TRUE(hub->Open("run-a", 41).ok());
  EXPECT_EQ(WriteOk(*hub, "run-a", "continued"), 42);
  EXPECT_EQ(hub->Open("run-a", 0).error().code, ErrorCode::kConflict);
  WriteOk(*hub, "run-b", "x");
  EXPECT_EQ(hub->Open("run-b", 5).error().code, ErrorCode::kConflict);
  hub->Close("run-a", {{"status", "succeeded"}});
  EXPECT_EQ(hub->Write("run-a", "info", "late").error().code, ErrorCode::kConflict);
}

TEST_F(LogHubTest, ConcurrentWritersGetDistinctContiguousSeqs) {
  auto hub = MakeHub();
  std::vector<std::thread> writers;
  writers.reserve(4);
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&hub] {
      for (int i = 0; i < 250; ++i) ASSERT_TRUE(hub->Write("run", "info", "x").ok());
    });
  }
  for (std::thread& writer : writers) writer.join();
  ASSERT_TRUE(hub->Flush().ok());
  std::vector<std::int64_t> seqs;
  for (const LogLine& line : repository_.Lines("run")) seqs.push_back(line.seq);
  EXPECT_EQ(seqs, Range(1, 1000));
}

TEST_F(LogHubTest, MasksBeforeTheStoreAndBeforeSubscribers) {
  ASSERT_TRUE(masker_.Register("hunter2"));
  ASSERT_TRUE(masker_.RegisterForRun("run", "run-token"));
  auto hub = MakeHub();
  auto subscriber = std::make_shared<RecordingSubscriber>();
  LogSubscription subscription = SubscribeOk(*hub, "run", 0, subscriber);
  WriteOk(*hub, "run", "password=hunter2 token=run-token");
  WriteOk(*hub, "other", "token=run-token");
  hub->PublishStatus("run", {{"error", "bad hunter2"}});
  hub->Close("run", {{"error", "still hunter2"}});
  ASSERT_TRUE(subscriber->WaitForEnd());
  EXPECT_EQ(subscriber->messages(), std::vector<std::string>{"password=**** token=****"});
  EXPECT_EQ(subscriber->events(),
            (std::vector<std::string>{"line 1", R"(status {"error":"bad ****"})",
                                      R"(end {"error":"still ****"})"}));
  ASSERT_TRUE(hub->Flush().ok());
  EXPECT_EQ(repository_.Lines("run").at(0).message, "password=**** token=****");
  EXPECT_EQ(repository_.Lines("other").at(0).message, "token=run-token");
}

TEST_F(LogHubTest, FlushWritesEverythingPendingInBatches) {
  LogHubOptions options = QuietOptions();
  options.max_batch_lines = 3;
  auto hub = MakeHub(options);
  for (int i = 0; i < 10; ++i) WriteOk(*hub, "run", "line");
  EXPECT_EQ(hub->Stats().pending_lines, 10u);
  EXPECT_TRUE(repository_.Lines("run").empty());  // nothing stored before a flush
  ASSERT_TRUE(hub->Flush().ok());
  EXPECT_EQ(repository_.Lines("run").size(), 10u);
  EXPECT_EQ(repository_.BatchSizes(), (std::vector<std::size_t>{3, 3, 3, 1}));
  EXPECT_EQ(hub->Stats().pending_lines, 0u);
  ASSERT_TRUE(hub->Flush().ok());  // nothing pending: no store call
  EXPECT_EQ(repository_.BatchSizes().size(), 4u);
}

TEST_F(LogHubTest, BackgroundFlushWhenEnoughLinesArePending) {
  LogHubOptions options = QuietOptions();
  options.flush_max_lines = 5;
  auto hub = MakeHub(options);
  for (int i = 0; i < 5; ++i) WriteOk(*hub, "run", "line");
  ASSERT_TRUE(repository_.WaitForLines("run", 5));
}

TEST_F(LogHubTest, BackgroundFlushAfterTheInterval) {
  LogHubOptions options = QuietOptions();
  options.flush_interval = milliseconds(5);
  auto hub = MakeHub(options);
  WriteOk(*hub, "run", "alone");
  ASSERT_TRUE(repository_.WaitForLines("run", 1));
}

TEST_F(LogHubTest, FailedFlushKeepsLinesForTheNextAttempt) {
  auto hub = MakeHub();
  WriteOk(*hub, "run", "one");
  WriteOk(*hub, "run", "two");
  repository_.FailAppends(1);
  const Status failed = hub->Flush();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(hub->Stats().pending_lines, 2u);
  EXPECT_EQ(hub->Stats().failed_appends, 1u);
  ASSERT_TRUE(hub->Flush().ok());
  EXPECT_EQ(repository_.Lines("run").size(), 2u);
  EXPECT_EQ(repository_.duplicates(), 0);
}

TEST_F(LogHubTest, BackgroundRetriesWithoutLossOrDoubles) {
  LogHubOptions options = QuietOptions();
  options.flush_max_lines = 1;
  options.max_batch_lines = 4;
  auto hub = MakeHub(options);
  repository_.FailAppends(3);
  repository_.FailAfterStoring(2);  // stored, but the hub is told it failed: written again
  std::vector<std::thread> writers;
  writers.reserve(3);
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&hub] {
      for (int i = 0; i < 30; ++i) ASSERT_TRUE(hub->Write("run", "info", "x").ok());
    });
  }
  for (std::thread& writer : writers) writer.join();
  ASSERT_TRUE(repository_.WaitForLines("run", 90));
  std::vector<std::int64_t> seqs;
  for (const LogLine& line : repository_.Lines("run")) seqs.push_back(line.seq);
  EXPECT_EQ(seqs, Range(1, 90));
  EXPECT_GE(hub->Stats().failed_appends, 5u);
  ASSERT_TRUE(hub->Flush().ok());
  EXPECT_EQ(hub->Stats().pending_lines, 0u);
}

TEST_F(LogHubTest, SubscribeFromStartGetsStoredPendingAndLiveLines) {
  auto hub = MakeHub();
  for (int i = 0; i < 5; ++i) WriteOk(*hub, "run", "stored");
  ASSERT_TRUE(hub->Flush().ok());
  for (int i = 0; i < 3; ++i) WriteOk(*hub, "run", "pending");
  auto subscriber = std::make_shared<RecordingSubscriber>();
  LogSubscription subscription = SubscribeOk(*hub, "run", 0, subscriber);
  EXPECT_EQ(subscriber->seqs(), Range(1, 8));  // history is delivered before Subscribe returns
  WriteOk(*hub, "run", "live");
  WriteOk(*hub, "run", "live");
  ASSERT_TRUE(subscriber->WaitForLines(10));
  EXPECT_EQ(subscriber->seqs(), Range(1, 10));
  EXPECT_EQ(subscriber->messages()[8], "live");
}

TEST_F(LogHubTest, SubscribeFromTheMiddleResumesAfterLastEventId) {
  LogHubOptions options = QuietOptions();
  options.history_page_size = 2;  // history spans several pages
  auto hub = MakeHub(options);
  for (int i = 0; i < 7; ++i) WriteOk(*hub, "run", "stored");
  ASSERT_TRUE(hub->Flush().ok());
  WriteOk(*hub, "run", "pending");
  auto subscriber = std::make_shared<RecordingSubscriber>();
  LogSubscription subscription = SubscribeOk(*hub, "run", 3, subscriber);
  EXPECT_EQ(subscriber->seqs(), Range(4, 8));
  WriteOk(*hub, "run", "live");
  ASSERT_TRUE(subscriber->WaitForLines(6));
  EXPECT_EQ(subscriber->seqs(), Range(4, 9));
}

TEST_F(LogHubTest, SubscribeAfterCloseGetsHistoryThenTheFinalEvent) {
  auto hub = MakeHub();
  for (int i = 0; i < 3; ++i) WriteOk(*hub, "run", "line");
  repository_.Block();  // Close wakes the flusher; keep the lines in memory meanwhile
  hub->Close("run", {{"status", "succeeded"}});
  ASSERT_TRUE(repository_.WaitForAppendCalls(1));
  auto early = std::make_shared<RecordingSubscriber>();
  LogSubscription subscription = SubscribeOk(*hub, "run", 1, early);  // lines not yet stored
  EXPECT_EQ(early->events(),
            (std::vector<std::string>{"line 2", "line 3", R"(end {"status":"succeeded"})"}));

  repository_.Unblock();
  ASSERT_TRUE(hub->Flush().ok());
  EXPECT_EQ(hub->Stats().runs, 0u);  // closed, stored, nobody listening: released
  auto late = std::make_shared<RecordingSubscriber>();
  subscription = SubscribeOk(*hub, "run", 0, late, nlohmann::json{{"status", "succeeded"}});
  EXPECT_EQ(late->events(), (std::vector<std::string>{"line 1", "line 2", "line 3",
                                                      R"(end {"status":"succeeded"})"}));
  EXPECT_EQ(hub->Stats().runs, 0u);

  // Without the caller's status, the hub still remembers how the released run ended ...
  auto unhinted = std::make_shared<RecordingSubscriber>();
  subscription = SubscribeOk(*hub, "run", 2, unhinted);
  EXPECT_EQ(unhinted->events(),
            (std::vector<std::string>{"line 3", R"(end {"status":"succeeded"})"}));
  // ... and does not number it again from 1.
  EXPECT_EQ(hub->Write("run", "info", "late").error().code, ErrorCode::kConflict);
  EXPECT_EQ(hub->Open("run", 3).error().code, ErrorCode::kConflict);
  EXPECT_EQ(hub->Stats().runs, 0u);
}

TEST_F(LogHubTest, LiveEventsKeepTheirOrder) {
  auto hub = MakeHub();
  auto subscriber = std::make_shared<RecordingSubscriber>();
  LogSubscription subscription = SubscribeOk(*hub, "run", 0, subscriber);  // before the run
  WriteOk(*hub, "run", "one");
  hub->PublishStatus("run", {{"progress", 50}});
  WriteOk(*hub, "run", "two");
  hub->Close("run", {{"status", "failed"}});
  ASSERT_TRUE(subscriber->WaitForEnd());
  EXPECT_EQ(subscriber->events(),
            (std::vector<std::string>{"line 1", R"(status {"progress":50})", "line 2",
                                      R"(end {"status":"failed"})"}));
}

TEST_F(LogHubTest, ReleasesRunStateWhenClosedAndTheLastSubscriberLeaves) {
  auto hub = MakeHub();
  WriteOk(*hub, "quiet", "x");
  repository_.Block();
  hub->Close("quiet", {});  // wakes the flusher, which now waits in Append
  ASSERT_TRUE(repository_.WaitForAppendCalls(1));
  EXPECT_EQ(hub->Stats().runs, 1u);  // a line is still to be stored
  repository_.Unblock();
  ASSERT_TRUE(hub->Flush().ok());
  EXPECT_EQ(hub->Stats().runs, 0u);

  auto subscriber = std::make_shared<RecordingSubscriber>();
  LogSubscription subscription = SubscribeOk(*hub, "watched", 0, subscriber);
  WriteOk(*hub, "watched", "x");
  ASSERT_TRUE(hub->Flush().ok());
  hub->Close("watched", {});
  ASSERT_TRUE(subscriber->WaitForEnd());
  subscription.Reset();
  EXPECT_EQ(hub->Stats().runs, 0u);
  EXPECT_EQ(hub->Stats().subscribers, 0u);

  hub->Close("never-wrote", {{"status", "cancelled"}});
  auto late = std::make_shared<RecordingSubscriber>();
  subscription = SubscribeOk(*hub, "never-wrote", 0, late);
  EXPECT_EQ(late->events(), std::vector<std::string>{R"(end {"status":"cancelled"})"});
  EXPECT_EQ(hub->Stats().runs, 0u);
}

TEST_F(LogHubTest, HistoryReadFailureIsReturnedAndUnregisters) {
  auto hub = MakeHub();
  WriteOk(*hub, "run", "x");
  repository_.FailLists(1);
  auto subscriber = std::make_shared<RecordingSubscriber>();
  Result<LogSubscription> subscription = hub->Subscribe("run", 0, subscriber);
  ASSERT_FALSE(subscription.ok());
  EXPECT_EQ(subscription.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(hub->Stats().subscribers, 0u);
  WriteOk(*hub, "run", "y");
  ASSERT_TRUE(hub->Flush().ok());
  EXPECT_TRUE(subscriber->events().empty());
}

// Subscribers join at random moments while two writers write and the flusher stores lines
// in small batches, so history reads race with flushing and live lines. Every subscriber
// must see exactly after+1 .. N, once each, in order.
TEST_F(LogHubTest, HistoryAndLiveLinesRaceWithoutGapOrDuplicate) {
  LogHubOptions options = QuietOptions();
  options.flush_max_lines = 3;
  options.max_batch_lines = 5;
  options.history_page_size = 4;
  auto hub = MakeHub(options);
  constexpr int kLines = 2000;
  constexpr int kSubscribers = 16;
  std::vector<std::shared_ptr<RecordingSubscriber>> subscribers;
  subscribers.reserve(kSubscribers);
  std::vector<std::int64_t> after(kSubscribers);
  for (int i = 0; i < kSubscribers; ++i) {
    subscribers.push_back(std::make_shared<RecordingSubscriber>());
  }
  std::vector<LogSubscription> subscriptions(kSubscribers);
  std::atomic<int> written{0};
  std::vector<std::thread> threads;
  threads.reserve(2 + kSubscribers);
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&] {
      for (int i = 0; i < kLines / 2; ++i) {
        ASSERT_TRUE(hub->Write("run", "info", "line").ok());
        written.fetch_add(1);
      }
    });
  }
  for (int s = 0; s < kSubscribers; ++s) {
    threads.emplace_back([&, s] {
      std::mt19937 rng(static_cast<unsigned>(s));
      // Join once the writers are a random way in; resume from 0 or from a random seq.
      const int wait_for = std::uniform_int_distribution<int>(0, kLines - 1)(rng);
      while (written.load() < wait_for) std::this_thread::yield();
      after[s] = (s % 2 == 0) ? 0 : std::uniform_int_distribution<int>(0, wait_for)(rng);
      Result<LogSubscription> subscription = hub->Subscribe("run", after[s], subscribers[s]);
      ASSERT_TRUE(subscription.ok());
      subscriptions[s] = std::move(subscription).value();
    });
  }
  for (std::thread& thread : threads) thread.join();
  hub->Close("run", {{"status", "succeeded"}});
  for (int s = 0; s < kSubscribers; ++s) {
    ASSERT_TRUE(subscribers[s]->WaitForEnd());
    EXPECT_EQ(subscribers[s]->ends(), 1) << s;
    EXPECT_EQ(subscribers[s]->seqs(), Range(after[s] + 1, kLines)) << "subscriber " << s;
  }
  ASSERT_TRUE(hub->Flush().ok());
  EXPECT_EQ(repository_.Lines("run").size(), static_cast<std::size_t>(kLines));
}

TEST_F(LogHubTest, SlowSubscriberIsDroppedWithoutSlowingWritersOrOthers) {
  LogHubOptions options = QuietOptions();
  options.subscriber_max_events = 50;
  options.fanout_threads = 2;
  auto hub = MakeHub(options);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> stuck;
  auto slow = std::make_shared<RecordingSubscriber>();
  slow->on_line = [&stuck, released, first = true](const LogLine&) mutable {
    if (!first) return;
    first = false;
    stuck.set_value();
    released.wait();  // a sink breaking the contract: blocks a fan-out thread
  };
  auto fast = std::make_shared<RecordingSubscriber>();
  LogSubscription slow_subscription = SubscribeOk(*hub, "run", 0, slow);
  LogSubscription fast_subscription = SubscribeOk(*hub, "run", 0, fast);
  WriteOk(*hub, "run", "first");
  ASSERT_EQ(stuck.get_future().wait_for(kTimeout), std::future_status::ready);
  // In steps the fast subscriber keeps up with; `slow` falls further behind with each.
  for (int step = 0; step < 10; ++step) {
    for (int i = 0; i < 20; ++i) WriteOk(*hub, "run", "more");  // never waits for `slow`
    ASSERT_TRUE(fast->WaitForLines(static_cast<std::size_t>(21 + 20 * step)));
  }
  ASSERT_TRUE(fast->WaitForLines(201));
  EXPECT_EQ(fast->seqs(), Range(1, 201));
  EXPECT_EQ(hub->Stats().dropped_subscribers, 1u);
  EXPECT_EQ(hub->Stats().subscribers, 1u);
  release.set_value();
  ASSERT_TRUE(slow->WaitForEnd());
  EXPECT_EQ(slow->drops(), 1);
  EXPECT_EQ(slow->seqs(), std::vector<std::int64_t>{1});  // nothing after it fell behind
  EXPECT_EQ(fast->drops(), 0);
}

TEST_F(LogHubTest, SubscriberThatIsNoLongerAliveIsDropped) {
  auto hub = MakeHub();
  auto subscriber = std::make_shared<RecordingSubscriber>();
  LogSubscription subscription = SubscribeOk(*hub, "run", 0, subscriber);
  WriteOk(*hub, "run", "one");
  ASSERT_TRUE(subscriber->WaitForLines(1));
  subscriber->alive = false;
  WriteOk(*hub, "run", "two");
  ASSERT_TRUE(subscriber->WaitForEnd());
  EXPECT_EQ(subscriber->drops(), 1);
  EXPECT_EQ(subscriber->seqs(), std::vector<std::int64_t>{1});
}

TEST_F(LogHubTest, UnsubscribeFromInsideACallbackStopsDelivery) {
  auto hub = MakeHub();
  auto subscriber = std::make_shared<RecordingSubscriber>();
  LogSubscription subscription;
  subscriber->on_line = [&subscription](const LogLine& line) {
    if (line.seq == 3) subscription.Reset();
  };
  auto witness = std::make_shared<RecordingSubscriber>();
  LogSubscription witness_subscription = SubscribeOk(*hub, "run", 0, witness);
  subscription = SubscribeOk(*hub, "run", 0, subscriber);
  for (int i = 0; i < 10; ++i) WriteOk(*hub, "run", "x");
  hub->Close("run", {});
  ASSERT_TRUE(witness->WaitForEnd());
  EXPECT_EQ(subscriber->seqs(), Range(1, 3));  // line 3's callback was the last
  EXPECT_TRUE(subscriber->events().size() == 3u);
}

TEST_F(LogHubTest, UnsubscribeFromAnotherThreadWaitsForTheCallbackInProgress) {
  auto hub = MakeHub();
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> in_callback{false};
  auto subscriber = std::make_shared<RecordingSubscriber>();
  subscriber->on_line = [&, released](const LogLine& line) {
    if (line.seq != 1) return;
    in_callback = true;
    entered.set_value();
    released.wait();
    in_callback = false;
  };
  auto witness = std::make_shared<RecordingSubscriber>();
  LogSubscription witness_subscription = SubscribeOk(*hub, "run", 0, witness);
  LogSubscription subscription = SubscribeOk(*hub, "run", 0, subscriber);
  WriteOk(*hub, "run", "one");
  ASSERT_EQ(entered.get_future().wait_for(kTimeout), std::future_status::ready);
  std::future<void> reset = std::async(std::launch::async, [&] {
    subscription.Reset();
    EXPECT_FALSE(in_callback.load());  // Reset returned only after the callback did
  });
  release.set_value();
  ASSERT_EQ(reset.wait_for(kTimeout), std::future_status::ready);
  reset.get();
  const std::size_t seen = subscriber->seqs().size();
  for (int i = 0; i < 5; ++i) WriteOk(*hub, "run", "after");
  ASSERT_TRUE(witness->WaitForLines(6));
  EXPECT_EQ(subscriber->seqs().size(), seen);
  EXPECT_LE(seen, 1u);
}

TEST_F(LogHubTest, SlowStoreDelaysNeitherWritersNorSubscribers) {
  LogHubOptions options = QuietOptions();
  options.flush_max_lines = 1;
  auto hub = MakeHub(options);
  repository_.Block();
  WriteOk(*hub, "run", "one");
  ASSERT_TRUE(repository_.WaitForAppendCalls(1));  // the flusher is stuck in Append
  for (int i = 0; i < 4; ++i) WriteOk(*hub, "run", "more");
  auto subscriber = std::make_shared<RecordingSubscriber>();
  LogSubscription subscription = SubscribeOk(*hub, "run", 0, subscriber);
  EXPECT_EQ(subscriber->seqs(), Range(1, 5));  // from memory: the store has none yet
  WriteOk(*hub, "run", "live");
  ASSERT_TRUE(subscriber->WaitForLines(6));
  repository_.Unblock();
  ASSERT_TRUE(repository_.WaitForLines("run", 6));
}

TEST_F(LogHubTest, ShutdownFlushesAndEndsSubscribers) {
  auto hub = MakeHub();
  auto subscriber = std::make_shared<RecordingSubscriber>();
  LogSubscription subscription = SubscribeOk(*hub, "run", 0, subscriber);
  for (int i = 0; i < 10; ++i) WriteOk(*hub, "run", "x");
  ASSERT_TRUE(hub->Shutdown().ok());
  EXPECT_EQ(repository_.Lines("run").size(), 10u);
  EXPECT_EQ(subscriber->drops(), 1);
  EXPECT_EQ(hub->Write("run", "info", "late").error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(hub->Subscribe("run", 0, subscriber).error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(hub->Shutdown().ok());  // idempotent
  hub.reset();
  subscription.Reset();  // outliving the hub is fine
}

TEST_F(LogHubTest, DestructorFlushes) {
  {
    auto hub = MakeHub();
    for (int i = 0; i < 3; ++i) WriteOk(*hub, "run", "x");
  }
  EXPECT_EQ(repository_.Lines("run").size(), 3u);
}

// 1,000 subscribers on one run at 200 lines/s: every one gets every line, quickly.
TEST_F(LogHubTest, FansOutToManySubscribersQuickly) {
  LogHubOptions options = QuietOptions();
  options.flush_interval = milliseconds(100);
  auto hub = MakeHub(options);
  constexpr int kSubscribers = 1000;
  constexpr int kLines = 200;
  using Steady = std::chrono::steady_clock;
  std::vector<Steady::time_point> written_at(kLines + 1);
  std::mutex latencies_mutex;
  std::vector<Steady::duration> latencies;
  latencies.reserve(static_cast<std::size_t>(kSubscribers) * kLines);
  std::atomic<int> delivered{0};
  std::mutex done_mutex;
  std::condition_variable done_cv;

  class TimingSubscriber : public LogSubscriber {
   public:
    explicit TimingSubscriber(std::function<void(const LogLine&)> on_line)
        : on_line_(std::move(on_line)) {}
    void OnLine(const LogLine& line) override { on_line_(line); }
    void OnStatus(const nlohmann::json&) override {}
    void OnEnd(const nlohmann::json&) override {}
    void OnDropped() override { dropped = true; }
    bool Alive() const override { return true; }
    std::atomic<bool> dropped{false};

   private:
    std::function<void(const LogLine&)> on_line_;
  };

  std::vector<std::shared_ptr<TimingSubscriber>> sinks;
  std::vector<LogSubscription> subscriptions;
  std::mutex written_mutex;
  for (int i = 0; i < kSubscribers; ++i) {
    sinks.push_back(std::make_shared<TimingSubscriber>([&](const LogLine& line) {
      const Steady::time_point now = Steady::now();
      Steady::time_point sent;
      {
        std::lock_guard lock(written_mutex);
        sent = written_at[static_cast<std::size_t>(line.seq)];
      }
      {
        std::lock_guard lock(latencies_mutex);
        latencies.push_back(now - sent);
      }
      if (delivered.fetch_add(1) + 1 == kSubscribers * kLines) {
        std::lock_guard lock(done_mutex);
        done_cv.notify_all();
      }
    }));
    Result<LogSubscription> subscription = hub->Subscribe("run", 0, sinks.back());
    ASSERT_TRUE(subscription.ok());
    subscriptions.push_back(std::move(subscription).value());
  }
  const Steady::time_point start = Steady::now();
  for (int i = 1; i <= kLines; ++i) {
    std::this_thread::sleep_until(start + i * milliseconds(5));  // pacing the writer: 200/s
    {
      std::lock_guard lock(written_mutex);
      written_at[static_cast<std::size_t>(i)] = Steady::now();
    }
    ASSERT_TRUE(hub->Write("run", "info", "a typical log line of some length").ok());
  }
  {
    std::unique_lock lock(done_mutex);
    ASSERT_TRUE(done_cv.wait_for(lock, kTimeout,
                                 [&] { return delivered.load() == kSubscribers * kLines; }));
  }
  for (const auto& sink : sinks) EXPECT_FALSE(sink->dropped.load());
  std::lock_guard lock(latencies_mutex);
  std::sort(latencies.begin(), latencies.end());
  const auto p99 = latencies[latencies.size() * 99 / 100];
  const auto p99_ms = std::chrono::duration<double, std::milli>(p99).count();
  RecordProperty("p99_ms", std::to_string(p99_ms));
  std::printf("fan-out p99 delivery latency: %.2f ms\n", p99_ms);
#if defined(__SANITIZE_THREAD__)
  EXPECT_LT(p99_ms, 1000.0);  // ThreadSanitizer slows every synchronisation down
#else
  EXPECT_LT(p99_ms, 50.0);
#endif
}

}  // namespace
}  // namespace batuta::logs
