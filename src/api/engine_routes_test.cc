// The job and run routes through the real HTTP server, with the real engine services over
// SQLite. The engine is not started: a test that needs runs to execute ticks it and waits
// until it is idle, so nothing depends on timing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/api_test_support.h"

namespace batuta::api {
namespace {

using testing::Caller;
using Json = nlohmann::json;

constexpr auto kWait = std::chrono::seconds(30);

// "test.echo": config {"x": string, "lines": integer, "fail": bool}. It writes `lines` log
// lines, then fails when `fail` is set and succeeds otherwise, returning its parameters.
class EchoJobType final : public runs::JobType {
 public:
  std::string_view Name() const override { return "test.echo"; }
  std::string_view Description() const override { return "Echoes its parameters."; }
  Status ValidateConfig(const Json& config) const override {
    if (config.contains("x") && !config["x"].is_string()) {
      return Error::Validation("config.x", "must be a string");
    }
    if (config.contains("lines") && !config["lines"].is_number_integer()) {
      return Error::Validation("config.lines", "must be an integer");
    }
    return Ok();
  }
  runs::RunOutcome Run(runs::RunContext& context) const override {
    const auto& config = context.spec().config;
    const int lines = config.value("lines", 0);
    for (int i = 1; i <= lines; ++i) context.Log("info", "line " + std::to_string(i));
    if (config.value("fail", false)) return runs::RunOutcome::Failure("told to fail");
    return runs::RunOutcome::Success({{"echo", context.parameters()}});
  }
};

class EngineRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.job_types().Add(std::make_unique<EchoJobType>());
    server_.Start();
  }

  struct Reply {
    int status = 0;
    Json body;
  };

  static Reply Parse(const batuta::testing::HttpReply& reply) {
    Reply parsed{reply.status, Json()};
    if (!reply.body.empty()) parsed.body = Json::parse(reply.body, nullptr, false);
    return parsed;
  }
  Reply Get(const std::string& target, const Caller& caller = Caller::Key("viewer")) {
    return Parse(server_.Send("GET", target, caller));
  }
  Reply Send(const std::string& method, const std::string& target, const Json& body,
             const Caller& caller = kEditor) {
    return Parse(server_.SendJson(method, target, caller, body.dump()));
  }
  Reply Post(const std::string& target, const Json& body = Json::object(),
             const Caller& caller = kEditor) {
    return Send("POST", target, body, caller);
  }
  // Without any body (no Content-Type either).
  Reply PostEmpty(const std::string& target, const Caller& caller = kEditor) {
    return Parse(server_.Send("POST", target, caller));
  }

  // The field a 4xx error names (error.details.field), or "" when it names none.
  static std::string FieldOf(const Reply& reply) {
    const auto field = Json::json_pointer("/error/details/field");
    if (!reply.body.is_object() || !reply.body.contains(field)) return "";
    return reply.body.at(field).get<std::string>();
  }

  std::string CreateJob(Json definition) {
    if (!definition.contains("type")) definition["type"] = "test.echo";
    auto reply = Post("/api/v1/jobs", definition);
    EXPECT_EQ(reply.status, 201) << reply.body.dump();
    return reply.body.value("id", "");
  }
  std::string Trigger(const std::string& job_id, const Json& body = Json::object(),
                      const Caller& caller = kOperator) {
    auto reply = Post("/api/v1/jobs/" + job_id + "/runs", body, caller);
    EXPECT_EQ(reply.status, 201) << reply.body.dump();
    return reply.body.value("id", "");
  }
  // Starts every run that is due and waits until they have finished.
  void RunQueued() {
    server_.engine().Tick();
    ASSERT_TRUE(server_.engine().WaitIdle(kWait));
    // Lines reach the store in the hub's batches; the tests read them at once.
    ASSERT_TRUE(server_.log_hub().Flush().ok());
  }
  static std::vector<std::string> Ids(const Json& list) {
    std::vector<std::string> ids;
    for (const auto& item : list) ids.push_back(item["id"].get<std::string>());
    return ids;
  }

  static inline const Caller kEditor = Caller::Session("editor");
  static inline const Caller kOperator = Caller::Session("operator");

  testing::ApiTestServer server_;
};

