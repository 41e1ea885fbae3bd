-- Cache case 3, stale code (docs/caches.md, "Scenarios"): the normal world
-- (fw:cache-nwd/cache-nwd.elf, MMU and caches on) writes "mov w0, #1; ret"
-- at 0x42100000 with data stores (code_write), makes it executable the
-- architected way (DC CVAU, DSB, IC IVAU, DSB, ISB) and calls it
-- (code_call: 1); then overwrites it with "mov w0, #2; ret", cleans it to
-- the PoU (DC CVAU, DSB) and calls it again.
--   buggy (fixed = 0): only an ISB after the clean, no IC IVAU: the fetch
--     at 0x42100000 may hit the old instructions in the I-cache: rule 4,
--     stale instructions (code_write wrote, the fetch at 0x42100000 has no
--     symbol). tzsim then really runs the old code, in check mode too
--     (docs/caches.md: IC IVAU is what drops tzsim's translated code):
--     "code returned 1 (STALE: ...)"; with --cache=off it returns 2.
--   fixed (fixed = 1): IC IVAU, DSB, ISB: no finding, "code returned 2".
--
-- One file, two runs: a sweep over `fixed` (run 1 buggy, run 2 fixed).
--   tzsim run scenarios/cache-stale-code.lua --db /tmp/x.db [-j 2]
--   tzsim replay /tmp/x.db --run 1                 # the buggy run alone
-- The findings checks need the memory system: the machine's cache = "check"
-- below, or --cache=check|faithful. With --cache=off there are no findings
-- (the buggy run fails those checks), but every run behaves, and prints, as
-- the fixed one.

local p = sweep { fixed = { 0, 1 } }
local CASE = 3
local fixed = p.fixed == 1

local console = {
    "cache-nwd: up on core 0, case 3, " .. (fixed and "fixed" or "buggy") .. " variant",
    "cache-nwd: MMU and caches on",
    "cache-nwd: first version returned 1",
    "cache-nwd: code returned ",            -- 2, or 1 when the old code ran
    "cache-nwd: case 3 done",
    "cache-nwd: done",
    "tsp: system off",
}
if fixed then
    console[#console + 1] = "cache-nwd: code returned 2 (the new code ran)"
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
             message = "fixed: IC IVAU after the rewrite leaves nothing to report" }
else
    -- one site, rule 4, code_write -> the fetch at 0x42100000
    -- (the first version, invalidated properly, is not reported).
    expect { sql = sites("rule = 4 and first_sym like 'code_write+%'" ..
                         " and second_pc = 0x42100000"),
             equals = 1, message = "buggy: the rewritten code fetched without IC IVAU (rule 4)" }
    expect { sql = sites("1"), equals = 1, message = "buggy: no other finding" }
end
