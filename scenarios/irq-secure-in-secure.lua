-- Flow 3 of docs/gic.md, "End-to-end flows": secure interrupts while the
-- secure world runs. nsel1-irq makes a yielding call ("flow 3: ...") in
-- which S-EL1 arms the secure timer (PPI 29) and spins 100000 iterations
-- with IRQ and FIQ unmasked; this script adds SPI 16 (INTID 48, Secure
-- Group 1 on GICv3) and SPI 18 (INTID 50, Group 0) during the call. Nothing
-- is routed to EL3 while the secure world runs: each secure interrupt is
-- taken at S-EL1 (GICv2: FIQ; GICv3: IRQ for Secure Group 1, FIQ for Group
-- 0), acknowledged and ended there, and the loop goes on. No world switch
-- happens during the call.
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
        "sel1: secure interrupt 29 on core 0, in the secure world",
        "sel1: secure interrupt 48 on core 0, in the secure world",
        "sel1: secure interrupt 50 on core 0, in the secure world",
        "nsel1-irq: flow 3 done: 100000 iterations, 3 secure interrupt(s) handled in the secure world, 0 preemption(s)",
        "nsel1-irq: all flows ok",
    },
}

on { console = "nsel1-irq: flow 3:", run = function()
    at { cpu = 0, after = 120000, run = function()
        mark("raise SPI 16")
        irq { spi = 16, pulse = true }
    end }
    at { cpu = 0, after = 160000, run = function()
        mark("raise SPI 18")
        irq { spi = 18, pulse = true }
    end }
end }

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
local CALL = "(select max(seq) from events where " .. RUN .. " and kind = 5 and fid = 2986344451)"
local DONE = "(select max(seq) from events where " .. RUN .. " and kind = 6 and fid = 2986344451)"
expect { sql = "select count(*) from events where " .. RUN .. " and kind = 17 and to_el = 1" ..
               " and to_ns = 0 and intid in (29, 48, 50) and seq > " .. CALL .. " and seq < " .. DONE,
         equals = 3, message = "secure interrupts acknowledged at S-EL1 during the call" }
expect { sql = "select count(*) from events where " .. RUN .. " and kind = 4 and seq > " .. CALL ..
               " and seq <= " .. DONE, equals = 2, message = "world switches of the call (in and out)" }
expect { sql = "select count(*) from events where " .. RUN .. " and kind = 2 and to_el = 3 and seq > " ..
               CALL .. " and seq < " .. DONE, equals = 2,
         message = "exceptions to EL3 during the call (its SMC and CALL_DONE)" }
