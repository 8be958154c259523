#include "auth/password_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace batuta::auth {
namespace {

// The validation error of `password`, expecting one on `field`.
std::string RefusalOf(std::string_view password, std::string_view username,
                      std::string_view field = "password") {
  const Status status = CheckNewPassword(password, username, field);
  if (status.ok()) {
    ADD_FAILURE() << "'" << password << "' was accepted";
    return "";
  }
  EXPECT_EQ(status.error().code, ErrorCode::kValidation) << password;
  EXPECT_EQ(status.error().details.value("field", ""), field) << password;
  return status.error().message;
}

std::string Passphrase(std::size_t length) {
  std::string text;
  while (text.size() < length) text += "violet harbor tuesday ";
  text.resize(length);
  return text;
}

TEST(PasswordPolicyTest, AGoodPassphrasePasses) {
  EXPECT_TRUE(CheckNewPassword("violet harbor tuesday", "maria").ok());
  EXPECT_TRUE(CheckNewPassword("Tr0ub4dor&3-plus", "maria").ok());
}

TEST(PasswordPolicyTest, ShorterThanTheMinimumIsRefused) {
  ASSERT_EQ(kMinPasswordLength, 12U);
  EXPECT_NE(RefusalOf("tangerine-7", "maria").find("12"), std::string::npos);
  EXPECT_TRUE(CheckNewPassword("tangerine-7q", "maria").ok());
  RefusalOf("", "maria");
}

TEST(PasswordPolicyTest, LongerThanTheMaximumIsRefused) {
  ASSERT_EQ(kMaxPasswordLength, 1024U);
  EXPECT_TRUE(CheckNewPassword(Passphrase(1024), "maria").ok());
  EXPECT_NE(RefusalOf(Passphrase(1025), "maria").find("1024"), std::string::npos);
}

TEST(PasswordPolicyTest, ACommonPasswordIsRefusedWhateverItsCase) {
  EXPECT_NE(RefusalOf("password1234", "maria").find("common"), std::string::npos);
  RefusalOf("PassWord1234", "maria");
  RefusalOf("QWERTYUIOP123", "maria");
  RefusalOf("Administrador", "maria");
  RefusalOf("batutabatuta", "maria");
}

TEST(PasswordPolicyTest, IsCommonPasswordIgnoresCase) {
  EXPECT_TRUE(IsCommonPassword("password"));
  EXPECT_TRUE(IsCommonPassword("PASSWORD"));
  EXPECT_TRUE(IsCommonPassword("Senha123"));
  EXPECT_FALSE(IsCommonPassword("violet harbor tuesday"));
  EXPECT_FALSE(IsCommonPassword("password "));
}

TEST(PasswordPolicyTest, OneRepeatedCharacterIsRefused) {
  EXPECT_NE(RefusalOf("aaaaaaaaaaaaaa", "maria").find("pattern"), std::string::npos);
  RefusalOf("############", "maria");
}

TEST(PasswordPolicyTest, AConsecutiveRunIsRefused) {
  RefusalOf("abcdefghijklm", "maria");
  RefusalOf("zyxwvutsrqponm", "maria");
  RefusalOf("3456789012345", "maria");
  RefusalOf("876543210987", "maria");
}

TEST(PasswordPolicyTest, AnAlmostConsecutiveRunPasses) {
  EXPECT_TRUE(CheckNewPassword("abcdefghijkm", "maria").ok());
  EXPECT_TRUE(CheckNewPassword("abcdefedcbaz", "maria").ok());
}

TEST(PasswordPolicyTest, APasswordContainingTheUsernameIsRefusedWhateverItsCase) {
  EXPECT_NE(RefusalOf("maria.souza-2026!", "maria.souza").find("username"), std::string::npos);
  RefusalOf("the MARIA.Souza key", "maria.souza");
  RefusalOf("hello Maria.Souza", "MARIA.SOUZA");
}

TEST(PasswordPolicyTest, AUsernameShorterThanThreeCharactersIsNotLookedFor) {
  EXPECT_TRUE(CheckNewPassword("albatross orbit 77", "al").ok());
  RefusalOf("albatross orbit 77", "alb");
}

TEST(PasswordPolicyTest, TheRefusalNamesTheFieldGiven) {
  RefusalOf("short", "maria", "new_password");
  RefusalOf("password1234", "maria", "BATUTA_ADMIN_PASSWORD");
  RefusalOf("maria-and-her-cat", "maria", "new_password");
}

TEST(PasswordPolicyTest, TheDefaultFieldIsPassword) {
  const Status status = CheckNewPassword("short", "maria");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().details.value("field", ""), "password");
}

}  // namespace
}  // namespace batuta::auth
