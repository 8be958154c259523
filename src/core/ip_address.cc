#include "core/ip_address.h"

#include <arpa/inet.h>

#include <array>
#include <string>

namespace batuta {

bool IsIpAddress(std::string_view text) {
  if (text.empty() || text.size() > 45) return false;  // the longest textual IPv6 form
  const std::string terminated(text);
  std::array<unsigned char, 16> buffer{};
  return inet_pton(AF_INET, terminated.c_str(), buffer.data()) == 1 ||
         inet_pton(AF_INET6, terminated.c_str(), buffer.data()) == 1;
}

}  // namespace batuta
