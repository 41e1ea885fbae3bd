-- Flow 4 of docs/gic.md, "End-to-end flows": interrupts between cores.
-- nsel1-irq-smp switches the interrupt flows on on both cores; core 1 waits
-- in WFI with IRQs unmasked. Core 0 then sends it a Non-secure SGI 1
-- (GICD_SGIR on GICv2, ICC_SGI1R_EL1 on GICv3); routes SPI 26 (INTID 58) to
-- core 1 (GICD_ITARGETSR / GICD_IROUTER), which this script raises on the
-- console line that announces it; and has S-EL1 on core 0 send the secure
-- SGI 8 to core 1 (SEND_SGI), taken there as an FIQ to EL3 and handed to
-- S-EL1 on core 1. Core 1 acknowledges its IRQs at NS-EL1 and prints them.
--
-- Runs twice, a sweep over the platform: GICv2 (qemu-virt) and GICv3
-- (qemu-virt-gicv3). tests/integration/test_gic_flows.c checks the trace.

local p = sweep { platform = { "qemu-virt", "qemu-virt-gicv3" } }

machine {
    platform = p.platform,
    cpus = 2,
    max_insns = 50000000,
    images = {
        { file = "fw:test/monitor.elf" },
        { file = "fw:test/sel1.elf" },
        { file = "fw:test/nsel1-irq-smp.elf" },
    },
    expect_console = {
        "nsel1-irq[1]: IRQ 1 on core 1",
        "nsel1-irq[1]: IRQ 58 on core 1",
        "sel1: secure interrupt 8",
        "nsel1-irq[1]: 3 IRQ(s) handled, off",
        "nsel1-irq: smp flows ok",
    },
}

on { console = "routed to core 1", run = function()
    mark("raise SPI 26")
    irq { spi = 26, pulse = true }
end }

on { pc = "nsel1_irq_eret", every = true, run = function(c)
    mark(string.format("eret cpu%d 0x%x", c.cpu, reg(c.cpu, "elr_el1")))
end }

local r = run_until { halt = true }
assert(r.stop == "system_off", "the guest did not power off: " .. r.stop)

local RUN = "run = (select max(id) from runs)"
expect { sql = "select count(*) from events where " .. RUN .. " and kind = 17 and cpu = 1" ..
               " and to_el = 1 and to_ns = 1 and intid in (1, 2, 58)",
         equals = 3, message = "IRQs acknowledged by core 1 at NS-EL1" }
expect { sql = "select count(*) from events where " .. RUN .. " and kind = 17 and cpu = 1" ..
               " and to_el = 1 and to_ns = 0 and intid = 8",
         equals = 1, message = "secure SGI 8 acknowledged by S-EL1 on core 1" }
expect { sql = "select count(*) from events where " .. RUN .. " and kind = 17 and cpu = 0",
         equals = 0, message = "interrupts acknowledged by core 0" }
