#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "logs/secret_masker.h"
#include "store/run_log_repository.h"

namespace batuta::logs {

// Receives one run's live log. Implemented by the API layer on top of http::SseStream.
//
// Calls for one subscriber never overlap and come in order: first the stored lines after the
// requested seq, then live lines and status events, then exactly one of OnEnd or OnDropped,
// after which nothing more is called. Lines arrive in seq order with no gap and no duplicate.
// Calls come from the thread that called LogHub::Subscribe (history) and then from the hub's
// fan-out threads, so implementations must not block: queue the event and return (SseStream
// does). A callback may unsubscribe (LogSubscription::Reset) or call into the hub.
class LogSubscriber {
 public:
  virtual ~LogSubscriber() = default;
  virtual void OnLine(const LogLine& line) = 0;
  // A status event the run published (progress, state change), already masked.
  virtual void OnStatus(const nlohmann::json& status) = 0;
  // The run has closed; `final_status` is its last status. End of stream.
  virtual void OnEnd(const nlohmann::json& final_status) = 0;
  // The hub stopped delivering without the run having closed: the subscriber fell too far
  // behind, reported !Alive(), or the hub is shutting down. The client should reconnect and
  // resume after the last seq it saw, from the store. End of stream.
  virtual void OnDropped() = 0;
  // False once the receiving end is gone; the hub then drops the subscriber.
  virtual bool Alive() const = 0;
};

struct LogHubOptions {
  // The flusher writes pending lines at most this long after they were written ...
  std::chrono::milliseconds flush_interval{200};
  // ... or as soon as this many lines are pending, whichever comes first.
  std::size_t flush_max_lines = 500;
  // Lines per RunLogRepository::Append call.
  std::size_t max_batch_lines = 1000;
  // Wait after a failed Append before the flusher tries again.
  std::chrono::milliseconds retry_interval{1000};
  // Flush attempts Shutdown makes before giving up on a failing store.
  int shutdown_flush_attempts = 3;
  // Lines per RunLogRepository::ListAfter call while a subscriber catches up.
  int history_page_size = 1000;
  // A subscriber more than this many events, or this many bytes of messages, behind the
  // newest event of its run is dropped (OnDropped): a slow client costs bounded memory.
  std::size_t subscriber_max_events = 10000;
  std::size_t subscriber_max_bytes = std::size_t{8} << 20;
  // Released runs whose final status the hub remembers: a subscriber arriving after a run's
  // state was released, without a finished_status, still gets OnEnd.
  std::size_t remember_closed_runs = 4096;
  // Threads calling subscribers. A subscriber that blocks (against the contract) holds one of
  // them; the others keep serving the rest.
  int fanout_threads = 4;
};

// Counters for tests and metrics; a consistent snapshot.
struct LogHubStats {
  std::size_t runs = 0;                 // runs with in-memory state
  std::size_t pending_lines = 0;        // lines not yet stored
  std::size_t subscribers = 0;          // subscribers registered for live events
  std::size_t dropped_subscribers = 0;  // dropped for falling behind, since start
  std::size_t failed_appends = 0;       // RunLogRepository::Append failures, since start
};

namespace detail {
class HubCore;
struct HubSubscriber;
}  // namespace detail

// Keeps a subscriber registered; unsubscribes when reset or destroyed. Move-only; one owner
// (not thread-safe itself). May outlive the hub.
class LogSubscription {
 public:
  LogSubscription() = default;
  LogSubscription(LogSubscription&& other) noexcept = default;
  LogSubscription& operator=(LogSubscription&& other) noexcept;
  LogSubscription(const LogSubscription&) = delete;
  LogSubscription& operator=(const LogSubscription&) = delete;
  ~LogSubscription() { Reset(); }

  // Unsubscribes. When it returns, no callback of the subscriber is running or will start,
  // except when called from inside one of the subscriber's own callbacks: then that callback
  // is the last. No OnEnd/OnDropped follows. Idempotent.
  void Reset();

