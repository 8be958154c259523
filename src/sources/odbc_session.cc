#include "sources/odbc_session.h"

#include <sql.h>
#include <sqlext.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sources/named_parameters.h"

namespace batuta::sources {
namespace {

using rows::ColumnType;

static_assert(sizeof(SQLWCHAR) == sizeof(char16_t), "unixODBC's SQLWCHAR is UTF-16");

// Bound column buffers of one rowset stay under this many bytes (and 256 rows).
constexpr std::size_t kRowsetBudgetBytes = std::size_t{4} << 20;
constexpr SQLULEN kMaxRowsetRows = 256;
// Wider text or binary columns, and those of unknown size, are read with SQLGetData in pieces.
constexpr SQLULEN kMaxBoundTextChars = 4000;
constexpr SQLULEN kMaxBoundBinaryBytes = 8000;
constexpr std::size_t kPieceBytes = std::size_t{32} << 10;
// Text binds longer than this are sent as long types (SQL Server's varchar(max) needs it).
constexpr std::size_t kLongBindChars = 4000;
// Microsoft SQL Server's own types (msodbcsql.h), so they map without that header.
constexpr SQLSMALLINT kSqlServerTime2 = -154;

// How a column's values are fetched.
enum class Fetch {
  kText,       // SQL_C_WCHAR, converted from UTF-16 to UTF-8: exact whatever the locale
  kChar,       // SQL_C_CHAR: integers, decimals, bits, times, GUIDs (ASCII)
  kDouble,     // SQL_C_DOUBLE
  kFloat,      // SQL_C_FLOAT
  kDate,       // SQL_C_TYPE_DATE
  kTimestamp,  // SQL_C_TYPE_TIMESTAMP
  kBinary,     // SQL_C_BINARY, hex-encoded
};

// How SQL_C_CHAR text becomes canonical (rows::Cell).
enum class Shape { kAsIs, kInteger, kDecimal, kBit, kTime };

SQLSMALLINT CType(Fetch fetch) {
  switch (fetch) {
    case Fetch::kText:
      return SQL_C_WCHAR;
    case Fetch::kChar:
      return SQL_C_CHAR;
    case Fetch::kDouble:
      return SQL_C_DOUBLE;
    case Fetch::kFloat:
      return SQL_C_FLOAT;
    case Fetch::kDate:
      return SQL_C_TYPE_DATE;
    case Fetch::kTimestamp:
      return SQL_C_TYPE_TIMESTAMP;
    case Fetch::kBinary:
      return SQL_C_BINARY;
  }
  return SQL_C_CHAR;
}

// Bytes a fetch of this kind reserves after the data for its terminator.
SQLLEN TerminatorBytes(Fetch fetch) {
  if (fetch == Fetch::kText) return sizeof(SQLWCHAR);
  if (fetch == Fetch::kChar) return 1;
  return 0;
}

bool IsFixedSize(Fetch fetch) {
  return fetch == Fetch::kDouble || fetch == Fetch::kFloat || fetch == Fetch::kDate ||
         fetch == Fetch::kTimestamp;
}

struct ColumnPlan {
  ColumnType type = ColumnType::kText;
  Fetch fetch = Fetch::kText;
  Shape shape = Shape::kAsIs;
  bool bound = false;
  SQLLEN element_bytes = 0;  // per row, when bound
  std::vector<unsigned char> buffer;
  std::vector<SQLLEN> indicators;
  std::vector<unsigned char> piece_data;  // a value read with SQLGetData
  std::string text;                       // the current row's canonical value
};

// Chooses the C type and the normalisation for an ODBC SQL type, and whether it can be bound
// with a buffer of known size.
void PlanColumn(SQLSMALLINT sql_type, SQLULEN size, ColumnPlan& plan) {
  plan.bound = true;
  switch (sql_type) {
    case SQL_TINYINT:
    case SQL_SMALLINT:
    case SQL_INTEGER:
    case SQL_BIGINT:
      plan.type = ColumnType::kInteger;
      plan.fetch = Fetch::kChar;
      plan.shape = Shape::kInteger;
      plan.element_bytes = 32;
      return;
    case SQL_DECIMAL:
    case SQL_NUMERIC:
      plan.type = ColumnType::kNumber;
      plan.fetch = Fetch::kChar;
      plan.shape = Shape::kDecimal;
      plan.element_bytes = static_cast<SQLLEN>(std::clamp<SQLULEN>(size + 8, 64, 512));
      return;
    case SQL_REAL:
      plan.type = ColumnType::kNumber;
      plan.fetch = Fetch::kFloat;
      plan.element_bytes = sizeof(SQLREAL);
      return;
    case SQL_FLOAT:
    case SQL_DOUBLE:
      plan.type = ColumnType::kNumber;
      plan.fetch = Fetch::kDouble;
      plan.element_bytes = sizeof(SQLDOUBLE);
      return;
    case SQL_BIT:
      plan.type = ColumnType::kBoolean;
      plan.fetch = Fetch::kChar;
      plan.shape = Shape::kBit;
      plan.element_bytes = 8;
      return;
    case SQL_TYPE_DATE:
    case SQL_DATE:
      plan.type = ColumnType::kDate;
      plan.fetch = Fetch::kDate;
      plan.element_bytes = sizeof(SQL_DATE_STRUCT);
      return;
    case SQL_TYPE_TIME:
    case SQL_TIME:
    case kSqlServerTime2:
      // As text: the struct has no fractional seconds.
      plan.type = ColumnType::kTime;
      plan.fetch = Fetch::kChar;
      plan.shape = Shape::kTime;
      plan.element_bytes = 40;
      return;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
      plan.type = ColumnType::kTimestamp;
      plan.fetch = Fetch::kTimestamp;
      plan.element_bytes = sizeof(SQL_TIMESTAMP_STRUCT);
      return;
    case SQL_GUID:
      plan.type = ColumnType::kText;
      plan.fetch = Fetch::kChar;
      plan.element_bytes = 40;
      return;
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY:
      plan.type = ColumnType::kBytes;
      plan.fetch = Fetch::kBinary;
      plan.bound = sql_type != SQL_LONGVARBINARY && size > 0 && size <= kMaxBoundBinaryBytes;
      plan.element_bytes = static_cast<SQLLEN>(size);
      return;
    default:
      // Character types and everything else (intervals, XML, vendor types) as text. A
      // character may take two UTF-16 units (a surrogate pair).
      plan.type = ColumnType::kText;
      plan.fetch = Fetch::kText;
      plan.bound = sql_type != SQL_LONGVARCHAR && sql_type != SQL_WLONGVARCHAR && size > 0 &&
                   size <= kMaxBoundTextChars;
      plan.element_bytes = static_cast<SQLLEN>((size * 2 + 1) * sizeof(SQLWCHAR));
      return;
  }
}

void AppendUtf8(std::uint32_t code, std::string& out) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// UTF-16 (SQLWCHAR units, as bytes) to UTF-8; a lone surrogate becomes U+FFFD.
void Utf16ToUtf8(const unsigned char* bytes, std::size_t byte_count, std::string& out) {
  const std::size_t units = byte_count / sizeof(SQLWCHAR);
  const auto unit = [bytes](std::size_t i) {
    SQLWCHAR value;
    std::memcpy(&value, bytes + i * sizeof(SQLWCHAR), sizeof value);
    return static_cast<std::uint32_t>(value);
  };
  out.reserve(out.size() + units);
  for (std::size_t i = 0; i < units; ++i) {
    std::uint32_t code = unit(i);
    if (code >= 0xD800 && code <= 0xDBFF && i + 1 < units && unit(i + 1) >= 0xDC00 &&
        unit(i + 1) <= 0xDFFF) {
      code = 0x10000 + ((code - 0xD800) << 10) + (unit(i + 1) - 0xDC00);
      ++i;
    } else if (code >= 0xD800 && code <= 0xDFFF) {
      code = 0xFFFD;
    }
    AppendUtf8(code, out);
  }
}

// UTF-8 to UTF-16; an invalid sequence becomes U+FFFD.
std::u16string Utf8ToUtf16(std::string_view text) {
  std::u16string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80           ? 1
                         : (byte >> 5) == 0x6  ? 2
                         : (byte >> 4) == 0xE  ? 3
                         : (byte >> 3) == 0x1E ? 4
                                               : 0;
    std::uint32_t code = length == 1   ? byte
                         : length == 2 ? byte & 0x1F
                         : length == 3 ? byte & 0x0F
                                       : byte & 0x07;
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xC0) == 0x80;
      code = (code << 6) | (next & 0x3F);
    }
    if (valid && ((length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                  (length == 4 && (code < 0x10000 || code > 0x10FFFF)) ||
                  (code >= 0xD800 && code <= 0xDFFF))) {
      valid = false;
    }
    if (!valid) {
      out.push_back(u'\uFFFD');
      ++i;
      continue;
    }
    if (code >= 0x10000) {
      code -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (code >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (code & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(code));
    }
    i += length;
  }
  return out;
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\0')) {
    text.remove_suffix(1);
  }
  return text;
}

