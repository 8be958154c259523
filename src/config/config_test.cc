#include "config/config.h"

#include <gtest/gtest.h>

#include <fstream>

namespace batuta {
namespace {

using namespace std::chrono_literals;  // NOLINT(google-build-using-namespace)

std::optional<std::string> NoEnv(std::string_view) { return std::nullopt; }

TEST(ConfigTest, DefaultsAreTheEmbeddedSetup) {
  const auto config = ResolveConfig({}, NoEnv, {});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->listen, "127.0.0.1");
  EXPECT_EQ(config->port, 8080);
  EXPECT_EQ(config->data_dir, "batuta-data");
  EXPECT_TRUE(config->web_dir.empty());
}

TEST(ConfigTest, FlagsBeatEnvBeatsFile) {
  const SettingValues file{{"port", "1000"}, {"log-level", "debug"}, {"listen", "0.0.0.0"}};
  const SettingValues flags{{"port", "3000"}};
  auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "BATUTA_PORT") return "2000";
    if (name == "BATUTA_LOG_LEVEL") return "warn";
    return std::nullopt;
  };
  const auto config = ResolveConfig(flags, env, file);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->port, 3000);
  EXPECT_EQ(config->log_level, "warn");
  EXPECT_EQ(config->listen, "0.0.0.0");
}

TEST(ConfigTest, ErrorNamesSettingAndSource) {
  auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "BATUTA_MAX_BODY_SIZE") return "huge";
    return std::nullopt;
  };
  const auto config = ResolveConfig({}, env, {});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().details["field"], "max-body-size");
  EXPECT_NE(
      config.error().message.find("invalid setting max-body-size (from BATUTA_MAX_BODY_SIZE)"),
      std::string::npos);
  EXPECT_EQ(config.error().message.find('\n'), std::string::npos);
}

TEST(ConfigTest, RejectsOutOfRangeValues) {
  EXPECT_FALSE(ResolveConfig({{"port", "65536"}}, NoEnv, {}).ok());
  EXPECT_FALSE(ResolveConfig({{"port", "-1"}}, NoEnv, {}).ok());
  EXPECT_FALSE(ResolveConfig({{"http-threads", "1000"}}, NoEnv, {}).ok());
  EXPECT_FALSE(ResolveConfig({{"request-timeout", "0s"}}, NoEnv, {}).ok());
  EXPECT_FALSE(ResolveConfig({{"data-dir", ""}}, NoEnv, {}).ok());
  EXPECT_FALSE(ResolveConfig({{"access-log", "maybe"}}, NoEnv, {}).ok());
  EXPECT_FALSE(ResolveConfig({{"log-format", "xml"}}, NoEnv, {}).ok());
}

TEST(ConfigTest, ParsesDurationsAndSizes) {
  EXPECT_EQ(ParseDuration("500ms"), 500ms);
  EXPECT_EQ(ParseDuration("30s"), 30s);
  EXPECT_EQ(ParseDuration("2m"), 2min);
  EXPECT_EQ(ParseDuration("1h"), 1h);
  EXPECT_FALSE(ParseDuration("30"));
  EXPECT_FALSE(ParseDuration("s"));
  EXPECT_FALSE(ParseDuration("99999999999999999999s"));
  EXPECT_EQ(ParseByteSize("512"), 512u);
  EXPECT_EQ(ParseByteSize("16KiB"), 16u << 10);
  EXPECT_EQ(ParseByteSize("1MiB"), 1u << 20);
  EXPECT_FALSE(ParseByteSize("1MB"));
  EXPECT_FALSE(ParseByteSize(""));
}

TEST(ConfigTest, ReadsConfigFiles) {
  const auto file = std::filesystem::temp_directory_path() / "batuta-config-test.conf";
  std::ofstream(file) << "# batuta\n\nport = 9090\ndata-dir = \"/var/lib/batuta\"\n";
  const auto values = ReadConfigFile(file);
  ASSERT_TRUE(values.ok()) << values.error().message;
  EXPECT_EQ(values->at("port"), "9090");
  EXPECT_EQ(values->at("data-dir"), "/var/lib/batuta");

  std::ofstream(file) << "port 9090\n";
  const auto malformed = ReadConfigFile(file);
  ASSERT_FALSE(malformed.ok());
  EXPECT_NE(malformed.error().message.find("line 1"), std::string::npos);
  std::filesystem::remove(file);

  EXPECT_FALSE(ReadConfigFile("/nonexistent/batuta.conf").ok());
}

