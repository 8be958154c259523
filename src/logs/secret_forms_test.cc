#include "logs/secret_forms.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace batuta::logs {
namespace {

bool Has(const std::vector<std::string>& forms, std::string_view form) {
  return std::find(forms.begin(), forms.end(), form) != forms.end();
}

TEST(SecretFormsTest, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(SecretFormsTest, ListsTheSecretFirstAndItsEncodings) {
  const std::vector<std::string> forms = SecretForms("s3cr3t?>");  // base64 has '+' and '/'
  ASSERT_FALSE(forms.empty());
  EXPECT_EQ(forms.front(), "s3cr3t?>");
  EXPECT_TRUE(Has(forms, "czNjcjN0Pz4="));  // standard, padded
  EXPECT_TRUE(Has(forms, "czNjcjN0Pz4"));   // standard, unpadded
  EXPECT_TRUE(Has(forms, "s3cr3t%3F%3E"));  // percent, upper
  EXPECT_TRUE(Has(forms, "s3cr3t%3f%3e"));  // percent, lower
  const std::vector<std::string> plus = SecretForms("a/b+c d");
  EXPECT_TRUE(Has(plus, "a%2Fb%2Bc%20d"));
  EXPECT_TRUE(Has(plus, "a%2Fb%2Bc+d"));
  EXPECT_TRUE(Has(plus, "a/b%2Bc%20d"));  // Python quote keeps '/'
  EXPECT_TRUE(Has(SecretForms("quo\"te\\"), "quo\\\"te\\\\"));
}

TEST(SecretFormsTest, Base64UrlDiffersWhereTheAlphabetDoes) {
  // "\xfb\xff" encodes to "+/8=" in standard base64 and "-_8=" in base64url.
  const std::vector<std::string> forms = SecretForms("\xfb\xff\xfb\xff");
  EXPECT_TRUE(Has(forms, Base64Encode("\xfb\xff\xfb\xff")));
  EXPECT_TRUE(Has(forms, "-__7_w=="));
  EXPECT_TRUE(Has(forms, "-__7_w"));
}

TEST(SecretFormsTest, HasNoDuplicates) {
  const std::vector<std::string> forms = SecretForms("plainalnum");
  std::vector<std::string> sorted = forms;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
}

}  // namespace
}  // namespace batuta::logs
