#include "sources/mysql_session.h"
#include "sources/odbc_session.h"
#include "sources/postgres_session.h"
#include "sources/sql_session.h"
#include "sources/sqlite_session.h"

namespace batuta::sources {

Result<std::unique_ptr<SqlSession>> OpenSqlSession(const SqlEndpoint& endpoint,
                                                   std::chrono::milliseconds connect_timeout) {
  switch (endpoint.kind) {
    case SqlKind::kSqlite:
      return OpenSqliteSession(endpoint, connect_timeout);
    case SqlKind::kPostgres:
      return OpenPostgresSession(endpoint, connect_timeout);
    case SqlKind::kMysql:
      return OpenMysqlSession(endpoint, connect_timeout);
    case SqlKind::kOdbc:
      return OpenOdbcSession(endpoint, connect_timeout);
  }
  return Error::Internal("unknown SQL connection kind");
}

std::string_view SqlKindName(SqlKind kind) {
  switch (kind) {
    case SqlKind::kSqlite:
      return "sqlite";
    case SqlKind::kPostgres:
      return "postgres";
    case SqlKind::kMysql:
      return "mysql";
    case SqlKind::kOdbc:
      return "odbc";
  }
  return "unknown";
}

}  // namespace batuta::sources
