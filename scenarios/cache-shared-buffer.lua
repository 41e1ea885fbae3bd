-- Cache case 1, the shared buffer (docs/caches.md, "Scenarios"): the normal
-- world, its MMU and caches on (fw:cache-nwd/cache-nwd.elf), writes a
-- 256-byte message into the shared memory at 0x42000000 through its data
-- cache and asks the secure test payload (fw:tsp/tsp.elf, MMU off: it reads
-- the buffer uncached) for its FNV-1a with CHECKSUM (fid 0xF3000003).
--   buggy (fixed = 0): no clean. The message is still dirty in cpu0's L1D
--     when tsp_checksum reads memory: rule 1, stale read, between
--     shm_write_message (the store) and tsp_checksum (the load). With
--     --cache=faithful the TSP really reads the stale memory and the normal
--     world prints "checksum MISMATCH".
--   fixed (fixed = 1): DC CVAC over the buffer and a DSB before the SMC:
--     no finding, "checksum ok" in every mode.
--
-- One file, two runs: a sweep over `fixed` (run 1 buggy, run 2 fixed).
--   tzsim run scenarios/cache-shared-buffer.lua --db /tmp/x.db [-j 2]
--   tzsim replay /tmp/x.db --run 1                 # the buggy run alone
-- The findings checks need the memory system: the machine's cache = "check"
-- below, or --cache=check|faithful. With --cache=off there are no findings
-- (the buggy run fails those checks), but every run behaves, and prints, as
-- the fixed one.

local p = sweep { fixed = { 0, 1 } }
local CASE = 1
local fixed = p.fixed == 1

local console = {
    "cache-nwd: up on core 0, case 1, " .. (fixed and "fixed" or "buggy") .. " variant",
    "cache-nwd: MMU and caches on",
    "cache-nwd: checksum ",                 -- "ok (...)" or "MISMATCH got ... want ..."
    "cache-nwd: case 1 done",
    "cache-nwd: done",
    "tsp: system off",
}
if fixed then
    console[#console + 1] = "cache-nwd: checksum ok"
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

-- The TSP served the CHECKSUM call (status 0).
expect { sql = "select count(*) from events where run = (select max(id) from runs)" ..
               " and kind = 6 and fid = 0xF3000003 and a0 = 0",
         equals = 1, message = "one CHECKSUM call returned TSP_OK" }

-- Findings of this run: a finding is one pair of code sites (the same rule
-- with the same PCs on both sides, however many lines it touched), so the
-- counts below are exact.
local RUN = "run = (select max(id) from runs)"
local function sites(where)
    return "select count(*) from findings where " .. RUN .. " and (" .. where .. ")"
end

if fixed then
    expect { sql = "select count(*) from findings where " .. RUN, equals = 0,
             message = "fixed: DC CVAC before the CHECKSUM leaves nothing to report" }
else
    -- Exactly one finding: rule 1, shm_write_message -> tsp_checksum.
    expect { sql = sites("rule = 1 and first_sym like 'shm_write_message+%'" ..
                         " and second_sym like 'tsp_checksum+%'"),
             equals = 1, message = "buggy: stale read of the message by the TSP (rule 1)" }
    expect { sql = sites("1"), equals = 1, message = "buggy: no other finding" }
end
