#include "sources/mysql_session.h"

#include <date/tz.h>
#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sources/named_parameters.h"

namespace batuta::sources {
namespace {

using rows::Cell;
using rows::Column;
using rows::ColumnType;

constexpr std::chrono::milliseconds kDefaultConnectTimeout{10000};
// Cancel opens a second connection to send KILL QUERY; it gives up after this long.
constexpr std::chrono::milliseconds kKillConnectTimeout{5000};
constexpr unsigned long kInitialStringBuffer = 1024;
constexpr unsigned int kBinaryCharset = 63;
// MySQL's ER_QUERY_TIMEOUT (max_execution_time exceeded); libmariadb's headers lack it.
constexpr unsigned int kMysqlQueryTimeout = 3024;
// How long the server waits for us to read rows before it drops the connection
// (net_write_timeout, default 60 s): a slow RowSink must not cost the export.
constexpr const char* kSessionSetup = "SET SESSION net_write_timeout = 600";

void InitLibrary() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

struct MysqlCloser {
  void operator()(MYSQL* mysql) const { mysql_close(mysql); }
};
using Connection = std::unique_ptr<MYSQL, MysqlCloser>;

struct StatementCloser {
  void operator()(MYSQL_STMT* stmt) const { mysql_stmt_close(stmt); }
};
using Statement = std::unique_ptr<MYSQL_STMT, StatementCloser>;

struct ResultFreer {
  void operator()(MYSQL_RES* result) const { mysql_free_result(result); }
};
using ResultSet = std::unique_ptr<MYSQL_RES, ResultFreer>;

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

bool IsClientError(unsigned int code) {
  return (code >= CR_MIN_ERROR && code <= CR_MAX_ERROR) || (code >= 5000 && code < 6000);
}

// Everything the server or the driver reports. Connection problems are kUnavailable (and leave
// the session to reconnect); the server refusing the statement is kInvalidArgument.
Error MysqlError(unsigned int code, const char* sqlstate, const char* message) {
  if (code == 0) return Error::Unavailable("mysql: the connection failed without an error");
  std::string text = "mysql: " + std::string(message) + " (error " + std::to_string(code);
  if (sqlstate != nullptr && *sqlstate != '\0' && std::string_view(sqlstate) != "00000") {
    text += ", SQLSTATE " + std::string(sqlstate);
  }
  text += ")";
  if (IsClientError(code) || code == ER_SERVER_SHUTDOWN || code == ER_CONNECTION_KILLED ||
      code == ER_QUERY_INTERRUPTED) {
    return Error::Unavailable(std::move(text));
  }
  if (code == ER_STATEMENT_TIMEOUT || code == kMysqlQueryTimeout) {
    return Error::InvalidArgument("statement timeout: " + text);
  }
  return Error::InvalidArgument(std::move(text));
}

Status ApplySslMode(MYSQL* mysql, const std::map<std::string, std::string>& options) {
  const auto it = options.find("ssl_mode");
  if (it == options.end()) return Ok();
  const std::string mode = Lower(it->second);
  const my_bool yes = 1;
  // Connector/C has no opportunistic TLS: "preferred" connects like "disabled".
  if (mode == "disabled" || mode == "preferred") return Ok();
  if (mode == "required" || mode == "verify_ca" || mode == "verify_identity") {
    mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &yes);
    // Connector/C verifies the chain and the host name together.
    if (mode != "required") mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
    return Ok();
  }
  return Error::Validation("ssl_mode", "unknown ssl_mode \"" + it->second +
                                           "\" (disabled, preferred, required, verify_ca, "
                                           "verify_identity)");
}

Result<Connection> Connect(const SqlEndpoint& endpoint, std::chrono::milliseconds timeout) {
  InitLibrary();
  Connection mysql(mysql_init(nullptr));
  if (!mysql) return Error::Internal("mysql_init failed");
  const auto milliseconds = (timeout.count() > 0 ? timeout : kDefaultConnectTimeout).count();
  const auto seconds =
      static_cast<unsigned int>(std::max<long long>(1, (milliseconds + 999) / 1000));
  const unsigned int no_local_infile = 0;
  mysql_optionsv(mysql.get(), MYSQL_OPT_CONNECT_TIMEOUT, &seconds);
  mysql_optionsv(mysql.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_optionsv(mysql.get(), MYSQL_OPT_LOCAL_INFILE, &no_local_infile);
  BATUTA_RETURN_IF_ERROR(ApplySslMode(mysql.get(), endpoint.options));
  const auto optional = [](const std::string& text) {
    return text.empty() ? nullptr : text.c_str();
  };
  if (mysql_real_connect(mysql.get(), optional(endpoint.host), endpoint.user.c_str(),
                         endpoint.password.c_str(), optional(endpoint.database),
                         static_cast<unsigned int>(endpoint.port), optional(endpoint.socket),
                         0) == nullptr) {
    return Error::Unavailable("cannot connect to mysql: " + std::string(mysql_error(mysql.get())) +
                              " (error " + std::to_string(mysql_errno(mysql.get())) + ")");
  }
  if (mysql_query(mysql.get(), kSessionSetup) != 0) {
    return Error::Unavailable("cannot set up the mysql session: " +
                              std::string(mysql_error(mysql.get())));
  }
  return mysql;
}

// ---- Column types and canonical forms ----

// How a column's values become canonical text.
enum class Render {
  kAsIs,        // the server's text (decimals, strings, integers in the text protocol)
  kInteger,     // binary protocol: a 64-bit integer, signed or not
  kBoolean,     // TINYINT(1): 0 is false, anything else true
  kBitBoolean,  // BIT(1)
  kBitInteger,  // BIT(n): big-endian bytes as an unsigned integer
  kFloat,       // shortest round trip of the float
  kDouble,      // shortest round trip of the double
  kHex,         // binary strings
  kDate,        // zero dates ('0000-00-00') are null
  kTimestamp,   // likewise
  kTime,
};

struct ColumnPlan {
  ColumnType type = ColumnType::kText;
  Render render = Render::kAsIs;
  std::string source_type;
};

std::string SourceTypeName(const MYSQL_FIELD& field) {
  const bool binary = field.charsetnr == kBinaryCharset;
  std::string name;
  switch (field.type) {
    case MYSQL_TYPE_TINY:
      name = "TINYINT";
      break;
    case MYSQL_TYPE_SHORT:
      name = "SMALLINT";
      break;
    case MYSQL_TYPE_INT24:
      name = "MEDIUMINT";
      break;
    case MYSQL_TYPE_LONG:
      name = "INT";
      break;
    case MYSQL_TYPE_LONGLONG:
      name = "BIGINT";
      break;
    case MYSQL_TYPE_YEAR:
      return "YEAR";
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
      return "DECIMAL";
    case MYSQL_TYPE_FLOAT:
      return "FLOAT";
    case MYSQL_TYPE_DOUBLE:
      return "DOUBLE";
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
      return "DATE";
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_TIME2:
      return "TIME";
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_DATETIME2:
      return "DATETIME";
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIMESTAMP2:
      return "TIMESTAMP";
    case MYSQL_TYPE_BIT:
      return "BIT";
    case MYSQL_TYPE_GEOMETRY:
      return "GEOMETRY";
    case MYSQL_TYPE_JSON:
      return "JSON";
    case MYSQL_TYPE_NULL:
      return "NULL";
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
      return binary ? "BLOB" : "TEXT";
    case MYSQL_TYPE_STRING:
      if ((field.flags & ENUM_FLAG) != 0) return "ENUM";
      if ((field.flags & SET_FLAG) != 0) return "SET";
      return binary ? "BINARY" : "CHAR";
    default:
      return binary ? "VARBINARY" : "VARCHAR";
  }
  if ((field.flags & UNSIGNED_FLAG) != 0) name += " UNSIGNED";
  return name;
}

ColumnPlan PlanFor(const MYSQL_FIELD& field) {
  ColumnPlan plan;
  plan.source_type = SourceTypeName(field);
  const auto set = [&](ColumnType type, Render render) {
    plan.type = type;
    plan.render = render;
  };
  switch (field.type) {
    case MYSQL_TYPE_TINY:
      // BOOL and BOOLEAN are TINYINT(1): the only way MySQL declares a boolean.
      if (field.length == 1) {
        set(ColumnType::kBoolean, Render::kBoolean);
        break;
      }
      [[fallthrough]];
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
      set(ColumnType::kInteger, Render::kInteger);
      break;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
      set(ColumnType::kNumber, Render::kAsIs);
      break;
    case MYSQL_TYPE_FLOAT:
      set(ColumnType::kNumber, Render::kFloat);
      break;
    case MYSQL_TYPE_DOUBLE:
      set(ColumnType::kNumber, Render::kDouble);
      break;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
      set(ColumnType::kDate, Render::kDate);
      break;
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_TIME2:
      set(ColumnType::kTime, Render::kTime);
      break;
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_DATETIME2:
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIMESTAMP2:
      set(ColumnType::kTimestamp, Render::kTimestamp);
      break;
    case MYSQL_TYPE_BIT:
      if (field.length == 1) {
        set(ColumnType::kBoolean, Render::kBitBoolean);
      } else {
        set(ColumnType::kInteger, Render::kBitInteger);
      }
      break;
    case MYSQL_TYPE_GEOMETRY:
      set(ColumnType::kBytes, Render::kHex);
      break;
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_VARCHAR:
      if (field.charsetnr == kBinaryCharset) {
        set(ColumnType::kBytes, Render::kHex);
      } else {
        set(ColumnType::kText, Render::kAsIs);
      }
      break;
    default:  // JSON, NULL, ENUM, SET
      set(ColumnType::kText, Render::kAsIs);
      break;
  }
  return plan;
}

std::string_view FormatDouble(double value, char (&buffer)[40]) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return {buffer, static_cast<std::size_t>(end - buffer)};
}

std::string_view FormatFloat(float value, char (&buffer)[40]) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return {buffer, static_cast<std::size_t>(end - buffer)};
}

