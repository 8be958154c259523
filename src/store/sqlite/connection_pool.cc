#include "store/sqlite/connection_pool.h"

#include <algorithm>
#include <cassert>

namespace batuta::sqlite {

Result<std::unique_ptr<ConnectionPool>> ConnectionPool::Open(
    const std::filesystem::path& file, std::size_t read_connections,
    std::chrono::milliseconds busy_timeout) {
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool());
  auto writer = Connection::Open(file, Connection::Role::kWriter, busy_timeout);
  if (!writer.ok()) return std::move(writer).error();
  pool->writer_.connection = std::move(*writer);
  pool->readers_.resize(read_connections);
  for (Slot& slot : pool->readers_) {
    auto reader = Connection::Open(file, Connection::Role::kReader, busy_timeout);
    if (!reader.ok()) return std::move(reader).error();
    slot.connection = std::move(*reader);
  }
  return pool;
}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(connection_);
}

ConnectionPool::Lease ConnectionPool::Acquire(Slot& slot, std::unique_lock<std::mutex>& lock) {
  released_.wait(lock, [&] { return !slot.busy; });
  slot.busy = true;
  return Lease(this, slot.connection.get());
}

ConnectionPool::Lease ConnectionPool::Writer() {
  std::unique_lock lock(mutex_);
  return Acquire(writer_, lock);
}

ConnectionPool::Lease ConnectionPool::Reader() {
  std::unique_lock lock(mutex_);
  if (readers_.empty()) return Acquire(writer_, lock);
  Slot* free_slot = nullptr;
  released_.wait(lock, [&] {
    const auto it =
        std::find_if(readers_.begin(), readers_.end(), [](const Slot& slot) { return !slot.busy; });
    free_slot = it == readers_.end() ? nullptr : &*it;
    return free_slot != nullptr;
  });
  free_slot->busy = true;
  return Lease(this, free_slot->connection.get());
}

ConnectionPool::Lease ConnectionPool::ReaderAt(std::size_t index) {
  assert(index < readers_.size() && "ReaderAt: no such reader");
  std::unique_lock lock(mutex_);
  return Acquire(readers_[index], lock);
}

void ConnectionPool::Release(Connection* connection) {
  {
    std::lock_guard lock(mutex_);
    if (writer_.connection.get() == connection) {
      writer_.busy = false;
    } else {
      for (Slot& slot : readers_) {
        if (slot.connection.get() == connection) slot.busy = false;
      }
    }
  }
  // Waiters wait for different slots (the writer, any reader, one reader), so wake them all;
  // the pool is small.
  released_.notify_all();
}

}  // namespace batuta::sqlite
