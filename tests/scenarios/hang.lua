-- A monitor that never returns to the normal world: the secure payload is
-- patched to spin at its call entry; the instruction limit ends the run with
-- a register dump and the last trace events.
machine { platform = "qemu-virt", images = { { file = "fw:test/monitor.elf" }, { file = "fw:test/sel1.elf" }, { file = "fw:test/nsel1.elf" } }, max_insns = 200000 }
-- the monitor never returns to the normal world: make sel1's call entry spin
on { smc = 0xB2000001, run = function() mem_write { addr = symbol("sel1_call_entry"), value = 0x14000000, size = 4 } end }
run_until { halt = true }
