# The secure test payload (firmware/tsp: tsp.elf, S-EL1 at 0x0e100000, where
# OP-TEE goes) and its normal-world client (firmware/tsp-nwd: nwd-tsp.elf,
# NS-EL1 at 0x40080000), both run by the reference monitor
# (firmware/monitor). Included at the end of firmware/guest/CMakeLists.txt,
# whose flags (TZT_C_FLAGS, TZT_LINK_FLAGS), common objects (tzt_common,
# tzt_el1) and linker-script template (firmware/test/image.ld.in) it uses.
# Installed as ${CMAKE_INSTALL_PREFIX}/tsp/tsp.elf and tsp/nwd-tsp.elf
# (fw:tsp/tsp.elf, fw:tsp/nwd-tsp.elf in scenarios).

set(TSP_SRC_DIR ${CMAKE_CURRENT_LIST_DIR})

# tsp_fw_image(TARGET OUTPUT_NAME BASE MAX_SIZE sources...): OUTPUT_NAME.elf
# linked at BASE, built in a folder of its own (the test firmware builds a
# monitor.elf and others in the same build tree).
function(tsp_fw_image target out base max_size)
  set(TZT_IMAGE ${out})
  set(TZT_BASE ${base})
  set(TZT_MAX_SIZE ${max_size})
  set(ld ${CMAKE_CURRENT_BINARY_DIR}/${target}.ld)
  configure_file(${TEST_DIR}/image.ld.in ${ld} @ONLY)
  add_executable(${target} ${ARGN}
    $<TARGET_OBJECTS:tzt_common> $<TARGET_OBJECTS:tzt_el1>)
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${out} SUFFIX ".elf"
                        LINK_DEPENDS ${ld}
                        RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/tsp-out/${target})
  target_include_directories(${target} PRIVATE ${TEST_DIR}/include ${TSP_SRC_DIR}/tsp)
  target_compile_options(${target} PRIVATE ${TZT_C_FLAGS})
  target_link_options(${target} PRIVATE ${TZT_LINK_FLAGS} -T ${ld} -Wl,-Map=${target}.map)
  install(TARGETS ${target} RUNTIME DESTINATION tsp)
endfunction()

# Secure DRAM, 15 MiB.
tsp_fw_image(tsp tsp 0x0e100000 0xf00000
  ${TSP_SRC_DIR}/tsp/entry.S ${TSP_SRC_DIR}/tsp/tsp.c ${TSP_SRC_DIR}/tsp/gic.c)

# Normal DRAM from +512 KiB, below the shared memory at 0x42000000.
tsp_fw_image(nwd-tsp nwd-tsp 0x40080000 0x1f80000
  ${TSP_SRC_DIR}/tsp-nwd/start.S ${TSP_SRC_DIR}/tsp-nwd/nwd_tsp.c)
