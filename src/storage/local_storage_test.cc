#include "storage/local_storage.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "small_tmpfs.h"
#include "temp_dir.h"

namespace batuta::storage {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::set<std::string> Names(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

void Put(const LocalStorage& storage, std::string_view relative, std::string_view content) {
  auto file = storage.CreateAtomic(relative);
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_TRUE((*file)->Write(content).ok());
  const Status committed = (*file)->Commit();
  ASSERT_TRUE(committed.ok()) << committed.error().message;
}

class LocalStorageTest : public ::testing::Test {
 protected:
  LocalStorageTest() : storage_(LocalStorage::Open(dir_.path() / "data" / "exports").value()) {}

  void ExpectRefused(std::string_view relative) {
    const auto resolved = storage_.Resolve(relative);
    ASSERT_FALSE(resolved.ok()) << "accepted '" << relative << "' as " << resolved->string();
    EXPECT_EQ(resolved.error().code, ErrorCode::kValidation) << relative;
    EXPECT_EQ(resolved.error().details.value("field", ""), "path");
    EXPECT_FALSE(resolved.error().message.empty());
    EXPECT_FALSE(storage_.CreateAtomic(relative).ok()) << relative;
    EXPECT_FALSE(storage_.OpenForRead(relative).ok()) << relative;
    EXPECT_FALSE(storage_.Remove(relative).ok()) << relative;
    EXPECT_FALSE(storage_.Exists(relative)) << relative;
  }

  testing::TempDir dir_;
  LocalStorage storage_;
};

TEST_F(LocalStorageTest, OpenCreatesTheRootAndCanonicalisesIt) {
  EXPECT_TRUE(fs::is_directory(dir_.path() / "data" / "exports"));
  EXPECT_EQ(storage_.root(), fs::canonical(dir_.path() / "data" / "exports"));
  EXPECT_EQ(DefaultStorageRoot("/var/lib/batuta"), fs::path("/var/lib/batuta/exports"));
}

TEST_F(LocalStorageTest, ResolvesPathsInsideTheRoot) {
  for (const std::string_view relative :
       {"a.csv", "sales/2024/05.csv", "..a", "a..b/c", "batuta.csv", ".hidden", "x.batuta"}) {
    const auto resolved = storage_.Resolve(relative);
    ASSERT_TRUE(resolved.ok()) << relative << ": " << resolved.error().message;
    EXPECT_EQ(*resolved, storage_.root() / relative);
  }
}

TEST_F(LocalStorageTest, RefusesPathsThatCouldLeaveTheRoot) {
  for (const std::string_view relative : std::initializer_list<std::string_view>{
           "", "/etc/passwd", "..", "../x.csv", "a/../../x.csv", "a/..", "a/../b", "./a", "a/.",
           "a//b", "a/", "a\\b", "..\\x", std::string_view("a\0b", 3)}) {
    ExpectRefused(relative);
  }
  ExpectRefused(std::string(256, 'n'));
  EXPECT_TRUE(storage_.Resolve(std::string(255, 'n')).ok());
}

TEST_F(LocalStorageTest, RefusesReservedNames) {
  for (const std::string_view relative : {".batuta", ".batuta/versions/1.csv", "a/.batuta",
                                          ".BATUTA/x", ".batuta-tmp-1-x.csv", "a/.batutaX"}) {
    ExpectRefused(relative);
  }
  EXPECT_TRUE(IsReservedName(".batuta"));
  EXPECT_TRUE(IsReservedName(".Batuta-tmp-00-x"));
  EXPECT_FALSE(IsReservedName("batuta"));
  EXPECT_FALSE(IsReservedName(".batut"));
}

TEST_F(LocalStorageTest, RefusesSymbolicLinksLeavingTheRoot) {
  const fs::path outside = dir_.path() / "outside";
  fs::create_directories(outside);
  { std::ofstream(outside / "secret.txt") << "outside"; }
  fs::create_directory_symlink(outside, storage_.root() / "out");
  fs::create_symlink(outside / "secret.txt", storage_.root() / "link.txt");
  fs::create_directory_symlink("..", storage_.root() / "up");
  fs::create_directory_symlink(storage_.root(), storage_.root() / "self");

  ExpectRefused("out/x.csv");
  ExpectRefused("out/secret.txt");
  ExpectRefused("link.txt");
  ExpectRefused("up/x.csv");
  ExpectRefused("self");
  // A dangling link is replaced, never written through.
  fs::create_symlink(outside / "new.txt", storage_.root() / "dangling.txt");
  Put(storage_, "dangling.txt", "inside");
  EXPECT_FALSE(fs::is_symlink(storage_.root() / "dangling.txt"));
  EXPECT_EQ(ReadFile(storage_.root() / "dangling.txt"), "inside");

  EXPECT_EQ(ReadFile(outside / "secret.txt"), "outside");
  EXPECT_EQ(Names(outside), std::set<std::string>{"secret.txt"});

  // A link that stays inside the root is fine, and resolves to its target.
  fs::create_directories(storage_.root() / "real");
  fs::create_directory_symlink(storage_.root() / "real", storage_.root() / "alias");
  const auto resolved = storage_.Resolve("alias/x.csv");
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(*resolved, storage_.root() / "real" / "x.csv");
  // ... and "self/x.csv" is root/x.csv.
  EXPECT_TRUE(storage_.Resolve("self/x.csv").ok());
}

TEST_F(LocalStorageTest, RefusesSymbolicLinksIntoTheKeptFolder) {
  fs::create_directories(storage_.root() / ".batuta" / "versions");
  fs::create_directory_symlink(storage_.root() / ".batuta", storage_.root() / "sneak");
  ExpectRefused("sneak/versions/1.csv");
  // Nor may a kept path escape the kept folder through a link.
  fs::create_directory_symlink(storage_.root(), storage_.root() / ".batuta" / "back");
  EXPECT_FALSE(storage_.ResolveKept(".batuta/back/x.csv").ok());
}

TEST_F(LocalStorageTest, KeptPathsAreOnlyInsideTheKeptFolder) {
  const auto kept = storage_.ResolveKept(".batuta/versions/01H.csv");
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  EXPECT_EQ(*kept, storage_.root() / ".batuta" / "versions" / "01H.csv");
  for (const std::string_view relative : {"versions/01H.csv", ".batuta", ".batuta/", ".batuta/../x",
                                          ".batuta/.batuta-tmp-x", "/.batuta/x", "a/.batuta/x"}) {
    const auto refused = storage_.ResolveKept(relative);
    ASSERT_FALSE(refused.ok()) << relative;
    EXPECT_EQ(refused.error().code, ErrorCode::kValidation);
  }
}

TEST_F(LocalStorageTest, TargetKeepsItsOldContentUntilCommit) {
  Put(storage_, "sales/data.csv", "old\n");
  const fs::path target = storage_.root() / "sales" / "data.csv";

  auto file = storage_.CreateAtomic("sales/data.csv");
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_TRUE((*file)->Write("new ").ok());
  ASSERT_TRUE((*file)->Write(std::string(3 * AtomicFile::kBufferSize, 'n')).ok());
  ASSERT_TRUE((*file)->Flush().ok());
  EXPECT_EQ((*file)->size(), 4 + 3 * AtomicFile::kBufferSize);
  EXPECT_EQ((*file)->relative_path(), "sales/data.csv");
  EXPECT_EQ(ReadFile(target), "old\n");

  // The temporary file sits beside the target under a reserved name.
  const auto names = Names(target.parent_path());
  ASSERT_EQ(names.size(), 2u);
  for (const std::string& name : names) {
    if (name != "data.csv") {
      EXPECT_TRUE(IsReservedName(name)) << name;
      struct stat st {};
      ASSERT_EQ(::stat((target.parent_path() / name).c_str(), &st), 0);
      EXPECT_EQ(st.st_mode & 0707, 0600u);  // 0640 less the umask's group bits
    }
  }

  ASSERT_TRUE((*file)->Commit().ok());
  EXPECT_EQ(ReadFile(target), "new " + std::string(3 * AtomicFile::kBufferSize, 'n'));
  EXPECT_EQ(Names(target.parent_path()), std::set<std::string>{"data.csv"});
  const auto size = storage_.FileSize("sales/data.csv");
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 4 + 3 * AtomicFile::kBufferSize);
}

TEST_F(LocalStorageTest, DestroyingAnUncommittedFileLeavesNoTrace) {
  Put(storage_, "data.csv", "old\n");
  {
    auto file = storage_.CreateAtomic("data.csv");
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Write("half of a new fi").ok());
    ASSERT_TRUE((*file)->Flush().ok());
  }
  {
    auto file = storage_.CreateAtomic("new/never.csv");
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Write("never committed").ok());
  }
  EXPECT_EQ(ReadFile(storage_.root() / "data.csv"), "old\n");
  EXPECT_EQ(Names(storage_.root()), (std::set<std::string>{"data.csv", "new"}));
  EXPECT_TRUE(Names(storage_.root() / "new").empty());
  EXPECT_FALSE(storage_.Exists("new/never.csv"));
}