TEST_F(EngineRoutesTest, CreatesGetsUpdatesAndDeletesAJob) {
  auto created = Post("/api/v1/jobs", {{"name", "nightly-export"},
                                       {"description", "first"},
                                       {"tags", {"bi"}},
                                       {"type", "test.echo"},
                                       {"config", {{"x", "1"}}},
                                       {"enabled", false}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const std::string id = created.body["id"];
  EXPECT_EQ(created.body["name"], "nightly-export");
  EXPECT_EQ(created.body["enabled"], false);
  EXPECT_EQ(created.body["version"], 1);
  EXPECT_EQ(created.body["updated_by"], "editor");
  EXPECT_EQ(created.body["description"], "first");
  EXPECT_EQ(created.body["tags"], Json({"bi"}));
  EXPECT_EQ(created.body["config"], Json({{"x", "1"}}));
  EXPECT_EQ(created.body["policies"]["retries"]["count"], 0);  // defaults filled in
  EXPECT_TRUE(created.body["created_at"].is_string());
  EXPECT_TRUE(created.body["updated_at"].is_string());

  auto duplicate = Post("/api/v1/jobs", {{"name", "nightly-export"}, {"type", "test.echo"}});
  EXPECT_EQ(duplicate.status, 409) << duplicate.body.dump();
  EXPECT_EQ(FieldOf(duplicate), "name");

  auto got = Get("/api/v1/jobs/" + id);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, created.body);

  server_.clock().Advance(std::chrono::seconds(1));
  auto updated = Send("PUT", "/api/v1/jobs/" + id,
                      {{"name", "nightly-export"},
                       {"description", "second"},
                       {"type", "test.echo"},
                       {"version", 1}});
  ASSERT_EQ(updated.status, 200) << updated.body.dump();
  EXPECT_EQ(updated.body["version"], 2);
  EXPECT_EQ(updated.body["description"], "second");
  EXPECT_EQ(updated.body["tags"], Json::array());  // a full replacement, not a patch
  EXPECT_EQ(updated.body["enabled"], false);       // not part of the definition

  auto stale = Send("PUT", "/api/v1/jobs/" + id,
                    {{"name", "nightly-export"}, {"type", "test.echo"}, {"version", 1}});
  EXPECT_EQ(stale.status, 409) << stale.body.dump();
  EXPECT_EQ(FieldOf(stale), "version");
  // Renaming onto another job's name is a conflict on the name, not on the version.
  CreateJob({{"name", "other-job"}});
  auto renamed = Send("PUT", "/api/v1/jobs/" + id,
                      {{"name", "other-job"}, {"type", "test.echo"}, {"version", 2}});
  EXPECT_EQ(renamed.status, 409) << renamed.body.dump();
  EXPECT_EQ(FieldOf(renamed), "name");
  EXPECT_NE(renamed.body["error"]["message"].get<std::string>().find("other-job"),
            std::string::npos);

  auto versions = Get("/api/v1/jobs/" + id + "/versions");
  ASSERT_EQ(versions.status, 200);
  ASSERT_EQ(versions.body["versions"].size(), 2U);
  EXPECT_EQ(versions.body["versions"][0]["version"], 2);  // newest first
  EXPECT_EQ(versions.body["versions"][1]["definition"]["description"], "first");
  EXPECT_EQ(versions.body["versions"][1]["created_by"], "editor");
  auto first = Get("/api/v1/jobs/" + id + "/versions/1");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body["definition"]["description"], "first");
  EXPECT_EQ(first.body["job_id"], id);
  EXPECT_EQ(Get("/api/v1/jobs/" + id + "/versions/3").status, 404);
  EXPECT_EQ(FieldOf(Get("/api/v1/jobs/" + id + "/versions/latest")), "version");

  auto enabled = PostEmpty("/api/v1/jobs/" + id + "/enable");
  ASSERT_EQ(enabled.status, 200) << enabled.body.dump();
  EXPECT_EQ(enabled.body["enabled"], true);
  EXPECT_EQ(enabled.body["version"], 2);  // no new version
  auto disabled = Post("/api/v1/jobs/" + id + "/disable");
  ASSERT_EQ(disabled.status, 200);
  EXPECT_EQ(disabled.body["enabled"], false);

  auto deleted = Parse(server_.Send("DELETE", "/api/v1/jobs/" + id, kEditor));
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(Get("/api/v1/jobs/" + id).status, 404);
  EXPECT_EQ(Get("/api/v1/jobs/" + id + "/versions").status, 404);
  EXPECT_EQ(Parse(server_.Send("DELETE", "/api/v1/jobs/" + id, kEditor)).status, 404);
  EXPECT_EQ(Post("/api/v1/jobs/" + id + "/enable").status, 404);
  EXPECT_EQ(Send("PUT", "/api/v1/jobs/" + id, {{"name", "x"}, {"type", "test.echo"}}).status, 404);
}

