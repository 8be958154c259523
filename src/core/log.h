#pragma once

#include <spdlog/logger.h>

#include <string_view>

#include "core/result.h"

namespace batuta {

enum class LogFormat { kText, kJson };

// Configures the process-wide spdlog default logger: level ("trace" .. "critical", "off")
// and format (human text, or one JSON object per line for log shippers). Call once at
// start-up before any thread logs. Returns an error naming a bad level.
Status ConfigureLogging(std::string_view level, LogFormat format);

// The logger for per-request access lines. It shares the default logger's output and format
// but queues lines to a background thread, so the request path never waits on stderr.
// Valid after ConfigureLogging; ShutdownLogging() drains it.
spdlog::logger& AccessLog();

// Writes every queued line out and stops the background thread. Call once, last, before the
// process exits: logging afterwards is not possible.
void ShutdownLogging();

// Escapes a string for inclusion inside a JSON string literal (no surrounding quotes).
std::string JsonEscape(std::string_view s);

}  // namespace batuta
