#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace batuta::storage {

// Output path templates of exports, such as "sales/{yyyy}-{mm}/{dataset}.csv".
//
// Syntax: `{name}` is replaced by the value of `name` (letters, digits, '_', '.', '-'); `{{` and
// `}}` stand for literal braces; any other brace is an error. A template is relative: it must
// not start with '/', and its literal parts must not contain '\\' or NUL, nor form an empty,
// "." or ".." segment, nor a segment starting with ".batuta" (reserved by LocalStorage).
// Placeholders never create folders: a value containing '/', '\\' or NUL, or equal to "." or
// "..", is refused. All errors are kValidation naming `field` (e.g. "config.output.path").
//
// The rendered path is still to be passed to LocalStorage::Resolve, which has the last word
// (for example on a segment that a value left empty). Pure functions, thread-safe.

using TemplateValues = std::map<std::string, std::string, std::less<>>;

Result<std::string> RenderPathTemplate(std::string_view tmpl, const TemplateValues& values,
                                       std::string_view field = "path");

// Checks a template without values, for config validation: the syntax and literal parts as
// above, and that every placeholder is one of `known_names` (else "unknown placeholder {x};
// known: ...").
Status ValidatePathTemplate(std::string_view tmpl, const std::vector<std::string>& known_names,
                            std::string_view field);

}  // namespace batuta::storage