void AppendDigits(unsigned value, int width, std::string& out) {
  char digits[16];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  for (auto n = end - digits; n < width; ++n) out.push_back('0');
  out.append(digits, end);
}

void AppendDate(int year, unsigned month, unsigned day, std::string& out) {
  if (year < 0) out.push_back('-');
  AppendDigits(static_cast<unsigned>(std::abs(year)), 4, out);
  out.push_back('-');
  AppendDigits(month, 2, out);
  out.push_back('-');
  AppendDigits(day, 2, out);
}

template <typename Floating>
void AppendNumber(Floating value, std::string& out) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value < 0 ? "-Infinity" : "Infinity";
  } else {
    char digits[64];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, end);
  }
}

// Canonical text (rows::Cell) of one fetched value: `data`/`length` as the driver returned it
// for the column's C type.
void Canonicalise(const ColumnPlan& plan, const unsigned char* data, std::size_t length,
                  std::string& out) {
  out.clear();
  switch (plan.fetch) {
    case Fetch::kText:
      Utf16ToUtf8(data, length, out);
      return;
    case Fetch::kBinary: {
      static constexpr char kHex[] = "0123456789abcdef";
      out.reserve(length * 2);
      for (std::size_t i = 0; i < length; ++i) {
        out.push_back(kHex[data[i] >> 4]);
        out.push_back(kHex[data[i] & 0xF]);
      }
      return;
    }
    case Fetch::kDouble: {
      SQLDOUBLE value;
      std::memcpy(&value, data, sizeof value);
      AppendNumber(value, out);
      return;
    }
    case Fetch::kFloat: {
      SQLREAL value;
      std::memcpy(&value, data, sizeof value);
      AppendNumber(value, out);
      return;
    }
    case Fetch::kDate: {
      SQL_DATE_STRUCT value;
      std::memcpy(&value, data, sizeof value);
      AppendDate(value.year, value.month, value.day, out);
      return;
    }
    case Fetch::kTimestamp: {
      SQL_TIMESTAMP_STRUCT value;
      std::memcpy(&value, data, sizeof value);
      AppendDate(value.year, value.month, value.day, out);
      out.push_back(' ');
      AppendDigits(value.hour, 2, out);
      out.push_back(':');
      AppendDigits(value.minute, 2, out);
      out.push_back(':');
      AppendDigits(value.second, 2, out);
      if (value.fraction > 0) {  // nanoseconds, without trailing zeros
        std::string fraction;
        AppendDigits(value.fraction, 9, fraction);
        while (fraction.back() == '0') fraction.pop_back();
        out.push_back('.');
        out += fraction;
      }
      return;
    }
    case Fetch::kChar:
      break;
  }
  std::string_view text = Trim({reinterpret_cast<const char*>(data), length});
  switch (plan.shape) {
    case Shape::kAsIs:
    case Shape::kTime:
      out.assign(text);
      return;
    case Shape::kBit:
      out = !text.empty() && (text[0] == '1' || text[0] == 't' || text[0] == 'T' ||
                              text[0] == 'y' || text[0] == 'Y')
                ? "true"
                : "false";
      return;
    case Shape::kInteger:
    case Shape::kDecimal:
      if (text.starts_with('+')) text.remove_prefix(1);
      if (text.starts_with('-')) {
        out.push_back('-');
        text.remove_prefix(1);
      }
      // SQL Server prints .5, Oracle may use the session's decimal comma.
      if (text.starts_with('.') || text.starts_with(',')) out.push_back('0');
      for (char c : text) out.push_back(c == ',' ? '.' : c);
      return;
  }
}

