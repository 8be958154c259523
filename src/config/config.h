#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "core/result.h"

namespace batuta {

// Everything `batuta serve` can be told. Defaults are the embedded set-up: SQLite and local
// storage under ./batuta-data, listening on loopback only.
struct Config {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 8080;
  std::filesystem::path data_dir = "batuta-data";
  std::filesystem::path web_dir;  // empty: serve the web app embedded in the binary
  std::filesystem::path port_file;
  std::string log_level = "info";
  LogFormat log_format = LogFormat::kText;
  bool access_log = true;
  int http_threads = 0;
  int handler_threads = 4;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds shutdown_grace{10'000};
  // HTTPS when both are set (PEM certificate chain and its private key); HTTP when neither.
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  // Exact origins ("https://bi.example.com") allowed to call the API cross-origin.
  std::vector<std::string> cors_origins;
  std::vector<std::string> trusted_proxies;  // IP addresses of reverse proxies in front
  // The engine: the IANA zone of schedules that name none, runs executing at once in this
  // process, and how long a claimed run stays this process's without a heartbeat (a run of
  // a process that died is recovered after it).
  std::string timezone = "UTC";
  int max_parallel_runs = 8;
  std::chrono::milliseconds run_lease{30'000};
  // Connections: SQLite connection files must lie under sqlite_root, and storage connection
  // folders under storage_root; empty means the defaults <data_dir>/sqlite and <data_dir>.
  // The master key comes from BATUTA_MASTER_KEY (environment only, never a flag or file:
  // it must not end up in a shell history or beside the data it protects) or <data_dir>/master.key.
  std::filesystem::path sqlite_root;
  std::filesystem::path storage_root;
};

// One setting: its name (the flag is --name, the file key is name), its environment variable
// and how to apply a textual value. The table is the single source for flags, env and file.
struct SettingSpec {
  std::string_view name;
  std::string_view env;
  std::string_view help;
  std::function<Status(Config&, std::string_view)> apply;
};
const std::vector<SettingSpec>& Settings();

using SettingValues = std::map<std::string, std::string, std::less<>>;

// Reads a config file of `name = value` lines ('#' comments, optional double quotes around
// values). Errors name the file, the line and the problem; unknown names are errors.
Result<SettingValues> ReadConfigFile(const std::filesystem::path& file);

// Merges the three sources, highest precedence first: flags, then BATUTA_* environment
// variables (looked up through `env`), then the config file, then defaults. The error names
// the setting and where the bad value came from, in one line. Settings that only make sense
// together (tls-cert and tls-key) are checked after merging.
Result<Config> ResolveConfig(const SettingValues& flags,
                             const std::function<std::optional<std::string>(std::string_view)>& env,
                             const SettingValues& file);

// Parsers shared with tests: "30s", "500ms", "2m", "1h"; "1MiB", "16KiB", "512".
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);
std::optional<std::size_t> ParseByteSize(std::string_view text);
// A comma-separated list of origins as browsers send them: scheme://host[:port], scheme
// http or https, lower-case host name or IP address, no default port, no path. Spaces around
// entries are ignored; an empty text is an empty list. The error names the bad entry.
Result<std::vector<std::string>> ParseOrigins(std::string_view text);
// "10.0.0.5, ::1" for trusted-proxies: exact IP addresses, each validated.
Result<std::vector<std::string>> ParseProxyList(std::string_view text);

}  // namespace batuta
