/* SPDX-License-Identifier: MIT */
/*
 * tzt monitor — a minimal EL3 secure monitor for tzsim's tests.
 *
 * Boots S-EL1 (sel1.elf), then the normal world (nsel1.elf); forwards the
 * normal world's test calls (0xB2000000..0xB20000FF) to S-EL1 and serves
 * SMCCC_VERSION and a small PSCI 1.1 (VERSION, FEATURES, CPU_ON, CPU_OFF,
 * AFFINITY_INFO, SYSTEM_OFF, SYSTEM_RESET) itself. The protocol is described
 * in firmware/README.md.
 *
 * The MMU stays off at EL3. Every SMC enters mon_lower_sync() with the
 * caller's registers in a struct el3_frame on the core's EL3 stack; a world
 * switch saves that frame and the EL1 system registers of the world being
 * left into the core's context for that world, loads the other world's, and
 * flips SCR_EL3.NS. ERET (entry.S) then resumes whatever the frame holds.
 *
 * Cross-core data (PSCI state) is only written by one core at a time in the
 * tests: no locks (exclusives on Device memory, which is what every access is
 * with the MMU off, are IMPLEMENTATION DEFINED). Two cores racing CPU_ON for
 * the same target are not supported.
 */
#include <stdbool.h>

#include "monitor.h"

const uintptr_t tzt_console_base = TZT_UART1_BASE;
const char tzt_image_name[] = "monitor";

/* EL3 stacks, one per core (entry.S sets SP_EL3 to the top of the core's). */
u8 mon_stacks[TZT_MAX_CORES][TZT_STACK_SIZE] __attribute__((aligned(16)));

extern char mon_warm_entry[];

/* The EL1 (and EL0) system registers a world owns; EL1 registers are not
 * banked by security state in AArch64, so the monitor swaps them. */
struct el1_sysregs {
    u64 sp_el1, elr_el1, spsr_el1;
    u64 sctlr_el1, vbar_el1, ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1, amair_el1;
    u64 contextidr_el1, tpidr_el0, tpidrro_el0, tpidr_el1, cpacr_el1;
    u64 esr_el1, far_el1, afsr0_el1, afsr1_el1, par_el1, cntkctl_el1, csselr_el1;
};

/* One world's state on one core while the other world runs: x0..x30,
 * SP_EL0, ELR_EL3 and SPSR_EL3 (the frame) and the EL1 system registers. */
struct world_ctx {
    struct el3_frame gp;
    struct el1_sysregs sys;
};

enum { WORLD_S = 0, WORLD_NS = 1 };

enum core_state { CORE_OFF = 0, CORE_ON_PENDING = 1, CORE_ON = 2 };

struct mon_core {
    struct world_ctx world[2];
    bool s_valid;       /* world[WORLD_S] holds this core's S-EL1 context */
    bool in_call;       /* S-EL1 is serving a forwarded call for the NS caller */
    u32 state;          /* enum core_state; written by CPU_ON on other cores */
    u64 on_entry;       /* PSCI CPU_ON: NS entry point and context id */
    u64 on_context;
};

static struct {
    struct mon_core core[TZT_MAX_CORES];
    /* S-EL1 system registers when sel1 reported ENTRY_DONE on core 0: the
     * initial S-EL1 context of every other core. */
    struct el1_sysregs s_boot_sys;
    u64 s_call_entry;   /* 0 until ENTRY_DONE */
} mon;

/* The interrupt flows (TZT_FID_IRQ_SETUP and after; see "interrupt flows"
 * below). Kept apart from `mon` so that the layout the SMC path uses does
 * not change. */
static struct {
    u64 s_irq_entry;            /* S-EL1's interrupt entry (ENTRY_DONE x2), 0 = none */
    bool in_fiq[TZT_MAX_CORES]; /* S-EL1 is handling a secure interrupt taken from NS */
} mon_irq;

extern char mon_vectors_irq[];
static void irq_setup(struct el3_frame *f) __attribute__((noinline));

/* ---- helpers ------------------------------------------------------------- */

static unsigned this_core(void)
{
    return tzt_core_index();  /* checked < TZT_MAX_CORES by entry.S */
}