struct Diagnostic {
  std::string state;  // the first record's SQLSTATE
  std::string message;
};

// The handle's diagnostic records as one message: "[STATE] text; [STATE] text".
Diagnostic Diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle) {
  Diagnostic out;
  for (SQLSMALLINT record = 1; record <= 5; ++record) {
    SQLCHAR state[6] = {};
    SQLINTEGER native = 0;
    std::vector<SQLCHAR> text(1024);
    SQLSMALLINT length = 0;
    SQLRETURN rc = SQLGetDiagRec(handle_type, handle, record, state, &native, text.data(),
                                 static_cast<SQLSMALLINT>(text.size()), &length);
    if (rc == SQL_SUCCESS_WITH_INFO && length >= static_cast<SQLSMALLINT>(text.size())) {
      text.resize(static_cast<std::size_t>(length) + 1);
      rc = SQLGetDiagRec(handle_type, handle, record, state, &native, text.data(),
                         static_cast<SQLSMALLINT>(text.size()), &length);
    }
    if (!SQL_SUCCEEDED(rc)) break;
    const std::string state_text(reinterpret_cast<const char*>(state));
    if (record == 1) out.state = state_text;
    std::string message(
        reinterpret_cast<const char*>(text.data()),
        std::min<std::size_t>(static_cast<std::size_t>(std::max<SQLSMALLINT>(length, 0)),
                              text.size() - 1));
    std::replace(message.begin(), message.end(), '\n', ' ');
    while (!message.empty() && (message.back() == ' ' || message.back() == ';')) {
      message.pop_back();
    }
    if (!out.message.empty()) out.message += "; ";
    out.message += '[';
    out.message += state_text;
    out.message += "] ";
    out.message += message;
  }
  if (out.message.empty()) out.message = "no diagnostic from the driver";
  return out;
}

// Drivers rarely echo a password, but a message must never carry one. Secrets shorter than 4
// bytes are left alone (as logs/ does): masking them would garble ordinary words.
std::string MaskSecret(std::string message, std::string_view secret) {
  if (secret.size() < 4) return message;
  for (std::size_t at = message.find(secret); at != std::string::npos;
       at = message.find(secret, at)) {
    message.replace(at, secret.size(), "****");
  }
  return message;
}

// A connection string value, in braces (a '}' doubled) only when it needs them: some drivers
// take braces literally in some keywords (psqlODBC in UID, the SQLite driver in Database).
std::string BraceQuoted(std::string_view value) {
  const bool plain = value.find_first_of(";{}") == std::string_view::npos &&
                     !value.starts_with(' ') && !value.ends_with(' ');
  if (plain) return std::string(value);
  std::string out = "{";
  for (char c : value) {
    out.push_back(c);
    if (c == '}') out.push_back('}');
  }
  return out + "}";
}

