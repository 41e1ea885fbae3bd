-- A secure interrupt while the normal world runs, with real OP-TEE: the
-- scenario raises SPI 8 (INTID 40, the secure UART's interrupt, which OP-TEE
-- 4.5 registers as a Secure Group 1 interrupt on QEMU virt) while nwd is
-- between two fast calls. SCR_EL3.FIQ takes it to EL3, the monitor hands it
-- to OP-TEE's fiq_entry, OP-TEE acknowledges it at the GIC and returns with
-- TEESMC_OPTEED_RETURN_FIQ_DONE, and the normal world resumes where it was.
-- See docs/firmware.md, "Interrupt routing".

local optee = "../third_party/firmware/root/usr/lib/optee/vexpress-qemu_armv8a/tee-header_v2.bin"

machine {
    platform = "qemu-virt-gicv3",
    cpus = 1,
    max_insns = 50000000,
    images = {
        { file = "fw:monitor/monitor.elf" },
        { file = optee, kind = "optee" },
        { file = "fw:nwd/nwd.elf" },
    },
    -- The normal world's device tree, built by tzsim from the platform with
    -- room to grow, where QEMU puts it. OP-TEE (CFG_DT) adds /firmware/optee
    -- and /reserved-memory to it.
    guest_dtb = { addr = 0x40000000 },
    handoff = {
        addr = 0x0e0ff000,
        bl32_entry = 0x0e100000,
        bl32_x0 = 0,
        bl33_entry = 0x40080000,
        bl33_el = 1,
        bl33_x0 = 0x40000000,
        dtb = 0x40000000,
    },
    expect_console = { "nwd: OP-TEE session test passed" },
}

-- The line is level-sensitive (OP-TEE configures it so): hold it until
-- OP-TEE acknowledges the interrupt, as a device would until serviced.
on { console = "nwd: CALLS_REVISION", run = function()
    mark("raise SPI 8")
    irq { spi = 8, level = true }
end }
on { event = "gic_ack", intid = 40, run = function() irq { spi = 8, level = false } end }

local r = run_until { halt = true }
assert(r.stop == "system_off", "the guest did not power off: " .. r.stop)

-- One FIQ from the normal world into EL3 (EXC_ENTRY, class fiq = 2) ...
expect { sql = "select count(*) from events where kind = 2 and a0 = 2 and from_ns = 1 and to_el = 3",
         equals = 1, message = "one FIQ taken from the normal world to EL3" }
-- ... acknowledged by OP-TEE as Secure Group 1 ...
expect { sql = "select count(*) from events where kind = 17 and intid = 40 and a0 = 1",
         equals = 1, message = "OP-TEE acknowledged INTID 40 (Secure Group 1)" }
-- ... ended with FIQ_DONE (0xBE000006) from the secure world.
expect { sql = "select count(*) from events where kind = 5 and fid = 3187671046 and from_ns = 0",
         equals = 1, message = "one TEESMC_OPTEED_RETURN_FIQ_DONE" }
