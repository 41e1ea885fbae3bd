# The reference firmware: the EL3 monitor that boots real OP-TEE
# (firmware/monitor) and the normal-world payload that talks to it like the
# Linux OP-TEE driver (firmware/nwd). Included by firmware/guest/CMakeLists.txt,
# whose flags, common objects (console, string functions, EL1 vectors) and
# linker-script template (firmware/test/image.ld.in) it shares.
# Installed as ${CMAKE_INSTALL_PREFIX}/monitor/monitor.elf and nwd/nwd.elf.

set(REF_DIR ${CMAKE_CURRENT_LIST_DIR})

# ref_image(TARGET OUTPUT_NAME DEST BASE MAX_SIZE sources... [EL1])
function(ref_image target out dest base max_size)
  cmake_parse_arguments(ARG "EL1" "" "" ${ARGN})
  set(TZT_IMAGE ${out})
  set(TZT_BASE ${base})
  set(TZT_MAX_SIZE ${max_size})
  set(ld ${CMAKE_CURRENT_BINARY_DIR}/${target}.ld)
  configure_file(${TEST_DIR}/image.ld.in ${ld} @ONLY)

  set(objs $<TARGET_OBJECTS:tzt_common>)
  if(ARG_EL1)
    list(APPEND objs $<TARGET_OBJECTS:tzt_el1>)
  endif()
  add_executable(${target} ${ARG_UNPARSED_ARGUMENTS} ${objs})
  # A folder of its own: the test firmware also builds a monitor.elf.
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${out} SUFFIX ".elf"
                        LINK_DEPENDS ${ld}
                        RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/${dest})
  target_include_directories(${target} PRIVATE ${TEST_DIR}/include)
  target_compile_options(${target} PRIVATE ${TZT_C_FLAGS})
  target_link_options(${target} PRIVATE ${TZT_LINK_FLAGS} -T ${ld} -Wl,-Map=${target}.map)
  install(TARGETS ${target} RUNTIME DESTINATION ${dest})
endfunction()

# The monitor lives in secure SRAM below the handoff page (0x0e0ff000).
ref_image(ref-monitor monitor monitor 0x0e000000 0xff000
  ${REF_DIR}/monitor/entry.S ${REF_DIR}/monitor/monitor.c ${REF_DIR}/monitor/psci.c
  ${REF_DIR}/monitor/opteed.c ${REF_DIR}/monitor/context.c ${REF_DIR}/monitor/gic.c)
target_include_directories(ref-monitor PRIVATE ${REF_DIR}/monitor)

# The normal-world payload, up to OP-TEE's shared memory at 0x42000000.
# nwd-smp.elf also starts core 1 (PSCI CPU_ON) and uses OP-TEE from it.
set(NWD_SOURCES ${REF_DIR}/nwd/start.S ${REF_DIR}/nwd/mmu.c ${REF_DIR}/nwd/fdt.c
  ${REF_DIR}/nwd/optee.c ${REF_DIR}/nwd/nwd.c)
ref_image(nwd nwd nwd 0x40080000 0x1f80000 ${NWD_SOURCES} EL1)
ref_image(nwd-smp nwd-smp nwd 0x40080000 0x1f80000 ${NWD_SOURCES} EL1)
target_compile_definitions(nwd-smp PRIVATE NWD_SMP=1)
foreach(t nwd nwd-smp)
  target_include_directories(${t} PRIVATE ${REF_DIR}/nwd)
endforeach()

# The normal-world payload for the Raspberry Pi 4 platform (models/platforms/
# rpi4.dts): BL33 of Debian's TF-A BL31 for rpi4, entered at EL2 at 0x80000
# (BL31's BL33 address), up to 1 MiB. See firmware/nwd/rpi.c.
ref_image(nwd-rpi nwd-rpi nwd 0x80000 0x100000
  ${REF_DIR}/nwd/rpi_start.S ${REF_DIR}/nwd/rpi.c ${REF_DIR}/nwd/fdt.c)
target_include_directories(nwd-rpi PRIVATE ${REF_DIR}/nwd)
