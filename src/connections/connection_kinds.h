#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace batuta::connections {

// The fields each kind of connection has, which of them are secret, and how a submitted
// document is checked. One table (connection_kinds.cc) describes every kind, so the API, the
// validation and the documentation cannot disagree.

enum class FieldType { kString, kInteger, kChoice };

struct FieldSpec {
  std::string_view name;
  FieldType type = FieldType::kString;
  bool required = false;
  bool secret = false;  // encrypted at rest, write-only in the API, masked in run logs
  std::string_view help;
  std::optional<std::int64_t> default_integer;
  std::string_view default_string;
  std::vector<std::string_view> choices;  // kChoice
  std::int64_t min = 0;                   // kInteger
  std::int64_t max = 0;                   // kInteger
};

struct KindSpec {
  std::string_view name;  // "sqlite", "postgres", "mysql", "odbc", "storage"
  std::string_view description;
  bool is_sql = false;
  std::vector<FieldSpec> fields;
};

std::span<const KindSpec> AllKinds();
const KindSpec* FindKind(std::string_view name);

// Checks `settings` (the non-secret fields) against the kind: unknown fields, wrong types,
// values out of range and missing required fields are kValidation naming
// "settings.<field>"; defaults are filled in. Secret fields given in `settings` are refused
// (they belong in "secrets"), so a password never lands in the plain-text column by mistake.
Result<nlohmann::json> NormalizeSettings(const KindSpec& kind, const nlohmann::json& settings);

// Checks the submitted secret values: every key must be a secret field of the kind, every
// value a string (set) or null (clear). kValidation naming "secrets.<field>".
Status CheckSecretValues(const KindSpec& kind, const nlohmann::json& secrets);

// Cross-field rules that need both parts (odbc: exactly one of dsn or connection_string;
// mysql: host or socket). `present_secrets` are the secret fields that will be set.
Status CheckCombination(const KindSpec& kind, const nlohmann::json& settings,
                        const std::vector<std::string>& present_secrets);

// The kinds as JSON for clients (forms are built from it): name, description, fields with
// type, required, secret, default, choices, range.
nlohmann::json KindsToJson();

// Connection names: 1-64 of [A-Za-z0-9_.-], starting with a letter or digit.
bool IsValidConnectionName(std::string_view name);

}  // namespace batuta::connections
