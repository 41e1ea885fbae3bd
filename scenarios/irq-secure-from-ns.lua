-- Flow 1 of docs/gic.md, "End-to-end flows": secure interrupts while the
-- normal world runs. nsel1-irq busies itself with a register-heavy loop
-- ("flow 1: ..."); the secure timer it had S-EL1 arm fires in the middle,
-- and this script raises three secure SPIs at exact instruction counts:
-- SPI 16 (INTID 48, edge), SPI 17 (INTID 49, level: held until S-EL1
-- acknowledges it, as a device would) and SPI 18 (INTID 50, Group 0 on both
-- GIC versions). Each one is an FIQ routed to EL3 (SCR_EL3.FIQ = 1 while the
-- normal world runs); the monitor enters S-EL1's interrupt entry, S-EL1
-- acknowledges and ends it and returns with FIQ_DONE, and the normal world
-- resumes exactly where it was: its loop's checksum is unchanged.
--
-- Runs twice, a sweep over the platform: GICv2 (qemu-virt) and GICv3
-- (qemu-virt-gicv3). tests/integration/test_gic_flows.c checks the trace.

local p = sweep { platform = { "qemu-virt", "qemu-virt-gicv3" } }

machine {
    platform = p.platform,
    cpus = 1,
    max_insns = 20000000,
    images = {
        { file = "fw:test/monitor.elf" },
        { file = "fw:test/sel1.elf" },
        { file = "fw:test/nsel1-irq.elf" },
    },
    expect_console = {
        "sel1: secure interrupt 48 on core 0, taken from the normal world",
        "sel1: secure interrupt 49 on core 0, taken from the normal world",
        "sel1: secure interrupt 50 on core 0, taken from the normal world",
        "nsel1-irq: flow 1 done: checksum ok, S-EL1 handled 4 interrupt(s) taken from the normal world",
        "nsel1-irq: all flows ok",
    },
}

on { console = "nsel1-irq: flow 1:", run = function()
    at { cpu = 0, after = 40000, run = function()
        mark("raise SPI 16")
        irq { spi = 16, pulse = true }
    end }
    at { cpu = 0, after = 200000, run = function()
        mark("raise SPI 17")
        irq { spi = 17, level = true }
    end }
    at { cpu = 0, after = 250000, run = function()
        mark("raise SPI 18")
        irq { spi = 18, pulse = true }
    end }
end }
on { event = "irq_ack", intid = 49, run = function() irq { spi = 17, level = false } end }

-- Where EL1 code resumes after an interrupt handled at the same EL: tzsim
-- traces no EXC_RETURN for an ERET from EL1 to EL1, so mark each one.
for _, sym in ipairs { "sel1_eret", "nsel1_irq_eret" } do
    on { pc = sym, every = true, run = function(c)
        mark(string.format("eret cpu%d 0x%x", c.cpu, reg(c.cpu, "elr_el1")))
    end }
end

local r = run_until { halt = true }
assert(r.stop == "system_off", "the guest did not power off: " .. r.stop)

local RUN = "run = (select max(id) from runs)"
expect { sql = "select count(*) from events where " .. RUN ..
               " and kind = 2 and a0 = 2 and from_el = 1 and from_ns = 1 and to_el = 3",
         equals = 4, message = "FIQs taken from the normal world to EL3" }
expect { sql = "select count(distinct intid) from events where " .. RUN ..
               " and kind = 17 and intid in (29, 48, 49, 50) and to_el = 1 and to_ns = 0",
         equals = 4, message = "secure interrupts acknowledged at S-EL1" }
expect { sql = "select count(*) from events where " .. RUN .. " and kind = 5 and fid = 2986344707",
         equals = 4, message = "FIQ_DONE calls" }
-- The normal world resumed at the instruction the FIQ interrupted.
expect { sql = "select count(*) from events e where " .. RUN ..
               " and e.kind = 2 and e.a0 = 2 and e.from_ns = 1 and e.to_el = 3 and e.pc != " ..
               "(select r.pc from events r where r.run = e.run and r.cpu = e.cpu and r.kind = 3" ..
               " and r.to_ns = 1 and r.seq > e.seq order by r.seq limit 1)",
         equals = 0, message = "FIQs after which the normal world resumed elsewhere" }
