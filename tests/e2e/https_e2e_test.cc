// `batuta serve` with HTTPS and CORS switched on by its settings.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "batuta_process.h"
#include "http_client.h"
#include "tls_certificate.h"

namespace batuta::testing {
namespace {

using nlohmann::json;

class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override { files_ = WriteSelfSignedCertificate(dir_.path()); }
  std::vector<std::string> TlsFlags() const {
    return {"--tls-cert", files_.certificate.string(), "--tls-key", files_.private_key.string()};
  }

  TempDir dir_;
  TlsFiles files_;
};

TEST_F(HttpsTest, ServesHealthOverTls) {
  BatutaServer server(dir_.path() / "data", TlsFlags());
  EXPECT_TRUE(server.tls()) << "the listening line must announce https://";
  const auto health =
      Request(server.port(), TlsClientOptions{files_.certificate}, "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(json::parse(health.body)["status"], "ok");
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << server.Stderr();
}

TEST_F(HttpsTest, CertificateWithoutKeyIsAConfigError) {
  const auto result = RunBatuta({"serve", "--data-dir", (dir_.path() / "data").string(),
                                 "--tls-cert", files_.certificate.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("invalid setting tls-key"), std::string::npos) << result.err;
}

TEST_F(HttpsTest, KeyOfAnotherCertificateStopsStartup) {
  const auto other = WriteSelfSignedCertificate(dir_.path(), "other");
  const auto result = RunBatuta({"serve", "--data-dir", (dir_.path() / "data").string(), "--port",
                                 "0", "--tls-cert", files_.certificate.string(), "--tls-key",
                                 other.private_key.string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(other.private_key.string()), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("does not match"), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find("listening"), std::string::npos) << result.out;
}

TEST_F(HttpsTest, CorsOriginsAllowPreflightsFromListedOrigins) {
  BatutaServer server(dir_.path() / "data", {"--cors-origins", "https://bi.example.com"});
  const auto allowed =
      Request(server.port(), "OPTIONS", "/healthz", {},
              {"Origin: https://bi.example.com", "Access-Control-Request-Method: GET"});
  EXPECT_EQ(allowed.status, 204);
  EXPECT_EQ(allowed.Header("Access-Control-Allow-Origin"), "https://bi.example.com");
  const auto refused =
      Request(server.port(), "OPTIONS", "/healthz", {},
              {"Origin: https://evil.example.com", "Access-Control-Request-Method: GET"});
  EXPECT_EQ(refused.status, 403);
  EXPECT_FALSE(refused.Header("Access-Control-Allow-Origin").has_value());
}

}  // namespace
}  // namespace batuta::testing
