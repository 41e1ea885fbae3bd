-- Cache case 2, the response (docs/caches.md, "Scenarios"): the normal
-- world (fw:cache-nwd/cache-nwd.elf, MMU and caches on) reads a 256-byte
-- buffer at 0x42001000 in the shared memory, so its lines are in cpu0's L1D,
-- then asks the secure test payload (fw:tsp/tsp.elf, MMU off) to FILL it
-- (fid 0xF3000005: a pattern derived from x3, written with uncached
-- Device stores) and reads the answer back.
--   buggy (fixed = 0): no maintenance. The TSP's uncached stores hit lines
--     the normal world holds cached: rule 5, mismatched attributes
--     (shm_read_buffer brought the line in, tsp_fill writes it); the read
--     back hits the clean copies, older than memory: rule 2, stale cached
--     read (tsp_fill wrote, shm_read_back reads). With --cache=faithful the
--     normal world really reads the old bytes: "response MISMATCH".
--   fixed (fixed = 1): DC CIVAC over the buffer before the SMC (no copy
--     while the TSP writes) and DC IVAC after it (drop lines fetched
--     meanwhile), each followed by a DSB: no finding, "response ok".
--
-- One file, two runs: a sweep over `fixed` (run 1 buggy, run 2 fixed).
--   tzsim run scenarios/cache-response.lua --db /tmp/x.db [-j 2]
--   tzsim replay /tmp/x.db --run 1                 # the buggy run alone
-- The findings checks need the memory system: the machine's cache = "check"
-- below, or --cache=check|faithful. With --cache=off there are no findings
-- (the buggy run fails those checks), but every run behaves, and prints, as
-- the fixed one.

local p = sweep { fixed = { 0, 1 } }
local CASE = 2
local fixed = p.fixed == 1

local console = {
    "cache-nwd: up on core 0, case 2, " .. (fixed and "fixed" or "buggy") .. " variant",
    "cache-nwd: MMU and caches on",
    "cache-nwd: response ",                 -- "ok" or "MISMATCH at ..."
    "cache-nwd: case 2 done",
    "cache-nwd: done",
    "tsp: system off",
}
if fixed then
    console[#console + 1] = "cache-nwd: response ok"
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

-- The TSP served the FILL call (status 0, x1 = the length).
expect { sql = "select count(*) from events where run = (select max(id) from runs)" ..
               " and kind = 6 and fid = 0xF3000005 and a0 = 0 and a1 = 256",
         equals = 1, message = "one FILL call returned TSP_OK" }

-- Findings of this run: a finding is one pair of code sites (the same rule
-- with the same PCs on both sides, however many lines it touched), so the
-- counts below are exact.
local RUN = "run = (select max(id) from runs)"
local function sites(where)
    return "select count(*) from findings where " .. RUN .. " and (" .. where .. ")"
end

if fixed then
    expect { sql = "select count(*) from findings where " .. RUN, equals = 0,
             message = "fixed: DC CIVAC before the FILL and DC IVAC after it leave nothing to report" }
else
    -- two sites, one per rule.
    expect { sql = sites("rule = 5 and first_sym like 'shm_read_buffer+%'" ..
                         " and second_sym like 'tsp_fill+%'"),
             equals = 1, message = "buggy: uncached FILL over lines cached by the normal world (rule 5)" }
    expect { sql = sites("rule = 2 and first_sym like 'tsp_fill+%'" ..
                         " and second_sym like 'shm_read_back+%'"),
             equals = 1, message = "buggy: stale cached read of the response (rule 2)" }
    expect { sql = sites("1"), equals = 2, message = "buggy: no other finding" }
end
