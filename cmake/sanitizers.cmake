# BATUTA_SANITIZE="address;undefined" (debug preset) or "thread" (tsan preset).
if(BATUTA_SANITIZE)
  list(JOIN BATUTA_SANITIZE "," _batuta_san)
  add_compile_options(-fsanitize=${_batuta_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_batuta_san})
endif()