template <typename Integer>
std::string_view FormatInteger(Integer value, char (&buffer)[40]) {
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return {buffer, static_cast<std::size_t>(end - buffer)};
}

void AssignHex(std::string_view bytes, std::string& out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out.resize(bytes.size() * 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[byte >> 4];
    out[2 * i + 1] = kDigits[byte & 0x0f];
  }
}

bool DecodeHex(std::string_view hex, std::string& out) {
  const auto value = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return false;
  out.resize(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = value(hex[2 * i]);
    const int low = value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<char>(high * 16 + low);
  }
  return true;
}

std::uint64_t BigEndian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (const char byte : bytes) value = (value << 8) | static_cast<unsigned char>(byte);
  return value;
}

bool IsZeroDate(std::string_view text) { return text.substr(0, 10) == "0000-00-00"; }

// Per result column: its plan and, for the binary protocol, the buffers libmariadb fetches into.
// Reused row after row; never moved once bound (the vector holding them is sized once).
struct ColumnState {
  ColumnPlan plan;
  unsigned int decimals = 0;  // fractional second digits of temporal columns
  bool is_unsigned = false;
  std::string buffer;  // binary protocol: string values
  unsigned long length = 0;
  my_bool is_null = 0;
  my_bool truncated = 0;
  long long integer = 0;
  double real = 0;
  float single = 0;
  MYSQL_TIME time{};
  char number[40] = {};  // numbers and temporal values rendered by us (at most 32 bytes)
  std::string out;       // hex
};

