-- Real TF-A on a Raspberry Pi 4: Debian's arm-trusted-firmware 2.12.1 BL31
-- for rpi4 (a debug build, fetched by `scripts/setup.sh --firmware`) boots
-- on the rpi4 platform (models/platforms/rpi4.dts) as the Pi's GPU firmware
-- would start it: loaded at 0 as the armstub, all four Cortex-A72 cores
-- entering it in EL3, the loader's words at 0xf0 filled in. BL31 prints on
-- the mini UART (GPIO 14 is in ALT5), edits the device tree (adds /psci)
-- and enters BL33, nwd-rpi (firmware/nwd/rpi.c), at EL2 with x0 = the tree.
-- nwd-rpi checks the tree, SMCCC/PSCI answers and CPU_ON/CPU_OFF of core 1,
-- and ends with PSCI SYSTEM_OFF, which BL31 performs with the PM block's
-- watchdog (RSTS partition 63 = halt). See docs/platforms.md, "rpi4".

local bl31 = "../third_party/firmware/root/usr/lib/arm-trusted-firmware/rpi4/bl31.bin"
local DTB = 0x02000000    -- the device tree the loader hands over (BL31 maps 4 MiB around it)
local BL33 = 0x00080000   -- nwd-rpi; BL31's own default too

-- SMC function ids (SMCCC, PSCI 1.1)
local SMCCC_VERSION, PSCI_VERSION = 0x80000000, 0x84000000
local PSCI_FEATURES, PSCI_CPU_ON = 0x8400000A, 0xC4000003
local PSCI_CPU_OFF, PSCI_AFFINITY_INFO = 0x84000002, 0xC4000004
local PSCI_SYSTEM_OFF, UNKNOWN = 0x84000008, 0xB2000000
local NOT_SUPPORTED = 0xFFFFFFFFFFFFFFFF

machine {
    platform = "rpi4",
    cpu = "cortex-a72",          -- BL31 asserts a Cortex-A72 MIDR
    cpus = 4,
    cpu_hz = 1500000000,         -- the Pi 4's 1.5 GHz
    max_insns = 60000000,
    images = {
        { file = bl31, addr = 0x0, name = "bl31" },   -- entry 0: `b 0x1000`
        { file = "fw:nwd/nwd-rpi.elf" },
    },
    -- The platform's tree where the GPU firmware would put it. BL31 opens
    -- it in place with 1 MiB of room, edits it and packs it again.
    guest_dtb = { addr = DTB },
    expect_console = {
        "uart1: NOTICE:  BL31: v2.12.1(debug):",
        "uart1: INFO:    Changed device tree to advertise PSCI.",
        "uart1: INFO:    BL31: Preparing for EL3 exit to normal world",
        "uart1: nwd-rpi: up at EL2 on core 0",
        "uart1: nwd-rpi: DT /psci: compatible \"arm,psci-1.0\", method \"smc\"",
        "uart1: nwd-rpi[1]: up at EL2, context 0x1234",
        "uart1: nwd-rpi: all checks passed",
        "uart1: INFO:    rpi3: PSCI_SYSTEM_OFF: Invoking watchdog reset",
    },
}

-- The armstub words (TF-A plat/rpi/rpi4: stub_magic 0xf0, dtb_ptr32 0xf8,
-- kernel_entry32 0xfc). The image carries the magic 0x5AFE570B; the GPU
-- firmware writes 0 over it once it has filled in the DTB and kernel
-- addresses, and BL31 then uses them (otherwise: BL33 at 0x80000, no DTB).
-- Written after the images are loaded and before the cores run (mem_write
-- creates the machine).
assert(mem_read { addr = 0xf0 } == 0x5afe570b, "bl31.bin carries no armstub magic")
mem_write { addr = 0xf8, value = DTB }
mem_write { addr = 0xfc, value = BL33 }
mem_write { addr = 0xf0, value = 0 }

-- Part 1: BL31 alone, up to its last line before it leaves EL3.
local r = run_until { console = "BL31: Preparing for EL3 exit to normal world" }
assert(r.stop == "scenario", "BL31 did not reach its EL3 exit: " .. r.stop)
expect { console = "BL31: Built : " }
expect { console = "ARM GICv2 driver initialized" }
expect { sql = "select count(*) from events where kind = 5", equals = 0,
         message = "no SMC before BL33 runs" }
