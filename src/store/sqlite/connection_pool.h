#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "core/result.h"
#include "store/sqlite/connection.h"

namespace batuta::sqlite {

// One writer connection and a fixed set of reader connections to one database file.
//
// Concurrency contract: a connection is used by one thread at a time, the holder of its Lease.
// Writes go through the single writer (SQLite allows one writer per database anyway; queueing
// here instead of on the file lock keeps waiting fair and inside this process). In WAL mode
// readers run in parallel with each other and with the writer, each seeing the last committed
// state as of its statement's start; a read that starts after a write committed sees it.
// Leases block until a connection is free (a condition variable, no polling). A thread must
// hold at most one lease at a time, otherwise two threads can wait on each other.
// Thread-safe.
class ConnectionPool {
 public:
  // The writer is opened first (creating the file, enabling WAL), then the readers. With
  // zero readers, Reader() hands out the writer.
  static Result<std::unique_ptr<ConnectionPool>> Open(const std::filesystem::path& file,
                                                      std::size_t read_connections,
                                                      std::chrono::milliseconds busy_timeout);

  // Exclusive use of one connection until destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), connection_(other.connection_) {
      other.pool_ = nullptr;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, Connection* connection) : pool_(pool), connection_(connection) {}

    ConnectionPool* pool_;  // null once moved from
    Connection* connection_;
  };

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  // No Lease may outlive the pool.
  ~ConnectionPool() = default;

  Lease Writer();
  // Any free reader.
  Lease Reader();
  // The reader number `index` < reader_count(), e.g. to inspect every connection.
  Lease ReaderAt(std::size_t index);

  std::size_t reader_count() const { return readers_.size(); }

 private:
  struct Slot {
    std::unique_ptr<Connection> connection;
    bool busy = false;
  };

  ConnectionPool() = default;
  Lease Acquire(Slot& slot, std::unique_lock<std::mutex>& lock);
  void Release(Connection* connection);

  std::mutex mutex_;
  std::condition_variable released_;
  Slot writer_;                // guarded by mutex_ (busy flag)
  std::vector<Slot> readers_;  // fixed after Open; busy flags guarded by mutex_
};

}  // namespace batuta::sqlite
