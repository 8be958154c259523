#pragma once

// Runs the real `batuta` binary for end-to-end tests: in a fresh temporary data folder, on
// port 0, reading the bound port from the one line it prints on stdout.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace batuta::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs `batuta args...` to completion (bounded by timeout) with extra environment entries.
ProcessResult RunBatuta(const std::vector<std::string>& args,
                        const std::vector<std::string>& env = {},
                        std::chrono::seconds timeout = std::chrono::seconds(60));

class BatutaServer {
 public:
  // Starts `batuta serve --listen 127.0.0.1 --port 0 --data-dir <data_dir> extra...` and waits
  // for its "listening" line (http:// or https://). Throws std::runtime_error (with its
  // stderr) if it does not come.
  BatutaServer(const std::filesystem::path& data_dir,
               const std::vector<std::string>& extra_args = {},
               const std::vector<std::string>& env = {});
  ~BatutaServer();  // SIGKILL if still running
  BatutaServer(const BatutaServer&) = delete;
  BatutaServer& operator=(const BatutaServer&) = delete;

  std::uint16_t port() const { return port_; }
  // True when the server announced an https:// URL.
  bool tls() const { return tls_; }
  void Signal(int signal_number) const;
  // Waits for the process to end; returns its exit code (-1 if killed by a signal, -2 on
  // timeout).
  int Wait(std::chrono::seconds timeout = std::chrono::seconds(60));
  // Everything the server wrote to stderr so far (logs).
  std::string Stderr() const;

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool tls_ = false;
  std::filesystem::path stderr_file_;
  std::optional<int> exit_code_;
};

// Path of the batuta binary under test (set by CMake).
std::string BatutaBinary();

}  // namespace batuta::testing
