#include "http/byte_range.h"

#include <limits>
#include <optional>

#include "http/request.h"

namespace batuta::http {
namespace {

constexpr std::uint64_t kHuge = std::numeric_limits<std::uint64_t>::max();

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// 1*DIGIT, saturating at kHuge; nullopt when empty or not all digits.
std::optional<std::uint64_t> Digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    value = value > (kHuge - digit) / 10 ? kHuge : value * 10 + digit;
  }
  return value;
}

}  // namespace

ByteRangeRequest EvaluateRange(std::string_view range_header, std::uint64_t size) {
  using Kind = ByteRangeRequest::Kind;
  ByteRangeRequest whole;
  std::string_view value = Trim(range_header);
  const auto equals = value.find('=');
  if (equals == std::string_view::npos ||
      !EqualsIgnoreCase(Trim(value.substr(0, equals)), "bytes")) {
    return whole;
  }
  const std::string_view spec = Trim(value.substr(equals + 1));
  // Several ranges (or an empty list element) are answered with the whole representation.
  if (spec.find(',') != std::string_view::npos) return whole;
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  const std::string_view first_text = Trim(spec.substr(0, dash));
  const std::string_view last_text = Trim(spec.substr(dash + 1));

  ByteRangeRequest result;
  if (first_text.empty()) {  // "-n": the last n bytes
    const auto suffix = Digits(last_text);
    if (!suffix) return whole;
    if (*suffix == 0) return {.kind = Kind::kUnsatisfiable};
    if (size == 0) return whole;  // satisfiable, but an empty range has no Content-Range
    result.kind = Kind::kRange;
    result.first = *suffix >= size ? 0 : size - *suffix;
    result.last = size - 1;
    return result;
  }
  const auto first = Digits(first_text);
  if (!first) return whole;
  std::uint64_t last = kHuge;
  if (!last_text.empty()) {
    const auto parsed = Digits(last_text);
    if (!parsed || *parsed < *first) return whole;  // syntactically invalid: ignored
    last = *parsed;
  }
  if (*first >= size) return {.kind = Kind::kUnsatisfiable};
  result.kind = Kind::kRange;
  result.first = *first;
  result.last = last >= size ? size - 1 : last;
  return result;
}

}  // namespace batuta::http
