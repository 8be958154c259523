#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/body_source.h"
#include "http/request.h"
#include "http/response.h"

namespace batuta::http {

struct GzipOptions {
  // Bodies shorter than this (or sources whose known size is) are sent as they are: below
  // about a kilobyte the gzip header and the CPU cost outweigh the bytes saved.
  std::size_t min_bytes = 1024;
  int level = 6;  // zlib level, 1 (fastest) to 9 (smallest)
};

// `data` as one gzip member (RFC 1952). Fails only when zlib does (out of memory).
Result<std::string> GzipCompress(std::string_view data, int level = 6);

// A source that gzips `inner` as it is pulled. Its size is unknown (Content-Length is dropped,
// the connection chunks it). Each Next pulls from `inner` until it has about 32 KiB of output
// or has compressed 256 KiB of input, so one call stays a bounded piece of work; it may
// return nothing yet (deflate keeps what it has not emitted). Releases `inner` once it ends.
std::shared_ptr<BodySource> GzipBodySource(std::shared_ptr<BodySource> inner, int level = 6);

// Media types worth compressing: text/*, JSON, XML, JavaScript, SVG, NDJSON (with or without
// parameters and +json / +xml suffixes). Images, archives, octet streams are not.
bool IsCompressibleContentType(std::string_view content_type);

// Gzips `response` when the request accepts gzip (see AcceptsGzip) and the response is worth
// it: a 2xx with a body other than 206, a compressible Content-Type, no Content-Encoding
// yet, no Content-Range or Accept-Ranges (ranges are served from the identity bytes, so a
// file response is never compressed), and at least options.min_bytes long (a source of
// unknown size counts as long). The body is compressed in memory (kept as is when that does
// not make it smaller); a body_source is wrapped in GzipBodySource. A compressed response
// gets Content-Encoding: gzip, its strong ETag becomes weak (the bytes differ but the
// content is the same, so If-None-Match still matches), and any Content-Length header is
// removed. Every response that could have been compressed gets Vary: Accept-Encoding,
// whether or not this client gets gzip, so caches keep the variants apart.
Response GzipIfAccepted(const Request& request, Response response, const GzipOptions& options = {});

}  // namespace batuta::http