static void el1_save(struct el1_sysregs *s)
{
    s->sp_el1 = read_sysreg(sp_el1);
    s->elr_el1 = read_sysreg(elr_el1);
    s->spsr_el1 = read_sysreg(spsr_el1);
    s->sctlr_el1 = read_sysreg(sctlr_el1);
    s->vbar_el1 = read_sysreg(vbar_el1);
    s->ttbr0_el1 = read_sysreg(ttbr0_el1);
    s->ttbr1_el1 = read_sysreg(ttbr1_el1);
    s->tcr_el1 = read_sysreg(tcr_el1);
    s->mair_el1 = read_sysreg(mair_el1);
    s->amair_el1 = read_sysreg(amair_el1);
    s->contextidr_el1 = read_sysreg(contextidr_el1);
    s->tpidr_el0 = read_sysreg(tpidr_el0);
    s->tpidrro_el0 = read_sysreg(tpidrro_el0);
    s->tpidr_el1 = read_sysreg(tpidr_el1);
    s->cpacr_el1 = read_sysreg(cpacr_el1);
    s->esr_el1 = read_sysreg(esr_el1);
    s->far_el1 = read_sysreg(far_el1);
    s->afsr0_el1 = read_sysreg(afsr0_el1);
    s->afsr1_el1 = read_sysreg(afsr1_el1);
    s->par_el1 = read_sysreg(par_el1);
    s->cntkctl_el1 = read_sysreg(cntkctl_el1);
    s->csselr_el1 = read_sysreg(csselr_el1);
}

static void el1_restore(const struct el1_sysregs *s)
{
    write_sysreg(sp_el1, s->sp_el1);
    write_sysreg(elr_el1, s->elr_el1);
    write_sysreg(spsr_el1, s->spsr_el1);
    write_sysreg(sctlr_el1, s->sctlr_el1);
    write_sysreg(vbar_el1, s->vbar_el1);
    write_sysreg(ttbr0_el1, s->ttbr0_el1);
    write_sysreg(ttbr1_el1, s->ttbr1_el1);
    write_sysreg(tcr_el1, s->tcr_el1);
    write_sysreg(mair_el1, s->mair_el1);
    write_sysreg(amair_el1, s->amair_el1);
    write_sysreg(contextidr_el1, s->contextidr_el1);
    write_sysreg(tpidr_el0, s->tpidr_el0);
    write_sysreg(tpidrro_el0, s->tpidrro_el0);
    write_sysreg(tpidr_el1, s->tpidr_el1);
    write_sysreg(cpacr_el1, s->cpacr_el1);
    write_sysreg(esr_el1, s->esr_el1);
    write_sysreg(far_el1, s->far_el1);
    write_sysreg(afsr0_el1, s->afsr0_el1);
    write_sysreg(afsr1_el1, s->afsr1_el1);
    write_sysreg(par_el1, s->par_el1);
    write_sysreg(cntkctl_el1, s->cntkctl_el1);
    write_sysreg(csselr_el1, s->csselr_el1);
    /* The ERET that follows is a context synchronization event. */
}

/* EL1 state a world starts with: MMU and caches off, nothing else set. */
static void el1_reset_values(struct el1_sysregs *s)
{
    memset(s, 0, sizeof(*s));
    s->sctlr_el1 = TZT_SCTLR_EL1_RESET;
}

/* Security state the next ERET enters (SCR_EL3.NS). */
static void set_world(int world)
{
    u64 scr = read_sysreg(scr_el3);
    scr = (world == WORLD_NS) ? (scr | SCR_NS) : (scr & ~(u64)SCR_NS);
    write_sysreg(scr_el3, scr);
}

/* EL3 and EL2 set-up done by every core before it leaves EL3 the first
 * time (cold and warm boot). */