 private:
  friend class detail::HubCore;
  LogSubscription(std::weak_ptr<detail::HubCore> hub,
                  std::shared_ptr<detail::HubSubscriber> subscriber);

  std::weak_ptr<detail::HubCore> hub_;
  std::shared_ptr<detail::HubSubscriber> subscriber_;
};

// The fan-out point of live run logs. Writers (running jobs, any thread) Write lines; the hub
// masks them with the SecretMasker, numbers them per run (1, 2, 3 ... no gaps), stamps them
// from the Clock, and queues them. One flusher thread stores queued lines in batches through
// RunLogRepository::Append, retrying failures (the repository ignores lines it already has),
// so no line is lost or doubled while the process lives. Subscribers get a run's stored
// lines, then its live lines and status events, without gap or duplicate, each through its
// own cursor into a shared per-run buffer: a slow subscriber costs no other subscriber and no
// writer anything, and is dropped when it falls too far behind.
//
// Lifecycle of a run: Open (or the first Write) ... Write/PublishStatus ... Close. The
// executor should Close a run before marking it finished in the RunRepository, so a client
// that sees it finished finds every line in the store or here. In-memory state of a run is
// released once it is closed, its lines are stored and its last subscriber has left; run ids
// are never reused.
//
// Thread-safe: every method may be called from any thread. The repository, masker and clock
// must outlive the hub and be thread-safe.
class LogHub {
 public:
  LogHub(RunLogRepository& repository, const SecretMasker& masker, const Clock& clock,
         LogHubOptions options = {});
  ~LogHub();  // Shutdown()
  LogHub(const LogHub&) = delete;
  LogHub& operator=(const LogHub&) = delete;

  // Starts numbering a run after `starting_after_seq`, the highest seq already stored (a run
  // that continues after a restart); Write opens a new run at 0 implicitly. kConflict when the
  // hub already numbers the run (it was written to or opened before).
  Status Open(std::string_view run_id, std::int64_t starting_after_seq);

  // Masks, numbers, stamps and queues one line; returns its seq. Never waits for the store or
  // for subscribers. kConflict when the run is closed (as far as the hub remembers: see
  // remember_closed_runs); kUnavailable after Shutdown.
  Result<std::int64_t> Write(std::string_view run_id, std::string_view level,
                             std::string_view message);

  // Sends a (masked) status event to the run's current live subscribers; not stored.
  void PublishStatus(std::string_view run_id, const nlohmann::json& status);

  // Ends the run: subscribers get OnEnd(final_status) (masked) after the lines written before;
  // later Writes fail. Idempotent.
  void Close(std::string_view run_id, const nlohmann::json& final_status);

  // Subscribes to a run's log after `after_seq` (0: from the start; a client's Last-Event-ID
  // to resume). Delivers the history first, on the calling thread (reads the store in pages),
  // then live events on the hub's threads. `finished_status`: the caller's knowledge that the
  // run has already finished (from the RunRepository); when the hub does not have the run
  // open, the subscriber then gets the history and OnEnd(finished_status) before this
  // returns, and the handle is inert; the same for a run the hub closed and released
  // recently. Otherwise an unknown run is taken to start later (or run elsewhere) and the
  // subscriber waits for its lines. Errors: the store's, when reading
  // history fails (nothing more is delivered); kUnavailable after Shutdown.
  Result<LogSubscription> Subscribe(std::string_view run_id, std::int64_t after_seq,
                                    std::shared_ptr<LogSubscriber> subscriber,
                                    std::optional<nlohmann::json> finished_status = std::nullopt);

  // Writes every line pending when called to the store, on the calling thread; returns the
  // first store error (the lines stay queued and are retried).
  Status Flush();

  // Stops accepting writes and subscribers, flushes (a few attempts), drops every subscriber
  // (OnDropped) and joins the hub's threads. Returns the last flush error, if lines could not
  // be stored. Idempotent.
  Status Shutdown();

  LogHubStats Stats() const;

 private:
  std::shared_ptr<detail::HubCore> core_;
};

}  // namespace batuta::logs
