-- EL3 writes a page it made read-only (firmware/test/el3/mmu_fault.c): a
-- permission fault at EL3, which ends the run with a guest error.
machine {
    platform = "qemu-virt",
    images = { { file = "fw:test/mmu-fault.elf" } },
    max_insns = 1000000,
}
run_until { halt = true }