// Text protocol: the server's text for one value.
Cell RenderText(ColumnState& state, std::string_view text) {
  switch (state.plan.render) {
    case Render::kBoolean:
      return Cell::Of(text == "0" ? "false" : "true");
    case Render::kBitBoolean:
      return Cell::Of(BigEndian(text) != 0 ? "true" : "false");
    case Render::kBitInteger:
      return Cell::Of(FormatInteger(BigEndian(text), state.number));
    case Render::kDouble: {
      double value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      return ec == std::errc() ? Cell::Of(FormatDouble(value, state.number)) : Cell::Of(text);
    }
    case Render::kFloat: {
      float value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      return ec == std::errc() ? Cell::Of(FormatFloat(value, state.number)) : Cell::Of(text);
    }
    case Render::kHex:
      AssignHex(text, state.out);
      return Cell::Of(state.out);
    case Render::kDate:
    case Render::kTimestamp:
      return IsZeroDate(text) ? Cell::Null() : Cell::Of(text);
    default:
      return Cell::Of(text);
  }
}

// Writes `value` as exactly `digits` decimal digits (the low ones).
char* PutDigits(char* at, unsigned long value, int digits) {
  for (int i = digits - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return at + digits;
}

// ".ffffff" cut to the column's fractional digits, as the server prints them; for a column
// without a fixed number (decimals > 6), as many as the value needs.
char* PutFraction(char* at, unsigned long microseconds, unsigned int decimals) {
  if (decimals == 0) return at;
  char digits[6];
  PutDigits(digits, microseconds % 1000000, 6);
  int used = 6;
  if (decimals <= 6) {
    used = static_cast<int>(decimals);
  } else {
    while (used > 0 && digits[used - 1] == '0') --used;
    if (used == 0) return at;
  }
  *at++ = '.';
  std::copy(digits, digits + used, at);
  return at + used;
}

Cell RenderTime(ColumnState& state) {
  const MYSQL_TIME& t = state.time;
  char* const begin = state.number;
  char* at = begin;
  if (state.plan.render == Render::kTime) {
    if (t.neg != 0) *at++ = '-';
    const unsigned long hours = t.hour + t.day * 24UL;
    at = hours < 100 ? PutDigits(at, hours, 2) : std::to_chars(at, at + 12, hours).ptr;
    *at++ = ':';
    at = PutDigits(at, t.minute, 2);
    *at++ = ':';
    at = PutDigits(at, t.second, 2);
    at = PutFraction(at, t.second_part, state.decimals);
    return Cell::Of({begin, static_cast<std::size_t>(at - begin)});
  }
  if (t.year == 0 && t.month == 0 && t.day == 0) return Cell::Null();
  at = PutDigits(at, t.year, 4);
  *at++ = '-';
  at = PutDigits(at, t.month, 2);
  *at++ = '-';
  at = PutDigits(at, t.day, 2);
  if (state.plan.render == Render::kTimestamp) {
    *at++ = ' ';
    at = PutDigits(at, t.hour, 2);
    *at++ = ':';
    at = PutDigits(at, t.minute, 2);
    *at++ = ':';
    at = PutDigits(at, t.second, 2);
    at = PutFraction(at, t.second_part, state.decimals);
  }
  return Cell::Of({begin, static_cast<std::size_t>(at - begin)});
}

// Binary protocol: the value libmariadb fetched into the state's buffers.
Cell RenderBinary(ColumnState& state) {
  if (state.is_null != 0) return Cell::Null();
  switch (state.plan.render) {
    case Render::kInteger:
      return state.is_unsigned ? Cell::Of(FormatInteger(
                                     static_cast<unsigned long long>(state.integer), state.number))
                               : Cell::Of(FormatInteger(state.integer, state.number));
    case Render::kBoolean:
      return Cell::Of(state.integer != 0 ? "true" : "false");
    case Render::kDouble:
      return Cell::Of(FormatDouble(state.real, state.number));
    case Render::kFloat:
      return Cell::Of(FormatFloat(state.single, state.number));
    case Render::kDate:
    case Render::kTimestamp:
    case Render::kTime:
      return RenderTime(state);
    default:
      return RenderText(state, std::string_view(state.buffer.data(), state.length));
  }
}

// Points `bind` at the state's buffer for its render.
void BindResult(const MYSQL_FIELD& field, ColumnState& state, MYSQL_BIND& bind) {
  bind = MYSQL_BIND{};
  bind.is_null = &state.is_null;
  bind.length = &state.length;
  bind.error = &state.truncated;
  switch (state.plan.render) {
    case Render::kInteger:
    case Render::kBoolean:
      bind.buffer_type = MYSQL_TYPE_LONGLONG;
      bind.buffer = &state.integer;
      bind.is_unsigned = state.is_unsigned ? 1 : 0;
      return;
    case Render::kDouble:
      bind.buffer_type = MYSQL_TYPE_DOUBLE;
      bind.buffer = &state.real;
      return;
    case Render::kFloat:
      bind.buffer_type = MYSQL_TYPE_FLOAT;
      bind.buffer = &state.single;
      return;
    case Render::kDate:
    case Render::kTimestamp:
    case Render::kTime:
      bind.buffer_type = field.type;
      bind.buffer = &state.time;
      bind.buffer_length = sizeof state.time;
      return;
    default:
      if (state.buffer.empty()) {
        state.buffer.resize(std::clamp<unsigned long>(field.length, 16, kInitialStringBuffer));
      }
      bind.buffer_type = state.plan.render == Render::kAsIs ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
      bind.buffer = state.buffer.data();
      bind.buffer_length = state.buffer.size();
      return;
  }
}

// A bound parameter value, converted once from its BindValue.
struct Param {
  enum_field_types type = MYSQL_TYPE_NULL;
  long long integer = 0;
  bool is_unsigned = false;
  double real = 0;
  signed char boolean = 0;
  std::string bytes;  // decoded bytes, or a decimal's text
  const std::string* text = nullptr;
};

bool IsPlainDecimal(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  const std::size_t dot = text.find('.');
  const auto digits = [](std::string_view part) {
    return !part.empty() &&
           std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (dot == std::string_view::npos) return digits(text);
  return digits(text.substr(0, dot)) && digits(text.substr(dot + 1));
}

Result<Param> ConvertBind(const BindValue& bind) {
  Param param;
  const std::string& text = bind.text;
  const auto invalid = [&](std::string_view what) {
    return Error::Validation(bind.name, "parameter :" + bind.name + " is not " + std::string(what));
  };
  if (bind.is_null) return param;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  switch (bind.type) {
    case ColumnType::kInteger: {
      param.type = MYSQL_TYPE_LONGLONG;
      const auto parsed = std::from_chars(begin, end, param.integer);
      if (parsed.ec != std::errc() || parsed.ptr != end) {
        unsigned long long value = 0;
        const auto positive = std::from_chars(begin, end, value);
        if (positive.ec != std::errc() || positive.ptr != end) return invalid("an integer");
        param.integer = static_cast<long long>(value);
        param.is_unsigned = true;
      }
      return param;
    }
    case ColumnType::kNumber: {
      // Exact decimals stay exact (DECIMAL comparison); exponents and NaN/Infinity are doubles.
      if (IsPlainDecimal(text)) {
        param.type = MYSQL_TYPE_NEWDECIMAL;
        param.bytes = text;
        return param;
      }
      param.type = MYSQL_TYPE_DOUBLE;
      const auto [at, ec] = std::from_chars(begin, end, param.real);
      if (ec != std::errc() || at != end) return invalid("a number");
      return param;
    }
    case ColumnType::kBoolean:
      if (text != "true" && text != "false") return invalid("true or false");
      param.type = MYSQL_TYPE_TINY;
      param.boolean = text == "true" ? 1 : 0;
      return param;
    case ColumnType::kBytes:
      if (!DecodeHex(text, param.bytes)) return invalid("hexadecimal bytes");
      param.type = MYSQL_TYPE_BLOB;
      return param;
    default:
      param.type = MYSQL_TYPE_STRING;
      param.text = &text;
      return param;
  }
}

MYSQL_BIND BindParam(Param& param) {
  MYSQL_BIND bind{};
  bind.buffer_type = param.type;
  switch (param.type) {
    case MYSQL_TYPE_LONGLONG:
      bind.buffer = &param.integer;
      bind.is_unsigned = param.is_unsigned ? 1 : 0;
      break;
    case MYSQL_TYPE_DOUBLE:
      bind.buffer = &param.real;
      break;
    case MYSQL_TYPE_TINY:
      bind.buffer = &param.boolean;
      break;
    case MYSQL_TYPE_NEWDECIMAL:
    case MYSQL_TYPE_BLOB:
      bind.buffer = param.bytes.data();
      bind.buffer_length = param.bytes.size();
      break;
    case MYSQL_TYPE_STRING:
      bind.buffer = const_cast<char*>(param.text->data());
      bind.buffer_length = param.text->size();
      break;
    default:
      break;
  }
  return bind;
}

// "+hh:mm": the zone's UTC offset now, for servers without time zone tables.
std::string CurrentOffset(const date::time_zone& zone) {
  const auto offset = zone.get_info(std::chrono::system_clock::now()).offset;
  const long long total = std::chrono::duration_cast<std::chrono::minutes>(offset).count();
  const long long magnitude = total < 0 ? -total : total;
  char text[48];
  std::snprintf(text, sizeof text, "%c%02lld:%02lld", total < 0 ? '-' : '+', magnitude / 60,
                magnitude % 60);
  return text;
}

bool IsZoneName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
           c == '_' || c == '+' || c == '-';
  });
}

