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
-- One file, two runs: a sweep over `fixed` (run 1 buggy, run 2 fixed).
--   tzsim run scenarios/cache-dma.lua --db /tmp/x.db [-j 2]
--   tzsim replay /tmp/x.db --run 1                 # the buggy run alone
-- The findings checks need the memory system: the machine's cache = "check"
-- below, or --cache=check|faithful. With --cache=off there are no findings
-- (the buggy run fails those checks), but every run behaves, and prints, as
-- the fixed one.

local p = sweep { fixed = { 0, 1 } }
local CASE = 4
local fixed = p.fixed == 1

local console = {
    "cache-nwd: up on core 0, case 4, " .. (fixed and "fixed" or "buggy") .. " variant",
    "cache-nwd: MMU and caches on",
    "cache-nwd: DMA 0x42010000 -> 0x42020000 len 256 done after ",
    "cache-nwd: DMA 0x42040000 -> 0x42030000 len 256 done after ",
    "cache-nwd: dma into dirty lines ",     -- "ok" or "MISMATCH at ..."
    "cache-nwd: case 4 done",
    "cache-nwd: done",
    "tsp: system off",
}
if fixed then
    console[#console + 1] = "cache-nwd: dma ok"
    console[#console + 1] = "cache-nwd: dma into dirty lines ok"
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

-- Nothing went wrong at the DMA engine or another device.
expect { sql = "select count(*) from events where run = (select max(id) from runs)" ..
               " and kind in (10, 15)",
         equals = 0, message = "no guest or MMIO errors" }

-- Findings of this run: a finding is one pair of code sites (the same rule
-- with the same PCs on both sides, however many lines it touched), so the
-- counts below are exact.
local RUN = "run = (select max(id) from runs)"
local function sites(where)
    return "select count(*) from findings where " .. RUN .. " and (" .. where .. ")"
end

if fixed then
    expect { sql = "select count(*) from findings where " .. RUN, equals = 0,
             message = "fixed: the cleans and invalidates around both transfers leave nothing to report" }
else
    -- three sites, one per rule; the DMA side has no symbol.
    expect { sql = sites("rule = 1 and first_sym like 'dma_src_write+%'" ..
                         " and second_who like 'dma@%'"),
             equals = 1, message = "buggy: the engine read a source dirty in the L1D (rule 1)" }
    expect { sql = sites("rule = 2 and first_who like 'dma@%'" ..
                         " and second_sym like 'dma_dst_read+%'"),
             equals = 1, message = "buggy: stale cached read of the destination (rule 2)" }
    expect { sql = sites("rule = 7 and first_sym like 'dma_dst_dirty+%'" ..
                         " and second_who like 'dma@%'"),
             equals = 1, message = "buggy: the engine wrote lines dirty in the L1D (rule 7)" }
    expect { sql = sites("1"), equals = 3, message = "buggy: no other finding" }
end
