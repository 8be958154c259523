# Turns the SQL migration files into a C++ source file, so the binary carries its own
# migrations and cannot drift from them. Run as a script at build time:
#   cmake -DMIGRATIONS_DIR=<dir> -DFILES=<a.sql,b.sql,...> -DOUTPUT=<file.cc> -P embed_migrations.cmake
# FILES lists the file names (comma-separated) so that adding or removing a file changes the
# command line and the build re-runs this script. Each name is NNNN_name.sql; the versions
# must be 1..n without gaps or duplicates. The SQL bytes are embedded exactly (as hex escapes),
# so the checksum computed at run time is the checksum of the file.
cmake_minimum_required(VERSION 3.25)

foreach(var MIGRATIONS_DIR OUTPUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_migrations.cmake: ${var} is not set")
  endif()
endforeach()

string(REPLACE "," ";" files "${FILES}")
list(SORT files)

set(definitions "")
set(entries "")
set(expected_version 1)
foreach(file_name IN LISTS files)
  if(NOT file_name MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
    message(FATAL_ERROR "migration file '${file_name}': name must be NNNN_name.sql with a "
                        "4-digit version and a name of lower-case letters, digits and '_'")
  endif()
  set(name "${CMAKE_MATCH_2}")
  string(REGEX REPLACE "^0+" "" version "${CMAKE_MATCH_1}")
  if(NOT version STREQUAL "${expected_version}")
    message(FATAL_ERROR "migration file '${file_name}': expected version ${expected_version} "
                        "(versions must be 1..n without gaps or duplicates)")
  endif()
  math(EXPR expected_version "${expected_version} + 1")

  file(READ "${MIGRATIONS_DIR}/${file_name}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR byte_count "${hex_length} / 2")
  if(byte_count EQUAL 0)
    message(FATAL_ERROR "migration file '${file_name}' is empty")
  endif()
  # 32 bytes per line of hex escapes.
  set(escaped "")
  set(offset 0)
  while(offset LESS hex_length)
    string(SUBSTRING "${hex}" ${offset} 64 chunk)
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" chunk "${chunk}")
    string(APPEND escaped "    \"${chunk}\"\n")
    math(EXPR offset "${offset} + 64")
  endwhile()
  string(APPEND definitions
         "// ${file_name}\nconstexpr char kSql${version}[] =\n${escaped}    \"\";\n\n")
  string(APPEND entries "      {${version}, \"${name}\", std::string(kSql${version}, sizeof(kSql${version}) - 1)},\n")
endforeach()

set(content "// Generated at build time by src/store/sqlite/embed_migrations.cmake from
// src/store/sqlite/migrations/*.sql. Do not edit; add a migration file instead.
#include <string>
#include <vector>

#include \"store/sqlite/migrations.h\"

namespace batuta {
namespace {

${definitions}}  // namespace

const std::vector<Migration>& SqliteMigrations() {
  static const std::vector<Migration> kMigrations = {
${entries}  };
  return kMigrations;
}

}  // namespace batuta
")

# Rewrite only on change, so an unchanged list does not recompile.
file(CONFIGURE OUTPUT "${OUTPUT}" CONTENT "${content}" @ONLY)
