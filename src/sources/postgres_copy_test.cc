#include "sources/postgres_copy.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sources/postgres_wire_testing.h"

namespace batuta::sources {
namespace {

using Value = std::optional<std::string>;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// A described statement as PQdescribePrepared returns it, built without a server.
PgResult Description(const std::vector<std::pair<std::string, Oid>>& columns) {
  PgResult result{PQmakeEmptyPGresult(nullptr, PGRES_COMMAND_OK)};
  std::vector<PGresAttDesc> attributes;
  for (const auto& [name, oid] : columns) {
    PGresAttDesc attribute{};
    attribute.name = const_cast<char*>(name.c_str());
    attribute.typid = oid;
    attribute.typlen = -1;
    attribute.atttypmod = -1;
    attributes.push_back(attribute);
  }
  EXPECT_EQ(PQsetResultAttrs(result.get(), static_cast<int>(attributes.size()), attributes.data()),
            1);
  return result;
}

using testing::BigEndian;

const std::string kHeader =
    std::string("PGCOPY\n\377\r\n\0", 11) + BigEndian(0, 4) + BigEndian(0, 4);
const std::string kTrailer = BigEndian(0xFFFF, 2);

// One row of (bigint, text) fields; nullopt is NULL.
std::string Row(std::optional<std::int64_t> number, std::optional<std::string> text) {
  std::string row = BigEndian(2, 2);
  row += number ? BigEndian(8, 4) + BigEndian(static_cast<std::uint64_t>(*number), 8)
                : BigEndian(0xFFFFFFFF, 4);
  row += text ? BigEndian(text->size(), 4) + *text : BigEndian(0xFFFFFFFF, 4);
  return row;
}

class RecordingSink : public rows::RowSink {
 public:
  explicit RecordingSink(std::size_t fail_at = 0) : fail_at_(fail_at) {}
  Status Begin(std::span<const rows::Column> described) override {
    columns.assign(described.begin(), described.end());
    return Ok();
  }
  Status Row(std::span<const rows::Cell> cells) override {
    if (rows.size() + 1 == fail_at_) return Error::Conflict("sink is full");
    auto& row = rows.emplace_back();
    for (const rows::Cell& cell : cells) {
      row.push_back(cell.is_null ? Value{} : Value{std::string(cell.text)});
    }
    return Ok();
  }
  std::vector<rows::Column> columns;
  std::vector<std::vector<Value>> rows;

