#include "connections/connection_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <system_error>
#include <utility>

#include "connections/connection_kinds.h"
#include "core/log.h"
#include "secrets/secret_box.h"
#include "storage/local_storage.h"

namespace batuta::connections {
namespace {

using std::chrono::milliseconds;

std::string AssociatedData(std::string_view id, std::string_view field) {
  return fmt::format("connection:{}:{}", id, field);
}

std::string StringSetting(const nlohmann::json& settings, std::string_view name) {
  const auto it = settings.find(name);
  return it != settings.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t IntegerSetting(const nlohmann::json& settings, std::string_view name,
                            std::int64_t fallback) {
  const auto it = settings.find(name);
  return it != settings.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

Result<std::string> RequiredString(const nlohmann::json& body, std::string_view field) {
  const auto it = body.find(field);
  if (it == body.end() || !it->is_string()) {
    return Error::Validation(std::string(field), "is required and must be a string");
  }
  return it->get<std::string>();
}

Status CheckName(std::string_view name) {
  if (!IsValidConnectionName(name)) {
    return Error::Validation("name",
                             "must be 1-64 letters, digits, '_', '.' or '-', starting with a "
                             "letter or digit");
  }
  return Ok();
}

bool Mentions(const nlohmann::json& definition, std::string_view name) {
  const auto config = definition.find("config");
  if (config == definition.end() || !config->is_object()) return false;
  const auto connection = config->find("connection");
  if (connection != config->end() && connection->is_string() && *connection == name) return true;
  const auto output = config->find("output");
  if (output == config->end() || !output->is_object()) return false;
  const auto storage = output->find("storage");
  return storage != output->end() && storage->is_string() && *storage == name;
}

milliseconds ConnectTimeout(const nlohmann::json& settings) {
  return std::chrono::seconds(IntegerSetting(settings, "connect_timeout_seconds", 10));
}

}  // namespace

ConnectionService::ConnectionService(Store& store, const secrets::MasterKey& key,
                                     auth::AuditTrail& audit, const Clock& clock,
                                     ConnectionRoots roots)
    : store_(store),
      key_(key),
      audit_(audit),
      clock_(clock),
      roots_(std::move(roots)),
      ids_(clock) {}

Result<ConnectionRecord> ConnectionService::Build(
    const nlohmann::json& body, const std::optional<ConnectionRecord>& base) const {
  if (!body.is_object()) return Error::Validation("body", "must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    static constexpr std::array<std::string_view, 5> kKnown{"name", "kind", "description",
                                                            "settings", "secrets"};
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) {
      return Error::Validation(key,
                               "unknown field; known: name, kind, description, settings, "
                               "secrets");
    }
  }
  ConnectionRecord record;
  if (base) {
    record = *base;
    const auto kind = body.find("kind");
    if (kind != body.end() && (!kind->is_string() || *kind != base->kind)) {
      return Error::Validation("kind", "a connection keeps its kind; create a new one instead");
    }
  } else {
    auto kind = RequiredString(body, "kind");
    if (!kind.ok()) return std::move(kind).error();
    record.kind = std::move(kind).value();
    record.id = ids_.Next();
    record.created_at = clock_.Now();
  }
  const KindSpec* kind = FindKind(record.kind);
  if (kind == nullptr) {
    std::vector<std::string_view> names;
    for (const auto& spec : AllKinds()) names.push_back(spec.name);
    return Error::Validation("kind", fmt::format("must be one of: {}", fmt::join(names, ", ")));
  }