class MysqlSession final : public SqlSession {
 public:
  MysqlSession(SqlEndpoint endpoint, std::chrono::milliseconds connect_timeout,
               Connection connection)
      : endpoint_(std::move(endpoint)),
        connect_timeout_(connect_timeout),
        mysql_(std::move(connection)) {
    Connected();
  }

  Result<std::string> ServerVersion() override {
    if (broken_) BATUTA_RETURN_IF_ERROR(Reconnect());
    std::string_view info = mysql_get_server_info(mysql_.get());
    if (info.substr(0, 6) == "5.5.5-") info.remove_prefix(6);  // MariaDB's replication prefix
    const std::string_view version = info.substr(0, info.find('-'));
    return std::string(mariadb_ ? "MariaDB " : "MySQL ") + std::string(version);
  }

  Status Query(const QueryRequest& request, rows::RowSink& sink) override;

  void Cancel() override {
    const std::lock_guard lock(cancel_mutex_);
    if (!running_.load()) return;
    cancel_requested_.store(true);
    // Best effort: when the second connection fails, the statement runs to its end.
    (void)KillQuery(thread_id_);
  }

 private:
  // Marks a query as running for Cancel. Ends under the cancel mutex, so a KILL QUERY sent for
  // this query has reached the server before the next query can start.
  class Running {
   public:
    explicit Running(MysqlSession& session) : session_(session) {
      session_.cancel_requested_.store(false);
      session_.running_.store(true);
    }
    ~Running() {
      const std::lock_guard lock(session_.cancel_mutex_);
      session_.running_.store(false);
    }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

