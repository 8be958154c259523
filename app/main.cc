// batuta's entry point: parses the command line and hands a resolved Config to a command.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <map>
#include <string>

#include "app/commands.h"
#include "app/user_commands.h"
#include "config/config.h"
#include "core/log.h"

namespace {

std::optional<std::string> GetEnv(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

// Adds --<setting> for every entry of the settings table to `command`; given values land in
// `values` (only those actually given, so env and file can fill the rest).
void AddSettingFlags(CLI::App& command, std::map<std::string, std::string>& values) {
  for (const auto& spec : batuta::Settings()) {
    const std::string name(spec.name);
    command.add_option_function<std::string>(
        "--" + name, [&values, name](const std::string& v) { values[name] = v; },
        fmt::format("{} [env {}]", spec.help, spec.env));
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "batuta: schedules and runs jobs against databases and HTTP APIs, keeps every "
      "run with its logs, and serves exported datasets as an API.",
      "batuta"};
  cli.require_subcommand(1);
  std::string config_file = GetEnv("BATUTA_CONFIG").value_or("");
  std::map<std::string, std::string> flags;

  auto* version = cli.add_subcommand("version", "print the version and exit");
  auto* serve = cli.add_subcommand(
      "serve", "run the server (settings: flags > BATUTA_* environment > config file)");
  serve->add_option("--config", config_file,
                    "config file of 'name = value' lines [env BATUTA_CONFIG]");
  AddSettingFlags(*serve, flags);
  auto* migrate = cli.add_subcommand("migrate", "apply pending store migrations and list them");
  bool status_only = false;
  migrate->add_flag("--status", status_only, "only list applied and pending migrations");
  migrate->add_option("--config", config_file, "config file [env BATUTA_CONFIG]");
  AddSettingFlags(*migrate, flags);

  batuta::app::UserCommand user_command;
  auto* user = cli.add_subcommand("user", "manage users from the shell");
  user->require_subcommand(1);
  user->add_option("--config", config_file, "config file [env BATUTA_CONFIG]");
  AddSettingFlags(*user, flags);
  auto* user_list = user->add_subcommand("list", "list users with role, state and last login");
  auto* user_create = user->add_subcommand("create", "create a user");
  user_create->add_option("username", user_command.username, "the new user's name")->required();
  user_create
      ->add_option("--role", user_command.role, "viewer, operator, approver, editor or admin")
      ->capture_default_str();
  user_create->add_option("--display-name", user_command.display_name, "full name");
  auto* user_reset =
      user->add_subcommand("reset-password", "set a new password and end the user's sessions");
  user_reset->add_option("username", user_command.username, "whose password")->required();
  // Settings such as --data-dir may follow the action: `batuta user list --data-dir d`.
  for (auto* command : {user_list, user_create, user_reset}) command->fallthrough();
  for (auto* command : {user_create, user_reset}) {
    command->add_flag("--password-stdin", user_command.password_stdin,
                      "read the password from the first line of stdin (default: generate one "
                      "and print it once)");
  }

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  if (version->parsed()) {
    fmt::print("batuta {}\n", BATUTA_VERSION);
    return 0;
  }

  batuta::SettingValues file_values;
  if (!config_file.empty()) {
    auto read = batuta::ReadConfigFile(config_file);
    if (!read.ok()) {
      fmt::print(stderr, "batuta: {}\n", read.error().message);
      return 2;
    }
    file_values = std::move(read).value();
  }
  batuta::SettingValues flag_values(flags.begin(), flags.end());
  auto config = batuta::ResolveConfig(flag_values, GetEnv, file_values);
  if (!config.ok()) {
    fmt::print(stderr, "batuta: {}\n", config.error().message);
    return 2;
  }
  if (serve->parsed()) batuta::app::BlockStopSignals();  // before the logger starts a thread
  if (auto logging = batuta::ConfigureLogging(config->log_level, config->log_format);
      !logging.ok()) {
    fmt::print(stderr, "batuta: {}\n", logging.error().message);
    return 2;
  }
  int exit_code = 2;
  if (serve->parsed()) exit_code = batuta::app::Serve(*config);
  if (migrate->parsed()) exit_code = batuta::app::Migrate(*config, status_only);
  if (user->parsed()) {
    using Kind = batuta::app::UserCommand::Kind;
    user_command.kind = user_list->parsed()     ? Kind::kList
                        : user_create->parsed() ? Kind::kCreate
                                                : Kind::kResetPassword;
    exit_code = batuta::app::RunUserCommand(*config, user_command);
  }
  batuta::ShutdownLogging();
  return exit_code;
}
