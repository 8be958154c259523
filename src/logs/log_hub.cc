#include "logs/log_hub.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <condition_variable>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace batuta::logs {
namespace detail {
namespace {

constexpr std::int64_t kUnbounded = std::numeric_limits<std::int64_t>::max();
// Events a fan-out thread hands one subscriber before serving the next (fairness).
constexpr std::size_t kFanoutBatch = 256;
// Bytes an event counts for beyond its message: seq, time, level, framing.
constexpr std::size_t kEventOverhead = 64;

}  // namespace

// One entry of a run's fan-out buffer, shared by every subscriber (never copied per subscriber).
struct HubEvent {
  enum class Kind { kLine, kStatus, kEnd };
  Kind kind = Kind::kLine;
  LogLine line;                 // kLine
  nlohmann::json json;          // kStatus, kEnd
  std::uint64_t bytes_end = 0;  // the run's cumulative event bytes up to and including this one
};

struct HubRun;

struct HubSubscriber {
  std::shared_ptr<LogSubscriber> sink;
  std::shared_ptr<HubRun> run;  // null for a subscription that was never live

  // Guarded by the hub mutex.
  std::uint64_t cursor = 0;        // index in the run's buffer of the next event to hand over
  std::uint64_t cursor_bytes = 0;  // the run's cumulative bytes before `cursor`
  bool registered = false;         // in run->subscribers: receives and pins events
  // Some thread owns delivery: the Subscribe caller during history, or a fan-out thread (the
  // subscriber is then in the ready queue or being served). Writers schedule only when false.
  bool scheduled = false;
  bool dropped = false;  // must get OnDropped; no longer registered

  // Owned by the thread that owns delivery (see `scheduled`); handed over under the hub mutex.
  std::int64_t last_delivered = 0;  // highest seq delivered
  bool finished = false;            // OnEnd or OnDropped delivered

  // Held while callbacks run, so Reset can wait for them.
  std::mutex callback_mutex;
  std::atomic<bool> cancelled{false};
  std::atomic<std::thread::id> delivering{};
};

// In-memory state of one run. Guarded by the hub mutex.
struct HubRun {
  std::string id;
  // False while the state exists only because someone subscribed: nobody here numbers it.
  bool seq_known = false;
  std::int64_t opened_after = 0;  // Open's starting_after_seq
  std::int64_t last_seq = 0;      // last seq assigned
  // Lines not yet acknowledged by the store: always the contiguous seqs after the stored ones,
  // up to last_seq. Only the flusher pops, from the front, after a successful Append.
  std::deque<LogLine> unstored;
  bool closed = false;
  nlohmann::json final_status;

  // Fan-out buffer: events since the oldest cursor of a registered subscriber. Empty when
  // nobody is registered. Index of log.front() is log_base.
  std::deque<std::shared_ptr<const HubEvent>> log;
  std::uint64_t log_base = 0;
  std::uint64_t total_bytes = 0;
  std::vector<std::shared_ptr<HubSubscriber>> subscribers;

  std::uint64_t head() const { return log_base + log.size(); }
};

class HubCore : public std::enable_shared_from_this<HubCore> {
 public:
  HubCore(RunLogRepository& repository, const SecretMasker& masker, const Clock& clock,
          LogHubOptions options)
      : repository_(repository), masker_(masker), clock_(clock), options_(options) {}

  void Start() {
    flusher_ = std::thread([this] { FlusherLoop(); });
    const int threads = std::max(1, options_.fanout_threads);
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  }

  Status Open(std::string_view run_id, std::int64_t starting_after_seq) {
    std::lock_guard lock(mutex_);
    if (stopping_) return Error::Unavailable("log hub is shutting down");
    HubRun* found = FindOrCreateLocked(run_id);
    if (found == nullptr)
      return Error::Conflict("log of run " + std::string(run_id) + " is closed");
    HubRun& run = *found;
    if (run.seq_known || run.closed) {
      return Error::Conflict("log of run " + std::string(run_id) + " is already open");
    }
    run.seq_known = true;
    run.opened_after = starting_after_seq;
    run.last_seq = starting_after_seq;
    return Ok();
  }