TEST_F(LocalStorageTest, CommitReplacesAndCannotBeRepeated) {
  Put(storage_, "data.csv", "one");
  Put(storage_, "data.csv", "two");
  EXPECT_EQ(ReadFile(storage_.root() / "data.csv"), "two");

  auto file = storage_.CreateAtomic("data.csv");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Write("three").ok());
  ASSERT_TRUE((*file)->Commit().ok());
  EXPECT_FALSE((*file)->Commit().ok());
  EXPECT_FALSE((*file)->Write("more").ok());
  EXPECT_EQ(ReadFile(storage_.root() / "data.csv"), "three");
}

TEST_F(LocalStorageTest, AlsoKeepAsKeepsTheVersionAfterTheTargetIsReplaced) {
  auto first = storage_.CreateAtomic("data.csv");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->Write("version 1").ok());
  const Status committed = (*first)->Commit(".batuta/versions/v1.csv");
  ASSERT_TRUE(committed.ok()) << committed.error().message;
  const fs::path kept = storage_.root() / ".batuta" / "versions" / "v1.csv";
  struct stat target_st {};
  struct stat kept_st {};
  ASSERT_EQ(::stat((storage_.root() / "data.csv").c_str(), &target_st), 0);
  ASSERT_EQ(::stat(kept.c_str(), &kept_st), 0);
  EXPECT_EQ(target_st.st_ino, kept_st.st_ino);  // a hard link on one file system

  auto second = storage_.CreateAtomic("data.csv");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE((*second)->Write("version 2").ok());
  ASSERT_TRUE((*second)->Commit(".batuta/versions/v2.csv").ok());

  EXPECT_EQ(ReadFile(storage_.root() / "data.csv"), "version 2");
  EXPECT_EQ(ReadFile(kept), "version 1");
  auto reader = storage_.OpenKeptForRead(".batuta/versions/v1.csv");
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ(reader->size(), 9u);
  std::string buffer(64, '\0');
  const auto n = reader->Read(buffer);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(buffer.substr(0, *n), "version 1");
  EXPECT_EQ(*reader->Read(buffer), 0u);
  EXPECT_EQ(Names(kept.parent_path()), (std::set<std::string>{"v1.csv", "v2.csv"}));

  // Keeping under a name that exists replaces it; a user path works too.
  auto third = storage_.CreateAtomic("data.csv");
  ASSERT_TRUE(third.ok());
  ASSERT_TRUE((*third)->Write("version 3").ok());
  ASSERT_TRUE((*third)->Commit("latest/copy.csv").ok());
  EXPECT_EQ(ReadFile(storage_.root() / "latest" / "copy.csv"), "version 3");

  EXPECT_TRUE(storage_.RemoveKept(".batuta/versions/v1.csv").ok());
  EXPECT_FALSE(fs::exists(kept));
  EXPECT_EQ(storage_.RemoveKept(".batuta/versions/v1.csv").error().code, ErrorCode::kNotFound);
}

