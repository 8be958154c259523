#!/usr/bin/env python3
"""Build step: turns api/openapi.yaml into a C++ source that returns the spec as JSON.

usage: openapi_to_cc.py <openapi.yaml> <out.cc>
Fails (exit 1, one line) when the YAML does not parse or is not an OpenAPI 3.1 document.
"""
import json
import sys

import yaml


def main() -> int:
    source, out = sys.argv[1], sys.argv[2]
    try:
        with open(source, encoding="utf-8") as f:
            spec = yaml.safe_load(f)
    except yaml.YAMLError as e:
        print(f"{source}: invalid YAML: {e}".replace("\n", " "), file=sys.stderr)
        return 1
    if not isinstance(spec, dict) or not str(spec.get("openapi", "")).startswith("3.1"):
        print(f"{source}: not an OpenAPI 3.1 document", file=sys.stderr)
        return 1
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    delimiter = "batuta_openapi"
    assert f"){delimiter}\"" not in text
    code = (
        "// Generated from api/openapi.yaml by scripts/openapi_to_cc.py. Do not edit.\n"
        '#include "api/openapi_spec.h"\n\n'
        "namespace batuta::api {\n\n"
        "std::string_view OpenApiJson() {\n"
        f'  static constexpr std::string_view kSpec = R"{delimiter}({text}){delimiter}";\n'
        "  return kSpec;\n"
        "}\n\n"
        "}  // namespace batuta::api\n"
    )
    try:
        with open(out, encoding="utf-8") as f:
            if f.read() == code:
                return 0
    except FileNotFoundError:
        pass
    with open(out, "w", encoding="utf-8") as f:
        f.write(code)
    return 0


if __name__ == "__main__":
    sys.exit(main())
