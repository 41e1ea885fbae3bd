# CMake toolchain file for tzsim's guest firmware: bare-metal AArch64 with
# Debian's cross compiler (package gcc-aarch64-linux-gnu). No libc is used;
# the flags that make the code freestanding are set by firmware/guest.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(TZSIM_CROSS_PREFIX "aarch64-linux-gnu-" CACHE STRING "Prefix of the AArch64 cross tools")

find_program(CMAKE_C_COMPILER NAMES ${TZSIM_CROSS_PREFIX}gcc REQUIRED)
set(CMAKE_ASM_COMPILER "${CMAKE_C_COMPILER}")
find_program(CMAKE_OBJCOPY NAMES ${TZSIM_CROSS_PREFIX}objcopy)
find_program(CMAKE_OBJDUMP NAMES ${TZSIM_CROSS_PREFIX}objdump)
find_program(CMAKE_AR NAMES ${TZSIM_CROSS_PREFIX}ar)
find_program(CMAKE_RANLIB NAMES ${TZSIM_CROSS_PREFIX}ranlib)

# The compiler checks cannot link an executable without start files.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# Never look for host libraries or headers.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