std::string ConnectionString(const SqlEndpoint& endpoint) {
  std::string text = endpoint.odbc_connection_string;
  while (!text.empty() && (text.back() == ';' || text.back() == ' ')) text.pop_back();
  const auto add = [&text](std::string_view key, std::string_view value) {
    if (!text.empty()) text += ';';
    text += key;
    text += '=';
    text += BraceQuoted(value);
  };
  if (!endpoint.user.empty()) add("UID", endpoint.user);
  if (!endpoint.password.empty()) add("PWD", endpoint.password);
  return text;
}

// ODBC passes integer attribute values in its pointer argument.
SQLPOINTER IntegerAttribute(SQLULEN value) {
  return reinterpret_cast<SQLPOINTER>(value);  // NOLINT(performance-no-int-to-ptr): ODBC's API
}

// Seconds for ODBC's timeouts, rounded up; 0 is none.
SQLULEN Seconds(std::chrono::milliseconds value) {
  return value.count() <= 0 ? 0 : static_cast<SQLULEN>((value.count() + 999) / 1000);
}

// One parameter occurrence, kept alive until the statement has run.
struct Parameter {
  std::string bytes;    // SQL_C_CHAR / SQL_C_BINARY data
  std::u16string wide;  // SQL_C_WCHAR data
  SQLSMALLINT c_type = SQL_C_CHAR;
  SQLSMALLINT sql_type = SQL_VARCHAR;
  SQLULEN column_size = 1;
  SQLSMALLINT decimal_digits = 0;
  SQLLEN indicator = 0;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Fraction digits of "HH:MM:SS.fff" / "YYYY-MM-DD HH:MM:SS.fff".
SQLSMALLINT FractionDigits(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return 0;
  return static_cast<SQLSMALLINT>(text.size() - dot - 1);
}

Result<Parameter> MakeParameter(const BindValue& bind) {
  Parameter p;
  const std::string& text = bind.text;
  switch (bind.type) {
    case ColumnType::kText:
      if (IsAscii(text)) {
        p.bytes = text;
        p.sql_type = text.size() > kLongBindChars ? SQL_LONGVARCHAR : SQL_VARCHAR;
        p.column_size = std::max<std::size_t>(text.size(), 1);
      } else {
        // As UTF-16, so the driver converts nothing through a code page.
        p.c_type = SQL_C_WCHAR;
        p.wide = Utf8ToUtf16(text);
        p.sql_type = p.wide.size() > kLongBindChars ? SQL_WLONGVARCHAR : SQL_WVARCHAR;
        p.column_size = std::max<std::size_t>(p.wide.size(), 1);
      }
      break;
    case ColumnType::kInteger:
      p.bytes = text;
      p.sql_type = SQL_BIGINT;
      p.column_size = 19;
      break;
    case ColumnType::kNumber: {
      p.bytes = text;
      const bool plain = text.find_first_of("eEnNiI") == std::string::npos;
      const std::size_t digits = static_cast<std::size_t>(
          std::count_if(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }));
      if (plain && digits > 0 && digits <= 38) {
        p.sql_type = SQL_NUMERIC;
        p.column_size = digits;
        p.decimal_digits = FractionDigits(text);
      } else {
        p.sql_type = SQL_DOUBLE;
        p.column_size = 15;
      }
      break;
    }
    case ColumnType::kBoolean:
      p.bytes = text == "true" ? "1" : text == "false" ? "0" : text;
      p.sql_type = SQL_BIT;
      p.column_size = 1;
      break;
    case ColumnType::kDate:
      p.bytes = text;
      p.sql_type = SQL_TYPE_DATE;
      p.column_size = 10;
      break;
    case ColumnType::kTime:
      p.bytes = text;
      p.sql_type = SQL_TYPE_TIME;
      p.decimal_digits = FractionDigits(text);
      p.column_size = 8 + (p.decimal_digits > 0 ? 1 + p.decimal_digits : 0);
      break;
    case ColumnType::kTimestamp:
      p.bytes = text;
      p.sql_type = SQL_TYPE_TIMESTAMP;
      p.decimal_digits = FractionDigits(text);
      p.column_size = 19 + (p.decimal_digits > 0 ? 1 + p.decimal_digits : 0);
      break;
    case ColumnType::kBytes: {
      if (text.size() % 2 != 0) {
        return Error::Validation(bind.name, "parameter :" + bind.name + " is not hex bytes");
      }
      p.c_type = SQL_C_BINARY;
      for (std::size_t i = 0; i < text.size(); i += 2) {
        const int high = HexValue(text[i]);
        const int low = HexValue(text[i + 1]);
        if (high < 0 || low < 0) {
          return Error::Validation(bind.name, "parameter :" + bind.name + " is not hex bytes");
        }
        p.bytes.push_back(static_cast<char>((high << 4) | low));
      }
      p.sql_type = p.bytes.size() > kMaxBoundBinaryBytes ? SQL_LONGVARBINARY : SQL_VARBINARY;
      p.column_size = std::max<std::size_t>(p.bytes.size(), 1);
      break;
    }
  }
  if (bind.is_null) {
    p.indicator = SQL_NULL_DATA;
  } else {
    p.indicator = static_cast<SQLLEN>(p.c_type == SQL_C_WCHAR ? p.wide.size() * sizeof(char16_t)
                                                              : p.bytes.size());
  }
  return p;
}

