-- Real OP-TEE: Debian's OP-TEE OS 4.5 (optee-os 4.5.0-2, vexpress-qemu_armv8a,
-- fetched by `scripts/setup.sh --firmware`) booted at S-EL1 by the reference
-- EL3 monitor (firmware/monitor), with the normal-world payload nwd
-- (firmware/nwd) acting as the Linux OP-TEE driver: it identifies OP-TEE,
-- exchanges capabilities, opens a session to OP-TEE's device.pta, invokes a
-- command, closes it, and opens a TA that is not there (serving OP-TEE's
-- RPCs), then powers off. See docs/firmware.md.
--
-- Debian's OP-TEE is built for QEMU's virt machine with a GICv3
-- (CFG_ARM_GICV3): the platform is qemu-virt-gicv3.

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
    -- What the monitor boots: written at 0x0e0ff000 before reset
    -- (docs/handoff.md).
    -- The normal world's device tree, built by tzsim from the platform with
    -- room to grow, where QEMU puts it. OP-TEE (CFG_DT) adds /firmware/optee
    -- and /reserved-memory to it.
    guest_dtb = { addr = 0x40000000 },
    handoff = {
        addr = 0x0e0ff000,
        bl32_entry = 0x0e100000,   -- OP-TEE's entry (the pager's load address)
        bl32_x0 = 0,               -- pageable part: none in this build
        bl33_entry = 0x40080000,   -- nwd
        bl33_el = 1,
        bl33_x0 = 0x40000000,      -- nwd (like Linux) gets the DTB in x0
        dtb = 0x40000000,          -- OP-TEE gets it in x2
    },
    expect_console = {
        "I/TC: OP-TEE version: ",
        "I/TC: Primary CPU switching to normal world boot",
        "monitor: OP-TEE booted",
        "nwd: DT /firmware/optee: compatible \"linaro,optee-tz\", method \"smc\"",
        "nwd: CALLS_UID 384fb3e0-e7f8-11e3-af63-0002a5d5c51b",
        "nwd: GET_OS_REVISION 4.5",
        "nwd: OP-TEE session test passed",
    },
}

local r = run_until { halt = true }
assert(r.stop == "system_off", "the guest did not power off: " .. r.stop)