TEST_F(EngineRoutesTest, ListedJobsCarryTheirNewestRunAndNextFire) {
  const std::string id = CreateJob({{"name", "nightly"}});
  const auto item = [this] { return Get("/api/v1/jobs").body["jobs"][0]; };
  EXPECT_TRUE(item()["last_run"].is_null());
  EXPECT_EQ(item()["schedule_count"], 0);
  EXPECT_TRUE(item()["next_fire_at"].is_null());

  // The test clock is 2027-01-15T08:00:00Z: the next 02:00 UTC is the 16th.
  ASSERT_EQ(Post("/api/v1/jobs/" + id + "/schedules", {{"cron", "0 2 * * *"}, {"timezone", "UTC"}})
                .status,
            201);
  EXPECT_EQ(item()["schedule_count"], 1);
  EXPECT_EQ(item()["next_fire_at"], "2027-01-16T02:00:00.000Z");

  const std::string first = Trigger(id);
  RunQueued();
  server_.clock().Advance(std::chrono::seconds(1));  // ids order by time to the millisecond
  const std::string second = Trigger(id);            // queued, not run: the newest
  const Json last = item()["last_run"];
  EXPECT_EQ(last["id"], second);
  EXPECT_EQ(last["status"], "queued");
  EXPECT_TRUE(last["finished_at"].is_null());
  EXPECT_NE(first, second);

  ASSERT_EQ(Post("/api/v1/jobs/" + id + "/disable").status, 200);
  EXPECT_TRUE(item()["next_fire_at"].is_null()) << "a disabled job does not fire";
  EXPECT_EQ(item()["schedule_count"], 1);
}

TEST_F(EngineRoutesTest, ListsJobsByNameWithFiltersAndCursor) {
  CreateJob({{"name", "a-one"}, {"tags", {"bi"}}});
  CreateJob({{"name", "a-two"}, {"tags", {"bi", "ops"}}});
  CreateJob({{"name", "b-one"}, {"enabled", false}});

  auto all = Get("/api/v1/jobs");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.body["jobs"].size(), 3U);
  EXPECT_TRUE(all.body["next_cursor"].is_null());

  auto page1 = Get("/api/v1/jobs?limit=2");
  ASSERT_EQ(page1.status, 200);
  ASSERT_EQ(page1.body["jobs"].size(), 2U);
  EXPECT_EQ(page1.body["jobs"][0]["name"], "a-one");
  EXPECT_EQ(page1.body["next_cursor"], "a-two");
  auto page2 = Get("/api/v1/jobs?limit=2&after=a-two");
  ASSERT_EQ(page2.body["jobs"].size(), 1U);
  EXPECT_EQ(page2.body["jobs"][0]["name"], "b-one");
  EXPECT_TRUE(page2.body["next_cursor"].is_null());

  EXPECT_EQ(Get("/api/v1/jobs?tag=ops").body["jobs"].size(), 1U);
  EXPECT_EQ(Get("/api/v1/jobs?tag=bi").body["jobs"].size(), 2U);
  EXPECT_EQ(Get("/api/v1/jobs?type=test.echo").body["jobs"].size(), 3U);
  EXPECT_EQ(Get("/api/v1/jobs?type=other").body["jobs"].size(), 0U);
  auto disabled = Get("/api/v1/jobs?enabled=false");
  ASSERT_EQ(disabled.body["jobs"].size(), 1U);
  EXPECT_EQ(disabled.body["jobs"][0]["name"], "b-one");
  EXPECT_EQ(Get("/api/v1/jobs?enabled=true").body["jobs"].size(), 2U);

  for (const std::string& query :
       std::vector<std::string>{"limit=0", "limit=501", "limit=ten", "limit=-1", "limit="}) {
    auto bad = Get("/api/v1/jobs?" + query);
    EXPECT_EQ(bad.status, 422) << query;
    EXPECT_EQ(FieldOf(bad), "limit") << query;
  }
  auto bad_enabled = Get("/api/v1/jobs?enabled=yes");
  EXPECT_EQ(bad_enabled.status, 422);
  EXPECT_EQ(FieldOf(bad_enabled), "enabled");
}

