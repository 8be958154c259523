#pragma once

#include <chrono>
#include <memory>

#include "core/result.h"
#include "sources/sql_session.h"

namespace batuta::sources {

// A PostgreSQL session through libpq. `endpoint.host` is a host name, an address or a unix
// socket directory; `options` may hold "sslmode" and "application_name" (default "batuta").
// The client encoding is UTF-8. Each Query sets DateStyle ISO, IntervalStyle iso_8601,
// extra_float_digits 3, bytea_output hex, TimeZone and statement_timeout; a read-only query
// runs in `BEGIN READ ONLY` … `ROLLBACK` with those settings LOCAL, so it also works behind a
// transaction-pooling pgbouncer. Rows stream in single-row mode; cells point into libpq's
// result (no copy).
Result<std::unique_ptr<SqlSession>> OpenPostgresSession(const SqlEndpoint& endpoint,
                                                        std::chrono::milliseconds connect_timeout);

}  // namespace batuta::sources
