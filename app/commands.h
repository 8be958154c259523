#pragma once

#include <filesystem>

#include "config/config.h"

namespace batuta::app {

// Blocks SIGINT and SIGTERM in the calling thread and every thread started after it; Serve
// takes them synchronously with sigwait. Must run before any thread exists (the logger's
// included), or a signal could be delivered to a thread that dies of it.
void BlockStopSignals();

// `batuta serve`: opens and migrates the store, serves HTTP until SIGINT/SIGTERM, then stops
// gracefully. Requires BlockStopSignals() first. Returns the process exit code.
int Serve(const Config& config);

// `batuta migrate`: applies pending store migrations (or, with status_only, lists them).
int Migrate(const Config& config, bool status_only);

// Path of the SQLite store inside the data folder.
std::filesystem::path StoreFile(const Config& config);

}  // namespace batuta::app
