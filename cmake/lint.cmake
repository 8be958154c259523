# `lint`: clang-format (no changes needed) and clang-tidy (the allow-list in .clang-tidy) over
# batuta's own sources. `format` rewrites files in place.
find_program(CLANG_FORMAT NAMES clang-format-14 clang-format)
find_program(RUN_CLANG_TIDY NAMES run-clang-tidy-14 run-clang-tidy)
file(GLOB_RECURSE batuta_lint_sources CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/src/*.cc ${CMAKE_SOURCE_DIR}/src/*.h
     ${CMAKE_SOURCE_DIR}/app/*.cc ${CMAKE_SOURCE_DIR}/app/*.h
     ${CMAKE_SOURCE_DIR}/tests/*.cc ${CMAKE_SOURCE_DIR}/tests/*.h
     ${CMAKE_SOURCE_DIR}/fuzz/*.cc ${CMAKE_SOURCE_DIR}/bench/*.cc)
if(CLANG_FORMAT)
  add_custom_target(format-check
    COMMAND ${CLANG_FORMAT} --dry-run --Werror ${batuta_lint_sources}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    COMMENT "clang-format: checking ${CMAKE_SOURCE_DIR}"
    VERBATIM)
  add_custom_target(format
    COMMAND ${CLANG_FORMAT} -i ${batuta_lint_sources}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    VERBATIM)
endif()
if(RUN_CLANG_TIDY)
  # Only batuta's translation units (not generated files or dependencies).
  add_custom_target(tidy
    COMMAND ${RUN_CLANG_TIDY} -quiet -p ${CMAKE_BINARY_DIR} -j 2
            "^${CMAKE_SOURCE_DIR}/(src|app|tests|fuzz)/.*\\.cc$"
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    COMMENT "clang-tidy: checking batuta's sources"
    VERBATIM)
endif()
add_custom_target(lint DEPENDS format-check tidy)