   private:
    MysqlSession& session_;
  };

  void Connected() {
    const std::string_view info = mysql_get_server_info(mysql_.get());
    mariadb_ = info.find("MariaDB") != std::string_view::npos;
    session_time_zone_.clear();
    unknown_zone_name_.clear();
    session_timeout_.reset();
    broken_ = false;
    const std::lock_guard lock(cancel_mutex_);
    thread_id_ = mysql_thread_id(mysql_.get());
  }

  Status Reconnect() {
    Result<Connection> connection = Connect(endpoint_, connect_timeout_);
    if (!connection.ok()) return std::move(connection).error();
    mysql_ = std::move(connection).value();
    Connected();
    return Ok();
  }

  // The last error on the connection; a client-side one means the connection is gone.
  Error LastError() {
    const unsigned int code = mysql_errno(mysql_.get());
    if (IsClientError(code)) broken_ = true;
    return MysqlError(code, mysql_sqlstate(mysql_.get()), mysql_error(mysql_.get()));
  }
  // libmariadb reports some errors met while fetching rows on the connection, not the statement.
  Error StatementError(MYSQL_STMT* stmt) {
    const unsigned int code = mysql_stmt_errno(stmt);
    if (code == 0) return LastError();
    if (IsClientError(code)) broken_ = true;
    return MysqlError(code, mysql_stmt_sqlstate(stmt), mysql_stmt_error(stmt));
  }

