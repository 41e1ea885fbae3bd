-- Malformed scenario: a syntax error on line 5.
-- Expected: "syntax_error.lua:5: unexpected symbol near '='" at load time.
machine {
    platform = "qemu-virt",
    cpus = = 1,
    images = { { file = "fw:test/monitor.elf" } },
}
