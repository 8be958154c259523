#include "sources/sqlite_session.h"

#include <date/date.h>
#include <date/tz.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <climits>
#include <cmath>
#include <exception>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace batuta::sources {
namespace {

using rows::Cell;
using rows::Column;
using rows::ColumnType;
using SteadyClock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kDefaultBusyTimeout{5000};
// The progress handler (deadline and cancel check) runs every this many VM instructions: a few
// microseconds apart, so a timeout or cancel stops a statement promptly at negligible cost.
constexpr int kProgressInstructions = 1000;

// ---- Canonical forms (rows::Cell) ----

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

bool IsCanonicalInteger(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  return AllDigits(s);
}

bool IsCanonicalNumber(std::string_view s) {
  if (s == "NaN" || s == "Infinity" || s == "-Infinity") return true;
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (!digits()) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

// "YYYY-MM-DD"
bool IsDate(std::string_view s) {
  return s.size() == 10 && AllDigits(s.substr(0, 4)) && s[4] == '-' && AllDigits(s.substr(5, 2)) &&
         s[7] == '-' && AllDigits(s.substr(8, 2));
}

// "HH:MM"
bool IsHourMinute(std::string_view s) {
  return s.size() == 5 && AllDigits(s.substr(0, 2)) && s[2] == ':' && AllDigits(s.substr(3, 2));
}

// "HH:MM:SS(.f+)?"
bool IsTime(std::string_view s) {
  if (s.size() < 8 || !IsHourMinute(s.substr(0, 5)) || s[5] != ':' || !AllDigits(s.substr(6, 2))) {
    return false;
  }
  return s.size() == 8 || (s[8] == '.' && AllDigits(s.substr(9)));
}

int ParseDigits(std::string_view s) {
  int value = 0;
  for (const char c : s) value = value * 10 + (c - '0');
  return value;
}

// A zone suffix of a timestamp: "Z", "+HH", "+HH:MM" or "+HHMM" (or '-'). Sets the offset east
// of UTC.
bool ParseOffset(std::string_view s, std::chrono::minutes& offset) {
  if (s == "Z" || s == "z") {
    offset = std::chrono::minutes{0};
    return true;
  }
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-') || !AllDigits(s.substr(1, 2))) return false;
  std::string_view minutes = s.substr(3);
  if (!minutes.empty() && minutes.front() == ':') minutes.remove_prefix(1);
  if (!minutes.empty() && (minutes.size() != 2 || !AllDigits(minutes))) return false;
  const int total = ParseDigits(s.substr(1, 2)) * 60 + (minutes.empty() ? 0 : ParseDigits(minutes));
  offset = std::chrono::minutes{s[0] == '-' ? -total : total};
  return true;
}

// Brings a text timestamp to "YYYY-MM-DD HH:MM:SS(.f+)?" in `out`: accepts a date alone
// (midnight), 'T' or ' ' between date and time, a time without seconds, and a zone suffix (Z or
// an offset), in which case the instant is converted to wall time in `zone`. False when `s` is
// not such a timestamp.
bool NormalizeTimestamp(std::string_view s, const date::time_zone* zone, std::string& out) {
  if (s.size() < 10 || !IsDate(s.substr(0, 10))) return false;
  const std::string_view day = s.substr(0, 10);
  if (s.size() == 10) {
    out.assign(day).append(" 00:00:00");
    return true;
  }
  if ((s[10] != ' ' && s[10] != 'T') || s.size() < 16 || !IsHourMinute(s.substr(11, 5))) {
    return false;
  }
  std::size_t i = 16;
  std::string_view seconds = "00";
  std::string_view fraction;
  if (i < s.size() && s[i] == ':') {
    if (s.size() < 19 || !AllDigits(s.substr(17, 2))) return false;
    seconds = s.substr(17, 2);
    i = 19;
    if (i < s.size() && s[i] == '.') {
      std::size_t end = i + 1;
      while (end < s.size() && IsDigit(s[end])) ++end;
      if (end == i + 1) return false;
      fraction = s.substr(i, end - i);
      i = end;
    }
  }
  const std::string_view hour_minute = s.substr(11, 5);
  if (i == s.size()) {
    out.assign(day).append(" ").append(hour_minute).append(":").append(seconds).append(fraction);
    return true;
  }
  std::chrono::minutes offset{0};
  if (!ParseOffset(s.substr(i), offset)) return false;
  const date::year_month_day ymd{date::year{ParseDigits(day.substr(0, 4))},
                                 date::month{static_cast<unsigned>(ParseDigits(day.substr(5, 2)))},
                                 date::day{static_cast<unsigned>(ParseDigits(day.substr(8, 2)))}};
  if (!ymd.ok()) return false;
  const date::sys_seconds instant = date::sys_days{ymd} +
                                    std::chrono::hours{ParseDigits(hour_minute.substr(0, 2))} +
                                    std::chrono::minutes{ParseDigits(hour_minute.substr(3, 2))} +
                                    std::chrono::seconds{ParseDigits(seconds)} - offset;
  out = date::format("%F %T", zone->to_local(instant));
  out.append(fraction);
  return true;
}

// Shortest round-trip form; NaN and infinities spelled as rows::Cell requires.
std::string_view FormatDouble(double value, char (&buffer)[32]) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return {buffer, static_cast<std::size_t>(end - buffer)};
}

std::string_view FormatInteger(sqlite3_int64 value, char (&buffer)[32]) {
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return {buffer, static_cast<std::size_t>(end - buffer)};
}

void AssignHex(const unsigned char* bytes, std::size_t size, std::string& out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out.resize(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool DecodeHex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.resize(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = HexValue(hex[2 * i]);
    const int low = HexValue(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<char>(high * 16 + low);
  }
  return true;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; };
           return lower(x) == lower(y);
         });
}

