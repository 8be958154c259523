#include "auth/crypto.h"

#include <gtest/gtest.h>

#include <string>

namespace batuta::auth {
namespace {

bool IsBase64Url(std::string_view text) {
  return text.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
         std::string_view::npos;
}

TEST(CryptoTest, RandomTokenIsUnpaddedBase64UrlOfTheGivenBytes) {
  const std::string token = RandomToken(32);
  EXPECT_EQ(token.size(), 43U);
  EXPECT_TRUE(IsBase64Url(token)) << token;
  EXPECT_EQ(RandomToken(18).size(), 24U);
  EXPECT_EQ(RandomToken(0), "");
}

TEST(CryptoTest, RandomTokensDiffer) { EXPECT_NE(RandomToken(32), RandomToken(32)); }

TEST(CryptoTest, RandomAlphanumericUsesLowerCaseLettersAndDigitsOnly) {
  const std::string text = RandomAlphanumeric(2000);
  ASSERT_EQ(text.size(), 2000U);
  EXPECT_EQ(text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789"), std::string::npos);
  // 2000 draws from 36 characters: missing a letter or a digit entirely is beyond unlikely.
  EXPECT_NE(text.find_first_of("abcdefghijklmnopqrstuvwxyz"), std::string::npos);
  EXPECT_NE(text.find_first_of("0123456789"), std::string::npos);
  EXPECT_NE(RandomAlphanumeric(8), RandomAlphanumeric(8));
}

TEST(CryptoTest, Sha256HexMatchesTheStandardVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// RFC 4231 test cases 2 and 6 (a key longer than the block size), as base64url.
TEST(CryptoTest, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(HmacSha256("Jefe", "what do ya want for nothing?"),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
  EXPECT_EQ(HmacSha256(std::string(131, '\xaa'),
                       "Test Using Larger Than Block-Size Key - Hash Key First"),
            "YOQxWR7gtn8Niiaqy_W3f44LxiE3KMUUBUYEDw7jf1Q");
}

TEST(CryptoTest, EmptyViewsWithoutDataAreEmptyInputs) {
  EXPECT_EQ(Sha256Hex(std::string_view()), Sha256Hex(""));
  EXPECT_EQ(HmacSha256(std::string_view(), std::string_view()),
            "thNnmggU2ex3L5XXeMNfxf8Wl8STcVZTxscSFEKSxa0");
}

TEST(CryptoTest, HmacSha256DependsOnKeyAndMessage) {
  EXPECT_NE(HmacSha256("key-a", "message"), HmacSha256("key-b", "message"));
  EXPECT_NE(HmacSha256("key-a", "message"), HmacSha256("key-a", "messagf"));
}

TEST(CryptoTest, ConstantTimeEqualsComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("same-text", "same-text"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("same-text", "same-texu"));
  EXPECT_FALSE(ConstantTimeEquals("same-text", "Same-text"));
  EXPECT_FALSE(ConstantTimeEquals("same-text", "same-tex"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
}

}  // namespace
}  // namespace batuta::auth
