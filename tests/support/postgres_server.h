#pragma once

// A throw-away PostgreSQL 15 server for tests: a fresh cluster in a temporary folder, reachable
// only through a unix socket in that folder, with password (SCRAM) authentication for every
// role.

#include <sys/types.h>

#include <string>

#include "temp_dir.h"

namespace batuta::testing {

class PostgresServer {
 public:
  // Copies a fresh cluster and starts `postgres` (from /usr/lib/postgresql/15/bin, or
  // $BATUTA_PG_BIN), waits until it accepts connections, then creates database() owned by the
  // login role user(). The cluster is copied from one that initdb made on first use and left in
  // the temp dir (batuta-pg-template-*) for later test processes. When running as root, initdb
  // and postgres run as the `postgres` system user (they refuse root). The server is this
  // process's child and also gets SIGQUIT if this process dies. Throws std::runtime_error with
  // the tools' output when anything fails.
  PostgresServer();
  // Stops the server (fast shutdown) and removes the folder.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // One server per test binary, started on first use and stopped at exit.
  static PostgresServer& Shared();

  // Connection parameters: `socket_dir` is what libpq takes as host; the port only names the
  // socket file (.s.PGSQL.<port>).
  const std::string& socket_dir() const { return socket_dir_; }
  int port() const { return port_; }
  const std::string& database() const { return database_; }
  const std::string& user() const { return user_; }
  const std::string& password() const { return password_; }
  const std::string& superuser() const { return superuser_; }
  const std::string& superuser_password() const { return superuser_password_; }

  // Runs `sql` (one or more statements) with psql as the superuser in database(), stopping at
  // the first error. Returns the rows unaligned: columns separated by '|', one row per line.
  // Throws std::runtime_error with psql's stderr on failure. Thread-safe.
  std::string Execute(const std::string& sql) const;

 private:
  std::string ExecuteIn(const std::string& database, const std::string& sql) const;
  void Stop();

  TempDir dir_;
  std::string bin_dir_;
  std::string socket_dir_;
  std::string data_dir_;
  int port_ = 54321;
  std::string database_ = "batuta_test";
  std::string user_ = "batuta_user";
  std::string password_ = "user-pa55 'quoted' \\ ;";
  std::string superuser_ = "batuta_admin";
  std::string superuser_password_ = "admin-pa55";
  pid_t pid_ = -1;
};

}  // namespace batuta::testing
