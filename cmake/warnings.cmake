# Warnings apply to batuta's own targets only (see batuta_library / batuta_executable).
set(BATUTA_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
    # g++ 12 warns when a C++20 designated initializer leaves members to their defaults,
    # which is the point of `SseEvent{.data = "..."}`.
    -Wno-missing-field-initializers)
if(BATUTA_WERROR)
  list(APPEND BATUTA_WARNING_FLAGS -Werror)
endif()