  Status Exec(const std::string& sql) {
    if (mysql_real_query(mysql_.get(), sql.data(), sql.size()) != 0) return LastError();
    mysql_free_result(mysql_store_result(mysql_.get()));
    return Ok();
  }

  // KILL QUERY from a second, short-lived connection: the only way to stop a statement whose
  // connection is blocked reading its result.
  Status KillQuery(unsigned long thread_id) const {
    Result<Connection> killer = Connect(endpoint_, kKillConnectTimeout);
    if (!killer.ok()) return std::move(killer).error();
    const std::string sql = "KILL QUERY " + std::to_string(thread_id);
    if (mysql_real_query(killer->get(), sql.data(), sql.size()) != 0) {
      return Error::Unavailable(mysql_error(killer->get()));
    }
    return Ok();
  }

  Status SetUpSession(const QueryRequest& request, const date::time_zone& zone);
  Status RunText(const std::string& sql, const QueryRequest& request, rows::RowSink& sink,
                 bool& sink_failed);
  // `unsupported`: the server cannot prepare this kind of statement (nothing was run).
  Status RunPrepared(const RewrittenSql& rewritten, std::vector<MYSQL_BIND>& params,
                     const QueryRequest& request, rows::RowSink& sink, bool& sink_failed,
                     bool& unsupported);
  void Progress(const QueryRequest& request) {
    ++delivered_;
    if (request.on_progress && request.progress_every > 0 &&
        delivered_ % request.progress_every == 0) {
      request.on_progress(delivered_);
    }
  }

  const SqlEndpoint endpoint_;  // kept for KILL QUERY and reconnecting; holds the password
  const std::chrono::milliseconds connect_timeout_;
  Connection mysql_;
  bool mariadb_ = true;
  bool broken_ = false;  // the connection was lost: reconnect before the next statement
  // Session settings already in effect, to skip repeating them.
  std::string session_time_zone_;
  std::string unknown_zone_name_;  // a name the server's time zone tables lack
  std::optional<std::chrono::milliseconds> session_timeout_;
  std::uint64_t delivered_ = 0;

  std::mutex cancel_mutex_;
  unsigned long thread_id_ = 0;  // guarded by cancel_mutex_ (written only on the query thread)
  std::atomic<bool> running_{false};
  std::atomic<bool> cancel_requested_{false};
};

Status MysqlSession::SetUpSession(const QueryRequest& request, const date::time_zone& zone) {
  const std::string& name = request.time_zone;
  if (name != unknown_zone_name_) {
    if (name == session_time_zone_) return Ok();
    // `name` is a tz database name (checked by the caller): nothing to escape.
    const std::string set = "SET time_zone = '" + name + "'";
    if (mysql_real_query(mysql_.get(), set.data(), set.size()) == 0) {
      session_time_zone_ = name;
    } else if (mysql_errno(mysql_.get()) == ER_UNKNOWN_TIME_ZONE) {
      unknown_zone_name_ = name;
    } else {
      return LastError();
    }
  }
  if (name == unknown_zone_name_) {
    const std::string offset = CurrentOffset(zone);
    if (offset != session_time_zone_) {
      BATUTA_RETURN_IF_ERROR(Exec("SET time_zone = '" + offset + "'"));
      session_time_zone_ = offset;
    }
  }
  if (session_timeout_ != request.statement_timeout) {
    const long long ms = request.statement_timeout.count();
    char sql[96];
    if (mariadb_) {
      std::snprintf(sql, sizeof sql, "SET SESSION max_statement_time = %lld.%03lld", ms / 1000,
                    ms % 1000);
    } else {
      std::snprintf(sql, sizeof sql, "SET SESSION max_execution_time = %lld", ms);
    }
    BATUTA_RETURN_IF_ERROR(Exec(sql));
    session_timeout_ = request.statement_timeout;
  }
  return Ok();
}