// ---- Column types ----

// From the declared type, by SQLite's own affinity idea (substrings, INT first) refined into
// batuta's types. Empty declarations (expressions, untyped columns) are inferred instead.
ColumnType FromDeclaredType(std::string_view declared) {
  std::string upper(declared);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  const auto has = [&](std::string_view part) { return upper.find(part) != std::string::npos; };
  if (has("INT")) return ColumnType::kInteger;
  if (has("BOOL")) return ColumnType::kBoolean;
  if (has("DATETIME") || has("TIMESTAMP")) return ColumnType::kTimestamp;
  if (has("DATE")) return ColumnType::kDate;
  if (has("TIME")) return ColumnType::kTime;
  if (has("CHAR") || has("CLOB") || has("TEXT")) return ColumnType::kText;
  if (has("BLOB") || has("BINARY")) return ColumnType::kBytes;
  if (has("REAL") || has("FLOA") || has("DOUB") || has("NUM") || has("DEC")) {
    return ColumnType::kNumber;
  }
  return ColumnType::kText;
}

ColumnType FromStorageClass(int storage) {
  switch (storage) {
    case SQLITE_INTEGER:
      return ColumnType::kInteger;
    case SQLITE_FLOAT:
      return ColumnType::kNumber;
    case SQLITE_BLOB:
      return ColumnType::kBytes;
    default:
      return ColumnType::kText;
  }
}

std::string_view StorageClassName(int storage) {
  switch (storage) {
    case SQLITE_INTEGER:
      return "integer";
    case SQLITE_FLOAT:
      return "real";
    case SQLITE_TEXT:
      return "text";
    case SQLITE_BLOB:
      return "blob";
    default:
      return "null";
  }
}

// Per result column: its type and the buffers its cells are rendered into, reused row after row.
struct ColumnState {
  ColumnType type = ColumnType::kText;
  bool declared = false;  // typed by its declaration; otherwise by the first row's value
  char number[32] = {};
  std::string buffer;
};

