/* SPDX-License-Identifier: MIT */
/*
 * PSCI 1.1 (Arm DEN0022) on tzsim's power controller: VERSION, FEATURES,
 * CPU_SUSPEND, CPU_OFF, CPU_ON, AFFINITY_INFO, MIGRATE_INFO_TYPE,
 * SYSTEM_OFF, SYSTEM_RESET (the latter two through the secure PL061, see
 * psci_system_finish). Power events that concern the secure OS are
 * first handed to OP-TEE (opteed.c), and finished here when it has
 * answered: a core coming on runs OP-TEE's cpu_on_entry before the normal
 * world gets it; CPU_OFF, CPU_SUSPEND (power down), SYSTEM_OFF and
 * SYSTEM_RESET from the normal world run the matching OP-TEE entry first.
 *
 * Cores: index = MPIDR_EL1.Aff0, Aff1..Aff3 = 0 (qemu-virt's one cluster).
 */
#include "monitor.h"
#include "opteed.h"  /* SMC function-id fields */

#define PSCI_MIGRATE_INFO_TYPE      0x84000006u
#define PSCI_CPU_SUSPEND_64         0xC4000001u
#define PSCI_CPU_SUSPEND_32         0x84000001u
#define PSCI_CPU_ON_32              0x84000003u
#define PSCI_AFFINITY_INFO_32       0x84000004u
#define PSCI_TOS_NOT_PRESENT_MP     2   /* MIGRATE_INFO_TYPE: no migration needed */
#define PSCI_POWER_STATE_POWERDOWN  (1u << 16)  /* original power_state format */

/* PSCI target_cpu -> core index, or -1. */
static int mpidr_to_core(u64 mpidr)
{
    if ((mpidr >> 8) & 0xffff || (mpidr >> 32) & 0xff)
        return -1;
    unsigned aff0 = (unsigned)(mpidr & 0xff);
    return aff0 < MON_MAX_CORES ? (int)aff0 : -1;
}

static bool ns_entry_ok(u64 entry)
{
    return entry >= PLAT_NS_DRAM_BASE && entry < PLAT_NS_DRAM_BASE + (u64)PLAT_NS_DRAM_SIZE &&
           !(entry & 3);
}

static int64_t psci_features(u32 fid)
{
    switch (fid) {
    case SMCCC_VERSION:
    case PSCI_VERSION:
    case PSCI_CPU_SUSPEND_32:
    case PSCI_CPU_SUSPEND_64:  /* flags 0: original power_state format, platform coordination */
    case PSCI_CPU_OFF:
    case PSCI_CPU_ON_32:
    case PSCI_CPU_ON:
    case PSCI_AFFINITY_INFO_32:
    case PSCI_AFFINITY_INFO:
    case PSCI_MIGRATE_INFO_TYPE:
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
    case PSCI_FEATURES:
        return PSCI_SUCCESS;
    default:
        return PSCI_NOT_SUPPORTED;
    }
}

/* ---- CPU_ON ------------------------------------------------------------------ */

static int64_t cpu_on(u64 target, u64 entry, u64 context)
{
    int t = mpidr_to_core(target);
    if (t < 0)
        return PSCI_INVALID_PARAMETERS;
    if (!ns_entry_ok(entry))
        return PSCI_INVALID_ADDRESS;
    struct mon_core *tc = &mon.core[t];
    u32 st = READ_ONCE(tc->psci_state);
    if (st == CORE_ON)
        return PSCI_ALREADY_ON;
    if (st == CORE_ON_PENDING)
        return PSCI_ON_PENDING;
    WRITE_ONCE(tc->ns_entry, entry);
    WRITE_ONCE(tc->ns_context, context);
    WRITE_ONCE(tc->psci_state, (u32)CORE_ON_PENDING);
    dsb();  /* the target reads them as soon as it runs */
    extern char mon_warm_entry[];
    u64 warm = (u64)(uintptr_t)mon_warm_entry;
    mmio_write32(PLAT_POWERCTL_BASE + TZT_PWR_ENTRY_LO, (u32)warm);
    mmio_write32(PLAT_POWERCTL_BASE + TZT_PWR_ENTRY_HI, (u32)(warm >> 32));
    mmio_write32(PLAT_POWERCTL_BASE + TZT_PWR_CPU_ON, (u32)t);
    dsb();
    return PSCI_SUCCESS;
}

