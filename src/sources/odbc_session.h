#pragma once

#include <chrono>
#include <memory>

#include "core/result.h"
#include "sources/sql_session.h"

namespace batuta::sources {

// A session through unixODBC: `endpoint.odbc_connection_string` is given to SQLDriverConnect
// (with UID/PWD appended from `user`/`password` when set). See README.md for the type mapping
// and for reaching Oracle and SQL Server through their vendors' drivers.
Result<std::unique_ptr<SqlSession>> OpenOdbcSession(const SqlEndpoint& endpoint,
                                                    std::chrono::milliseconds connect_timeout);

}  // namespace batuta::sources
