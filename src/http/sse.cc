#include "http/sse.h"

namespace batuta::http {
namespace {

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  for (char c : value) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  out += '\n';
}

}  // namespace

std::string FormatSseEvent(const SseEvent& event) {
  std::string out;
  out.reserve(event.data.size() + 32);
  if (!event.event.empty()) AppendField(out, "event", event.event);
  if (!event.id.empty()) AppendField(out, "id", event.id);
  if (event.retry_ms) AppendField(out, "retry", std::to_string(*event.retry_ms));
  std::string_view data = event.data;
  while (true) {
    const auto nl = data.find_first_of("\r\n");
    out += "data: ";
    out += data.substr(0, nl);
    out += '\n';
    if (nl == std::string_view::npos) break;
    // Treat CRLF as one line break.
    const std::size_t skip =
        (data[nl] == '\r' && nl + 1 < data.size() && data[nl + 1] == '\n') ? 2 : 1;
    data.remove_prefix(nl + skip);
  }
  out += '\n';
  return out;
}

}  // namespace batuta::http
