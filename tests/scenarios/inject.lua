-- Injection: triggers on events, SMCs, PCs, console lines and instruction
-- counts; an SMC injected into the normal world; marks and checks.
machine {
    platform = "qemu-virt",
    images = {
        { file = "fw:test/monitor.elf" },
        { file = "fw:test/sel1.elf" },
        { file = "fw:test/nsel1.elf" },
    },
    max_insns = 50000000,
}

local switches = 0
on { event = "world_switch", every = true, run = function() switches = switches + 1 end }

local first_add
on { smc = 0xB2000001, when = "return", run = function(c)
    first_add = c.icount
    mark("first ADD returned")
end }

local at_insn
at { cpu = 0, insn = 100000, run = function(c) at_insn = c.icount end }

local echo
on { console = "nsel1: up", run = function()
    -- ECHO (0xB2000002) from the normal world, as if nsel1 issued it.
    smc { cpu = 0, fid = 0xB2000002, args = { 40, 2, 7, 9 }, on_return = function(r)
        echo = { r.x0, r.x1, r.x2, r.x3 }
    end }
end }

local pc_hits = 0
on { pc = "sel1_call_entry", every = true, run = function() pc_hits = pc_hits + 1 end }

run_until { halt = true }

assert(at_insn == 100000, "at: " .. tostring(at_insn))
assert(first_add, "no ADD return seen")
assert(echo and echo[1] == 40 and echo[2] == 2 and echo[3] == 7 and echo[4] == 9,
       "injected ECHO returned the wrong values")
expect_console("nsel1: 1000 round trips ok")
expect { sql = "select count(*) from events where kind = 4", equals = switches }
expect { sql = "select count(*) from events where kind = 12 and text = 'first ADD returned'", equals = 1 }
expect { sql = "select count(*) from events where kind = 5 and text = 'injected by the scenario'", equals = 1 }
expect { sql = "select count(*) from events where kind = 5 and from_ns = 1 and fid >= 2986344448 and fid < 2986344704", equals = pc_hits }
