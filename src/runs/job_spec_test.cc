#include "runs/job_spec.h"

#include <gtest/gtest.h>

namespace batuta::runs {
namespace {

nlohmann::json Minimal() { return {{"name", "export-sales"}, {"type", "sql_export"}}; }

std::string FieldOf(const nlohmann::json& definition) {
  auto spec = ParseJobSpec(definition);
  EXPECT_FALSE(spec.ok());
  if (spec.ok()) return "";
  EXPECT_EQ(spec.error().code, ErrorCode::kValidation);
  return spec.error().details.value("field", "");
}

TEST(JobSpecTest, MinimalDefinitionGetsTheDefaultPolicies) {
  auto spec = ParseJobSpec(Minimal());
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->name, "export-sales");
  EXPECT_EQ(spec->policies.timeout, std::chrono::hours(1));
  EXPECT_EQ(spec->policies.retries.count, 0);
  EXPECT_EQ(spec->policies.overlap, OverlapPolicy::kQueue);
  EXPECT_EQ(MaxConcurrent(spec->policies), 1);
}

TEST(JobSpecTest, CanonicalJsonRoundTrips) {
  nlohmann::json definition = Minimal();
  definition["description"] = "Daily sales";
  definition["tags"] = {"bi", "daily"};
  definition["config"] = {{"query", "select 1"}};
  definition["parameters"] = {{{"name", "day"}, {"type", "date"}, {"default", "2026-01-31"}},
                              {{"name", "limit"}, {"type", "integer"}, {"required", true}}};
  definition["policies"] = {
      {"timeout_seconds", 600},
      {"retries",
       {{"count", 3}, {"backoff_seconds", 10}, {"multiplier", 3.0}, {"max_backoff_seconds", 600}}},
      {"overlap", "allow"},
      {"max_concurrent", 4},
      {"notify_on", {"failure"}}};
  auto spec = ParseJobSpec(definition);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const auto canonical = ToJson(*spec);
  auto again = ParseJobSpec(canonical);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(ToJson(*again), canonical);
  EXPECT_EQ(MaxConcurrent(again->policies), 4);
  EXPECT_EQ(again->policies.retries.multiplier, 3.0);
  EXPECT_EQ(again->parameters[0].default_value, "2026-01-31");
}

TEST(JobSpecTest, ErrorsNameTheField) {
  auto with = [](const std::string& field, nlohmann::json value) {
    auto definition = Minimal();
    definition[field] = std::move(value);
    return definition;
  };
  auto policies = [&](nlohmann::json value) { return with("policies", std::move(value)); };
  EXPECT_EQ(FieldOf({{"type", "x"}}), "name");
  EXPECT_EQ(FieldOf(with("name", "has space")), "name");
  EXPECT_EQ(FieldOf(with("name", "-leading")), "name");
  EXPECT_EQ(FieldOf(with("name", std::string(101, 'a'))), "name");
  EXPECT_EQ(FieldOf({{"name", "a"}}), "type");
  EXPECT_EQ(FieldOf(with("colour", "red")), "colour");
  EXPECT_EQ(FieldOf(with("config", "text")), "config");
  EXPECT_EQ(FieldOf(with("tags", {"ok", "not ok"})), "tags[1]");
  EXPECT_EQ(FieldOf(policies({{"timeout_seconds", -1}})), "policies.timeout_seconds");
  EXPECT_EQ(FieldOf(policies({{"timeout_seconds", 1.5}})), "policies.timeout_seconds");
  EXPECT_EQ(FieldOf(policies({{"retries", {{"count", 21}}}})), "policies.retries.count");
  EXPECT_EQ(FieldOf(policies({{"retries", {{"multiplier", 0.5}}}})), "policies.retries.multiplier");
  EXPECT_EQ(
      FieldOf(policies({{"retries", {{"backoff_seconds", 100}, {"max_backoff_seconds", 10}}}})),
      "policies.retries.max_backoff_seconds");
  EXPECT_EQ(FieldOf(policies({{"retries", {{"tries", 1}}}})), "policies.retries.tries");
  EXPECT_EQ(FieldOf(policies({{"overlap", "sometimes"}})), "policies.overlap");
  EXPECT_EQ(FieldOf(policies({{"max_concurrent", 3}})), "policies.max_concurrent");
  EXPECT_EQ(FieldOf(policies({{"notify_on", {"always"}}})), "policies.notify_on");
  EXPECT_EQ(FieldOf(with("parameters", {{{"name", "a"}}, {{"name", "a"}}})), "parameters[1].name");
  EXPECT_EQ(FieldOf(with("parameters", {{{"name", "a"}, {"type", "blob"}}})), "parameters[0].type");
  EXPECT_EQ(
      FieldOf(with("parameters", {{{"name", "d"}, {"type", "date"}, {"default", "2026-02-30"}}})),
      "parameters[0].default");
  EXPECT_EQ(FieldOf(with("parameters", "x")), "parameters");
}

TEST(JobSpecTest, NonObjectIsRefused) { EXPECT_FALSE(ParseJobSpec(nlohmann::json::array()).ok()); }

}  // namespace
}  // namespace batuta::runs
