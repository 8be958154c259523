#include "runs/engine_test_support.h"

#include <gtest/gtest.h>

namespace batuta::runs::testing {

std::unique_ptr<SqliteStore> OpenMigratedStore(const std::filesystem::path& dir,
                                               const Clock& clock) {
  auto store = SqliteStore::Open(dir / "batuta.db", clock);
  if (!store.ok()) {
    ADD_FAILURE() << "cannot open the store: " << store.error().message;
    return nullptr;
  }
  if (auto migrated = (*store)->Migrate(); !migrated.ok()) {
    ADD_FAILURE() << "cannot migrate the store: " << migrated.error().message;
    return nullptr;
  }
  return std::move(store).value();
}

Status FunctionJobType::ValidateConfig(const nlohmann::json& config) const {
  if (config.contains("invalid")) return Error::Validation("config.invalid", "is not allowed");
  return Ok();
}

void RecordingLogWriter::Begin(std::string_view, std::int64_t) {}

void RecordingLogWriter::Write(std::string_view run_id, std::string_view level,
                               std::string_view message) {
  const std::lock_guard lock(mutex_);
  lines_[std::string(run_id)].push_back(std::string(level) + ": " + std::string(message));
}

void RecordingLogWriter::RegisterSecret(std::string_view, std::string_view) {}

void RecordingLogWriter::Publish(std::string_view run_id, const nlohmann::json& event) {
  const std::lock_guard lock(mutex_);
  events_[std::string(run_id)].push_back(event);
}

void RecordingLogWriter::End(std::string_view run_id, const nlohmann::json& final_event) {
  const std::lock_guard lock(mutex_);
  events_[std::string(run_id)].push_back(final_event);
  ended_[std::string(run_id)] = true;
}

std::vector<std::string> RecordingLogWriter::Lines(const std::string& run_id) const {
  const std::lock_guard lock(mutex_);
  const auto it = lines_.find(run_id);
  return it == lines_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<nlohmann::json> RecordingLogWriter::Events(const std::string& run_id) const {
  const std::lock_guard lock(mutex_);
  const auto it = events_.find(run_id);
  return it == events_.end() ? std::vector<nlohmann::json>{} : it->second;
}

bool RecordingLogWriter::Ended(const std::string& run_id) const {
  const std::lock_guard lock(mutex_);
  return ended_.contains(run_id);
}

void Gate::Open() {
  {
    const std::lock_guard lock(mutex_);
    open_ = true;
  }
  opened_.notify_all();
}

void Gate::Wait() const {
  std::unique_lock lock(mutex_);
  opened_.wait(lock, [this] { return open_; });
}

bool Gate::WaitFor(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return opened_.wait_for(lock, timeout, [this] { return open_; });
}

}  // namespace batuta::runs::testing
