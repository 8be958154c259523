#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace batuta {

// A named external system and how to reach it, as stored. The store never interprets
// `settings` or `secrets`: connections/ validates them per kind and seals each secret field
// (a password, a connection string with credentials) before it gets here, so the store holds
// only ciphertext for them.
struct ConnectionRecord {
  std::string id;
  std::string name;  // unique
  std::string kind;  // "sqlite", "postgres", "mysql", "odbc", "storage"
  std::string description;
  nlohmann::json settings = nlohmann::json::object();  // the non-secret fields
  nlohmann::json secrets = nlohmann::json::object();   // field -> sealed text
  TimePoint created_at;
  TimePoint updated_at;
  std::string updated_by;
};

// Connections. Thread-safe; times are given by the caller.
class ConnectionRepository {
 public:
  virtual ~ConnectionRepository() = default;

  // kConflict when the name (or id) is taken.
  virtual Status Create(const ConnectionRecord& connection) = 0;
  // Replaces name, description, settings and secrets and sets updated_at/updated_by from
  // `connection`; kind and created_at stay. kNotFound for an unknown id, kConflict when the
  // new name is taken.
  virtual Status Update(const ConnectionRecord& connection) = 0;
  // kNotFound for an unknown id.
  virtual Status Delete(std::string_view id) = 0;
  virtual Result<std::optional<ConnectionRecord>> FindById(std::string_view id) = 0;
  virtual Result<std::optional<ConnectionRecord>> FindByName(std::string_view name) = 0;
  // Ordered by name.
  virtual Result<std::vector<ConnectionRecord>> List() = 0;
};

}  // namespace batuta
