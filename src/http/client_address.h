#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace batuta::http {

// The address of the client a request comes from. Behind a reverse proxy the TCP peer is the
// proxy, and the client is in X-Forwarded-For, which anyone can also write. So the header is
// believed only when the peer is one of `trusted_proxies`, and then read from the right (the
// entries proxies appended) past the addresses of trusted proxies: the first other entry is
// the client. Anything unparsable, or a chain of only trusted proxies, gives the peer itself.
std::string ClientAddress(std::string_view peer, const HeaderList& headers,
                          const std::vector<std::string>& trusted_proxies);

}  // namespace batuta::http
