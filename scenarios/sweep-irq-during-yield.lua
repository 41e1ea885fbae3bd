-- A normal-world interrupt during a yielding call in the secure payload,
-- swept over 500 instruction offsets from the call's SMC (flow 2 of
-- docs/gic.md): wherever it lands — in the monitor's entry path, in S-EL1
-- before or inside the loop, or after the return — the call must be resumed
-- (TZT_INTERRUPTED, then RESUME) and finally return the right result.

local p = sweep { offset = { from = 0, to = 499 } }

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

-- YIELD_LOOP is 0xB2000003; SPI 24 (INTID 56) is a normal-world interrupt.
on { smc = 0xB2000003, run = function()
    at { cpu = 0, after = p.offset, run = function() irq { spi = 24, pulse = true } end }
end }

run_until { console = "nsel1-irq: flow 2 done" }
expect_console("flow 2 done: 100000 iterations")
expect_console("nsel1-irq: IRQ 56 on core 0")
local RUN = "run = (select max(id) from runs)"
-- The last YIELD_LOOP/RESUME return of the call: status 0, 100000 iterations.
expect { sql = "select a0 from events where " .. RUN .. " and kind = 6 and fid in" ..
               " (2986344451, 2986344452) order by seq desc limit 1", equals = 0,
         message = "the yielding call's final status" }
expect { sql = "select a1 from events where " .. RUN .. " and kind = 6 and fid in" ..
               " (2986344451, 2986344452) order by seq desc limit 1", equals = 100000,
         message = "the yielding call's result" }
stop()
