#include "auth/password_policy.h"

#include <fmt/format.h>

#include <string>

namespace batuta::auth {
namespace {

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool OneCharacterRepeated(std::string_view text) {
  return text.find_first_not_of(text.front()) == std::string_view::npos;
}

// "abcdef", "654321": every character one more (or one less) than the previous; digits wrap
// around ("7890123", "3210987").
bool ConsecutiveRun(std::string_view text) {
  for (const int step : {1, -1}) {
    const char wrap_from = step == 1 ? '9' : '0';
    const char wrap_to = step == 1 ? '0' : '9';
    bool run = true;
    for (std::size_t i = 1; i < text.size() && run; ++i) {
      run = text[i] - text[i - 1] == step || (text[i - 1] == wrap_from && text[i] == wrap_to);
    }
    if (run) return true;
  }
  return false;
}

}  // namespace

Status CheckNewPassword(std::string_view password, std::string_view username,
                        std::string_view field) {
  const std::string name(field);
  if (password.size() < kMinPasswordLength) {
    return Error::Validation(
        name, fmt::format("the password must have at least {} characters", kMinPasswordLength));
  }
  if (password.size() > kMaxPasswordLength) {
    return Error::Validation(
        name, fmt::format("the password must have at most {} characters", kMaxPasswordLength));
  }
  if (OneCharacterRepeated(password) || ConsecutiveRun(password)) {
    return Error::Validation(name, "the password is a simple pattern; choose another");
  }
  if (IsCommonPassword(password)) {
    return Error::Validation(name, "the password is too common; choose another");
  }
  if (username.size() >= 3 &&
      LowerAscii(password).find(LowerAscii(username)) != std::string::npos) {
    return Error::Validation(name, "the password must not contain the username");
  }
  return Ok();
}

}  // namespace batuta::auth
