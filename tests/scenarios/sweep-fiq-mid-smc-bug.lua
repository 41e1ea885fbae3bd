-- A secure FIQ raised at 500 offsets (every 8th instruction) around the
-- moment the secure timer fires in the normal world's register-heavy loop
-- (flow 1 of docs/gic.md), counted from the SMC before the loop. S-EL1 must
-- handle it and the normal world's checksum over 26 registers must hold.
-- Uses fw:test/monitor-bug-x17.elf, the monitor with a deliberate bug (x17 not restored
-- after an FIQ entry in which S-EL1 handled several interrupts): only the
-- offsets where the SPI and the timer are handled in one entry fail.

local p = sweep { offset = { from = 130000, to = 133992, step = 8 } }

machine {
    platform = "qemu-virt-gicv3",
    cpus = 1,
    max_insns = 20000000,
    images = {
        { file = "fw:test/monitor-bug-x17.elf" },
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