// Renders column `i` of the current row in the canonical form of `state.type` into `cell`.
// False when the value does not fit the column's type (README.md: "values that do not fit").
bool Render(sqlite3_stmt* stmt, int i, ColumnState& state, const date::time_zone* zone,
            Cell& cell) {
  const int storage = sqlite3_column_type(stmt, i);
  if (storage == SQLITE_NULL) {
    cell = Cell::Null();
    return true;
  }
  if (state.type == ColumnType::kBytes) {
    const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(stmt, i));
    AssignHex(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)), state.buffer);
    cell = Cell::Of(state.buffer);
    return true;
  }
  switch (storage) {
    case SQLITE_INTEGER: {
      const sqlite3_int64 value = sqlite3_column_int64(stmt, i);
      switch (state.type) {
        case ColumnType::kInteger:
        case ColumnType::kNumber:
        case ColumnType::kText:
          cell = Cell::Of(FormatInteger(value, state.number));
          return true;
        case ColumnType::kBoolean:
          cell = Cell::Of(value != 0 ? "true" : "false");
          return true;
        default:
          return false;
      }
    }
    case SQLITE_FLOAT: {
      const double value = sqlite3_column_double(stmt, i);
      switch (state.type) {
        case ColumnType::kNumber:
        case ColumnType::kText:
          cell = Cell::Of(FormatDouble(value, state.number));
          return true;
        case ColumnType::kInteger:
          // 2^63 is exactly representable; every integral double below it fits an int64.
          if (!std::isfinite(value) || value != std::trunc(value) || std::fabs(value) >= 0x1p63) {
            return false;
          }
          cell = Cell::Of(FormatInteger(static_cast<sqlite3_int64>(value), state.number));
          return true;
        case ColumnType::kBoolean:
          cell = Cell::Of(value != 0 ? "true" : "false");
          return true;
        default:
          return false;
      }
    }
    case SQLITE_TEXT: {
      const std::string_view text(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                                  static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
      switch (state.type) {
        case ColumnType::kText:
          cell = Cell::Of(text);
          return true;
        case ColumnType::kInteger:
          cell = Cell::Of(text);
          return IsCanonicalInteger(text);
        case ColumnType::kNumber:
          cell = Cell::Of(text);
          return IsCanonicalNumber(text);
        case ColumnType::kBoolean:
          if (EqualsIgnoringCase(text, "true") || text == "1") {
            cell = Cell::Of("true");
          } else if (EqualsIgnoringCase(text, "false") || text == "0") {
            cell = Cell::Of("false");
          } else {
            return false;
          }
          return true;
        case ColumnType::kDate:
          cell = Cell::Of(text);
          return IsDate(text);
        case ColumnType::kTime:
          if (IsTime(text)) {
            cell = Cell::Of(text);
          } else if (IsHourMinute(text)) {
            state.buffer.assign(text).append(":00");
            cell = Cell::Of(state.buffer);
          } else {
            return false;
          }
          return true;
        case ColumnType::kTimestamp:
          if (!NormalizeTimestamp(text, zone, state.buffer)) return false;
          cell = Cell::Of(state.buffer);
          return true;
        case ColumnType::kBytes:
          return false;  // handled above
      }
      return false;
    }
    default: {  // SQLITE_BLOB
      if (state.type != ColumnType::kText) return false;
      const char* bytes = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      cell = Cell::Of({bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))});
      return true;
    }
  }
}

// Why a value cannot be delivered, with enough of it to find the row.
Error MismatchError(sqlite3_stmt* stmt, int i, const Column& column, const ColumnState& state,
                    std::uint64_t row) {
  constexpr std::size_t kShown = 40;
  const int storage = sqlite3_column_type(stmt, i);
  std::string shown;
  if (storage == SQLITE_BLOB) {
    shown = "a blob";
  } else {
    std::string_view text(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                          static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
    shown = "'" + std::string(text.substr(0, kShown)) + (text.size() > kShown ? "...'" : "'");
  }
  std::string message = "column \"" + column.name + "\" ";
  if (state.declared) {
    message += "(declared " + column.source_type + ") ";
  } else {
    message += "(typed by its first row) ";
  }
  message += "holds " + shown + " (" + std::string(StorageClassName(storage)) + ") in row " +
             std::to_string(row) + ", which is not a valid " +
             std::string(rows::ColumnTypeName(state.type)) +
             "; convert it in the query, e.g. CAST(... AS TEXT)";
  return Error::InvalidArgument(std::move(message));
}

// Database refused the statement vs. the database (file) is not usable.
Error SqliteError(int code, const char* message) {
  if ((code & 0xff) == SQLITE_AUTH) {  // see Authorize
    return Error::InvalidArgument(
        "sqlite: ATTACH, DETACH and VACUUM INTO are not allowed (a connection is confined to "
        "its database file)");
  }
  const std::string text = "sqlite: " + std::string(message);
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return Error::Unavailable(text);
    default:
      return Error::InvalidArgument(text);
  }
}

