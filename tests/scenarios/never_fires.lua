-- A trigger at a PC the guest never reaches: the run reports it.
machine {
    platform = "qemu-virt",
    images = { { file = "fw:test/el3-loop.elf" } },
    max_insns = 100000,
}
on { pc = 0x0e0f0000, run = function() end }
run_until { insns = 50000 }
