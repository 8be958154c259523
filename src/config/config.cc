#include "config/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>

#include "core/ip_address.h"

namespace batuta {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

template <typename T>
std::optional<T> ParseInteger(std::string_view text) {
  T value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

Status Invalid(std::string message) { return Error{ErrorCode::kValidation, std::move(message)}; }

Status ApplyPort(Config& c, std::string_view v) {
  const auto port = ParseInteger<std::uint16_t>(v);
  if (!port) return Invalid(fmt::format("'{}' is not a port number (0-65535)", v));
  c.port = *port;
  return Ok();
}

Status ApplyNonEmptyPath(std::filesystem::path& target, std::string_view v) {
  if (v.empty()) return Invalid("must not be empty");
  target = std::filesystem::path(std::string(v));
  return Ok();
}

Status ApplyBool(bool& target, std::string_view v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") {
    target = true;
  } else if (v == "false" || v == "0" || v == "no" || v == "off") {
    target = false;
  } else {
    return Invalid(fmt::format("'{}' is not a boolean (true or false)", v));
  }
  return Ok();
}

Status ApplyDuration(std::chrono::milliseconds& target, std::string_view v) {
  const auto d = ParseDuration(v);
  if (!d || d->count() <= 0) {
    return Invalid(fmt::format("'{}' is not a positive duration (like 500ms, 30s, 2m)", v));
  }
  target = *d;
  return Ok();
}

Status ApplySize(std::size_t& target, std::string_view v, std::size_t minimum) {
  const auto size = ParseByteSize(v);
  if (!size || *size < minimum) {
    return Invalid(
        fmt::format("'{}' is not a size of at least {} bytes (like 512KiB, 1MiB)", v, minimum));
  }
  target = *size;
  return Ok();
}

Status ApplyThreadCount(int& target, std::string_view v, int minimum) {
  constexpr int kMaximum = 256;
  const auto n = ParseInteger<int>(v);
  if (!n || *n < minimum || *n > kMaximum) {
    return Invalid(fmt::format("'{}' is not a thread count ({}-{})", v, minimum, kMaximum));
  }
  target = *n;
  return Ok();
}

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool IsIpv6Char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
}

