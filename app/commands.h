#pragma once

#include <filesystem>

#include "config/config.h"

namespace batuta::app {

// `batuta serve`: opens and migrates the store, serves HTTP until SIGINT/SIGTERM, then stops
// gracefully. Returns the process exit code.
int Serve(const Config& config);

// `batuta migrate`: applies pending store migrations (or, with status_only, lists them).
int Migrate(const Config& config, bool status_only);

// Path of the SQLite store inside the data folder.
std::filesystem::path StoreFile(const Config& config);

}  // namespace batuta::app
