#include "http/content_disposition.h"

#include <gtest/gtest.h>

namespace batuta::http {
namespace {

TEST(ContentDispositionTest, AsciiNamesNeedOnlyFilename) {
  EXPECT_EQ(AttachmentDisposition("vendas 2024-05.csv"),
            "attachment; filename=\"vendas 2024-05.csv\"");
}

TEST(ContentDispositionTest, NonAsciiNamesGetAFallbackAndFilenameStar) {
  EXPECT_EQ(AttachmentDisposition("relatório ção.csv"),
            "attachment; filename=\"relat_rio __o.csv\"; "
            "filename*=UTF-8''relat%C3%B3rio%20%C3%A7%C3%A3o.csv");
  EXPECT_EQ(AttachmentDisposition("€.txt"),
            "attachment; filename=\"_.txt\"; filename*=UTF-8''%E2%82%AC.txt");
}

TEST(ContentDispositionTest, QuotesBackslashesAndSlashesCannotBreakOut) {
  EXPECT_EQ(AttachmentDisposition("a\"b\\c/d.csv"),
            "attachment; filename=\"a_b_c_d.csv\"; filename*=UTF-8''a%22b%5Cc%2Fd.csv");
}

TEST(ContentDispositionTest, ControlCharactersAreDropped) {
  EXPECT_EQ(AttachmentDisposition("a\r\nSet-Cookie: x.csv"),
            "attachment; filename=\"aSet-Cookie: x.csv\"");
  EXPECT_EQ(AttachmentDisposition(""), "attachment");
  EXPECT_EQ(AttachmentDisposition("\r\n"), "attachment");
}

}  // namespace
}  // namespace batuta::http
