#pragma once

#include <string_view>

namespace batuta::api {

// api/openapi.yaml as compact JSON, compiled in at build time (scripts/openapi_to_cc.py).
std::string_view OpenApiJson();

}  // namespace batuta::api
