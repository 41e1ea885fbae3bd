-- Malformed scenario: a string where an integer is needed.
-- Expected: "bad_type.lua:3: machine: 'cpus' must be an integer, got string".
machine {
    platform = "qemu-virt", cpus = "two",
    images = { { file = "fw:test/monitor.elf" } },
}
