// The engine end to end: the real binary runs `util.wait` jobs, and a client sees through the
// API their live log over Server-Sent Events (resumed with Last-Event-ID), cancellation,
// timeouts, and recovery after the server is killed with SIGKILL in the middle of 200 runs.
//
// The server is a separate process, so these tests cannot wait on its conditions: they poll
// its API every kPollInterval under an overall deadline, which bounds every test.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "api_auth.h"
#include "batuta_process.h"
#include "http_client.h"
#include "sse_client.h"

namespace batuta::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view kAdminPassword = "correct-horse-battery-staple-42";
// Between two polls of the server's state: short, and always under an overall deadline.
constexpr milliseconds kPollInterval{20};

bool IsTerminal(const json& run) {
  const std::string status = run.at("status");
  return status == "succeeded" || status == "failed" || status == "timed_out" ||
         status == "cancelled";
}

bool Contains(const json& value, std::string_view needle) {
  return value.is_string() && value.get<std::string>().find(needle) != std::string::npos;
}

long long MillisecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start).count();
}

// Reads a stream until its `end` event (included), the end of its body or the deadline.
std::vector<SseMessage> ReadUntilEnd(SseClient& stream, SteadyClock::time_point deadline) {
  std::vector<SseMessage> events;
  while (auto event = stream.Next(deadline)) {
    events.push_back(std::move(*event));
    if (events.back().event == "end") break;
  }
  return events;
}

