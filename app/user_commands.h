#pragma once

#include <string>

#include "config/config.h"

namespace batuta::app {

// `batuta user ...`: manage users from the shell of the machine batuta runs on (whoever can
// run this can read the data folder anyway). Changes are audited with the actor "cli".
// Passwords are read from stdin with --password-stdin, or generated and printed once.

struct UserCommand {
  enum class Kind { kList, kCreate, kResetPassword };
  Kind kind = Kind::kList;
  std::string username;
  std::string role = "viewer";
  std::string display_name;
  bool password_stdin = false;
};

int RunUserCommand(const Config& config, const UserCommand& command);

}  // namespace batuta::app