TEST_F(EngineRoutesTest, RefusesInvalidDefinitionsNamingTheField) {
  const std::vector<std::pair<Json, std::string>> cases{
      {{{"type", "test.echo"}}, "name"},
      {{{"name", "j"}}, "type"},
      {{{"name", "j"}, {"type", "no.such.type"}}, "type"},
      {{{"name", "j"}, {"type", "test.echo"}, {"policies", {{"retries", {{"count", -1}}}}}},
       "policies.retries.count"},
      {{{"name", "j"}, {"type", "test.echo"}, {"parameters", {{{"name", "p"}, {"type", "float"}}}}},
       "parameters[0].type"},
      {{{"name", "j"}, {"type", "test.echo"}, {"config", {{"x", 5}}}}, "config.x"},
      {{{"name", "j"}, {"type", "test.echo"}, {"schedule", "daily"}}, "schedule"},
      {{{"name", "j"}, {"type", "test.echo"}, {"enabled", "yes"}}, "enabled"},
  };
  for (const auto& [definition, field] : cases) {
    auto reply = Post("/api/v1/jobs", definition);
    EXPECT_EQ(reply.status, 422) << definition.dump() << " " << reply.body.dump();
    EXPECT_EQ(FieldOf(reply), field) << definition.dump();
  }

  const std::string id = CreateJob({{"name", "j"}});
  auto bad_version =
      Send("PUT", "/api/v1/jobs/" + id, {{"name", "j"}, {"type", "test.echo"}, {"version", "1"}});
  EXPECT_EQ(bad_version.status, 422);
  EXPECT_EQ(FieldOf(bad_version), "version");
  auto bad_update = Send("PUT", "/api/v1/jobs/" + id,
                         {{"name", "j"}, {"type", "test.echo"}, {"config", {{"x", 1}}}});
  EXPECT_EQ(bad_update.status, 422);
  EXPECT_EQ(FieldOf(bad_update), "config.x");
  EXPECT_EQ(Get("/api/v1/jobs/" + id).body["version"], 1);  // nothing stored

  auto malformed = Parse(server_.SendJson("POST", "/api/v1/jobs", kEditor, "{\"name\":"));
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.body["error"]["code"], "invalid_argument");
  EXPECT_EQ(Parse(server_.SendJson("POST", "/api/v1/jobs", kEditor, "[1]")).status, 400);
  auto text = Parse(server_.Send("POST", "/api/v1/jobs", kEditor, R"({"name":"j"})",
                                 {"Content-Type: text/plain"}));
  EXPECT_EQ(text.status, 415);
  EXPECT_EQ(Parse(server_.Send("POST", "/api/v1/jobs", kEditor)).status, 415);
}

