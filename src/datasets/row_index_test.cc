#include "datasets/row_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "formats/memory_sink.h"
#include "temp_dir.h"

namespace batuta::datasets {
namespace {

RowIndexBuilder ThreeCheckpoints() {
  RowIndexBuilder builder;
  EXPECT_TRUE(builder.Add({0, 10, 10}).ok());
  EXPECT_TRUE(builder.Add({1024, 50'000, 50'000}).ok());
  EXPECT_TRUE(builder.Add({2048, 99'000, 99'000}).ok());
  return builder;
}

const RowIndexSummary kSummary{.rows = 3000,
                               .columns = 4,
                               .header = true,
                               .gzip = false,
                               .raw_size = 150'000,
                               .file_size = 150'000};

TEST(RowIndexTest, SerializeParseRoundTrip) {
  const RowIndexBuilder builder = ThreeCheckpoints();
  auto bytes = builder.Serialize(kSummary);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->size(), 56U + 3 * 24 + 4);
  EXPECT_EQ(bytes->substr(0, 8), std::string("BTRWIDX\0", 8));
  auto index = RowIndex::Parse(*bytes);
  ASSERT_TRUE(index.ok()) << index.error().message;
  EXPECT_EQ(index->summary(), kSummary);
  ASSERT_EQ(index->checkpoints().size(), 3U);
  EXPECT_EQ(index->checkpoints()[1], (CsvCheckpoint{1024, 50'000, 50'000}));
}

TEST(RowIndexTest, LocateFindsTheCheckpointAtOrBefore) {
  RowIndexBuilder builder;
  ASSERT_TRUE(builder.Add({1024, 500, 300}).ok());
  ASSERT_TRUE(builder.Add({2048, 900, 600}).ok());
  auto index = RowIndex::Parse(*builder.Serialize({.rows = 4000, .gzip = true}));
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->Locate(0), CsvCheckpoint{});  // the implicit start of the stream
  EXPECT_EQ(index->Locate(1023), CsvCheckpoint{});
  EXPECT_EQ(index->Locate(1024), (CsvCheckpoint{1024, 500, 300}));
  EXPECT_EQ(index->Locate(2047), (CsvCheckpoint{1024, 500, 300}));
  EXPECT_EQ(index->Locate(2048), (CsvCheckpoint{2048, 900, 600}));
  EXPECT_EQ(index->Locate(1'000'000), (CsvCheckpoint{2048, 900, 600}));

  auto empty = RowIndex::Parse(*RowIndexBuilder().Serialize({}));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->Locate(5), CsvCheckpoint{});
}

TEST(RowIndexTest, RefusesCheckpointsOutOfOrderOrBeyondTheRows) {
  RowIndexBuilder builder;
  ASSERT_TRUE(builder.Add({10, 100, 100}).ok());
  EXPECT_EQ(builder.Add({10, 200, 200}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(builder.Add({5, 200, 200}).ok());
  EXPECT_FALSE(builder.Add({20, 50, 200}).ok());
  EXPECT_FALSE(builder.Add({20, 200, 50}).ok());
  EXPECT_TRUE(builder.Add({20, 200, 200}).ok());
  EXPECT_FALSE(builder.Serialize({.rows = 19}).ok());
  EXPECT_TRUE(builder.Serialize({.rows = 20}).ok());
}

TEST(RowIndexTest, DetectsDamage) {
  const std::string good = *ThreeCheckpoints().Serialize(kSummary);
  const auto message = [](const std::string& bytes) {
    auto index = RowIndex::Parse(bytes);
    EXPECT_FALSE(index.ok());
    return index.ok() ? std::string() : index.error().message;
  };
  std::string flipped = good;
  flipped[70] ^= 1;
  EXPECT_EQ(message(flipped), "not a valid row index: CRC mismatch");
  EXPECT_EQ(message(good.substr(0, good.size() - 1)),
            "not a valid row index: its size does not match its checkpoint count");
  EXPECT_EQ(message(good.substr(0, 20)), "not a valid row index: too short");
  std::string magic = good;
  magic[0] = 'X';
  EXPECT_EQ(message(magic), "not a valid row index: bad magic");
  std::string version = good;
  version[8] = 2;
  EXPECT_EQ(message(version), "not a valid row index: unknown version 2");
  std::string count = good;
  count[48] = 100;  // claims 100 checkpoints
  EXPECT_EQ(message(count), "not a valid row index: its size does not match its checkpoint count");
}

TEST(RowIndexTest, FinishesIntoASinkAndAFile) {
  const RowIndexBuilder builder = ThreeCheckpoints();
  formats::MemorySink sink;
  ASSERT_TRUE(builder.Finish(kSummary, sink).ok());
  EXPECT_EQ(sink.data(), *builder.Serialize(kSummary));
  EXPECT_GE(sink.flushes(), 1U);

  const testing::TempDir dir;
  const std::string path = (dir.path() / "data.csv.idx").string();
  ASSERT_TRUE(builder.FinishToFile(kSummary, path).ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  auto index = RowIndex::Load(path);
  ASSERT_TRUE(index.ok()) << index.error().message;
  EXPECT_EQ(index->summary(), kSummary);
  EXPECT_EQ(index->checkpoints().size(), 3U);

  auto missing = RowIndex::Load((dir.path() / "none.idx").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "garbage";
  auto bad = RowIndex::Load(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find(path), std::string::npos);
}

TEST(RowIndexTest, BuildsTheIndexOfAPlainFile) {
  const testing::TempDir dir;
  const std::string path = (dir.path() / "data.csv").string();
  std::string csv = "id,text\r\n";
  for (int row = 0; row < 2500; ++row) {
    csv += std::to_string(row) + ",\"multi\r\nline " + std::to_string(row) + "\"\r\n";
  }
  std::ofstream(path, std::ios::binary) << csv;
  formats::CsvOptions options;
  auto index = RowIndex::Build(path, options, 1000);
  ASSERT_TRUE(index.ok()) << index.error().message;
  EXPECT_EQ(index->summary(), (RowIndexSummary{.rows = 2500,
                                               .columns = 2,
                                               .header = true,
                                               .gzip = false,
                                               .raw_size = csv.size(),
                                               .file_size = csv.size()}));
  ASSERT_EQ(index->checkpoints().size(), 3U);
  auto reader = CsvReader::OpenFile(path, options);
  ASSERT_TRUE(reader.ok());
  for (const std::uint64_t row : {0, 999, 1000, 1999, 2000, 2499}) {
    const CsvCheckpoint at = index->Locate(row);
    EXPECT_EQ(at.row, row / 1000 * 1000);
    ASSERT_TRUE((*reader)->Seek(at).ok());
    ASSERT_TRUE(*(*reader)->Skip(row - at.row));
    ASSERT_TRUE(*(*reader)->Next());
    EXPECT_EQ((*reader)->record().fields[0].text, std::to_string(row));
  }
}

}  // namespace
}  // namespace batuta::datasets
