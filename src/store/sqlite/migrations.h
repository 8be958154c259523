#pragma once

#include <vector>

#include "store/migration.h"

namespace batuta {

// The SQLite migrations built into this binary, in version order: one per file
// src/store/sqlite/migrations/NNNN_name.sql, embedded byte for byte at build time by
// embed_migrations.cmake (the definition is generated). Thread-safe; built on first use.
const std::vector<Migration>& SqliteMigrations();

}  // namespace batuta
