-- Malformed scenario: machine{} may be called once.
-- Expected: "two_machines.lua:7: machine: already declared at line 3".
machine {
    platform = "qemu-virt",
    images = { { file = "fw:test/monitor.elf" } },
}
machine {
    platform = "qemu-virt",
    images = { { file = "fw:test/sel1.elf" } },
}
