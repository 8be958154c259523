#include "http/transport.h"

namespace batuta::http {

Transport::Tcp& Transport::Socket() {
  if (auto* tls = std::get_if<Tls>(&stream_)) return tls->next_layer();
  return std::get<Tcp>(stream_);
}

void Transport::WriteNow(std::string_view data) {
  asio::error_code ignored;
  std::visit([&](auto& stream) { asio::write(stream, asio::buffer(data), ignored); }, stream_);
}

void Transport::ShutdownSend() {
  asio::error_code ignored;
  Socket().shutdown(Tcp::shutdown_send, ignored);
}

void Transport::Close() {
  asio::error_code ignored;
  Socket().shutdown(Tcp::shutdown_both, ignored);
  Socket().close(ignored);
}

}  // namespace batuta::http
