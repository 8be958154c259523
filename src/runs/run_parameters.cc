#include "runs/run_parameters.h"

#include <fmt/format.h>

#include <algorithm>

#include "runs/json_fields.h"

namespace batuta::runs {
namespace {

bool HasType(ParameterSpec::Type type, const nlohmann::json& value) {
  switch (type) {
    case ParameterSpec::Type::kString:
      return value.is_string();
    case ParameterSpec::Type::kInteger:
      return value.is_number_integer();
    case ParameterSpec::Type::kNumber:
      return value.is_number();
    case ParameterSpec::Type::kBoolean:
      return value.is_boolean();
    case ParameterSpec::Type::kDate:
      return value.is_string() && IsIsoDate(value.get<std::string>());
  }
  return false;
}

}  // namespace

Result<nlohmann::json> ResolveParameters(const std::vector<ParameterSpec>& declared,
                                         const nlohmann::json& given) {
  if (!given.is_null() && !given.is_object()) {
    return Error::Validation("parameters", "must be an object of name: value");
  }
  nlohmann::json resolved = nlohmann::json::object();
  if (given.is_object()) {
    for (const auto& item : given.items()) {
      const std::string& name = item.key();
      const nlohmann::json& value = item.value();
      const auto found = std::find_if(declared.begin(), declared.end(),
                                      [&](const ParameterSpec& p) { return p.name == name; });
      if (found == declared.end()) {
        return Error::Validation(FieldPath("parameters", name),
                                 fmt::format("the job declares no parameter '{}'", name));
      }
      if (value.is_null()) continue;
      if (!HasType(found->type, value)) {
        return Error::Validation(
            FieldPath("parameters", name),
            fmt::format("must be a value of type {}", ParameterTypeName(found->type)));
      }
      resolved[name] = value;
    }
  }
  for (const auto& parameter : declared) {
    if (resolved.contains(parameter.name)) continue;
    if (parameter.default_value) {
      resolved[parameter.name] = *parameter.default_value;
    } else if (parameter.required) {
      return Error::Validation(FieldPath("parameters", parameter.name), "is required");
    }
  }
  return resolved;
}

}  // namespace batuta::runs
