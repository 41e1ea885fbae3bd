/* SPDX-License-Identifier: MIT */
/*
 * tzsim reference EL3 monitor: boot, world switches and SMC dispatch.
 *
 * Cold boot (core 0): read the handoff (handoff.h: what to boot, where),
 * set up EL3, EL2 and the GIC's security configuration, boot OP-TEE at
 * S-EL1 when the handoff names one (opteed.c), then the normal world (BL33)
 * at NS-EL1 or NS-EL2. Afterwards every SMC from a lower EL enters
 * mon_sync_lower() and every secure interrupt taken while the normal world
 * runs enters mon_fiq_lower(); both work on the frame of the caller's
 * registers that entry.S pushed, and ERET resumes whatever the frame holds.
 *
 * SMC dispatch by the function id in W0 (SMC Calling Convention, DEN0028):
 *   normal world: Arm architecture calls (SMCCC_VERSION, SMCCC_ARCH_FEATURES)
 *     and PSCI (psci.c) are served here; Trusted OS calls (owning entity
 *     50..63, fast or yielding, SMC32 or SMC64) go to OP-TEE; anything else
 *     returns -1 (NOT_SUPPORTED).
 *   secure world: OP-TEE's TEESMC_OPTEED_RETURN_* (owning entity 62) end
 *     what the monitor entered it for; architecture calls and PSCI are
 *     served as for the normal world.
 *
 * The MMU stays off at EL3. State shared between cores (PSCI states) is
 * written by one core at a time; there are no locks (exclusives on Device
 * memory, which every access is with the MMU off, are IMPLEMENTATION
 * DEFINED). Documented in docs/firmware.md.
 */
#include "monitor.h"
#include "handoff.h"
#include "opteed.h"

const uintptr_t tzt_console_base = PLAT_CONSOLE_BASE;
const char tzt_image_name[] = "monitor";

struct mon_state mon;

#define SMCCC_ARCH_FEATURES     0x80000001u
#define SMCCC_VERSION_1_2       0x10002
#define SPSR_EL2H_DAIF          0x3c9  /* AArch64 EL2 using SP_EL2, DAIF masked */
#define SCR_ST                  (1u << 11)  /* S-EL1 may use the secure physical timer */
#define SCTLR_EL2_RES1          0x30c50830u

/* ---- cores and worlds ------------------------------------------------------- */

unsigned mon_core_index(void)
{
    return (unsigned)(read_sysreg(mpidr_el1) & 0xff);  /* < MON_MAX_CORES (entry.S) */
}

struct mon_core *mon_this_core(void)
{
    return &mon.core[mon_core_index()];
}

/* SCR_EL3 for running `world`: lower ELs AArch64, SMC enabled, S-EL1 may
 * use the secure timer; in the normal world secure interrupts (FIQ) are
 * taken to EL3 when OP-TEE is there to handle them, and HVC is enabled
 * when the normal world has EL2. IRQs and SErrors always go to the lower
 * EL of the running world. */
static void set_world(int world)
{
    u64 scr = SCR_RES1 | SCR_RW | SCR_ST;
    if (mon.bl33_el == 2)
        scr |= SCR_HCE;
    if (world == WORLD_NS) {
        scr |= SCR_NS;
        if (optee_ready())
            scr |= SCR_FIQ;
    }
    write_sysreg(scr_el3, scr);
}

void mon_save_world(struct mon_core *c, const struct el3_frame *f, int world)
{
    c->world[world].gp = *f;
    el1_sysregs_save(&c->world[world].sys);
}

/* Makes `world`'s saved context the one the next ERET resumes. */
void mon_load_world(struct mon_core *c, struct el3_frame *f, int world)
{
    el1_sysregs_restore(&c->world[world].sys);
    *f = c->world[world].gp;
    set_world(world);
}

/* Enters the normal world afresh at `entry` (BL33's exception level, MMU
 * off, DAIF masked, fresh EL1 registers), x0 = x0, other registers 0. */
void mon_enter_ns(struct mon_core *c, struct el3_frame *f, u64 entry, u64 x0)
{
    el1_sysregs_reset(&c->world[WORLD_NS].sys);
    el1_sysregs_restore(&c->world[WORLD_NS].sys);
    memset(f, 0, sizeof(*f));
    f->x[0] = x0;
    f->elr_el3 = entry;
    f->spsr_el3 = mon.bl33_el == 2 ? SPSR_EL2H_DAIF : TZT_SPSR_EL1H_DAIF;
    set_world(WORLD_NS);
}

/* Primary core, end of cold boot: start BL33. */
void mon_boot_ns(struct mon_core *c, struct el3_frame *f)
{
    tzt_printf("monitor: entering BL33 at 0x%lx in NS-EL%lu, x0=0x%lx\n", mon.bl33_entry,
               mon.bl33_el, mon.bl33_x0);
    mon_enter_ns(c, f, mon.bl33_entry, mon.bl33_x0);
}

/* ---- panics ------------------------------------------------------------------ */

