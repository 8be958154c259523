#include "mariadb_server.h"

#include <fcntl.h>
#include <mysql.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace batuta::testing {
namespace {

constexpr std::chrono::seconds kStartTimeout{60};
constexpr std::chrono::seconds kStopTimeout{30};

// Starts `argv` with stdout and stderr appended to `log_path`. With `die_with_parent`, the child
// gets SIGTERM when the thread that started it dies.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log_path,
            bool die_with_parent) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) throw std::runtime_error("cannot open " + log_path);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    if (die_with_parent) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent) ::_exit(126);
    }
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log);
  if (pid < 0) throw std::runtime_error("fork failed");
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadTail(const std::string& path, std::size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  const std::string text = content.str();
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

struct MysqlCloser {
  void operator()(MYSQL* mysql) const { mysql_close(mysql); }
};
using Connection = std::unique_ptr<MYSQL, MysqlCloser>;

// Connects over the socket with unix_socket authentication (no password). Null and `error` set
// when the server refuses or is not up yet.
Connection ConnectAdmin(const std::string& socket, const std::string& user, std::string& error) {
  Connection mysql(mysql_init(nullptr));
  if (!mysql) throw std::runtime_error("mysql_init failed");
  const unsigned int timeout_seconds = 2;
  mysql_options(mysql.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout_seconds);
  mysql_options(mysql.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (mysql_real_connect(mysql.get(), nullptr, user.c_str(), nullptr, nullptr, 0, socket.c_str(),
                         CLIENT_MULTI_STATEMENTS) == nullptr) {
    error = mysql_error(mysql.get());
    return nullptr;
  }
  return mysql;
}

// A fresh directory under /dev/shm when possible, else under TMPDIR.
std::filesystem::path MakeTempDir() {
  std::error_code ignored;
  for (const std::filesystem::path& base :
       {std::filesystem::path("/dev/shm"), std::filesystem::temp_directory_path(ignored)}) {
    if (base.empty() || !std::filesystem::is_directory(base, ignored) ||
        ::access(base.c_str(), W_OK | X_OK) != 0) {
      continue;
    }
    std::string pattern = (base / "batuta-mariadb-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) return pattern;
  }
  throw std::runtime_error("cannot create a temporary directory for mariadb");
}

std::string CurrentUserName() {
  const passwd* entry = ::getpwuid(::geteuid());
  if (entry == nullptr) throw std::runtime_error("no passwd entry for the current user");
  return entry->pw_name;
}

}  // namespace

MariadbServer::MariadbServer() : dir_(MakeTempDir()) {
  try {
    Start();
  } catch (...) {
    Stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    throw;
  }
}

void MariadbServer::Start() {
  const std::filesystem::path data = dir_ / "data";
  socket_path_ = (dir_ / "mysqld.sock").string();
  if (socket_path_.size() >= sizeof(sockaddr_un{}.sun_path)) {
    throw std::runtime_error("socket path too long (set TMPDIR shorter): " + socket_path_);
  }
  const std::string log = (dir_ / "server.log").string();
  // mariadbd refuses to run as root; as root the server runs as `mysql` and root administers
  // it through unix_socket, otherwise both are the current user.
  std::string server_user;
  if (::geteuid() == 0) {
    server_user = "mysql";
    admin_user_ = "root";
    const passwd* mysql = ::getpwnam("mysql");
    if (mysql == nullptr) throw std::runtime_error("running as root but there is no mysql user");
    if (::chown(dir_.c_str(), mysql->pw_uid, mysql->pw_gid) != 0) {
      throw std::runtime_error("cannot chown " + dir_.string());
    }
  } else {
    server_user = CurrentUserName();
    admin_user_ = server_user;
  }
  const std::vector<std::string> sizes = {"--innodb-buffer-pool-size=32M",
                                          "--innodb-log-file-size=8M"};

  std::vector<std::string> install = {"mariadb-install-db",
                                      "--no-defaults",
                                      "--datadir=" + data.string(),
                                      "--user=" + server_user,
                                      "--auth-root-authentication-method=socket",
                                      "--skip-test-db",
                                      "--skip-name-resolve"};
  install.insert(install.end(), sizes.begin(), sizes.end());
  if (Wait(Spawn(install, log, false)) != 0) {
    throw std::runtime_error("mariadb-install-db failed:\n" + ErrorLogTail());
  }

  std::vector<std::string> server = {"mariadbd",
                                     "--no-defaults",
                                     "--datadir=" + data.string(),
                                     "--socket=" + socket_path_,
                                     "--pid-file=" + (dir_ / "mysqld.pid").string(),
                                     "--tmpdir=" + dir_.string(),
                                     "--log-error=" + log,
                                     "--user=" + server_user,
                                     "--skip-networking",
                                     "--skip-name-resolve",
                                     "--skip-log-bin",
                                     "--performance-schema=OFF",
                                     "--character-set-server=utf8mb4",
                                     "--collation-server=utf8mb4_general_ci",
                                     "--key-buffer-size=1M",
                                     "--max-connections=64",
                                     "--innodb-flush-log-at-trx-commit=0",
                                     "--innodb-doublewrite=0"};
  server.insert(server.end(), sizes.begin(), sizes.end());
  pid_ = Spawn(server, log, true);

  // An external server's start has no event to wait on: poll a connect, bounded.
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  std::string error;
  while (true) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("mariadbd exited during start:\n" + ErrorLogTail());
    }
    if (ConnectAdmin(socket_path_, admin_user_, error)) break;
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("mariadbd did not accept connections within " +
                               std::to_string(kStartTimeout.count()) + " s (" + error + "):\n" +
                               ErrorLogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  const std::string database_id = "`" + database_ + "`";
  const std::string account = "'" + user_ + "'@'localhost'";
  const std::string sql = "CREATE DATABASE " + database_id + "; CREATE USER " + account +
                          " IDENTIFIED BY '" + password_ + "'; GRANT ALL ON " + database_id +
                          ".* TO " + account + ";";
  try {
    Execute(sql, /*in_database=*/false);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("cannot create the test database and user: ") + e.what());
  }
}

MariadbServer::~MariadbServer() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

MariadbServer& MariadbServer::Shared() {
  static MariadbServer server;
  return server;
}

void MariadbServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
}

