# BATUTA_SANITIZE="address;undefined" (debug preset) or "thread" (tsan preset).
if(BATUTA_SANITIZE)
  list(JOIN BATUTA_SANITIZE "," _batuta_san)
  add_compile_options(-fsanitize=${_batuta_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_batuta_san})
endif()
if("thread" IN_LIST BATUTA_SANITIZE)
  # g++ 12 warns that TSan does not model std::atomic_thread_fence, which libstdc++'s
  # shared_ptr uses inside Asio's handlers; the warning is about the tool, not our code.
  add_compile_options(-Wno-tsan)
endif()
