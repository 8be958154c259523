#include "http/file_response.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "http/http_date.h"
#include "http/server.h"
#include "http/testing/slow_client.h"
#include "http_client.h"
#include "temp_dir.h"

namespace batuta::http {
namespace {

using http::testing::SlowClient;
namespace fs = std::filesystem;

std::string Pattern(char base, std::size_t n) {
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>(base + i % 23);
  return out;
}

void WriteFile(const fs::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Sets the file's modification time, so dates in conditional headers are predictable.
void SetModified(const fs::path& path, std::time_t seconds) {
  const timespec times[2] = {{seconds, 0}, {seconds, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

Request Get(std::vector<std::pair<std::string, std::string>> headers = {},
            Method method = Method::kGet) {
  Request request;
  request.method = method;
  request.headers = std::move(headers);
  return request;
}

std::string Drain(const Response& response) {
  std::string all;
  if (!response.body_source) return all;
  bool more = true;
  while (more) {
    std::string chunk;
    auto next = response.body_source->Next(chunk);
    EXPECT_TRUE(next.ok()) << next.error().message;
    if (!next.ok()) break;
    more = *next;
    all += chunk;
  }
  return all;
}

class FileResponseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.path() / "export.csv";
    content_ = Pattern('a', 1000);
    WriteFile(path_, content_);
    SetModified(path_, kModified);
  }
  Response Serve(const Request& request, const FileResponseOptions& options = {}) {
    return FileResponse(request, path_, "text/csv", "v1", options);
  }

  static constexpr std::time_t kModified = 1'700'000'000;  // 2023-11-14 22:13:20 UTC
  batuta::testing::TempDir dir_;
  fs::path path_;
  std::string content_;
};

TEST_F(FileResponseTest, WholeFileWithValidators) {
  const Response response = Serve(Get());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.Header("Content-Type"), "text/csv");
  EXPECT_EQ(response.Header("ETag"), "\"v1\"");
  EXPECT_EQ(response.Header("Last-Modified"), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(response.Header("Accept-Ranges"), "bytes");
  EXPECT_FALSE(response.Header("Content-Disposition").has_value());
  ASSERT_NE(response.body_source, nullptr);
  EXPECT_EQ(response.body_source->size(), 1000u);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(Drain(response), content_);
}

TEST_F(FileResponseTest, ReadsInChunksOfTheConfiguredSize) {
  const std::string big = Pattern('A', 1'000'000);
  WriteFile(path_, big);
  const Response response = Serve(Get(), {.chunk_bytes = 64 << 10});
  int pieces = 0;
  std::string all;
  bool more = true;
  while (more) {
    std::string chunk;
    more = response.body_source->Next(chunk).value();
    EXPECT_LE(chunk.size(), std::size_t{64} << 10);
    all += chunk;
    ++pieces;
  }
  EXPECT_EQ(all, big);
  EXPECT_EQ(pieces, 16);
}

TEST_F(FileResponseTest, RangeForms) {
  struct Case {
    const char* range;
    std::size_t first;
    std::size_t last;
  };
  for (const Case& c : {Case{"bytes=0-9", 0, 9}, Case{"bytes=990-", 990, 999},
                        Case{"bytes=-5", 995, 999}, Case{"bytes=100-100000", 100, 999}}) {
    const Response response = Serve(Get({{"Range", c.range}}));
    EXPECT_EQ(response.status, 206) << c.range;
    EXPECT_EQ(response.Header("Content-Range"),
              "bytes " + std::to_string(c.first) + "-" + std::to_string(c.last) + "/1000")
        << c.range;
    EXPECT_EQ(response.body_source->size(), c.last - c.first + 1) << c.range;
    EXPECT_EQ(Drain(response), content_.substr(c.first, c.last - c.first + 1)) << c.range;
  }
}

TEST_F(FileResponseTest, SeveralRangesOrMalformedOnesGetTheWholeFile) {
  for (const char* range : {"bytes=0-1,5-6", "bytes=9-3", "lines=1-2", "bytes=x"}) {
    const Response response = Serve(Get({{"Range", range}}));
    EXPECT_EQ(response.status, 200) << range;
    EXPECT_FALSE(response.Header("Content-Range").has_value()) << range;
    EXPECT_EQ(response.body_source->size(), 1000u) << range;
  }
}

TEST_F(FileResponseTest, UnsatisfiableRangeIs416WithTheSize) {
  for (const char* range : {"bytes=1000-", "bytes=5000-6000", "bytes=-0"}) {
    const Response response = Serve(Get({{"Range", range}}));
    EXPECT_EQ(response.status, 416) << range;
    EXPECT_EQ(response.Header("Content-Range"), "bytes */1000") << range;
    EXPECT_EQ(response.body_source, nullptr) << range;
  }
}

TEST_F(FileResponseTest, HeadIgnoresRange) {
  const Response response = Serve(Get({{"Range", "bytes=0-9"}}, Method::kHead));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body_source->size(), 1000u);
}

TEST_F(FileResponseTest, IfRangeWithTheCurrentTagHonoursTheRange) {
  EXPECT_EQ(Serve(Get({{"Range", "bytes=0-9"}, {"If-Range", "\"v1\""}})).status, 206);
  EXPECT_EQ(Serve(Get({{"Range", "bytes=0-9"}, {"If-Range", "\"v0\""}})).status, 200)
      << "another version: the whole file";
  EXPECT_EQ(Serve(Get({{"Range", "bytes=0-9"}, {"If-Range", "W/\"v1\""}})).status, 200)
      << "weak tags never match If-Range";
}

TEST_F(FileResponseTest, IfRangeWithADate) {
  const std::string modified = FormatHttpDate(std::chrono::system_clock::from_time_t(kModified));
  const std::string later = FormatHttpDate(std::chrono::system_clock::from_time_t(kModified + 60));
  EXPECT_EQ(Serve(Get({{"Range", "bytes=0-9"}, {"If-Range", modified}})).status, 206);
  EXPECT_EQ(Serve(Get({{"Range", "bytes=0-9"}, {"If-Range", later}})).status, 200);
  EXPECT_EQ(Serve(Get({{"Range", "bytes=0-9"}, {"If-Range", "garbage"}})).status, 200);
}

TEST_F(FileResponseTest, IfNoneMatchGives304WithTheValidators) {
  for (const char* tags : {"\"v1\"", "W/\"v1\"", "\"v0\", \"v1\"", "*"}) {
    const Response response = Serve(Get({{"If-None-Match", tags}}), {.cache_control = "no-cache"});
    EXPECT_EQ(response.status, 304) << tags;
    EXPECT_EQ(response.body_source, nullptr) << tags;
    EXPECT_EQ(response.Header("ETag"), "\"v1\"") << tags;
    EXPECT_EQ(response.Header("Cache-Control"), "no-cache") << tags;
  }
  EXPECT_EQ(Serve(Get({{"If-None-Match", "\"v0\""}})).status, 200);
  EXPECT_EQ(Serve(Get({{"If-None-Match", "\"v1\""}}, Method::kHead)).status, 304);
}

TEST_F(FileResponseTest, IfModifiedSinceCountsOnlyWithoutIfNoneMatch) {
  const std::string modified = FormatHttpDate(std::chrono::system_clock::from_time_t(kModified));
  const std::string earlier = FormatHttpDate(std::chrono::system_clock::from_time_t(kModified - 1));
  EXPECT_EQ(Serve(Get({{"If-Modified-Since", modified}})).status, 304);
  EXPECT_EQ(Serve(Get({{"If-Modified-Since", earlier}})).status, 200);
  EXPECT_EQ(Serve(Get({{"If-Modified-Since", "not a date"}})).status, 200);
  EXPECT_EQ(Serve(Get({{"If-None-Match", "\"v0\""}, {"If-Modified-Since", modified}})).status, 200)
      << "If-None-Match decides when present";
}

TEST_F(FileResponseTest, DownloadNameBecomesContentDisposition) {
  const Response response = Serve(Get(), {.download_name = "relatório.csv"});
  EXPECT_EQ(response.Header("Content-Disposition"),
            "attachment; filename=\"relat_rio.csv\"; filename*=UTF-8''relat%C3%B3rio.csv");
}

TEST_F(FileResponseTest, DefaultTagFollowsSizeAndModificationTime) {
  const auto tag = [&] {
    return std::string(FileResponse(Get(), path_, "text/csv", "").Header("ETag").value_or(""));
  };
  const std::string first = tag();
  EXPECT_TRUE(first.starts_with('"') && first.ends_with('"')) << first;
  EXPECT_EQ(tag(), first);
  SetModified(path_, kModified + 1);
  EXPECT_NE(tag(), first);
}

TEST_F(FileResponseTest, MissingFilesAndDirectoriesAre404) {
  EXPECT_EQ(FileResponse(Get(), dir_.path() / "missing.csv", "text/csv", "v").status, 404);
  EXPECT_EQ(FileResponse(Get(), dir_.path() / "missing" / "x.csv", "text/csv", "v").status, 404);
  EXPECT_EQ(FileResponse(Get(), dir_.path(), "text/csv", "v").status, 404);
}

TEST_F(FileResponseTest, EmptyFile) {
  WriteFile(path_, "");
  const Response response = Serve(Get());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body_source->size(), 0u);
  EXPECT_EQ(Drain(response), "");
  EXPECT_EQ(Serve(Get({{"Range", "bytes=0-"}})).status, 416);
  EXPECT_EQ(Serve(Get({{"Range", "bytes=-5"}})).status, 200);
}

// Through the real server and client: framing, ranges on the wire, and what a download that
// has started serves while the path changes under it.
class FileResponseServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.path() / "dataset.csv";
    router_.Add({Method::kGet, "/file", kPublic, Handler([this](const Request& request) {
                   return FileResponse(request, path_, "text/csv; charset=utf-8", "",
                                       {.download_name = "dataset.csv"});
                 })});
    ServerOptions options;
    options.port = 0;
    options.io_threads = 2;
    options.access_log = false;
    server_ = std::make_unique<Server>(options, router_);
    ASSERT_TRUE(server_->Listen().ok());
    server_->Start();
  }
  void TearDown() override { server_->Shutdown(std::chrono::seconds(5)); }
  std::uint16_t port() const { return server_->Port(); }