  Result<std::int64_t> Write(std::string_view run_id, std::string_view level,
                             std::string_view message) {
    std::string masked = masker_.Mask(run_id, message);  // the expensive part, unlocked
    std::size_t woken = 0;
    bool wake_flusher = false;
    std::int64_t seq = 0;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return Error::Unavailable("log hub is shutting down");
      HubRun* found = FindOrCreateLocked(run_id);
      if (found == nullptr || found->closed) {
        return Error::Conflict("log of run " + std::string(run_id) + " is closed");
      }
      HubRun& run = *found;
      run.seq_known = true;
      seq = ++run.last_seq;
      // Stamped under the lock so `at` never goes backwards along seq.
      LogLine line{seq, clock_.Now(), std::string(level), std::move(masked)};
      if (!run.subscribers.empty()) {
        HubEvent event;
        event.line = line;
        woken = AppendEventLocked(run, std::move(event));
      }
      run.unstored.push_back(std::move(line));
      ++pending_lines_;
      // The first pending line starts the flush interval; enough lines end it early.
      wake_flusher = pending_lines_ == 1 || pending_lines_ >= options_.flush_max_lines;
    }
    Wake(woken);
    if (wake_flusher) flush_cv_.notify_one();
    return seq;
  }

  void PublishStatus(std::string_view run_id, const nlohmann::json& status) {
    nlohmann::json masked = masker_.MaskJson(run_id, status);
    std::size_t woken = 0;
    {
      std::lock_guard lock(mutex_);
      const auto it = runs_.find(run_id);
      if (it == runs_.end() || it->second->closed || it->second->subscribers.empty()) return;
      HubEvent event;
      event.kind = HubEvent::Kind::kStatus;
      event.json = std::move(masked);
      woken = AppendEventLocked(*it->second, std::move(event));
    }
    Wake(woken);
  }

  void Close(std::string_view run_id, const nlohmann::json& final_status) {
    nlohmann::json masked = masker_.MaskJson(run_id, final_status);
    std::size_t woken = 0;
    {
      std::lock_guard lock(mutex_);
      const auto it = runs_.find(run_id);
      if (it == runs_.end()) {
        RememberClosedLocked(run_id, masked);  // never written here: only late subscribers care
        return;
      }
      if (it->second->closed) return;
      const std::shared_ptr<HubRun> run = it->second;
      run->closed = true;
      run->final_status = masked;
      if (!run->subscribers.empty()) {
        HubEvent event;
        event.kind = HubEvent::Kind::kEnd;
        event.json = std::move(masked);
        woken = AppendEventLocked(*run, std::move(event));
      }
      if (!run->unstored.empty()) flush_urgent_ = true;  // a finished run is stored promptly
      MaybeReleaseLocked(run);
    }
    Wake(woken);
    flush_cv_.notify_one();
  }

  Result<LogSubscription> Subscribe(std::string_view run_id, std::int64_t after_seq,
                                    std::shared_ptr<LogSubscriber> sink,
                                    std::optional<nlohmann::json> finished_status) {
    auto subscriber = std::make_shared<HubSubscriber>();
    subscriber->sink = std::move(sink);
    subscriber->last_delivered = after_seq;
    std::shared_ptr<HubRun> run;  // the state whose unstored lines complete the history
    std::int64_t history_end = kUnbounded;
    bool live = false;
    nlohmann::json final_status;
    if (finished_status.has_value()) finished_status = masker_.MaskJson(run_id, *finished_status);
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return Error::Unavailable("log hub is shutting down");
      const auto it = runs_.find(run_id);
      std::shared_ptr<HubRun> known = it == runs_.end() ? nullptr : it->second;
      if (known == nullptr && !finished_status.has_value()) {
        const auto closed = recently_closed_.find(run_id);
        if (closed != recently_closed_.end()) finished_status = closed->second;
      }
      if (known != nullptr && known->closed) {
        run = known;
        final_status = known->final_status;
        if (known->seq_known) history_end = known->last_seq;
      } else if ((known == nullptr || !known->seq_known) && finished_status.has_value()) {
        // Not numbered here and finished, per the caller: everything is in the store.
        final_status = *finished_status;
      } else {
        if (known == nullptr) known = CreateLocked(run_id);
        run = known;
        live = true;
        if (known->seq_known) history_end = known->last_seq;
        // Registered before reading history: every event from now on is buffered for it.
        subscriber->run = known;
        subscriber->cursor = known->head();
        subscriber->cursor_bytes = known->total_bytes;
        subscriber->registered = true;
        subscriber->scheduled = true;  // this thread delivers until the history is done
        known->subscribers.push_back(subscriber);
      }
    }

