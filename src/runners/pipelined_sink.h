#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "rows/row.h"

namespace batuta::runners {

// Moves the consumer of a result set to a thread of its own, so that receiving rows from the
// database (the driver, on the caller's thread) and formatting and writing them (`next`, on
// this sink's thread) overlap instead of taking turns. Rows are copied into batches of
// `rows_per_batch`; at most `max_batches` wait between the threads, so memory stays bounded
// whatever the speed of either side (a full queue makes Row wait).
//
// Threading contract for `next`: Begin is called on the caller's thread, Row only on the
// consumer thread, and Finish returns after the consumer thread has ended, so `next` needs no
// locking of its own. An error from `next` stops the consumer; the caller's next Row (or
// Finish) returns it, which makes the driver stop the query and return it unchanged.
//
// Use: Begin and Row through a driver, then Finish once. Destroying the sink without Finish
// discards the rows still queued (the query failed or was cancelled). Not itself thread-safe:
// one producer.
class PipelinedSink final : public rows::RowSink {
 public:
  explicit PipelinedSink(rows::RowSink& next, std::size_t rows_per_batch = 4096,
                         std::size_t max_batches = 4);
  ~PipelinedSink() override;
  PipelinedSink(const PipelinedSink&) = delete;
  PipelinedSink& operator=(const PipelinedSink&) = delete;

  Status Begin(std::span<const rows::Column> columns) override;
  Status Row(std::span<const rows::Cell> cells) override;
  // Hands on the last rows and waits until `next` has consumed everything; its first error.
  Status Finish();

 private:
  // Rows stored flat: every cell's bytes in `bytes`, where each ends in `ends`, which are NULL.
  struct Batch {
    std::string bytes;
    std::vector<std::size_t> ends;
    std::vector<bool> nulls;
    std::size_t rows = 0;
    void Clear() {
      bytes.clear();
      ends.clear();
      nulls.clear();
      rows = 0;
    }
  };

  void Consume();
  // Queues `filling_` (waiting while the queue is full); false when the consumer failed.
  bool HandOff();
  Status ConsumerError();

  rows::RowSink& next_;
  const std::size_t rows_per_batch_;
  const std::size_t max_batches_;
  std::size_t columns_ = 0;
  Batch filling_;  // the producer's

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> queue_;       // guarded by mutex_
  std::vector<Batch> spare_;      // guarded by mutex_: consumed batches, for reuse
  bool done_ = false;             // guarded by mutex_: no more batches will come
  bool abort_ = false;            // guarded by mutex_: drop what is queued and stop
  std::optional<Error> failure_;  // guarded by mutex_: the consumer's first error
  std::thread consumer_;
  bool finished_ = false;
};

}  // namespace batuta::runners
