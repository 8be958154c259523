#pragma once

#include <sys/types.h>

#include <filesystem>
#include <set>
#include <string>

namespace batuta::testing {

// A private MariaDB server for tests: a data dir made by mariadb-install-db in a fresh temp dir,
// and mariadbd listening only on a unix socket there (--skip-networking), with small buffers.
// The dir is under /dev/shm when that is writable (about 40 MB of RAM): on a busy disk the
// install's fsyncs take seconds, on tmpfs half a second. Otherwise under TMPDIR.
// It has database `database()` and user `user()` identified by `password()` with every
// privilege on that database (a real password, so a wrong one is refused). Administration
// (Execute, LoadTimeZone) goes through the OS account's unix_socket login: root when the tests
// run as root (the server then runs as `mysql`), otherwise the current user. The server has no
// time zone tables unless LoadTimeZone is called.
//
// Not thread-safe; meant to be used from the test's main thread.
class MariadbServer {
 public:
  // Starts the server and waits until it accepts connections (bounded). Throws
  // std::runtime_error, with the end of the server's error log, when anything fails.
  MariadbServer();
  // Stops the server (SIGTERM, then SIGKILL if it has not stopped after 30 s) and removes its
  // dir.
  ~MariadbServer();
  MariadbServer(const MariadbServer&) = delete;
  MariadbServer& operator=(const MariadbServer&) = delete;

  // One server per test process, started on first use and stopped at exit. The server also
  // gets SIGTERM if the thread that started it dies, so a crashed test leaves no server behind
  // (start it from the main thread).
  static MariadbServer& Shared();

  const std::string& socket_path() const { return socket_path_; }
  const std::string& database() const { return database_; }
  const std::string& user() const { return user_; }
  const std::string& password() const { return password_; }
  pid_t pid() const { return pid_; }

  // Runs `sql` (one or more statements) as the administrator, in `database()`. Throws
  // std::runtime_error with the server's message on failure.
  void Execute(const std::string& sql);

  // Loads the time zone tables for one IANA zone (from /usr/share/zoneinfo), so the server
  // knows it by name. Loading a zone again does nothing.
  void LoadTimeZone(const std::string& name);

 private:
  void Start();
  void Execute(const std::string& sql, bool in_database);
  std::string ErrorLogTail() const;
  void Stop();

  std::filesystem::path dir_;
  std::string socket_path_;
  std::string admin_user_;
  std::string database_ = "batuta_test";
  std::string user_ = "batuta";
  std::string password_ = "s3cret-Pa55";
  pid_t pid_ = -1;
  std::set<std::string> loaded_zones_;
};

}  // namespace batuta::testing
