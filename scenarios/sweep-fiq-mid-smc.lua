-- A secure FIQ arriving while the normal world is mid-SMC, swept over 600
-- instruction offsets from the SMC's issue: through the monitor's entry
-- path, the secure world, the return, and into the normal world's
-- register-heavy loop (flow 1 of docs/gic.md). Wherever it lands, S-EL1 must
-- handle it and the normal world's checksum over 26 registers must hold.
-- Uses fw:test/monitor.elf.

local p = sweep { offset = { from = 0, to = 599 } }

machine {
    platform = "qemu-virt-gicv3",
    cpus = 1,
    max_insns = 20000000,
    images = {
        { file = "fw:test/monitor.elf" },
        { file = "fw:test/sel1.elf" },
        { file = "fw:test/nsel1-irq.elf" },
    },
}

-- IRQ_STATS (0xB2000006) is the SMC just before the loop.
on { smc = 0xB2000006, run = function()
    at { cpu = 0, after = p.offset, run = function()
        irq { spi = 16, pulse = true }
    end }
end }

run_until { console = "nsel1-irq: flow 1" .. " done" }
expect_console("flow 1 done: checksum ok, S-EL1 handled 2 interrupt(s)")
expect { sql = "select count(*) from events where run = (select max(id) from runs)" ..
               " and kind = 17 and intid = 48", equals = 1, message = "the FIQ was handled once" }
stop()