std::string MariadbServer::ErrorLogTail() const {
  return ReadTail((dir_ / "server.log").string(), 4000);
}

void MariadbServer::Execute(const std::string& sql) { Execute(sql, true); }

void MariadbServer::Execute(const std::string& sql, bool in_database) {
  std::string error;
  Connection admin = ConnectAdmin(socket_path_, admin_user_, error);
  if (!admin) throw std::runtime_error("cannot connect as administrator: " + error);
  if ((in_database && mysql_select_db(admin.get(), database_.c_str()) != 0) ||
      mysql_real_query(admin.get(), sql.data(), sql.size()) != 0) {
    throw std::runtime_error(std::string(mysql_error(admin.get())) + " in: " + sql);
  }
  // Every statement's result must be read before the next one's error is known.
  int next = 0;
  do {
    mysql_free_result(mysql_store_result(admin.get()));
    if (mysql_errno(admin.get()) != 0) break;
    next = mysql_next_result(admin.get());
  } while (next == 0);
  if (mysql_errno(admin.get()) != 0) {
    throw std::runtime_error(std::string(mysql_error(admin.get())) + " in: " + sql);
  }
}

void MariadbServer::LoadTimeZone(const std::string& name) {
  if (loaded_zones_.count(name) != 0) return;
  const std::string file = "/usr/share/zoneinfo/" + name;
  if (name.find_first_of("'\"$`\\ ") != std::string::npos || !std::filesystem::exists(file)) {
    throw std::runtime_error("unknown zone " + name);
  }
  const std::string command = "mariadb-tzinfo-to-sql '" + file + "' '" + name + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string sql = "USE mysql;\n";
  std::array<char, 4096> buffer{};
  std::size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0) {
    sql.append(buffer.data(), read);
  }
  if (::pclose(pipe.release()) != 0) throw std::runtime_error(command + " failed");
  Execute(sql);
  loaded_zones_.insert(name);
}

}  // namespace batuta::testing
