# The normal-world payload of the cache scenarios (firmware/cache-nwd:
# cache-nwd.elf, NS-EL1 at 0x40080000 with its MMU and caches on), booted by
# the reference monitor (firmware/monitor) beside the secure test payload
# (firmware/tsp). Included at the end of firmware/guest/CMakeLists.txt, whose
# flags (TZT_C_FLAGS, TZT_LINK_FLAGS), common objects (tzt_common, tzt_el1)
# and linker-script template (firmware/test/image.ld.in) it uses. Installed
# as ${CMAKE_INSTALL_PREFIX}/cache-nwd/cache-nwd.elf (fw:cache-nwd/cache-nwd.elf
# in scenarios: scenarios/cache-*.lua).

set(CACHE_NWD_FW_DIR ${CMAKE_CURRENT_LIST_DIR})

set(TZT_IMAGE cache-nwd)
set(TZT_BASE 0x40080000)
# Normal DRAM from +512 KiB, below the shared memory at 0x42000000.
set(TZT_MAX_SIZE 0x1f80000)
set(CACHE_NWD_LD ${CMAKE_CURRENT_BINARY_DIR}/cache-nwd.ld)
configure_file(${TEST_DIR}/image.ld.in ${CACHE_NWD_LD} @ONLY)

add_executable(cache-nwd
  ${CACHE_NWD_FW_DIR}/cache-nwd/start.S ${CACHE_NWD_FW_DIR}/cache-nwd/cache_nwd.c
  $<TARGET_OBJECTS:tzt_common> $<TARGET_OBJECTS:tzt_el1>)
# A folder of its own, as the other included images have.
set_target_properties(cache-nwd PROPERTIES SUFFIX ".elf" LINK_DEPENDS ${CACHE_NWD_LD}
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/cache-nwd-out)
target_include_directories(cache-nwd PRIVATE ${TEST_DIR}/include ${CACHE_NWD_FW_DIR}/tsp)
target_compile_options(cache-nwd PRIVATE ${TZT_C_FLAGS})
target_link_options(cache-nwd PRIVATE ${TZT_LINK_FLAGS} -T ${CACHE_NWD_LD}
                    -Wl,-Map=cache-nwd.map)
install(TARGETS cache-nwd RUNTIME DESTINATION cache-nwd)
