-- A short scenario for bench/bench_sweep: boot both worlds and stop shortly
-- after the normal world is up, with a mark at a swept instruction offset.
local p = sweep { offset = { from = 0, to = 199 } }
machine {
    platform = "qemu-virt",
    images = {
        { file = "fw:test/monitor.elf" },
        { file = "fw:test/sel1.elf" },
        { file = "fw:test/nsel1.elf" },
    },
    max_insns = 10000000,
}
on { console = "nsel1: up", run = function()
    at { cpu = 0, after = p.offset, run = function() mark("offset") end }
end }
run_until { console = "1000 round trips ok" }
