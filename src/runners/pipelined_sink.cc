#include "runners/pipelined_sink.h"

#include <utility>

namespace batuta::runners {

PipelinedSink::PipelinedSink(rows::RowSink& next, std::size_t rows_per_batch,
                             std::size_t max_batches)
    : next_(next),
      rows_per_batch_(rows_per_batch == 0 ? 1 : rows_per_batch),
      max_batches_(max_batches == 0 ? 1 : max_batches) {}

PipelinedSink::~PipelinedSink() {
  {
    std::lock_guard lock(mutex_);
    abort_ = true;
  }
  changed_.notify_all();
  if (consumer_.joinable()) consumer_.join();
}

Status PipelinedSink::Begin(std::span<const rows::Column> columns) {
  columns_ = columns.size();
  BATUTA_RETURN_IF_ERROR(next_.Begin(columns));
  consumer_ = std::thread([this] { Consume(); });
  return Ok();
}

Status PipelinedSink::Row(std::span<const rows::Cell> cells) {
  if (!consumer_.joinable()) return Error::Internal("PipelinedSink::Row before Begin");
  for (const rows::Cell& cell : cells) {
    if (!cell.is_null) filling_.bytes.append(cell.text);
    filling_.ends.push_back(filling_.bytes.size());
    filling_.nulls.push_back(cell.is_null);
  }
  ++filling_.rows;
  if (filling_.rows < rows_per_batch_) return Ok();
  if (!HandOff()) return ConsumerError();
  return Ok();
}

bool PipelinedSink::HandOff() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return queue_.size() < max_batches_ || failure_.has_value(); });
  if (failure_) return false;
  Batch next_batch;
  if (!spare_.empty()) {
    next_batch = std::move(spare_.back());
    spare_.pop_back();
  }
  queue_.push_back(std::move(filling_));
  filling_ = std::move(next_batch);
  filling_.Clear();
  lock.unlock();
  changed_.notify_all();
  return true;
}

Status PipelinedSink::ConsumerError() {
  std::lock_guard lock(mutex_);
  return failure_ ? Status(*failure_) : Ok();
}

Status PipelinedSink::Finish() {
  if (finished_) return ConsumerError();
  finished_ = true;
  if (!consumer_.joinable()) return Ok();  // Begin never came: nothing to consume
  if (filling_.rows > 0) (void)HandOff();
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  changed_.notify_all();
  consumer_.join();
  return ConsumerError();
}

void PipelinedSink::Consume() {
  std::vector<rows::Cell> cells;
  while (true) {
    Batch batch;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return abort_ || done_ || !queue_.empty(); });
      if (abort_ || queue_.empty()) return;  // aborted, or done with nothing left
      batch = std::move(queue_.front());
      queue_.pop_front();
    }
    changed_.notify_all();  // room in the queue
    const std::string_view bytes = batch.bytes;
    std::size_t cell = 0;
    std::size_t begin = 0;
    Status status = Ok();
    for (std::size_t row = 0; row < batch.rows && status.ok(); ++row) {
      cells.clear();
      for (std::size_t column = 0; column < columns_; ++column, ++cell) {
        const std::size_t end = batch.ends[cell];
        cells.push_back(batch.nulls[cell] ? rows::Cell::Null()
                                          : rows::Cell::Of(bytes.substr(begin, end - begin)));
        begin = end;
      }
      status = next_.Row(cells);
    }
    std::lock_guard lock(mutex_);
    if (!status.ok()) {
      failure_ = std::move(status).error();
      changed_.notify_all();
      return;
    }
    if (spare_.size() < max_batches_) spare_.push_back(std::move(batch));
  }
}

}  // namespace batuta::runners