TEST_F(EngineRoutesTest, RunsAJobNowWithCheckedParameters) {
  const std::string id = CreateJob({{"name", "report"},
                                    {"parameters",
                                     {{{"name", "day"}, {"type", "date"}, {"required", true}},
                                      {{"name", "count"}, {"type", "integer"}, {"default", 3}}}}});

  auto run =
      Post("/api/v1/jobs/" + id + "/runs", {{"parameters", {{"day", "2026-01-02"}}}}, kOperator);
  ASSERT_EQ(run.status, 201) << run.body.dump();
  EXPECT_EQ(run.body["status"], "queued");
  EXPECT_EQ(run.body["trigger"], "manual");
  EXPECT_EQ(run.body["job_id"], id);
  EXPECT_EQ(run.body["job_name"], "report");
  EXPECT_EQ(run.body["triggered_by"]["name"], "operator");
  EXPECT_EQ(run.body["parameters"], Json({{"day", "2026-01-02"}, {"count", 3}}));

  auto by_key =
      Post("/api/v1/jobs/" + id + "/runs", {{"parameters", {{"day", "2026-01-03"}, {"count", 7}}}},
           Caller::Key("operator"));
  ASSERT_EQ(by_key.status, 201) << by_key.body.dump();
  EXPECT_EQ(by_key.body["trigger"], "api");
  EXPECT_EQ(by_key.body["parameters"]["count"], 7);

  const std::vector<std::pair<Json, std::string>> bad{
      {{{"parameters", {{"day", 5}}}}, "parameters.day"},
      {Json::object(), "parameters.day"},
      {{{"parameters", {{"day", "2026-01-02"}, {"colour", "red"}}}}, "parameters.colour"},
      {{{"parameters", {{"day", "2026-01-02"}, {"count", "three"}}}}, "parameters.count"},
      {{{"parameters", {"day"}}}, "parameters"},
      {{{"params", {{"day", "2026-01-02"}}}}, "params"},
  };
  for (const auto& [body, field] : bad) {
    auto reply = Post("/api/v1/jobs/" + id + "/runs", body, kOperator);
    EXPECT_EQ(reply.status, 422) << body.dump() << " " << reply.body.dump();
    EXPECT_EQ(FieldOf(reply), field) << body.dump();
  }
  EXPECT_EQ(PostEmpty("/api/v1/jobs/" + id + "/runs", kOperator).status, 422);  // day required

  // Without parameters to give, the body may be left out; disabled jobs run on request.
  const std::string plain = CreateJob({{"name", "plain"}, {"enabled", false}});
  auto empty = PostEmpty("/api/v1/jobs/" + plain + "/runs", kOperator);
  EXPECT_EQ(empty.status, 201) << empty.body.dump();
  EXPECT_EQ(Post("/api/v1/jobs/01ZZZZZZZZZZZZZZZZZZZZZZZZ/runs", Json::object(), kOperator).status,
            404);
  EXPECT_EQ(Get("/api/v1/runs?job_id=" + id).body["runs"].size(), 2U);
}

TEST_F(EngineRoutesTest, ListsRunsNewestFirstWithFiltersAndCursor) {
  const std::string a = CreateJob({{"name", "a"}});
  const std::string b = CreateJob({{"name", "b"}});
  std::vector<std::string> runs_of_a;
  // A second apart: ids (and queued_at) order the runs.
  for (int i = 0; i < 3; ++i) {
    server_.clock().Advance(std::chrono::seconds(1));
    runs_of_a.push_back(Trigger(a));
  }
  server_.clock().Advance(std::chrono::seconds(1));
  const TimePoint before_b = server_.clock().Now();
  const std::string run_of_b = Trigger(b, Json::object(), Caller::Key("operator"));

  auto all = Get("/api/v1/runs");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(Ids(all.body["runs"]),
            (std::vector<std::string>{run_of_b, runs_of_a[2], runs_of_a[1], runs_of_a[0]}));
  EXPECT_TRUE(all.body["next_cursor"].is_null());

  auto page1 = Get("/api/v1/runs?limit=3");
  ASSERT_EQ(page1.body["runs"].size(), 3U);
  ASSERT_EQ(page1.body["next_cursor"], runs_of_a[1]);
  auto page2 = Get("/api/v1/runs?limit=3&before=" + runs_of_a[1]);
  EXPECT_EQ(Ids(page2.body["runs"]), std::vector<std::string>{runs_of_a[0]});
  EXPECT_TRUE(page2.body["next_cursor"].is_null());

  EXPECT_EQ(Ids(Get("/api/v1/runs?job_id=" + b).body["runs"]), std::vector<std::string>{run_of_b});
  EXPECT_EQ(Get("/api/v1/runs?job_id=" + a).body["runs"].size(), 3U);
  EXPECT_EQ(Get("/api/v1/runs?trigger=api").body["runs"].size(), 1U);
  EXPECT_EQ(Get("/api/v1/runs?trigger=manual").body["runs"].size(), 3U);
  EXPECT_EQ(Get("/api/v1/runs?status=queued").body["runs"].size(), 4U);
  EXPECT_EQ(Get("/api/v1/runs?status=succeeded").body["runs"].size(), 0U);
  const std::string from = FormatRfc3339(before_b);
  EXPECT_EQ(Ids(Get("/api/v1/runs?from=" + from).body["runs"]), std::vector<std::string>{run_of_b});
  EXPECT_EQ(Get("/api/v1/runs?to=" + from).body["runs"].size(), 3U);

  for (const auto& [query, field] :
       std::vector<std::pair<std::string, std::string>>{{"status=done", "status"},
                                                        {"from=yesterday", "from"},
                                                        {"to=2026-13-01T00:00:00Z", "to"},
                                                        {"limit=0", "limit"},
                                                        {"limit=501", "limit"},
                                                        {"limit=1.5", "limit"}}) {
    auto reply = Get("/api/v1/runs?" + query);
    EXPECT_EQ(reply.status, 422) << query;
    EXPECT_EQ(FieldOf(reply), field) << query;
  }
}