  // A file larger than the kernel can buffer for a client that is not reading, so the server
  // is certainly still reading it after the client has seen only the head.
  static std::size_t LargerThanTheKernelBuffers() {
    return static_cast<std::size_t>(2 * SlowClient::KernelBufferBound());
  }

  batuta::testing::TempDir dir_;
  fs::path path_;
  Router router_;
  std::unique_ptr<Server> server_;
};

TEST_F(FileResponseServerTest, RangesOnTheWire) {
  const std::string content = Pattern('a', 300'000);
  WriteFile(path_, content);
  batuta::testing::HttpConnection connection(port());
  connection.Send("GET /file HTTP/1.1\r\nHost: x\r\nRange: bytes=1000-1999\r\n\r\n");
  const auto part = connection.ReadReply();
  ASSERT_TRUE(part.has_value());
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->Header("Content-Range"), "bytes 1000-1999/300000");
  EXPECT_EQ(part->Header("Content-Length"), "1000");
  EXPECT_EQ(part->Header("Content-Disposition"), "attachment; filename=\"dataset.csv\"");
  EXPECT_EQ(part->body, content.substr(1000, 1000));

  connection.Send("GET /file HTTP/1.1\r\nHost: x\r\nRange: bytes=300000-\r\n\r\n");
  const auto unsatisfiable = connection.ReadReply();
  ASSERT_TRUE(unsatisfiable.has_value());
  EXPECT_EQ(unsatisfiable->status, 416);
  EXPECT_EQ(unsatisfiable->Header("Content-Range"), "bytes */300000");

  connection.Send("HEAD /file HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto head = connection.ReadReply(std::chrono::seconds(10), /*head_only=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->Header("Content-Length"), "300000");
  const std::string etag = head->Header("ETag").value_or("");

  connection.Send("GET /file HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag + "\r\n\r\n");
  const auto not_modified = connection.ReadReply();
  ASSERT_TRUE(not_modified.has_value());
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_TRUE(not_modified->body.empty());

  connection.Send("GET /file HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto whole = connection.ReadReply();
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->body, content);
}

TEST_F(FileResponseServerTest, ADownloadKeepsItsFileWhenThePathIsReplaced) {
  const std::size_t size = LargerThanTheKernelBuffers();
  const std::string old_content = Pattern('a', size);
  WriteFile(path_, old_content);
  SlowClient client(port());
  client.Send("GET /file HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto head = client.ReadHead();
  ASSERT_TRUE(head.has_value());
  ASSERT_NE(head->find("Content-Length: " + std::to_string(size)), std::string::npos) << *head;

  // How exports publish a new version: write beside, rename over.
  const std::string new_content = Pattern('A', size / 2);
  WriteFile(dir_.path() / "dataset.csv.tmp", new_content);
  fs::rename(dir_.path() / "dataset.csv.tmp", path_);

  std::string body;
  ASSERT_TRUE(client.ReadExactly(size, &body));
  EXPECT_TRUE(body == old_content) << "the download changed files midway";
  EXPECT_EQ(batuta::testing::Request(port(), "GET", "/file").body, new_content);
}

TEST_F(FileResponseServerTest, ADownloadSurvivesTheFileBeingDeleted) {
  const std::size_t size = LargerThanTheKernelBuffers();
  const std::string content = Pattern('a', size);
  WriteFile(path_, content);
  SlowClient client(port());
  client.Send("GET /file HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(client.ReadHead().has_value());
  fs::remove(path_);
  std::string body;
  ASSERT_TRUE(client.ReadExactly(size, &body));
  EXPECT_TRUE(body == content);
  EXPECT_EQ(batuta::testing::Request(port(), "GET", "/file").status, 404);
}

TEST_F(FileResponseServerTest, AFileTruncatedMidDownloadEndsTheConnection) {
  const std::size_t size = LargerThanTheKernelBuffers();
  WriteFile(path_, Pattern('a', size));
  SlowClient client(port());
  client.Send("GET /file HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(client.ReadHead().has_value());
  fs::resize_file(path_, 0);
  std::string body;
  EXPECT_FALSE(client.ReadExactly(size, &body)) << "a short body must not look complete";
  EXPECT_TRUE(client.closed());
  EXPECT_LT(body.size(), size);
}

}  // namespace
}  // namespace batuta::http