static void el3_arch_init(void)
{
    /* Secure, lower ELs AArch64, SMC enabled, IRQ/FIQ/SError not routed to
     * EL3, EL2 HVC disabled. */
    write_sysreg(scr_el3, SCR_RES1 | SCR_RW);
    write_sysreg(cptr_el3, 0);  /* no FP/SIMD, trace or AMU traps to EL3 */

    /* EL2 exists on tzsim's and QEMU's Cortex-A57 (ID_AA64PFR0_EL1.EL2 != 0);
     * the normal world is entered at EL1 directly, so configure what EL2
     * controls about NS-EL1. */
    if ((read_sysreg(id_aa64pfr0_el1) >> 8) & 0xf) {
        write_sysreg(hcr_el2, HCR_RW);            /* NS-EL1 is AArch64, no traps */
        write_sysreg(cptr_el2, TZT_CPTR_EL2_VALUE);
        write_sysreg(hstr_el2, 0);
        write_sysreg(cnthctl_el2, 3);             /* EL1PCTEN, EL1PCEN */
        write_sysreg(cntvoff_el2, 0);
        /* NS-EL1 reads of MIDR/MPIDR return VPIDR_EL2/VMPIDR_EL2 (UNKNOWN
         * at reset): make them the real values. */
        write_sysreg(vpidr_el2, read_sysreg(midr_el1));
        write_sysreg(vmpidr_el2, read_sysreg(mpidr_el1));
    }
    write_sysreg(sctlr_el1, TZT_SCTLR_EL1_RESET);
    isb();
}

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

/* "monitor: PANIC ..." on the secure UART, a register dump, then system
 * off through the power controller. */
static TZT_NORETURN void panic_frame(const char *why, u64 detail, const struct el3_frame *f)
{
    tzt_printf("monitor: PANIC %s (0x%lx) on core %u\n", why, detail, this_core());
    tzt_printf("  ESR_EL3=0x%lx FAR_EL3=0x%lx SCR_EL3=0x%lx\n", read_sysreg(esr_el3),
               read_sysreg(far_el3), read_sysreg(scr_el3));
    if (f) {
        tzt_printf("  ELR_EL3=0x%lx SPSR_EL3=0x%lx SP_EL0=0x%lx SP_EL1=0x%lx\n", f->elr_el3,
                   f->spsr_el3, f->sp_el0, read_sysreg(sp_el1));
        for (int i = 0; i < 31; i++)
            tzt_printf("  x%d=0x%016lx%s", i, f->x[i], (i % 4 == 3 || i == 30) ? "\n" : "");
    }
    tzt_powerctl_system(TZT_PWR_SYSTEM_OFF);
}

void mon_vector_panic(unsigned vector, struct el3_frame *f)
{
    panic_frame(vector_names[vector & 15], vector, f);
}

/* Leaves EL3 into the normal world at EL1h, DAIF masked, with fresh EL1
 * system registers, x0 = arg and every other register 0. */
static void enter_ns_fresh(struct mon_core *c, struct el3_frame *f, u64 entry, u64 arg)
{
    el1_reset_values(&c->world[WORLD_NS].sys);
    el1_restore(&c->world[WORLD_NS].sys);
    memset(f, 0, sizeof(*f));
    f->x[0] = arg;
    f->elr_el3 = entry;
    f->spsr_el3 = TZT_SPSR_EL1H_DAIF;
    set_world(WORLD_NS);
}

/* ---- boot ------------------------------------------------------------------ */

void mon_cold_boot(struct el3_frame *f)
{
    unsigned core = this_core();
    struct mon_core *c = &mon.core[core];

    el3_arch_init();
    tzt_printf("monitor: cold boot on core %u, entering S-EL1 at 0x%x\n", core,
               TZT_SEL1_ENTRY);
    WRITE_ONCE(c->state, (u32)CORE_ON);

    struct el1_sysregs fresh;
    el1_reset_values(&fresh);
    el1_restore(&fresh);
    memset(f, 0, sizeof(*f));
    f->elr_el3 = TZT_SEL1_ENTRY;
    f->spsr_el3 = TZT_SPSR_EL1H_DAIF;
    set_world(WORLD_S);
}

void mon_warm_boot(struct el3_frame *f)
{
    unsigned core = this_core();
    struct mon_core *c = &mon.core[core];

    el3_arch_init();
    dsb();
    if (READ_ONCE(c->state) != CORE_ON_PENDING)
        panic_frame("core entered the warm entry without PSCI CPU_ON", core, NULL);
    u64 entry = READ_ONCE(c->on_entry), ctx = READ_ONCE(c->on_context);
    c->s_valid = false;  /* S-EL1 starts afresh on this core's next call */
    c->in_call = false;
    tzt_printf("monitor: core %u on, entering NS-EL1 at 0x%lx (context 0x%lx)\n", core, entry,
               ctx);
    WRITE_ONCE(c->state, (u32)CORE_ON);
    dsb();
    enter_ns_fresh(c, f, entry, ctx);
}

