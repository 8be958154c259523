#include "postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace batuta::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(30);

// Who runs initdb and postgres: the current user, or `postgres` when we are root.
struct Account {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

Account ServerAccount() {
  if (::geteuid() != 0) return {};
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) {
    throw std::runtime_error("running as root and there is no `postgres` user to run the server");
  }
  return {true, pw->pw_uid, pw->pw_gid};
}

std::string ReadFile(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::string& file, const std::string& text, bool append = false) {
  std::ofstream out(file, append ? std::ios::app | std::ios::binary : std::ios::binary);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + file);
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Starts argv[0] with exactly `env`, stdin from /dev/null, stdout to `out_file` and stderr to
// `err_file` (appended). In the child only async-signal-safe calls run: everything is prepared
// before fork().
pid_t Spawn(std::vector<std::string> argv_strings, std::vector<std::string> env_strings,
            const std::string& out_file, const std::string& err_file, const Account& account,
            bool die_with_parent) {
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out_fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const int err_fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (null_fd < 0 || out_fd < 0 || err_fd < 0) {
    for (int fd : {null_fd, out_fd, err_fd}) {
      if (fd >= 0) ::close(fd);
    }
    throw std::runtime_error("cannot open output files for " + argv_strings[0]);
  }
  auto argv = Pointers(argv_strings);
  auto envp = Pointers(env_strings);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::dup2(null_fd, STDIN_FILENO) < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0 ||
        ::dup2(err_fd, STDERR_FILENO) < 0) {
      ::_exit(126);
    }
    if (account.switch_user) {
      const gid_t gid = account.gid;
      if (::setgroups(1, &gid) != 0 || ::setgid(account.gid) != 0 || ::setuid(account.uid) != 0) {
        ::_exit(126);
      }
    }
    // After the credential change, which clears the setting.
    if (die_with_parent) {
      if (::prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || ::getppid() != parent) ::_exit(126);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(null_fd);
  ::close(out_fd);
  ::close(err_fd);
  if (pid < 0) throw std::runtime_error("fork failed");
  return pid;
}

// Waits for `pid` up to `timeout` (a pidfd becomes readable when it ends). The exit code, -1
// when killed by a signal, nullopt on timeout.
std::optional<int> WaitForExit(pid_t pid, std::chrono::milliseconds timeout) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    ::close(pidfd);
    if (ready <= 0) return std::nullopt;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Single-quoted SQL literal.
std::string Literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// True once postmaster.pid says the server accepts connections (its 8th line is "ready").
bool PostmasterReady(const std::string& data_dir) {
  std::ifstream in(data_dir + "/postmaster.pid");
  std::string line;
  for (int i = 0; i < 8 && std::getline(in, line); ++i) {
    if (i == 7) return line.rfind("ready", 0) == 0;
  }
  return false;
}

std::atomic<unsigned> next_file_number{0};

// The data folder of a cluster made by initdb for this PostgreSQL build and account, kept
// under the temp dir ("batuta-pg-template-<uid>-<build>/data") for later test processes, which
// copy it. Made in a private folder and renamed into place, so concurrent processes never see
// a partial one. SCRAM for every connection from the start, so no reload has to take effect
// before a test can rely on a wrong password being refused.
std::string TemplateCluster(const std::string& bin_dir, const std::string& superuser,
                            const std::string& password, const Account& account,
                            const std::vector<std::string>& env) {
  struct stat binary {};
  if (::stat((bin_dir + "/postgres").c_str(), &binary) != 0) {
    throw std::runtime_error("no postgres binary in " + bin_dir);
  }
  const std::string base =
      (std::filesystem::temp_directory_path() /
       ("batuta-pg-template-" + std::to_string(::geteuid()) + "-" + std::to_string(binary.st_size) +
        "-" + std::to_string(binary.st_mtime)))
          .string();
  std::string data = base + "/data";
  struct stat existing {};
  const uid_t owner = account.switch_user ? account.uid : ::geteuid();
  if (::stat((base + "/complete").c_str(), &existing) == 0 && existing.st_uid == ::geteuid() &&
      ::stat(data.c_str(), &existing) == 0 && existing.st_uid == owner) {
    return data;
  }
  std::string scratch = base + ".XXXXXX";
  if (::mkdtemp(scratch.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + scratch);
  if (account.switch_user && ::chown(scratch.c_str(), account.uid, account.gid) != 0) {
    throw std::runtime_error("cannot chown " + scratch + " to postgres");
  }
  const std::string log = scratch + "/initdb.log";
  const std::string pwfile = scratch + "/superuser-password";
  WriteFile(pwfile, password + "\n");
  if (account.switch_user && ::chown(pwfile.c_str(), account.uid, account.gid) != 0) {
    throw std::runtime_error("cannot chown " + pwfile);
  }
  const pid_t initdb =
      Spawn({bin_dir + "/initdb", "-D", scratch + "/data", "-U", superuser, "--pwfile=" + pwfile,
             "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"},
            env, log, log, account, false);
  const bool made = WaitForExit(initdb, std::chrono::minutes(2)) == 0;
  const std::string output = ReadFile(log);
  std::error_code ignored;
  std::filesystem::remove(pwfile, ignored);
  std::filesystem::remove(log, ignored);
  if (!made) {
    std::filesystem::remove_all(scratch, ignored);
    throw std::runtime_error("initdb failed:\n" + output);
  }
  WriteFile(scratch + "/complete", "");
  // Losing the race to another process is fine: its template is as good as ours.
  if (::rename(scratch.c_str(), base.c_str()) != 0) std::filesystem::remove_all(scratch, ignored);
  return data;
}

}  // namespace