// A batuta server (restartable on the same data folder) and an admin API key to call it with.
class EngineE2eTest : public ::testing::Test {
 protected:
  // Starts the server; the first start also signs in as admin and mints the key, which
  // lives in the store and so survives restarts.
  void Start(const std::vector<std::string>& extra_args = {}) {
    std::vector<std::string> args{"--access-log", "false"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    server_ = std::make_unique<BatutaServer>(
        dir_.path() / "data", args,
        std::vector<std::string>{"BATUTA_ADMIN_PASSWORD=" + std::string(kAdminPassword)});
    if (key_.empty()) {
      key_ = CreateApiKey(port(), SignIn(port(), "admin", kAdminPassword), "engine e2e", "admin");
    }
  }

  std::uint16_t port() const { return server_->port(); }
  std::string KeyHeader() const { return "X-API-Key: " + key_; }

  HttpReply Call(std::string_view method, const std::string& target, const json& body = nullptr) {
    std::vector<std::string> headers{KeyHeader()};
    if (!body.is_null()) headers.push_back(kJsonContentType);
    return Request(port(), method, target, body.is_null() ? "" : body.dump(), headers);
  }

  // The parsed reply; throws (failing the test) when the status is not `expected`.
  json CallJson(std::string_view method, const std::string& target, int expected,
                const json& body = nullptr) {
    const auto reply = Call(method, target, body);
    if (reply.status != expected) {
      throw std::runtime_error(std::string(method) + " " + target + " answered " +
                               std::to_string(reply.status) + ", not " + std::to_string(expected) +
                               ": " + reply.body);
    }
    return json::parse(reply.body);
  }

  std::string CreateJob(const json& definition) {
    return CallJson("POST", "/api/v1/jobs", 201, definition).at("id");
  }

  json Trigger(const std::string& job_id) {
    return CallJson("POST", "/api/v1/jobs/" + job_id + "/runs", 201, json::object());
  }

  json GetRun(const std::string& run_id) { return CallJson("GET", "/api/v1/runs/" + run_id, 200); }

  // Polls the run until `done` holds; throws with its last state when `timeout` passes first.
  json WaitForRun(const std::string& run_id, const std::function<bool(const json&)>& done,
                  milliseconds timeout, std::string_view what) {
    const auto deadline = SteadyClock::now() + timeout;
    while (true) {
      json run = GetRun(run_id);
      if (done(run)) return run;
      if (SteadyClock::now() >= deadline) {
        throw std::runtime_error("run " + run_id + " is not " + std::string(what) + " after " +
                                 std::to_string(timeout.count()) + " ms: " + run.dump());
      }
      std::this_thread::sleep_for(kPollInterval);
    }
  }

  // Polls until `done` holds; throws naming `what` when `timeout` passes first.
  void WaitUntil(const std::function<bool()>& done, milliseconds timeout, std::string_view what) {
    const auto deadline = SteadyClock::now() + timeout;
    while (!done()) {
      if (SteadyClock::now() >= deadline) {
        throw std::runtime_error("not " + std::string(what) + " after " +
                                 std::to_string(timeout.count()) + " ms; server log:\n" +
                                 server_->Stderr());
      }
      std::this_thread::sleep_for(kPollInterval);
    }
  }

  // Every run matching `query` (e.g. "job_id=x&status=queued"), newest first, read page by
  // page with the `before` cursor.
  std::vector<json> ListRuns(const std::string& query) {
    std::vector<json> runs;
    std::string cursor;
    while (true) {
      std::string target = "/api/v1/runs?limit=500";
      if (!query.empty()) target += "&" + query;
      if (!cursor.empty()) target += "&before=" + cursor;
      const json page = CallJson("GET", target, 200);
      for (const auto& run : page.at("runs")) runs.push_back(run);
      if (page.at("next_cursor").is_null()) return runs;
      cursor = page.at("next_cursor");
    }
  }

  // True when at least one run matches `query`.
  bool AnyRun(const std::string& query) {
    return !CallJson("GET", "/api/v1/runs?limit=1&" + query, 200).at("runs").empty();
  }

  TempDir dir_;
  std::unique_ptr<BatutaServer> server_;  // destroyed (SIGKILL if still running) before dir_
  std::string key_;
};

TEST_F(EngineE2eTest, TheLiveLogStreamsEveryLineOnceThenEndsAndResumesAfterLastEventId) {
  Start();
  const std::string job = CreateJob({{"name", "wait"},
                                     {"type", "util.wait"},
                                     {"config", {{"seconds", 1}, {"log_every_seconds", 0.1}}}});
  const std::string id = Trigger(job).at("id");
  const std::string events_path = "/api/v1/runs/" + id + "/events";

  SseClient live(port(), events_path, {KeyHeader()});
  ASSERT_EQ(live.reply().status, 200) << live.reply().body;
  EXPECT_EQ(live.reply().Header("Content-Type").value_or("").rfind("text/event-stream", 0), 0u);
  const auto events = ReadUntilEnd(live, SteadyClock::now() + seconds(30));
  ASSERT_GE(events.size(), 2u);

  // First the run as it is now, last the finished run.
  EXPECT_EQ(events.front().event, "status");
  const json first = json::parse(events.front().data);
  EXPECT_EQ(first.at("type"), "status");
  EXPECT_EQ(first.at("run").at("id"), id);
  ASSERT_EQ(events.back().event, "end") << "the stream stopped before its end event";
  const json end = json::parse(events.back().data);
  EXPECT_EQ(end.at("type"), "end");
  EXPECT_EQ(end.at("run").at("id"), id);
  EXPECT_EQ(end.at("run").at("status"), "succeeded") << end.dump();
  // After `end` the body ends and the server closes the connection.
  EXPECT_FALSE(live.Next(SteadyClock::now() + seconds(5)).has_value());
  EXPECT_TRUE(live.ended());
  EXPECT_TRUE(live.WaitForClose(seconds(5)));

  // In between: every line once, numbered 1, 2, 3 ... with the SSE id equal to its seq; and
  // the job's progress as it goes.
  std::vector<json> lines;
  std::vector<json> progress;
  for (std::size_t i = 1; i + 1 < events.size(); ++i) {
    const SseMessage& event = events[i];
    const json data = json::parse(event.data);
    if (event.event == "log") {
      EXPECT_EQ(event.id, std::to_string(data.at("seq").get<long long>()));
      lines.push_back(data);
    } else if (event.event == "status") {
      EXPECT_TRUE(event.id.empty()) << "status events are not resumable, so carry no id";
      if (data.at("type") == "progress") progress.push_back(data.at("progress"));
      if (data.at("type") == "status") {
        EXPECT_EQ(data.at("run").at("id"), id);
      }
    } else {
      ADD_FAILURE() << "unexpected event '" << event.event << "': " << event.data;
    }
  }
  // "started on", "waiting 1.0 s", nine "x s of 1.0 s", "done waiting", "succeeded in".
  ASSERT_GE(lines.size(), 12u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(lines[i].at("seq"), i + 1) << "a line missing, repeated or out of order";
  }
  EXPECT_TRUE(Contains(lines.front().at("message"), "started on")) << lines.front();
  EXPECT_TRUE(Contains(lines[1].at("message"), "waiting 1.0 s")) << lines[1];
  EXPECT_TRUE(Contains(lines[lines.size() - 2].at("message"), "done waiting"));
  EXPECT_TRUE(Contains(lines.back().at("message"), "succeeded in")) << lines.back();
  ASSERT_FALSE(progress.empty()) << "no progress event in 1 s of waiting";
  EXPECT_EQ(progress.back().at("waited_ms"), 1000);
  EXPECT_EQ(progress.back().at("of_ms"), 1000);
  const std::size_t n = lines.size();

  // Reconnecting after line k gives exactly lines k+1..n, then the end.
  const std::size_t k = n / 2;
  for (const bool by_header : {true, false}) {
    SCOPED_TRACE(by_header ? "Last-Event-ID" : "?after=");
    SseClient resumed(
        port(), by_header ? events_path : events_path + "?after=" + std::to_string(k),
        by_header ? std::vector<std::string>{KeyHeader(), "Last-Event-ID: " + std::to_string(k)}
                  : std::vector<std::string>{KeyHeader()});
    ASSERT_EQ(resumed.reply().status, 200) << resumed.reply().body;
    const auto again = ReadUntilEnd(resumed, SteadyClock::now() + seconds(10));
    ASSERT_EQ(again.size(), 1 + (n - k) + 1);
    EXPECT_EQ(again.front().event, "status");
    EXPECT_EQ(json::parse(again.front().data).at("run").at("status"), "succeeded");
    for (std::size_t i = 0; i < n - k; ++i) {
      const SseMessage& event = again[1 + i];
      ASSERT_EQ(event.event, "log") << event.data;
      EXPECT_EQ(event.id, std::to_string(k + 1 + i));
      EXPECT_EQ(json::parse(event.data), lines[k + i]);
    }
    EXPECT_EQ(again.back().event, "end");
    EXPECT_EQ(json::parse(again.back().data).at("run").at("status"), "succeeded");
    EXPECT_TRUE(resumed.WaitForClose(seconds(5)));
  }

  // The stored log holds the same n lines. Lines reach the store through the hub's flusher,
  // which a closing run only prompts, so a read right after `end` may briefly see fewer.
  json page;
  WaitUntil(
      [&] {
        page = CallJson("GET", "/api/v1/runs/" + id + "/logs", 200);
        return page.at("lines").size() >= n;
      },
      seconds(5), "all lines stored");
  ASSERT_EQ(page.at("lines").size(), n) << page.dump();
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(page.at("lines")[i], lines[i]);
  EXPECT_TRUE(page.at("next_after").is_null());
  EXPECT_EQ(GetRun(id).at("log_lines"), n);
}

TEST_F(EngineE2eTest, TheEventStreamRefusesUnknownRunsBadResumePointsAndAnonymousCallers) {
  Start();
  SseClient unknown(port(), "/api/v1/runs/no-such-run/events", {KeyHeader()});
  EXPECT_EQ(unknown.reply().status, 404);
  EXPECT_EQ(unknown.reply().Header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(json::parse(unknown.reply().body).at("error").at("code"), "not_found");

  SseClient anonymous(port(), "/api/v1/runs/no-such-run/events");
  EXPECT_EQ(anonymous.reply().status, 401);
  EXPECT_EQ(anonymous.reply().Header("Content-Type").value_or(""), "application/json");

  const std::string job =
      CreateJob({{"name", "quick"}, {"type", "util.wait"}, {"config", {{"seconds", 0}}}});
  const std::string id = Trigger(job).at("id");
  SseClient bad_resume(port(), "/api/v1/runs/" + id + "/events",
                       {KeyHeader(), "Last-Event-ID: three"});
  EXPECT_EQ(bad_resume.reply().status, 400);
  EXPECT_EQ(json::parse(bad_resume.reply().body).at("error").at("details").at("field"),
            "Last-Event-ID");
  SseClient anonymous_known(port(), "/api/v1/runs/" + id + "/events");
  EXPECT_EQ(anonymous_known.reply().status, 401);
}

TEST_F(EngineE2eTest, ARunningRunCancelledThroughTheApiEndsCancelledAtOnce) {
  Start();
  const std::string job =
      CreateJob({{"name", "long-wait"}, {"type", "util.wait"}, {"config", {{"seconds", 60}}}});
  const std::string id = Trigger(job).at("id");
  // Until the runner itself has logged, not merely until the status says running: a cancel
  // that comes after the claim but before the engine has registered the execution is only
  // noticed at the run's next heartbeat (a third of the lease), and this test is about the
  // prompt path.
  WaitUntil(
      [&] {
        const json page = CallJson("GET", "/api/v1/runs/" + id + "/logs", 200);
        return std::any_of(page.at("lines").begin(), page.at("lines").end(), [](const json& line) {
          return Contains(line.at("message"), "waiting 60.0 s");
        });
      },
      seconds(30), "waiting");

  const auto asked = SteadyClock::now();
  const json cancelling = CallJson("POST", "/api/v1/runs/" + id + "/cancel", 200);
  EXPECT_EQ(cancelling.at("cancel_requested"), true);
  const json run = WaitForRun(id, IsTerminal, seconds(10), "finished");
  const long long took = MillisecondsSince(asked);
  std::printf("[ engine   ] a running util.wait of 60 s ended %lld ms after its cancel\n", took);
  EXPECT_EQ(run.at("status"), "cancelled") << run.dump();
  EXPECT_EQ(run.at("error"), "cancelled");
  EXPECT_LT(took, 5000) << "cancelling waits for nothing but the runner to notice";
  EXPECT_EQ(Call("POST", "/api/v1/runs/" + id + "/cancel").status, 409) << "already finished";
}

TEST_F(EngineE2eTest, ARunPastItsTimeoutEndsTimedOut) {
  Start();
  const std::string job = CreateJob({{"name", "too-slow"},
                                     {"type", "util.wait"},
                                     {"config", {{"seconds", 60}}},
                                     {"policies", {{"timeout_seconds", 1}}}});
  const json queued = Trigger(job);
  EXPECT_EQ(queued.at("timeout_seconds"), 1);
  const json run = WaitForRun(queued.at("id"), IsTerminal, seconds(20), "finished");
  EXPECT_EQ(run.at("status"), "timed_out") << run.dump();
  EXPECT_TRUE(Contains(run.at("error"), "timed out after 1.0 s")) << run.dump();
  const long long duration = run.at("duration_ms");
  std::printf("[ engine   ] a run with a 1 s timeout ended timed_out after %lld ms\n", duration);
  EXPECT_GE(duration, 1000);
  EXPECT_LT(duration, 10000);
}

// The "done means": kill -9 in the middle of 200 runs and a per-second schedule,
// restart on the same data, and every run ends; those the kill interrupted fail with
// "worker lost" and are retried; no schedule fire runs twice.
TEST_F(EngineE2eTest, AfterKillMinus9EveryRunEndsInterruptedOnesAreRetriedAndNoFireIsDoubled) {
  constexpr int kRuns = 200;
  const std::vector<std::string> flags{"--run-lease", "2s", "--max-parallel-runs", "4"};
  Start(flags);
  const std::string work = CreateJob({{"name", "work"},
                                      {"type", "util.wait"},
                                      {"config", {{"seconds", 0.3}}},
                                      {"policies",
                                       {{"overlap", "allow"},
                                        {"max_concurrent", 4},
                                        {"retries", {{"count", 1}, {"backoff_seconds", 0}}}}}});
  const std::string tick = CreateJob({{"name", "tick"},
                                      {"type", "util.wait"},
                                      {"config", {{"seconds", 0.1}}},
                                      {"policies", {{"overlap", "allow"}, {"max_concurrent", 2}}}});
  CallJson("POST", "/api/v1/jobs/" + tick + "/schedules", 201, {{"cron", "* * * * * *"}});

  std::set<std::string> triggered;
  for (int i = 0; i < kRuns; ++i) {
    const json run = Trigger(work);
    EXPECT_EQ(run.at("root_run_id"), run.at("id"));
    EXPECT_EQ(run.at("max_attempts"), 2);
    triggered.insert(run.at("id").get<std::string>());
  }
  ASSERT_EQ(triggered.size(), static_cast<std::size_t>(kRuns));

  std::vector<json> succeeded;
  WaitUntil(
      [&] {
        succeeded = ListRuns("job_id=" + work + "&status=succeeded");
        return succeeded.size() >= 20;
      },
      seconds(60), "20 runs succeeded");
  const std::string killed_worker = succeeded.front().at("worker");
  server_->Signal(SIGKILL);
  ASSERT_EQ(server_->Wait(seconds(10)), -1) << "killed by the signal";
  server_.reset();

  const auto restarted = SteadyClock::now();
  Start(flags);
  const long long listening_ms = MillisecondsSince(restarted);
  // Recovered: no run is still held by the killed process.
  WaitUntil(
      [&] {
        const auto running = ListRuns("status=running");
        return std::none_of(running.begin(), running.end(),
                            [&](const json& run) { return run.at("worker") == killed_worker; });
      },
      seconds(30), "recovered within 30 s of restart");
  const long long recovered_ms = MillisecondsSince(restarted);
  WaitUntil(
      [&] {
        return !AnyRun("job_id=" + work + "&status=queued") &&
               !AnyRun("job_id=" + work + "&status=running");
      },
      seconds(60), "done with the 200 runs");
  const long long drained_ms = MillisecondsSince(restarted);
  // Stop the schedule, let its last runs end, then nothing may be left queued or running.
  CallJson("POST", "/api/v1/jobs/" + tick + "/disable", 200);
  WaitUntil([&] { return !AnyRun("status=queued") && !AnyRun("status=running"); }, seconds(20),
            "idle after the schedule stopped");
  std::printf(
      "[ engine   ] restart: listening after %lld ms; runs of the killed process recovered "
      "after %lld ms (lease 2 s); all %d runs done after %lld ms\n",
      listening_ms, recovered_ms, kRuns, drained_ms);
  EXPECT_LT(recovered_ms, 30000) << "the issue asks for recovery within 30 s of restart";

  std::map<std::string, std::vector<json>> chains;  // root_run_id -> attempts, of `work`
  std::set<std::string> fires;                      // scheduled_for of every schedule run
  int schedule_runs = 0;
  int lost = 0;
  for (const json& run : ListRuns("")) {
    EXPECT_TRUE(IsTerminal(run)) << run.dump();
    if (Contains(run.at("error"), "worker lost")) {
      ++lost;
      EXPECT_EQ(run.at("status"), "failed") << run.dump();
      EXPECT_EQ(run.at("worker"), killed_worker) << run.dump();
    }
    if (run.at("job_id") == work) {
      chains[run.at("root_run_id")].push_back(run);
    } else if (run.at("trigger") == "schedule") {
      ++schedule_runs;
      EXPECT_TRUE(fires.insert(run.at("scheduled_for").get<std::string>()).second)
          << "a schedule fire ran twice: " << run.dump();
    }
  }
  EXPECT_GE(schedule_runs, 3) << "the per-second schedule hardly fired";

  EXPECT_EQ(chains.size(), triggered.size());
  int interrupted = 0;
  for (const std::string& id : triggered) {
    SCOPED_TRACE("run " + id);
    const auto it = chains.find(id);
    ASSERT_NE(it, chains.end()) << "a triggered run is missing";
    std::vector<json> attempts = it->second;
    std::sort(attempts.begin(), attempts.end(), [](const json& a, const json& b) {
      return a.at("attempt").get<int>() < b.at("attempt").get<int>();
    });
    ASSERT_LE(attempts.size(), 2u);
    EXPECT_EQ(attempts.front().at("id"), id);
    EXPECT_EQ(attempts.front().at("trigger"), "api");
    // Each run ends succeeded, on its first attempt or on the retry after the kill.
    EXPECT_EQ(attempts.back().at("status"), "succeeded") << attempts.back().dump();
    if (attempts.size() == 2) {
      ++interrupted;
      EXPECT_EQ(attempts[0].at("status"), "failed");
      EXPECT_TRUE(Contains(attempts[0].at("error"), "worker lost")) << attempts[0].dump();
      EXPECT_EQ(attempts[1].at("attempt"), 2);
      EXPECT_EQ(attempts[1].at("trigger"), "retry");
      EXPECT_EQ(attempts[1].at("retry_of"), attempts[0].at("id"));
    }
  }
  std::printf(
      "[ engine   ] %d of the %d runs were interrupted by the kill and retried; %d runs "
      "failed with \"worker lost\"; %d schedule fires, none doubled\n",
      interrupted, kRuns, lost, schedule_runs);
  EXPECT_GE(interrupted, 1) << "the kill interrupted none of the runs: nothing was recovered";
}

}  // namespace
}  // namespace batuta::testing
