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
-- Buggy and fixed runs, the machine and the checks: lib/cache-case.lua.

local cc = include("lib/cache-case.lua")
local fixed = cc.machine(1,
    { "cache-nwd: checksum " },            -- "ok (...)" or "MISMATCH got ... want ..."
    { "cache-nwd: checksum ok" })
cc.run()

expect { sql = cc.events("kind = 6 and fid = 0xF3000003 and a0 = 0"), equals = 1,
         message = "one CHECKSUM call returned TSP_OK" }
cc.expect_findings(fixed, "DC CVAC before the CHECKSUM", {
    { "rule = 1 and first_sym like 'shm_write_message+%' and second_sym like 'tsp_checksum+%'",
      1, "stale read of the message by the TSP (rule 1)" },
})
