#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/audit_trail.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/result.h"
#include "secrets/master_key.h"
#include "sources/sql_session.h"
#include "store/store.h"

namespace batuta::connections {

// Where connections may point on this server's disk. A SQLite connection's file must lie
// under sqlite_root and a storage connection's folder under storage_root; names in
// `reserved_folders` may not be a storage folder's first component (with the default
// storage_root, the data directory, they keep exports away from batuta's own files).
struct ConnectionRoots {
  std::filesystem::path sqlite_root;
  std::filesystem::path storage_root;
  std::vector<std::string> reserved_folders;
};

// The result of "test connection": whether it worked, what answered, how long it took. A
// test that could not connect is a result (ok false, with the driver's message), not an error.
struct TestOutcome {
  bool ok = false;
  std::string message;  // "PostgreSQL 15.10" or the failure, never a secret
  std::chrono::milliseconds elapsed{0};
};

// A SQL connection ready for a run: the endpoint with secrets decrypted, and those secret
// values, which the caller registers with its run's log masking before it logs anything.
struct ResolvedSql {
  ConnectionRecord record;  // secrets still sealed
  sources::SqlEndpoint endpoint;
  std::vector<std::string> secret_values;
};

// Connections: create, edit, delete, list, test, and resolve for runs. Secret fields are
// sealed (secrets/secret_box.h) with the connection id and field name as associated data
// before they reach the store, and are never returned: ToJson shows them as set or not.
// Every change, test and use is audited. Thread-safe (the store is; the key is immutable).
//
// Document shapes (see api/openapi.yaml):
//   create  {"name", "kind", "description"?, "settings": {...}, "secrets": {"password": "..."}}
//   update  {"name"?, "description"?, "settings"? (replaces all), "secrets"? (per field: a
//            string replaces, null clears, absent keeps)}
class ConnectionService {
 public:
  ConnectionService(Store& store, const secrets::MasterKey& key, auth::AuditTrail& audit,
                    const Clock& clock, ConnectionRoots roots);

  Result<ConnectionRecord> Create(const nlohmann::json& body, const auth::Actor& actor);
  Result<ConnectionRecord> Update(std::string_view id, const nlohmann::json& body,
                                  const auth::Actor& actor);
  // kConflict naming the job when a job uses it.
  Status Delete(std::string_view id, const auth::Actor& actor);
  Result<ConnectionRecord> Get(std::string_view id);
  Result<std::vector<ConnectionRecord>> List();

  // Connects (SQL: asks the server's version; storage: writes and removes a probe file).
  Result<TestOutcome> Test(std::string_view id, const auth::Actor& actor);
  // The same for a document not saved yet (a create body, or an update body applied on top of
  // the stored connection `base_id`, whose secrets are used where the body omits them).
  Result<TestOutcome> TestDraft(const nlohmann::json& body, std::optional<std::string> base_id,
                                const auth::Actor& actor);

  // For runs: kNotFound when no connection has that name, kValidation when it is not of the
  // wanted family. Audited as a use of the connection by `actor`.
  Result<ResolvedSql> ResolveSql(std::string_view name, const auth::Actor& actor);
  // The absolute folder of a storage connection (created if missing).
  Result<std::filesystem::path> ResolveStorage(std::string_view name);

  // The folder of every storage connection, by connection name, whether it exists or not
  // (for start-up housekeeping). A connection whose folder no longer resolves is left out.
  Result<std::vector<std::pair<std::string, std::filesystem::path>>> StorageFolders() const;

  // Creates the storage connection "exports" (folder exports/) when no connection has that
  // name: what an export writes to when its job names no storage.
  Status EnsureDefaultStorage();

  // The API form: secrets as {"<field>": true|false} (set or not), never their values.
  static nlohmann::json ToJson(const ConnectionRecord& record);

  static constexpr std::string_view kDefaultStorage = "exports";

 private:
  // Validates `body` into a record: for create `base` is empty; for update it is the stored one.
  Result<ConnectionRecord> Build(const nlohmann::json& body,
                                 const std::optional<ConnectionRecord>& base) const;
  Result<sources::SqlEndpoint> Endpoint(const ConnectionRecord& record,
                                        std::vector<std::string>* secret_values) const;
  Result<std::filesystem::path> StorageFolder(const ConnectionRecord& record) const;
  Result<TestOutcome> RunTest(const ConnectionRecord& record) const;
  // The jobs whose definition names the connection (config.connection, config.output.storage).
  Result<std::vector<std::string>> JobsUsing(std::string_view name);

  Store& store_;
  const secrets::MasterKey& key_;
  auth::AuditTrail& audit_;
  const Clock& clock_;
  const ConnectionRoots roots_;
  IdGenerator ids_;
};

}  // namespace batuta::connections