/* ---- PSCI -------------------------------------------------------------------- */

/* PSCI target_cpu → core index, or -1. Only the affinity fields count
 * (Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0]); Aff1..3 must be 0. */
static int mpidr_to_core(u64 mpidr)
{
    if ((mpidr >> 8) & 0xffff || (mpidr >> 32) & 0xff)
        return -1;
    unsigned aff0 = (unsigned)(mpidr & 0xff);
    return aff0 < TZT_MAX_CORES ? (int)aff0 : -1;
}

static int64_t psci_features(u32 fid)
{
    switch (fid) {
    case SMCCC_VERSION:
    case PSCI_VERSION:
    case PSCI_CPU_OFF:
    case PSCI_CPU_ON:
    case PSCI_AFFINITY_INFO:
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
    case PSCI_FEATURES:
        return PSCI_SUCCESS;
    default:
        return PSCI_NOT_SUPPORTED;
    }
}

static int64_t psci_cpu_on(u64 target, u64 entry, u64 context)
{
    int t = mpidr_to_core(target);
    if (t < 0)
        return PSCI_INVALID_PARAMETERS;
    if (entry < TZT_NS_DRAM_BASE || entry >= TZT_NS_DRAM_BASE + (u64)TZT_NS_DRAM_SIZE ||
        (entry & 3))
        return PSCI_INVALID_ADDRESS;
    struct mon_core *tc = &mon.core[t];
    u32 st = READ_ONCE(tc->state);
    if (st == CORE_ON)
        return PSCI_ALREADY_ON;
    if (st == CORE_ON_PENDING)
        return PSCI_ON_PENDING;
    WRITE_ONCE(tc->on_entry, entry);
    WRITE_ONCE(tc->on_context, context);
    WRITE_ONCE(tc->state, (u32)CORE_ON_PENDING);
    dsb();  /* the target reads them as soon as it runs */
    u64 warm = (u64)(uintptr_t)mon_warm_entry;
    mmio_write32(TZT_POWERCTL_BASE + TZT_PWR_ENTRY_LO, (u32)warm);
    mmio_write32(TZT_POWERCTL_BASE + TZT_PWR_ENTRY_HI, (u32)(warm >> 32));
    mmio_write32(TZT_POWERCTL_BASE + TZT_PWR_CPU_ON, (u32)t);
    dsb();
    return PSCI_SUCCESS;
}

static TZT_NORETURN void psci_cpu_off(struct mon_core *c)
{
    c->s_valid = false;
    c->in_call = false;
    WRITE_ONCE(c->state, (u32)CORE_OFF);
    dsb();
    mmio_write32(TZT_POWERCTL_BASE + TZT_PWR_CPU_OFF, 1);
    dsb();
    for (;;)
        wfi();  /* tzsim stops the core at the next instruction boundary */
}

static int64_t psci_affinity_info(u64 target, u64 lowest_level)
{
    int t = mpidr_to_core(target);
    if (t < 0 || lowest_level != 0)
        return PSCI_INVALID_PARAMETERS;
    switch (READ_ONCE(mon.core[t].state)) {
    case CORE_ON:
        return PSCI_AFF_ON;
    case CORE_ON_PENDING:
        return PSCI_AFF_ON_PENDING;
    default:
        return PSCI_AFF_OFF;
    }
}

/* SMCCC_VERSION and PSCI, for either world. CPU_ON/CPU_OFF are normal-world
 * calls: from the secure world they are NOT_SUPPORTED. */
