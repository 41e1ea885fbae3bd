-- Cache case 4, DMA (docs/caches.md, "Scenarios"): the normal world
-- (fw:cache-nwd/cache-nwd.elf, MMU and caches on) drives the DMA engine at
-- 0x09100000 (tzsim,dma: a non-coherent bus master, polled to completion).
--   (a) it looks at the destination 0x42020000 (dma_dst_peek: clean copies
--       in its L1D), writes 256 bytes of source at 0x42010000 through its
--       cache (dma_src_write), copies them with the engine and reads the
--       destination back (dma_dst_read): "dma ok" / "dma MISMATCH ...";
--   (b) it writes the destination 0x42030000 through its cache
--       (dma_dst_dirty: dirty lines), copies a cleaned source at 0x42040000
--       over it and reads it back: "dma into dirty lines ok" / "... MISMATCH".
--   buggy (fixed = 0): no maintenance. (a) the engine reads the source from
--     memory while it is dirty in the L1D: rule 1, stale read
--     (dma_src_write -> dma@9100000); the CPU reads the destination from
--     its stale clean copies: rule 2, stale cached read (dma@9100000 ->
--     dma_dst_read). (b) the engine writes lines the L1D holds dirty, whose
--     write-back would overwrite them: rule 7, overwritten write
--     (dma_dst_dirty -> dma@9100000). With --cache=faithful both reads
--     print MISMATCH.
--   fixed (fixed = 1): (a) DC CVAC on the source before START, DC IVAC on the
--     destination after DONE; (b) DC CIVAC on the destination before START,
--     DC IVAC after DONE; DSBs after each: no finding, both "ok".
--
-- Buggy and fixed runs, the machine and the checks: lib/cache-case.lua.

local cc = include("lib/cache-case.lua")
local fixed = cc.machine(4,
    { "cache-nwd: DMA 0x42010000 -> 0x42020000 len 256 done after ",
      "cache-nwd: DMA 0x42040000 -> 0x42030000 len 256 done after ",
      "cache-nwd: dma into dirty lines " },  -- "ok" or "MISMATCH at ..."
    { "cache-nwd: dma ok", "cache-nwd: dma into dirty lines ok" })
cc.run()

expect { sql = cc.events("kind in (10, 15)"), equals = 0, message = "no guest or MMIO errors" }
-- The engine's side has no symbol: it is named by its device (dma@9100000).
cc.expect_findings(fixed, "the cleans and invalidates around both transfers", {
    { "rule = 1 and first_sym like 'dma_src_write+%' and second_who like 'dma@%'",
      1, "the engine read a source dirty in the L1D (rule 1)" },
    { "rule = 2 and first_who like 'dma@%' and second_sym like 'dma_dst_read+%'",
      1, "stale cached read of the destination (rule 2)" },
    { "rule = 7 and first_sym like 'dma_dst_dirty+%' and second_who like 'dma@%'",
      1, "the engine wrote lines dirty in the L1D (rule 7)" },
})
