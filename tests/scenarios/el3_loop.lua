-- A guest that never finishes: the instruction limit stops it.
machine {
    platform = "qemu-virt",
    images = { { file = "fw:test/el3-loop.elf" } },
    max_insns = 300000,
}
