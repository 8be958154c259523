#include "store/meta_repository.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace batuta {
namespace {

// The validation in MetaRepository's entry points, seen through a map-backed implementation
// that counts how often it is reached. Behaviour against real stores is covered by
// tests/store_conformance.
class MapMetaRepository final : public MetaRepository {
 public:
  int calls = 0;
  std::map<std::string, std::string, std::less<>> values;

 protected:
  Result<std::optional<std::string>> DoGet(std::string_view key) override {
    ++calls;
    const auto it = values.find(key);
    if (it == values.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Status DoPut(std::string_view key, std::string_view value) override {
    ++calls;
    values.insert_or_assign(std::string(key), std::string(value));
    return Ok();
  }
  Result<std::string> DoPutIfAbsent(std::string_view key, std::string_view value) override {
    ++calls;
    return values.try_emplace(std::string(key), value).first->second;
  }
};

TEST(MetaRepositoryTest, RejectsInvalidKeysBeforeReachingTheStore) {
  MapMetaRepository repo;
  const std::string too_long(MetaRepository::kMaxKeyBytes + 1, 'k');
  const std::vector<std::string> keys = {"", "has space", "semi;colon", "quote'", "ünï", too_long};
  for (const std::string& key : keys) {
    SCOPED_TRACE(key);
    auto got = repo.Get(key);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    const Status put = repo.Put(key, "v");
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.error().code, ErrorCode::kInvalidArgument);
    auto put_if_absent = repo.PutIfAbsent(key, "v");
    ASSERT_FALSE(put_if_absent.ok());
    EXPECT_EQ(put_if_absent.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(repo.calls, 0);
}

TEST(MetaRepositoryTest, AcceptsTheDocumentedKeyAlphabet) {
  MapMetaRepository repo;
  const std::string longest(MetaRepository::kMaxKeyBytes, 'k');
  EXPECT_TRUE(repo.Put("Setup.done:v1-x_y", "yes").ok());
  EXPECT_TRUE(repo.Put(longest, "yes").ok());
}

TEST(MetaRepositoryTest, RejectsNulAndOversizedValues) {
  MapMetaRepository repo;
  const Status nul = repo.Put("k", std::string_view("a\0b", 3));
  ASSERT_FALSE(nul.ok());
  EXPECT_EQ(nul.error().code, ErrorCode::kInvalidArgument);
  const Status big = repo.Put("k", std::string(MetaRepository::kMaxValueBytes + 1, 'v'));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(repo.calls, 0);
  EXPECT_TRUE(repo.Put("k", std::string(MetaRepository::kMaxValueBytes, 'v')).ok());
  EXPECT_TRUE(repo.Put("k", "").ok());
}

TEST(MetaRepositoryTest, InstanceIdIsRandomHexCreatedOnce) {
  MapMetaRepository repo;
  auto first = repo.EnsureInstanceId();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 32u);
  EXPECT_EQ(first->find_first_not_of("0123456789abcdef"), std::string::npos) << *first;
  auto second = repo.EnsureInstanceId();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(repo.values.at(std::string(MetaRepository::kInstanceIdKey)), *first);

  MapMetaRepository other;
  auto other_id = other.EnsureInstanceId();
  ASSERT_TRUE(other_id.ok());
  EXPECT_NE(*other_id, *first);
}

}  // namespace
}  // namespace batuta
