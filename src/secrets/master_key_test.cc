#include "secrets/master_key.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <latch>
#include <optional>
#include <string>
#include <thread>

#include "temp_dir.h"

namespace batuta::secrets {
namespace {

namespace fs = std::filesystem;

// 32 bytes whose base64 contains both '+' and '/' (so the standard and URL-safe forms differ).
std::string SampleBytes() {
  std::string bytes(MasterKey::kSize, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>(0xf8 + (i % 8));
  }
  return bytes;
}

std::string Encode(std::string_view bytes, int variant) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.pop_back();
  return out;
}

std::string Hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteFile(const fs::path& path, std::string_view content, fs::perms perms) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
  }
  fs::permissions(path, perms);
}

std::string ExpectedId() { return std::string(MasterKey::FromBytes(SampleBytes())->id()); }

TEST(MasterKeyTest, FromBytesNeedsExactly32Bytes) {
  EXPECT_TRUE(MasterKey::FromBytes(SampleBytes()).ok());
  const auto short_key = MasterKey::FromBytes("short");
  ASSERT_FALSE(short_key.ok());
  EXPECT_EQ(short_key.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(MasterKey::FromBytes(std::string(33, 'x')).ok());
}

TEST(MasterKeyTest, IdIsAStableShortHexFingerprint) {
  const auto a = MasterKey::FromBytes(SampleBytes());
  const auto b = MasterKey::FromBytes(SampleBytes());
  const auto other = MasterKey::FromBytes(std::string(32, 'k'));
  EXPECT_EQ(a->id().size(), MasterKey::kIdLength);
  EXPECT_EQ(a->id().find_first_not_of("0123456789abcdef"), std::string_view::npos);
  EXPECT_EQ(a->id(), b->id());
  EXPECT_NE(a->id(), other->id());
  // The id is not simply a prefix of the key's hex.
  EXPECT_NE(Hex(SampleBytes()).substr(0, MasterKey::kIdLength), a->id());
}

TEST(MasterKeyTest, MovingTransfersTheKeyAndWipesTheSource) {
  auto made = MasterKey::FromBytes(SampleBytes());
  MasterKey first = std::move(made).value();
  const std::string id(first.id());
  MasterKey second = std::move(first);
  EXPECT_EQ(second.id(), id);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(second.data()), MasterKey::kSize),
            SampleBytes());
  // NOLINTNEXTLINE(bugprone-use-after-move): the moved-from state is part of the contract
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(first.data()), MasterKey::kSize),
            std::string(MasterKey::kSize, '\0'));
}

TEST(MasterKeyTest, ParsesEveryBase64AndHexForm) {
  const std::string bytes = SampleBytes();
  const std::string id = ExpectedId();
  const std::string standard = Encode(bytes, sodium_base64_VARIANT_ORIGINAL);
  const std::string url = Encode(bytes, sodium_base64_VARIANT_URLSAFE);
  ASSERT_NE(standard.find_first_of("+/"), std::string::npos);
  ASSERT_NE(standard, url);
  for (const std::string& text :
       {standard, Encode(bytes, sodium_base64_VARIANT_ORIGINAL_NO_PADDING), url,
        Encode(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), Hex(bytes),
        [&] {
          std::string upper = Hex(bytes);
          for (char& c : upper) c = static_cast<char>(std::toupper(c));
          return upper;
        }(),
        "  " + standard + "\n"}) {
    const auto key = ParseMasterKey(text);
    ASSERT_TRUE(key.ok()) << text << ": " << key.error().message;
    EXPECT_EQ(key->id(), id) << text;
  }
}

void ExpectRefusedWithoutEcho(const std::string& text) {
  const auto key = LoadOrCreateMasterKey("/nonexistent-never-touched", text);
  ASSERT_FALSE(key.ok()) << text;
  EXPECT_EQ(key.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(key.error().message.find("BATUTA_MASTER_KEY"), std::string::npos);
  EXPECT_NE(key.error().message.find("32 bytes"), std::string::npos) << key.error().message;
  EXPECT_NE(key.error().message.find("64 hex characters"), std::string::npos);
  if (!text.empty()) {
    EXPECT_EQ(key.error().message.find(text), std::string::npos) << key.error().message;
  }
}

TEST(MasterKeyTest, EnvironmentValueOfTheWrongFormIsRefusedWithoutEchoingIt) {
  const std::string bytes = SampleBytes();
  ExpectRefusedWithoutEcho(Encode(bytes.substr(0, 16), sodium_base64_VARIANT_ORIGINAL));
  ExpectRefusedWithoutEcho(Encode(bytes + "x", sodium_base64_VARIANT_ORIGINAL));
  ExpectRefusedWithoutEcho(Hex(bytes).substr(0, 62));
  ExpectRefusedWithoutEcho(Hex(bytes) + "00");
  ExpectRefusedWithoutEcho("not a key at all, surely!");
  ExpectRefusedWithoutEcho("");
  ExpectRefusedWithoutEcho(Encode(bytes, sodium_base64_VARIANT_ORIGINAL) + "$");

  const auto short_key =
      LoadOrCreateMasterKey("/x", Encode(bytes.substr(0, 16), sodium_base64_VARIANT_ORIGINAL));
  EXPECT_NE(short_key.error().message.find("decodes to 16 bytes"), std::string::npos)
      << short_key.error().message;
}

TEST(MasterKeyTest, EnvironmentValueWinsAndTheKeyFileIsNotCreated) {
  const testing::TempDir dir;
  const auto key = LoadOrCreateMasterKey(dir.path(), Hex(SampleBytes()));
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->id(), ExpectedId());
  EXPECT_FALSE(fs::exists(dir.path() / kMasterKeyFileName));
}

