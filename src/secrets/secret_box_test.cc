#include "secrets/secret_box.h"

#include <gtest/gtest.h>

#include <string>

#include "secrets/master_key.h"

namespace batuta::secrets {
namespace {

MasterKey Key(char fill) {
  return MasterKey::FromBytes(std::string(MasterKey::kSize, fill)).value();
}

constexpr std::string_view kAd = "connection:01HZX:password";

TEST(SecretBoxTest, RoundTrips) {
  const MasterKey key = Key('a');
  std::string binary("\0\x01\xff with NUL", 12);
  for (const std::string& plaintext :
       {std::string(), std::string("s3cr3t"), binary, std::string(100000, 'p')}) {
    const std::string sealed = Seal(key, plaintext, kAd);
    const auto opened = Open(key, sealed, kAd);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(*opened, plaintext);
  }
}

TEST(SecretBoxTest, TextFormNamesVersionAndKey) {
  const MasterKey key = Key('a');
  const std::string sealed = Seal(key, "s3cr3t", kAd);
  EXPECT_EQ(sealed.substr(0, 3), "v1.");
  EXPECT_EQ(sealed.substr(3, MasterKey::kIdLength), key.id());
  EXPECT_EQ(sealed[3 + MasterKey::kIdLength], '.');
  const std::string encoded = sealed.substr(4 + MasterKey::kIdLength);
  EXPECT_EQ(
      encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  // base64 of 24 nonce + 6 plaintext + 16 tag bytes, unpadded.
  EXPECT_EQ(encoded.size(), 62u);
  EXPECT_EQ(sealed.find("s3cr3t"), std::string::npos);
  EXPECT_TRUE(IsSealed(sealed));
  EXPECT_FALSE(IsSealed("s3cr3t"));
  EXPECT_FALSE(IsSealed("v1.0123456789abcdef."));
  EXPECT_FALSE(IsSealed("v2.0123456789abcdef.AAAA"));
}

TEST(SecretBoxTest, NonceDiffersEachTime) {
  const MasterKey key = Key('a');
  const std::string first = Seal(key, "same", kAd);
  const std::string second = Seal(key, "same", kAd);
  EXPECT_NE(first, second);
  const std::size_t header = 4 + MasterKey::kIdLength;
  // The nonce is the first 24 bytes (32 base64 characters) of the payload.
  EXPECT_NE(first.substr(header, 32), second.substr(header, 32));
  EXPECT_EQ(*Open(key, first, kAd), "same");
  EXPECT_EQ(*Open(key, second, kAd), "same");
}

TEST(SecretBoxTest, TamperingWithAnyCharacterIsDetected) {
  const MasterKey key = Key('a');
  const std::string sealed = Seal(key, "password", kAd);
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    for (const char replacement : {'A', 'B', '_', '.', '='}) {
      if (sealed[i] == replacement) continue;
      std::string tampered = sealed;
      tampered[i] = replacement;
      EXPECT_FALSE(Open(key, tampered, kAd).ok()) << "position " << i << " -> " << replacement;
    }
  }
  const std::size_t payload = 4 + MasterKey::kIdLength;
  std::string flipped = sealed;
  flipped[payload + 40] = flipped[payload + 40] == 'A' ? 'B' : 'A';
  const auto opened = Open(key, flipped, kAd);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(opened.error().message,
            "secret cannot be decrypted (tampered or bound to another record)");
  EXPECT_FALSE(Open(key, sealed.substr(0, sealed.size() - 1), kAd).ok());
  EXPECT_FALSE(Open(key, sealed + "A", kAd).ok());
  EXPECT_FALSE(Open(key, sealed.substr(0, payload + 10), kAd).ok());
}

TEST(SecretBoxTest, WrongAssociatedDataIsRefused) {
  const MasterKey key = Key('a');
  const std::string sealed = Seal(key, "password", "connection:1:password");
  for (const std::string_view other :
       {"connection:2:password", "connection:1:token", "", "connection:1:password "}) {
    const auto opened = Open(key, sealed, other);
    ASSERT_FALSE(opened.ok()) << other;
    EXPECT_EQ(opened.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(opened.error().message,
              "secret cannot be decrypted (tampered or bound to another record)");
  }
}

TEST(SecretBoxTest, OtherKeyNamesBothKeys) {
  const MasterKey written_with = Key('a');
  const MasterKey server = Key('b');
  const auto opened = Open(server, Seal(written_with, "password", kAd), kAd);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(opened.error().message, "secret was encrypted under master key " +
                                        std::string(written_with.id()) + ", this server has " +
                                        std::string(server.id()) +
                                        ": start with the key it was written with");
}

TEST(SecretBoxTest, HeaderIsAuthenticated) {
  // A ciphertext whose id was rewritten to the reader's id still does not decrypt.
  const MasterKey a = Key('a');
  const MasterKey b = Key('b');
  std::string sealed = Seal(a, "password", kAd);
  sealed.replace(3, MasterKey::kIdLength, b.id());
  const auto opened = Open(b, sealed, kAd);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::kInvalidArgument);
}

TEST(SecretBoxTest, NotSealedTextIsInvalid) {
  const MasterKey key = Key('a');
  for (const std::string_view text : {"", "plain password", "v1.", "v1.abc.def"}) {
    const auto opened = Open(key, text, kAd);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace batuta::secrets
