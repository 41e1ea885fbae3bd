-- A small sweep: a mark at 5 offsets after "nsel1: up", for two values of n;
-- the combination n=2, offset=30 fails on purpose (a check that cannot hold)
-- so that tests can see a sweep name the failing values and replay them.
local p = sweep { offset = { from = 0, to = 40, step = 10 }, n = { 1, 2 } }
machine { platform = "qemu-virt", images = { { file = "fw:test/monitor.elf" }, { file = "fw:test/sel1.elf" }, { file = "fw:test/nsel1.elf" } }, max_insns = 50000000 }
on { console = "nsel1: up", run = function()
  at { cpu = 0, after = p.offset, run = function() mark("offset " .. p.offset) end }
end }
run_until { halt = true }
if p.offset == 30 and p.n == 2 then expect { reg = "x0", cpu = 0, equals = 12345 } end