// ATTACH (and VACUUM INTO, which attaches its target) could open or create any file the process
// can reach, escaping the path the caller confined the connection to.
int Authorize(void* /*context*/, int action, const char* /*a*/, const char* /*b*/,
              const char* /*c*/, const char* /*d*/) {
  return action == SQLITE_ATTACH || action == SQLITE_DETACH ? SQLITE_DENY : SQLITE_OK;
}

struct StatementDeleter {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

class SqliteSession final : public SqlSession {
 public:
  SqliteSession(std::string path, std::chrono::milliseconds busy_timeout)
      : path_(std::move(path)), busy_timeout_(busy_timeout) {}
  ~SqliteSession() override { sqlite3_close(db_); }
  SqliteSession(const SqliteSession&) = delete;
  SqliteSession& operator=(const SqliteSession&) = delete;

  // Opens (or reopens) the handle in the mode a query needs.
  Status UseMode(bool read_only) {
    if (db_ != nullptr && read_only_ == read_only) return Ok();
    sqlite3* db = nullptr;
    // NOMUTEX: a session is used by one thread at a time, so SQLite's own per-call locking is
    // pure cost (about a tenth of an export). Cancel's sqlite3_interrupt is documented as safe
    // from another thread, and handle_mutex_ keeps the handle alive while it runs.
    const int flags =
        (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path_.c_str(), &db, flags, nullptr);
    if (rc == SQLITE_OK) {
      // Reads the header: a file that is not a database fails here, not at the first query.
      rc = sqlite3_exec(db, "PRAGMA schema_version", nullptr, nullptr, nullptr);
    }
    if (rc != SQLITE_OK) {
      std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
      sqlite3_close(db);
      return Error::Unavailable("cannot open sqlite database " + path_ + ": " + message);
    }
    sqlite3_set_authorizer(db, Authorize, nullptr);
    sqlite3_progress_handler(db, kProgressInstructions, &SqliteSession::OnProgress, this);
    sqlite3* old = nullptr;
    {
      const std::lock_guard lock(handle_mutex_);
      old = std::exchange(db_, db);
    }
    sqlite3_close(old);
    read_only_ = read_only;
    return Ok();
  }

  Result<std::string> ServerVersion() override {
    return "SQLite " + std::string(sqlite3_libversion());
  }

  Status Query(const QueryRequest& request, rows::RowSink& sink) override;

  void Cancel() override {
    const std::lock_guard lock(handle_mutex_);
    if (!running_.load()) return;
    cancel_requested_.store(true);
    sqlite3_interrupt(db_);
  }

 private:
  // Marks a query as running for Cancel and the progress handler, for the guard's lifetime.
  class Running {
   public:
    Running(SqliteSession& session, std::chrono::milliseconds timeout) : session_(session) {
      session_.timed_out_ = false;
      session_.has_deadline_ = timeout.count() > 0;
      session_.deadline_ = SteadyClock::now() + timeout;
      session_.cancel_requested_.store(false);
      session_.running_.store(true);
    }
    ~Running() { session_.running_.store(false); }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

   private:
    SqliteSession& session_;
  };

  // sqlite3 progress callback, on the query's thread: non-zero interrupts the statement.
  static int OnProgress(void* context) {
    auto* self = static_cast<SqliteSession*>(context);
    if (self->cancel_requested_.load(std::memory_order_relaxed)) return 1;
    if (self->has_deadline_ && SteadyClock::now() >= self->deadline_) {
      self->timed_out_ = true;
      return 1;
    }
    return 0;
  }

