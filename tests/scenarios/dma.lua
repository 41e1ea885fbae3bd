-- dma{}: immediate non-coherent copies by the scenario (master "scenario"),
-- between runs of the test firmware, checked with mem_read and the trace's
-- INJECT events (run with --db). Memory used: normal-world DRAM above the
-- payloads (0x41000000..) and secure DRAM that no image uses (0x0e200000).
-- tests/unit/test_dma.c runs it (with --cache=off: no TZASC here; see
-- dma-tzasc.lua).
machine {
    platform = "qemu-virt",
    images = {
        { file = "fw:test/monitor.elf" },
        { file = "fw:test/sel1.elf" },
        { file = "fw:test/nsel1.elf" },
    },
    max_insns = 50000000,
}

local SRC, DST, SEC = 0x41000000, 0x41100000, 0x0e200000
local words = { 0x0123456789abcdef, 0x1122334455667788, 0x0badf00ddeadbeef, 0x7766554433221100 }

run_until { insns = 20000 }
for i, w in ipairs(words) do
    mem_write { addr = SRC + 8 * (i - 1), value = w, size = 8 }
end

-- A non-secure copy (ns defaults to true) returns true.
assert(dma { src = SRC, dst = DST, len = 32 } == true)
for i, w in ipairs(words) do
    expect { mem = DST + 8 * (i - 1), size = 8, equals = w, message = "copied word " .. i }
end

-- A secure copy into secure DRAM.
assert(dma { src = SRC, dst = SEC, len = 32, ns = false } == true)
expect { mem = SEC + 24, size = 8, equals = words[4], message = "secure copy" }

-- An odd length, and an overlapping copy (the source is read first: memmove).
assert(dma { src = SRC, dst = DST + 0x100, len = 3 })
expect { mem = DST + 0x100, size = 4, equals = 0x00abcdef, message = "3 bytes" }
assert(dma { src = SRC, dst = SRC + 8, len = 24 })
expect { mem = SRC + 8, size = 8, equals = words[1], message = "overlap: word 1 moved up" }
expect { mem = SRC + 24, size = 8, equals = words[3], message = "overlap: word 3 moved up" }

-- Ranges that are not RAM are script errors; nothing is recorded for them.
local ok, msg = pcall(dma, { src = 0x20000000, dst = DST, len = 4 })
assert(not ok and msg:find("dma: source 0x20000000 %(%+4%) is not in RAM"), msg)
ok, msg = pcall(dma, { src = SRC, dst = 0x7ffffff0, len = 32 })
assert(not ok and msg:find("dma: destination 0x7ffffff0 %(%+32%) is not in RAM"), msg)

-- The copies are scenario inputs: one INJECT event each (value = len,
-- address = dst), in the order given.
expect { sql = "select count(*) from events where kind = 22 and text like 'dma %'", equals = 4 }
expect { sql = "select a0 from events where kind = 22 and text like 'dma %' order by seq limit 1",
         equals = 32 }
expect { sql = "select a1 from events where kind = 22 and text like 'dma %secure' " ..
               "and text not like '%non-secure' ", equals = SEC }

-- The firmware goes on unharmed.
run_until { halt = true }
expect_console "nsel1: up"
