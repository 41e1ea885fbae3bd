-- The default scenario: one CPU of the QEMU virt board running the reference
-- firmware: the EL3 monitor (firmware/test/monitor), the secure-EL1 test
-- payload (sel1) and the normal-world payload (nsel1), which makes 1000 SMC
-- round trips into the secure world and powers the system off.
-- See docs/scenario-api.md for the language.

machine {
    platform = "qemu-virt",
    cpus = 1,
    max_insns = 50000000,
    images = {
        { file = "fw:test/monitor.elf" },
        { file = "fw:test/sel1.elf" },
        { file = "fw:test/nsel1.elf" },
    },
    -- Checked after the run ends.
    expect_console = {
        "sel1: up",
        "nsel1: up",
        "nsel1: 1000 round trips ok",
    },
}

run_until { halt = true }
expect_console("nsel1: 1000 round trips ok")