    Status history = DeliverHistory(run_id, *subscriber, run, history_end);
    if (!history.ok()) {
      subscriber->cancelled = true;
      std::lock_guard lock(mutex_);
      RemoveSubscriberLocked(*subscriber);
      subscriber->scheduled = false;
      return std::move(history).error();
    }

    if (!live) {
      InvokeEnd(*subscriber, &final_status);
      return LogSubscription();
    }
    bool dropped = false;
    {
      std::lock_guard lock(mutex_);
      if (subscriber->dropped) {
        dropped = true;
      } else if (subscriber->registered && subscriber->cursor < subscriber->run->head()) {
        ready_.push_back(subscriber);  // stays scheduled: a fan-out thread takes over
      } else {
        subscriber->scheduled = false;
      }
    }
    if (dropped) {
      InvokeEnd(*subscriber, nullptr);
      std::lock_guard lock(mutex_);
      subscriber->scheduled = false;
    } else {
      work_cv_.notify_one();
    }
    return LogSubscription(weak_from_this(), std::move(subscriber));
  }

  void Unsubscribe(const std::shared_ptr<HubSubscriber>& subscriber) {
    {
      std::lock_guard lock(mutex_);
      RemoveSubscriberLocked(*subscriber);
    }
  }

  Status Flush() {
    std::lock_guard flush_lock(flush_mutex_);
    return FlushPendingLocked();
  }

  Status Shutdown() {
    std::lock_guard shutdown_lock(shutdown_mutex_);
    if (shut_down_) return shutdown_status_;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    flush_cv_.notify_all();
    if (flusher_.joinable()) flusher_.join();

    Status status = Ok();
    for (int attempt = 0; attempt < std::max(1, options_.shutdown_flush_attempts); ++attempt) {
      status = Flush();
      if (status.ok()) break;
    }
    if (!status.ok()) {
      spdlog::error("log hub: {} log lines could not be stored at shutdown: {}",
                    Stats().pending_lines, status.error().message);
    }

    {
      std::lock_guard lock(mutex_);
      for (auto& [id, run] : runs_) {
        for (const std::shared_ptr<HubSubscriber>& subscriber : run->subscribers) {
          subscriber->registered = false;
          subscriber->dropped = true;
          if (!subscriber->scheduled) {
            subscriber->scheduled = true;
            ready_.push_back(subscriber);
          }
        }
        run->subscribers.clear();
        TrimLocked(*run, run->head());
      }
      workers_stop_ = true;
    }
    work_cv_.notify_all();
    for (std::thread& worker : workers_) {
      if (worker.joinable()) worker.join();
    }
    shut_down_ = true;
    shutdown_status_ = status;
    return status;
  }

  LogHubStats Stats() const {
    std::lock_guard lock(mutex_);
    LogHubStats stats;
    stats.runs = runs_.size();
    stats.pending_lines = pending_lines_;
    for (const auto& [id, run] : runs_) stats.subscribers += run->subscribers.size();
    stats.dropped_subscribers = dropped_subscribers_;
    stats.failed_appends = failed_appends_;
    return stats;
  }

 private:
  std::shared_ptr<HubRun> CreateLocked(std::string_view run_id) {
    auto run = std::make_shared<HubRun>();
    run->id = std::string(run_id);
    runs_.emplace(run->id, run);
    return run;
  }

  // The run's state, created when missing; null for a run closed and released recently.
  HubRun* FindOrCreateLocked(std::string_view run_id) {
    const auto it = runs_.find(run_id);
    if (it != runs_.end()) return it->second.get();
    if (recently_closed_.find(run_id) != recently_closed_.end()) return nullptr;
    return CreateLocked(run_id).get();
  }

  // Releases a run's memory once nothing needs it, remembering its final status for a while.
  void MaybeReleaseLocked(const std::shared_ptr<HubRun>& run) {
    if (!run->closed || !run->subscribers.empty() || !run->unstored.empty()) return;
    const auto it = runs_.find(run->id);
    if (it == runs_.end() || it->second != run) return;
    runs_.erase(it);
    RememberClosedLocked(run->id, run->final_status);
  }

  void RememberClosedLocked(std::string_view run_id, const nlohmann::json& final_status) {
    if (options_.remember_closed_runs == 0) return;
    if (recently_closed_.emplace(std::string(run_id), final_status).second) {
      closed_order_.emplace_back(run_id);
    }
    while (closed_order_.size() > options_.remember_closed_runs) {
      recently_closed_.erase(closed_order_.front());
      closed_order_.pop_front();
    }
  }

  static void TrimLocked(HubRun& run, std::uint64_t keep_from) {
    while (run.log_base < keep_from && !run.log.empty()) {
      run.log.pop_front();
      ++run.log_base;
    }
  }

  // Appends an event to the run's buffer, drops subscribers too far behind, schedules idle
  // ones, and trims what every cursor has passed. O(subscribers); allocates the event once.
  // Returns how many subscribers were put in the ready queue.
  std::size_t AppendEventLocked(HubRun& run, HubEvent event) {
    const std::size_t bytes =
        kEventOverhead + (event.kind == HubEvent::Kind::kLine ? event.line.message.size()
                                                              : event.json.dump().size());
    run.total_bytes += bytes;
    event.bytes_end = run.total_bytes;
    run.log.push_back(std::make_shared<const HubEvent>(std::move(event)));
    const std::uint64_t head = run.head();
    std::uint64_t oldest = head;
    std::size_t woken = 0;
    std::size_t kept = 0;
    auto& subscribers = run.subscribers;
    for (std::size_t i = 0; i < subscribers.size(); ++i) {
      HubSubscriber& subscriber = *subscribers[i];
      const bool too_far =
          head - subscriber.cursor > options_.subscriber_max_events ||
          run.total_bytes - subscriber.cursor_bytes > options_.subscriber_max_bytes;
      if (!subscriber.scheduled) {
        subscriber.scheduled = true;
        ready_.push_back(subscribers[i]);
        ++woken;
      }
      if (too_far) {
        subscriber.dropped = true;
        subscriber.registered = false;
        ++dropped_subscribers_;
        continue;
      }
      oldest = std::min(oldest, subscriber.cursor);
      if (kept != i) subscribers[kept] = std::move(subscribers[i]);
      ++kept;
    }
    subscribers.resize(kept);
    TrimLocked(run, oldest);
    return woken;
  }

  void RemoveSubscriberLocked(HubSubscriber& subscriber) {
    if (!subscriber.registered) return;
    subscriber.registered = false;
    const std::shared_ptr<HubRun> run = subscriber.run;
    auto& subscribers = run->subscribers;
    std::uint64_t oldest = run->head();
    for (std::size_t i = 0; i < subscribers.size();) {
      if (subscribers[i].get() == &subscriber) {
        subscribers[i] = std::move(subscribers.back());
        subscribers.pop_back();
        continue;
      }
      oldest = std::min(oldest, subscribers[i]->cursor);
      ++i;
    }
    TrimLocked(*run, oldest);
    MaybeReleaseLocked(run);
  }

  void Wake(std::size_t woken) {
    if (woken == 1) {
      work_cv_.notify_one();
    } else if (woken > 1) {
      work_cv_.notify_all();
    }
  }

  // Delivers OnEnd(*final_status), or OnDropped when null, unless cancelled or finished.
  static void InvokeEnd(HubSubscriber& subscriber, const nlohmann::json* final_status) {
    std::lock_guard callback_lock(subscriber.callback_mutex);
    if (subscriber.cancelled || subscriber.finished) return;
    subscriber.delivering = std::this_thread::get_id();
    if (final_status != nullptr) {
      subscriber.sink->OnEnd(*final_status);
    } else {
      subscriber.sink->OnDropped();
    }
    subscriber.finished = true;
    subscriber.delivering = std::thread::id{};
  }

  // Delivers lines with last_delivered < seq <= end; returns how many.
  static std::size_t DeliverLines(HubSubscriber& subscriber, const std::vector<LogLine>& lines,
                                  std::int64_t end) {
    std::size_t delivered = 0;
    std::lock_guard callback_lock(subscriber.callback_mutex);
    subscriber.delivering = std::this_thread::get_id();
    for (const LogLine& line : lines) {
      if (line.seq <= subscriber.last_delivered) continue;
      if (line.seq > end) break;
      subscriber.sink->OnLine(line);
      subscriber.last_delivered = line.seq;
      ++delivered;
    }
    subscriber.delivering = std::thread::id{};
    return delivered;
  }

  // The history of a subscriber: stored lines, then lines still queued for the store, up to
  // `history_end` (the run's last seq when the subscriber registered; later lines reach it
  // through the fan-out buffer, in order with status events). The flusher may store and
  // forget queued lines between our store read and our look at the queue; that shows as a gap
  // before the queue's first seq, and the store is read again (it has them now).
  Status DeliverHistory(std::string_view run_id, HubSubscriber& subscriber,
                        const std::shared_ptr<HubRun>& run, std::int64_t history_end) {
    const int page = std::max(1, options_.history_page_size);
    for (int pass = 0;; ++pass) {
      std::size_t delivered = 0;
      while (subscriber.last_delivered < history_end) {
        Result<std::vector<LogLine>> lines =
            repository_.ListAfter(run_id, subscriber.last_delivered, page);
        if (!lines.ok()) return std::move(lines).error();
        const std::size_t count = DeliverLines(subscriber, *lines, history_end);
        delivered += count;
        // A short page is the end of what is stored; no progress means nothing usable is left.
        if (lines->size() < static_cast<std::size_t>(page) || count == 0) break;
        std::lock_guard lock(mutex_);
        if (subscriber.dropped) return Ok();
      }
      std::vector<LogLine> queued;
      {
        std::lock_guard lock(mutex_);
        if (subscriber.dropped || run == nullptr) return Ok();
        if (!run->seq_known) return Ok();  // nothing numbered here: the store is all there is
        if (history_end == kUnbounded) {
          // Someone started numbering the run while we read: lines up to opened_after are
          // stored, later ones are in the buffer.
          history_end = run->opened_after;
          if (subscriber.last_delivered < history_end) continue;
          return Ok();
        }
        if (subscriber.last_delivered >= history_end) return Ok();
        const std::int64_t first_queued =
            run->unstored.empty() ? run->last_seq + 1 : run->unstored.front().seq;
        if (first_queued > subscriber.last_delivered + 1) {
          // Stored since we read: read again. A second read that finds nothing means the
          // store lost them; go on rather than spin.
          if (pass == 0 || delivered > 0) continue;
          spdlog::warn("log hub: run {} lines {}..{} are neither stored nor queued", run_id,
                       subscriber.last_delivered + 1, first_queued - 1);
        }
        for (const LogLine& line : run->unstored) {
          if (line.seq > history_end) break;
          if (line.seq > subscriber.last_delivered) queued.push_back(line);
        }
      }
      DeliverLines(subscriber, queued, history_end);
      return Ok();
    }
  }

  void WorkerLoop() {
    std::vector<std::shared_ptr<const HubEvent>> batch;
    batch.reserve(kFanoutBatch);
    std::unique_lock lock(mutex_);
    for (;;) {
      work_cv_.wait(lock, [this] { return workers_stop_ || !ready_.empty(); });
      if (ready_.empty()) return;  // stopping, and every subscriber has been served
      std::shared_ptr<HubSubscriber> subscriber = std::move(ready_.front());
      ready_.pop_front();
      const bool drop = subscriber->dropped;
      if (!drop && subscriber->registered) {
        const HubRun& run = *subscriber->run;
        const std::uint64_t head = run.head();
        while (subscriber->cursor < head && batch.size() < kFanoutBatch) {
          const std::shared_ptr<const HubEvent>& event = run.log[subscriber->cursor - run.log_base];
          batch.push_back(event);
          ++subscriber->cursor;
          subscriber->cursor_bytes = event->bytes_end;
        }
      }
      lock.unlock();
      Deliver(*subscriber, batch, drop);
      batch.clear();
      lock.lock();
      if (subscriber->finished || subscriber->cancelled) {
        RemoveSubscriberLocked(*subscriber);
        subscriber->scheduled = false;
      } else if (subscriber->dropped ||
                 (subscriber->registered && subscriber->cursor < subscriber->run->head())) {
        ready_.push_back(std::move(subscriber));  // more to do: back of the queue, for fairness
      } else {
        subscriber->scheduled = false;
      }
    }
  }

  static void Deliver(HubSubscriber& subscriber,
                      const std::vector<std::shared_ptr<const HubEvent>>& batch, bool drop) {
    std::lock_guard callback_lock(subscriber.callback_mutex);
    if (subscriber.cancelled || subscriber.finished) return;
    subscriber.delivering = std::this_thread::get_id();
    LogSubscriber& sink = *subscriber.sink;
    if (drop || !sink.Alive()) {
      sink.OnDropped();
      subscriber.finished = true;
    } else {
      for (const std::shared_ptr<const HubEvent>& event : batch) {
        if (subscriber.cancelled) break;
        if (event->kind == HubEvent::Kind::kLine) {
          if (event->line.seq <= subscriber.last_delivered) continue;  // sent with the history
          sink.OnLine(event->line);
          subscriber.last_delivered = event->line.seq;
        } else if (event->kind == HubEvent::Kind::kStatus) {
          sink.OnStatus(event->json);
        } else {
          sink.OnEnd(event->json);
          subscriber.finished = true;
          break;
        }
      }
    }
    subscriber.delivering = std::thread::id{};
  }

  // Stores every line queued when called. Caller holds flush_mutex_, so one thread at a time
  // appends and a run's batches reach the store in seq order.
  Status FlushPendingLocked() {
    std::vector<std::pair<std::shared_ptr<HubRun>, std::int64_t>> targets;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [id, run] : runs_) {
        if (!run->unstored.empty()) targets.emplace_back(run, run->unstored.back().seq);
      }
    }
    Status result = Ok();
    const std::size_t max_batch = std::max<std::size_t>(1, options_.max_batch_lines);
    std::vector<LogLine> batch;
    for (const auto& [run, target] : targets) {
      for (;;) {
        batch.clear();
        {
          std::lock_guard lock(mutex_);
          for (const LogLine& line : run->unstored) {
            if (line.seq > target || batch.size() >= max_batch) break;
            batch.push_back(line);
          }
        }
        if (batch.empty()) break;
        Status appended = repository_.Append(run->id, batch);
        std::lock_guard lock(mutex_);
        if (!appended.ok()) {
          ++failed_appends_;
          if (result.ok()) result = std::move(appended);
          break;  // this run waits for the next attempt; others may still be stored
        }
        const std::int64_t stored_to = batch.back().seq;
        while (!run->unstored.empty() && run->unstored.front().seq <= stored_to) {
          run->unstored.pop_front();
          --pending_lines_;
        }
        MaybeReleaseLocked(run);
      }
    }
    return result;
  }

  void FlusherLoop() {
    std::unique_lock lock(mutex_);
    bool failing = false;
    for (;;) {
      flush_cv_.wait(lock, [this] { return stopping_ || pending_lines_ > 0; });
      if (stopping_) return;
      // Let lines accumulate into one batch, unless enough are pending or a run has closed.
      flush_cv_.wait_for(lock, options_.flush_interval, [this] {
        return stopping_ || flush_urgent_ || pending_lines_ >= options_.flush_max_lines;
      });
      if (stopping_) return;
      flush_urgent_ = false;
      lock.unlock();
      Status status = Flush();
      lock.lock();
      if (status.ok()) {
        if (failing) spdlog::info("log hub: storing log lines again");
        failing = false;
        continue;
      }
      if (!failing) {
        spdlog::warn("log hub: storing log lines failed, retrying: {}", status.error().message);
      }
      failing = true;
      flush_cv_.wait_for(lock, options_.retry_interval, [this] { return stopping_; });
    }
  }

  RunLogRepository& repository_;
  const SecretMasker& masker_;
  const Clock& clock_;
  const LogHubOptions options_;

  mutable std::mutex mutex_;  // guards everything below but the threads
  std::map<std::string, std::shared_ptr<HubRun>, std::less<>> runs_;
  // Final status of released runs, oldest first in closed_order_: a late subscriber gets the
  // end of stream, and a late Write cannot number a closed run again from 1.
  std::map<std::string, nlohmann::json, std::less<>> recently_closed_;
  std::deque<std::string> closed_order_;
  std::deque<std::shared_ptr<HubSubscriber>> ready_;  // subscribers with work, served FIFO
  std::size_t pending_lines_ = 0;
  std::size_t dropped_subscribers_ = 0;
  std::size_t failed_appends_ = 0;
  bool flush_urgent_ = false;
  bool stopping_ = false;      // no more writes or subscribers; the flusher exits
  bool workers_stop_ = false;  // fan-out threads exit once the ready queue is empty
  std::condition_variable flush_cv_;
  std::condition_variable work_cv_;

  std::mutex flush_mutex_;  // one flusher at a time (background thread or Flush caller)

  std::mutex shutdown_mutex_;  // guards the three below
  bool shut_down_ = false;
  Status shutdown_status_;
  std::thread flusher_;
  std::vector<std::thread> workers_;
};

}  // namespace detail

