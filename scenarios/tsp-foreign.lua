-- Interrupts during a yielding call of the secure test payload
-- (firmware/tsp): nwd-tsp's LOOP call (N = 10000) runs at S-EL1 with
-- interrupts unmasked, and the scenario raises, inside that loop,
--   1. SPI 16 (INTID 48), the TSP's own secure interrupt: a native
--      interrupt, taken at S-EL1 (an IRQ on this GICv3, an FIQ on a GICv2),
--      handled by the TSP at once; the loop goes on;
--   2. SPI 17 (INTID 49), a normal-world interrupt: a foreign interrupt,
--      taken at S-EL1 as well (FIQ on GICv3, IRQ on GICv2, since SCR_EL3
--      routes nothing to EL3 while the secure world runs). The TSP saves the
--      interrupted state, ends the call with the RPC TSP_RPC_FOREIGN_INTR
--      (0xFFFF0004, OP-TEE's RETURN_RPC_FOREIGN_INTR) and a resume token;
--      nwd-tsp takes the IRQ at NS-EL1, acknowledges it, and resumes the
--      call with RETURN_FROM_RPC (0x33000002); the loop finishes and
--      returns 10000 iterations, 1 RPC, 1 native interrupt.
-- See docs/firmware.md ("tsp"). Also runs on the GICv2 machine:
--   tzsim run scenarios/tsp-foreign.lua --dtb build/platforms/qemu-virt.dtb

machine {
    platform = "qemu-virt-gicv3",
    cpus = 1,
    max_insns = 20000000,
    images = {
        { file = "fw:monitor/monitor.elf" },
        { file = "fw:tsp/tsp.elf" },
        { file = "fw:tsp/nwd-tsp.elf" },
    },
    handoff = {
        addr = 0x0e0ff000,
        bl32_entry = 0x0e100000,   -- tsp.elf
        bl33_entry = 0x40080000,   -- nwd-tsp.elf
        bl33_el = 1,
        bl33_x0 = 1,               -- nwd-tsp: one core
    },
    expect_console = {
        "tsp: native interrupt INTID 48 during a yielding call on core 0",
        "nwd-tsp: IRQ INTID 49 taken during a foreign-interrupt RPC",
        "tsp: LOOP 10000 iterations on core 0 (1 foreign-interrupt RPCs, 1 native interrupts)",
        "nwd-tsp: LOOP 10000: status 0x0, 10000 iterations, 1 foreign-interrupt RPCs, 1 native interrupts",
        "nwd-tsp: STATS: 0 FIQ entries, 1 native interrupts, 1 foreign-interrupt RPCs; IRQs taken here: 1 (0 spurious)",
        "nwd-tsp: all tests passed",
    },
}

-- The first time the loop runs (core 0's LOOP call), schedule both lines a
-- fixed number of instructions into it (3 instructions per iteration).
on { pc = "tsp_loop_body", run = function()
    at { cpu = 0, after = 3000, run = function()
        mark("raise SPI 16 (secure: native)")
        irq { spi = 16, level = true }
    end }
    at { cpu = 0, after = 9000, run = function()
        mark("raise SPI 17 (normal world: foreign)")
        irq { spi = 17, level = true }
    end }
end }
-- Level-sensitive lines, held until acknowledged.
on { event = "gic_ack", intid = 48, run = function() irq { spi = 16, level = false } end }
on { event = "gic_ack", intid = 49, run = function() irq { spi = 17, level = false } end }

local r = run_until { halt = true }
assert(r.stop == "system_off", "the guest did not power off: " .. r.stop)

-- Two interrupts taken at S-EL1 (one IRQ, one FIQ), none at EL3.
expect { sql = "select count(*) from events where kind = 2 and a0 in (1, 2) and to_el = 1 and to_ns = 0",
         equals = 2, message = "two interrupts taken at S-EL1" }
expect { sql = "select count(*) from events where kind = 2 and a0 in (1, 2) and to_el = 3",
         equals = 0, message = "no interrupt taken to EL3" }
-- The native one acknowledged by the TSP, the foreign one by nwd-tsp at NS-EL1.
expect { sql = "select count(*) from events where kind = 17 and intid = 48 and to_el = 1 and to_ns = 0",
         equals = 1, message = "the TSP acknowledged INTID 48" }
expect { sql = "select count(*) from events where kind = 17 and intid = 49 and to_el = 1 and to_ns = 1",
         equals = 1, message = "nwd-tsp acknowledged INTID 49" }
-- LOOP returned the RPC once, with a resume token in a3 ...
expect { sql = "select count(*) from events where kind = 6 and fid = 0x33000001 and a0 = 0xFFFF0004",
         equals = 1, message = "LOOP returned TSP_RPC_FOREIGN_INTR" }
-- ... which RETURN_FROM_RPC passed back, after nwd-tsp took its IRQ ...
expect { sql = [[select count(*) from events c where c.kind = 5 and c.fid = 0x33000002
                 and c.a2 = (select a3 from events where kind = 6 and fid = 0x33000001 and a0 = 0xFFFF0004)
                 and c.seq > (select seq from events where kind = 17 and intid = 49)]],
         equals = 1, message = "RETURN_FROM_RPC with the token, after the IRQ" }
-- ... and the resumed call finished: 10000 iterations, 1 RPC, 1 native.
expect { sql = "select count(*) from events where kind = 6 and fid = 0x33000002 and a0 = 0 and a1 = 10000 and a2 = 1 and a3 = 1",
         equals = 1, message = "the resumed LOOP returned its results" }
