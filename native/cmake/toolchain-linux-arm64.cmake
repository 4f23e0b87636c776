# Cross-compiling jipc's C parts for linux-arm64 (JavaCPP platform linux-arm64,
# NAR AOL aarch64-Linux-gpp) from an x86_64 Debian/Ubuntu machine.
#
# Needs: apt-get install gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user-static
#
# Test executables run through qemu: binfmt_misc is usually not set up in
# containers, so ctest starts every test binary as
# `qemu-aarch64-static -L /usr/aarch64-linux-gnu <test>`.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(JIPC_CROSS_TRIPLE aarch64-linux-gnu)
set(JIPC_CROSS_SYSROOT /usr/${JIPC_CROSS_TRIPLE})

set(CMAKE_C_COMPILER ${JIPC_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${JIPC_CROSS_TRIPLE}-g++)

# Look for headers and libraries of the target only; programs of the host.
set(CMAKE_FIND_ROOT_PATH ${JIPC_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static;-L;${JIPC_CROSS_SYSROOT})