static void standard_call(struct mon_core *c, struct el3_frame *f, u32 fid, bool from_ns)
{
    int64_t ret;
    switch (fid) {
    case SMCCC_VERSION:
        ret = SMCCC_VERSION_1_1;
        break;
    case PSCI_VERSION:
        ret = PSCI_VERSION_1_1;
        break;
    case PSCI_FEATURES:
        ret = psci_features((u32)f->x[1]);
        break;
    case PSCI_CPU_ON:
        ret = from_ns ? psci_cpu_on(f->x[1], f->x[2], f->x[3]) : PSCI_NOT_SUPPORTED;
        break;
    case PSCI_CPU_OFF:
        if (from_ns)
            psci_cpu_off(c);
        ret = PSCI_NOT_SUPPORTED;
        break;
    case PSCI_AFFINITY_INFO:
        ret = psci_affinity_info(f->x[1], f->x[2]);
        break;
    case PSCI_SYSTEM_OFF:
        tzt_printf("monitor: SYSTEM_OFF from the %s world on core %u\n",
                   from_ns ? "normal" : "secure", this_core());
        tzt_powerctl_system(TZT_PWR_SYSTEM_OFF);
    case PSCI_SYSTEM_RESET:
        tzt_printf("monitor: SYSTEM_RESET from the %s world on core %u\n",
                   from_ns ? "normal" : "secure", this_core());
        tzt_powerctl_system(TZT_PWR_SYSTEM_RESET);
    default:
        if (fid == TZT_FID_IRQ_SETUP && from_ns) {
            irq_setup(f);  /* sets x0 and x1 */
            return;
        }
        ret = SMCCC_NOT_SUPPORTED;
        break;
    }
    f->x[0] = (u64)ret;
}

/* ---- world switches ------------------------------------------------------------ */

/* S-EL1 has booted on core 0 (x1 = its call entry): keep its context as the
 * template for the other cores and start the normal world. */
static void entry_done(struct mon_core *c, struct el3_frame *f)
{
    if (mon.s_call_entry != 0 || f->x[1] == 0) {
        f->x[0] = (u64)SMCCC_NOT_SUPPORTED;  /* only once, and with an entry */
        return;
    }
    struct world_ctx *s = &c->world[WORLD_S];
    s->gp = *f;
    el1_save(&s->sys);
    mon.s_boot_sys = s->sys;
    c->s_valid = true;
    mon.s_call_entry = f->x[1];
    mon_irq.s_irq_entry = f->x[2];
    tzt_printf("monitor: S-EL1 ready (call entry 0x%lx), entering NS-EL1 at 0x%x\n",
               mon.s_call_entry, TZT_NSEL1_ENTRY);
    enter_ns_fresh(c, f, TZT_NSEL1_ENTRY, 0);
}

/* NS test call: run S-EL1's call entry with x0..x4 = the caller's x0..x4. */
static void forward_call(struct mon_core *c, struct el3_frame *f)
{
    if (mon.s_call_entry == 0) {
        f->x[0] = (u64)SMCCC_NOT_SUPPORTED;
        return;
    }
    struct world_ctx *ns = &c->world[WORLD_NS], *s = &c->world[WORLD_S];
    ns->gp = *f;
    el1_save(&ns->sys);
    if (!c->s_valid) {
        /* First call on this core: S-EL1 state as it booted on core 0; the
         * call entry sets up its own per-core stack. */
        memset(&s->gp, 0, sizeof(s->gp));
        s->sys = mon.s_boot_sys;
        s->sys.sp_el1 = 0;
        c->s_valid = true;
    }
    el1_restore(&s->sys);
    *f = s->gp;
    for (int i = 0; i <= 4; i++)
        f->x[i] = ns->gp.x[i];
    f->elr_el3 = mon.s_call_entry;
    f->spsr_el3 = TZT_SPSR_EL1H_DAIF;
    c->in_call = true;
    set_world(WORLD_S);
}

/* S-EL1 finished a call: x1..x4 become the NS caller's x0..x3. */
static void call_done(struct mon_core *c, struct el3_frame *f)
{
    if (!c->in_call) {
        f->x[0] = (u64)SMCCC_NOT_SUPPORTED;
        return;
    }
    struct world_ctx *ns = &c->world[WORLD_NS], *s = &c->world[WORLD_S];
    s->gp = *f;
    el1_save(&s->sys);
    el1_restore(&ns->sys);
    *f = ns->gp;
    for (int i = 0; i < 4; i++)
        f->x[i] = s->gp.x[i + 1];
    c->in_call = false;
    set_world(WORLD_NS);
}

