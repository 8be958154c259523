#pragma once

#include <string>
#include <string_view>

namespace batuta::http {

// Entity tags (RFC 9110 section 8.8.3): `"opaque"` (strong) or `W/"opaque"` (weak).

// `tag` as a header value: quoted when it is not already a quoted or weak entity tag.
// Characters an entity tag cannot hold (quote, backslash, controls, space) are dropped.
std::string QuoteEntityTag(std::string_view tag);

// The weak form of a tag (`W/"x"` for `"x"` or `x`); a weak tag is returned as is.
std::string WeakEntityTag(std::string_view tag);

bool IsWeakEntityTag(std::string_view tag);

// Whether `tag` is one of the comma-separated entity tags of an If-None-Match or If-Match
// value, or the value is "*". Weak comparison (for If-None-Match) ignores W/ on both sides;
// strong comparison (If-Match, If-Range) never matches a weak tag. Elements a client sent
// unquoted are compared as if quoted.
bool EntityTagListMatches(std::string_view header_value, std::string_view tag, bool weak);

}  // namespace batuta::http