TEST_F(EngineRoutesTest, ShowsARunWithAllItsAttempts) {
  const std::string id = CreateJob(
      {{"name", "flaky"},
       {"config", {{"fail", true}}},
       {"policies", {{"retries", {{"count", 1}, {"backoff_seconds", 0}, {"jitter", false}}}}}});
  const std::string first = Trigger(id);
  ASSERT_NO_FATAL_FAILURE(RunQueued());  // fails; queues the retry, due at once
  server_.clock().Advance(std::chrono::seconds(1));
  ASSERT_NO_FATAL_FAILURE(RunQueued());  // the retry fails too; no attempts left

  auto run = Get("/api/v1/runs/" + first);
  ASSERT_EQ(run.status, 200) << run.body.dump();
  EXPECT_EQ(run.body["status"], "failed");
  EXPECT_EQ(run.body["error"], "told to fail");
  ASSERT_EQ(run.body["attempts"].size(), 2U);
  EXPECT_EQ(run.body["attempts"][0], first);
  const std::string second = run.body["attempts"][1];

  auto retry = Get("/api/v1/runs/" + second);
  ASSERT_EQ(retry.status, 200);
  EXPECT_EQ(retry.body["attempt"], 2);
  EXPECT_EQ(retry.body["retry_of"], first);
  EXPECT_EQ(retry.body["trigger"], "retry");
  EXPECT_EQ(retry.body["attempts"], run.body["attempts"]);

  auto attempts = Get("/api/v1/runs/" + second + "/attempts");
  ASSERT_EQ(attempts.status, 200);
  EXPECT_EQ(Ids(attempts.body["attempts"]), (std::vector<std::string>{first, second}));
  EXPECT_EQ(attempts.body["attempts"][1]["status"], "failed");

  EXPECT_EQ(Get("/api/v1/runs/01ZZZZZZZZZZZZZZZZZZZZZZZZ").status, 404);
  EXPECT_EQ(Get("/api/v1/runs/01ZZZZZZZZZZZZZZZZZZZZZZZZ/attempts").status, 404);
}

TEST_F(EngineRoutesTest, CancelsAQueuedRunOnce) {
  const std::string run = Trigger(CreateJob({{"name", "slow"}}));
  auto cancelled = PostEmpty("/api/v1/runs/" + run + "/cancel", kOperator);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body.dump();
  EXPECT_EQ(cancelled.body["status"], "cancelled");
  EXPECT_TRUE(cancelled.body["finished_at"].is_string());
  EXPECT_EQ(Get("/api/v1/runs/" + run).body["status"], "cancelled");

  auto again = Post("/api/v1/runs/" + run + "/cancel", Json::object(), kOperator);
  EXPECT_EQ(again.status, 409) << again.body.dump();
  EXPECT_EQ(
      Post("/api/v1/runs/01ZZZZZZZZZZZZZZZZZZZZZZZZ/cancel", Json::object(), kOperator).status,
      404);
  // Nothing left to execute.
  EXPECT_EQ(server_.engine().Tick(), 0);
}