class OdbcSession final : public SqlSession {
 public:
  OdbcSession(SQLHENV environment, SQLHDBC connection, std::string password)
      : environment_(environment), connection_(connection), password_(std::move(password)) {
    SQLUINTEGER extensions = 0;
    if (SQL_SUCCEEDED(SQLGetInfo(connection_, SQL_GETDATA_EXTENSIONS, &extensions,
                                 sizeof extensions, nullptr))) {
      getdata_extensions_ = extensions;
    }
  }
  ~OdbcSession() override {
    SQLDisconnect(connection_);
    SQLFreeHandle(SQL_HANDLE_DBC, connection_);
    SQLFreeHandle(SQL_HANDLE_ENV, environment_);
  }
  OdbcSession(const OdbcSession&) = delete;
  OdbcSession& operator=(const OdbcSession&) = delete;

  Result<std::string> ServerVersion() override {
    char name[256] = {};
    char version[256] = {};
    SQLSMALLINT length = 0;
    if (!SQL_SUCCEEDED(SQLGetInfo(connection_, SQL_DBMS_NAME, name, sizeof name, &length)) ||
        !SQL_SUCCEEDED(SQLGetInfo(connection_, SQL_DBMS_VER, version, sizeof version, &length))) {
      return Error::Unavailable("ODBC: " + Mask(Diagnostics(SQL_HANDLE_DBC, connection_).message));
    }
    return std::string(name) + " " + version;
  }

  Status Query(const QueryRequest& request, rows::RowSink& sink) override;

  void Cancel() override {
    const std::lock_guard lock(mutex_);
    if (statement_ == SQL_NULL_HSTMT) return;
    cancelled_ = true;
    SQLCancel(statement_);
  }

 private:
  void SetReadOnly(bool read_only);
  Status Run(SQLHSTMT statement, const QueryRequest& request, const RewrittenSql& rewritten,
             std::vector<Parameter>& parameters, rows::RowSink& sink);
  Status Stream(SQLHSTMT statement, const QueryRequest& request, rows::RowSink& sink);
  // Reads column `index` of the current row with SQLGetData, in pieces, into plan.text.
  // Returns false for NULL.
  Result<bool> ReadWithGetData(SQLHSTMT statement, SQLUSMALLINT index, ColumnPlan& plan,
                               const QueryRequest& request);
  Error StatementError(SQLHSTMT statement, const QueryRequest& request);
  bool Cancelled() {
    const std::lock_guard lock(mutex_);
    return cancelled_;
  }
  std::string Mask(std::string message) const { return MaskSecret(std::move(message), password_); }

  SQLHENV environment_;
  SQLHDBC connection_;
  std::string password_;
  SQLUINTEGER getdata_extensions_ = 0;
  std::optional<bool> read_only_;  // the mode last set on the connection
  // Cancel() may run on any thread: it touches only these, under the mutex, and SQLCancel is
  // meant to be called from another thread while the statement runs.
  std::mutex mutex_;
  SQLHSTMT statement_ = SQL_NULL_HSTMT;
  bool cancelled_ = false;
};

void OdbcSession::SetReadOnly(bool read_only) {
  if (read_only_ == read_only) return;
  // Both are hints a driver may ignore: the access mode (drivers that know it refuse writes),
  // and a transaction rolled back after each read-only query (which undoes writes wherever
  // the database has transactions).
  SQLSetConnectAttr(connection_, SQL_ATTR_ACCESS_MODE,
                    IntegerAttribute(read_only ? SQL_MODE_READ_ONLY : SQL_MODE_READ_WRITE),
                    SQL_IS_UINTEGER);
  SQLSetConnectAttr(connection_, SQL_ATTR_AUTOCOMMIT,
                    IntegerAttribute(read_only ? SQL_AUTOCOMMIT_OFF : SQL_AUTOCOMMIT_ON),
                    SQL_IS_UINTEGER);
  read_only_ = read_only;
}

Error OdbcSession::StatementError(SQLHSTMT statement, const QueryRequest& request) {
  const Diagnostic diagnostic = Diagnostics(SQL_HANDLE_STMT, statement);
  const std::string message = "ODBC: " + Mask(diagnostic.message);
  const std::string_view state = diagnostic.state;
  if (state.starts_with("08")) return Error::Unavailable(message);
  const bool timeout_set = request.statement_timeout.count() > 0;
  if (state == "HYT00" || state == "HYT01" ||
      (timeout_set && state == "57014" && message.find("timeout") != std::string::npos)) {
    return Error::InvalidArgument("statement timeout: the query ran longer than " +
                                  std::to_string(request.statement_timeout.count()) + " ms (" +
                                  message + ")");
  }
  return Error::InvalidArgument(message);
}

