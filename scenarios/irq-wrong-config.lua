-- A secure interrupt routed to a core that runs the normal world, with
-- SCR_EL3.FIQ correct (1: the FIQ goes to EL3 and on to S-EL1) and
-- deliberately wrong (cleared by this script just before the interrupt is
-- raised: the FIQ is then routed to EL1 of the normal world, Arm ARM D1.3.6,
-- where PSTATE.F masks it, so it stays pending while the normal world runs;
-- it is only taken once the secure world happens to run again).
-- The wrong configuration's run checks that the interrupt was NOT delivered,
-- and the trace shows why: GIC_PENDING and the FIQ line up (IRQ_LINE a0 = 1),
-- with no exception entry and no acknowledge.

local p = sweep { scr_fiq = { "correct", "cleared" } }

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

local raised
on { console = "nsel1-irq: flow 1:", run = function()
    at { cpu = 0, after = 40000, run = function(c)
        if p.scr_fiq == "cleared" then
            set_reg(0, "scr_el3", reg(0, "scr_el3") & ~4)   -- SCR_EL3.FIQ = 0
            mark("SCR_EL3.FIQ cleared")
        end
        mark("raise SPI 16")
        irq { spi = 16, pulse = true }
        raised = c.icount
    end }
end }

run_until { console = "nsel1-irq: flow 1:" }
-- The interrupt is raised 40000 instructions into the normal world's busy
-- loop; look 20000 instructions later, before the loop's next SMC.
run_until { insns = 60000 }
assert(raised, "SPI 16 was never raised")

local RUN = "run = (select max(id) from runs)"
local acked = "select count(*) from events where " .. RUN .. " and kind = 17 and intid = 48"
local fiq_up = "select count(*) from events where " .. RUN ..
               " and kind = 7 and cpu = 0 and a0 = 1 and a1 = 1"
local entries = "select count(*) from events where " .. RUN ..
                " and kind = 2 and a0 = 2 and from_ns = 1 and seq > (select max(seq) from events where " ..
                RUN .. " and kind = 12 and text = 'raise SPI 16')"
if p.scr_fiq == "correct" then
    expect { sql = acked, equals = 1, message = "secure interrupt 48 delivered to S-EL1" }
    expect { sql = entries, at_least = 1, message = "FIQ taken to EL3" }
else
    expect { sql = acked, equals = 0,
             message = "secure interrupt 48 not delivered (SCR_EL3.FIQ = 0)" }
    expect { sql = fiq_up, at_least = 1, message = "the GIC raised the CPU's FIQ line" }
    expect { sql = entries, equals = 0, message = "no FIQ taken from the normal world" }
    expect { sql = "select count(*) from events where " .. RUN .. " and kind = 4 and seq > " ..
                   "(select max(seq) from events where " .. RUN .. " and kind = 12)",
             equals = 0, message = "the normal world kept running (no world switch)" }
    expect { reg = "pstate", cpu = 0, at_least = 0x40, message = "CPU still running" }
end
stop()
