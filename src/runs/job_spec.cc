#include "runs/job_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <utility>

#include "runs/json_fields.h"

namespace batuta::runs {
namespace {

constexpr std::size_t kMaxNameLength = 100;
constexpr std::size_t kMaxDescriptionLength = 4000;
constexpr std::size_t kMaxTags = 20;
constexpr std::size_t kMaxParameters = 50;
constexpr std::int64_t kMaxTimeoutSeconds = std::int64_t{7} * 24 * 3600;
constexpr int kMaxRetries = 20;
constexpr int kMaxConcurrentLimit = 100;

constexpr std::array<std::pair<ParameterSpec::Type, std::string_view>, 5> kParameterTypes{{
    {ParameterSpec::Type::kString, "string"},
    {ParameterSpec::Type::kInteger, "integer"},
    {ParameterSpec::Type::kNumber, "number"},
    {ParameterSpec::Type::kBoolean, "boolean"},
    {ParameterSpec::Type::kDate, "date"},
}};

constexpr std::array<std::pair<OverlapPolicy, std::string_view>, 3> kOverlapPolicies{{
    {OverlapPolicy::kSkip, "skip"},
    {OverlapPolicy::kQueue, "queue"},
    {OverlapPolicy::kAllow, "allow"},
}};

constexpr std::array<std::string_view, 4> kNotifyOutcomes{"failure", "success", "timeout", "retry"};

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

// Job and parameter names appear in URLs, logs and templates: a letter or digit first, then
// letters, digits, '-', '_' and '.'.
Status CheckName(std::string_view field, std::string_view name, std::size_t max_length) {
  if (name.empty()) return Error::Validation(std::string(field), "must not be empty");
  if (name.size() > max_length) {
    return Error::Validation(std::string(field),
                             fmt::format("must be at most {} characters", max_length));
  }
  if (!IsNameChar(name[0]) || name[0] == '-' || name[0] == '_' || name[0] == '.' ||
      !std::all_of(name.begin(), name.end(), IsNameChar)) {
    return Error::Validation(std::string(field),
                             "must start with a letter or digit and hold only letters, digits, "
                             "'-', '_' and '.'");
  }
  return Ok();
}

Status CheckValueType(std::string_view field, ParameterSpec::Type type,
                      const nlohmann::json& value) {
  bool ok = false;
  switch (type) {
    case ParameterSpec::Type::kString:
      ok = value.is_string();
      break;
    case ParameterSpec::Type::kInteger:
      ok = value.is_number_integer();
      break;
    case ParameterSpec::Type::kNumber:
      ok = value.is_number();
      break;
    case ParameterSpec::Type::kBoolean:
      ok = value.is_boolean();
      break;
    case ParameterSpec::Type::kDate:
      ok = value.is_string() && IsIsoDate(value.get<std::string>());
      break;
  }
  if (ok) return Ok();
  return Error::Validation(std::string(field),
                           fmt::format("must be a value of type {}", ParameterTypeName(type)));
}

Result<ParameterSpec> ParseParameter(const nlohmann::json& json, const std::string& path) {
  if (!json.is_object()) return Error::Validation(path, "must be an object");
  BATUTA_RETURN_IF_ERROR(
      RefuseUnknownFields(json, path, {"name", "type", "default", "required", "description"}));
  ParameterSpec parameter;
  auto name = ReadString(json, path, "name", /*required=*/true);
  if (!name.ok()) return std::move(name).error();
  parameter.name = std::move(name).value();
  BATUTA_RETURN_IF_ERROR(CheckName(path + ".name", parameter.name, 64));
  auto type = ReadString(json, path, "type", /*required=*/false);
  if (!type.ok()) return std::move(type).error();
  if (!type->empty()) {
    const auto* found = std::find_if(kParameterTypes.begin(), kParameterTypes.end(),
                                     [&](const auto& entry) { return entry.second == *type; });
    if (found == kParameterTypes.end()) {
      return Error::Validation(path + ".type",
                               "must be one of string, integer, number, boolean, date");
    }
    parameter.type = found->first;
  }
  auto required = ReadBool(json, path, "required", false);
  if (!required.ok()) return std::move(required).error();
  parameter.required = *required;
  auto description = ReadString(json, path, "description", /*required=*/false);
  if (!description.ok()) return std::move(description).error();
  parameter.description = std::move(description).value();
  if (const auto it = json.find("default"); it != json.end() && !it->is_null()) {
    BATUTA_RETURN_IF_ERROR(CheckValueType(path + ".default", parameter.type, *it));
    parameter.default_value = *it;
  }
  return parameter;
}

Result<RetryPolicy> ParseRetries(const nlohmann::json& json, const std::string& path) {
  RetryPolicy retries;
  if (json.is_null()) return retries;
  if (!json.is_object()) return Error::Validation(path, "must be an object");
  BATUTA_RETURN_IF_ERROR(RefuseUnknownFields(
      json, path, {"count", "backoff_seconds", "multiplier", "max_backoff_seconds", "jitter"}));
  auto count = ReadInteger(json, path, "count", 0, 0, kMaxRetries);
  if (!count.ok()) return std::move(count).error();
  retries.count = static_cast<int>(*count);
  auto initial = ReadInteger(json, path, "backoff_seconds", 30, 0, 86'400);
  if (!initial.ok()) return std::move(initial).error();
  retries.initial_backoff = std::chrono::seconds(*initial);
  auto maximum = ReadInteger(json, path, "max_backoff_seconds", 3600, 0, std::int64_t{7} * 86'400);
  if (!maximum.ok()) return std::move(maximum).error();
  retries.max_backoff = std::chrono::seconds(*maximum);
  if (retries.max_backoff < retries.initial_backoff) {
    return Error::Validation(path + ".max_backoff_seconds",
                             "must not be smaller than backoff_seconds");
  }
  if (const auto it = json.find("multiplier"); it != json.end() && !it->is_null()) {
    if (!it->is_number() || it->get<double>() < 1.0 || it->get<double>() > 10.0) {
      return Error::Validation(path + ".multiplier", "must be a number from 1 to 10");
    }
    retries.multiplier = it->get<double>();
  }
  auto jitter = ReadBool(json, path, "jitter", true);
  if (!jitter.ok()) return std::move(jitter).error();
  retries.jitter = *jitter;
  return retries;
}

Result<JobPolicies> ParsePolicies(const nlohmann::json& json) {
  const std::string path = "policies";
  JobPolicies policies;
  if (json.is_null()) return policies;
  if (!json.is_object()) return Error::Validation(path, "must be an object");
  BATUTA_RETURN_IF_ERROR(RefuseUnknownFields(
      json, path, {"timeout_seconds", "retries", "overlap", "max_concurrent", "notify_on"}));
  auto timeout = ReadInteger(json, path, "timeout_seconds", 3600, 0, kMaxTimeoutSeconds);
  if (!timeout.ok()) return std::move(timeout).error();
  policies.timeout = std::chrono::seconds(*timeout);
  auto retries = ParseRetries(json.value("retries", nlohmann::json()), path + ".retries");
  if (!retries.ok()) return std::move(retries).error();
  policies.retries = *retries;
  auto overlap = ReadString(json, path, "overlap", /*required=*/false);
  if (!overlap.ok()) return std::move(overlap).error();
  if (!overlap->empty()) {
    const auto* found = std::find_if(kOverlapPolicies.begin(), kOverlapPolicies.end(),
                                     [&](const auto& entry) { return entry.second == *overlap; });
    if (found == kOverlapPolicies.end()) {
      return Error::Validation(path + ".overlap", "must be one of skip, queue, allow");
    }
    policies.overlap = found->first;
  }
  auto max_concurrent = ReadInteger(json, path, "max_concurrent", 1, 1, kMaxConcurrentLimit);
  if (!max_concurrent.ok()) return std::move(max_concurrent).error();
  policies.max_concurrent = static_cast<int>(*max_concurrent);
  if (policies.overlap != OverlapPolicy::kAllow && policies.max_concurrent != 1) {
    return Error::Validation(path + ".max_concurrent",
                             "applies only with overlap 'allow' (skip and queue run one at a "
                             "time)");
  }
  if (const auto it = json.find("notify_on"); it != json.end() && !it->is_null()) {
    auto outcomes = ReadStringList(json, path, "notify_on", 10);
    if (!outcomes.ok()) return std::move(outcomes).error();
    for (const auto& outcome : *outcomes) {
      if (std::find(kNotifyOutcomes.begin(), kNotifyOutcomes.end(), outcome) ==
          kNotifyOutcomes.end()) {
        return Error::Validation(
            path + ".notify_on",
            fmt::format("'{}' is not one of failure, success, timeout, retry", outcome));
      }
    }
    policies.notify_on = std::move(outcomes).value();
  }
  return policies;
}

}  // namespace

std::string_view ParameterTypeName(ParameterSpec::Type type) {
  for (const auto& [value, name] : kParameterTypes) {
    if (value == type) return name;
  }
  return "string";
}

int MaxConcurrent(const JobPolicies& policies) {
  return policies.overlap == OverlapPolicy::kAllow ? policies.max_concurrent : 1;
}

Result<JobSpec> ParseJobSpec(const nlohmann::json& definition) {
  if (!definition.is_object()) return Error::Validation("", "the job must be a JSON object");
  BATUTA_RETURN_IF_ERROR(RefuseUnknownFields(
      definition, "", {"name", "description", "tags", "type", "config", "parameters", "policies"}));
  JobSpec spec;
  auto name = ReadString(definition, "", "name", /*required=*/true);
  if (!name.ok()) return std::move(name).error();
  spec.name = std::move(name).value();
  BATUTA_RETURN_IF_ERROR(CheckName("name", spec.name, kMaxNameLength));
  auto description = ReadString(definition, "", "description", /*required=*/false);
  if (!description.ok()) return std::move(description).error();
  if (description->size() > kMaxDescriptionLength) {
    return Error::Validation("description",
                             fmt::format("must be at most {} characters", kMaxDescriptionLength));
  }
  spec.description = std::move(description).value();
  auto tags = ReadStringList(definition, "", "tags", kMaxTags);
  if (!tags.ok()) return std::move(tags).error();
  for (std::size_t i = 0; i < tags->size(); ++i) {
    BATUTA_RETURN_IF_ERROR(CheckName(fmt::format("tags[{}]", i), (*tags)[i], 40));
  }
  spec.tags = std::move(tags).value();
  auto type = ReadString(definition, "", "type", /*required=*/true);
  if (!type.ok()) return std::move(type).error();
  spec.type = std::move(type).value();
  if (const auto it = definition.find("config"); it != definition.end() && !it->is_null()) {
    if (!it->is_object()) return Error::Validation("config", "must be an object");
    spec.config = *it;
  }
  if (const auto it = definition.find("parameters"); it != definition.end() && !it->is_null()) {
    if (!it->is_array()) return Error::Validation("parameters", "must be a list");
    if (it->size() > kMaxParameters) {
      return Error::Validation("parameters",
                               fmt::format("must hold at most {} parameters", kMaxParameters));
    }
    std::set<std::string, std::less<>> seen;
    for (std::size_t i = 0; i < it->size(); ++i) {
      const std::string path = fmt::format("parameters[{}]", i);
      auto parameter = ParseParameter((*it)[i], path);
      if (!parameter.ok()) return std::move(parameter).error();
      if (!seen.insert(parameter->name).second) {
        return Error::Validation(path + ".name",
                                 fmt::format("'{}' is declared twice", parameter->name));
      }
      spec.parameters.push_back(std::move(parameter).value());
    }
  }
  auto policies = ParsePolicies(definition.value("policies", nlohmann::json()));
  if (!policies.ok()) return std::move(policies).error();
  spec.policies = std::move(policies).value();
  return spec;
}

nlohmann::json ToJson(const JobSpec& spec) {
  nlohmann::json parameters = nlohmann::json::array();
  for (const auto& parameter : spec.parameters) {
    nlohmann::json item{{"name", parameter.name},
                        {"type", ParameterTypeName(parameter.type)},
                        {"required", parameter.required},
                        {"description", parameter.description}};
    if (parameter.default_value) item["default"] = *parameter.default_value;
    parameters.push_back(std::move(item));
  }
  const auto& policies = spec.policies;
  std::string_view overlap = "queue";
  for (const auto& [value, name] : kOverlapPolicies) {
    if (value == policies.overlap) overlap = name;
  }
  return {
      {"name", spec.name},
      {"description", spec.description},
      {"tags", spec.tags},
      {"type", spec.type},
      {"config", spec.config},
      {"parameters", parameters},
      {"policies",
       {{"timeout_seconds",
         std::chrono::duration_cast<std::chrono::seconds>(policies.timeout).count()},
        {"retries",
         {{"count", policies.retries.count},
          {"backoff_seconds",
           std::chrono::duration_cast<std::chrono::seconds>(policies.retries.initial_backoff)
               .count()},
          {"multiplier", policies.retries.multiplier},
          {"max_backoff_seconds",
           std::chrono::duration_cast<std::chrono::seconds>(policies.retries.max_backoff).count()},
          {"jitter", policies.retries.jitter}}},
        {"overlap", overlap},
        {"max_concurrent", policies.max_concurrent},
        {"notify_on", policies.notify_on}}},
  };
}

}  // namespace batuta::runs
