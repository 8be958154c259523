#pragma once

#include <string>
#include <string_view>

namespace batuta::http {

// `Content-Disposition: attachment` naming the file a browser or client saves the body as
// (RFC 6266). `filename` is a plain name chosen by the server ("vendas 2024-05.csv"), UTF-8:
//   - `filename="..."` always, for old clients: bytes outside printable ASCII, one '_' per
//     UTF-8 character, and `"`, `\`, `/` become '_';
//   - plus `filename*=UTF-8''...` (RFC 8187, formerly 5987) with the exact name
//     percent-encoded when the plain form had to change it. Clients that know filename*
//     prefer it.
// Control characters are dropped from both, so a name can never inject header lines.
// An empty name gives "attachment" alone.
std::string AttachmentDisposition(std::string_view filename);

}  // namespace batuta::http
