#include "sse_client.h"

#include <stdexcept>

namespace batuta::testing {

SseClient::SseClient(std::uint16_t port, std::string_view target,
                     const std::vector<std::string>& extra_headers,
                     std::chrono::milliseconds timeout)
    : connection_(port) {
  std::string request = "GET " + std::string(target) + " HTTP/1.1\r\n";
  request += "Host: 127.0.0.1\r\nAccept: text/event-stream\r\n";
  for (const auto& header : extra_headers) request += header + "\r\n";
  request += "\r\n";
  if (!connection_.Send(request)) throw std::runtime_error("cannot send GET " + request);
  auto head = connection_.ReadHead(timeout);
  if (!head) throw std::runtime_error("no reply head for GET " + std::string(target));
  reply_ = std::move(*head);
  if (reply_.status != 200) {
    if (!connection_.ReadBody(&reply_, timeout)) failed_ = true;
    ended_ = true;
  }
}

std::optional<SseMessage> SseClient::Next(std::chrono::steady_clock::time_point deadline) {
  while (true) {
    if (auto event = TakeEvent()) return event;
    if (ended_ || failed_) return std::nullopt;
    switch (connection_.ReadChunk(&pending_, deadline)) {
      case HttpConnection::ChunkRead::kData:
        break;
      case HttpConnection::ChunkRead::kLast:
        ended_ = true;
        break;
      case HttpConnection::ChunkRead::kFailed:
        // A deadline that passed leaves the stream usable; a closed one is not. Either way
        // the caller gets nothing now.
        if (std::chrono::steady_clock::now() < deadline) failed_ = true;
        return std::nullopt;
    }
  }
}

std::optional<SseMessage> SseClient::TakeEvent() {
  while (true) {
    // An event ends at a blank line. batuta ends lines with LF; CRLF is accepted too.
    std::size_t end = pending_.find("\n\n");
    std::size_t separator = 2;
    if (const auto crlf = pending_.find("\r\n\r\n"); crlf != std::string::npos && crlf < end) {
      end = crlf;
      separator = 4;
    }
    if (end == std::string::npos) return std::nullopt;
    const std::string block = pending_.substr(0, end);
    pending_.erase(0, end + separator);

    SseMessage message;
    bool has_field = false;
    std::vector<std::string> data_lines;
    std::size_t start = 0;
    while (start <= block.size()) {
      std::size_t line_end = block.find('\n', start);
      if (line_end == std::string::npos) line_end = block.size();
      std::string line = block.substr(start, line_end - start);
      start = line_end + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line.front() == ':') continue;  // a comment: a heartbeat
      const auto colon = line.find(':');
      const std::string field = line.substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (field == "event") {
        message.event = value;
      } else if (field == "data") {
        data_lines.push_back(value);
      } else if (field == "id") {
        message.id = value;
      } else {
        continue;  // "retry" and unknown fields carry nothing for the tests
      }
      has_field = true;
    }
    if (!has_field) continue;  // a block of comments only
    for (std::size_t i = 0; i < data_lines.size(); ++i) {
      if (i > 0) message.data += '\n';
      message.data += data_lines[i];
    }
    return message;
  }
}

}  // namespace batuta::testing
