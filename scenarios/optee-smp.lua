-- Real OP-TEE on four cores: as optee.lua, then the normal world starts cores
-- 1, 2 and 3 in turn
-- with PSCI CPU_ON (the monitor runs OP-TEE's cpu_on entry on it first),
-- uses OP-TEE from each (a fast call and a device.pta session) and turns
-- it off again with PSCI CPU_OFF (OP-TEE's cpu_off entry first); SYSTEM_OFF
-- goes through OP-TEE's system_off entry. See docs/firmware.md.

local optee = "../third_party/firmware/root/usr/lib/optee/vexpress-qemu_armv8a/tee-header_v2.bin"

machine {
    platform = "qemu-virt-gicv3",
    cpus = 4,
    max_insns = 50000000,
    images = {
        { file = "fw:monitor/monitor.elf" },
        { file = optee, kind = "optee" },
        { file = "fw:nwd/nwd-smp.elf" },
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
    expect_console = {
        "I/TC: Secondary CPU 1 switching to normal world boot",
        "I/TC: Secondary CPU 2 switching to normal world boot",
        "I/TC: Secondary CPU 3 switching to normal world boot",
        "nwd[1]: CLOSE_SESSION: ret 0x0",
        "nwd[2]: CLOSE_SESSION: ret 0x0",
        "nwd[3]: CLOSE_SESSION: ret 0x0",
        "nwd: smp ok (4 cores)",
        "nwd: OP-TEE session test passed",
    },
}

local r = run_until { halt = true }
assert(r.stop == "system_off", "the guest did not power off: " .. r.stop)
