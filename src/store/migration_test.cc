#include "store/migration.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace batuta {
namespace {

const TimePoint kAppliedAt = TimePoint{} + std::chrono::hours(24 * 365 * 56);

std::vector<Migration> Known() {
  return {{1, "init", "CREATE TABLE a (x INTEGER);"},
          {2, "add_b", "CREATE TABLE b (y INTEGER);"},
          {3, "add_c", "CREATE TABLE c (z INTEGER);"}};
}

AppliedMigration AppliedFrom(const Migration& m) {
  return {m.version, m.name, MigrationChecksum(m.sql), kAppliedAt};
}

TEST(MigrationChecksumTest, IsSha256InLowerCaseHex) {
  EXPECT_EQ(MigrationChecksum("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(MigrationChecksum(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(MigrationLabelTest, PadsTheVersion) {
  EXPECT_EQ(MigrationLabel(1, "init"), "0001_init");
  EXPECT_EQ(MigrationLabel(12345, "big"), "12345_big");
}

TEST(ValidateMigrationsTest, AcceptsOneToNInOrder) {
  EXPECT_TRUE(ValidateMigrations(Known()).ok());
  EXPECT_TRUE(ValidateMigrations({}).ok());
}

TEST(ValidateMigrationsTest, RejectsGapsDuplicatesBadNamesAndEmptySql) {
  auto gap = Known();
  gap.erase(gap.begin() + 1);
  auto duplicate = Known();
  duplicate[1].version = 1;
  auto zero = Known();
  zero[0].version = 0;
  auto bad_name = Known();
  bad_name[2].name = "Add C";
  auto empty_sql = Known();
  empty_sql[0].sql = " \n\t";
  for (const auto& list : {gap, duplicate, zero, bad_name, empty_sql}) {
    const Status status = ValidateMigrations(list);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kInternal);
  }
}

TEST(DescribeMigrationsTest, EmptyDatabaseHasEverythingPending) {
  const auto known = Known();
  const MigrationState state = DescribeMigrations(known, {});
  EXPECT_EQ(state.applied_version, 0);
  EXPECT_EQ(state.latest_version, 3);
  EXPECT_TRUE(state.applied.empty());
  EXPECT_EQ(state.pending,
            (std::vector<PendingMigration>{{1, "init"}, {2, "add_b"}, {3, "add_c"}}));
  EXPECT_FALSE(state.problem);
  EXPECT_FALSE(state.UpToDate());
}

TEST(DescribeMigrationsTest, PartlyAndFullyMigratedInAnyRowOrder) {
  const auto known = Known();
  MigrationState partly = DescribeMigrations(known, {AppliedFrom(known[1]), AppliedFrom(known[0])});
  EXPECT_EQ(partly.applied_version, 2);
  ASSERT_EQ(partly.applied.size(), 2u);
  EXPECT_EQ(partly.applied[0].version, 1);
  EXPECT_EQ(partly.applied[1].version, 2);
  EXPECT_EQ(partly.pending, (std::vector<PendingMigration>{{3, "add_c"}}));
  EXPECT_FALSE(partly.problem);

  const MigrationState full = DescribeMigrations(
      known, {AppliedFrom(known[0]), AppliedFrom(known[1]), AppliedFrom(known[2])});
  EXPECT_EQ(full.applied_version, 3);
  EXPECT_TRUE(full.pending.empty());
  EXPECT_TRUE(full.UpToDate());
}

TEST(DescribeMigrationsTest, NewerDatabaseIsAProblem) {
  const auto known = Known();
  std::vector<AppliedMigration> applied;
  applied.reserve(known.size() + 1);
  for (const auto& m : known) applied.push_back(AppliedFrom(m));
  applied.push_back({4, "from_the_future", MigrationChecksum("x"), kAppliedAt});
  const MigrationState state = DescribeMigrations(known, applied);
  ASSERT_TRUE(state.problem);
  EXPECT_EQ(state.problem->code, ErrorCode::kConflict);
  EXPECT_NE(state.problem->message.find("version 4"), std::string::npos) << state.problem->message;
  EXPECT_NE(state.problem->message.find("newer batuta"), std::string::npos);
  EXPECT_EQ(state.problem->details["applied_version"], 4);
  EXPECT_EQ(state.problem->details["latest_version"], 3);
  EXPECT_FALSE(state.UpToDate());
}

TEST(DescribeMigrationsTest, ChecksumMismatchIsAProblem) {
  const auto known = Known();
  AppliedMigration tampered = AppliedFrom(known[1]);
  tampered.checksum = MigrationChecksum("CREATE TABLE b (y TEXT);");
  const MigrationState state = DescribeMigrations(known, {AppliedFrom(known[0]), tampered});
  ASSERT_TRUE(state.problem);
  EXPECT_EQ(state.problem->code, ErrorCode::kConflict);
  EXPECT_NE(state.problem->message.find("0002_add_b"), std::string::npos) << state.problem->message;
  EXPECT_EQ(state.problem->details["stored_checksum"], tampered.checksum);
  EXPECT_EQ(state.problem->details["known_checksum"], MigrationChecksum(known[1].sql));
}

TEST(DescribeMigrationsTest, OutOfOrderIsAProblem) {
  const auto known = Known();
  const MigrationState state =
      DescribeMigrations(known, {AppliedFrom(known[0]), AppliedFrom(known[2])});
  ASSERT_TRUE(state.problem);
  EXPECT_EQ(state.problem->code, ErrorCode::kConflict);
  EXPECT_NE(state.problem->message.find("0002_add_b"), std::string::npos) << state.problem->message;
  EXPECT_EQ(state.pending, (std::vector<PendingMigration>{{2, "add_b"}}));
}

TEST(DescribeMigrationsTest, UnknownLowVersionIsAProblem) {
  const auto known = Known();
  const MigrationState state =
      DescribeMigrations(known, {{0, "odd", MigrationChecksum("x"), kAppliedAt}});
  ASSERT_TRUE(state.problem);
  EXPECT_EQ(state.problem->code, ErrorCode::kConflict);
}

TEST(ChecksumProblemTest, NoneWhenEqual) {
  const auto known = Known();
  EXPECT_FALSE(ChecksumProblem(known[0], MigrationChecksum(known[0].sql)));
  EXPECT_TRUE(ChecksumProblem(known[0], "0000"));
}

}  // namespace
}  // namespace batuta
