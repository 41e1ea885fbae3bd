# Third-party dependencies. Unicorn must be 2.1 or newer: Debian bookworm's
# 2.0.1 keeps translating with a stale exception level after the host writes
# PSTATE (so tzsim cannot perform exception entry), takes ~150 ns per guest
# store, and fails with the MMU on when VA != PA. scripts/setup.sh unpacks
# Debian trixie's 2.1.x into third_party/unicorn when the system's is older.
find_package(PkgConfig REQUIRED)

set(TZSIM_UNICORN_ROOT "${CMAKE_SOURCE_DIR}/third_party/unicorn/root/usr" CACHE PATH
    "Unicorn unpacked by scripts/setup.sh")
set(_uc_pc "${TZSIM_UNICORN_ROOT}/lib/x86_64-linux-gnu/pkgconfig")
if(EXISTS "${_uc_pc}/unicorn.pc")
  # The .pc file names /usr as prefix; point pkg-config at the unpacked tree.
  set(ENV{PKG_CONFIG_PATH} "${_uc_pc}:$ENV{PKG_CONFIG_PATH}")
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
  find_path(UNICORN_INCLUDE_DIR unicorn/unicorn.h PATHS "${TZSIM_UNICORN_ROOT}/include" NO_DEFAULT_PATH)
  find_library(UNICORN_LIBRARY NAMES libunicorn.so.2 unicorn
               PATHS "${TZSIM_UNICORN_ROOT}/lib/x86_64-linux-gnu" NO_DEFAULT_PATH)
  file(STRINGS "${_uc_pc}/unicorn.pc" _uc_ver_line REGEX "^Version:")
  string(REGEX REPLACE "^Version: *" "" UNICORN_VERSION "${_uc_ver_line}")
else()
  pkg_check_modules(UC QUIET unicorn)
  find_path(UNICORN_INCLUDE_DIR unicorn/unicorn.h)
  find_library(UNICORN_LIBRARY unicorn)
  set(UNICORN_VERSION "${UC_VERSION}")
endif()
if(NOT UNICORN_INCLUDE_DIR OR NOT UNICORN_LIBRARY)
  message(FATAL_ERROR "Unicorn not found. Run scripts/setup.sh first (it provides Unicorn 2.1+).")
endif()
if(UNICORN_VERSION VERSION_LESS 2.1)
  message(FATAL_ERROR
    "Unicorn ${UNICORN_VERSION} found at ${UNICORN_LIBRARY}, but tzsim needs 2.1 or newer: "
    "2.0.x does not rebuild its cached exception level after PSTATE is written (no host-side "
    "exception entry), is ~150 ns per guest store, and fails with the MMU on when VA != PA. "
    "Run scripts/setup.sh, which unpacks Debian trixie's 2.1.x into third_party/unicorn.")
endif()
message(STATUS "Unicorn ${UNICORN_VERSION}: ${UNICORN_LIBRARY}")
add_library(unicorn SHARED IMPORTED GLOBAL)
set_target_properties(unicorn PROPERTIES IMPORTED_LOCATION "${UNICORN_LIBRARY}"
                      INTERFACE_INCLUDE_DIRECTORIES "${UNICORN_INCLUDE_DIR}")
get_filename_component(UNICORN_LIBDIR "${UNICORN_LIBRARY}" DIRECTORY)
set(CMAKE_BUILD_RPATH "${UNICORN_LIBDIR}")
set(CMAKE_INSTALL_RPATH "${UNICORN_LIBDIR}")

# Debian bookworm's libfdt-dev ships no pkg-config file.
find_path(FDT_INCLUDE_DIR libfdt.h REQUIRED)
find_library(FDT_LIBRARY fdt REQUIRED)
add_library(PkgConfig::FDT UNKNOWN IMPORTED GLOBAL)
set_target_properties(PkgConfig::FDT PROPERTIES IMPORTED_LOCATION "${FDT_LIBRARY}"
                      INTERFACE_INCLUDE_DIRECTORIES "${FDT_INCLUDE_DIR}")
pkg_check_modules(SQLITE REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LUA REQUIRED IMPORTED_TARGET lua5.4)
pkg_check_modules(CAPSTONE REQUIRED IMPORTED_TARGET capstone)
find_program(DTC dtc REQUIRED)
find_program(AARCH64_CC aarch64-linux-gnu-gcc REQUIRED)
