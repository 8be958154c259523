#pragma once

#include <cstddef>
#include <string_view>

#include "core/result.h"

namespace batuta::auth {

// What a new password must satisfy (NIST SP 800-63B style: length and a block list, no
// composition rules):
//  - kMinPasswordLength..kMaxPasswordLength bytes (the upper bound keeps hashing cheap to
//    refuse, not to limit people);
//  - not one of the very common passwords (common_passwords.cc), compared ignoring case;
//  - not one character repeated, not a run of consecutive characters ("abcdefghijkl",
//    "123456789012"), and not containing the username.
// Returns kValidation on `field` with the reason.
inline constexpr std::size_t kMinPasswordLength = 12;
inline constexpr std::size_t kMaxPasswordLength = 1024;
Status CheckNewPassword(std::string_view password, std::string_view username,
                        std::string_view field = "password");

// True when `password` (ignoring ASCII case) is on the common-password list.
bool IsCommonPassword(std::string_view password);

}  // namespace batuta::auth