-- The three secondaries wait in their hold pens (0x108 + 8 * core) for GO (1).
for core = 1, 3 do
    expect { mem = 0x108 + 8 * core, size = 8, equals = 0,
             message = "core " .. core .. " waits in its hold pen" }
end
-- BL31's pen loop (plat_secondary_cold_boot_setup): wfe at 0x2058 .. b.ne at 0x2064.
expect { reg = "pc", cpu = 1, at_least = 0x2058, message = "core 1 polls its pen" }
expect { reg = "pc", cpu = 1, at_most = 0x2064, message = "core 1 polls its pen" }

-- Part 2: BL33 at EL2 to the end.
r = run_until { halt = true }
assert(r.stop == "system_off", "the guest did not power off: " .. r.stop)

-- BL31 entered nwd-rpi at EL2 (non-secure) at 0x80000, once, on core 0.
expect { sql = string.format("select count(*) from events where kind = 3 and cpu = 0 " ..
         "and to_el = 2 and to_ns = 1 and pc = %d", BL33), equals = 1 }

-- Every SMC of the normal world and its result (SMC_RETURN a0 = x0).
local function ret(fid, nth)  -- x0 of the nth (default first) return of fid
    return string.format("select a0 from events where kind = 6 and fid = %d " ..
                         "order by seq limit 1 offset %d", fid, (nth or 1) - 1)
end
expect { sql = ret(SMCCC_VERSION), at_least = 0x10001, message = "SMCCC_VERSION >= 1.1" }
expect { sql = ret(SMCCC_VERSION), at_most = 0x1ffff, message = "SMCCC_VERSION 1.x" }
expect { sql = ret(PSCI_VERSION), equals = 0x10001, message = "PSCI 1.1" }
expect { sql = ret(PSCI_FEATURES), equals = 0, message = "PSCI_FEATURES(CPU_ON) = SUCCESS" }
expect { sql = ret(PSCI_FEATURES, 2), equals = NOT_SUPPORTED,
         message = "PSCI_FEATURES(SYSTEM_SUSPEND) = NOT_SUPPORTED" }
expect { sql = ret(UNKNOWN), equals = NOT_SUPPORTED, message = "unknown fid = NOT_SUPPORTED" }
expect { sql = ret(PSCI_CPU_ON), equals = 0, message = "CPU_ON(1) = SUCCESS" }
expect { sql = ret(PSCI_AFFINITY_INFO), equals = 1, message = "core 1 OFF before CPU_ON" }
expect { sql = string.format("select count(*) from events where kind = 5 and fid = %d " ..
         "and cpu = 1", PSCI_CPU_OFF), equals = 1, message = "core 1 called CPU_OFF" }
expect { sql = string.format("select count(*) from events where kind = 6 and fid = %d",
         PSCI_CPU_OFF), equals = 0, message = "CPU_OFF does not return" }
expect { sql = string.format("select count(*) from events where kind = 5 and fid = %d " ..
         "and cpu = 0", PSCI_SYSTEM_OFF), equals = 1 }
-- Every call but CPU_OFF and SYSTEM_OFF returned to its caller.
expect { sql = "select (select count(*) from events where kind = 5) - " ..
         "(select count(*) from events where kind = 6)", equals = 2 }
-- Core 1 was released from its pen (BL31 wrote GO) and entered nwd-rpi at EL2.
expect { sql = "select count(*) from events where kind = 3 and cpu = 1 and to_el = 2 " ..
         "and to_ns = 1", equals = 1, message = "core 1 entered the normal world once" }
-- CPU_OFF ends with RMR_EL3.RR and WFI: a Warm reset (CPU_POWER off, on at 0),
-- after which core 1 is back in its hold pen, waiting again.
expect { sql = "select count(*) from events where kind = 1 and cpu = 1 and a0 = 0", equals = 1 }
expect { sql = "select count(*) from events where kind = 1 and cpu = 1 and a0 = 1 and pc = 0",
         equals = 2 }
expect { mem = 0x110, size = 8, equals = 0, message = "core 1 waits in its pen again" }
expect { reg = "pc", cpu = 1, at_least = 0x2058 }
expect { reg = "pc", cpu = 1, at_most = 0x2064 }
expect { sql = "select count(*) from events where kind = 10", equals = 0,
         message = "no guest errors" }
expect { sql = "select count(*) from console where line like '%FAILED%' or line like '%PANIC%' " ..
         "or line like 'ERROR:%' or line like 'ASSERT%'", equals = 0 }