Status MysqlSession::RunText(const std::string& sql, const QueryRequest& request,
                             rows::RowSink& sink, bool& sink_failed) {
  if (mysql_real_query(mysql_.get(), sql.data(), sql.size()) != 0) return LastError();
  ResultSet result(mysql_use_result(mysql_.get()));
  if (!result) {
    if (mysql_field_count(mysql_.get()) != 0) return LastError();
    sink_failed = true;
    BATUTA_RETURN_IF_ERROR(sink.Begin({}));  // a statement without a result set
    sink_failed = false;
    return Ok();
  }
  const unsigned int count = mysql_num_fields(result.get());
  const MYSQL_FIELD* fields = mysql_fetch_fields(result.get());
  std::vector<Column> columns(count);
  std::vector<ColumnState> states(count);
  std::vector<Cell> cells(count);
  for (unsigned int i = 0; i < count; ++i) {
    states[i].plan = PlanFor(fields[i]);
    columns[i] = {fields[i].name, states[i].plan.type, states[i].plan.source_type};
  }
  // Rows not read yet would be drained by mysql_free_result: stop the statement first.
  const auto abandon = [&](Status status) {
    sink_failed = true;
    (void)KillQuery(thread_id_);
    result.reset();
    return status;
  };
  Status begun = sink.Begin(columns);
  if (!begun.ok()) return abandon(std::move(begun));
  while (const MYSQL_ROW row = mysql_fetch_row(result.get())) {
    const unsigned long* lengths = mysql_fetch_lengths(result.get());
    for (unsigned int i = 0; i < count; ++i) {
      cells[i] = row[i] == nullptr ? Cell::Null()
                                   : RenderText(states[i], std::string_view(row[i], lengths[i]));
    }
    Status delivered = sink.Row(cells);
    if (!delivered.ok()) return abandon(std::move(delivered));
    Progress(request);
  }
  if (mysql_errno(mysql_.get()) != 0) return LastError();
  return Ok();
}

Status MysqlSession::RunPrepared(const RewrittenSql& rewritten, std::vector<MYSQL_BIND>& params,
                                 const QueryRequest& request, rows::RowSink& sink,
                                 bool& sink_failed, bool& unsupported) {
  Statement stmt(mysql_stmt_init(mysql_.get()));
  if (!stmt) return LastError();
  if (mysql_stmt_prepare(stmt.get(), rewritten.sql.data(), rewritten.sql.size()) != 0) {
    unsupported = mysql_stmt_errno(stmt.get()) == ER_UNSUPPORTED_PS;
    return StatementError(stmt.get());
  }
  if (mysql_stmt_param_count(stmt.get()) != params.size()) {
    return Error::Validation("query",
                             "the query has '?' placeholders; name every parameter "
                             "(:name)");
  }
  if (mysql_stmt_bind_param(stmt.get(), params.data()) != 0 ||
      mysql_stmt_execute(stmt.get()) != 0) {
    return StatementError(stmt.get());
  }
  ResultSet metadata(mysql_stmt_result_metadata(stmt.get()));
  if (!metadata) {
    if (mysql_stmt_field_count(stmt.get()) != 0) return StatementError(stmt.get());
    sink_failed = true;
    BATUTA_RETURN_IF_ERROR(sink.Begin({}));
    sink_failed = false;
    return Ok();
  }
  const unsigned int count = mysql_num_fields(metadata.get());
  const MYSQL_FIELD* fields = mysql_fetch_fields(metadata.get());
  std::vector<Column> columns(count);
  std::vector<ColumnState> states(count);
  std::vector<MYSQL_BIND> binds(count);
  std::vector<Cell> cells(count);
  for (unsigned int i = 0; i < count; ++i) {
    ColumnState& state = states[i];
    state.plan = PlanFor(fields[i]);
    state.decimals = fields[i].decimals;
    state.is_unsigned = (fields[i].flags & UNSIGNED_FLAG) != 0;
    columns[i] = {fields[i].name, state.plan.type, state.plan.source_type};
    BindResult(fields[i], state, binds[i]);
  }
  if (mysql_stmt_bind_result(stmt.get(), binds.data()) != 0) return StatementError(stmt.get());
  const auto abandon = [&](Status status) {
    sink_failed = true;
    (void)KillQuery(thread_id_);
    stmt.reset();
    return status;
  };
  Status begun = sink.Begin(columns);
  if (!begun.ok()) return abandon(std::move(begun));
  while (true) {
    const int rc = mysql_stmt_fetch(stmt.get());
    if (rc == MYSQL_NO_DATA) break;
    if (rc == 1) return StatementError(stmt.get());
    if (rc == MYSQL_DATA_TRUNCATED) {
      // A string longer than its buffer: grow the buffer, fetch the rest, rebind.
      bool rebind = false;
      for (unsigned int i = 0; i < count; ++i) {
        ColumnState& state = states[i];
        if (state.truncated == 0 || state.is_null != 0 || state.length <= state.buffer.size()) {
          continue;
        }
        const unsigned long have = binds[i].buffer_length;
        state.buffer.resize(state.length);
        MYSQL_BIND rest{};
        unsigned long rest_length = 0;
        rest.buffer_type = binds[i].buffer_type;
        rest.buffer = state.buffer.data() + have;
        rest.buffer_length = state.length - have;
        rest.length = &rest_length;
        if (mysql_stmt_fetch_column(stmt.get(), &rest, i, have) != 0) {
          return StatementError(stmt.get());
        }
        binds[i].buffer = state.buffer.data();
        binds[i].buffer_length = state.buffer.size();
        rebind = true;
      }
      if (rebind && mysql_stmt_bind_result(stmt.get(), binds.data()) != 0) {
        return StatementError(stmt.get());
      }
    }
    for (unsigned int i = 0; i < count; ++i) cells[i] = RenderBinary(states[i]);
    Status delivered = sink.Row(cells);
    if (!delivered.ok()) return abandon(std::move(delivered));
    Progress(request);
  }
  return Ok();
}