 private:
  std::size_t fail_at_;
};

class PostgresCopyReaderTest : public ::testing::Test {
 protected:
  PgResult description_ = Description({{"id", 20}, {"name", 25}});
  QueryRequest request_;
  RecordingSink sink_;
};

TEST_F(PostgresCopyReaderTest, ReadsOnlyStatementsWhoseEveryColumnHasABinaryRendering) {
  EXPECT_EQ(PostgresCopyReader::Unreadable(description_.get()), std::nullopt);
  EXPECT_EQ(
      PostgresCopyReader::Unreadable(
          Description({{"n", 1700}, {"d", 1082}, {"t", 1114}, {"u", 2950}, {"j", 3802}}).get()),
      std::nullopt);
  EXPECT_EQ(PostgresCopyReader::Unreadable(Description({{"id", 20}, {"price", 701}}).get()),
            "column 2 (price) is double precision, which has no exact binary rendering");
  EXPECT_EQ(PostgresCopyReader::Unreadable(Description({{"at", 1184}}).get()),
            "column 1 (at) is timestamp with time zone, which has no exact binary rendering");
  EXPECT_EQ(PostgresCopyReader::Unreadable(Description({{"e", 99999}}).get()),  // an enum
            "column 1 (e) is oid 99999, which has no exact binary rendering");
  EXPECT_EQ(PostgresCopyReader::Unreadable(Description({}).get()),
            "the statement returns no columns");
}

TEST_F(PostgresCopyReaderTest, DeliversRowsAndNullsWithTheDescribedColumns) {
  PostgresCopyReader reader(sink_, request_);
  ASSERT_TRUE(reader.Begin(description_.get()).ok());
  ASSERT_EQ(sink_.columns.size(), 2u);
  EXPECT_EQ(sink_.columns[0].name, "id");
  EXPECT_EQ(sink_.columns[0].type, rows::ColumnType::kInteger);
  EXPECT_EQ(sink_.columns[1].source_type, "text");
  ASSERT_TRUE(reader.Feed(kHeader + Row(-7, "a,b\n\"c\"")).ok());
  ASSERT_TRUE(reader.Feed(Row(std::nullopt, "")).ok());
  ASSERT_TRUE(reader.Feed(Row(1, std::nullopt) + kTrailer).ok());
  EXPECT_TRUE(reader.Finish().ok());
  EXPECT_EQ(reader.delivered(), 3u);
  EXPECT_EQ(sink_.rows,
            (std::vector<std::vector<Value>>{{"-7", "a,b\n\"c\""}, {Value{}, ""}, {"1", Value{}}}));
}

TEST_F(PostgresCopyReaderTest, RowsCutAtAnyByteAreReadWhole) {
  const std::string stream =
      kHeader + Row(1, "first") + Row(2, std::string(300, 'x')) + Row(3, std::nullopt) + kTrailer;
  for (std::size_t piece = 1; piece <= 7; ++piece) {
    RecordingSink sink;
    PostgresCopyReader reader(sink, request_);
    ASSERT_TRUE(reader.Begin(description_.get()).ok());
    for (std::size_t at = 0; at < stream.size(); at += piece) {
      ASSERT_TRUE(reader.Feed(std::string_view(stream).substr(at, piece)).ok()) << at;
    }
    ASSERT_TRUE(reader.Finish().ok()) << piece;
    ASSERT_EQ(sink.rows.size(), 3u) << piece;
    EXPECT_EQ(sink.rows[1][1], std::string(300, 'x'));
    EXPECT_EQ(sink.rows[2], (std::vector<Value>{"3", Value{}}));
  }
}

TEST_F(PostgresCopyReaderTest, ReportsProgress) {
  std::vector<std::uint64_t> reported;
  request_.progress_every = 2;
  request_.on_progress = [&reported](std::uint64_t rows) { reported.push_back(rows); };
  PostgresCopyReader reader(sink_, request_);
  ASSERT_TRUE(reader.Begin(description_.get()).ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(reader.Feed((i == 0 ? kHeader : "") + Row(i, "")).ok());
  EXPECT_EQ(reported, (std::vector<std::uint64_t>{2, 4}));
}

TEST_F(PostgresCopyReaderTest, TheSinksErrorStopsTheStream) {
  RecordingSink sink(/*fail_at=*/2);
  PostgresCopyReader reader(sink, request_);
  ASSERT_TRUE(reader.Begin(description_.get()).ok());
  const Status status = reader.Feed(kHeader + Row(1, "a") + Row(2, "b") + Row(3, "c"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "sink is full");
  EXPECT_EQ(sink.rows.size(), 1u);
}

TEST_F(PostgresCopyReaderTest, MalformedStreamsAreUnavailableErrors) {
  const auto fails = [this](const std::string& stream, std::string_view words) {
    RecordingSink sink;
    PostgresCopyReader reader(sink, request_);
    EXPECT_TRUE(reader.Begin(description_.get()).ok());
    Status status = reader.Feed(stream);
    if (status.ok()) status = reader.Finish();
    ASSERT_FALSE(status.ok()) << words;
    EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(status.error().message.find(words), std::string::npos) << status.error().message;
  };
  fails("PGCOPX\n\377\r\n", "no PGCOPY signature");
  fails(std::string("PGCOPY\n\377\r\n\0", 11) + BigEndian(1U << 16, 4) + BigEndian(0, 4),
        "row OIDs");
  fails(kHeader + BigEndian(3, 2), "a row of 3 fields, 2 described");
  fails(kHeader + BigEndian(2, 2) + BigEndian(0xFFFFFFFE, 4), "a negative field length");
  fails(kHeader + BigEndian(2, 2) + BigEndian(4, 4) + "abcd" + BigEndian(0, 4),
        "column 1 holds an invalid value");
  fails(kHeader + Row(1, "x"), "ended before its trailer");
  fails(kHeader + Row(1, "x").substr(0, 9), "ended before its trailer");
  fails(kHeader + kTrailer + Row(1, "x"), "data after the trailer");
}

}  // namespace
}  // namespace batuta::sources
