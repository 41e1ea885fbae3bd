-- The secure test payload (firmware/tsp, fw:tsp/tsp.elf) in OP-TEE's place:
-- the reference EL3 monitor (firmware/monitor) boots it at S-EL1 with the
-- OP-TEE dispatcher protocol, then the normal-world client nwd-tsp
-- (firmware/tsp-nwd), which calls every TSP function and checks the results:
-- ECHO, ADD x1000, LOOP (N = 10000, a yielding call), CHECKSUM of a buffer in
-- the shared memory at 0x42000000, the error answers; then it starts core 1
-- (PSCI CPU_ON: the TSP's cpu_on entry), which calls the TSP and goes off
-- (cpu_off entry), and powers off (system_off entry). See
-- firmware/tsp/README.md and docs/firmware.md.
--
-- The TSP supports both of qemu-virt's GICs: run it on the GICv2 machine
-- with `tzsim run scenarios/tsp.lua --dtb build/platforms/qemu-virt.dtb`.

machine {
    platform = "qemu-virt-gicv3",
    cpus = 2,
    max_insns = 20000000,
    images = {
        { file = "fw:monitor/monitor.elf" },
        { file = "fw:tsp/tsp.elf" },
        { file = "fw:tsp/nwd-tsp.elf" },
    },
    -- The TSP takes no device tree, but gets one in x2 as OP-TEE would.
    guest_dtb = { addr = 0x40000000 },
    handoff = {
        addr = 0x0e0ff000,
        bl32_entry = 0x0e100000,   -- tsp.elf
        bl33_entry = 0x40080000,   -- nwd-tsp.elf
        bl33_el = 1,
        bl33_x0 = 2,               -- nwd-tsp: use 2 cores
        dtb = 0x40000000,
    },
    expect_console = {
        "tsp: up on core 0",
        "monitor: OP-TEE booted, vector table at",
        "nwd-tsp: ECHO 0x123456789abcdef 0xfedcba9876543210 0x5a5a5a5a5a5a5a5a -> 0x123456789abcdef 0xfedcba9876543210 0x5a5a5a5a5a5a5a5a ok",
        "nwd-tsp: ADD 1000 calls, all results correct",
        "nwd-tsp: LOOP 10000: status 0x0, 10000 iterations, 0 foreign-interrupt RPCs, 0 native interrupts",
        "nwd-tsp: CHECKSUM 0x42000000+4096: FNV-1a 0x",
        "nwd-tsp: CHECKSUM 0xe100000+64 refused: 0x3 (TSP_E_BADADDR)",
        "tsp: core 1 on",
        "nwd-tsp[1]: LOOP 2000: status 0x0, 2000 iterations",
        "tsp: core 1 off",
        "nwd-tsp: core 1 on, served by the TSP, and off again",
        "nwd-tsp: STATS: 0 FIQ entries, 0 native interrupts, 0 foreign-interrupt RPCs",
        "nwd-tsp: all tests passed",
        "tsp: system off",
    },
}

local r = run_until { halt = true }
assert(r.stop == "system_off", "the guest did not power off: " .. r.stop)

-- The TSP booted with ENTRY_DONE (0xBE000000) from the secure world.
expect { sql = "select count(*) from events where kind = 5 and fid = 0xBE000000 and from_ns = 0",
         equals = 1, message = "one TEESMC_OPTEED_RETURN_ENTRY_DONE" }
-- 1000 + 100 ADD round trips (core 0, core 1), each returning status 0.
expect { sql = "select count(*) from events where kind = 6 and fid = 0xF3000002 and a0 = 0",
         equals = 1100, message = "1100 ADD calls returned TSP_OK" }
-- The LOOP call on core 0 returned 10000 iterations, no RPC.
expect { sql = "select count(*) from events where kind = 6 and fid = 0x33000001 and cpu = 0 and a0 = 0 and a1 = 10000 and a2 = 0",
         equals = 1, message = "LOOP 10000 returned from the TSP" }
-- Core 1 came on through the TSP's cpu_on entry (ON_DONE) and went off
-- through cpu_off (OFF_DONE).
expect { sql = "select count(*) from events where kind = 5 and cpu = 1 and fid in (0xBE000001, 0xBE000002)",
         equals = 2, message = "ON_DONE and OFF_DONE from core 1" }
-- System off went through the TSP (SYSTEM_OFF_DONE).
expect { sql = "select count(*) from events where kind = 5 and fid = 0xBE000007",
         equals = 1, message = "one TEESMC_OPTEED_RETURN_SYSTEM_OFF_DONE" }
-- Nothing went wrong in the GIC or a device. (On the GICv2 machine the
-- monitor's version probe reads GICD_PIDR2 at the GICv3 offset 0xffe8, a
-- reserved GICv2 offset: those reads are traced as GIC errors and left out.)
expect { sql = "select count(*) from events where kind in (10, 15) or (kind = 20 and a0 <> 0xffe8)",
         equals = 0, message = "no guest, MMIO or GIC errors" }
