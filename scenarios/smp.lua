-- Two CPUs of the QEMU virt board: the normal-world payload brings up the
-- second core with PSCI CPU_ON and both cores make SMC round trips into the
-- secure world concurrently.
-- See docs/scenario-api.md for the language.

machine {
    platform = "qemu-virt",
    cpus = 2,
    max_insns = 50000000,
    images = {
        { file = "fw:test/monitor.elf" },
        { file = "fw:test/sel1.elf" },
        { file = "fw:test/nsel1-smp.elf" },
    },
    expect_console = {
        "sel1: up",
        "nsel1[1]: 100 round trips ok",
        "nsel1: smp ok",
    },
}

run_until { halt = true }
expect_console("nsel1: smp ok")