PostgresServer::PostgresServer() {
  const char* bin = std::getenv("BATUTA_PG_BIN");
  bin_dir_ = bin != nullptr ? bin : "/usr/lib/postgresql/15/bin";
  const std::string root = dir_.path().string();
  socket_dir_ = root;
  data_dir_ = root + "/data";
  const std::string log = root + "/postgres.log";
  const Account account = ServerAccount();
  if (account.switch_user && ::chown(root.c_str(), account.uid, account.gid) != 0) {
    throw std::runtime_error("cannot chown " + root + " to postgres");
  }
  const std::vector<std::string> env{"PATH=/usr/bin:/bin", "LC_ALL=C", "HOME=" + root};
  // A copy of a cluster initdb'd once per machine: initdb takes seconds, a copy a fraction.
  const std::string cluster =
      TemplateCluster(bin_dir_, superuser_, superuser_password_, account, env);
  const pid_t copy = Spawn({"/bin/cp", "-a", cluster, data_dir_}, env, log, log, account, false);
  if (WaitForExit(copy, std::chrono::minutes(2)) != 0) {
    throw std::runtime_error("cannot copy " + cluster + ":\n" + ReadFile(log));
  }
  WriteFile(data_dir_ + "/postgresql.conf",
            "\nlisten_addresses = ''\n"
            "unix_socket_directories = '" +
                socket_dir_ + "'\nport = " + std::to_string(port_) +
                "\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 50\nshared_buffers = 16MB\n",
            true);

  // Watch the data folder before starting, so the write that marks readiness is not missed.
  const int watch = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (watch < 0 ||
      ::inotify_add_watch(watch, data_dir_.c_str(), IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE) < 0) {
    if (watch >= 0) ::close(watch);
    throw std::runtime_error("inotify failed");
  }
  pid_ = Spawn({bin_dir_ + "/postgres", "-D", data_dir_}, env, log, log, account, true);
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  bool ready = false;
  bool exited = false;
  while (!(ready = PostmasterReady(data_dir_)) && !exited) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd fds[2] = {{watch, POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (::poll(fds, pidfd >= 0 ? 2 : 1, static_cast<int>(left.count())) < 0 && errno != EINTR) {
      break;
    }
    char events[4096];
    while (::read(watch, events, sizeof events) > 0) {
    }
    exited = (fds[1].revents & POLLIN) != 0;
  }
  ::close(watch);
  if (pidfd >= 0) ::close(pidfd);
  if (!ready) {
    Stop();
    throw std::runtime_error("postgres did not start:\n" + ReadFile(log));
  }

  ExecuteIn("postgres", "CREATE ROLE " + user_ + " LOGIN PASSWORD " + Literal(password_) +
                            ";\nCREATE DATABASE " + database_ + " OWNER " + user_ + ";\n");
}

PostgresServer::~PostgresServer() { Stop(); }

PostgresServer& PostgresServer::Shared() {
  static PostgresServer server;
  return server;
}

void PostgresServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGINT);  // fast shutdown: disconnects clients, aborts their transactions
  if (!WaitForExit(pid_, kStopTimeout)) {
    ::kill(pid_, SIGKILL);
    WaitForExit(pid_, kStopTimeout);
  }
  pid_ = -1;
}

std::string PostgresServer::Execute(const std::string& sql) const {
  return ExecuteIn(database_, sql);
}

std::string PostgresServer::ExecuteIn(const std::string& database, const std::string& sql) const {
  const std::string base =
      dir_.path().string() + "/psql-" + std::to_string(next_file_number.fetch_add(1));
  const std::string in = base + ".sql";
  const std::string out = base + ".out";
  const std::string err = base + ".err";
  WriteFile(in, sql);
  const pid_t pid =
      Spawn({bin_dir_ + "/psql", "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1", "-h",
             socket_dir_, "-p", std::to_string(port_), "-U", superuser_, "-d", database, "-f", in},
            {"PATH=/usr/bin:/bin", "LC_ALL=C", "PGPASSWORD=" + superuser_password_,
             "PGCONNECT_TIMEOUT=10"},
            out, err, Account{}, false);
  const auto code = WaitForExit(pid, std::chrono::minutes(5));
  std::string result = ReadFile(out);
  const std::string errors = ReadFile(err);
  std::remove(in.c_str());
  std::remove(out.c_str());
  std::remove(err.c_str());
  if (code != 0) throw std::runtime_error("psql failed: " + errors + "\nSQL: " + sql);
  return result;
}

}  // namespace batuta::testing
