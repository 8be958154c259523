#include "connections/connection_kinds.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace batuta::connections {
namespace {

FieldSpec Text(std::string_view name, bool required, std::string_view help) {
  FieldSpec field;
  field.name = name;
  field.required = required;
  field.help = help;
  return field;
}

FieldSpec Secret(std::string_view name, std::string_view help) {
  FieldSpec field = Text(name, false, help);
  field.secret = true;
  return field;
}

FieldSpec Port(std::int64_t default_port) {
  FieldSpec field;
  field.name = "port";
  field.type = FieldType::kInteger;
  field.help = "TCP port";
  field.default_integer = default_port;
  field.min = 1;
  field.max = 65535;
  return field;
}

FieldSpec Choice(std::string_view name, std::string_view default_value,
                 std::vector<std::string_view> choices, std::string_view help) {
  FieldSpec field;
  field.name = name;
  field.type = FieldType::kChoice;
  field.default_string = default_value;
  field.choices = std::move(choices);
  field.help = help;
  return field;
}

FieldSpec ConnectTimeout() {
  FieldSpec field;
  field.name = "connect_timeout_seconds";
  field.type = FieldType::kInteger;
  field.help = "how long connecting may take";
  field.default_integer = 10;
  field.min = 1;
  field.max = 300;
  return field;
}

const std::vector<KindSpec>& Kinds() {
  static const std::vector<KindSpec> kinds{
      {"sqlite",
       "A SQLite database file under the server's sqlite-root folder.",
       true,
       {Text("path", true, "file path, relative to sqlite-root")}},
      {"postgres",
       "A PostgreSQL server (libpq).",
       true,
       {Text("host", true, "host name, IP address or socket folder"), Port(5432),
        Text("database", true, "database name"), Text("user", true, "role to connect as"),
        Secret("password", "the role's password"),
        Choice("sslmode", "prefer",
               {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"},
               "libpq sslmode"),
        ConnectTimeout()}},
      {"mysql",
       "A MariaDB or MySQL server.",
       true,
       {Text("host", false, "host name or IP address (or give socket)"), Port(3306),
        Text("socket", false, "unix socket path, instead of host"),
        Text("database", true, "database name"), Text("user", true, "user to connect as"),
        Secret("password", "the user's password"),
        Choice("ssl_mode", "preferred",
               {"disabled", "preferred", "required", "verify_ca", "verify_identity"}, "TLS use"),
        ConnectTimeout()}},
      {"odbc",
       "Any database with an ODBC driver (Oracle, SQL Server, ...): a DSN or a connection "
       "string.",
       true,
       {Text("dsn", false, "a data source name from odbc.ini (or give connection_string)"),
        Text("user", false, "UID, when not in the DSN or connection string"),
        Secret("connection_string",
               "Driver={...};Server=...; (secret, as it often carries credentials)"),
        Secret("password", "PWD, when not in the DSN or connection string"), ConnectTimeout()}},
      {"storage",
       "A local folder under the server's storage-root, where exports are written.",
       false,
       {Text("folder", true, "folder path, relative to storage-root")}},
  };
  return kinds;
}

Error Invalid(std::string_view prefix, std::string_view field, std::string message) {
  return Error::Validation(fmt::format("{}.{}", prefix, field), std::move(message));
}

const FieldSpec* FindField(const KindSpec& kind, std::string_view name) {
  for (const auto& field : kind.fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

std::string FieldNames(const KindSpec& kind, bool secret) {
  std::string names;
  for (const auto& field : kind.fields) {
    if (field.secret != secret) continue;
    if (!names.empty()) names += ", ";
    names += field.name;
  }
  return names.empty() ? "none" : names;
}

bool NonEmptyString(const nlohmann::json& settings, std::string_view name) {
  const auto it = settings.find(name);
  return it != settings.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::span<const KindSpec> AllKinds() { return Kinds(); }

const KindSpec* FindKind(std::string_view name) {
  for (const auto& kind : Kinds()) {
    if (kind.name == name) return &kind;
  }
  return nullptr;
}

Result<nlohmann::json> NormalizeSettings(const KindSpec& kind, const nlohmann::json& settings) {
  if (!settings.is_object()) return Error::Validation("settings", "must be an object");
  nlohmann::json normalized = nlohmann::json::object();
  for (const auto& [key, value] : settings.items()) {
    const FieldSpec* field = FindField(kind, key);
    if (field == nullptr) {
      return Invalid("settings", key,
                     fmt::format("unknown field for a {} connection; known: {}", kind.name,
                                 FieldNames(kind, false)));
    }
    if (field->secret) {
      return Invalid("settings", key, "is secret: give it in \"secrets\", not \"settings\"");
    }
    if (value.is_null()) continue;  // same as absent
    switch (field->type) {
      case FieldType::kString:
        if (!value.is_string()) return Invalid("settings", key, "must be a string");
        if (value.get_ref<const std::string&>().size() > 1024) {
          return Invalid("settings", key, "must be at most 1024 characters");
        }
        if (value.get_ref<const std::string&>().find('\0') != std::string::npos) {
          return Invalid("settings", key, "must not contain NUL characters");
        }
        break;
      case FieldType::kInteger: {
        if (!value.is_number_integer()) return Invalid("settings", key, "must be an integer");
        const auto number = value.get<std::int64_t>();
        if (number < field->min || number > field->max) {
          return Invalid("settings", key,
                         fmt::format("must be between {} and {}", field->min, field->max));
        }
        break;
      }
      case FieldType::kChoice: {
        if (!value.is_string()) return Invalid("settings", key, "must be a string");
        const auto& text = value.get_ref<const std::string&>();
        if (std::find(field->choices.begin(), field->choices.end(), text) == field->choices.end()) {
          return Invalid("settings", key,
                         fmt::format("must be one of: {}", fmt::join(field->choices, ", ")));
        }
        break;
      }
    }
    normalized[key] = value;
  }
  for (const auto& field : kind.fields) {
    if (field.secret || normalized.contains(field.name)) continue;
    if (field.default_integer) {
      normalized[field.name] = *field.default_integer;
    } else if (!field.default_string.empty()) {
      normalized[field.name] = field.default_string;
    } else if (field.required) {
      return Invalid("settings", field.name, "is required");
    }
  }
  for (const auto& field : kind.fields) {
    if (field.required && field.type == FieldType::kString &&
        !NonEmptyString(normalized, field.name)) {
      return Invalid("settings", field.name, "must not be empty");
    }
  }
  return normalized;
}

Status CheckSecretValues(const KindSpec& kind, const nlohmann::json& secrets) {
  if (!secrets.is_object()) return Error::Validation("secrets", "must be an object");
  for (const auto& [key, value] : secrets.items()) {
    const FieldSpec* field = FindField(kind, key);
    if (field == nullptr || !field->secret) {
      return Invalid("secrets", key,
                     fmt::format("not a secret field of a {} connection; secret fields: {}",
                                 kind.name, FieldNames(kind, true)));
    }
    if (!value.is_string() && !value.is_null()) {
      return Invalid("secrets", key, "must be a string (set) or null (clear)");
    }
    if (value.is_string() && value.get_ref<const std::string&>().size() > 4096) {
      return Invalid("secrets", key, "must be at most 4096 characters");
    }
  }
  return Ok();
}

Status CheckCombination(const KindSpec& kind, const nlohmann::json& settings,
                        const std::vector<std::string>& present_secrets) {
  if (kind.name == "odbc") {
    const bool dsn = NonEmptyString(settings, "dsn");
    const bool string = Contains(present_secrets, "connection_string");
    if (dsn == string) {
      return Error::Validation("settings.dsn",
                               "give either a DSN or a connection string (in secrets), not both");
    }
  }
  if (kind.name == "mysql") {
    if (!NonEmptyString(settings, "host") && !NonEmptyString(settings, "socket")) {
      return Error::Validation("settings.host", "give a host or a socket");
    }
  }
  return Ok();
}

nlohmann::json KindsToJson() {
  nlohmann::json kinds = nlohmann::json::array();
  for (const auto& kind : Kinds()) {
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& field : kind.fields) {
      nlohmann::json out = {{"name", field.name},
                            {"required", field.required},
                            {"secret", field.secret},
                            {"help", field.help}};
      switch (field.type) {
        case FieldType::kString:
          out["type"] = "string";
          break;
        case FieldType::kInteger:
          out["type"] = "integer";
          out["min"] = field.min;
          out["max"] = field.max;
          break;
        case FieldType::kChoice:
          out["type"] = "choice";
          out["choices"] = field.choices;
          break;
      }
      if (field.default_integer) out["default"] = *field.default_integer;
      if (!field.default_string.empty()) out["default"] = field.default_string;
      fields.push_back(std::move(out));
    }
    kinds.push_back({{"name", kind.name},
                     {"description", kind.description},
                     {"sql", kind.is_sql},
                     {"fields", std::move(fields)}});
  }
  return kinds;
}

bool IsValidConnectionName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  };
  if (!std::all_of(name.begin(), name.end(), allowed)) return false;
  return name.front() != '.' && name.front() != '-' && name.front() != '_';
}

}  // namespace batuta::connections
