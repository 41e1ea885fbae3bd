-- Memory-bound guest for bench/bench_mips --cache: 20,000,000 iterations of
-- a load, a store and five ALU/branch instructions at EL3 with the MMU and
-- caches on (firmware/test/el3/bench_mem.c), then SYSTEM_OFF.
machine {
    platform = "qemu-virt",
    images = { { file = "fw:test/bench-mem.elf" } },
    max_insns = 2000000000,
    expect_console = { "bench: done" },
}
