#include "storage/stale_temporaries.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "storage/local_storage.h"
#include "temp_dir.h"

namespace batuta::storage {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;

// A fixed "now"; files get their times relative to it, so the test does not read the clock.
const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 12 / 2} + hours{12};
constexpr std::chrono::seconds kDay = hours{24};

void WriteAged(const fs::path& path, std::string_view content, std::chrono::seconds age) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  fs::last_write_time(path, fs::file_time_type::clock::from_sys(kNow - age));
}

TEST(StaleTemporariesTest, RemovesOldTemporariesAnywhereAndKeepsEverythingElse) {
  testing::TempDir dir;
  const fs::path& root = dir.path();
  const std::string temp(kTemporaryPrefix);
  WriteAged(root / (temp + "a1-vendas.csv"), "half a file", kDay + hours{1});
  WriteAged(root / "2026" / "11" / (temp + "b2-mes.csv"), "12345", hours{48});
  WriteAged(root / ".batuta" / "versions" / (temp + "c3-v7.csv"), "x", hours{30});
  // A write of another process that shares the folder: recent, so kept.
  WriteAged(root / (temp + "d4-live.csv"), "live", hours{2});
  // Old files that are not temporaries.
  WriteAged(root / "vendas.csv", "data", hours{1000});
  WriteAged(root / ".batuta" / "versions" / "v7.csv", "kept", hours{1000});
  WriteAged(root / "batuta-tmp-lookalike.csv", "user", hours{1000});

  const SweepOutcome outcome = RemoveStaleTemporaries(root, kDay, kNow);

  EXPECT_EQ(outcome.removed, 3U);
  EXPECT_EQ(outcome.bytes, 11U + 5U + 1U);
  EXPECT_TRUE(outcome.problems.empty());
  EXPECT_FALSE(fs::exists(root / (temp + "a1-vendas.csv")));
  EXPECT_FALSE(fs::exists(root / "2026" / "11" / (temp + "b2-mes.csv")));
  EXPECT_FALSE(fs::exists(root / ".batuta" / "versions" / (temp + "c3-v7.csv")));
  EXPECT_TRUE(fs::exists(root / (temp + "d4-live.csv")));
  EXPECT_TRUE(fs::exists(root / "vendas.csv"));
  EXPECT_TRUE(fs::exists(root / ".batuta" / "versions" / "v7.csv"));
  EXPECT_TRUE(fs::exists(root / "batuta-tmp-lookalike.csv"));
  EXPECT_TRUE(fs::is_directory(root / "2026" / "11"));  // folders stay
}

TEST(StaleTemporariesTest, NeitherFollowsNorRemovesSymbolicLinks) {
  testing::TempDir storage;
  testing::TempDir elsewhere;
  const std::string temp(kTemporaryPrefix);
  const fs::path outside = elsewhere.path() / (temp + "outside.csv");
  WriteAged(outside, "not ours", hours{100});
  // A link named like a temporary, and a linked folder that holds an old temporary.
  fs::create_symlink(outside, storage.path() / (temp + "link.csv"));
  fs::create_directory_symlink(elsewhere.path(), storage.path() / "linked");

  const SweepOutcome outcome = RemoveStaleTemporaries(storage.path(), kDay, kNow);

  EXPECT_EQ(outcome.removed, 0U);
  EXPECT_TRUE(fs::exists(outside));
  EXPECT_TRUE(fs::is_symlink(storage.path() / (temp + "link.csv")));
}

TEST(StaleTemporariesTest, ALinkedRootIsSweptAndAMissingOneIsEmpty) {
  testing::TempDir dir;
  const fs::path real = dir.path() / "real";
  WriteAged(real / (std::string(kTemporaryPrefix) + "old.csv"), "x", hours{25});
  fs::create_directory_symlink(real, dir.path() / "exports");

  EXPECT_EQ(RemoveStaleTemporaries(dir.path() / "exports", kDay, kNow).removed, 1U);
  const SweepOutcome missing = RemoveStaleTemporaries(dir.path() / "absent", kDay, kNow);
  EXPECT_EQ(missing.removed, 0U);
  EXPECT_TRUE(missing.problems.empty());
}

}  // namespace
}  // namespace batuta::storage
