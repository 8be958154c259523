#include "runs/run_parameters.h"

#include <gtest/gtest.h>

namespace batuta::runs {
namespace {

std::vector<ParameterSpec> Declared() {
  ParameterSpec day{"day", ParameterSpec::Type::kDate, nlohmann::json("2026-12-01"), false, ""};
  ParameterSpec limit{"limit", ParameterSpec::Type::kInteger, std::nullopt, true, ""};
  ParameterSpec ratio{"ratio", ParameterSpec::Type::kNumber, std::nullopt, false, ""};
  ParameterSpec dry{"dry_run", ParameterSpec::Type::kBoolean, nlohmann::json(false), false, ""};
  return {day, limit, ratio, dry};
}

TEST(RunParametersTest, FillsDefaultsAndKeepsGivenValues) {
  auto resolved = ResolveParameters(Declared(), {{"limit", 5}, {"ratio", 1}});
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(*resolved, (nlohmann::json{
                           {"day", "2026-12-01"}, {"limit", 5}, {"ratio", 1}, {"dry_run", false}}));
}

TEST(RunParametersTest, OptionalWithoutDefaultStaysAbsent) {
  auto resolved = ResolveParameters(Declared(), {{"limit", 5}});
  ASSERT_TRUE(resolved.ok());
  EXPECT_FALSE(resolved->contains("ratio"));
}

TEST(RunParametersTest, RefusalsNameTheParameter) {
  auto field = [](const nlohmann::json& given) {
    auto resolved = ResolveParameters(Declared(), given);
    EXPECT_FALSE(resolved.ok());
    return resolved.ok() ? std::string() : resolved.error().details.value("field", "");
  };
  EXPECT_EQ(field(nlohmann::json::object()), "parameters.limit");
  EXPECT_EQ(field(nullptr), "parameters.limit");
  EXPECT_EQ(field({{"limit", 1.5}}), "parameters.limit");
  EXPECT_EQ(field({{"limit", 1}, {"day", "yesterday"}}), "parameters.day");
  EXPECT_EQ(field({{"limit", 1}, {"dry_run", "yes"}}), "parameters.dry_run");
  EXPECT_EQ(field({{"limit", 1}, {"other", 1}}), "parameters.other");
  EXPECT_EQ(field(nlohmann::json::array()), "parameters");
}

}  // namespace
}  // namespace batuta::runs
