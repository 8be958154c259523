#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace batuta::runs {

// Where the engine sends what a run says and what happens to it: the live log hub in the
// server (logs/log_hub.h behind an adapter), a recorder in tests. Implementations are
// thread-safe and must not block on slow readers.
class RunLogWriter {
 public:
  virtual ~RunLogWriter() = default;

  // The run starts writing (after its claim): lines after `after_seq` get the next numbers.
  virtual void Begin(std::string_view run_id, std::int64_t after_seq) = 0;
  // One line of the run's log; masked before it is stored or sent.
  virtual void Write(std::string_view run_id, std::string_view level, std::string_view message) = 0;
  // From now on `secret` is masked in this run's lines.
  virtual void RegisterSecret(std::string_view run_id, std::string_view secret) = 0;
  // A change of the run's status or progress, for live subscribers.
  virtual void Publish(std::string_view run_id, const nlohmann::json& event) = 0;
  // Returns once the lines written so far are in the store. Called before a run's terminal
  // state is stored, so whoever sees the run finished also finds its whole log.
  virtual void Persist(std::string_view run_id) = 0;
  // The run reached a terminal state: subscribers get `final_event` after its lines.
  virtual void End(std::string_view run_id, const nlohmann::json& final_event) = 0;
};

}  // namespace batuta::runs