Status OdbcSession::Query(const QueryRequest& request, rows::RowSink& sink) {
  auto rewritten = RewriteNamedParameters(request.sql, PlaceholderStyle::kQuestionMarkStandard);
  if (!rewritten.ok()) return std::move(rewritten).error();
  std::vector<Parameter> parameters;
  parameters.reserve(rewritten->parameters.size());
  for (const std::string& name : rewritten->parameters) {
    const auto bind = std::find_if(request.binds.begin(), request.binds.end(),
                                   [&name](const BindValue& b) { return b.name == name; });
    if (bind == request.binds.end()) {
      return Error::Validation(name, "the query uses :" + name + " but no value is bound to it");
    }
    auto parameter = MakeParameter(*bind);
    if (!parameter.ok()) return std::move(parameter).error();
    parameters.push_back(std::move(parameter).value());
  }

  SetReadOnly(request.read_only);
  SQLHSTMT statement = SQL_NULL_HSTMT;
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, connection_, &statement))) {
    return Error::Unavailable("ODBC: " + Mask(Diagnostics(SQL_HANDLE_DBC, connection_).message));
  }
  {
    const std::lock_guard lock(mutex_);
    statement_ = statement;
    cancelled_ = false;
  }
  Status status = Run(statement, request, *rewritten, parameters, sink);
  bool cancelled = false;
  {
    const std::lock_guard lock(mutex_);
    statement_ = SQL_NULL_HSTMT;
    cancelled = cancelled_;
  }
  SQLFreeHandle(SQL_HANDLE_STMT, statement);
  if (request.read_only) SQLEndTran(SQL_HANDLE_DBC, connection_, SQL_ROLLBACK);
  if (cancelled) return Error::Unavailable("query cancelled");
  return status;
}

Status OdbcSession::Run(SQLHSTMT statement, const QueryRequest& request,
                        const RewrittenSql& rewritten, std::vector<Parameter>& parameters,
                        rows::RowSink& sink) {
  if (const SQLULEN timeout = Seconds(request.statement_timeout); timeout > 0) {
    SQLSetStmtAttr(statement, SQL_ATTR_QUERY_TIMEOUT, IntegerAttribute(timeout), SQL_IS_UINTEGER);
  }
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    Parameter& p = parameters[i];
    void* data = p.c_type == SQL_C_WCHAR ? static_cast<void*>(p.wide.data())
                                         : static_cast<void*>(p.bytes.data());
    const SQLLEN length = static_cast<SQLLEN>(
        p.c_type == SQL_C_WCHAR ? p.wide.size() * sizeof(char16_t) : p.bytes.size());
    const SQLRETURN rc =
        SQLBindParameter(statement, static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, p.c_type,
                         p.sql_type, p.column_size, p.decimal_digits, data, length, &p.indicator);
    if (!SQL_SUCCEEDED(rc)) return StatementError(statement, request);
  }
  if (Cancelled()) return Ok();  // Query reports the cancellation
  std::string sql = rewritten.sql;
  const SQLRETURN rc = SQLExecDirect(statement, reinterpret_cast<SQLCHAR*>(sql.data()),
                                     static_cast<SQLINTEGER>(sql.size()));
  if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) return StatementError(statement, request);
  return Stream(statement, request, sink);
}

Result<bool> OdbcSession::ReadWithGetData(SQLHSTMT statement, SQLUSMALLINT index, ColumnPlan& plan,
                                          const QueryRequest& request) {
  const SQLSMALLINT c_type = CType(plan.fetch);
  std::vector<unsigned char>& data = plan.piece_data;
  data.clear();
  if (IsFixedSize(plan.fetch)) {
    data.resize(sizeof(SQL_TIMESTAMP_STRUCT) + sizeof(SQLDOUBLE));
    SQLLEN indicator = 0;
    const SQLRETURN rc = SQLGetData(statement, index, c_type, data.data(),
                                    static_cast<SQLLEN>(data.size()), &indicator);
    if (!SQL_SUCCEEDED(rc)) return StatementError(statement, request);
    if (indicator == SQL_NULL_DATA) return false;
    Canonicalise(plan, data.data(), data.size(), plan.text);
    return true;
  }
  const auto terminator = static_cast<std::size_t>(TerminatorBytes(plan.fetch));
  std::size_t used = 0;
  for (;;) {
    data.resize(used + kPieceBytes);
    SQLLEN indicator = 0;
    const SQLRETURN rc = SQLGetData(statement, index, c_type, data.data() + used,
                                    static_cast<SQLLEN>(kPieceBytes), &indicator);
    if (rc == SQL_NO_DATA) break;  // the previous piece was the last
    if (!SQL_SUCCEEDED(rc)) return StatementError(statement, request);
    if (indicator == SQL_NULL_DATA) return false;
    if (rc == SQL_SUCCESS || (indicator != SQL_NO_TOTAL &&
                              static_cast<std::size_t>(indicator) <= kPieceBytes - terminator)) {
      used += static_cast<std::size_t>(indicator);
      break;
    }
    // A full piece: everything but the terminator is data; more follows.
    std::size_t piece = kPieceBytes - terminator;
    if (plan.fetch == Fetch::kText) piece -= piece % sizeof(SQLWCHAR);
    used += piece;
  }
  Canonicalise(plan, data.data(), used, plan.text);
  return true;
}

