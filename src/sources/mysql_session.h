#pragma once

#include <chrono>
#include <memory>

#include "core/result.h"
#include "sources/sql_session.h"

namespace batuta::sources {

// Connects to MariaDB or MySQL with libmariadb: `endpoint.host`/`port`, or the unix socket
// `endpoint.socket` when host is empty; utf8mb4; LOAD DATA LOCAL disabled; option "ssl_mode"
// (disabled, preferred, required, verify_ca, verify_identity; see README.md). A connection
// refused for any reason, wrong password included, is kUnavailable with the server's message
// (which names the user, never the password); an unknown ssl_mode is kValidation.
//
// Queries run with their values bound in server-side prepared statements (text protocol when
// there is nothing to bind), streamed row by row. See README.md for the column type mapping
// and the session settings (time_zone, statement timeout, read-only transaction).
Result<std::unique_ptr<SqlSession>> OpenMysqlSession(const SqlEndpoint& endpoint,
                                                     std::chrono::milliseconds connect_timeout);

}  // namespace batuta::sources
