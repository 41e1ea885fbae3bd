-- run_until stops at exact instruction counts and virtual times, whatever the
-- quantum and wherever translation blocks end.
machine {
    platform = "qemu-virt",
    images = { { file = "fw:test/bench-loop.elf" } },
    max_insns = 100000000,
}
local r = run_until { insns = 12345 }
assert(r.icount == 12345, "icount " .. r.icount)
assert(r.stop == "scenario")
r = run_until { insns = 1000003 }
assert(r.icount == 1012348, "icount " .. r.icount)
r = run_until { time_ns = 2000001 }
assert(r.vtime_ns == 2000001, "vtime " .. r.vtime_ns)
assert(r.icount == 2000001, "icount " .. r.icount)
