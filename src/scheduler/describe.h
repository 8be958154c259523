#pragma once

#include <string>
#include <string_view>

#include "scheduler/schedule_spec.h"

namespace batuta::scheduler {

// A plain-language description of when the schedule fires, ending with its zone:
//   en:    "every weekday at 06:00 and 12:30, São Paulo time", "every 15 minutes, UTC"
//   pt-BR: "todo dia útil às 06:00 e 12:30, horário de São Paulo"
// `language` is "en" or "pt-BR" ("pt" too); anything else gets English. Expressions without a
// short phrasing get a faithful field-by-field description.
std::string Describe(const ScheduleSpec& spec, std::string_view language);

// The name people use for a zone: the last component of the IANA name with spaces for
// underscores and the accents of common Latin-American names ("America/Sao_Paulo" →
// "São Paulo"), or "UTC" for the UTC aliases.
std::string ZoneCityName(std::string_view iana_name);

}  // namespace batuta::scheduler
