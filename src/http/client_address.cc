#include "http/client_address.h"

#include <algorithm>

#include "core/ip_address.h"

namespace batuta::http {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool Trusted(std::string_view address, const std::vector<std::string>& trusted_proxies) {
  return std::find(trusted_proxies.begin(), trusted_proxies.end(), address) !=
         trusted_proxies.end();
}

// Every X-Forwarded-For entry in order: several headers count as one comma-separated list.
std::vector<std::string_view> ForwardedChain(const HeaderList& headers) {
  std::vector<std::string_view> chain;
  for (const auto& [name, value] : headers) {
    if (!EqualsIgnoreCase(name, "X-Forwarded-For")) continue;
    std::string_view rest = value;
    while (true) {
      const auto comma = rest.find(',');
      chain.push_back(Trim(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return chain;
}

}  // namespace

std::string ClientAddress(std::string_view peer, const HeaderList& headers,
                          const std::vector<std::string>& trusted_proxies) {
  if (trusted_proxies.empty() || !Trusted(peer, trusted_proxies)) return std::string(peer);
  const auto chain = ForwardedChain(headers);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!IsIpAddress(*it)) return std::string(peer);
    if (!Trusted(*it, trusted_proxies)) return std::string(*it);
  }
  return std::string(peer);
}

}  // namespace batuta::http
