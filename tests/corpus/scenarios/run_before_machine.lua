-- Malformed scenario: run_until before the machine is declared.
-- Expected: "run_before_machine.lua:4: run_until: called before machine{}".
local n = 0
run_until { halt = true }
machine {
    platform = "qemu-virt",
    images = { { file = "fw:test/monitor.elf" } },
}