static const char *const vector_names[16] = {
    "sync from EL3 (SP_EL0)", "IRQ at EL3 (SP_EL0)", "FIQ at EL3 (SP_EL0)",
    "SError at EL3 (SP_EL0)",
    "sync from EL3 (SP_EL3)", "IRQ at EL3 (SP_EL3)", "FIQ at EL3 (SP_EL3)",
    "SError at EL3 (SP_EL3)",
    "sync from a lower EL (AArch64)", "IRQ from a lower EL (AArch64)",
    "FIQ from a lower EL (AArch64)", "SError from a lower EL (AArch64)",
    "sync from a lower EL (AArch32)", "IRQ from a lower EL (AArch32)",
    "FIQ from a lower EL (AArch32)", "SError from a lower EL (AArch32)",
};

/* "monitor: PANIC ..." on the secure console with the EL3 registers and the
 * frame, then system off. */
void mon_panic(const char *why, u64 detail, const struct el3_frame *f)
{
    tzt_printf("monitor: PANIC %s (0x%lx) on core %u\n", why, detail, mon_core_index());
    tzt_printf("  ESR_EL3=0x%lx FAR_EL3=0x%lx SCR_EL3=0x%lx\n", read_sysreg(esr_el3),
               read_sysreg(far_el3), read_sysreg(scr_el3));
    if (f) {
        tzt_printf("  ELR_EL3=0x%lx SPSR_EL3=0x%lx SP_EL0=0x%lx SP_EL1=0x%lx\n", f->elr_el3,
                   f->spsr_el3, f->sp_el0, read_sysreg(sp_el1));
        for (int i = 0; i < 31; i++)
            tzt_printf("  x%d=0x%016lx%s", i, f->x[i], (i % 4 == 3 || i == 30) ? "\n" : "");
    }
    psci_system_finish(TZT_PWR_SYSTEM_OFF);
}

void mon_vector_panic(unsigned vector, struct el3_frame *f)
{
    mon_panic(vector_names[vector & 15], vector, f);
}

/* ---- boot --------------------------------------------------------------------- */

/* EL3 and EL2 set-up, every core, before it first leaves EL3. */
static void el3_arch_init(void)
{
    set_world(WORLD_S);
    write_sysreg(cptr_el3, 0);  /* no FP/SIMD, trace or AMU traps to EL3 */

    /* EL2 (present on tzsim's Cortex-A57): with BL33 at EL1, configure what
     * EL2 controls about NS-EL1, as a hypervisor that is not there would;
     * with BL33 at EL2, only give SCTLR_EL2 a defined value. */
    if ((read_sysreg(id_aa64pfr0_el1) >> 8) & 0xf) {
        if (mon.bl33_el == 2) {
            write_sysreg(sctlr_el2, SCTLR_EL2_RES1);
        } else {
            write_sysreg(hcr_el2, HCR_RW);             /* NS-EL1 is AArch64, no traps */
            write_sysreg(cptr_el2, TZT_CPTR_EL2_VALUE);
            write_sysreg(hstr_el2, 0);
            write_sysreg(cnthctl_el2, 3);              /* EL1PCTEN, EL1PCEN */
            write_sysreg(cntvoff_el2, 0);
            write_sysreg(vpidr_el2, read_sysreg(midr_el1));
            write_sysreg(vmpidr_el2, read_sysreg(mpidr_el1));
        }
    }
    write_sysreg(sctlr_el1, TZT_SCTLR_EL1_RESET);
    isb();
}

/* Reads and checks the handoff; any defect is fatal (the monitor has no
 * compiled-in images to fall back to). */
static void handoff_read(void)
{
    const struct mon_handoff *h = (const struct mon_handoff *)(uintptr_t)MON_HANDOFF_ADDR;
    if (h->magic != MON_HANDOFF_MAGIC) {
        tzt_printf("monitor: no handoff at 0x%x: magic 0x%x, expected 0x%x (\"TZHO\"); "
                   "see docs/handoff.md\n", MON_HANDOFF_ADDR, h->magic, MON_HANDOFF_MAGIC);
        mon_panic("no boot handoff", MON_HANDOFF_ADDR, NULL);
    }
    if (h->version != MON_HANDOFF_VERSION || h->size < HO_SIZE_V1 || h->size > 4096 ||
        (h->size & 3)) {
        tzt_printf("monitor: handoff at 0x%x: version %u size %u; this monitor reads "
                   "version %u, size >= %u\n", MON_HANDOFF_ADDR, h->version, h->size,
                   MON_HANDOFF_VERSION, HO_SIZE_V1);
        mon_panic("unsupported boot handoff", h->version, NULL);
    }
    u32 sum = 0;
    for (u32 i = 0; i < h->size / 4; i++)
        sum += ((const u32 *)h)[i];
    if (sum != 0)
        mon_panic("boot handoff checksum: the words do not sum to 0", sum, NULL);
    if (h->bl33_entry == 0 || (h->bl33_el != 1 && h->bl33_el != 2))
        mon_panic("boot handoff: bl33_entry must be set and bl33_el be 1 or 2", h->bl33_el,
                  NULL);
    if (h->bl33_el == 2 && !((read_sysreg(id_aa64pfr0_el1) >> 8) & 0xf))
        mon_panic("boot handoff: bl33_el = 2 but this CPU has no EL2", 2, NULL);
    mon.bl32_entry = h->bl32_entry;
    mon.bl32_x0 = h->bl32_x0;
    mon.bl33_entry = h->bl33_entry;
    mon.bl33_el = h->bl33_el;
    mon.bl33_x0 = h->bl33_x0;
    mon.dtb = h->dtb;
}

