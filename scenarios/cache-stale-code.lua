-- Cache case 3, stale code (docs/caches.md, "Scenarios"): the normal world
-- (fw:cache-nwd/cache-nwd.elf, MMU and caches on) writes "mov w0, #1; ret"
-- at 0x42100000 with data stores (code_write), makes it executable the
-- architected way (DC CVAU, DSB, IC IVAU, DSB, ISB) and calls it
-- (code_call: 1); then overwrites it with "mov w0, #2; ret", cleans it to
-- the PoU (DC CVAU, DSB) and calls it again.
--   buggy (fixed = 0): only an ISB after the clean, no IC IVAU: the fetch
--     at 0x42100000 may hit the old instructions in the I-cache: rule 4,
--     stale instructions (code_write wrote, the fetch at 0x42100000 has no
--     symbol). In check mode the new code runs ("code returned 2"); with
--     --cache=faithful the old code runs, as it may on silicon: "code
--     returned 1 (STALE: ...)".
--   fixed (fixed = 1): IC IVAU, DSB, ISB: no finding, "code returned 2".
--
-- Buggy and fixed runs, the machine and the checks: lib/cache-case.lua.

local cc = include("lib/cache-case.lua")
local fixed = cc.machine(3,
    { "cache-nwd: first version returned 1",
      "cache-nwd: code returned " },       -- 2, or 1 when the old code ran
    { "cache-nwd: code returned 2 (the new code ran)" })
cc.run()

-- The first version, invalidated properly, is not reported.
cc.expect_findings(fixed, "IC IVAU after the rewrite", {
    { "rule = 4 and first_sym like 'code_write+%' and second_pc = 0x42100000",
      1, "the rewritten code fetched without IC IVAU (rule 4)" },
})
