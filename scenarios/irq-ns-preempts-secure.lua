-- Flow 2 of docs/gic.md, "End-to-end flows": normal-world interrupts while
-- the secure world runs. nsel1-irq arms its EL1 physical timer (PPI 30) and
-- makes a yielding call ("flow 2: ..."): S-EL1 spins 100000 iterations with
-- IRQ and FIQ unmasked. This script adds two normal-world SPIs during the
-- call: SPI 24 (INTID 56, edge) and SPI 25 (INTID 57, level, held until the
-- normal world acknowledges it). Each normal-world interrupt is taken at
-- S-EL1 (SCR_EL3.IRQ/FIQ = 0 while the secure world runs; an IRQ on GICv2,
-- an FIQ on GICv3, where Group 1 of the other Security state is an FIQ);
-- S-EL1 finds no secure interrupt to acknowledge, suspends the call and
-- returns TZT_INTERRUPTED through the monitor; the normal world unmasks
-- IRQs, takes and ends the interrupt at NS-EL1, and resumes the call with
-- RESUME; S-EL1 continues where it stopped. The call completes after three
-- preemptions.
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
        "nsel1-irq: IRQ 30 on core 0",
        "nsel1-irq: IRQ 56 on core 0",
        "nsel1-irq: IRQ 57 on core 0",
        "nsel1-irq: flow 2 done: 100000 iterations, 3 preemption(s), 3 IRQ(s) handled in the normal world",
        "nsel1-irq: all flows ok",
    },
}

on { console = "nsel1-irq: flow 2:", run = function()
    at { cpu = 0, after = 120000, run = function()
        mark("raise SPI 24")
        irq { spi = 24, pulse = true }
    end }
    at { cpu = 0, after = 170000, run = function()
        mark("raise SPI 25")
        irq { spi = 25, level = true }
    end }
end }
on { event = "irq_ack", intid = 57, run = function() irq { spi = 25, level = false } end }

-- Where EL1 code resumes after an interrupt handled at the same EL (and
-- where RESUME re-enters the suspended call): tzsim traces no EXC_RETURN
-- for an ERET from EL1 to EL1, so mark each one.
for _, sym in ipairs { "sel1_eret", "nsel1_irq_eret" } do
    on { pc = sym, every = true, run = function(c)
        mark(string.format("eret cpu%d 0x%x", c.cpu, reg(c.cpu, "elr_el1")))
    end }
end

local r = run_until { halt = true }
assert(r.stop == "system_off", "the guest did not power off: " .. r.stop)

local RUN = "run = (select max(id) from runs)"
-- Three interrupts taken at S-EL1 that were the normal world's ...
expect { sql = "select count(*) from events e where " .. RUN .. " and e.kind = 2 and e.from_el = 1" ..
               " and e.from_ns = 0 and e.to_el = 1 and e.a0 in (1, 2) and exists (select 1 from" ..
               " events a where a.run = e.run and a.kind = 17 and a.to_ns = 1 and a.seq > e.seq" ..
               " and a.intid in (30, 56, 57))",
         at_least = 3, message = "preemptions of S-EL1" }
-- ... each acknowledged once, by the normal world at EL1.
expect { sql = "select count(*) from events where " .. RUN ..
               " and kind = 17 and intid in (30, 56, 57) and to_el = 1 and to_ns = 1",
         equals = 3, message = "normal-world interrupts acknowledged at NS-EL1" }
expect { sql = "select count(*) from events where " .. RUN .. " and kind = 6" ..
               " and fid in (2986344451, 2986344452) and a0 = 4294901764",
         equals = 3, message = "YIELD_LOOP/RESUME returning TZT_INTERRUPTED" }
