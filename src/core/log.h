#pragma once

#include <string_view>

#include "core/result.h"

namespace batuta {

enum class LogFormat { kText, kJson };

// Configures the process-wide spdlog default logger: level ("trace" .. "critical", "off")
// and format (human text, or one JSON object per line for log shippers). Call once at
// start-up before any thread logs. Returns an error naming a bad level.
Status ConfigureLogging(std::string_view level, LogFormat format);

// Escapes a string for inclusion inside a JSON string literal (no surrounding quotes).
std::string JsonEscape(std::string_view s);

}  // namespace batuta
