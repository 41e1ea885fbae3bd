-- dma{} and the TZASC: run with --cache=check (tests/unit/test_dma.c). A
-- non-secure copy that touches secure memory is blocked (dma returns false,
-- nothing is written) and recorded as a tzasc-blocked finding naming the
-- master "scenario"; a secure copy of the same ranges goes through.
machine {
    platform = "qemu-virt",
    images = {
        { file = "fw:test/monitor.elf" },
        { file = "fw:test/sel1.elf" },
        { file = "fw:test/nsel1.elf" },
    },
    max_insns = 50000000,
}

local NS, SEC = 0x41000000, 0x0e200000
run_until { insns = 20000 }
mem_write { addr = NS, value = 0x1111111111111111, size = 8 }
mem_write { addr = SEC, value = 0x5555555555555555, size = 8 }

assert(dma { src = SEC, dst = NS + 0x100, len = 8 } == false, "secure source, non-secure master")
expect { mem = NS + 0x100, size = 8, equals = 0, message = "nothing written" }
assert(dma { src = NS, dst = SEC, len = 8, ns = true } == false, "secure destination")
expect { mem = SEC, size = 8, equals = 0x5555555555555555, message = "secure memory unchanged" }

assert(dma { src = SEC, dst = NS + 0x100, len = 8, ns = false } == true, "secure master")
expect { mem = NS + 0x100, size = 8, equals = 0x5555555555555555, message = "secure copy" }

run_until { halt = true }
expect { sql = "select count(*) from findings where rule = 8 and second_who = 'scenario'",
         at_least = 1 }
expect { sql = "select count(*) from events where kind = 22 and text like 'dma %'", equals = 3 }