/* ---- the SMC handler ------------------------------------------------------------- */

void mon_lower_sync(struct el3_frame *f)
{
    u64 esr = read_sysreg(esr_el3);
    unsigned ec = (unsigned)(esr >> ESR_EC_SHIFT) & 0x3f;
    if (ec != ESR_EC_SMC64)
        panic_frame("unexpected exception from a lower EL, ESR_EL3.EC", ec, f);

    struct mon_core *c = &mon.core[this_core()];
    u32 fid = (u32)f->x[0];  /* SMCCC: the function id is W0 */
    if (read_sysreg(scr_el3) & SCR_NS) {
        if (fid >= TZT_FID_CALL_BASE && fid <= TZT_FID_CALL_LAST)
            forward_call(c, f);
        else
            standard_call(c, f, fid, true);
    } else {
        if (fid == TZT_FID_ENTRY_DONE)
            entry_done(c, f);
        else if (fid == TZT_FID_CALL_DONE)
            call_done(c, f);
        else
            standard_call(c, f, fid, false);
    }
}

/* ---- interrupt flows ------------------------------------------------------------- */

/*
 * Switched on per core by the normal world's TZT_FID_IRQ_SETUP (docs/gic.md,
 * "End-to-end flows"). Routing (Arm ARM D1.3.6; IHI 0069 4.6):
 *
 *   world running   SCR_EL3.FIQ  SCR_EL3.IRQ   a secure interrupt   a normal-world one
 *   normal          1            0             FIQ -> EL3           IRQ -> NS-EL1
 *   secure          0            0             -> S-EL1             -> S-EL1 (preempts)
 *
 * A secure interrupt is an FIQ while the normal world runs (GICv2 Group 0
 * with FIQEn; GICv3 Group 0 and Secure Group 1), so it reaches EL3, which
 * runs S-EL1's interrupt entry with x0 = TZT_FID_FIQ; S-EL1 acknowledges and
 * ends it and returns with TZT_FID_FIQ_DONE, and the normal world resumes
 * exactly where it was. While the secure world runs nothing is routed to
 * EL3: S-EL1 handles its own interrupts, and a normal-world interrupt
 * (GICv2: IRQ; GICv3: FIQ, Group 1 of the other Security state) makes S-EL1
 * suspend its yielding call and end it with TZT_INTERRUPTED. SCR_EL3.ST
 * gives S-EL1 the secure physical timer.
 */

#define SCR_ST  (1 << 11)  /* Secure EL1 may use the secure physical timer */

/* SCR_EL3 routing for the world the next ERET enters (SCR_EL3.NS). */
static void irq_route(void)
{
    u64 scr = read_sysreg(scr_el3);
    scr = (scr & ~(u64)SCR_FIQ) | SCR_ST;
    if (scr & SCR_NS)
        scr |= SCR_FIQ;
    write_sysreg(scr_el3, scr);
}

/* TZT_FID_IRQ_SETUP from the normal world: the GIC's security set-up for
 * this core, then this core's exceptions go through mon_vectors_irq.
 * x0 = 0 and x1 = the GIC version, or x0 = -1 (no S-EL1 interrupt entry, no
 * GIC). Out of line (a tail call from standard_call), so that the code of
 * the other standard calls stays as it was. */
static void irq_setup(struct el3_frame *f)
{
    unsigned ver = 0;
    if (mon.s_call_entry != 0 && mon_irq.s_irq_entry != 0)
        ver = mon_gic_init();
    if (ver == 0) {
        f->x[0] = (u64)SMCCC_NOT_SUPPORTED;
        return;
    }
    write_sysreg(vbar_el3, (u64)(uintptr_t)mon_vectors_irq);
    isb();
    irq_route();  /* back to the normal world: SCR_EL3.FIQ = 1 */
    tzt_printf("monitor: interrupt flows on for core %u (GICv%u)\n", this_core(), ver);
    f->x[0] = 0;
    f->x[1] = ver;
}

