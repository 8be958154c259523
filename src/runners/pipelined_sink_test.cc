#include "runners/pipelined_sink.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace batuta::runners {
namespace {

// Records what it receives, and on which thread; fails at row `fail_at` when set.
class RecordingSink final : public rows::RowSink {
 public:
  Status Begin(std::span<const rows::Column> columns) override {
    begin_thread = std::this_thread::get_id();
    columns_seen = columns.size();
    return Ok();
  }
  Status Row(std::span<const rows::Cell> cells) override {
    row_threads.push_back(std::this_thread::get_id());
    if (fail_at && rows.size() == *fail_at) return Error::Unavailable("disk full");
    std::string row;
    for (const auto& cell : cells)
      row += cell.is_null ? std::string("<null>|") : std::string(cell.text) + "|";
    rows.push_back(row);
    return Ok();
  }

  std::thread::id begin_thread;
  std::size_t columns_seen = 0;
  std::vector<std::thread::id> row_threads;
  std::vector<std::string> rows;
  std::optional<std::size_t> fail_at;
};

const std::vector<rows::Column> kColumns{{"a", rows::ColumnType::kText, ""},
                                         {"b", rows::ColumnType::kInteger, ""}};

TEST(PipelinedSinkTest, DeliversEveryRowInOrderOnItsOwnThread) {
  RecordingSink recording;
  {
    PipelinedSink pipeline(recording, 3, 2);
    ASSERT_TRUE(pipeline.Begin(kColumns).ok());
    for (int i = 0; i < 100; ++i) {
      const std::string text = "v" + std::to_string(i);
      const std::string number = std::to_string(i);
      const std::vector<rows::Cell> cells{i % 7 == 0 ? rows::Cell::Null() : rows::Cell::Of(text),
                                          i % 5 == 0 ? rows::Cell::Of("") : rows::Cell::Of(number)};
      ASSERT_TRUE(pipeline.Row(cells).ok());
    }
    ASSERT_TRUE(pipeline.Finish().ok());
  }
  ASSERT_EQ(recording.rows.size(), 100u);
  EXPECT_EQ(recording.rows[0], "<null>||");
  EXPECT_EQ(recording.rows[1], "v1|1|");
  EXPECT_EQ(recording.rows[99], "v99|99|");
  EXPECT_EQ(recording.columns_seen, 2u);
  EXPECT_EQ(recording.begin_thread, std::this_thread::get_id());
  for (const auto& id : recording.row_threads) EXPECT_NE(id, std::this_thread::get_id());
}

TEST(PipelinedSinkTest, AConsumerErrorReachesTheProducer) {
  RecordingSink recording;
  recording.fail_at = 10;
  PipelinedSink pipeline(recording, 4, 1);
  ASSERT_TRUE(pipeline.Begin(kColumns).ok());
  Status status = Ok();
  int sent = 0;
  // The producer sees the error at a later hand-off, never more than a few batches later.
  while (status.ok() && sent < 10'000) {
    status = pipeline.Row(std::vector<rows::Cell>{rows::Cell::Of("x"), rows::Cell::Of("1")});
    ++sent;
  }
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "disk full");
  EXPECT_LT(sent, 100);
  auto finished = pipeline.Finish();
  ASSERT_FALSE(finished.ok());
  EXPECT_EQ(finished.error().message, "disk full");
  EXPECT_EQ(recording.rows.size(), 10u);
}

TEST(PipelinedSinkTest, DestroyingWithoutFinishDropsTheQueuedRows) {
  RecordingSink recording;
  {
    PipelinedSink pipeline(recording, 2, 2);
    ASSERT_TRUE(pipeline.Begin(kColumns).ok());
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(
          pipeline.Row(std::vector<rows::Cell>{rows::Cell::Of("x"), rows::Cell::Of("1")}).ok());
    }
  }
  EXPECT_LE(recording.rows.size(), 2u);  // the last, unfinished batch never went out
}

TEST(PipelinedSinkTest, AnEmptyResultStillBegins) {
  RecordingSink recording;
  PipelinedSink pipeline(recording);
  ASSERT_TRUE(pipeline.Begin(kColumns).ok());
  ASSERT_TRUE(pipeline.Finish().ok());
  EXPECT_TRUE(recording.rows.empty());
  EXPECT_EQ(recording.columns_seen, 2u);
}

}  // namespace
}  // namespace batuta::runners
