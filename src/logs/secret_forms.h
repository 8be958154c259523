#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace batuta::logs {

// Shortest base64 fragment searched for when a secret sits inside a larger base64 blob (see
// SecretForms). Shorter fragments would match unrelated text too often.
inline constexpr std::size_t kMinBase64CoreLength = 8;

// The forms in which a secret value commonly leaks into a log line, the secret itself first,
// without duplicates:
//   - standard base64 (RFC 4648 section 4) and base64url (section 5), each with and without
//     '=' padding: the secret encoded on its own (a bearer token, an encoded password);
//   - for each of the three byte alignments, the base64 and base64url characters that depend
//     on the secret's bytes only (at least kMinBase64CoreLength of them): the secret encoded
//     inside a larger value, as the password in "Basic base64(user:password)". The one or two
//     characters at each edge mix in neighbouring bytes and cannot be predicted, so they stay
//     visible; that leaks a few bits, not the secret;
//   - percent-encoding (RFC 3986) with upper- and lower-case hex digits, space as "%20" and as
//     "+", escaping every byte but the unreserved ones, and also in the styles that leave
//     "!'()*" (JavaScript encodeURIComponent) or also "/" (Python quote) as they are;
//   - the secret escaped inside a JSON string (quotes, backslashes, control characters).
// Other encodings (hex, gzip, mixed-case percent-encoding, a secret split across lines) are
// not recognised. Works on bytes: a UTF-8 secret is encoded byte by byte, as encoders do.
std::vector<std::string> SecretForms(std::string_view secret);

// Standard base64 of `bytes`, with padding. Exposed for tests.
std::string Base64Encode(std::string_view bytes);

}  // namespace batuta::logs
