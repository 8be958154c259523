#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"

namespace batuta::http {

// A response body produced piece by piece (a file, a compressor, a large export) instead of
// held in Response::body. The connection pulls the next piece only after the previous one was
// written to the socket, so a slow client never makes the server hold more than about one
// piece per connection.
//
// Threading: the source may be created on any thread (usually the handler's); once handed to
// the server in a Response, Next is called on the connection's I/O thread, one call at a time,
// and never after the source was released. Next must therefore be quick and must not wait for
// data that is not there yet: a bounded piece of work (a pread of up to 256 KiB, compressing
// as much) that leaves the event loop free for the other connections. A body whose data
// arrives slowly belongs in an SSE stream or in a file written first. The last reference may
// be dropped on any server thread; the connection drops it as soon as the response ends,
// fails, or the client goes away.
class BodySource {
 public:
  virtual ~BodySource() = default;

  // Appends the next piece of the body to `chunk` (the caller passes an empty string; 16 to
  // 256 KiB is a good size) and returns true while more may follow, false when the body is
  // complete (what this last call appended is still sent). Returning true with nothing
  // appended is allowed and yields the event loop before the next call. An error before
  // anything was sent becomes the error response; after the headers were sent, it ends the
  // connection (the client sees a truncated body) and is logged.
  virtual Result<bool> Next(std::string& chunk) = 0;

  // The exact body length when known up front: sent as Content-Length, and a source that
  // produces more or fewer bytes ends the connection. nullopt: HTTP/1.1 clients get
  // Transfer-Encoding: chunked, HTTP/1.0 clients a body delimited by closing the connection.
  virtual std::optional<std::uint64_t> size() const { return std::nullopt; }
};

// A source over bytes already in memory, served in `chunk_bytes` pieces; its size is known.
std::shared_ptr<BodySource> StringBodySource(std::string data,
                                             std::size_t chunk_bytes = std::size_t{64} << 10);

}  // namespace batuta::http