  Status Exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqliteError(sqlite3_errcode(db_), sqlite3_errmsg(db_));
    }
    return Ok();
  }

  Result<Statement> Prepare(const std::string& sql);
  Status Bind(sqlite3_stmt* stmt, const QueryRequest& request);
  Error StepError(int rc, std::chrono::milliseconds timeout);

  const std::string path_;
  const std::chrono::milliseconds busy_timeout_;
  // Guards db_ against Cancel while UseMode swaps it; Query itself runs on one thread.
  std::mutex handle_mutex_;
  sqlite3* db_ = nullptr;
  bool read_only_ = true;  // the mode db_ was opened in
  std::atomic<bool> running_{false};
  std::atomic<bool> cancel_requested_{false};
  // Written by Running and OnProgress, both on the query's thread.
  bool has_deadline_ = false;
  bool timed_out_ = false;
  SteadyClock::time_point deadline_;
};

Result<Statement> SqliteSession::Prepare(const std::string& sql) {
  if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
    return Error::InvalidArgument("the query is too long");
  }
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  Statement stmt(raw);
  if (rc != SQLITE_OK) return SqliteError(rc, sqlite3_errmsg(db_));
  if (stmt == nullptr) return Error::InvalidArgument("sqlite: the query has no statement");
  const std::size_t rest = sql.size() - static_cast<std::size_t>(tail - sql.data());
  if (rest > 0) {
    sqlite3_stmt* extra = nullptr;
    const int extra_rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(rest), &extra, nullptr);
    sqlite3_finalize(extra);
    if (extra_rc != SQLITE_OK || extra != nullptr) {
      return Error::InvalidArgument("sqlite: the query must be a single statement");
    }
  }
  return stmt;
}

Status SqliteSession::Bind(sqlite3_stmt* stmt, const QueryRequest& request) {
  const int count = sqlite3_bind_parameter_count(stmt);
  std::string blob;
  for (int index = 1; index <= count; ++index) {
    const char* raw_name = sqlite3_bind_parameter_name(stmt, index);
    if (raw_name == nullptr) {
      return Error::Validation("query", "positional parameters (?) are not supported; use :name");
    }
    const std::string_view name = std::string_view(raw_name).substr(1);  // without ':', '@', '$'
    const auto bind = std::find_if(request.binds.begin(), request.binds.end(),
                                   [&](const BindValue& b) { return b.name == name; });
    if (bind == request.binds.end()) {
      return Error::Validation(std::string(name), "the query uses parameter :" + std::string(name) +
                                                      " but it has no value");
    }
    const std::string& text = bind->text;
    const auto invalid = [&](std::string_view what) {
      return Error::Validation(bind->name,
                               "parameter :" + bind->name + " is not " + std::string(what));
    };
    int rc = SQLITE_OK;
    if (bind->is_null) {
      rc = sqlite3_bind_null(stmt, index);
    } else if (bind->type == ColumnType::kInteger) {
      sqlite3_int64 value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) return invalid("an integer");
      rc = sqlite3_bind_int64(stmt, index, value);
    } else if (bind->type == ColumnType::kNumber) {
      double value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) return invalid("a number");
      rc = sqlite3_bind_double(stmt, index, value);
    } else if (bind->type == ColumnType::kBoolean) {
      if (text != "true" && text != "false") return invalid("true or false");
      rc = sqlite3_bind_int(stmt, index, text == "true" ? 1 : 0);
    } else if (bind->type == ColumnType::kBytes) {
      if (!DecodeHex(text, blob)) return invalid("hexadecimal bytes");
      rc = sqlite3_bind_blob64(stmt, index, blob.data(), blob.size(), SQLITE_TRANSIENT);
    } else {
      // The request outlives the statement, so its text need not be copied.
      rc = sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
    }
    if (rc != SQLITE_OK) return SqliteError(rc, sqlite3_errmsg(db_));
  }
  return Ok();
}

Error SqliteSession::StepError(int rc, std::chrono::milliseconds timeout) {
  if ((rc & 0xff) == SQLITE_INTERRUPT) {
    if (timed_out_) {
      return Error::InvalidArgument("statement timeout: the query ran longer than " +
                                    std::to_string(timeout.count()) + " ms");
    }
    return Error::Unavailable("query cancelled");
  }
  return SqliteError(rc, sqlite3_errmsg(db_));
}

