-- Cache case 5, secure memory (docs/caches.md, "Scenarios"): the normal
-- world (fw:cache-nwd/cache-nwd.elf, MMU and caches on; it maps the secure
-- DRAM 0x0e000000..0x0fffffff as Normal memory too) reads a word, writes
-- 0x4e570005 to it and reads it back (nw_read_word, nw_write_word).
--   buggy (fixed = 0): the word is 0x0e108000, in the secure DRAM of the
--     TSP (one of its per-core stacks). The TZASC blocks the non-secure
--     accesses (read as zero, write ignored): rule 8, tzasc-blocked, once
--     for the loads (nw_read_word) and once for the store (nw_write_word);
--     "read back 0x00000000", and the secure word keeps its value. With
--     --cache=off there is no TZASC: the write lands in secure memory.
--   fixed (fixed = 1): the word is in the normal world's own RAM: no
--     finding, "read back 0x4e570005".
--
-- One file, two runs: a sweep over `fixed` (run 1 buggy, run 2 fixed).
--   tzsim run scenarios/cache-secure-access.lua --db /tmp/x.db [-j 2]
--   tzsim replay /tmp/x.db --run 1                 # the buggy run alone
-- The findings checks need the memory system: the machine's cache = "check"
-- below, or --cache=check|faithful. With --cache=off there are no findings
-- (the buggy run fails those checks), but every run behaves, and prints, as
-- the fixed one.

local p = sweep { fixed = { 0, 1 } }
local CASE = 5
local fixed = p.fixed == 1

local console = {
    "cache-nwd: up on core 0, case 5, " .. (fixed and "fixed" or "buggy") .. " variant",
    "cache-nwd: MMU and caches on",
    "cache-nwd: read 0x",
    "cache-nwd: wrote 0x4e570005, read back 0x",
    "cache-nwd: case 5 done",
    "cache-nwd: done",
    "tsp: system off",
}
if fixed then
    console[#console + 1] = "cache-nwd: wrote 0x4e570005, read back 0x4e570005"
end

machine {
    platform = "qemu-virt-gicv3",
    cpus = 1,
    cache = "check",
    max_insns = 20000000,
    images = {
        { file = "fw:monitor/monitor.elf" },
        { file = "fw:tsp/tsp.elf" },
        { file = "fw:cache-nwd/cache-nwd.elf" },
    },
    guest_dtb = { addr = 0x40000000 },
    handoff = {
        addr = 0x0e0ff000,
        bl32_entry = 0x0e100000,   -- tsp.elf
        bl33_entry = 0x40080000,   -- cache-nwd.elf
        bl33_el = 1,
        dtb = 0x40000000,
    },
    expect_console = console,
}

-- The case and the variant: two words of cache-nwd's .data, written into
-- guest RAM before the machine runs (mem_write creates the machine).
mem_write { addr = symbol("cache_case"), size = 4, value = CASE }
mem_write { addr = symbol("cache_fixed"), size = 4, value = p.fixed }

-- The secure word as the secure world left it, just before the normal
-- world touches it (the TSP zeroes its .bss at boot).
local SECURE_WORD = 0x0e108000
local secure_before
on { console = "cache-nwd: case 5 (", run = function()
    secure_before = mem_read { addr = SECURE_WORD, size = 4 }
end }

local r = run_until { halt = true }
assert(r.stop == "system_off", "the guest did not power off: " .. r.stop)

-- Findings of this run: a finding is one pair of code sites (the same rule
-- with the same PCs on both sides, however many lines it touched), so the
-- counts below are exact.
local RUN = "run = (select max(id) from runs)"
local function sites(where)
    return "select count(*) from findings where " .. RUN .. " and (" .. where .. ")"
end

if fixed then
    expect { sql = "select count(*) from findings where " .. RUN, equals = 0,
             message = "fixed: the normal world's own RAM is not the TZASC's business" }
else
    -- two sites, the load and the store (the TZASC side has no
    -- first access).
    expect { sql = sites("rule = 8 and second_sym like 'nw_read_word+%'"),
             equals = 1, message = "buggy: the TZASC blocked the non-secure loads (rule 8)" }
    expect { sql = sites("rule = 8 and second_sym like 'nw_write_word+%'"),
             equals = 1, message = "buggy: the TZASC blocked the non-secure store (rule 8)" }
    expect { sql = sites("1"), equals = 2, message = "buggy: no other finding" }
    -- The store did not reach the secure world.
    expect { mem = SECURE_WORD, size = 4, equals = secure_before,
             message = "buggy: the TZASC kept the secure word unchanged" }
end
