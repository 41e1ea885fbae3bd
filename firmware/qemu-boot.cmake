# The boot stub of the QEMU differential check (firmware/qemu-boot/,
# docs/differential.md): copies the images from QEMU virt's secure flash
# into RAM and enters the reference monitor. Included by
# firmware/guest/CMakeLists.txt; installed as
# ${CMAKE_INSTALL_PREFIX}/qemu-boot/qemu-boot.elf.
# tests/differential/run_qemu.sh turns it into the flash image at test time.

set(QEMU_BOOT_DIR ${CMAKE_CURRENT_LIST_DIR}/qemu-boot)

add_executable(qemu-boot ${QEMU_BOOT_DIR}/start.S)
set_target_properties(qemu-boot PROPERTIES SUFFIX ".elf"
                      LINK_DEPENDS ${QEMU_BOOT_DIR}/qemu-boot.ld
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/qemu-boot)
target_compile_options(qemu-boot PRIVATE ${TZT_C_FLAGS})
target_link_options(qemu-boot PRIVATE ${TZT_LINK_FLAGS} -T ${QEMU_BOOT_DIR}/qemu-boot.ld
                    -Wl,-Map=qemu-boot.map)
install(TARGETS qemu-boot RUNTIME DESTINATION qemu-boot)
