#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "sources/sql_session.h"

namespace batuta::sources {

// How a driver wants its placeholders.
enum class PlaceholderStyle {
  kDollarNumbered,  // postgres: $1, $2 … one number per distinct name
  kQuestionMark,    // mysql: ? per occurrence; backslash escapes in strings, # comments
  // odbc (and the listing of sqlite's names): ? per occurrence, lexed as standard SQL: no
  // backslash escapes (Oracle and SQL Server read 'C:\' as a complete literal), "x" and [x]
  // are identifiers, no # comments.
  kQuestionMarkStandard,
};

// The style a driver's queries are rewritten (or, for sqlite, scanned) with.
PlaceholderStyle PlaceholderStyleFor(SqlKind kind);

struct RewrittenSql {
  std::string sql;
  // kDollarNumbered: the distinct names, $1 first. kQuestionMark*: one name per occurrence.
  std::vector<std::string> parameters;
  // For a driver that wraps the statement in another (postgres' COPY (…) TO STDOUT): its first
  // word, lower-cased, after spaces, comments and opening parentheses ("select", "with"; empty
  // when it starts with anything else), and where in `sql` its last token other than a final
  // ';' ends (trailing spaces and comments excluded).
  std::string leading_keyword;
  std::size_t body_end = 0;
};

// Replaces :name placeholders (name = [A-Za-z_][A-Za-z0-9_]*) outside string literals,
// quoted identifiers ("x", `x`, [x]), comments (-- and /* */), postgres dollar-quoted strings
// and :: casts. kValidation (field "query") for an unterminated literal or comment.
Result<RewrittenSql> RewriteNamedParameters(std::string_view sql, PlaceholderStyle style);

}  // namespace batuta::sources
