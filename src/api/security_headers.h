#pragma once

#include "http/request.h"

namespace batuta::api {

// Headers on every response of `batuta serve`:
//  - Content-Security-Policy: only this origin's scripts, styles, images (and data: images),
//    connections and fonts; no plugins; no framing (frame-ancestors 'none'); forms and
//    <base> only to this origin;
//  - X-Frame-Options: DENY, for browsers without frame-ancestors;
//  - X-Content-Type-Options: nosniff; Referrer-Policy: no-referrer;
//  - Cross-Origin-Opener-Policy: same-origin;
//  - with TLS, Strict-Transport-Security for one year.
http::HeaderList SecurityHeaders(bool tls);

}  // namespace batuta::api