TEST(MasterKeyTest, CreatesAPrivateKeyFileAndReusesIt) {
  const testing::TempDir dir;
  const fs::path data_dir = dir.path() / "data";
  const auto first = LoadOrCreateMasterKey(data_dir, std::nullopt);
  ASSERT_TRUE(first.ok()) << first.error().message;

  const fs::path file = data_dir / kMasterKeyFileName;
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  const std::string content = ReadFile(file);
  EXPECT_EQ(content.size(), 45u);  // 44 characters of padded base64 and a newline
  EXPECT_EQ(content.back(), '\n');
  // The file's content is a valid BATUTA_MASTER_KEY.
  const auto from_content = ParseMasterKey(content);
  ASSERT_TRUE(from_content.ok());
  EXPECT_EQ(from_content->id(), first->id());

  const auto second = LoadOrCreateMasterKey(data_dir, std::nullopt);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->id(), first->id());
  EXPECT_EQ(std::distance(fs::directory_iterator(data_dir), fs::directory_iterator()), 1);
}

TEST(MasterKeyTest, ReadsAHexKeyFile) {
  const testing::TempDir dir;
  WriteFile(dir.path() / kMasterKeyFileName, Hex(SampleBytes()) + "\n",
            fs::perms::owner_read | fs::perms::owner_write);
  const auto key = LoadOrCreateMasterKey(dir.path(), std::nullopt);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->id(), ExpectedId());
}

TEST(MasterKeyTest, RefusesAKeyFileOthersCanRead) {
  const testing::TempDir dir;
  const fs::path file = dir.path() / kMasterKeyFileName;
  for (const fs::perms extra : {fs::perms::group_read, fs::perms::others_read,
                                fs::perms::group_write, fs::perms::others_exec}) {
    WriteFile(file, Encode(SampleBytes(), sodium_base64_VARIANT_ORIGINAL),
              fs::perms::owner_read | fs::perms::owner_write | extra);
    const auto key = LoadOrCreateMasterKey(dir.path(), std::nullopt);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(key.error().message.find("chmod 600 " + file.string()), std::string::npos)
        << key.error().message;
  }
}

TEST(MasterKeyTest, RefusesAKeyFileOfTheWrongSize) {
  const testing::TempDir dir;
  const fs::path file = dir.path() / kMasterKeyFileName;
  for (const std::string& content :
       {std::string("tooshort"), std::string(), SampleBytes(), std::string(5000, 'A')}) {
    WriteFile(file, content, fs::perms::owner_read | fs::perms::owner_write);
    const auto key = LoadOrCreateMasterKey(dir.path(), std::nullopt);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(key.error().message.find("does not hold a key"), std::string::npos)
        << key.error().message;
    EXPECT_NE(key.error().message.find("backup"), std::string::npos);
    // The refused file is left as it was.
    EXPECT_EQ(ReadFile(file), content);
  }
}

TEST(MasterKeyTest, ConcurrentCreationEndsWithOneKey) {
  for (int round = 0; round < 20; ++round) {
    const testing::TempDir dir;
    std::latch start(2);
    std::array<std::optional<Result<MasterKey>>, 2> keys;
    std::array<std::thread, 2> threads;
    for (std::size_t i = 0; i < threads.size(); ++i) {
      threads[i] = std::thread([&, i] {
        start.arrive_and_wait();
        keys[i].emplace(LoadOrCreateMasterKey(dir.path(), std::nullopt));
      });
    }
    for (auto& thread : threads) thread.join();
    ASSERT_TRUE(keys[0]->ok()) << keys[0]->error().message;
    ASSERT_TRUE(keys[1]->ok()) << keys[1]->error().message;
    EXPECT_EQ((*keys[0])->id(), (*keys[1])->id());
    const auto on_disk = LoadOrCreateMasterKey(dir.path(), std::nullopt);
    ASSERT_TRUE(on_disk.ok());
    EXPECT_EQ(on_disk->id(), (*keys[0])->id());
    // No temporary file is left behind.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
  }
}

}  // namespace
}  // namespace batuta::secrets
