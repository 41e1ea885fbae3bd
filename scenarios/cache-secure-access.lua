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
-- Buggy and fixed runs, the machine and the checks: lib/cache-case.lua.

local cc = include("lib/cache-case.lua")
local fixed = cc.machine(5,
    { "cache-nwd: read 0x", "cache-nwd: wrote 0x4e570005, read back 0x" },
    { "cache-nwd: wrote 0x4e570005, read back 0x4e570005" })

-- The secure word as the secure world left it, just before the normal
-- world touches it (the TSP zeroes its .bss at boot).
local SECURE_WORD = 0x0e108000
local secure_before
on { console = "cache-nwd: case 5 (", run = function()
    secure_before = mem_read { addr = SECURE_WORD, size = 4 }
end }
cc.run()

-- The TZASC side has no first access.
cc.expect_findings(fixed, "the normal world's own RAM", {
    { "rule = 8 and second_sym like 'nw_read_word+%'", 1,
      "the TZASC blocked the non-secure loads (rule 8)" },
    { "rule = 8 and second_sym like 'nw_write_word+%'", 1,
      "the TZASC blocked the non-secure store (rule 8)" },
})
if not fixed then
    expect { mem = SECURE_WORD, size = 4, equals = secure_before,
             message = "buggy: the TZASC kept the secure word unchanged" }
end