TEST_F(EngineRoutesTest, RerunsAFinishedRun) {
  const std::string job = CreateJob({{"name", "echo"}, {"parameters", {{{"name", "n"}}}}});
  const std::string run = Trigger(job, {{"parameters", {{"n", "x"}}}});
  auto early = Post("/api/v1/runs/" + run + "/rerun", Json::object(), kOperator);
  EXPECT_EQ(early.status, 409) << early.body.dump();  // still queued

  ASSERT_NO_FATAL_FAILURE(RunQueued());
  auto finished = Get("/api/v1/runs/" + run);
  ASSERT_EQ(finished.body["status"], "succeeded") << finished.body.dump();
  EXPECT_EQ(finished.body["result"], Json({{"echo", {{"n", "x"}}}}));

  auto rerun = PostEmpty("/api/v1/runs/" + run + "/rerun", kOperator);
  ASSERT_EQ(rerun.status, 201) << rerun.body.dump();
  EXPECT_EQ(rerun.body["rerun_of"], run);
  EXPECT_EQ(rerun.body["trigger"], "rerun");
  EXPECT_EQ(rerun.body["status"], "queued");
  EXPECT_EQ(rerun.body["parameters"], Json({{"n", "x"}}));
  EXPECT_NE(rerun.body["id"], run);
  EXPECT_EQ(Post("/api/v1/runs/01ZZZZZZZZZZZZZZZZZZZZZZZZ/rerun", Json::object(), kOperator).status,
            404);
}

TEST_F(EngineRoutesTest, PagesThroughARunsLog) {
  const std::string run = Trigger(CreateJob({{"name", "chatty"}, {"config", {{"lines", 5}}}}));
  EXPECT_EQ(Get("/api/v1/runs/" + run + "/logs").body["lines"], Json::array());
  ASSERT_NO_FATAL_FAILURE(RunQueued());

  // The engine's "started" line, the job's five lines and the engine's "succeeded" line.
  auto all = Get("/api/v1/runs/" + run + "/logs");
  ASSERT_EQ(all.status, 200) << all.body.dump();
  ASSERT_EQ(all.body["lines"].size(), 7U) << all.body.dump();
  EXPECT_TRUE(all.body["next_after"].is_null());
  for (std::size_t i = 0; i < 7; ++i) EXPECT_EQ(all.body["lines"][i]["seq"], i + 1);
  EXPECT_EQ(all.body["lines"][1]["message"], "line 1");
  EXPECT_EQ(all.body["lines"][1]["level"], "info");
  EXPECT_TRUE(all.body["lines"][1]["at"].is_string());

  std::vector<std::string> messages;
  std::string target = "/api/v1/runs/" + run + "/logs?limit=3";
  int pages = 0;
  while (true) {
    auto page = Get(target);
    ASSERT_EQ(page.status, 200) << page.body.dump();
    ++pages;
    for (const auto& line : page.body["lines"])
      messages.push_back(line["message"].get<std::string>());
    if (page.body["next_after"].is_null()) break;
    ASSERT_LE(pages, 3);
    target = "/api/v1/runs/" + run +
             "/logs?limit=3&after=" + std::to_string(page.body["next_after"].get<int>());
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(messages.size(), 7U);
  EXPECT_EQ(messages[5], "line 5");
  EXPECT_EQ(Get("/api/v1/runs/" + run + "/logs?after=7").body["lines"], Json::array());

  const std::string logs = "/api/v1/runs/" + run + "/logs?";
  for (const auto& [query, field] :
       std::vector<std::pair<std::string, std::string>>{{"after=-1", "after"},
                                                        {"after=x", "after"},
                                                        {"limit=0", "limit"},
                                                        {"limit=5001", "limit"}}) {
    auto reply = Get(logs + query);
    EXPECT_EQ(reply.status, 422) << query;
    EXPECT_EQ(FieldOf(reply), field) << query;
  }
  EXPECT_EQ(Get("/api/v1/runs/01ZZZZZZZZZZZZZZZZZZZZZZZZ/logs").status, 404);
}

TEST_F(EngineRoutesTest, ListsTheJobTypes) {
  auto types = Get("/api/v1/job-types");
  ASSERT_EQ(types.status, 200);
  // By name; sql_export is always there (the test server registers it).
  EXPECT_EQ(types.body["job_types"],
            Json::array({{{"name", "sql_export"},
                          {"description",
                           "Runs a query on a database and exports the rows as a CSV dataset"},
                          {"config_fields", Json::array()}},
                         {{"name", "test.echo"},
                          {"description", "Echoes its parameters."},
                          {"config_fields", Json::array()}}}));
}

}  // namespace
}  // namespace batuta::api
