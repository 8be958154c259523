#pragma once

#include <functional>
#include <optional>
#include <string>

namespace batuta::http {

// One Server-Sent Event. `data` may span lines; each line becomes a "data:" field.
struct SseEvent {
  std::string event;  // empty: the default "message" event
  std::string id;     // empty: no id field (clients keep their last one)
  std::string data;
  std::optional<int> retry_ms;
};

// Wire format of one event, terminated by the blank line. CR and LF inside `event` and `id`
// are dropped so a value can never inject fields.
std::string FormatSseEvent(const SseEvent& event);

// An open Server-Sent Events response. Thread-safe: any thread may Send or Close. Events are
// written in the order they were sent. The server sends a comment line as heartbeat while
// the stream is idle so proxies keep it open and dead clients are noticed.
class SseStream {
 public:
  virtual ~SseStream() = default;
  // Queues an event; returns false (and drops it) when the stream has closed.
  virtual bool Send(const SseEvent& event) = 0;
  // Ends the response after queued events are written. Idempotent.
  virtual void Close() = 0;
  virtual bool IsOpen() const = 0;
  // Registers a callback run once, on a server thread, when the stream ends for any reason
  // (Close, client gone, server stopping). Runs at once if already closed.
  virtual void OnClose(std::function<void()> callback) = 0;
};

}  // namespace batuta::http
