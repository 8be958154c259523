# Layered libraries: every src/ folder is a library with a layer number and may link only to
# libraries of a strictly lower layer. Configuration fails when a dependency points up or
# sideways, so the architecture in docs/architecture.md cannot erode silently.
#
#   batuta_library(NAME <target> LAYER <n> SOURCES ... [DEPS <batuta targets>...]
#                  [EXTERNAL <imported targets>...])
function(batuta_library)
  cmake_parse_arguments(ARG "" "NAME;LAYER" "SOURCES;DEPS;EXTERNAL" ${ARGN})
  foreach(dep IN LISTS ARG_DEPS)
    get_property(dep_layer GLOBAL PROPERTY "BATUTA_LAYER_${dep}")
    if("${dep_layer}" STREQUAL "")
      message(FATAL_ERROR "${ARG_NAME}: dependency '${dep}' is not a batuta library "
                          "declared before it (declare lower layers first)")
    endif()
    if(NOT dep_layer LESS ARG_LAYER)
      message(FATAL_ERROR "${ARG_NAME} (layer ${ARG_LAYER}) may not depend on ${dep} "
                          "(layer ${dep_layer}): dependencies must point to lower layers")
    endif()
  endforeach()
  set_property(GLOBAL PROPERTY "BATUTA_LAYER_${ARG_NAME}" ${ARG_LAYER})
  add_library(${ARG_NAME} STATIC ${ARG_SOURCES})
  target_include_directories(${ARG_NAME} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_compile_options(${ARG_NAME} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${BATUTA_WARNING_FLAGS}>)
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS} ${ARG_EXTERNAL})
endfunction()

# A unit test binary beside the code it tests; registered with CTest via gtest discovery.
#   batuta_test(NAME <target> SOURCES ... DEPS ...)
function(batuta_test)
  if(NOT BATUTA_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_compile_options(${ARG_NAME} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${BATUTA_WARNING_FLAGS}>)
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "BATUTA_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endfunction()