LogSubscription::LogSubscription(std::weak_ptr<detail::HubCore> hub,
                                 std::shared_ptr<detail::HubSubscriber> subscriber)
    : hub_(std::move(hub)), subscriber_(std::move(subscriber)) {}

LogSubscription& LogSubscription::operator=(LogSubscription&& other) noexcept {
  if (this != &other) {
    Reset();
    hub_ = std::move(other.hub_);
    subscriber_ = std::move(other.subscriber_);
  }
  return *this;
}

void LogSubscription::Reset() {
  if (subscriber_ == nullptr) return;
  subscriber_->cancelled = true;
  if (const std::shared_ptr<detail::HubCore> hub = hub_.lock()) hub->Unsubscribe(subscriber_);
  // Wait for a callback in progress on another thread; from inside a callback, do not.
  if (subscriber_->delivering.load() != std::this_thread::get_id()) {
    const std::lock_guard callback_lock(subscriber_->callback_mutex);
  }
  subscriber_.reset();
  hub_.reset();
}

LogHub::LogHub(RunLogRepository& repository, const SecretMasker& masker, const Clock& clock,
               LogHubOptions options)
    : core_(std::make_shared<detail::HubCore>(repository, masker, clock, options)) {
  core_->Start();
}

LogHub::~LogHub() { (void)core_->Shutdown(); }

Status LogHub::Open(std::string_view run_id, std::int64_t starting_after_seq) {
  return core_->Open(run_id, starting_after_seq);
}

Result<std::int64_t> LogHub::Write(std::string_view run_id, std::string_view level,
                                   std::string_view message) {
  return core_->Write(run_id, level, message);
}

void LogHub::PublishStatus(std::string_view run_id, const nlohmann::json& status) {
  core_->PublishStatus(run_id, status);
}

void LogHub::Close(std::string_view run_id, const nlohmann::json& final_status) {
  core_->Close(run_id, final_status);
}

Result<LogSubscription> LogHub::Subscribe(std::string_view run_id, std::int64_t after_seq,
                                          std::shared_ptr<LogSubscriber> subscriber,
                                          std::optional<nlohmann::json> finished_status) {
  return core_->Subscribe(run_id, after_seq, std::move(subscriber), std::move(finished_status));
}

Status LogHub::Flush() { return core_->Flush(); }
Status LogHub::Shutdown() { return core_->Shutdown(); }
LogHubStats LogHub::Stats() const { return core_->Stats(); }

}  // namespace batuta::logs
