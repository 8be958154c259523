// Opens many Server-Sent Events streams of one run on a batuta server (loopback, HTTP/1.1,
// chunked) from one epoll thread, and checks and times what arrives:
//   - every subscriber got every log line exactly once (seq 1..N with no gap or duplicate,
//     the same N for all) and the end event;
//   - the delivery latency of each live line: receive time minus the line's `at` stamp (same
//     machine, same clock; `at` has millisecond precision, so figures are up to 1 ms high);
//     lines stamped before the last subscriber had its response headers are history, not
//     live, and are checked but not timed;
//   - the server's VmRSS (/proc/<pid>/status) before the first connection and its peak.
//
//   sse_client --port P --path /api/v1/runs/ID/events --key KEY [--connections 1000]
//              [--pid SERVER_PID] [--timeout 90]
//
// Prints a summary; exits 0 only when every check passed. Used by bench/sse_bench.sh.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_support.h"

namespace batuta::bench {
namespace {

struct Options {
  int port = 0;
  std::string path;
  std::string key;
  int connections = 1000;
  int pid = 0;
  int timeout_seconds = 90;
  int connect_window = 64;  // connections at once awaiting their response headers
};

double NowMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "2026-12-01T14:05:09.123Z" as milliseconds since the epoch; < 0 when malformed.
double ParseAtMs(std::string_view text) {
  if (text.size() != 24) return -1;
  const auto num = [&](std::size_t at, std::size_t n) {
    int value = 0;
    for (std::size_t i = at; i < at + n; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  tm.tm_hour = num(11, 2);
  tm.tm_min = num(14, 2);
  tm.tm_sec = num(17, 2);
  return static_cast<double>(timegm(&tm)) * 1000.0 + num(20, 3);
}

long VmRssKb(int pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

// One SSE stream: HTTP response head, then chunked transfer decoding, then SSE framing.
class Stream {
 public:
  enum class State { kConnecting, kHead, kBody, kDone, kFailed };

  int fd = -1;
  State state = State::kConnecting;
  double headers_at_ms = 0;
  std::vector<std::int64_t> seqs;  // in arrival order
  bool ended = false;
  std::string failure;

  // Feeds received bytes; `now_ms` is their receive time. Timed latencies go to `live`.
  void Feed(const char* data, std::size_t size, double now_ms, double live_from_ms,
            std::vector<float>& live) {
    raw_.append(data, size);
    if (state == State::kHead) {
      const auto end = raw_.find("\r\n\r\n");
      if (end == std::string::npos) return;
      const std::string head = raw_.substr(0, end);
      raw_.erase(0, end + 4);
      if (head.rfind("HTTP/1.1 200", 0) != 0) {
        Fail("response: " + head.substr(0, head.find('\r')));
        return;
      }
      if (head.find("chunked") == std::string::npos) {
        Fail("response is not chunked");
        return;
      }
      state = State::kBody;
      headers_at_ms = now_ms;
    }
    if (state != State::kBody) return;
    Dechunk();
    ParseEvents(now_ms, live_from_ms, live);
  }

  void Fail(std::string why) {
    if (state == State::kFailed) return;
    failure = std::move(why);
    state = State::kFailed;
  }

 private:
  void Dechunk() {
    std::size_t at = 0;
    while (at < raw_.size()) {
      if (chunk_left_ == 0) {
        if (chunk_crlf_) {
          if (raw_.size() - at < 2) break;
          at += 2;
          chunk_crlf_ = false;
          continue;
        }
        const auto eol = raw_.find("\r\n", at);
        if (eol == std::string::npos) break;
        const std::size_t size = std::strtoul(raw_.c_str() + at, nullptr, 16);
        at = eol + 2;
        if (size == 0) {  // the last chunk: the server ended the stream
          state = State::kDone;
          break;
        }
        chunk_left_ = size;
      }
      const std::size_t take = std::min(chunk_left_, raw_.size() - at);
      body_.append(raw_, at, take);
      at += take;
      chunk_left_ -= take;
      if (chunk_left_ == 0) chunk_crlf_ = true;
    }
    raw_.erase(0, at);
  }

  void ParseEvents(double now_ms, double live_from_ms, std::vector<float>& live) {
    std::size_t at = 0;
    while (true) {
      const auto eol = body_.find('\n', at);
      if (eol == std::string::npos) break;
      const std::string_view line(body_.data() + at, eol - at);
      at = eol + 1;
      if (line.empty()) {
        Dispatch(now_ms, live_from_ms, live);
      } else if (line.rfind("event: ", 0) == 0) {
        event_ = line.substr(7);
      } else if (line.rfind("data: ", 0) == 0) {
        data_ = line.substr(6);
      }
    }
    body_.erase(0, at);
  }

  void Dispatch(double now_ms, double live_from_ms, std::vector<float>& live) {
    if (event_ == "log") {
      const auto seq_at = data_.find("\"seq\":");
      const auto at_at = data_.find("\"at\":\"");
      if (seq_at == std::string::npos || at_at == std::string::npos) {
        Fail("log event without seq or at: " + data_);
      } else {
        seqs.push_back(std::strtoll(data_.c_str() + seq_at + 6, nullptr, 10));
        const double at_ms = ParseAtMs(std::string_view(data_).substr(at_at + 6, 24));
        if (at_ms >= live_from_ms && live_from_ms > 0) {
          live.push_back(static_cast<float>(now_ms - at_ms));
        }
      }
    } else if (event_ == "end") {
      ended = true;
    }
    event_.clear();
    data_.clear();
  }

  std::string raw_;
  std::string body_;
  std::size_t chunk_left_ = 0;
  bool chunk_crlf_ = false;
  std::string event_;
  std::string data_;
};

int Main(const Options& options) {
  const long rss_before = options.pid > 0 ? VmRssKb(options.pid) : -1;
  long rss_peak = rss_before;
  const int epoll = epoll_create1(0);
  std::vector<std::unique_ptr<Stream>> streams;
  const std::string request = fmt::format(
      "GET {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {}\r\n"
      "Accept: text/event-stream\r\n\r\n",
      options.path, options.port, options.key);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(options.port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  int opened = 0;
  int awaiting_head = 0;
  int with_head = 0;
  int finished = 0;
  double live_from_ms = 0;  // set once every stream has its headers
  std::vector<float> live;
  live.reserve(1 << 20);
  const auto open_more = [&] {
    while (opened < options.connections && awaiting_head < options.connect_window) {
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        fmt::print(stderr, "connect: {}\n", std::strerror(errno));
        std::exit(1);
      }
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
        fmt::print(stderr, "write: {}\n", std::strerror(errno));
        std::exit(1);
      }
      auto stream = std::make_unique<Stream>();
      stream->fd = fd;
      stream->state = Stream::State::kHead;
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u64 = streams.size();
      epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
      streams.push_back(std::move(stream));
      ++opened;
      ++awaiting_head;
    }
  };

  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::seconds(options.timeout_seconds);
  auto next_rss = start;
  double connected_after_s = 0;
  open_more();
  std::vector<char> buffer(1 << 16);
  std::vector<epoll_event> events(256);
  while (finished < options.connections && std::chrono::steady_clock::now() < deadline) {
    const int ready = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 100);
    const double now_ms = NowMs();
    for (int i = 0; i < ready; ++i) {
      Stream& stream = *streams[events[i].data.u64];
      const bool had_head = stream.state != Stream::State::kHead;
      const ssize_t n = read(stream.fd, buffer.data(), buffer.size());
      if (n > 0) {
        stream.Feed(buffer.data(), static_cast<std::size_t>(n), now_ms, live_from_ms, live);
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        if (stream.state != Stream::State::kDone) stream.Fail("connection closed early");
      }
      if (!had_head && stream.state != Stream::State::kHead) {
        --awaiting_head;
        if (stream.state == Stream::State::kBody || stream.state == Stream::State::kDone) {
          if (++with_head == options.connections) {
            live_from_ms = NowMs();
            connected_after_s = SecondsSince(start);
          }
        }
      }
      if (stream.state == Stream::State::kDone || stream.state == Stream::State::kFailed) {
        epoll_ctl(epoll, EPOLL_CTL_DEL, stream.fd, nullptr);
        close(stream.fd);
        stream.fd = -1;
        ++finished;
      }
    }
    open_more();
    if (options.pid > 0 && std::chrono::steady_clock::now() >= next_rss) {
      rss_peak = std::max(rss_peak, VmRssKb(options.pid));
      next_rss += std::chrono::milliseconds(100);
    }
  }

  // Checks: every stream ended, each saw 1..N once, the same N everywhere.
  std::int64_t max_seq = 0;
  for (const auto& stream : streams) {
    for (const auto seq : stream->seqs) max_seq = std::max(max_seq, seq);
  }
  int failed = 0;
  int not_ended = 0;
  int incomplete = 0;
  std::int64_t missing = 0;
  std::int64_t duplicates = 0;
  std::int64_t out_of_order = 0;
  std::int64_t delivered = 0;
  std::string first_failure;
  for (const auto& stream : streams) {
    if (stream->state == Stream::State::kFailed) {
      ++failed;
      if (first_failure.empty()) first_failure = stream->failure;
    }
    if (!stream->ended) ++not_ended;
    std::vector<int> seen(static_cast<std::size_t>(max_seq) + 1, 0);
    std::int64_t previous = 0;
    for (const auto seq : stream->seqs) {
      if (seq < 1 || seq > max_seq) continue;
      if (seen[static_cast<std::size_t>(seq)]++ > 0) ++duplicates;
      if (seq <= previous && ++out_of_order <= 5) {
        fmt::print("out of order: subscriber {} got seq {} after {} (headers at +{:.0f} ms)\n",
                   &stream - &streams.front(), seq, previous,
                   stream->headers_at_ms - streams.front()->headers_at_ms);
        if (out_of_order == 1) {
          std::string head;
          for (std::size_t k = 0; k < std::min<std::size_t>(stream->seqs.size(), 60); ++k)
            head += fmt::format("{} ", stream->seqs[k]);
          fmt::print("  its first seqs: {}\n", head);
        }
      }
      previous = seq;
    }
    std::int64_t absent = 0;
    for (std::int64_t s = 1; s <= max_seq; ++s) absent += seen[static_cast<std::size_t>(s)] == 0;
    if (absent > 0) ++incomplete;
    missing += absent;
    delivered += static_cast<std::int64_t>(stream->seqs.size());
  }
  std::vector<double> latencies(live.begin(), live.end());
  const bool ok = opened == options.connections && failed == 0 && not_ended == 0 && missing == 0 &&
                  duplicates == 0 && out_of_order == 0 && max_seq > 0;
  fmt::print(
      "subscribers: {} opened, all had headers after {:.2f} s, {} failed{}, {} without "
      "the end event\n",
      opened, connected_after_s, failed,
      first_failure.empty() ? "" : " (first: " + first_failure + ")", not_ended);
  fmt::print(
      "lines: seq 1..{} per subscriber; {} events delivered; {} missing, {} duplicated, {} "
      "out of order, {} subscribers incomplete\n",
      max_seq, delivered, missing, duplicates, out_of_order, incomplete);
  fmt::print(
      "live delivery latency over {} (line, subscriber) pairs: p50 {:.1f} ms, p99 {:.1f} "
      "ms, max {:.1f} ms\n",
      latencies.size(), Quantile(latencies, 0.5), Quantile(latencies, 0.99),
      Quantile(latencies, 1.0));
  if (options.pid > 0) {
    fmt::print("server VmRSS: {:.1f} MB before subscribing, peak {:.1f} MB, growth {:.1f} MB\n",
               rss_before / 1024.0, rss_peak / 1024.0, (rss_peak - rss_before) / 1024.0);
  }
  fmt::print("max_seq={} verdict={}\n", max_seq, ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace batuta::bench

int main(int argc, char** argv) {
  batuta::bench::Options options;
  CLI::App app{"Many SSE subscribers on one run: completeness, delivery latency, server RSS"};
  app.add_option("--port", options.port)->required();
  app.add_option("--path", options.path, "/api/v1/runs/{id}/events")->required();
  app.add_option("--key", options.key, "API key")->required();
  app.add_option("--connections", options.connections)->check(CLI::PositiveNumber);
  app.add_option("--pid", options.pid, "server process, for VmRSS");
  app.add_option("--timeout", options.timeout_seconds, "seconds before giving up");
  CLI11_PARSE(app, argc, argv);
  return batuta::bench::Main(options);
}
