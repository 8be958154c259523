#include "core/log.h"

#include <fmt/format.h>
#include <spdlog/async.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>
#include <string>

namespace batuta {
namespace {

// Formats the message payload as a JSON string; timestamp and level come from the pattern.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*tm*/,
              spdlog::memory_buf_t& dest) override {
    const std::string escaped =
        JsonEscape(std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

std::shared_ptr<spdlog::logger>& AccessLogSlot() {
  static std::shared_ptr<spdlog::logger> logger;
  return logger;
}

}  // namespace

spdlog::logger& AccessLog() {
  auto& logger = AccessLogSlot();
  if (!logger) return *spdlog::default_logger_raw();  // before ConfigureLogging: synchronous
  return *logger;
}

void ShutdownLogging() {
  AccessLogSlot().reset();
  spdlog::shutdown();  // joins the background thread after it has written its queue
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

Status ConfigureLogging(std::string_view level, LogFormat format) {
  const auto parsed = spdlog::level::from_str(std::string(level));
  // from_str maps unknown names to "off"; only accept "off" when asked for explicitly.
  if (parsed == spdlog::level::off && level != "off") {
    return Error::Validation("log-level", fmt::format("unknown log level '{}' (expected trace, "
                                                      "debug, info, warn, error, critical or off)",
                                                      level));
  }
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("batuta", sink);
  if (format == LogFormat::kJson) {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%*"})");
    logger->set_formatter(std::move(formatter));
  } else {
    logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc));
  }
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::warn);

  // One background thread; a full queue blocks the caller rather than dropping lines.
  static std::once_flag pool_once;
  std::call_once(pool_once, [] { spdlog::init_thread_pool(16384, 1); });
  auto access = std::make_shared<spdlog::async_logger>("access", sink, spdlog::thread_pool(),
                                                       spdlog::async_overflow_policy::block);
  // The formatter lives in the shared sink (set above), so both loggers format alike.
  access->set_level(parsed);
  AccessLogSlot() = std::move(access);
  spdlog::set_default_logger(std::move(logger));
  return Ok();
}

}  // namespace batuta
