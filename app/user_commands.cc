#include "app/user_commands.h"

#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "auth/auth_service.h"
#include "auth/crypto.h"
#include "core/clock.h"
#include "store/sqlite/sqlite_store.h"

namespace batuta::app {
namespace {

void PrintError(std::string_view message) { fmt::print(stderr, "batuta: {}\n", message); }

// The password from stdin (one line, without its line end), or a new random one.
struct Password {
  std::string text;
  bool generated = false;
};

Password ChoosePassword(bool from_stdin) {
  if (!from_stdin) return {auth::RandomToken(18), true};
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return {line, false};
}

int List(auth::AuthService& auth) {
  auto users = auth.store().Users().List();
  if (!users.ok()) {
    PrintError(users.error().message);
    return 1;
  }
  fmt::print("{:<32} {:<9} {:<8} {}\n", "USERNAME", "ROLE", "ACTIVE", "LAST LOGIN");
  for (const auto& user : *users) {
    fmt::print("{:<32} {:<9} {:<8} {}\n", user.username, user.role, user.active ? "yes" : "no",
               user.last_login_at ? FormatRfc3339(*user.last_login_at) : "never");
  }
  return 0;
}

int Create(auth::AuthService& auth, const UserCommand& command) {
  const Password password = ChoosePassword(command.password_stdin);
  auto created =
      auth.users().Create(auth::Actor::System("cli"),
                          {command.username, command.display_name, command.role, password.text});
  if (!created.ok()) {
    PrintError(created.error().message);
    return 1;
  }
  fmt::print("created user '{}' with role {}\n", created->username, created->role);
  if (password.generated) fmt::print("password (shown only this once): {}\n", password.text);
  return 0;
}

int ResetPassword(auth::AuthService& auth, const UserCommand& command) {
  auto user = auth.store().Users().FindByUsername(command.username);
  if (!user.ok()) {
    PrintError(user.error().message);
    return 1;
  }
  if (!user->has_value()) {
    PrintError(fmt::format("no user named '{}'", command.username));
    return 1;
  }
  const Password password = ChoosePassword(command.password_stdin);
  auto reset = auth.users().ResetPassword(auth::Actor::System("cli"), (*user)->id, password.text);
  if (!reset.ok()) {
    PrintError(reset.error().message);
    return 1;
  }
  fmt::print("new password set for '{}'; their sessions have ended\n", (*user)->username);
  if (password.generated) fmt::print("password (shown only this once): {}\n", password.text);
  return 0;
}

}  // namespace

int RunUserCommand(const Config& config, const UserCommand& command) {
  auto store = SqliteStore::Open(StoreFile(config), SystemClock::Instance());
  if (!store.ok()) {
    PrintError(store.error().message);
    return 1;
  }
  if (auto migrated = (*store)->Migrate(); !migrated.ok()) {
    PrintError(migrated.error().message);
    return 1;
  }
  auto auth = auth::AuthService::Create(**store, SystemClock::Instance());
  if (!auth.ok()) {
    PrintError(auth.error().message);
    return 1;
  }
  switch (command.kind) {
    case UserCommand::Kind::kList:
      return List(**auth);
    case UserCommand::Kind::kCreate:
      return Create(**auth, command);
    case UserCommand::Kind::kResetPassword:
      return ResetPassword(**auth, command);
  }
  return 2;
}

}  // namespace batuta::app
