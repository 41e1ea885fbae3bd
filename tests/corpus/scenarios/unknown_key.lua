-- Malformed scenario: a misspelt machine{} key. The error names the line of
-- the machine{} call (4), not the line of the key.
-- Expected: "unknown_key.lua:4: machine: unknown key 'cpu_count'".
machine {
    platform = "qemu-virt",
    cpu_count = 2,
    images = { { file = "fw:test/monitor.elf" } },
}
