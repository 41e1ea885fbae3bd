-- A secure interrupt while the normal world runs, with the secure test
-- payload (firmware/tsp) in OP-TEE's place: the scenario raises SPI 16
-- (INTID 48, the TSP's secure interrupt: Secure Group 1 on this GICv3,
-- Group 0 on a GICv2) right after nwd-tsp printed its first ECHO result.
-- SCR_EL3.FIQ takes it to EL3, the monitor enters the TSP's fiq_entry, the
-- TSP acknowledges it at the GIC, ends it and returns FIQ_DONE, and the
-- normal world resumes exactly where it was and finishes its tests (its
-- STATS call then reports the FIQ entry). See docs/firmware.md ("tsp").
--
-- Also runs on the GICv2 machine:
--   tzsim run scenarios/tsp-fiq.lua --dtb build/platforms/qemu-virt.dtb

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
        "tsp: FIQ entry on core 0: INTID 48 handled (normal world at 0x",
        "nwd-tsp: ADD 1000 calls, all results correct",
        "nwd-tsp: STATS: 1 FIQ entries, 0 native interrupts, 0 foreign-interrupt RPCs",
        "nwd-tsp: all tests passed",
    },
}

-- Level-sensitive, as a device line: held until the TSP acknowledges it.
on { console = "nwd-tsp: ECHO 0x123456789abcdef", run = function()
    mark("raise SPI 16")
    irq { spi = 16, level = true }
end }
on { event = "gic_ack", intid = 48, run = function() irq { spi = 16, level = false } end }

local r = run_until { halt = true }
assert(r.stop == "system_off", "the guest did not power off: " .. r.stop)

-- One FIQ from the normal world into EL3 (EXC_ENTRY, class fiq = 2) ...
expect { sql = "select count(*) from events where kind = 2 and a0 = 2 and from_ns = 1 and to_el = 3",
         equals = 1, message = "one FIQ taken from the normal world to EL3" }
-- ... the monitor entered the TSP (a world switch to the secure world at
-- its fiq_entry, vector table + 0x18) ...
expect { sql = "select count(*) from events where kind = 4 and to_ns = 0 and pc = " .. symbol("tsp_vector_table") .. " + 0x18",
         equals = 1, message = "the monitor entered the TSP's fiq_entry" }
-- ... the TSP acknowledged INTID 48 at S-EL1 and ended it ...
expect { sql = "select count(*) from events where kind = 17 and intid = 48 and to_el = 1 and to_ns = 0",
         equals = 1, message = "the TSP acknowledged INTID 48 at S-EL1" }
expect { sql = "select count(*) from events where kind = 18 and intid = 48",
         equals = 1, message = "the TSP ended INTID 48 (EOI)" }
-- ... returned FIQ_DONE (0xBE000006) ...
expect { sql = "select count(*) from events where kind = 5 and fid = 0xBE000006 and from_ns = 0",
         equals = 1, message = "one TEESMC_OPTEED_RETURN_FIQ_DONE" }
-- ... and the normal world resumed at the interrupted instruction.
expect { sql = [[select count(*) from events where kind = 4 and to_ns = 1 and pc =
                 (select pc from events where kind = 2 and a0 = 2 and to_el = 3)]],
         equals = 1, message = "the normal world resumed where the FIQ interrupted it" }
