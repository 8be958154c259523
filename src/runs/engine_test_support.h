#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runs/job_type.h"
#include "runs/run_log_writer.h"
#include "store/sqlite/sqlite_store.h"

namespace batuta::runs::testing {

// A migrated SqliteStore in `dir`; null, with the current test failed, when it cannot be
// opened or migrated.
std::unique_ptr<SqliteStore> OpenMigratedStore(const std::filesystem::path& dir,
                                               const Clock& clock);

// A job type whose Run is a function given by the test.
class FunctionJobType final : public JobType {
 public:
  using Body = std::function<RunOutcome(RunContext&)>;
  FunctionJobType(std::string name, Body body) : name_(std::move(name)), body_(std::move(body)) {}
  std::string_view Name() const override { return name_; }
  std::string_view Description() const override { return "test job type"; }
  Status ValidateConfig(const nlohmann::json& config) const override;
  RunOutcome Run(RunContext& context) const override { return body_(context); }

 private:
  std::string name_;
  Body body_;
};

// Records what the engine writes, per run. Thread-safe.
class RecordingLogWriter final : public RunLogWriter {
 public:
  void Begin(std::string_view run_id, std::int64_t after_seq) override;
  void Write(std::string_view run_id, std::string_view level, std::string_view message) override;
  void RegisterSecret(std::string_view run_id, std::string_view secret) override;
  void Publish(std::string_view run_id, const nlohmann::json& event) override;
  void Persist(std::string_view) override {}
  void End(std::string_view run_id, const nlohmann::json& final_event) override;

  std::vector<std::string> Lines(const std::string& run_id) const;
  std::vector<nlohmann::json> Events(const std::string& run_id) const;
  bool Ended(const std::string& run_id) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::string>, std::less<>> lines_;
  std::map<std::string, std::vector<nlohmann::json>, std::less<>> events_;
  std::map<std::string, bool, std::less<>> ended_;
};

// A latch a test opens once; runners wait on it.
class Gate {
 public:
  void Open();
  void Wait() const;
  // True when opened within `timeout`.
  bool WaitFor(std::chrono::milliseconds timeout) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable opened_;
  bool open_ = false;
};

}  // namespace batuta::runs::testing