/* The core CPU_ON started, at mon_warm_entry with EL3 set up. */
void psci_warm_boot(struct mon_core *c, struct el3_frame *f)
{
    dsb();
    if (READ_ONCE(c->psci_state) != CORE_ON_PENDING)
        mon_panic("core entered the warm entry without PSCI CPU_ON", mon_core_index(), NULL);
    c->spd_op = SPD_NONE;
    if (optee_ready())
        opteed_cpu_on(c, f);  /* -> ON_DONE -> psci_cpu_on_finish */
    else
        psci_cpu_on_finish(c, f);
}

void psci_cpu_on_finish(struct mon_core *c, struct el3_frame *f)
{
    u64 entry = READ_ONCE(c->ns_entry), ctx = READ_ONCE(c->ns_context);
    tzt_printf("monitor: core %u on, entering NS-EL%lu at 0x%lx (context 0x%lx)\n",
               mon_core_index(), mon.bl33_el, entry, ctx);
    WRITE_ONCE(c->psci_state, (u32)CORE_ON);
    dsb();
    mon_enter_ns(c, f, entry, ctx);
}

/* ---- CPU_OFF, CPU_SUSPEND ------------------------------------------------------- */

void psci_cpu_off_finish(struct mon_core *c)
{
    WRITE_ONCE(c->psci_state, (u32)CORE_OFF);
    dsb();
    mmio_write32(PLAT_POWERCTL_BASE + TZT_PWR_CPU_OFF, 1);
    dsb();
    for (;;)
        wfi();  /* the power controller stops the core */
}

/* Standby: wait for an interrupt at EL3 and return to the caller.
 * Power down: OP-TEE saves its state (cpu_suspend_entry), the core waits for
 * an interrupt, OP-TEE restores (cpu_resume_entry), and the normal world
 * resumes at its entry point with fresh EL1 state, as after a real power
 * down. The core is not actually powered off: its caches and registers
 * would survive, which the normal world must not rely on. */
static void cpu_suspend(struct mon_core *c, struct el3_frame *f, u64 power_state, u64 entry,
                        u64 context)
{
    if (!(power_state & PSCI_POWER_STATE_POWERDOWN)) {
        dsb();
        wfi();
        f->x[0] = PSCI_SUCCESS;
        return;
    }
    if (!ns_entry_ok(entry)) {
        f->x[0] = (u64)PSCI_INVALID_ADDRESS;
        return;
    }
    c->ns_entry = entry;
    c->ns_context = context;
    if (optee_ready())
        opteed_cpu_suspend(c, f, power_state);  /* -> SUSPEND_DONE -> psci_suspend_powerdown */
    else
        psci_suspend_powerdown(c, f);
}

void psci_suspend_powerdown(struct mon_core *c, struct el3_frame *f)
{
    dsb();
    wfi();
    if (optee_ready())
        opteed_cpu_resume(c, f);  /* -> RESUME_DONE -> psci_suspend_finish */
    else
        psci_suspend_finish(c, f);
}

void psci_suspend_finish(struct mon_core *c, struct el3_frame *f)
{
    mon_enter_ns(c, f, c->ns_entry, c->ns_context);
}

/* ---- AFFINITY_INFO, SYSTEM_OFF/RESET ---------------------------------------------- */

static int64_t affinity_info(u64 target, u64 lowest_level)
{
    int t = mpidr_to_core(target);
    if (t < 0 || lowest_level != 0)
        return PSCI_INVALID_PARAMETERS;
    switch (READ_ONCE(mon.core[t].psci_state)) {
    case CORE_ON:
        return PSCI_AFF_ON;
    case CORE_ON_PENDING:
        return PSCI_AFF_ON_PENDING;
    default:
        return PSCI_AFF_OFF;
    }
}

