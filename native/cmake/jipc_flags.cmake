# Compiler settings shared by every C part of jipc (shims, peers, benchmarks).
set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)
set(CMAKE_C_EXTENSIONS OFF)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release)
endif()
add_compile_definitions(_GNU_SOURCE)
add_compile_options(-Wall -Wextra -Werror -fvisibility=hidden)
# -DJIPC_SANITIZE=address,undefined builds with those sanitizers (.ci/sanitize):
# every finding stops the program (no recovery), with frame pointers for the
# reports' stacks.
set(JIPC_SANITIZE "" CACHE STRING "sanitizers to build with, e.g. address,undefined; empty for none")
if(JIPC_SANITIZE)
  add_compile_options(-fsanitize=${JIPC_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all -g)
  add_link_options(-fsanitize=${JIPC_SANITIZE})
endif()