// Why `origin` is not an origin as browsers serialize it (the Origin header compared
// exactly), or nullopt when it is one.
std::optional<std::string> OriginProblem(std::string_view origin) {
  std::string_view scheme;
  if (origin.starts_with("https://")) {
    scheme = "https";
  } else if (origin.starts_with("http://")) {
    scheme = "http";
  } else {
    return "the scheme must be http:// or https://";
  }
  const std::string_view authority = origin.substr(scheme.size() + 3);
  if (authority.find_first_of("/?#") != std::string_view::npos) return "an origin has no path";

  // The port follows the last ':' unless that ':' is inside an [IPv6] address.
  std::string_view host = authority;
  std::optional<std::string_view> port;
  if (const auto colon = authority.rfind(':');
      colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  const bool host_ok = host.starts_with('[')
                           ? host.size() > 2 && host.back() == ']' &&
                                 std::all_of(host.begin() + 1, host.end() - 1, IsIpv6Char)
                           : !host.empty() && std::all_of(host.begin(), host.end(), IsHostNameChar);
  if (!host_ok) return "the host must be a lower-case host name or IP address";

  if (port) {
    const auto number = ParseInteger<std::uint16_t>(*port);
    if (!number || *number == 0 || std::to_string(*number) != *port) {
      return "the port must be a number from 1 to 65535";
    }
    if ((scheme == "https" && *number == 443) || (scheme == "http" && *number == 80)) {
      return fmt::format("browsers never send the default port {}: leave it out", *number);
    }
  }
  return std::nullopt;
}

std::vector<SettingSpec> BuildSettings() {
  return {
      {"listen", "BATUTA_LISTEN", "IP address to listen on (0.0.0.0 for all interfaces)",
       [](Config& c, std::string_view v) -> Status {
         if (v.empty()) return Invalid("must not be empty");
         c.listen = std::string(v);
         return Ok();
       }},
      {"port", "BATUTA_PORT", "TCP port; 0 picks a free one", ApplyPort},
      {"data-dir", "BATUTA_DATA_DIR", "folder for the SQLite store and local files",
       [](Config& c, std::string_view v) { return ApplyNonEmptyPath(c.data_dir, v); }},
      {"web-dir", "BATUTA_WEB_DIR",
       "serve the web app from this folder instead of the copy built into the binary",
       [](Config& c, std::string_view v) { return ApplyNonEmptyPath(c.web_dir, v); }},
      {"port-file", "BATUTA_PORT_FILE", "write the bound port to this file once listening",
       [](Config& c, std::string_view v) { return ApplyNonEmptyPath(c.port_file, v); }},
      {"log-level", "BATUTA_LOG_LEVEL", "trace, debug, info, warn, error, critical or off",
       [](Config& c, std::string_view v) -> Status {
         static constexpr std::string_view kLevels[] = {"trace", "debug",    "info", "warn",
                                                        "error", "critical", "off"};
         for (auto level : kLevels) {
           if (v == level) {
             c.log_level = std::string(v);
             return Ok();
           }
         }
         return Invalid(fmt::format(
             "'{}' is not a log level (trace, debug, info, warn, error, critical, off)", v));
       }},
      {"log-format", "BATUTA_LOG_FORMAT", "text or json (one JSON object per line)",
       [](Config& c, std::string_view v) -> Status {
         if (v == "text") {
           c.log_format = LogFormat::kText;
         } else if (v == "json") {
           c.log_format = LogFormat::kJson;
         } else {
           return Invalid(fmt::format("'{}' is not a log format (text or json)", v));
         }
         return Ok();
       }},
      {"access-log", "BATUTA_ACCESS_LOG", "log one line per HTTP request (true or false)",
       [](Config& c, std::string_view v) { return ApplyBool(c.access_log, v); }},
      {"http-threads", "BATUTA_HTTP_THREADS", "HTTP I/O threads; 0 means one per core",
       [](Config& c, std::string_view v) { return ApplyThreadCount(c.http_threads, v, 0); }},
      {"handler-threads", "BATUTA_HANDLER_THREADS",
       "threads for request handlers that may block (store queries)",
       [](Config& c, std::string_view v) { return ApplyThreadCount(c.handler_threads, v, 1); }},
      {"max-body-size", "BATUTA_MAX_BODY_SIZE", "largest accepted request body (like 1MiB)",
       [](Config& c, std::string_view v) { return ApplySize(c.max_body_bytes, v, 1024); }},
      {"max-header-size", "BATUTA_MAX_HEADER_SIZE",
       "largest accepted request line plus headers (like 16KiB)",
       [](Config& c, std::string_view v) { return ApplySize(c.max_header_bytes, v, 1024); }},
      {"request-timeout", "BATUTA_REQUEST_TIMEOUT",
       "time a client has to send a whole request (like 30s)",
       [](Config& c, std::string_view v) { return ApplyDuration(c.request_timeout, v); }},
      {"idle-timeout", "BATUTA_IDLE_TIMEOUT", "keep-alive connection idle time (like 60s)",
       [](Config& c, std::string_view v) { return ApplyDuration(c.idle_timeout, v); }},
      {"shutdown-grace", "BATUTA_SHUTDOWN_GRACE",
       "time in-flight requests get to finish on SIGTERM (like 10s)",
       [](Config& c, std::string_view v) { return ApplyDuration(c.shutdown_grace, v); }},
      {"tls-cert", "BATUTA_TLS_CERT",
       "serve HTTPS with this PEM certificate chain (leaf first); needs tls-key",
       [](Config& c, std::string_view v) { return ApplyNonEmptyPath(c.tls_cert, v); }},
      {"tls-key", "BATUTA_TLS_KEY", "PEM private key of tls-cert (unencrypted); needs tls-cert",
       [](Config& c, std::string_view v) { return ApplyNonEmptyPath(c.tls_key, v); }},
      {"cors-origins", "BATUTA_CORS_ORIGINS",
       "comma-separated origins whose pages may call the API (like https://bi.example.com)",
       [](Config& c, std::string_view v) -> Status {
         auto origins = ParseOrigins(v);
         if (!origins.ok()) return std::move(origins).error();
         c.cors_origins = std::move(origins).value();
         return Ok();
       }},
      {"trusted-proxies", "BATUTA_TRUSTED_PROXIES",
       "comma-separated IP addresses of reverse proxies whose X-Forwarded-For names the client",
       [](Config& c, std::string_view v) -> Status {
         auto proxies = ParseProxyList(v);
         if (!proxies.ok()) return std::move(proxies).error();
         c.trusted_proxies = std::move(proxies).value();
         return Ok();
       }},
      {"timezone", "BATUTA_TIMEZONE",
       "IANA time zone of schedules that name none (like America/Sao_Paulo)",
       [](Config& c, std::string_view v) -> Status {
         if (v.empty() || v.size() > 64)
           return Invalid("give an IANA zone name like Europe/London");
         c.timezone = std::string(v);
         return Ok();
       }},
      {"max-parallel-runs", "BATUTA_MAX_PARALLEL_RUNS", "runs executing at once in this process",
       [](Config& c, std::string_view v) { return ApplyThreadCount(c.max_parallel_runs, v, 1); }},
      {"sqlite-root", "BATUTA_SQLITE_ROOT",
       "folder SQLite connections' database files must be in (default: <data-dir>/sqlite)",
       [](Config& c, std::string_view v) -> Status {
         if (v.empty()) return Invalid("give a folder");
         c.sqlite_root = std::filesystem::path(v);
         return Ok();
       }},
      {"storage-root", "BATUTA_STORAGE_ROOT",
       "folder storage connections' folders must be in (default: <data-dir>)",
       [](Config& c, std::string_view v) -> Status {
         if (v.empty()) return Invalid("give a folder");
         c.storage_root = std::filesystem::path(v);
         return Ok();
       }},
      {"run-lease", "BATUTA_RUN_LEASE",
       "how long a run stays claimed without a heartbeat; a dead process's runs are recovered "
       "after it (like 30s)",
       [](Config& c, std::string_view v) -> Status {
         BATUTA_RETURN_IF_ERROR(ApplyDuration(c.run_lease, v));
         if (c.run_lease < std::chrono::seconds(1)) return Invalid("must be at least 1s");
         return Ok();
       }},
  };
}

const SettingSpec* FindSetting(std::string_view name) {
  for (const auto& spec : Settings()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace

const std::vector<SettingSpec>& Settings() {
  static const std::vector<SettingSpec> settings = BuildSettings();
  return settings;
}

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const auto number = ParseInteger<std::int64_t>(text.substr(0, digits));
  if (!number || *number > 365LL * 24 * 3600 * 1000) return std::nullopt;
  const auto unit = text.substr(digits);
  using std::chrono::milliseconds;
  if (unit == "ms") return milliseconds(*number);
  if (unit == "s") return milliseconds(*number * 1000);
  if (unit == "m") return milliseconds(*number * 60'000);
  if (unit == "h") return milliseconds(*number * 3'600'000);
  return std::nullopt;
}

Result<std::vector<std::string>> ParseProxyList(std::string_view text) {
  std::vector<std::string> proxies;
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      if (!IsIpAddress(item)) {
        return Error{ErrorCode::kValidation,
                     fmt::format("'{}' is not an IP address (ranges are not supported)", item)};
      }
      proxies.emplace_back(item);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return proxies;
}

Result<std::vector<std::string>> ParseOrigins(std::string_view text) {
  std::vector<std::string> origins;
  if (Trim(text).empty()) return origins;
  while (true) {
    const auto comma = text.find(',');
    const auto origin = Trim(text.substr(0, comma));
    if (const auto problem = OriginProblem(origin)) {
      return Error{ErrorCode::kValidation,
                   fmt::format("'{}' is not an origin: {} (write scheme://host[:port], like "
                               "https://bi.example.com)",
                               origin, *problem)};
    }
    origins.emplace_back(origin);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return origins;
}

std::optional<std::size_t> ParseByteSize(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const auto number = ParseInteger<std::size_t>(text.substr(0, digits));
  if (!number || *number > (std::size_t{1} << 40)) return std::nullopt;
  const auto unit = text.substr(digits);
  if (unit.empty() || unit == "B") return *number;
  if (unit == "KiB") return *number << 10;
  if (unit == "MiB") return *number << 20;
  if (unit == "GiB") return *number << 30;
  return std::nullopt;
}

Result<SettingValues> ReadConfigFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    return Error{ErrorCode::kValidation,
                 fmt::format("cannot read config file {}", file.string()),
                 {{"field", "config"}}};
  }
  SettingValues values;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    std::string_view text = Trim(line);
    if (text.empty() || text.front() == '#') continue;
    const auto eq = text.find('=');
    auto fail = [&](std::string what) -> Error {
      return {ErrorCode::kValidation,
              fmt::format("config file {} line {}: {}", file.string(), line_number, what),
              {{"field", "config"}}};
    };
    if (eq == std::string_view::npos) return fail("expected 'name = value'");
    const auto name = Trim(text.substr(0, eq));
    auto value = Trim(text.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (FindSetting(name) == nullptr) return fail(fmt::format("unknown setting '{}'", name));
    values[std::string(name)] = std::string(value);
  }
  return values;
}

Result<Config> ResolveConfig(const SettingValues& flags,
                             const std::function<std::optional<std::string>(std::string_view)>& env,
                             const SettingValues& file) {
  Config config;
  for (const auto& spec : Settings()) {
    std::optional<std::string> value;
    std::string source;
    if (auto it = flags.find(spec.name); it != flags.end()) {
      value = it->second;
      source = fmt::format("--{}", spec.name);
    } else if (auto from_env = env(spec.env)) {
      value = std::move(from_env);
      source = std::string(spec.env);
    } else if (auto it2 = file.find(spec.name); it2 != file.end()) {
      value = it2->second;
      source = "config file";
    }
    if (!value) continue;
    auto status = spec.apply(config, *value);
    if (!status.ok()) {
      return Error{ErrorCode::kValidation,
                   fmt::format("invalid setting {} (from {}): {}", spec.name, source,
                               status.error().message),
                   {{"field", spec.name}}};
    }
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    const std::string_view missing = config.tls_cert.empty() ? "tls-cert" : "tls-key";
    const std::string_view given = config.tls_cert.empty() ? "tls-key" : "tls-cert";
    return Error{ErrorCode::kValidation,
                 fmt::format("invalid setting {}: missing, but {} is set (HTTPS needs both the "
                             "certificate and its private key)",
                             missing, given),
                 {{"field", missing}}};
  }
  return config;
}

}  // namespace batuta
