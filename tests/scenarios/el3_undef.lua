-- A guest that executes an undefined instruction at EL3.
machine {
    platform = "qemu-virt",
    images = { { file = "fw:test/el3-undef.elf" } },
    max_insns = 1000000,
}