Status MysqlSession::Query(const QueryRequest& request, rows::RowSink& sink) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(request.time_zone);
  } catch (const std::exception&) {
  }
  if (zone == nullptr || !IsZoneName(request.time_zone)) {
    return Error::Validation("time_zone", "unknown time zone \"" + request.time_zone + "\"");
  }
  Result<RewrittenSql> rewritten =
      RewriteNamedParameters(request.sql, PlaceholderStyle::kQuestionMark);
  if (!rewritten.ok()) return std::move(rewritten).error();

  // Each distinct bind converted once; one MYSQL_BIND per placeholder occurrence.
  std::vector<std::optional<Param>> converted(request.binds.size());
  std::vector<MYSQL_BIND> params;
  params.reserve(rewritten->parameters.size());
  for (const std::string& name : rewritten->parameters) {
    const auto bind = std::find_if(request.binds.begin(), request.binds.end(),
                                   [&](const BindValue& b) { return b.name == name; });
    if (bind == request.binds.end()) {
      return Error::Validation(name, "the query uses parameter :" + name + " but it has no value");
    }
    std::optional<Param>& param = converted[static_cast<std::size_t>(bind - request.binds.begin())];
    if (!param) {
      Result<Param> value = ConvertBind(*bind);
      if (!value.ok()) return std::move(value).error();
      param = std::move(value).value();
    }
    params.push_back(BindParam(*param));
  }

  // A connection the server closed while idle (wait_timeout, a restart) is replaced before
  // anything of the query runs.
  if (broken_ || mysql_ping(mysql_.get()) != 0) BATUTA_RETURN_IF_ERROR(Reconnect());
  const Running running(*this);
  delivered_ = 0;
  bool sink_failed = false;
  Status status = SetUpSession(request, *zone);
  bool in_transaction = false;
  if (status.ok() && request.read_only) {
    status = Exec("START TRANSACTION READ ONLY");
    in_transaction = status.ok();
  }
  if (status.ok()) {
    // Prepared statements stream faster than the text protocol (README.md), so they are used
    // with or without parameters; the text protocol runs what the server cannot prepare.
    bool unsupported = false;
    status = RunPrepared(*rewritten, params, request, sink, sink_failed, unsupported);
    if (unsupported && params.empty()) {
      status = RunText(rewritten->sql, request, sink, sink_failed);
    }
  }
  if (in_transaction && !broken_) {
    Status rolled_back = Exec("ROLLBACK");
    if (status.ok() && !rolled_back.ok()) status = std::move(rolled_back);
  }
  if (sink_failed) return status;
  // A killed SLEEP() ends without an error on MySQL; a cancelled query never reports success.
  if (cancel_requested_.load()) return Error::Unavailable("query cancelled");
  if (status.ok() && request.on_progress) request.on_progress(delivered_);
  return status;
}

}  // namespace

Result<std::unique_ptr<SqlSession>> OpenMysqlSession(const SqlEndpoint& endpoint,
                                                     std::chrono::milliseconds connect_timeout) {
  Result<Connection> connection = Connect(endpoint, connect_timeout);
  if (!connection.ok()) return std::move(connection).error();
  return std::unique_ptr<SqlSession>(
      std::make_unique<MysqlSession>(endpoint, connect_timeout, std::move(connection).value()));
}

}  // namespace batuta::sources
