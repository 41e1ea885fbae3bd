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
-- Buggy and fixed runs, the machine and the checks: lib/cache-case.lua.

local cc = include("lib/cache-case.lua")
local fixed = cc.machine(2,
    { "cache-nwd: response " },            -- "ok" or "MISMATCH at ..."
    { "cache-nwd: response ok" })
cc.run()

expect { sql = cc.events("kind = 6 and fid = 0xF3000005 and a0 = 0 and a1 = 256"), equals = 1,
         message = "one FILL call returned TSP_OK" }
cc.expect_findings(fixed, "DC CIVAC before the FILL and DC IVAC after it", {
    { "rule = 5 and first_sym like 'shm_read_buffer+%' and second_sym like 'tsp_fill+%'",
      1, "uncached FILL over lines cached by the normal world (rule 5)" },
    { "rule = 2 and first_sym like 'tsp_fill+%' and second_sym like 'shm_read_back+%'",
      1, "stale cached read of the response (rule 2)" },
})