  if (!base || body.contains("name")) {
    auto name = RequiredString(body, "name");
    if (!name.ok()) return std::move(name).error();
    BATUTA_RETURN_IF_ERROR(CheckName(*name));
    record.name = std::move(name).value();
  }
  if (body.contains("description")) {
    const auto& description = body["description"];
    if (!description.is_string() || description.get_ref<const std::string&>().size() > 2000) {
      return Error::Validation("description", "must be a string of at most 2000 characters");
    }
    record.description = description.get<std::string>();
  }
  if (!base || body.contains("settings")) {
    auto settings = NormalizeSettings(*kind, body.value("settings", nlohmann::json::object()));
    if (!settings.ok()) return std::move(settings).error();
    record.settings = std::move(settings).value();
  }
  const nlohmann::json submitted = body.value("secrets", nlohmann::json::object());
  BATUTA_RETURN_IF_ERROR(CheckSecretValues(*kind, submitted));
  for (const auto& [field, value] : submitted.items()) {
    if (value.is_null() || value.get_ref<const std::string&>().empty()) {
      record.secrets.erase(field);
    } else {
      record.secrets[field] =
          secrets::Seal(key_, value.get<std::string>(), AssociatedData(record.id, field));
    }
  }
  std::vector<std::string> present;
  for (const auto& [field, value] : record.secrets.items()) present.push_back(field);
  BATUTA_RETURN_IF_ERROR(CheckCombination(*kind, record.settings, present));
  if (kind->name == "storage") {
    auto folder = StorageFolder(record);
    if (!folder.ok()) return std::move(folder).error();
  }
  if (kind->name == "sqlite") {
    auto endpoint = Endpoint(record, nullptr);
    if (!endpoint.ok()) return std::move(endpoint).error();
  }
  return record;
}

Result<ConnectionRecord> ConnectionService::Create(const nlohmann::json& body,
                                                   const auth::Actor& actor) {
  auto record = Build(body, std::nullopt);
  if (!record.ok()) return std::move(record).error();
  record->updated_at = record->created_at;
  record->updated_by = actor.name;
  BATUTA_RETURN_IF_ERROR(store_.Connections().Create(*record));
  (void)audit_.Record(actor, "connection.create", "connection", record->id, "success",
                      {{"name", record->name}, {"kind", record->kind}});
  return record;
}

Result<ConnectionRecord> ConnectionService::Update(std::string_view id, const nlohmann::json& body,
                                                   const auth::Actor& actor) {
  auto stored = Get(id);
  if (!stored.ok()) return std::move(stored).error();
  auto record = Build(body, *stored);
  if (!record.ok()) return std::move(record).error();
  if (record->name != stored->name) {
    auto users = JobsUsing(stored->name);
    if (!users.ok()) return std::move(users).error();
    if (!users->empty()) {
      return Error::Conflict(fmt::format(
          "connection '{}' is used by job '{}': change the job before renaming the connection",
          stored->name, users->front()));
    }
  }
  record->updated_at = clock_.Now();
  record->updated_by = actor.name;
  BATUTA_RETURN_IF_ERROR(store_.Connections().Update(*record));
  std::vector<std::string> changed_secrets;
  const nlohmann::json submitted = body.value("secrets", nlohmann::json::object());
  for (const auto& [field, value] : submitted.items()) changed_secrets.push_back(field);
  (void)audit_.Record(actor, "connection.update", "connection", record->id, "success",
                      {{"name", record->name}, {"secrets_changed", changed_secrets}});
  return record;
}

Status ConnectionService::Delete(std::string_view id, const auth::Actor& actor) {
  auto stored = Get(id);
  if (!stored.ok()) return std::move(stored).error();
  auto users = JobsUsing(stored->name);
  if (!users.ok()) return std::move(users).error();
  if (!users->empty()) {
    return Error::Conflict(
        fmt::format("connection '{}' is used by job '{}'", stored->name, users->front()));
  }
  BATUTA_RETURN_IF_ERROR(store_.Connections().Delete(id));
  (void)audit_.Record(actor, "connection.delete", "connection", stored->id, "success",
                      {{"name", stored->name}});
  return Ok();
}

Result<ConnectionRecord> ConnectionService::Get(std::string_view id) {
  auto found = store_.Connections().FindById(id);
  if (!found.ok()) return std::move(found).error();
  if (!found->has_value()) return Error::NotFound(fmt::format("no connection with id '{}'", id));
  return std::move(**found);
}

Result<std::vector<ConnectionRecord>> ConnectionService::List() {
  return store_.Connections().List();
}

Result<TestOutcome> ConnectionService::Test(std::string_view id, const auth::Actor& actor) {
  auto stored = Get(id);
  if (!stored.ok()) return std::move(stored).error();
  auto outcome = RunTest(*stored);
  if (!outcome.ok()) return std::move(outcome).error();
  (void)audit_.Record(actor, "connection.test", "connection", stored->id,
                      outcome->ok ? "success" : "failure", {{"name", stored->name}});
  return outcome;
}

Result<TestOutcome> ConnectionService::TestDraft(const nlohmann::json& body,
                                                 std::optional<std::string> base_id,
                                                 const auth::Actor& actor) {
  std::optional<ConnectionRecord> base;
  if (base_id) {
    auto stored = Get(*base_id);
    if (!stored.ok()) return std::move(stored).error();
    base = std::move(stored).value();
  }
  auto record = Build(body, base);
  if (!record.ok()) return std::move(record).error();
  auto outcome = RunTest(*record);
  if (!outcome.ok()) return std::move(outcome).error();
  (void)audit_.Record(actor, "connection.test", "connection", base_id.value_or(""),
                      outcome->ok ? "success" : "failure",
                      {{"name", record->name}, {"draft", true}});
  return outcome;
}

Result<TestOutcome> ConnectionService::RunTest(const ConnectionRecord& record) const {
  const auto started = std::chrono::steady_clock::now();
  TestOutcome outcome;
  const auto finish = [&]() {
    outcome.elapsed =
        std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    return outcome;
  };
  if (record.kind == "storage") {
    auto folder = StorageFolder(record);
    if (!folder.ok()) return std::move(folder).error();
    std::error_code error;
    std::filesystem::create_directories(*folder, error);
    const auto probe = *folder / fmt::format(".batuta-probe-{}", RandomHex(6));
    {
      std::ofstream out(probe, std::ios::binary);
      out << "probe";
      if (!out.good() || error) {
        outcome.message =
            fmt::format("cannot write in folder '{}'", StringSetting(record.settings, "folder"));
        return finish();
      }
    }
    std::filesystem::remove(probe, error);
    outcome.ok = true;
    outcome.message = "folder is writable";
    return finish();
  }
  std::vector<std::string> secret_values;
  auto endpoint = Endpoint(record, &secret_values);
  if (!endpoint.ok()) {
    if (endpoint.error().code == ErrorCode::kValidation) return std::move(endpoint).error();
    outcome.message = endpoint.error().message;
    return finish();
  }
  auto session = sources::OpenSqlSession(*endpoint, ConnectTimeout(record.settings));
  if (!session.ok()) {
    outcome.message = session.error().message;
    return finish();
  }
  auto version = (*session)->ServerVersion();
  if (!version.ok()) {
    outcome.message = version.error().message;
    return finish();
  }
  outcome.ok = true;
  outcome.message = *version;
  return finish();
}

Result<ResolvedSql> ConnectionService::ResolveSql(std::string_view name, const auth::Actor& actor) {
  auto found = store_.Connections().FindByName(name);
  if (!found.ok()) return std::move(found).error();
  if (!found->has_value()) return Error::NotFound(fmt::format("no connection named '{}'", name));
  const KindSpec* kind = FindKind((*found)->kind);
  if (kind == nullptr || !kind->is_sql) {
    return Error::Validation(
        "config.connection",
        fmt::format("connection '{}' is a {} connection, not a database", name, (*found)->kind));
  }
  ResolvedSql resolved;
  auto endpoint = Endpoint(**found, &resolved.secret_values);
  if (!endpoint.ok()) return std::move(endpoint).error();
  resolved.endpoint = std::move(endpoint).value();
  resolved.record = std::move(**found);
  (void)audit_.Record(actor, "connection.use", "connection", resolved.record.id, "success",
                      {{"name", resolved.record.name}});
  return resolved;
}

Result<std::filesystem::path> ConnectionService::ResolveStorage(std::string_view name) {
  auto found = store_.Connections().FindByName(name);
  if (!found.ok()) return std::move(found).error();
  if (!found->has_value()) {
    return Error::NotFound(fmt::format("no storage connection named '{}'", name));
  }
  if ((*found)->kind != "storage") {
    return Error::Validation(
        "config.output.storage",
        fmt::format("connection '{}' is a {} connection, not a storage", name, (*found)->kind));
  }
  auto folder = StorageFolder(**found);
  if (!folder.ok()) return std::move(folder).error();
  std::error_code error;
  std::filesystem::create_directories(*folder, error);
  if (error) {
    return Error::Unavailable(
        fmt::format("cannot create the folder of storage '{}': {}", name, error.message()));
  }
  return folder;
}

Result<std::vector<std::pair<std::string, std::filesystem::path>>>
ConnectionService::StorageFolders() const {
  auto records = store_.Connections().List();
  if (!records.ok()) return std::move(records).error();
  std::vector<std::pair<std::string, std::filesystem::path>> folders;
  for (const ConnectionRecord& record : *records) {
    if (record.kind != "storage") continue;
    auto folder = StorageFolder(record);
    if (folder.ok()) folders.emplace_back(record.name, std::move(folder).value());
  }
  return folders;
}

Status ConnectionService::EnsureDefaultStorage() {
  auto found = store_.Connections().FindByName(kDefaultStorage);
  if (!found.ok()) return std::move(found).error();
  if (found->has_value()) return Ok();
  auto created = Create({{"name", kDefaultStorage},
                         {"kind", "storage"},
                         {"description", "exports/ in the data directory"},
                         {"settings", {{"folder", "exports"}}}},
                        auth::Actor::System("start-up"));
  if (!created.ok() && created.error().code != ErrorCode::kConflict) {
    return std::move(created).error();
  }
  return Ok();
}

Result<std::filesystem::path> ConnectionService::StorageFolder(
    const ConnectionRecord& record) const {
  const std::string folder = StringSetting(record.settings, "folder");
  const std::string first = folder.substr(0, folder.find('/'));
  for (const auto& reserved : roots_.reserved_folders) {
    if (first == reserved) {
      return Error::Validation("settings.folder",
                               fmt::format("'{}' is reserved for batuta's own files", reserved));
    }
  }
  auto root = storage::LocalStorage::Open(roots_.storage_root);
  if (!root.ok()) return std::move(root).error();
  auto resolved = root->Resolve(folder);
  if (!resolved.ok()) {
    return Error::Validation("settings.folder", resolved.error().message);
  }
  return resolved;
}

Result<sources::SqlEndpoint> ConnectionService::Endpoint(
    const ConnectionRecord& record, std::vector<std::string>* secret_values) const {
  sources::SqlEndpoint endpoint;
  const auto secret = [&](std::string_view field) -> Result<std::string> {
    const auto it = record.secrets.find(field);
    if (it == record.secrets.end() || !it->is_string()) return std::string();
    auto opened = secrets::Open(key_, it->get<std::string>(), AssociatedData(record.id, field));
    if (!opened.ok()) {
      return Error::Unavailable(fmt::format("the {} of connection '{}' cannot be read: {}", field,
                                            record.name, opened.error().message));
    }
    if (secret_values != nullptr && !opened->empty()) secret_values->push_back(*opened);
    return opened;
  };
  const auto& settings = record.settings;
  if (record.kind == "sqlite") {
    endpoint.kind = sources::SqlKind::kSqlite;
    auto root = storage::LocalStorage::Open(roots_.sqlite_root);
    if (!root.ok()) return std::move(root).error();
    auto path = root->Resolve(StringSetting(settings, "path"));
    if (!path.ok()) return Error::Validation("settings.path", path.error().message);
    endpoint.sqlite_path = path->string();
    return endpoint;
  }
  if (record.kind == "postgres" || record.kind == "mysql") {
    endpoint.kind =
        record.kind == "postgres" ? sources::SqlKind::kPostgres : sources::SqlKind::kMysql;
    endpoint.host = StringSetting(settings, "host");
    endpoint.port = static_cast<int>(IntegerSetting(settings, "port", 0));
    endpoint.socket = StringSetting(settings, "socket");
    endpoint.database = StringSetting(settings, "database");
    endpoint.user = StringSetting(settings, "user");
    auto password = secret("password");
    if (!password.ok()) return std::move(password).error();
    endpoint.password = std::move(password).value();
    if (record.kind == "postgres") {
      endpoint.options["sslmode"] = StringSetting(settings, "sslmode");
    } else {
      endpoint.options["ssl_mode"] = StringSetting(settings, "ssl_mode");
    }
    return endpoint;
  }
  if (record.kind == "odbc") {
    endpoint.kind = sources::SqlKind::kOdbc;
    auto connection_string = secret("connection_string");
    if (!connection_string.ok()) return std::move(connection_string).error();
    endpoint.odbc_connection_string = connection_string->empty()
                                          ? fmt::format("DSN={}", StringSetting(settings, "dsn"))
                                          : std::move(connection_string).value();
    endpoint.user = StringSetting(settings, "user");
    auto password = secret("password");
    if (!password.ok()) return std::move(password).error();
    endpoint.password = std::move(password).value();
    return endpoint;
  }
  return Error::Validation("kind", fmt::format("'{}' is not a database connection", record.kind));
}

Result<std::vector<std::string>> ConnectionService::JobsUsing(std::string_view name) {
  std::vector<std::string> users;
  JobFilter filter;
  filter.limit = 500;
  while (true) {
    auto jobs = store_.Jobs().List(filter);
    if (!jobs.ok()) return std::move(jobs).error();
    for (const auto& job : *jobs) {
      if (Mentions(job.definition, name)) users.push_back(job.name);
    }
    if (static_cast<int>(jobs->size()) < filter.limit) break;
    filter.after_name = jobs->back().name;
  }
  return users;
}

nlohmann::json ConnectionService::ToJson(const ConnectionRecord& record) {
  nlohmann::json secrets = nlohmann::json::object();
  if (const KindSpec* kind = FindKind(record.kind); kind != nullptr) {
    for (const auto& field : kind->fields) {
      if (field.secret) secrets[field.name] = record.secrets.contains(field.name);
    }
  }
  return {{"id", record.id},
          {"name", record.name},
          {"kind", record.kind},
          {"description", record.description},
          {"settings", record.settings},
          {"secrets", std::move(secrets)},
          {"created_at", FormatRfc3339(record.created_at)},
          {"updated_at", FormatRfc3339(record.updated_at)},
          {"updated_by", record.updated_by}};
}

}  // namespace batuta::connections
