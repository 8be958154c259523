#include "logs/secret_masker.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "logs/secret_forms.h"

namespace batuta::logs {
namespace {

TEST(SecretMaskerTest, EmptyRegistryLeavesLinesAlone) {
  const SecretMasker masker;
  EXPECT_EQ(masker.Mask("nothing to hide"), "nothing to hide");
  EXPECT_EQ(masker.Mask("run-1", ""), "");
}

TEST(SecretMaskerTest, IgnoresSecretsShorterThanFourBytes) {
  SecretMasker masker;
  EXPECT_FALSE(masker.Register(""));
  EXPECT_FALSE(masker.Register("abc"));
  EXPECT_FALSE(masker.RegisterForRun("run-1", "xy"));
  EXPECT_TRUE(masker.Register("abcd"));
  EXPECT_EQ(masker.Mask("abc abcd"), "abc ****");
}

TEST(SecretMaskerTest, MasksAtStartEndAndRepeated) {
  SecretMasker masker;
  ASSERT_TRUE(masker.Register("hunter2"));
  EXPECT_EQ(masker.Mask("hunter2"), "****");
  EXPECT_EQ(masker.Mask("hunter2 is the password"), "**** is the password");
  EXPECT_EQ(masker.Mask("password=hunter2"), "password=****");
  EXPECT_EQ(masker.Mask("hunter2,hunter2 and hunter2hunter2"), "****,**** and ********");
  EXPECT_EQ(masker.Mask("hunter hunter3 unter2"), "hunter hunter3 unter2");
}

TEST(SecretMaskerTest, OverlappingSecretsLeaveNoByteVisible) {
  SecretMasker masker;
  ASSERT_TRUE(masker.Register("abcdef"));
  ASSERT_TRUE(masker.Register("defghi"));
  ASSERT_TRUE(masker.Register("abcd"));  // inside a longer one: longest wins
  EXPECT_EQ(masker.Mask("[abcdefghi]"), "[****]");
  EXPECT_EQ(masker.Mask("[abcdef]"), "[****]");
  EXPECT_EQ(masker.Mask("[abcdxx]"), "[****xx]");
  // A repeated-prefix secret overlapping itself.
  ASSERT_TRUE(masker.Register("aaaa"));
  EXPECT_EQ(masker.Mask("aaaaaa"), "****");
}

TEST(SecretMaskerTest, MasksBase64FormsForEveryPaddingLength) {
  SecretMasker masker;
  for (const std::string secret : {"secret-1", "secret-12", "secret-123"}) {  // 8, 9, 10 bytes
    ASSERT_TRUE(masker.Register(secret));
  }
  EXPECT_EQ(masker.Mask("a " + Base64Encode("secret-1") + " b"), "a **** b");
  EXPECT_EQ(masker.Mask("a " + Base64Encode("secret-12") + " b"), "a **** b");
  EXPECT_EQ(masker.Mask("a " + Base64Encode("secret-123") + " b"), "a **** b");
  // Unpadded.
  std::string unpadded = Base64Encode("secret-1");
  while (unpadded.back() == '=') unpadded.pop_back();
  EXPECT_EQ(masker.Mask("token=" + unpadded + ";"), "token=****;");
}

TEST(SecretMaskerTest, MasksBase64UrlForms) {
  SecretMasker masker;
  const std::string secret = "\xfb\xff\xfb\xff\xfe";
  ASSERT_TRUE(masker.Register(secret));
  std::string url = Base64Encode(secret);
  for (char& c : url) c = c == '+' ? '-' : c == '/' ? '_' : c;
  ASSERT_NE(url, Base64Encode(secret));
  EXPECT_EQ(masker.Mask("u=" + url), "u=****");
  EXPECT_EQ(masker.Mask("u=" + url.substr(0, url.find('='))), "u=****");
}

TEST(SecretMaskerTest, MasksASecretInsideBasicAuthAtEveryAlignment) {
  SecretMasker masker;
  ASSERT_TRUE(masker.Register("hunter2hunter2"));
  // The password sits at byte offsets 5, 2 and 3 (alignments 2, 2 and 0 mod 3) and 1 (mod 3).
  for (const std::string user : {"user", "x", "xy", "wxyz"}) {
    const std::string encoded = Base64Encode(user + ":hunter2hunter2");
    const std::string masked = masker.Mask("Authorization: Basic " + encoded);
    EXPECT_NE(masked.find("****"), std::string::npos) << user << " " << encoded;
    // What stays visible: the user's characters, plus at most two characters at each edge
    // that mix the password's bits with its neighbours' (and the padding).
    const std::size_t user_chars = (8 * (user.size() + 1) + 5) / 6;
    const std::size_t visible = masked.size() - std::string("Authorization: Basic ****").size();
    EXPECT_LE(visible, user_chars + 4) << masked;
  }
}

TEST(SecretMaskerTest, MasksUrlEncodedForms) {
  SecretMasker masker;
  ASSERT_TRUE(masker.Register("p@ss w/rd!"));
  EXPECT_EQ(masker.Mask("GET /?pw=p%40ss%20w%2Frd%21 HTTP/1.1"), "GET /?pw=**** HTTP/1.1");
  EXPECT_EQ(masker.Mask("pw=p%40ss+w%2Frd%21&x=1"), "pw=****&x=1");
  EXPECT_EQ(masker.Mask("pw=p%40ss%20w%2frd%21"), "pw=****");  // lower-case hex
  EXPECT_EQ(masker.Mask("pw=p%40ss%20w%2Frd!"), "pw=****");    // encodeURIComponent style
  EXPECT_EQ(masker.Mask("pw=p%40ss%20w/rd!"), "pw=****");      // Python quote style
  EXPECT_EQ(masker.Mask("{\"pw\":\"p@ss w/rd!\"}"), "{\"pw\":\"****\"}");
}

TEST(SecretMaskerTest, MasksUtf8SecretsAndTheirEncodings) {
  SecretMasker masker;
  ASSERT_TRUE(masker.Register("contraseña€"));
  EXPECT_EQ(masker.Mask("clave: contraseña€ ok"), "clave: **** ok");
  EXPECT_EQ(masker.Mask("q=contrase%C3%B1a%E2%82%AC"), "q=****");
  EXPECT_EQ(masker.Mask("q=contrase%c3%b1a%e2%82%ac"), "q=****");
  EXPECT_EQ(masker.Mask("b=" + Base64Encode("contraseña€")), "b=****");
  // Other multi-byte text around it is untouched.
  EXPECT_EQ(masker.Mask("ñandú contraseña"), "ñandú contraseña");
}

TEST(SecretMaskerTest, RunSecretsApplyToTheirRunOnly) {
  SecretMasker masker;
  ASSERT_TRUE(masker.Register("global-secret"));
  ASSERT_TRUE(masker.RegisterForRun("run-1", "run-one-token"));
  EXPECT_EQ(masker.Mask("run-1", "global-secret run-one-token"), "**** ****");
  EXPECT_EQ(masker.Mask("run-2", "global-secret run-one-token"), "**** run-one-token");
  EXPECT_EQ(masker.Mask("global-secret run-one-token"), "**** run-one-token");
  // A global secret registered later also applies to runs with their own secrets.
  ASSERT_TRUE(masker.Register("later-secret"));
  EXPECT_EQ(masker.Mask("run-1", "later-secret"), "****");
  masker.ForgetRun("run-1");
  EXPECT_EQ(masker.Mask("run-1", "run-one-token later-secret"), "run-one-token ****");
}

TEST(SecretMaskerTest, MaskJsonMasksStringValues) {
  SecretMasker masker;
  ASSERT_TRUE(masker.Register("hunter2"));
  const nlohmann::json in = {
      {"error", "login hunter2 failed"}, {"hunter2", 1}, {"nested", {{"list", {"x", "hunter2"}}}}};
  const nlohmann::json out = masker.MaskJson("", in);
  EXPECT_EQ(out["error"], "login **** failed");
  EXPECT_EQ(out["hunter2"], 1);  // keys are left alone
  EXPECT_EQ(out["nested"]["list"][1], "****");
}

TEST(SecretMaskerTest, ConcurrentRegisterAndMask) {
  SecretMasker masker;
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&masker, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string secret = "secret-" + std::to_string(t) + "-" + std::to_string(i);
        ASSERT_TRUE(masker.RegisterForRun("run-" + std::to_string(t), secret));
        ASSERT_EQ(masker.Mask("run-" + std::to_string(t), "x " + secret + " y"), "x **** y");
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
}

}  // namespace
}  // namespace batuta::logs