Status OdbcSession::Stream(SQLHSTMT statement, const QueryRequest& request, rows::RowSink& sink) {
  SQLSMALLINT column_count = 0;
  if (!SQL_SUCCEEDED(SQLNumResultCols(statement, &column_count))) {
    return StatementError(statement, request);
  }
  std::vector<rows::Column> columns(static_cast<std::size_t>(column_count));
  std::vector<ColumnPlan> plans(columns.size());
  bool any_unbound = false;
  const bool any_column = (getdata_extensions_ & SQL_GD_ANY_COLUMN) != 0;
  for (SQLUSMALLINT i = 0; i < static_cast<SQLUSMALLINT>(columns.size()); ++i) {
    std::vector<SQLCHAR> name(256);
    SQLSMALLINT name_length = 0;
    SQLSMALLINT sql_type = 0;
    SQLULEN size = 0;
    SQLSMALLINT digits = 0;
    SQLSMALLINT nullable = 0;
    SQLRETURN rc =
        SQLDescribeCol(statement, i + 1, name.data(), static_cast<SQLSMALLINT>(name.size()),
                       &name_length, &sql_type, &size, &digits, &nullable);
    if (rc == SQL_SUCCESS_WITH_INFO && name_length >= static_cast<SQLSMALLINT>(name.size())) {
      name.resize(static_cast<std::size_t>(name_length) + 1);
      rc = SQLDescribeCol(statement, i + 1, name.data(), static_cast<SQLSMALLINT>(name.size()),
                          &name_length, &sql_type, &size, &digits, &nullable);
    }
    if (!SQL_SUCCEEDED(rc)) return StatementError(statement, request);
    columns[i].name.assign(
        reinterpret_cast<const char*>(name.data()),
        std::min<std::size_t>(static_cast<std::size_t>(name_length), name.size() - 1));
    char type_name[128] = {};
    SQLSMALLINT type_name_length = 0;
    if (SQL_SUCCEEDED(SQLColAttribute(statement, i + 1, SQL_DESC_TYPE_NAME, type_name,
                                      sizeof type_name, &type_name_length, nullptr))) {
      columns[i].source_type = type_name;
    }
    PlanColumn(sql_type, size, plans[i]);
    // Without SQL_GD_ANY_COLUMN, SQLGetData works only on columns after the last bound one.
    if (any_unbound && !any_column) plans[i].bound = false;
    any_unbound = any_unbound || !plans[i].bound;
    columns[i].type = plans[i].type;
  }

  // Rowset size: block fetches unless SQLGetData is needed and the driver cannot do it within
  // a block. Drivers that may return more than a column's declared size (SQLite, psqlODBC)
  // support SQLGetData on bound columns, which recovers such a value.
  const bool getdata_block = (getdata_extensions_ & SQL_GD_BLOCK) != 0;
  const bool getdata_bound = (getdata_extensions_ & SQL_GD_BOUND) != 0;
  std::size_t row_bytes = 0;
  for (const ColumnPlan& plan : plans) {
    if (plan.bound) row_bytes += static_cast<std::size_t>(plan.element_bytes) + sizeof(SQLLEN);
  }
  SQLULEN rowset = std::clamp<SQLULEN>(kRowsetBudgetBytes / std::max<std::size_t>(row_bytes, 1), 1,
                                       kMaxRowsetRows);
  if (!getdata_block && (any_unbound || getdata_bound)) rowset = 1;
  if (rowset > 1) {
    SQLSetStmtAttr(statement, SQL_ATTR_ROW_ARRAY_SIZE, IntegerAttribute(rowset), 0);
    SQLULEN granted = 1;
    if (SQL_SUCCEEDED(SQLGetStmtAttr(statement, SQL_ATTR_ROW_ARRAY_SIZE, &granted, 0, nullptr))) {
      rowset = std::max<SQLULEN>(granted, 1);
    } else {
      rowset = 1;
    }
  }
  const bool recover_truncation = getdata_bound && (rowset == 1 || getdata_block);
  SQLULEN fetched = 0;
  std::vector<SQLUSMALLINT> row_status(rowset, SQL_ROW_SUCCESS);
  SQLSetStmtAttr(statement, SQL_ATTR_ROWS_FETCHED_PTR, &fetched, 0);
  SQLSetStmtAttr(statement, SQL_ATTR_ROW_STATUS_PTR, row_status.data(), 0);
  for (SQLUSMALLINT i = 0; i < static_cast<SQLUSMALLINT>(plans.size()); ++i) {
    ColumnPlan& plan = plans[i];
    if (!plan.bound) continue;
    plan.buffer.assign(static_cast<std::size_t>(plan.element_bytes) * rowset, 0);
    plan.indicators.assign(rowset, 0);
    if (!SQL_SUCCEEDED(SQLBindCol(statement, i + 1, CType(plan.fetch), plan.buffer.data(),
                                  plan.element_bytes, plan.indicators.data()))) {
      return StatementError(statement, request);
    }
  }

  BATUTA_RETURN_IF_ERROR(sink.Begin(columns));
  if (column_count == 0) {  // a statement without a result set
    if (request.on_progress) request.on_progress(0);
    return Ok();
  }
  std::vector<rows::Cell> cells(plans.size());
  std::uint64_t delivered = 0;
  for (;;) {
    if (Cancelled()) return Ok();  // Query reports the cancellation
    const SQLRETURN rc = SQLFetch(statement);
    if (rc == SQL_NO_DATA) break;
    if (!SQL_SUCCEEDED(rc)) return StatementError(statement, request);
    for (SQLULEN row = 0; row < fetched; ++row) {
      if (row_status[row] == SQL_ROW_NOROW) continue;
      if (row_status[row] == SQL_ROW_ERROR) return StatementError(statement, request);
      bool positioned = rowset == 1;
      for (std::size_t i = 0; i < plans.size(); ++i) {
        ColumnPlan& plan = plans[i];
        const auto index = static_cast<SQLUSMALLINT>(i + 1);
        bool read_again = !plan.bound;
        if (plan.bound) {
          const SQLLEN indicator = plan.indicators[row];
          if (indicator == SQL_NULL_DATA) {
            cells[i] = rows::Cell::Null();
            continue;
          }
          const bool truncated = !IsFixedSize(plan.fetch) &&
                                 (indicator == SQL_NO_TOTAL ||
                                  indicator > plan.element_bytes - TerminatorBytes(plan.fetch));
          if (!truncated) {
            Canonicalise(plan, plan.buffer.data() + row * static_cast<SQLULEN>(plan.element_bytes),
                         static_cast<std::size_t>(indicator), plan.text);
            cells[i] = rows::Cell::Of(plan.text);
            continue;
          }
          if (!recover_truncation) {
            return Error::InvalidArgument(
                "ODBC: column " + columns[i].name +
                " holds a value longer than the size the "
                "driver declared for it, and the driver cannot read it again: CAST it to a long "
                "text type");
          }
          read_again = true;
        }
        if (read_again && !positioned) {
          if (!SQL_SUCCEEDED(SQLSetPos(statement, static_cast<SQLSETPOSIROW>(row + 1), SQL_POSITION,
                                       SQL_LOCK_NO_CHANGE))) {
            return StatementError(statement, request);
          }
          positioned = true;
        }
        auto present = ReadWithGetData(statement, index, plan, request);
        if (!present.ok()) return std::move(present).error();
        cells[i] = *present ? rows::Cell::Of(plan.text) : rows::Cell::Null();
      }
      BATUTA_RETURN_IF_ERROR(sink.Row(cells));
      ++delivered;
      if (request.on_progress && request.progress_every > 0 &&
          delivered % request.progress_every == 0) {
        request.on_progress(delivered);
      }
    }
  }
  if (request.on_progress) request.on_progress(delivered);
  return Ok();
}

}  // namespace

