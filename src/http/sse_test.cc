#include "http/sse.h"

#include <gtest/gtest.h>

namespace batuta::http {
namespace {

TEST(SseTest, FormatsFieldsAndMultilineData) {
  EXPECT_EQ(FormatSseEvent({.event = "log", .id = "42", .data = "hello"}),
            "event: log\nid: 42\ndata: hello\n\n");
  EXPECT_EQ(FormatSseEvent({.data = "a\nb\r\nc"}), "data: a\ndata: b\ndata: c\n\n");
  EXPECT_EQ(FormatSseEvent({.data = "", .retry_ms = 3000}), "retry: 3000\ndata: \n\n");
}

TEST(SseTest, NewlinesCannotInjectFields) {
  EXPECT_EQ(FormatSseEvent({.event = "x\ndata: evil", .id = "1\r\n", .data = "d"}),
            "event: xdata: evil\nid: 1\ndata: d\n\n");
}

}  // namespace
}  // namespace batuta::http
