#include "batuta_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string_view>

extern char** environ;

namespace batuta::testing {
namespace {

std::string ReadFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> MergedEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    // Settings from the developer's shell must not leak into tests.
    if (std::strncmp(*e, "BATUTA_", 7) == 0) continue;
    env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Spawns the binary with stdout on a pipe (returned through stdout_fd) and stderr to a file.
pid_t Spawn(const std::vector<std::string>& args, const std::vector<std::string>& extra_env,
            const std::filesystem::path& stderr_file, int* stdout_fd) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argv_strings{BatutaBinary()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  auto argv = Pointers(argv_strings);
  auto env_strings = MergedEnvironment(extra_env);
  auto envp = Pointers(env_strings);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    throw std::runtime_error("cannot start " + BatutaBinary());
  }
  *stdout_fd = pipe_fds[0];
  return pid;
}

// Waits for `pid` without polling in a loop: a pidfd becomes readable when the process ends.
std::optional<int> WaitForExit(pid_t pid, std::chrono::milliseconds timeout) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    ::close(pidfd);
    if (ready <= 0) return std::nullopt;
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return std::nullopt;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Appends what arrives on `fd` to `out` until `done(out)`, end of file, or the deadline.
void ReadUntil(int fd, std::chrono::steady_clock::time_point deadline, std::string& out,
               const std::function<bool(const std::string&)>& done) {
  char buffer[4096];
  while (!done(out)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string BatutaBinary() {
  if (const char* override_path = std::getenv("BATUTA_TEST_BINARY")) return override_path;
  return BATUTA_BINARY_PATH;
}

ProcessResult RunBatuta(const std::vector<std::string>& args, const std::vector<std::string>& env,
                        std::chrono::seconds timeout) {
  TempDir scratch;
  const auto err_file = scratch.path() / "stderr";
  int out_fd = -1;
  const pid_t pid = Spawn(args, env, err_file, &out_fd);
  ProcessResult result;
  ReadUntil(out_fd, std::chrono::steady_clock::now() + timeout, result.out,
            [](const std::string&) { return false; });
  ::close(out_fd);
  auto code = WaitForExit(pid, std::chrono::milliseconds(5000));
  if (!code) {
    ::kill(pid, SIGKILL);
    code = WaitForExit(pid, std::chrono::milliseconds(5000));
  }
  result.exit_code = code.value_or(-2);
  result.err = ReadFile(err_file);
  return result;
}

BatutaServer::BatutaServer(const std::filesystem::path& data_dir,
                           const std::vector<std::string>& extra_args,
                           const std::vector<std::string>& env) {
  stderr_file_ = data_dir.parent_path() / (data_dir.filename().string() + ".stderr");
  std::vector<std::string> args{"serve", "--listen",   "127.0.0.1",      "--port",
                                "0",     "--data-dir", data_dir.string()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  int out_fd = -1;
  pid_ = Spawn(args, env, stderr_file_, &out_fd);

  // Sanitizer builds start slowly; the bound is generous and only hit on a real failure.
  const std::string marker = "batuta listening on ";
  std::string out;
  ReadUntil(out_fd, std::chrono::steady_clock::now() + std::chrono::seconds(60), out,
            [&marker](const std::string& so_far) {
              const auto at = so_far.find(marker);
              return at != std::string::npos && so_far.find('\n', at) != std::string::npos;
            });
  ::close(out_fd);  // the server writes nothing after its listening line
  // The line is "batuta listening on http://127.0.0.1:PORT" (or https://).
  if (const auto at = out.find(marker); at != std::string::npos) {
    std::string_view url{out};
    url.remove_prefix(at + marker.size());
    tls_ = url.starts_with("https://");
    const std::string_view scheme = tls_ ? "https://" : "http://";
    const std::string_view host = "127.0.0.1:";
    if (url.starts_with(scheme)) url.remove_prefix(scheme.size());
    if (url.starts_with(host)) {
      port_ = static_cast<std::uint16_t>(std::atoi(url.data() + host.size()));
    }
  }
  if (port_ == 0) {
    ::kill(pid_, SIGKILL);
    exit_code_ = WaitForExit(pid_, std::chrono::milliseconds(5000));
    throw std::runtime_error("batuta did not start; stdout: " + out + "\nstderr: " + Stderr());
  }
}

BatutaServer::~BatutaServer() {
  if (!exit_code_) {
    ::kill(pid_, SIGKILL);
    WaitForExit(pid_, std::chrono::milliseconds(10000));
  }
  std::error_code ignored;
  std::filesystem::remove(stderr_file_, ignored);
}

void BatutaServer::Signal(int signal_number) const { ::kill(pid_, signal_number); }

int BatutaServer::Wait(std::chrono::seconds timeout) {
  if (!exit_code_) {
    auto code = WaitForExit(pid_, timeout);
    if (!code) return -2;
    exit_code_ = code;
  }
  return *exit_code_;
}

std::string BatutaServer::Stderr() const { return ReadFile(stderr_file_); }

}  // namespace batuta::testing
