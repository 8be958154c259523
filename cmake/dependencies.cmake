# Every dependency is a Debian bookworm package installed by scripts/setup.
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

# Standalone Asio (header only) and Node's http_parser (C library).
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(batuta_asio INTERFACE)
target_include_directories(batuta_asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
target_compile_definitions(batuta_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED)
target_link_libraries(batuta_asio INTERFACE Threads::Threads)

find_path(HTTP_PARSER_INCLUDE_DIR http_parser.h REQUIRED)
find_library(HTTP_PARSER_LIBRARY http_parser REQUIRED)
add_library(batuta_http_parser INTERFACE)
target_include_directories(batuta_http_parser SYSTEM INTERFACE ${HTTP_PARSER_INCLUDE_DIR})
target_link_libraries(batuta_http_parser INTERFACE ${HTTP_PARSER_LIBRARY})

# howardhinnant-date; Debian builds date-tz against the system tzdata (USE_OS_TZDB).
find_package(date REQUIRED)

if(BATUTA_TESTS)
  find_package(GTest REQUIRED)
endif()

# SQL client libraries for connections and the sql_export job type, and zlib for gzip.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(MARIADB REQUIRED IMPORTED_TARGET libmariadb)
pkg_check_modules(ODBC REQUIRED IMPORTED_TARGET odbc)
find_package(ZLIB REQUIRED)
