-- Compute-bound guest for bench/bench_mips: 100,000,000 iterations of a few
-- ALU operations and a load/store at EL3 (firmware/test/el3/bench_loop.S),
-- then SYSTEM_OFF through the power controller.
machine {
    platform = "qemu-virt",
    images = { { file = "fw:test/bench-loop.elf" } },
    max_insns = 2000000000,
    expect_console = { "bench: done" },
}
