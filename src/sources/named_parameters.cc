#include "sources/named_parameters.h"

#include <algorithm>
#include <cstddef>
#include <string>

namespace batuta::sources {
namespace {

// The lexical rules differ per dialect; the placeholder style tells which one the SQL is for:
// kDollarNumbered is PostgreSQL, kQuestionMark is MySQL/MariaDB (and ODBC, lexed the MySQL way
// plus [bracketed] identifiers). See README.md for the exact rules and their reasons.
struct Dialect {
  bool postgres = false;
  bool backslash_escapes = false;  // MySQL strings
  bool hash_comments = false;      // MySQL
};

Dialect DialectOf(PlaceholderStyle style) {
  switch (style) {
    case PlaceholderStyle::kDollarNumbered:
      return {true, false, false};
    case PlaceholderStyle::kQuestionMark:
      return {false, true, true};
    case PlaceholderStyle::kQuestionMarkStandard:
      return {false, false, false};
  }
  return {};
}

constexpr std::size_t kNone = std::string_view::npos;

bool IsAsciiAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameStart(char c) { return IsAsciiAlpha(c) || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c); }

// A byte that may be part of an identifier or keyword: a ':' right after one is not a
// parameter (`a[i:j]`, `12:30`), an `E` right after one does not start an escape string, a `$`
// right after one does not start a dollar quote (`a$b$c` is an identifier).
bool IsWordByte(char c) {
  return IsNameChar(c) || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

Error Unterminated(std::string_view what, std::size_t at) {
  return Error::Validation(
      "query", "unterminated " + std::string(what) + " starting at offset " + std::to_string(at));
}

// The position after the literal or quoted identifier opened by `quote` at `start`; kNone when it
// does not end. A doubled quote stands for itself; with `backslash`, a backslash escapes the
// next byte.
std::size_t SkipQuoted(std::string_view sql, std::size_t start, char quote, bool backslash) {
  std::size_t i = start + 1;
  while (i < sql.size()) {
    const char c = sql[i];
    if (backslash && c == '\\') {
      i += 2;
    } else if (c == quote) {
      if (i + 1 < sql.size() && sql[i + 1] == quote) {
        i += 2;
      } else {
        return i + 1;
      }
    } else {
      ++i;
    }
  }
  return kNone;
}

std::size_t SkipLineComment(std::string_view sql, std::size_t start) {
  const std::size_t end = sql.find('\n', start);
  return end == kNone ? sql.size() : end + 1;
}

// `start` is at "/*". PostgreSQL block comments nest; MySQL's end at the first "*/".
std::size_t SkipBlockComment(std::string_view sql, std::size_t start, bool nested) {
  std::size_t depth = 1;
  std::size_t i = start + 2;
  while (i + 1 < sql.size()) {
    if (sql[i] == '*' && sql[i + 1] == '/') {
      i += 2;
      if (--depth == 0) return i;
    } else if (nested && sql[i] == '/' && sql[i + 1] == '*') {
      i += 2;
      ++depth;
    } else {
      ++i;
    }
  }
  return kNone;
}

// `start` is at a '$' not preceded by a word byte. When it opens a dollar quote ($$ or $tag$),
// sets `end` to the position after the closing tag (kNone when there is none) and returns true.
bool DollarQuote(std::string_view sql, std::size_t start, std::size_t& end) {
  std::size_t i = start + 1;
  if (i < sql.size() && sql[i] != '$') {
    const char first = sql[i];
    if (!IsNameStart(first) && static_cast<unsigned char>(first) < 0x80) return false;
    while (i < sql.size() && sql[i] != '$' &&
           (IsNameChar(sql[i]) || static_cast<unsigned char>(sql[i]) >= 0x80))
      ++i;
  }
  if (i >= sql.size() || sql[i] != '$') return false;
  const std::string_view tag = sql.substr(start, i + 1 - start);
  const std::size_t close = sql.find(tag, i + 1);
  end = close == kNone ? kNone : close + tag.size();
  return true;
}

class Rewriter {
 public:
  Rewriter(std::string_view sql, PlaceholderStyle style)
      : sql_(sql), style_(style), dialect_(DialectOf(style)) {
    out_.sql.reserve(sql.size() + 8);
  }

  Result<RewrittenSql> Run() {
    std::size_t i = 0;
    std::size_t token_end = kNone;
    while (i < sql_.size()) {
      const char c = sql_[i];
      const char next = i + 1 < sql_.size() ? sql_[i + 1] : '\0';
      // A quoted token or comment that ended right here is not a word (`'a':x`, `$$b$$:x`).
      const char previous = i > 0 && i != token_end ? sql_[i - 1] : '\0';
      std::size_t end = i + 1;
      bool token = true;
      bool comment = false;
      if (c == '\'') {
        end = SkipQuoted(
            sql_, i, '\'',
            dialect_.backslash_escapes || (dialect_.postgres && IsEscapeStringPrefix(i)));
        if (end == kNone) return Unterminated("string literal", i);
      } else if (c == '"') {
        // PostgreSQL: a quoted identifier. MySQL: a string (backslash escapes) unless ANSI_QUOTES.
        end = SkipQuoted(sql_, i, '"', dialect_.backslash_escapes);
        if (end == kNone) return Unterminated("quoted identifier or string", i);
      } else if (c == '`' && !dialect_.postgres) {
        end = SkipQuoted(sql_, i, '`', false);
        if (end == kNone) return Unterminated("quoted identifier", i);
      } else if (c == '[' && !dialect_.postgres) {
        end = SkipQuoted(sql_, i, ']', false);
        if (end == kNone) return Unterminated("bracketed identifier", i);
      } else if ((c == '-' && next == '-') ||
                 (c == '#' && dialect_.hash_comments && (next == '\0' || IsSpace(next)))) {
        end = SkipLineComment(sql_, i);
        comment = true;
      } else if (c == '/' && next == '*') {
        comment = true;
        end = SkipBlockComment(sql_, i, dialect_.postgres);
        if (end == kNone) return Unterminated("comment", i);
      } else if (c == '$' && dialect_.postgres && !IsWordByte(previous)) {
        if (DollarQuote(sql_, i, end) && end == kNone) {
          return Unterminated("dollar-quoted string", i);
        }
        if (end == kNone) {
          end = i + 1;
          token = false;
        }
      } else if (c == ':') {
        token = false;
        if (next == ':' || next == '=') {
          end = i + 2;  // a cast (::) or an assignment (:=)
        } else if (IsNameStart(next) && !IsWordByte(previous)) {
          end = i + 1;
          while (end < sql_.size() && IsNameChar(sql_[end])) ++end;
          Placeholder(i, end);
        }
      } else {
        token = false;
      }
      if (token) token_end = end;
      if (!comment && !IsSpace(c)) NoteSignificant(i, end);
      i = end;
    }
    out_.sql.append(sql_.substr(copied_));
    return std::move(out_);
  }

 private:
  // Whether the quote at `quote` opens a PostgreSQL escape string (E'...'): an E that starts a
  // token right before it.
  bool IsEscapeStringPrefix(std::size_t quote) const {
    if (quote == 0 || (sql_[quote - 1] != 'E' && sql_[quote - 1] != 'e')) return false;
    return quote == 1 || !IsWordByte(sql_[quote - 2]);
  }

  // Records the leading keyword and body end (RewrittenSql) for the token or character
  // sql_[begin, end), which is neither a comment nor a space.
  void NoteSignificant(std::size_t begin, std::size_t end) {
    if (!leading_seen_ && sql_[begin] != '(') {
      leading_seen_ = true;
      for (std::size_t j = begin; j < sql_.size() && IsAsciiAlpha(sql_[j]); ++j) {
        out_.leading_keyword.push_back(static_cast<char>(sql_[j] | 0x20));
      }
    }
    // sql_[copied_, end) will reach out_.sql as it is: a placeholder ends at or before copied_.
    if (sql_[begin] != ';') out_.body_end = out_.sql.size() + (end - copied_);
  }

  // Replaces sql_[begin, end) (":name") by the style's placeholder.
  void Placeholder(std::size_t begin, std::size_t end) {
    out_.sql.append(sql_.substr(copied_, begin - copied_));
    copied_ = end;
    std::string name(sql_.substr(begin + 1, end - begin - 1));
    if (style_ != PlaceholderStyle::kDollarNumbered) {
      out_.sql.push_back('?');
      out_.parameters.push_back(std::move(name));
      return;
    }
    auto it = std::find(out_.parameters.begin(), out_.parameters.end(), name);
    if (it == out_.parameters.end()) {
      out_.parameters.push_back(std::move(name));
      it = out_.parameters.end() - 1;
    }
    out_.sql.push_back('$');
    out_.sql.append(std::to_string(it - out_.parameters.begin() + 1));
  }

  std::string_view sql_;
  PlaceholderStyle style_;
  Dialect dialect_;
  RewrittenSql out_;
  std::size_t copied_ = 0;  // sql_[0, copied_) is in out_.sql already
  bool leading_seen_ = false;
};

}  // namespace

Result<RewrittenSql> RewriteNamedParameters(std::string_view sql, PlaceholderStyle style) {
  return Rewriter(sql, style).Run();
}

PlaceholderStyle PlaceholderStyleFor(SqlKind kind) {
  switch (kind) {
    case SqlKind::kPostgres:
      return PlaceholderStyle::kDollarNumbered;
    case SqlKind::kMysql:
      return PlaceholderStyle::kQuestionMark;
    case SqlKind::kSqlite:
    case SqlKind::kOdbc:
      return PlaceholderStyle::kQuestionMarkStandard;
  }
  return PlaceholderStyle::kQuestionMarkStandard;
}

}  // namespace batuta::sources
