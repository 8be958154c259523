#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "http/request.h"
#include "http/response.h"

namespace batuta::http {

struct FileResponseOptions {
  // When not empty: Content-Disposition: attachment with this name (AttachmentDisposition),
  // so browsers save the body as this file instead of showing it.
  std::string download_name;
  // When not empty: Cache-Control on 200, 206 and 304 responses.
  std::string cache_control;
  // Bytes per pread and per piece written to the client.
  std::size_t chunk_bytes = std::size_t{128} << 10;
};

// The file at `file` as the answer to `request` (meant for GET and HEAD routes), streamed in
// chunks by a BodySource: never read into memory as a whole. The file is opened here, so a
// download that has started keeps serving the bytes of the file it opened even if the path
// is atomically replaced (renamed over) or deleted meanwhile; a file truncated under a
// running download ends that connection instead.
//
//   - 200 with Content-Length, Content-Type, ETag, Last-Modified, Accept-Ranges: bytes.
//   - GET with a Range (see EvaluateRange): 206 with Content-Range for one range
//     (bytes=a-b, a-, -n); several ranges get the whole file with 200; an unsatisfiable
//     range gets 416 with "Content-Range: bytes */size". HEAD ignores Range.
//   - If-Range: the Range is honoured only when it carries the current strong ETag, or an
//     HTTP-date equal to Last-Modified (when that is at least a second old); else 200.
//   - If-None-Match (weak comparison, or "*") matching the ETag: 304. Without
//     If-None-Match, If-Modified-Since not older than Last-Modified: 304.
//   - `etag`: the validator, such as the dataset's checksum, quoted if it is not already
//     (QuoteEntityTag). Empty: derived from the file's size and modification time.
//   - A path that does not exist or is not a regular file: 404. Other failures to open:
//     500, with the path and the reason in the log only.
// Responses are never gzipped (GzipIfAccepted leaves them alone): ranges count identity bytes.
Response FileResponse(const Request& request, const std::filesystem::path& file,
                      std::string content_type, std::string etag,
                      const FileResponseOptions& options = {});

}  // namespace batuta::http