Result<std::unique_ptr<SqlSession>> OpenOdbcSession(const SqlEndpoint& endpoint,
                                                    std::chrono::milliseconds connect_timeout) {
  if (endpoint.odbc_connection_string.empty()) {
    return Error::Validation("odbc_connection_string", "an ODBC connection string is required");
  }
  SQLHENV environment = SQL_NULL_HENV;
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &environment))) {
    return Error::Unavailable("ODBC: cannot allocate an environment");
  }
  SQLSetEnvAttr(environment, SQL_ATTR_ODBC_VERSION, IntegerAttribute(SQL_OV_ODBC3), 0);
  SQLHDBC connection = SQL_NULL_HDBC;
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, environment, &connection))) {
    SQLFreeHandle(SQL_HANDLE_ENV, environment);
    return Error::Unavailable("ODBC: cannot allocate a connection");
  }
  if (const SQLULEN timeout = Seconds(connect_timeout); timeout > 0) {
    SQLSetConnectAttr(connection, SQL_ATTR_LOGIN_TIMEOUT, IntegerAttribute(timeout),
                      SQL_IS_UINTEGER);
  }
  std::string text = ConnectionString(endpoint);
  const SQLRETURN rc = SQLDriverConnect(
      connection, nullptr, reinterpret_cast<SQLCHAR*>(text.data()),
      static_cast<SQLSMALLINT>(text.size()), nullptr, 0, nullptr, SQL_DRIVER_NOPROMPT);
  std::fill(text.begin(), text.end(), '\0');  // it holds the password
  if (!SQL_SUCCEEDED(rc)) {
    const std::string message =
        MaskSecret(Diagnostics(SQL_HANDLE_DBC, connection).message, endpoint.password);
    SQLFreeHandle(SQL_HANDLE_DBC, connection);
    SQLFreeHandle(SQL_HANDLE_ENV, environment);
    return Error::Unavailable("cannot connect through ODBC: " + message);
  }
  return std::unique_ptr<SqlSession>(
      std::make_unique<OdbcSession>(environment, connection, endpoint.password));
}

}  // namespace batuta::sources