/* System off/reset through the secure PL061's power lines (platform.h):
 * what QEMU virt wires, and what tzsim models (it stops at the write). Not
 * through tzsim's power controller, which QEMU lacks: an access there is an
 * external abort. QEMU acts on the line asynchronously, a few instructions
 * later, so the core waits in WFI. PL061 DATA: address bits [9:2] select
 * the lines written. */
void psci_system_finish(u32 what)
{
    u32 bit = 1u << (what == TZT_PWR_SYSTEM_OFF ? PLAT_GPIO_POWEROFF_LINE : PLAT_GPIO_RESET_LINE);
    dsb();
    mmio_write32(PLAT_SECURE_GPIO_BASE + PL061_DIR,
                 mmio_read32(PLAT_SECURE_GPIO_BASE + PL061_DIR) | bit);
    mmio_write32(PLAT_SECURE_GPIO_BASE + (bit << 2), bit);
    dsb();
    for (;;)
        wfi();
}

static void system_off(struct mon_core *c, struct el3_frame *f, u32 what, bool from_ns)
{
    tzt_printf("monitor: %s from the %s world on core %u\n",
               what == TZT_PWR_SYSTEM_OFF ? "SYSTEM_OFF" : "SYSTEM_RESET",
               from_ns ? "normal" : "secure", mon_core_index());
    if (from_ns && optee_ready())
        opteed_system_off(c, f, what);  /* -> SYSTEM_*_DONE -> psci_system_finish */
    else
        psci_system_finish(what);
}

/* ---- dispatch ------------------------------------------------------------------- */

/* fid is a fast call of owning entity 4. SMC32 forms take 32-bit arguments.
 * CPU_ON, CPU_OFF and CPU_SUSPEND are the normal world's: the secure world
 * gets DENIED. */
void psci_call(struct mon_core *c, struct el3_frame *f, u32 fid, bool from_ns)
{
    u64 a1 = f->x[1], a2 = f->x[2], a3 = f->x[3];
    if (!(fid & SMC_FID_64)) {
        a1 = (u32)a1;
        a2 = (u32)a2;
        a3 = (u32)a3;
    }
    int64_t ret;
    switch (fid) {
    case PSCI_VERSION:
        ret = PSCI_VERSION_1_1;
        break;
    case PSCI_FEATURES:
        ret = psci_features((u32)a1);
        break;
    case PSCI_CPU_SUSPEND_32:
    case PSCI_CPU_SUSPEND_64:
        if (!from_ns) {
            ret = PSCI_DENIED;
            break;
        }
        cpu_suspend(c, f, a1, a2, a3);
        return;
    case PSCI_CPU_OFF:
        if (!from_ns) {
            ret = PSCI_DENIED;
            break;
        }
        if (optee_ready()) {
            opteed_cpu_off(c, f);  /* -> OFF_DONE -> psci_cpu_off_finish */
            return;
        }
        psci_cpu_off_finish(c);
    case PSCI_CPU_ON_32:
    case PSCI_CPU_ON:
        ret = from_ns ? cpu_on(a1, a2, a3) : PSCI_DENIED;
        break;
    case PSCI_AFFINITY_INFO_32:
    case PSCI_AFFINITY_INFO:
        ret = affinity_info(a1, a2);
        break;
    case PSCI_MIGRATE_INFO_TYPE:
        ret = PSCI_TOS_NOT_PRESENT_MP;
        break;
    case PSCI_SYSTEM_OFF:
        system_off(c, f, TZT_PWR_SYSTEM_OFF, from_ns);
        return;
    case PSCI_SYSTEM_RESET:
        system_off(c, f, TZT_PWR_SYSTEM_RESET, from_ns);
        return;
    default:
        ret = PSCI_NOT_SUPPORTED;
        break;
    }
    f->x[0] = (u64)ret;
}
