#include "formats/gzip_sink.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "formats/gzip_test_support.h"
#include "formats/memory_sink.h"

namespace batuta::formats {
namespace {

using testing::Inflate;

std::string Text(int lines, int from = 0) {
  std::string text;
  for (int i = from; i < from + lines; ++i)
    text += "line " + std::to_string(i * 7919 % 1000) + "\n";
  return text;
}

TEST(GzipSink, WritesOneGzipMember) {
  MemorySink file;
  auto gzip = GzipSink::Open(file);
  ASSERT_TRUE(gzip.ok());
  const std::string text = Text(50000);
  ASSERT_TRUE((*gzip)->Write(text.substr(0, 1000)).ok());
  ASSERT_TRUE((*gzip)->Write(text.substr(1000)).ok());
  ASSERT_TRUE((*gzip)->Finish().ok());
  ASSERT_TRUE((*gzip)->Finish().ok());
  EXPECT_EQ((*gzip)->bytes_in(), text.size());
  EXPECT_EQ((*gzip)->bytes_out(), file.data().size());
  EXPECT_LT(file.data().size(), text.size() / 4);
  EXPECT_EQ(file.data().substr(0, 2), "\x1f\x8b");
  std::size_t trailing = 1;
  EXPECT_EQ(Inflate(file.data(), 15 + 16, &trailing), text);
  EXPECT_EQ(trailing, 0U);
  EXPECT_FALSE((*gzip)->Write("more").ok());
}

TEST(GzipSink, EmptyStreamIsValid) {
  MemorySink file;
  auto gzip = GzipSink::Open(file);
  ASSERT_TRUE(gzip.ok());
  ASSERT_TRUE((*gzip)->Finish().ok());
  EXPECT_EQ(Inflate(file.data(), 15 + 16), "");
}

TEST(GzipSink, RawInflateRestartsAtEachFullFlush) {
  MemorySink file;
  auto gzip = GzipSink::Open(file);
  ASSERT_TRUE(gzip.ok());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> points;  // (bytes_in, bytes_out)
  ASSERT_TRUE((*gzip)->FullFlush().ok());  // before any data: after the gzip header
  points.emplace_back((*gzip)->bytes_in(), (*gzip)->bytes_out());
  std::string all;
  for (int part = 0; part < 5; ++part) {
    const std::string text = Text(3000 * part + 1, part * 100);
    all += text;
    ASSERT_TRUE((*gzip)->Write(text).ok());
    ASSERT_TRUE((*gzip)->FullFlush().ok());
    ASSERT_TRUE((*gzip)->FullFlush().ok());  // repeated without input: same point
    points.emplace_back((*gzip)->bytes_in(), (*gzip)->bytes_out());
  }
  ASSERT_TRUE((*gzip)->Flush().ok());
  ASSERT_TRUE((*gzip)->Finish().ok());
  // The 10-byte gzip header and the flush's empty stored block.
  EXPECT_GE(points.front().second, 10U);
  EXPECT_LE(points.front().second, 15U);
  for (const auto& [in, out] : points) {
    std::size_t trailing = 0;
    EXPECT_EQ(Inflate(std::string_view(file.data()).substr(out), -15, &trailing), all.substr(in));
    EXPECT_EQ(trailing, 8U);
  }
}

TEST(GzipSink, ReportsDownstreamErrors) {
  MemorySink file(100);
  auto gzip = GzipSink::Open(file, 1);
  ASSERT_TRUE(gzip.ok());
  Status status = (*gzip)->Write(Text(100000));  // fails once 64 KiB of output are handed on
  if (status.ok()) status = (*gzip)->Finish();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace batuta::formats