void mon_cold_boot(struct el3_frame *f)
{
    struct mon_core *c = mon_this_core();
    tzt_printf("monitor: tzsim reference monitor, cold boot on core %u\n", mon_core_index());
    handoff_read();
    tzt_printf("monitor: handoff: BL32 0x%lx (x0=0x%lx), BL33 0x%lx at EL%lu (x0=0x%lx), "
               "DTB 0x%lx\n", mon.bl32_entry, mon.bl32_x0, mon.bl33_entry, mon.bl33_el,
               mon.bl33_x0, mon.dtb);
    el3_arch_init();
    gic_init_distributor();
    gic_init_cpu();
    WRITE_ONCE(c->psci_state, (u32)CORE_ON);
    if (mon.bl32_entry)
        opteed_boot(c, f);
    else
        mon_boot_ns(c, f);
}

void mon_warm_boot(struct el3_frame *f)
{
    el3_arch_init();
    gic_init_cpu();
    psci_warm_boot(mon_this_core(), f);
}

/* ---- SMC dispatch ----------------------------------------------------------------- */

/* Arm architecture calls (owning entity 0). */
static void arch_call(struct el3_frame *f, u32 fid)
{
    switch (fid) {
    case SMCCC_VERSION:
        f->x[0] = SMCCC_VERSION_1_2;
        return;
    case SMCCC_ARCH_FEATURES: {
        u32 q = (u32)f->x[1];
        f->x[0] = (q == SMCCC_VERSION || q == SMCCC_ARCH_FEATURES) ? 0
                                                                  : (u64)SMCCC_NOT_SUPPORTED;
        return;
    }
    default:
        f->x[0] = (u64)SMCCC_NOT_SUPPORTED;  /* no SMCCC_ARCH_WORKAROUND_* */
        return;
    }
}

static void ns_smc(struct mon_core *c, struct el3_frame *f, u32 fid)
{
    unsigned owner = SMC_FID_OWNER(fid);
    if (owner >= SMC_OWNER_TOS_FIRST && owner <= SMC_OWNER_TOS_LAST) {
        opteed_ns_call(c, f);  /* -1 when there is no OP-TEE */
        return;
    }
    if (!(fid & SMC_FID_FAST)) {
        f->x[0] = (u64)SMCCC_NOT_SUPPORTED;  /* yielding calls are the Trusted OS's only */
        return;
    }
    switch (owner) {
    case SMC_OWNER_ARCH:
        arch_call(f, fid);
        return;
    case SMC_OWNER_STANDARD:
        psci_call(c, f, fid, true);
        return;
    default:
        f->x[0] = (u64)SMCCC_NOT_SUPPORTED;
        return;
    }
}

static void s_smc(struct mon_core *c, struct el3_frame *f, u32 fid)
{
    if ((fid & ~0xffffu) == TEESMC_OPTEED_RV(0)) {
        opteed_return(c, f, fid);
        return;
    }
    if (!(fid & SMC_FID_FAST)) {
        f->x[0] = (u64)SMCCC_NOT_SUPPORTED;
        return;
    }
    switch (SMC_FID_OWNER(fid)) {
    case SMC_OWNER_ARCH:
        arch_call(f, fid);
        return;
    case SMC_OWNER_STANDARD:
        psci_call(c, f, fid, false);
        return;
    default:
        f->x[0] = (u64)SMCCC_NOT_SUPPORTED;
        return;
    }
}

void mon_sync_lower(struct el3_frame *f)
{
    u64 esr = read_sysreg(esr_el3);
    unsigned ec = (unsigned)(esr >> ESR_EC_SHIFT) & 0x3f;
    if (ec != ESR_EC_SMC64)
        mon_panic("unexpected exception from a lower EL, ESR_EL3.EC", ec, f);
    struct mon_core *c = mon_this_core();
    u32 fid = (u32)f->x[0];  /* SMCCC: the function id is W0 */
    if (read_sysreg(scr_el3) & SCR_NS)
        ns_smc(c, f, fid);
    else
        s_smc(c, f, fid);
}

void mon_fiq_lower(struct el3_frame *f)
{
    /* SCR_EL3.FIQ is set only while the normal world runs with OP-TEE
     * booted, so that is the only way to get here. */
    if (!(read_sysreg(scr_el3) & SCR_NS) || !optee_ready())
        mon_panic("FIQ at EL3 with no normal world running or no OP-TEE", 0, f);
    opteed_fiq(mon_this_core(), f);
}
