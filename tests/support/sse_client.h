#pragma once

// A Server-Sent Events client for tests: one GET on its own connection, its chunked body
// parsed into events as they arrive. Every read is bounded by the caller's deadline, so a
// stream that stalls fails the test instead of hanging it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_client.h"

namespace batuta::testing {

// One event as the EventSource algorithm (WHATWG HTML, "event stream interpretation") sees it.
struct SseMessage {
  std::string event = "message";  // the `event:` field, "message" when absent
  std::string id;                 // the `id:` field; empty when the event had none
  std::string data;               // the `data:` lines joined by "\n"
};

class SseClient {
 public:
  // Connects to 127.0.0.1:port, sends `GET target` with `extra_headers` (full lines without
  // CRLF) and reads the response head within `timeout`. A reply other than 200 is read whole
  // (its body in reply().body). Throws std::runtime_error when no reply head arrives.
  SseClient(std::uint16_t port, std::string_view target,
            const std::vector<std::string>& extra_headers = {},
            std::chrono::milliseconds timeout = std::chrono::seconds(10));

  const HttpReply& reply() const { return reply_; }

  // The next event, comments (heartbeats) skipped. nullopt when the body ended (ended()),
  // the connection closed or failed, or the deadline passed first.
  std::optional<SseMessage> Next(std::chrono::steady_clock::time_point deadline);

  // True once the terminating chunk of the body arrived: the server ended the stream.
  bool ended() const { return ended_; }

  // True when the server closes the connection within the timeout.
  bool WaitForClose(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return connection_.WaitForClose(timeout);
  }

 private:
  // Parses one complete event out of pending_, if pending_ holds one.
  std::optional<SseMessage> TakeEvent();

  HttpConnection connection_;
  HttpReply reply_;
  std::string pending_;  // decoded body bytes not yet parsed into events
  bool ended_ = false;
  bool failed_ = false;
};

}  // namespace batuta::testing