/* The first S-EL1 context of a core (as forward_call makes it). */
static void s_context_valid(struct mon_core *c)
{
    if (!c->s_valid) {
        memset(&c->world[WORLD_S].gp, 0, sizeof(c->world[WORLD_S].gp));
        c->world[WORLD_S].sys = mon.s_boot_sys;
        c->world[WORLD_S].sys.sp_el1 = 0;
        c->s_valid = true;
    }
}

/* An interrupt-flow call (0xB2000003..0xB200000F) from the normal world:
 * as forward_call, to S-EL1's interrupt entry. */
static void irq_forward(struct mon_core *c, struct el3_frame *f)
{
    struct world_ctx *ns = &c->world[WORLD_NS], *s = &c->world[WORLD_S];
    ns->gp = *f;
    el1_save(&ns->sys);
    s_context_valid(c);
    el1_restore(&s->sys);
    *f = s->gp;
    for (int i = 0; i <= 4; i++)
        f->x[i] = ns->gp.x[i];
    f->elr_el3 = mon_irq.s_irq_entry;
    f->spsr_el3 = TZT_SPSR_EL1H_DAIF;
    c->in_call = true;
    set_world(WORLD_S);
}

/* S-EL1 handled the secure interrupt(s): the normal world goes on exactly
 * where the FIQ took it (its frame holds ELR_EL3/SPSR_EL3 of the FIQ). */
static void fiq_done(struct mon_core *c, struct el3_frame *f)
{
    unsigned core = this_core();
    if (!mon_irq.in_fiq[core]) {
        f->x[0] = (u64)SMCCC_NOT_SUPPORTED;
        return;
    }
    struct world_ctx *ns = &c->world[WORLD_NS], *s = &c->world[WORLD_S];
    s->gp = *f;
    el1_save(&s->sys);
    el1_restore(&ns->sys);
    *f = ns->gp;
#ifdef TZT_BUG_FIQ_X17
    /* A deliberate bug for tests (monitor-bug-x17.elf only): on the path
     * where S-EL1 handled several interrupts in one entry (x1 of FIQ_DONE),
     * x17 is not restored, so the normal world gets S-EL1's. */
    if (s->gp.x[1] >= 2)
        f->x[17] = s->gp.x[17];
#endif
    mon_irq.in_fiq[core] = false;
    set_world(WORLD_NS);
}

void mon_lower_sync_irq(struct el3_frame *f)
{
    u64 esr = read_sysreg(esr_el3);
    if (((esr >> ESR_EC_SHIFT) & 0x3f) == ESR_EC_SMC64) {
        struct mon_core *c = &mon.core[this_core()];
        u32 fid = (u32)f->x[0];
        if (read_sysreg(scr_el3) & SCR_NS) {
            if (fid >= TZT_FID_IRQ_CALL_FIRST && fid <= TZT_FID_IRQ_CALL_LAST) {
                irq_forward(c, f);
                irq_route();
                return;
            }
        } else if (fid == TZT_FID_FIQ_DONE) {
            fiq_done(c, f);
            irq_route();
            return;
        }
    }
    mon_lower_sync(f);  /* everything else as without the flows (panics on non-SMCs) */
    irq_route();
}

/* An FIQ from a lower EL: a secure interrupt while the normal world ran
 * (SCR_EL3.FIQ is 0 while the secure world runs). Save the normal world as
 * it was and enter S-EL1's interrupt entry with x0 = TZT_FID_FIQ. */
void mon_lower_fiq(struct el3_frame *f)
{
    unsigned core = this_core();
    struct mon_core *c = &mon.core[core];
    if (!(read_sysreg(scr_el3) & SCR_NS) || mon_irq.in_fiq[core])
        panic_frame("FIQ taken to EL3 from the secure world", core, f);
    struct world_ctx *ns = &c->world[WORLD_NS], *s = &c->world[WORLD_S];
    ns->gp = *f;
    el1_save(&ns->sys);
    s_context_valid(c);
    el1_restore(&s->sys);
    *f = s->gp;
    f->x[0] = TZT_FID_FIQ;
    for (int i = 1; i <= 4; i++)
        f->x[i] = 0;
    f->elr_el3 = mon_irq.s_irq_entry;
    f->spsr_el3 = TZT_SPSR_EL1H_DAIF;
    mon_irq.in_fiq[core] = true;
    set_world(WORLD_S);
    irq_route();
}