TEST(ConfigTest, TlsNeedsBothCertificateAndKey) {
  const auto neither = ResolveConfig({}, NoEnv, {});
  ASSERT_TRUE(neither.ok());
  EXPECT_TRUE(neither->tls_cert.empty() && neither->tls_key.empty());

  auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "BATUTA_TLS_KEY") return "/etc/batuta/key.pem";
    return std::nullopt;
  };
  const auto both = ResolveConfig({{"tls-cert", "/etc/batuta/cert.pem"}}, env, {});
  ASSERT_TRUE(both.ok()) << both.error().message;
  EXPECT_EQ(both->tls_cert, "/etc/batuta/cert.pem");
  EXPECT_EQ(both->tls_key, "/etc/batuta/key.pem");

  const auto only_cert = ResolveConfig({}, NoEnv, {{"tls-cert", "/etc/batuta/cert.pem"}});
  ASSERT_FALSE(only_cert.ok());
  EXPECT_EQ(only_cert.error().details["field"], "tls-key");
  EXPECT_NE(only_cert.error().message.find("invalid setting tls-key: missing, but tls-cert is set"),
            std::string::npos)
      << only_cert.error().message;

  const auto only_key = ResolveConfig({}, env, {});
  ASSERT_FALSE(only_key.ok());
  EXPECT_EQ(only_key.error().details["field"], "tls-cert");
  EXPECT_FALSE(ResolveConfig({{"tls-cert", ""}, {"tls-key", "k.pem"}}, NoEnv, {}).ok());
}

TEST(ConfigTest, CorsOriginsAreACommaSeparatedList) {
  auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "BATUTA_CORS_ORIGINS") return "https://bi.example.com, http://localhost:3000";
    return std::nullopt;
  };
  const auto config = ResolveConfig({}, env, {});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->cors_origins,
            (std::vector<std::string>{"https://bi.example.com", "http://localhost:3000"}));
  EXPECT_TRUE(ResolveConfig({}, NoEnv, {})->cors_origins.empty());
  EXPECT_TRUE(ResolveConfig({{"cors-origins", ""}}, NoEnv, {})->cors_origins.empty());
}

TEST(ConfigTest, CorsOriginErrorsNameTheBadEntry) {
  const auto config = ResolveConfig(
      {{"cors-origins", "https://ok.example.com,https://bi.example.com/app"}}, NoEnv, {});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().details["field"], "cors-origins");
  EXPECT_NE(config.error().message.find("invalid setting cors-origins (from --cors-origins): "
                                        "'https://bi.example.com/app' is not an origin"),
            std::string::npos)
      << config.error().message;
}

TEST(ConfigTest, ParsesOrigins) {
  for (const std::string_view good :
       {"https://bi.example.com", "http://localhost:3000", "http://127.0.0.1:8080",
        "https://[::1]:8443", "http://[::1]", "https://a-b.example.com:65535"}) {
    const auto origins = ParseOrigins(good);
    ASSERT_TRUE(origins.ok()) << good << ": " << origins.error().message;
    EXPECT_EQ(*origins, std::vector<std::string>{std::string(good)});
  }
  for (const std::string_view bad :
       {"bi.example.com", "ftp://bi.example.com", "https://", "https://bi.example.com/",
        "https://bi.example.com/app", "https://bi.example.com?x=1", "https://BI.example.com",
        "https://user@bi.example.com", "https://bi.example.com:0", "https://bi.example.com:65536",
        "https://bi.example.com:08080", "https://bi.example.com:", "https://bi.example.com:443",
        "http://bi.example.com:80", "https://[::1", "*", "null", "https://a.example.com,,"}) {
    EXPECT_FALSE(ParseOrigins(bad).ok()) << bad;
  }
  const auto default_port = ParseOrigins("https://bi.example.com:443");
  ASSERT_FALSE(default_port.ok());
  EXPECT_NE(default_port.error().message.find("default port 443"), std::string::npos);
}

TEST(ConfigTest, EverySettingHasAnEnvironmentVariable) {
  for (const auto& spec : Settings()) {
    EXPECT_EQ(spec.env.substr(0, 7), "BATUTA_") << spec.name;
    EXPECT_FALSE(spec.help.empty()) << spec.name;
  }
}

TEST(ConfigTest, TrustedProxiesAreIpAddresses) {
  auto config = ResolveConfig({{"trusted-proxies", "10.0.0.5, ::1"}}, NoEnv, {});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->trusted_proxies, (std::vector<std::string>{"10.0.0.5", "::1"}));
  auto range = ResolveConfig({{"trusted-proxies", "10.0.0.0/8"}}, NoEnv, {});
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.error().message.find("'10.0.0.0/8' is not an IP address"), std::string::npos)
      << range.error().message;
  EXPECT_TRUE(ResolveConfig({}, NoEnv, {})->trusted_proxies.empty());
}

}  // namespace
}  // namespace batuta
