#pragma once

#include <string_view>

namespace batuta {

// True for a literal IPv4 or IPv6 address ("10.0.0.1", "2001:db8::7"), without port or
// brackets.
bool IsIpAddress(std::string_view text);

}  // namespace batuta