Status SqliteSession::Query(const QueryRequest& request, rows::RowSink& sink) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(request.time_zone);
  } catch (const std::exception&) {
    return Error::Validation("time_zone", "unknown time zone \"" + request.time_zone + "\"");
  }
  BATUTA_RETURN_IF_ERROR(UseMode(request.read_only));
  BATUTA_RETURN_IF_ERROR(Exec(request.read_only ? "PRAGMA query_only=1" : "PRAGMA query_only=0"));
  std::chrono::milliseconds busy = busy_timeout_;
  if (request.statement_timeout.count() > 0) busy = std::min(busy, request.statement_timeout);
  sqlite3_busy_timeout(db_, static_cast<int>(busy.count()));

  Result<Statement> prepared = Prepare(request.sql);
  if (!prepared.ok()) return std::move(prepared).error();
  sqlite3_stmt* stmt = prepared->get();
  // query_only and SQLITE_OPEN_READONLY refuse writes to the database; this also refuses
  // statements that write elsewhere (VACUUM INTO) or change the connection's settings.
  if (request.read_only && sqlite3_stmt_readonly(stmt) == 0) {
    return Error::InvalidArgument(
        "sqlite: the query is read-only but the statement would write (attempt to write a "
        "readonly database)");
  }
  BATUTA_RETURN_IF_ERROR(Bind(stmt, request));

  const Running running(*this, request.statement_timeout);
  const int column_count = sqlite3_column_count(stmt);
  std::vector<Column> columns(static_cast<std::size_t>(column_count));
  std::vector<ColumnState> states(columns.size());
  std::vector<Cell> cells(columns.size());
  for (int i = 0; i < column_count; ++i) {
    Column& column = columns[static_cast<std::size_t>(i)];
    ColumnState& state = states[static_cast<std::size_t>(i)];
    const char* name = sqlite3_column_name(stmt, i);
    column.name = name != nullptr ? name : "";
    const char* declared = sqlite3_column_decltype(stmt, i);
    if (declared != nullptr && *declared != '\0') {
      column.source_type = declared;
      state.type = FromDeclaredType(declared);
      state.declared = true;
    }
  }

  int rc = sqlite3_step(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return StepError(rc, request.statement_timeout);
  for (int i = 0; i < column_count; ++i) {
    ColumnState& state = states[static_cast<std::size_t>(i)];
    if (state.declared) continue;
    const int storage = rc == SQLITE_ROW ? sqlite3_column_type(stmt, i) : SQLITE_NULL;
    state.type = FromStorageClass(storage);
    columns[static_cast<std::size_t>(i)].source_type = StorageClassName(storage);
  }
  for (std::size_t i = 0; i < columns.size(); ++i) columns[i].type = states[i].type;
  BATUTA_RETURN_IF_ERROR(sink.Begin(columns));

  std::uint64_t delivered = 0;
  while (rc == SQLITE_ROW) {
    for (int i = 0; i < column_count; ++i) {
      const auto at = static_cast<std::size_t>(i);
      if (!Render(stmt, i, states[at], zone, cells[at])) {
        return MismatchError(stmt, i, columns[at], states[at], delivered + 1);
      }
    }
    BATUTA_RETURN_IF_ERROR(sink.Row(cells));
    ++delivered;
    if (request.on_progress && request.progress_every > 0 &&
        delivered % request.progress_every == 0) {
      request.on_progress(delivered);
    }
    rc = sqlite3_step(stmt);
  }
  if (rc != SQLITE_DONE) return StepError(rc, request.statement_timeout);
  if (cancel_requested_.load()) return Error::Unavailable("query cancelled");
  if (request.on_progress) request.on_progress(delivered);
  return Ok();
}

}  // namespace

Result<std::unique_ptr<SqlSession>> OpenSqliteSession(const SqlEndpoint& endpoint,
                                                      std::chrono::milliseconds connect_timeout) {
  if (endpoint.sqlite_path.empty()) {
    return Error::Validation("sqlite_path", "the sqlite database path is empty");
  }
  auto session = std::make_unique<SqliteSession>(
      endpoint.sqlite_path, connect_timeout.count() > 0 ? connect_timeout : kDefaultBusyTimeout);
  BATUTA_RETURN_IF_ERROR(session->UseMode(true));
  return std::unique_ptr<SqlSession>(std::move(session));
}

}  // namespace batuta::sources