TEST_F(LocalStorageTest, AlsoKeepAsIsConfinedAndLeavesTheTargetAloneWhenRefused) {
  Put(storage_, "data.csv", "old");
  for (const std::string_view keep : {"../escape.csv", "/tmp/x.csv", ".batuta", "data.csv"}) {
    auto file = storage_.CreateAtomic("data.csv");
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Write("new").ok());
    const Status committed = (*file)->Commit(keep);
    ASSERT_FALSE(committed.ok()) << keep;
    EXPECT_EQ(committed.error().code, ErrorCode::kValidation) << keep;
  }
  EXPECT_EQ(ReadFile(storage_.root() / "data.csv"), "old");
  EXPECT_EQ(Names(storage_.root()), std::set<std::string>{"data.csv"});
}

TEST_F(LocalStorageTest, KeptFilesCanBeWrittenAtomically) {
  auto file = storage_.CreateAtomicKept(".batuta/index/rows.idx");
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_TRUE((*file)->Write("index").ok());
  ASSERT_TRUE((*file)->Commit().ok());
  EXPECT_EQ(ReadFile(storage_.root() / ".batuta" / "index" / "rows.idx"), "index");
  EXPECT_FALSE(storage_.CreateAtomicKept("index/rows.idx").ok());
}

TEST_F(LocalStorageTest, FilesAndFolders) {
  EXPECT_FALSE(storage_.Exists("a/b.csv"));
  EXPECT_EQ(storage_.FileSize("a/b.csv").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(storage_.OpenForRead("a/b.csv").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(storage_.Remove("a/b.csv").error().code, ErrorCode::kNotFound);

  Put(storage_, "a/b.csv", "12345");
  EXPECT_TRUE(storage_.Exists("a/b.csv"));
  EXPECT_TRUE(storage_.Exists("a"));
  EXPECT_EQ(*storage_.FileSize("a/b.csv"), 5u);
  EXPECT_EQ(storage_.FileSize("a").error().code, ErrorCode::kConflict);
  EXPECT_EQ(storage_.OpenForRead("a").error().code, ErrorCode::kConflict);
  EXPECT_EQ(storage_.Remove("a").error().code, ErrorCode::kConflict);
  EXPECT_EQ(storage_.CreateAtomic("a").error().code, ErrorCode::kConflict);
  EXPECT_EQ(storage_.CreateAtomic("a/b.csv/c").error().code, ErrorCode::kConflict);

  auto reader = storage_.OpenForRead("a/b.csv");
  ASSERT_TRUE(reader.ok());
  ReadableFile moved = std::move(reader).value();
  std::string buffer(3, '\0');
  EXPECT_EQ(*moved.Read(buffer), 3u);
  EXPECT_EQ(buffer, "123");

  EXPECT_TRUE(storage_.Remove("a/b.csv").ok());
  EXPECT_FALSE(storage_.Exists("a/b.csv"));
}

// Past several writeback steps (8 MiB each, started while writing), in pieces of every kind:
// buffered, flushed with the buffer, and written through.
TEST_F(LocalStorageTest, LargeFilesArriveWhole) {
  auto file = storage_.CreateAtomic("big.csv");
  ASSERT_TRUE(file.ok()) << file.error().message;
  std::string expected;
  for (std::size_t i = 0; expected.size() < (std::size_t{20} << 20); ++i) {
    const std::size_t size = i % 3 == 0 ? 100 : i % 3 == 1 ? 70'000 : 300'000;
    const std::string piece(size, static_cast<char>('a' + i % 26));
    ASSERT_TRUE((*file)->Write(piece).ok());
    expected += piece;
  }
  ASSERT_TRUE((*file)->Commit().ok());
  EXPECT_EQ((*file)->size(), expected.size());
  EXPECT_TRUE(ReadFile(dir_.path() / "data" / "exports" / "big.csv") == expected);
}

TEST_F(LocalStorageTest, LongFileNamesFitTheTemporaryName) {
  const std::string name(255, 'l');
  Put(storage_, name, "long");
  EXPECT_EQ(ReadFile(storage_.root() / name), "long");
}

using ::batuta::testing::SmallTmpfs;

TEST(LocalStorageDiskTest, FullDiskIsUnavailableAndKeepsTheOldFile) {
  const testing::TempDir dir;
  const SmallTmpfs small(dir.path() / "small", "size=64k,mode=0700");
  if (!small.mounted()) GTEST_SKIP() << small.SkipReason();

  auto storage = LocalStorage::Open(dir.path() / "small" / "exports");
  ASSERT_TRUE(storage.ok()) << storage.error().message;
  Put(*storage, "out/data.csv", "old content\n");

  {
    auto file = storage->CreateAtomic("out/data.csv");
    ASSERT_TRUE(file.ok());
    const std::string chunk(std::size_t{8} * 1024, 'x');
    Status status;
    for (int i = 0; i < 128 && status.ok(); ++i) status = (*file)->Write(chunk);  // 1 MiB
    if (status.ok()) status = (*file)->Commit();
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(status.error().message, "disk full while writing out/data.csv");
    // The failure sticks.
    EXPECT_FALSE((*file)->Write("x").ok());
    EXPECT_FALSE((*file)->Commit().ok());
  }
  EXPECT_EQ(ReadFile(storage->root() / "out" / "data.csv"), "old content\n");
  EXPECT_EQ(Names(storage->root() / "out"), std::set<std::string>{"data.csv"});
}

TEST(LocalStorageDiskTest, KeepingAcrossFileSystemsCopies) {
  const testing::TempDir dir;
  auto storage = LocalStorage::Open(dir.path() / "exports");
  ASSERT_TRUE(storage.ok());
  // The kept folder on another file system: link(2) fails with EXDEV.
  const SmallTmpfs kept_fs(storage->root() / ".batuta", "size=64k,mode=0700");
  if (!kept_fs.mounted()) GTEST_SKIP() << kept_fs.SkipReason();

  auto file = storage->CreateAtomic("data.csv");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Write("copied version").ok());
  const Status committed = (*file)->Commit(".batuta/versions/v1.csv");
  ASSERT_TRUE(committed.ok()) << committed.error().message;

  const fs::path kept = storage->root() / ".batuta" / "versions" / "v1.csv";
  EXPECT_EQ(ReadFile(kept), "copied version");
  EXPECT_EQ(ReadFile(storage->root() / "data.csv"), "copied version");
  struct stat target_st {};
  struct stat kept_st {};
  ASSERT_EQ(::stat((storage->root() / "data.csv").c_str(), &target_st), 0);
  ASSERT_EQ(::stat(kept.c_str(), &kept_st), 0);
  EXPECT_NE(target_st.st_dev, kept_st.st_dev);
  EXPECT_EQ(Names(kept.parent_path()), std::set<std::string>{"v1.csv"});
  EXPECT_EQ(Names(storage->root()), (std::set<std::string>{".batuta", "data.csv"}));
}

}  // namespace
}  // namespace batuta::storage
