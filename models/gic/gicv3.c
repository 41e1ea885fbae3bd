/* GICv3 with two Security states (GICD_CTLR.DS == 0): Distributor, one
 * Redistributor per CPU and the system-register CPU interface. Spec: Arm IHI
 * 0069 ("GIC architecture version 3 and version 4"). See gicv3.h for the
 * implementation choices and docs/gic.md ("GICv3") for the user's view.
 *
 * Structure (the house style of DESIGN.md): state + reset (tz_gicv3 and
 * gicv3_reset), register decode (dist_read/dist_write, rd_read/rd_write,
 * icc_read/icc_write: switch on the offset or encoding, names from the spec),
 * and outputs (update: the highest priority pending interrupt of every CPU,
 * then signal: IRQ or FIQ for the CPU's current EL and Security state).
 *
 * Guest misbehaviour (reserved offsets, writes to read-only registers,
 * Non-secure accesses to Secure-only registers, EOI of an interrupt that is
 * not active, accesses that would be UNDEFINED or trap to EL3) is counted,
 * traced as GIC_ERROR and given the RAZ/WI result. Per-interrupt fields of
 * Secure interrupts are RAZ/WI to Non-secure accesses without an error: the
 * spec makes them so that Non-secure software may write all-ones masks.
 */
#include "gicv3.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "models/registry.h"
#include "sim/machine.h"
#include "sim/sysreg.h"

#define NWORDS_MAX (1 + TZ_GICV3_MAX_SPIS / 32)
#define NIRQ_MAX (32 + TZ_GICV3_MAX_SPIS)

/* 5 bits of priority (ICC_CTLR_EL1.PRIbits = 4): IMPLEMENTATION DEFINED. */
#define PRIO_MASK 0xf8u
#define PRIBITS_FIELD 4u
#define IDLE_PRIO 0xffu
/* Minimum binary points for 5 preemption bits (ICC_BPR0_EL1, ICC_BPR1_EL1):
 * Group 0 and Secure Group 1 2, Non-secure Group 1 one more. */
#define BPR_MIN 2u
#define BPR_MIN_NS 3u

/* SCR_EL3 bits the CPU interface looks at. */
#define SCR_NS (1u << 0)
#define SCR_IRQ (1u << 1)
#define SCR_FIQ (1u << 2)

/* GICD_IIDR/GICR_IIDR: IMPLEMENTATION DEFINED; Implementer 0x43B (JEP106
 * code of Arm, as in PIDR2), ProductID 0, which matches no product erratum
 * list. GICD_PIDR2/GICR_PIDR2: ArchRev 3 (GICv3) in bits [7:4]. */
#define IIDR_VALUE 0x0000043bu
#define PIDR2_VALUE 0x3bu
static const uint8_t cidr[4] = {0x0d, 0xf0, 0x05, 0xb1};

/* One bit per interrupt for 32 consecutive INTIDs. */
struct irq_word {
    uint32_t group;   /* IGROUPR */
    uint32_t grpmod;  /* IGRPMODR */
    uint32_t enable;
    uint32_t pend;    /* pending latch: edges, ISPENDR, SGIs */
    uint32_t level;   /* input line levels */
    uint32_t active;
    uint32_t edge;    /* ICFGR Int_config[1]: 1 edge-triggered */
};

struct redist {
    struct irq_word w;       /* SGIs 0..15, PPIs 16..31 */
    uint8_t prio[32];
    uint32_t nsacr;          /* GICR_NSACR */
    bool sleep;              /* GICR_WAKER.ProcessorSleep (ChildrenAsleep follows at once) */
};

struct cpuif {
    uint8_t pmr;
    uint8_t bpr0, bpr1[2];   /* bpr1: [0] Secure, [1] Non-secure copy */
    uint32_t ap0, ap1[2];    /* active priorities: bit n = group priority n << 3 */
    bool igrpen0;
    uint32_t igrpen1;        /* ICC_IGRPEN1_EL3: bit 0 EnableGrp1NS, bit 1 EnableGrp1S */
    uint32_t ctlr3;          /* writable bits of ICC_CTLR_EL3 */
    /* The highest priority pending interrupt forwarded to this CPU
     * interface (update()), -1 if none. */
    int hppi;
    uint8_t hppi_prio;
    enum tz_gicv3_group hppi_grp;
    struct tz_irq_line out[2]; /* TZ_LINE_IRQ, TZ_LINE_FIQ */
};

/* Standalone instances: the CPU state a machine would provide. */
struct pe_state {
    int el;
    bool ns;
    uint64_t scr;
};

/* The accessing (or signalled) CPU as the model needs it. */
struct pe {
    int cpu;
    int el;
    bool ns;        /* current Security state (false at EL3) */
    uint64_t scr;
    struct tz_cpu *c; /* NULL standalone */
};

enum reg_class {
    RC_G0,      /* Group 0 registers: trap to EL3 when SCR_EL3.FIQ == 1 */
    RC_G1,      /* Group 1 registers: trap when SCR_EL3.IRQ == 1 */
    RC_COMMON,  /* trap when SCR_EL3.{IRQ,FIQ} == {1,1} */
    RC_SRE,     /* ICC_SRE_EL1: ICC_SRE_EL3.Enable is RAO, never traps */
    RC_EL2,     /* EL2 register: UNDEFINED below EL2 */
    RC_EL3,     /* EL3 register: UNDEFINED below EL3 */
};

struct reg_desc {
    const char *name;
    uint16_t key;
    enum reg_class rc;
    bool readable, writable;
};

static const struct reg_desc icc_regs[] = {
    {"ICC_PMR_EL1", TZ_ICC_PMR_EL1, RC_COMMON, true, true},
    {"ICC_IAR0_EL1", TZ_ICC_IAR0_EL1, RC_G0, true, false},
    {"ICC_EOIR0_EL1", TZ_ICC_EOIR0_EL1, RC_G0, false, true},
    {"ICC_HPPIR0_EL1", TZ_ICC_HPPIR0_EL1, RC_G0, true, false},
    {"ICC_BPR0_EL1", TZ_ICC_BPR0_EL1, RC_G0, true, true},
    {"ICC_AP0R0_EL1", TZ_ICC_AP0R0_EL1, RC_G0, true, true},
    {"ICC_AP1R0_EL1", TZ_ICC_AP1R0_EL1, RC_G1, true, true},
    {"ICC_DIR_EL1", TZ_ICC_DIR_EL1, RC_COMMON, false, true},
    {"ICC_RPR_EL1", TZ_ICC_RPR_EL1, RC_COMMON, true, false},
    {"ICC_SGI1R_EL1", TZ_ICC_SGI1R_EL1, RC_COMMON, false, true},
    {"ICC_ASGI1R_EL1", TZ_ICC_ASGI1R_EL1, RC_COMMON, false, true},
    {"ICC_SGI0R_EL1", TZ_ICC_SGI0R_EL1, RC_COMMON, false, true},
    {"ICC_IAR1_EL1", TZ_ICC_IAR1_EL1, RC_G1, true, false},
    {"ICC_EOIR1_EL1", TZ_ICC_EOIR1_EL1, RC_G1, false, true},
    {"ICC_HPPIR1_EL1", TZ_ICC_HPPIR1_EL1, RC_G1, true, false},
    {"ICC_BPR1_EL1", TZ_ICC_BPR1_EL1, RC_G1, true, true},
    {"ICC_CTLR_EL1", TZ_ICC_CTLR_EL1, RC_COMMON, true, true},
    {"ICC_SRE_EL1", TZ_ICC_SRE_EL1, RC_SRE, true, true},
    {"ICC_IGRPEN0_EL1", TZ_ICC_IGRPEN0_EL1, RC_G0, true, true},
    {"ICC_IGRPEN1_EL1", TZ_ICC_IGRPEN1_EL1, RC_G1, true, true},
    {"ICC_SRE_EL2", TZ_ICC_SRE_EL2, RC_EL2, true, true},
    {"ICC_CTLR_EL3", TZ_ICC_CTLR_EL3, RC_EL3, true, true},
    {"ICC_SRE_EL3", TZ_ICC_SRE_EL3, RC_EL3, true, true},
    {"ICC_IGRPEN1_EL3", TZ_ICC_IGRPEN1_EL3, RC_EL3, true, true},
};
#define NREGS ((int)(sizeof icc_regs / sizeof icc_regs[0]))

struct reg_ctx {
    struct tz_gicv3 *g;
    int index; /* into icc_regs */
};

struct tz_gicv3 {
    struct tz_machine *m;    /* NULL: standalone */
    int ncpu;
    int nspis;
    int nwords;              /* 1 + nspis / 32; word 0 is per redistributor */
    uint64_t mpidr[TZ_GICV3_MAX_CPUS];

    /* Distributor */
    uint32_t ctlr;           /* GICD_CTLR EnableGrp0/EnableGrp1NS/EnableGrp1S */
    struct irq_word w[NWORDS_MAX];
    uint8_t prio[NIRQ_MAX];
    uint64_t router[NIRQ_MAX];
    int8_t target[NIRQ_MAX]; /* from router: CPU index, -1 none, -2 1 of N */
    uint32_t nsacr[NIRQ_MAX / 16];

    struct redist rd[TZ_GICV3_MAX_CPUS];
    struct cpuif cif[TZ_GICV3_MAX_CPUS];
    struct pe_state pe[TZ_GICV3_MAX_CPUS];
    struct reg_ctx regs[NREGS];
    uint64_t nerrors;
};

#define TARGET_NONE (-1)
#define TARGET_1OFN (-2)
#define IROUTER_IRM (1ull << 31)
#define AFF_MASK 0xff00ffffffull /* Aff3 [39:32], Aff2..Aff0 [23:0] */

/* ---- events --------------------------------------------------------------- */

static struct tz_cpu *cpu_of(const struct tz_gicv3 *g, int cpu)
{
    return g->m && cpu >= 0 ? tz_machine_cpu(g->m, cpu) : NULL;
}

static void event_init(const struct tz_gicv3 *g, struct tz_event *ev, enum tz_event_kind kind,
                       int cpu)
{
    struct tz_cpu *c = cpu_of(g, cpu);
    if (c)
        tz_event_for(ev, kind, c);
    else
        tz_event_init(ev, kind, TZ_NA, 0, tz_machine_ns(g->m, tz_machine_ticks(g->m)));
}

static void event_emit(const struct tz_gicv3 *g, int cpu, struct tz_event *ev)
{
    tz_machine_event(g->m, cpu_of(g, cpu), ev);
}

/* A GIC register access the spec calls an error: counted and traced; the
 * caller gives the RAZ/WI result. */
static void gic_error(struct tz_gicv3 *g, int cpu, uint64_t where, uint64_t value,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void gic_error(struct tz_gicv3 *g, int cpu, uint64_t where, uint64_t value,
                      const char *fmt, ...)
{
    g->nerrors++;
    if (!g->m)
        return;
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    struct tz_event ev;
    event_init(g, &ev, TZ_EV_GIC_ERROR, cpu);
    ev.a[0] = where;
    ev.a[1] = value;
    ev.na = 2;
    ev.text = text;
    event_emit(g, cpu, &ev);
}

static unsigned group_bit(enum tz_gicv3_group grp)
{
    return grp == TZ_GICV3_G0 ? 0 : 1; /* trace columns carry group 0/1 */
}

/* ---- interrupt state helpers ---------------------------------------------- */

static struct irq_word *word_of(struct tz_gicv3 *g, int cpu, int intid)
{
    return intid < 32 ? &g->rd[cpu].w : &g->w[intid / 32];
}

static uint8_t *prio_of(struct tz_gicv3 *g, int cpu, int intid)
{
    return intid < 32 ? &g->rd[cpu].prio[intid] : &g->prio[intid];
}

static enum tz_gicv3_group grp_of_word(const struct irq_word *w, uint32_t bit)
{
    return tz_gicv3_group_of(w->group & bit, w->grpmod & bit);
}

static enum tz_gicv3_group grp_of(struct tz_gicv3 *g, int cpu, int intid)
{
    return grp_of_word(word_of(g, cpu, intid), 1u << (intid & 31));
}

/* Pending state: the latch, or the line of a level-sensitive interrupt
 * (4.1 "Interrupt lifecycle"). */
static uint32_t pending_bits(const struct irq_word *w)
{
    return w->pend | (w->level & ~w->edge);
}

static bool valid_intid(const struct tz_gicv3 *g, uint32_t intid)
{
    return intid < 32u + (uint32_t)g->nspis;
}

static uint64_t aff_of_mpidr(uint64_t mpidr)
{
    return mpidr & AFF_MASK;
}

static void retarget(struct tz_gicv3 *g, int intid)
{
    uint64_t r = g->router[intid];
    if (r & IROUTER_IRM) {
        g->target[intid] = TARGET_1OFN;
        return;
    }
    g->target[intid] = TARGET_NONE;
    for (int c = 0; c < g->ncpu; c++)
        if (aff_of_mpidr(g->mpidr[c]) == (r & AFF_MASK)) {
            g->target[intid] = (int8_t)c;
            return;
        }
}

/* ---- the CPU's state ------------------------------------------------------ */

static struct pe pe_of(const struct tz_gicv3 *g, int cpu)
{
    struct pe p = {.cpu = cpu};
    if (g->m) {
        struct tz_cpu *c = tz_machine_cpu(g->m, cpu);
        p.el = c->el;
        p.ns = c->el == 3 ? false : c->ns;
        p.scr = c->scr;
        p.c = c;
    } else {
        p.el = g->pe[cpu].el;
        p.ns = g->pe[cpu].el == 3 ? false : g->pe[cpu].ns;
        p.scr = g->pe[cpu].scr;
    }
    return p;
}

/* Which copy of a banked register an access uses: the current Security
 * state, or SCR_EL3.NS at EL3 (the Secure and Non-secure copies in the
 * ICC_CTLR_EL1, ICC_BPR1_EL1, ICC_AP1R0_EL1, ICC_IGRPEN1_EL1 descriptions).
 * 1 = Non-secure. */
static int bank_of(const struct pe *p)
{
    return p->el == 3 ? (int)(p->scr & SCR_NS) : p->ns;
}

/* ---- CPU interface arithmetic --------------------------------------------- */

static bool dist_grp_enabled(const struct tz_gicv3 *g, enum tz_gicv3_group grp)
{
    static const uint32_t bit[3] = {TZ_GICD_CTLR_ENABLE_G0, TZ_GICD_CTLR_ENABLE_G1S,
                                    TZ_GICD_CTLR_ENABLE_G1NS};
    return g->ctlr & bit[grp];
}

static bool cpu_grp_enabled(const struct cpuif *ci, enum tz_gicv3_group grp)
{
    switch (grp) {
    case TZ_GICV3_G0:
        return ci->igrpen0;
    case TZ_GICV3_G1S:
        return ci->igrpen1 & 2;
    default:
        return ci->igrpen1 & 1;
    }
}

/* The binary point that applies to a group: GroupBits() in the spec's
 * pseudocode. With ICC_CTLR_EL1.CBPR set, Group 1 uses ICC_BPR0_EL1; the
 * Non-secure Group 1 binary point otherwise counts one less. */
static uint8_t gprio(const struct cpuif *ci, uint8_t prio, enum tz_gicv3_group grp)
{
    unsigned bpr;
    if (grp == TZ_GICV3_G0 || (grp == TZ_GICV3_G1S && (ci->ctlr3 & TZ_ICC_CTLR_EL3_CBPR_EL1S)) ||
        (grp == TZ_GICV3_G1NS && (ci->ctlr3 & TZ_ICC_CTLR_EL3_CBPR_EL1NS)))
        bpr = ci->bpr0;
    else if (grp == TZ_GICV3_G1S)
        bpr = ci->bpr1[0];
    else
        bpr = ci->bpr1[1] - 1u;
    return prio & tz_gicv3_gprio_mask(bpr);
}

/* Running priority (ICC_RPR_EL1): the highest active group priority from the
 * active priority registers, or the idle priority. */
static uint8_t running_prio(const struct cpuif *ci)
{
    uint32_t a = ci->ap0 | ci->ap1[0] | ci->ap1[1];
    return a ? (uint8_t)(__builtin_ctz(a) << 3) : IDLE_PRIO;
}

static uint32_t *ap_of(struct cpuif *ci, enum tz_gicv3_group grp)
{
    return grp == TZ_GICV3_G0 ? &ci->ap0 : &ci->ap1[grp == TZ_GICV3_G1NS];
}

/* Whether the CPU interface signals its highest priority pending interrupt:
 * higher priority than ICC_PMR_EL1 and enough to preempt the running
 * priority (4.8 "Interrupt prioritization", "Preemption"). */
static bool can_signal(const struct cpuif *ci)
{
    return ci->hppi >= 0 && ci->hppi_prio < ci->pmr &&
           gprio(ci, ci->hppi_prio, ci->hppi_grp) < running_prio(ci);
}

static bool eoi_mode(const struct tz_gicv3 *g, const struct pe *p)
{
    const struct cpuif *ci = &g->cif[p->cpu];
    if (p->el == 3)
        return ci->ctlr3 & TZ_ICC_CTLR_EL3_EOIMODE_EL3;
    return ci->ctlr3 & (p->ns ? TZ_ICC_CTLR_EL3_EOIMODE_EL1NS : TZ_ICC_CTLR_EL3_EOIMODE_EL1S);
}

/* ---- outputs -------------------------------------------------------------- */

static void set_out(struct tz_gicv3 *g, int cpu, enum tz_cpu_line line, bool level)
{
    struct cpuif *ci = &g->cif[cpu];
    struct tz_irq_line *l = &ci->out[line];
    if (l->level == level)
        return;
    if (g->m) {
        struct tz_event ev;
        event_init(g, &ev, TZ_EV_GIC_OUTPUT, cpu);
        ev.intid = ci->hppi;
        ev.a[0] = line == TZ_LINE_IRQ ? 0 : 1;
        ev.a[1] = level;
        ev.na = 2;
        event_emit(g, cpu, &ev);
    }
    tz_irq_set(l, level);
}

/* IRQ or FIQ for the CPU's current state (4.6, the interrupt signalling
 * table: Group 0 FIQ; Group 1 of the current Security state IRQ, of the other
 * FIQ; everything FIQ at EL3). */
static void signal_cpu(struct tz_gicv3 *g, int cpu)
{
    const struct cpuif *ci = &g->cif[cpu];
    int line = -1;
    if (can_signal(ci)) {
        struct pe p = pe_of(g, cpu);
        line = (int)tz_gicv3_line_for(ci->hppi_grp, p.el, p.ns);
    }
    /* Lower first: the CPU never sees both. */
    if (line != TZ_LINE_IRQ)
        set_out(g, cpu, TZ_LINE_IRQ, false);
    if (line != TZ_LINE_FIQ)
        set_out(g, cpu, TZ_LINE_FIQ, false);
    if (line >= 0)
        set_out(g, cpu, (enum tz_cpu_line)line, true);
}

static void consider(struct cpuif *ci, int intid, uint8_t prio, enum tz_gicv3_group grp)
{
    /* Lower value = higher priority; ties go to the lower INTID, which is
     * scanned first (IMPLEMENTATION DEFINED). */
    if (ci->hppi < 0 || prio < ci->hppi_prio) {
        ci->hppi = intid;
        ci->hppi_prio = prio;
        ci->hppi_grp = grp;
    }
}

/* A 1 of N SPI goes to a participating PE (its Redistributor awake and the
 * group enabled on its CPU interface: GICD_IROUTER.Interrupt_Routing_Mode
 * and the ICC_IGRPEN1_EL1 description); the lowest-numbered one
 * here (IMPLEMENTATION DEFINED). */
static int one_of_n(const struct tz_gicv3 *g, enum tz_gicv3_group grp)
{
    for (int c = 0; c < g->ncpu; c++)
        if (!g->rd[c].sleep && cpu_grp_enabled(&g->cif[c], grp))
            return c;
    return -1;
}

/* Recomputes every CPU's highest priority pending interrupt: pending,
 * enabled, not active, its group enabled in GICD_CTLR and on the CPU
 * interface (a CPU interface releases interrupts of a disabled group), and
 * the Redistributor awake (GICR_WAKER.ProcessorSleep == 0). Then signals. */
static void update(struct tz_gicv3 *g)
{
    int onen[3];
    for (int k = 0; k < 3; k++)
        onen[k] = one_of_n(g, (enum tz_gicv3_group)k);
    for (int c = 0; c < g->ncpu; c++)
        g->cif[c].hppi = -1;
    for (int c = 0; c < g->ncpu; c++) {
        struct cpuif *ci = &g->cif[c];
        if (g->rd[c].sleep)
            continue;
        const struct irq_word *w = &g->rd[c].w;
        uint32_t cand = pending_bits(w) & w->enable & ~w->active;
        while (cand) {
            int i = __builtin_ctz(cand);
            cand &= cand - 1;
            enum tz_gicv3_group grp = grp_of_word(w, 1u << i);
            if (dist_grp_enabled(g, grp) && cpu_grp_enabled(ci, grp))
                consider(ci, i, g->rd[c].prio[i], grp);
        }
    }
    for (int n = 1; n < g->nwords; n++) {
        const struct irq_word *w = &g->w[n];
        uint32_t cand = pending_bits(w) & w->enable & ~w->active;
        while (cand) {
            int i = __builtin_ctz(cand);
            cand &= cand - 1;
            int intid = 32 * n + i;
            enum tz_gicv3_group grp = grp_of_word(w, 1u << i);
            if (!dist_grp_enabled(g, grp))
                continue;
            int t = g->target[intid] == TARGET_1OFN ? onen[grp] : g->target[intid];
            if (t < 0 || g->rd[t].sleep || !cpu_grp_enabled(&g->cif[t], grp))
                continue;
            consider(&g->cif[t], intid, g->prio[intid], grp);
        }
    }
    for (int c = 0; c < g->ncpu; c++)
        signal_cpu(g, c);
}

void tz_gicv3_reevaluate(struct tz_gicv3 *g, int cpu)
{
    assert(cpu >= 0 && cpu < g->ncpu);
    signal_cpu(g, cpu);
}

/* An interrupt became pending: the trace event (a0 target CPU or -1, a1
 * group 0/1), stamped with the CPU that caused it (actor: the accessing CPU,
 * a PPI's CPU, or -1 for a device's SPI line: the machine's clock). cpu is
 * the Redistributor of an SGI or PPI. */
static void pending_event(struct tz_gicv3 *g, int actor, int cpu, int intid)
{
    if (!g->m)
        return;
    int t = intid < 32 ? cpu : g->target[intid] >= 0 ? g->target[intid] : -1;
    struct tz_event ev;
    event_init(g, &ev, TZ_EV_GIC_PENDING, actor);
    ev.intid = intid;
    ev.a[0] = (uint64_t)(int64_t)t;
    ev.a[1] = group_bit(grp_of(g, cpu, intid));
    ev.na = 2;
    event_emit(g, actor, &ev);
}

/* Sets pending latches (ISPENDR, SGIs), with an event for each interrupt
 * that was not pending before. */
static void set_pending(struct tz_gicv3 *g, int actor, int cpu, int first_intid, uint32_t bits)
{
    struct irq_word *w = word_of(g, cpu, first_intid);
    uint32_t fresh = bits & ~pending_bits(w);
    w->pend |= bits;
    while (fresh) {
        int i = __builtin_ctz(fresh);
        fresh &= fresh - 1;
        pending_event(g, actor, cpu, first_intid + i);
    }
}

/* ---- reset ---------------------------------------------------------------- */

static void gicv3_reset(struct tz_gicv3 *g)
{
    g->ctlr = 0;
    memset(g->w, 0, sizeof g->w);
    memset(g->prio, 0, sizeof g->prio);
    memset(g->router, 0, sizeof g->router);  /* UNKNOWN: Aff 0.0.0.0 here */
    memset(g->nsacr, 0, sizeof g->nsacr);
    for (int i = 32; i < NIRQ_MAX; i++)
        retarget(g, i);
    for (int c = 0; c < g->ncpu; c++) {
        struct redist *rd = &g->rd[c];
        memset(&rd->w, 0, sizeof rd->w);
        rd->w.edge = 0xffff;   /* SGIs are edge-triggered; PPIs reset level */
        memset(rd->prio, 0, sizeof rd->prio);
        rd->nsacr = 0;
        rd->sleep = true;      /* GICR_WAKER.ProcessorSleep resets to 1 */
        struct cpuif *ci = &g->cif[c];
        ci->pmr = 0;
        ci->bpr0 = BPR_MIN;
        ci->bpr1[0] = BPR_MIN;
        ci->bpr1[1] = BPR_MIN_NS;
        ci->ap0 = ci->ap1[0] = ci->ap1[1] = 0;
        ci->igrpen0 = false;
        ci->igrpen1 = 0;
        ci->ctlr3 = 0;
        ci->hppi = -1;
    }
}

static struct tz_gicv3 *gicv3_alloc(struct tz_machine *m, const struct tz_gicv3_config *cfg)
{
    if (cfg->ncpus < 1 || cfg->ncpus > TZ_GICV3_MAX_CPUS || cfg->nspis < 32 ||
        cfg->nspis > TZ_GICV3_MAX_SPIS || cfg->nspis % 32)
        return NULL;
    struct tz_gicv3 *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->m = m;
    g->ncpu = cfg->ncpus;
    g->nspis = cfg->nspis;
    g->nwords = 1 + cfg->nspis / 32;
    for (int c = 0; c < g->ncpu; c++) {
        g->mpidr[c] = cfg->mpidr[c];
        g->pe[c] = (struct pe_state){.el = 3, .ns = false, .scr = 0};
    }
    for (int i = 0; i < NREGS; i++)
        g->regs[i] = (struct reg_ctx){g, i};
    gicv3_reset(g);
    return g;
}

struct tz_gicv3 *tz_gicv3_new(const struct tz_gicv3_config *cfg)
{
    return gicv3_alloc(NULL, cfg);
}

void tz_gicv3_free(struct tz_gicv3 *g)
{
    free(g);
}

uint64_t tz_gicv3_errors(const struct tz_gicv3 *g)
{
    return g->nerrors;
}

bool tz_gicv3_line(const struct tz_gicv3 *g, int cpu, enum tz_cpu_line line)
{
    assert(cpu >= 0 && cpu < g->ncpu);
    return (line == TZ_LINE_IRQ || line == TZ_LINE_FIQ) && g->cif[cpu].out[line].level;
}

/* ---- interrupt inputs ------------------------------------------------------ */

void tz_gicv3_irq_in(struct tz_gicv3 *g, int cpu, int intid, bool level)
{
    if (intid < 16 || !valid_intid(g, (uint32_t)intid)) {
        /* A board wiring an SGI or an SPI beyond GICD_TYPER.ITLinesNumber. */
        gic_error(g, -1, (uint64_t)intid, level,
                  "interrupt line for INTID %d, which this GIC has no input for", intid);
        return;
    }
    if (intid >= 32)
        cpu = 0;
    assert(cpu >= 0 && cpu < g->ncpu);
    struct irq_word *w = word_of(g, cpu, intid);
    uint32_t bit = 1u << (intid & 31);
    bool was = w->level & bit;
    if (was == level)
        return;
    bool was_pending = pending_bits(w) & bit;
    if (level)
        w->level |= bit;
    else
        w->level &= ~bit;
    if (level && (w->edge & bit))
        w->pend |= bit;  /* rising edge */
    if (!was_pending && (pending_bits(w) & bit))
        pending_event(g, intid < 32 ? cpu : -1, cpu, intid);
    update(g);
}

/* ---- Distributor ------------------------------------------------------------- */

/* Non-secure accesses see the fields of Non-secure Group 1 interrupts, and
 * those of Group 0 SPIs that GICD_NSACR opens (GICD_NSACR<n>: 1 set-pending,
 * 2 also clear-pending and active-state reads, 3 also routing). */
static uint32_t ns_mask(const struct tz_gicv3 *g, int cpu, int n, unsigned need)
{
    const struct irq_word *w = n == 0 ? &g->rd[cpu].w : &g->w[n];
    uint32_t m = w->group;
    if (n == 0 || need == 0)
        return m;
    uint32_t g0 = ~w->group & ~w->grpmod;
    for (int i = 0; i < 32; i++) {
        int intid = 32 * n + i;
        unsigned acc = (g->nsacr[intid / 16] >> (2 * (intid % 16))) & 3;
        if ((g0 & (1u << i)) && acc >= need)
            m |= 1u << i;
    }
    return m;
}

enum bitreg { BR_IGROUPR, BR_ISENABLER, BR_ICENABLER, BR_ISPENDR, BR_ICPENDR, BR_ISACTIVER,
              BR_ICACTIVER, BR_IGRPMODR };

static const char *const bitreg_name[2][8] = {
    {"GICD_IGROUPR", "GICD_ISENABLER", "GICD_ICENABLER", "GICD_ISPENDR", "GICD_ICPENDR",
     "GICD_ISACTIVER", "GICD_ICACTIVER", "GICD_IGRPMODR"},
    {"GICR_IGROUPR0", "GICR_ISENABLER0", "GICR_ICENABLER0", "GICR_ISPENDR0", "GICR_ICPENDR0",
     "GICR_ISACTIVER0", "GICR_ICACTIVER0", "GICR_IGRPMODR0"},
};

/* Word n of a one-bit-per-interrupt register (n = 0: the Redistributor of
 * cpu) accessed by CPU actor. Returns the value read; writes when write is
 * set. */
static uint32_t bitreg_access(struct tz_gicv3 *g, int actor, int cpu, bool secure, enum bitreg r,
                              int n, bool write, uint32_t v, uint64_t where)
{
    struct irq_word *w = n == 0 ? &g->rd[cpu].w : &g->w[n];
    int base = 32 * n;
    bool rd = n == 0;
    if (r == BR_IGROUPR || r == BR_IGRPMODR) {
        /* Secure-only registers when DS == 0. */
        if (!secure) {
            gic_error(g, actor, where, v, "%s: Non-secure %s of a Secure-only register (RAZ/WI)",
                      bitreg_name[rd][r], write ? "write" : "read");
            return 0;
        }
        uint32_t *f = r == BR_IGROUPR ? &w->group : &w->grpmod;
        if (write) {
            *f = v;
            update(g);
        }
        return *f;
    }
    unsigned need = r == BR_ISPENDR ? 1 : r == BR_ICPENDR ? 2 :
                    (r == BR_ISACTIVER || r == BR_ICACTIVER) && !write ? 2 : 0;
    uint32_t mask = secure ? ~0u : ns_mask(g, cpu, n, need);
    if (!secure && write && (r == BR_ISACTIVER || r == BR_ICACTIVER))
        mask = w->group; /* GICD_NSACR grants active-state reads only */
    if (write) {
        uint32_t b = v & mask;
        switch (r) {
        case BR_ISENABLER:
            w->enable |= b;
            break;
        case BR_ICENABLER:
            w->enable &= ~b;
            break;
        case BR_ISPENDR:
            set_pending(g, actor, cpu, base, b);
            break;
        case BR_ICPENDR:
            w->pend &= ~b; /* a level-sensitive line keeps it pending */
            break;
        case BR_ISACTIVER:
            w->active |= b;
            break;
        case BR_ICACTIVER:
            w->active &= ~b;
            break;
        default:
            break;
        }
        update(g);
        return 0;
    }
    switch (r) {
    case BR_ISENABLER:
    case BR_ICENABLER:
        return w->enable & mask;
    case BR_ISPENDR:
    case BR_ICPENDR:
        return pending_bits(w) & mask;
    default:
        return w->active & mask;
    }
}

/* ICFGR<n>: 16 interrupts, Int_config[1] (bit 2k+1) = edge-triggered. */
static uint32_t icfgr_access(struct tz_gicv3 *g, int cpu, bool secure, int n, bool write,
                             uint32_t v)
{
    struct irq_word *w = n < 2 ? &g->rd[cpu].w : &g->w[n / 2];
    int shift = (n & 1) * 16;
    uint32_t mask = secure ? ~0u : (n < 2 ? w->group : ns_mask(g, cpu, n / 2, 0));
    if (write) {
        if (n == 0)
            return 0; /* SGIs: edge-triggered, RO */
        for (int k = 0; k < 16; k++) {
            uint32_t bit = 1u << (shift + k);
            if (!(mask & bit))
                continue;
            if (v & (2u << (2 * k)))
                w->edge |= bit;
            else
                w->edge &= ~bit;
        }
        update(g);
        return 0;
    }
    uint32_t r = 0;
    for (int k = 0; k < 16; k++) {
        uint32_t bit = 1u << (shift + k);
        if ((mask & bit) && (w->edge & bit))
            r |= 2u << (2 * k);
    }
    return r;
}

/* IPRIORITYR bytes, with the Non-secure view of priority. */
static uint64_t prio_access(struct tz_gicv3 *g, int cpu, bool secure, int first, unsigned size,
                            bool write, uint64_t v)
{
    uint64_t r = 0;
    for (unsigned k = 0; k < size; k++) {
        int intid = first + (int)k;
        if (!valid_intid(g, (uint32_t)intid))
            continue;
        enum tz_gicv3_group grp = grp_of(g, cpu, intid);
        if (!secure && grp != TZ_GICV3_G1NS)
            continue; /* Secure interrupt: RAZ/WI to Non-secure accesses */
        uint8_t *p = prio_of(g, cpu, intid);
        if (write) {
            uint8_t b = (uint8_t)(v >> (8 * k));
            *p = (uint8_t)((secure ? b : tz_gicv3_ns_prio_write(b)) & PRIO_MASK);
        } else {
            r |= (uint64_t)(secure ? *p : tz_gicv3_ns_prio_read(*p)) << (8 * k);
        }
    }
    if (write)
        update(g);
    return r;
}

static uint32_t typer_value(const struct tz_gicv3 *g)
{
    uint32_t itlines = (uint32_t)((32 + g->nspis) / 32 - 1);
    return itlines                 /* ITLinesNumber [4:0] */
           | (0u << 5)             /* CPUNumber: 0, affinity routing only */
           | (1u << 10)            /* SecurityExtn: two Security states */
           | (15u << 19)           /* IDbits: 16-bit INTIDs */
           | (1u << 24)            /* A3V: Aff3 supported */
           | (0u << 25);           /* No1N = 0: 1 of N SPIs supported */
}

static bool id_reg(uint64_t off, uint32_t *val)
{
    if (off == 0xffe8) {
        *val = PIDR2_VALUE;
        return true;
    }
    if (off >= 0xfff0 && off <= 0xfffc) {
        *val = cidr[(off - 0xfff0) / 4];
        return true;
    }
    if (off >= 0xffd0 && off <= 0xffec) {
        *val = 0; /* other PIDRs: IMPLEMENTATION DEFINED, 0 here */
        return true;
    }
    return false;
}

/* One Distributor access. */
static uint64_t dist_rw(struct tz_gicv3 *g, uint64_t off, unsigned size, int cpu, bool secure,
                        bool write, uint64_t v)
{
    bool word = size == 4 && !(off & 3);
    uint32_t v32 = (uint32_t)v;

    if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) {
        if (size > 4 || (off & (size - 1))) {
            gic_error(g, cpu, off, v, "GICD_IPRIORITYR: %u-byte access at 0x%llx (RAZ/WI)",
                      size, (unsigned long long)off);
            return 0;
        }
        int first = (int)(off - GICD_IPRIORITYR);
        if (first < 32) {
            /* INTIDs 0..31 are configured in the Redistributor with ARE. */
            if (write)
                gic_error(g, cpu, off, v, "GICD_IPRIORITYR%d written with affinity routing "
                          "enabled: RES0, use GICR_IPRIORITYR (WI)", first / 4);
            return 0;
        }
        return prio_access(g, cpu, secure, first, size, write, v);
    }
    if (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 0x400)
        return 0; /* RES0 with affinity routing enabled (RAZ/WI) */
    if (off >= GICD_IROUTER + 32 * 8 && off < GICD_IROUTER + 1020 * 8) {
        if (!(size == 8 && !(off & 7)) && !word) {
            gic_error(g, cpu, off, v, "GICD_IROUTER: %u-byte access at 0x%llx (RAZ/WI)", size,
                      (unsigned long long)off);
            return 0;
        }
        int intid = (int)((off - GICD_IROUTER) / 8);
        bool high = (off & 7) == 4;
        if (!valid_intid(g, (uint32_t)intid))
            return 0;
        if (!secure) {
            struct irq_word *w = &g->w[intid / 32];
            uint32_t bit = 1u << (intid % 32);
            bool ok = (w->group & bit) ||
                      (ns_mask(g, cpu, intid / 32, 3) & bit);
            if (!ok)
                return 0; /* Secure interrupt: RAZ/WI */
        }
        /* IROUTER: Aff0..Aff2 [23:0], Interrupt_Routing_Mode [31], Aff3 [39:32]. */
        const uint64_t rw = AFF_MASK | IROUTER_IRM;
        uint64_t *r = &g->router[intid];
        if (write) {
            if (size == 8)
                *r = v & rw;
            else if (high)
                *r = (*r & 0xffffffffull) | (((uint64_t)v32 << 32) & rw);
            else
                *r = (*r & ~0xffffffffull) | (v32 & rw);
            retarget(g, intid);
            update(g);
            return 0;
        }
        return size == 8 ? *r : high ? *r >> 32 : (uint32_t)*r;
    }
    if (!word) {
        gic_error(g, cpu, off, v, "GICD: %u-byte %s at 0x%llx (32-bit register; RAZ/WI)",
                  size, write ? "write" : "read", (unsigned long long)off);
        return 0;
    }

    /* Registers with one bit per interrupt. */
    static const struct { uint64_t base; enum bitreg r; } bitregs[] = {
        {GICD_IGROUPR, BR_IGROUPR},     {GICD_ISENABLER, BR_ISENABLER},
        {GICD_ICENABLER, BR_ICENABLER}, {GICD_ISPENDR, BR_ISPENDR},
        {GICD_ICPENDR, BR_ICPENDR},     {GICD_ISACTIVER, BR_ISACTIVER},
        {GICD_ICACTIVER, BR_ICACTIVER}, {GICD_IGRPMODR, BR_IGRPMODR},
    };
    for (unsigned k = 0; k < sizeof bitregs / sizeof bitregs[0]; k++) {
        if (off < bitregs[k].base || off >= bitregs[k].base + 0x80)
            continue;
        int n = (int)(off - bitregs[k].base) / 4;
        if (n == 0) {
            if (write)
                gic_error(g, cpu, off, v, "%s0 written with affinity routing enabled: RES0, "
                          "use the GICR_ register (WI)", bitreg_name[0][bitregs[k].r]);
            return 0;
        }
        if (n >= g->nwords)
            return 0; /* unimplemented interrupts: RAZ/WI */
        return bitreg_access(g, cpu, cpu, secure, bitregs[k].r, n, write, v32, off);
    }
    if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
        int n = (int)(off - GICD_ICFGR) / 4;
        if (n < 2) {
            if (write)
                gic_error(g, cpu, off, v, "GICD_ICFGR%d written with affinity routing enabled: "
                          "RES0, use GICR_ICFGR%d (WI)", n, n);
            return 0;
        }
        if (n / 2 >= g->nwords)
            return 0;
        return icfgr_access(g, cpu, secure, n, write, v32);
    }
    if (off >= GICD_NSACR && off < GICD_NSACR + 0x100) {
        int n = (int)(off - GICD_NSACR) / 4;
        if (!secure) {
            gic_error(g, cpu, off, v, "GICD_NSACR%d: Non-secure %s of a Secure-only register "
                      "(RAZ/WI)", n, write ? "write" : "read");
            return 0;
        }
        if (n < 2 || n / 2 >= g->nwords)
            return 0; /* NSACR0/1: RAZ/WI with affinity routing (SGIs, PPIs) */
        if (write) {
            g->nsacr[n] = v32;
            return 0;
        }
        return g->nsacr[n];
    }

    uint32_t id;
    switch (off) {
    case GICD_CTLR:
        /* Two Security states: a Secure and a Non-secure view of one
         * register. ARE_S/ARE_NS RAO/WI (no legacy operation), DS RAZ/WI,
         * RWP 0 (writes take effect at once), E1NWF RAZ/WI. */
        if (secure) {
            if (write) {
                g->ctlr = v32 & (TZ_GICD_CTLR_ENABLE_G0 | TZ_GICD_CTLR_ENABLE_G1NS |
                                 TZ_GICD_CTLR_ENABLE_G1S);
                update(g);
                return 0;
            }
            return g->ctlr | TZ_GICD_CTLR_ARE_S | TZ_GICD_CTLR_ARE_NS;
        }
        /* Non-secure view: EnableGrp1A (bit 1) aliases EnableGrp1NS. */
        if (write) {
            g->ctlr = (g->ctlr & ~TZ_GICD_CTLR_ENABLE_G1NS) | (v32 & TZ_GICD_CTLR_ENABLE_G1NS);
            update(g);
            return 0;
        }
        return (g->ctlr & TZ_GICD_CTLR_ENABLE_G1NS) | TZ_GICD_CTLR_NS_ARE_NS;
    case GICD_TYPER:
    case GICD_IIDR:
        if (write) {
            gic_error(g, cpu, off, v, "%s: write to a read-only register (WI)",
                      off == GICD_TYPER ? "GICD_TYPER" : "GICD_IIDR");
            return 0;
        }
        return off == GICD_TYPER ? typer_value(g) : IIDR_VALUE;
    case GICD_TYPER2:
    case GICD_STATUSR:
    case GICD_SETSPI_NSR:
    case GICD_CLRSPI_NSR:
    case GICD_SETSPI_SR:
    case GICD_CLRSPI_SR:
        return 0; /* optional features not implemented (MBIS = 0): RAZ/WI */
    case GICD_SGIR:
    case GICD_CPENDSGIR:
    case GICD_CPENDSGIR + 4:
    case GICD_CPENDSGIR + 8:
    case GICD_CPENDSGIR + 12:
    case GICD_SPENDSGIR:
    case GICD_SPENDSGIR + 4:
    case GICD_SPENDSGIR + 8:
    case GICD_SPENDSGIR + 12:
        if (write)
            gic_error(g, cpu, off, v, "GICD_SGIR/CPENDSGIR/SPENDSGIR written with affinity "
                      "routing enabled: use ICC_SGI*R_EL1 (WI)");
        return 0;
    default:
        if (id_reg(off, &id)) {
            if (write)
                gic_error(g, cpu, off, v, "GICD ID register 0x%llx: write to a read-only "
                          "register (WI)", (unsigned long long)off);
            return write ? 0 : id;
        }
        gic_error(g, cpu, off, v, "GICD: %s of reserved offset 0x%llx (RAZ/WI)",
                  write ? "write" : "read", (unsigned long long)off);
        return 0;
    }
}

/* ---- Redistributors ---------------------------------------------------------- */

static uint64_t gicr_typer(const struct tz_gicv3 *g, int cpu)
{
    uint64_t m = g->mpidr[cpu];
    uint64_t aff = (m & 0xffffff) | (((m >> 32) & 0xff) << 24);
    return (aff << 32)                               /* Affinity_Value [63:32] */
           | ((uint64_t)cpu << 8)                    /* Processor_Number [23:8] */
           | (cpu == g->ncpu - 1 ? TZ_GICR_TYPER_LAST : 0); /* Last [4] */
    /* PLPIS, VLPIS, DirectLPI, DPGS = 0: no LPIs, no DPG bits. */
}

static uint64_t rd_rw(struct tz_gicv3 *g, uint64_t off, unsigned size, int cpu, bool secure,
                      bool write, uint64_t v)
{
    int t = (int)(off / GICR_STRIDE);
    if (t >= g->ncpu) {
        gic_error(g, cpu, off, v, "GICR: %s at 0x%llx, beyond the last Redistributor "
                  "(RAZ/WI)", write ? "write" : "read", (unsigned long long)off);
        return 0;
    }
    struct redist *rd = &g->rd[t];
    uint64_t r = off % GICR_STRIDE;
    bool sgi = r >= GICR_SGI_BASE;
    r %= GICR_FRAME_SIZE;
    uint32_t v32 = (uint32_t)v;

    if (sgi && r >= GICR_IPRIORITYR0 && r < GICR_IPRIORITYR0 + 32) {
        if (size > 4 || (r & (size - 1))) {
            gic_error(g, cpu, off, v, "GICR_IPRIORITYR: %u-byte access (RAZ/WI)", size);
            return 0;
        }
        return prio_access(g, t, secure, (int)(r - GICR_IPRIORITYR0), size, write, v);
    }
    if (!sgi && r == GICR_TYPER && size == 8) {
        if (write) {
            gic_error(g, cpu, off, v, "GICR_TYPER: write to a read-only register (WI)");
            return 0;
        }
        return gicr_typer(g, t);
    }
    if (size != 4 || (r & 3)) {
        gic_error(g, cpu, off, v, "GICR: %u-byte %s at 0x%llx (32-bit register; RAZ/WI)", size,
                  write ? "write" : "read", (unsigned long long)off);
        return 0;
    }

    if (sgi) {
        static const struct { uint64_t off; enum bitreg r; } bitregs[] = {
            {GICR_IGROUPR0, BR_IGROUPR},     {GICR_ISENABLER0, BR_ISENABLER},
            {GICR_ICENABLER0, BR_ICENABLER}, {GICR_ISPENDR0, BR_ISPENDR},
            {GICR_ICPENDR0, BR_ICPENDR},     {GICR_ISACTIVER0, BR_ISACTIVER},
            {GICR_ICACTIVER0, BR_ICACTIVER}, {GICR_IGRPMODR0, BR_IGRPMODR},
        };
        for (unsigned k = 0; k < sizeof bitregs / sizeof bitregs[0]; k++)
            if (r == bitregs[k].off)
                return bitreg_access(g, cpu, t, secure, bitregs[k].r, 0, write, v32, off);
        switch (r) {
        case GICR_ICFGR0:
        case GICR_ICFGR1:
            return icfgr_access(g, t, secure, r == GICR_ICFGR1, write, v32);
        case GICR_NSACR:
            if (!secure) {
                gic_error(g, cpu, off, v, "GICR_NSACR: Non-secure %s of a Secure-only register "
                          "(RAZ/WI)", write ? "write" : "read");
                return 0;
            }
            if (write) {
                rd->nsacr = v32;
                return 0;
            }
            return rd->nsacr;
        default:
            gic_error(g, cpu, off, v, "GICR SGI_base: %s of reserved offset 0x%llx (RAZ/WI)",
                      write ? "write" : "read", (unsigned long long)r);
            return 0;
        }
    }

    uint32_t id;
    switch (r) {
    case GICR_CTLR:
        /* EnableLPIs, DPG*, UWP: no LPIs and no DPG support; RWP 0. */
        return 0;
    case GICR_IIDR:
    case GICR_TYPER:
    case GICR_TYPER + 4:
        if (write) {
            gic_error(g, cpu, off, v, "%s: write to a read-only register (WI)",
                      r == GICR_IIDR ? "GICR_IIDR" : "GICR_TYPER");
            return 0;
        }
        if (r == GICR_IIDR)
            return IIDR_VALUE;
        return r == GICR_TYPER ? (uint32_t)gicr_typer(g, t) : gicr_typer(g, t) >> 32;
    case GICR_WAKER:
        /* Secure-only when DS == 0. ProcessorSleep [1] RW; ChildrenAsleep
         * [2] RO follows it at once (the handshake completes immediately);
         * bits [0] and [31] IMPLEMENTATION DEFINED, RAZ/WI here. */
        if (!secure) {
            gic_error(g, cpu, off, v, "GICR_WAKER: Non-secure %s of a Secure-only register "
                      "(RAZ/WI)", write ? "write" : "read");
            return 0;
        }
        if (write) {
            rd->sleep = v32 & TZ_GICR_WAKER_PROCESSOR_SLEEP;
            update(g);
            return 0;
        }
        return rd->sleep ? TZ_GICR_WAKER_PROCESSOR_SLEEP | TZ_GICR_WAKER_CHILDREN_ASLEEP : 0;
    case GICR_STATUSR:
    case 0x0040: /* GICR_SETLPIR */
    case 0x0048: /* GICR_CLRLPIR */
    case 0x0070: /* GICR_PROPBASER */
    case 0x0074:
    case 0x0078: /* GICR_PENDBASER */
    case 0x007c:
    case 0x00a0: /* GICR_INVLPIR */
    case 0x00b0: /* GICR_INVALLR */
    case 0x00c0: /* GICR_SYNCR */
        return 0; /* LPIs and STATUSR not implemented: RAZ/WI */
    default:
        if (id_reg(r, &id)) {
            if (write)
                gic_error(g, cpu, off, v, "GICR ID register 0x%llx: write to a read-only "
                          "register (WI)", (unsigned long long)r);
            return write ? 0 : id;
        }
        gic_error(g, cpu, off, v, "GICR RD_base: %s of reserved offset 0x%llx (RAZ/WI)",
                  write ? "write" : "read", (unsigned long long)r);
        return 0;
    }
}

uint64_t tz_gicv3_mmio_read(struct tz_gicv3 *g, int region, uint64_t offset, unsigned size,
                            int cpu, bool secure)
{
    assert(cpu >= 0 && cpu < g->ncpu);
    if (region == 0)
        return dist_rw(g, offset, size, cpu, secure, false, 0);
    if (region == 1)
        return rd_rw(g, offset, size, cpu, secure, false, 0);
    gic_error(g, cpu, offset, 0, "read of region %d, which this GIC does not have", region);
    return 0;
}

void tz_gicv3_mmio_write(struct tz_gicv3 *g, int region, uint64_t offset, unsigned size,
                         int cpu, bool secure, uint64_t value)
{
    assert(cpu >= 0 && cpu < g->ncpu);
    if (region == 0)
        dist_rw(g, offset, size, cpu, secure, true, value);
    else if (region == 1)
        rd_rw(g, offset, size, cpu, secure, true, value);
    else
        gic_error(g, cpu, offset, value, "write of region %d, which this GIC does not have",
                  region);
}

/* ---- CPU interface ------------------------------------------------------------- */

/* ICC_HPPIR0/1 (and what IAR0/1 would return): the highest priority pending
 * interrupt if the register's group and the PE's state may see it, or a
 * special INTID (2.2.1): 1020/1021 to EL3 reads of the Group 0 registers
 * when it is Secure/Non-secure Group 1, 1023 otherwise. EL3 sees Group 1
 * interrupts of both Security states through the Group 1 registers; Group 0
 * is Secure and never visible to Non-secure reads. */
static uint32_t hppir_value(const struct tz_gicv3 *g, const struct pe *p, bool grp1)
{
    const struct cpuif *ci = &g->cif[p->cpu];
    if (ci->hppi < 0)
        return TZ_GICV3_INTID_SPURIOUS;
    enum tz_gicv3_group grp = ci->hppi_grp;
    if (!grp1) {
        if (p->ns)
            return TZ_GICV3_INTID_SPURIOUS;
        if (grp == TZ_GICV3_G0)
            return (uint32_t)ci->hppi;
        if (p->el == 3)
            return grp == TZ_GICV3_G1S ? TZ_GICV3_INTID_SECURE : TZ_GICV3_INTID_NONSECURE;
        return TZ_GICV3_INTID_SPURIOUS;
    }
    if (grp == TZ_GICV3_G0)
        return TZ_GICV3_INTID_SPURIOUS;
    if (p->el == 3 || (grp == TZ_GICV3_G1NS) == p->ns)
        return (uint32_t)ci->hppi;
    return TZ_GICV3_INTID_SPURIOUS;
}

/* ICC_IAR0/1: acknowledge. The interrupt becomes active (and stays pending
 * if its level-sensitive line is still asserted) and its group priority
 * becomes active on the CPU interface (4.1 "Interrupt lifecycle"). */
static uint32_t acknowledge(struct tz_gicv3 *g, const struct pe *p, bool grp1)
{
    struct cpuif *ci = &g->cif[p->cpu];
    if (!can_signal(ci))
        return TZ_GICV3_INTID_SPURIOUS; /* nothing of sufficient priority */
    uint32_t id = hppir_value(g, p, grp1);
    if (id >= 1020)
        return id;
    int intid = (int)id;
    enum tz_gicv3_group grp = ci->hppi_grp;
    uint8_t prio = ci->hppi_prio;
    struct irq_word *w = word_of(g, p->cpu, intid);
    uint32_t bit = 1u << (intid & 31);
    w->pend &= ~bit;
    w->active |= bit;
    *ap_of(ci, grp) |= 1u << (gprio(ci, prio, grp) >> 3);
    if (g->m) {
        struct tz_event ev;
        event_init(g, &ev, TZ_EV_GIC_ACK, p->cpu);
        ev.to_el = p->el;
        ev.to_ns = p->ns;
        ev.intid = intid;
        ev.a[0] = group_bit(grp);
        ev.a[1] = prio;
        ev.na = 2;
        event_emit(g, p->cpu, &ev);
    }
    update(g);
    return id;
}

static const char *const grp_name[3] = {"Group 0", "Secure Group 1", "Non-secure Group 1"};

/* Whether a PE in state p may deactivate an interrupt of group grp:
 * Non-secure software only Non-secure Group 1 ones. (The spec also refuses
 * deactivations from EL1/EL2 of interrupts routed to EL3; not modelled.) */
static bool may_deactivate(const struct pe *p, enum tz_gicv3_group grp)
{
    return !p->ns || grp == TZ_GICV3_G1NS;
}

static void deactivate(struct tz_gicv3 *g, const struct pe *p, int intid, const char *reg,
                       uint64_t key)
{
    struct irq_word *w = word_of(g, p->cpu, intid);
    uint32_t bit = 1u << (intid & 31);
    if (!(w->active & bit)) {
        gic_error(g, p->cpu, key, (uint64_t)intid,
                  "%s: deactivation of INTID %d, which is not active (ignored)", reg, intid);
        return;
    }
    w->active &= ~bit;
    if (g->m) {
        struct tz_event ev;
        event_init(g, &ev, TZ_EV_GIC_DEACTIVATE, p->cpu);
        ev.intid = intid;
        ev.a[0] = group_bit(grp_of_word(w, bit));
        ev.na = 1;
        event_emit(g, p->cpu, &ev);
    }
}

/* ICC_EOIR0/1: priority drop of the highest active priority, which must
 * belong to the register's group, then (EOImode == 0) deactivation of the
 * named interrupt. */
static void end_of_interrupt(struct tz_gicv3 *g, const struct pe *p, bool grp1, uint64_t v)
{
    struct cpuif *ci = &g->cif[p->cpu];
    const char *reg = grp1 ? "ICC_EOIR1_EL1" : "ICC_EOIR0_EL1";
    uint64_t key = grp1 ? TZ_ICC_EOIR1_EL1 : TZ_ICC_EOIR0_EL1;
    uint32_t intid = (uint32_t)(v & 0xffffff);
    if (!valid_intid(g, intid)) {
        gic_error(g, p->cpu, key, v, "%s: INTID %u is %s (ignored)", reg, intid,
                  intid >= 1020 && intid <= 1023 ? "a special INTID" : "not implemented");
        return;
    }
    if (!grp1 && p->ns) {
        gic_error(g, p->cpu, key, v, "%s: Non-secure end of a Group 0 interrupt (ignored)",
                  reg);
        return;
    }
    uint32_t all = ci->ap0 | ci->ap1[0] | ci->ap1[1];
    if (!all) {
        gic_error(g, p->cpu, key, v, "%s: INTID %u with no active priority (ignored)", reg,
                  intid);
        return;
    }
    uint32_t top = all & -all;
    enum tz_gicv3_group grp;
    if (!grp1)
        grp = TZ_GICV3_G0;
    else if (p->el == 3)
        grp = (ci->ap1[0] & top) ? TZ_GICV3_G1S : TZ_GICV3_G1NS;
    else
        grp = p->ns ? TZ_GICV3_G1NS : TZ_GICV3_G1S;
    uint32_t *ap = ap_of(ci, grp);
    if (!(*ap & top)) {
        gic_error(g, p->cpu, key, v, "%s: the highest active priority is not %s (ignored)",
                  reg, grp_name[grp]);
        return;
    }
    *ap &= ~top;
    if (g->m) {
        struct tz_event ev;
        event_init(g, &ev, TZ_EV_GIC_EOI, p->cpu);
        ev.intid = intid;
        ev.a[0] = group_bit(grp);
        ev.na = 1;
        event_emit(g, p->cpu, &ev);
    }
    if (!eoi_mode(g, p)) {
        enum tz_gicv3_group ig = grp_of(g, p->cpu, (int)intid);
        if (ig != grp && !(grp1 && p->el == 3 && ig != TZ_GICV3_G0))
            gic_error(g, p->cpu, key, v, "%s: INTID %u is %s, not %s: not deactivated", reg,
                      intid, grp_name[ig], grp_name[grp]);
        else
            deactivate(g, p, (int)intid, reg, key);
    }
    update(g);
}

/* ICC_DIR_EL1: deactivation when EOImode == 1. */
static void deactivate_interrupt(struct tz_gicv3 *g, const struct pe *p, uint64_t v)
{
    uint32_t intid = (uint32_t)(v & 0xffffff);
    if (!eoi_mode(g, p)) {
        gic_error(g, p->cpu, TZ_ICC_DIR_EL1, v, "ICC_DIR_EL1: write with EOImode == 0 "
                  "(UNPREDICTABLE; ignored)");
        return;
    }
    if (!valid_intid(g, intid)) {
        gic_error(g, p->cpu, TZ_ICC_DIR_EL1, v, "ICC_DIR_EL1: INTID %u not implemented "
                  "(ignored)", intid);
        return;
    }
    enum tz_gicv3_group grp = grp_of(g, p->cpu, (int)intid);
    if (!may_deactivate(p, grp)) {
        gic_error(g, p->cpu, TZ_ICC_DIR_EL1, v, "ICC_DIR_EL1: Non-secure deactivation of "
                  "INTID %u, a %s interrupt (ignored)", intid, grp_name[grp]);
        return;
    }
    deactivate(g, p, (int)intid, "ICC_DIR_EL1", TZ_ICC_DIR_EL1);
    update(g);
}

/* ICC_SGI0R/SGI1R/ASGI1R: SGI generation with affinity routing. The group
 * requested is Group 0, Group 1 of the writer's Security state, or Group 1
 * of the other one; per target PE the SGI is forwarded when its configured
 * group (GICR_IGROUPR0/GICR_IGRPMODR0 of the target) matches, a Secure
 * Group 1 request also reaching a Group 0 SGI, and Non-secure writers need
 * GICR_NSACR for Secure SGIs (1: Group 0, 2: also Secure Group 1) — the
 * spec's table "Forwarding an SGI to a target PE". */
static void generate_sgi(struct tz_gicv3 *g, const struct pe *p, uint16_t key, uint64_t v)
{
    unsigned intid = (v >> 24) & 0xf;
    uint32_t targets = v & 0xffff;
    unsigned aff1 = (v >> 16) & 0xff, aff2 = (v >> 32) & 0xff, aff3 = (v >> 48) & 0xff;
    bool irm = (v >> 40) & 1;
    unsigned rs = (v >> 44) & 0xf;
    bool secure = !p->ns;
    enum tz_gicv3_group req;
    if (key == TZ_ICC_SGI0R_EL1)
        req = TZ_GICV3_G0;
    else if (key == TZ_ICC_SGI1R_EL1)
        req = secure ? TZ_GICV3_G1S : TZ_GICV3_G1NS;
    else
        req = secure ? TZ_GICV3_G1NS : TZ_GICV3_G1S;
    for (int t = 0; t < g->ncpu; t++) {
        uint64_t m = g->mpidr[t];
        if (irm) {
            if (t == p->cpu)
                continue; /* all PEs but self */
        } else {
            unsigned aff0 = m & 0xff;
            if (((m >> 8) & 0xff) != aff1 || ((m >> 16) & 0xff) != aff2 ||
                ((m >> 32) & 0xff) != aff3 || aff0 / 16 != rs || !(targets & (1u << (aff0 % 16))))
                continue;
        }
        enum tz_gicv3_group cfg = grp_of(g, t, (int)intid);
        bool fwd = cfg == req || (req == TZ_GICV3_G1S && cfg == TZ_GICV3_G0);
        if (fwd && !secure && cfg != TZ_GICV3_G1NS) {
            unsigned acc = (g->rd[t].nsacr >> (2 * intid)) & 3;
            if (acc == 3)
                acc = 2; /* reserved value treated as 0b10, as Arm recommends */
            fwd = cfg == TZ_GICV3_G0 ? acc >= 1 : acc >= 2;
        }
        if (fwd)
            set_pending(g, p->cpu, t, 0, 1u << intid);
    }
    update(g);
}

/* Accesses the architecture makes UNDEFINED or traps to EL3 (the access
 * pseudocode of each ICC_ register): tzsim cannot raise them from a system
 * register hook, so they are errors with the RAZ/WI result. Not modelled:
 * traps to EL2 (ICH_HCR_EL2) and the virtual interface (HCR_EL2.IMO/FMO). */
static bool access_allowed(struct tz_gicv3 *g, const struct pe *p, const struct reg_desc *d,
                           bool write, uint64_t v)
{
    const char *why = NULL;
    if (p->el == 0 || (d->rc == RC_EL3 && p->el < 3) || (d->rc == RC_EL2 && p->el < 2))
        why = "UNDEFINED at this exception level";
    else if (write && !d->writable)
        why = "write to a read-only register (UNDEFINED)";
    else if (!write && !d->readable)
        why = "read of a write-only register (UNDEFINED)";
    else if (p->el < 3 &&
             ((d->rc == RC_G0 && (p->scr & SCR_FIQ)) || (d->rc == RC_G1 && (p->scr & SCR_IRQ)) ||
              (d->rc == RC_COMMON && (p->scr & SCR_IRQ) && (p->scr & SCR_FIQ))))
        why = "traps to EL3 (SCR_EL3.IRQ/FIQ routes its group there); trap not modelled";
    if (!why)
        return true;
    gic_error(g, p->cpu, d->key, v, "%s at EL%d %s: %s (RAZ/WI)", d->name, p->el,
              p->ns ? "Non-secure" : "Secure", why);
    return false;
}

/* The Non-secure view of ICC_PMR_EL1 and ICC_RPR_EL1 applies when Group 0
 * is routed to EL3 (SCR_EL3.FIQ == 1), 4.8 "Software accesses of interrupt
 * priority". */
static bool ns_prio_view(const struct pe *p)
{
    return p->ns && (p->scr & SCR_FIQ);
}

static uint64_t icc_read(struct tz_gicv3 *g, const struct pe *p, int idx)
{
    const struct reg_desc *d = &icc_regs[idx];
    if (!access_allowed(g, p, d, false, 0))
        return 0;
    struct cpuif *ci = &g->cif[p->cpu];
    int bank = bank_of(p);
    switch (d->key) {
    case TZ_ICC_PMR_EL1:
        if (ns_prio_view(p))
            return (ci->pmr & 0x80) ? tz_gicv3_ns_prio_read(ci->pmr) : 0;
        return ci->pmr;
    case TZ_ICC_IAR0_EL1:
        return acknowledge(g, p, false);
    case TZ_ICC_IAR1_EL1:
        return acknowledge(g, p, true);
    case TZ_ICC_HPPIR0_EL1:
        return hppir_value(g, p, false);
    case TZ_ICC_HPPIR1_EL1:
        return hppir_value(g, p, true);
    case TZ_ICC_BPR0_EL1:
        return ci->bpr0;
    case TZ_ICC_BPR1_EL1:
        /* With CBPR, Secure reads see BPR0 and Non-secure ones BPR0 + 1
         * (saturated); at EL3 the Non-secure copy is read directly. */
        if (bank == 0 && (ci->ctlr3 & TZ_ICC_CTLR_EL3_CBPR_EL1S))
            return ci->bpr0;
        if (bank == 1 && p->el < 3 && (ci->ctlr3 & TZ_ICC_CTLR_EL3_CBPR_EL1NS))
            return ci->bpr0 < 7 ? ci->bpr0 + 1u : 7u;
        return ci->bpr1[bank];
    case TZ_ICC_AP0R0_EL1:
        return ci->ap0;
    case TZ_ICC_AP1R0_EL1:
        return ci->ap1[bank];
    case TZ_ICC_RPR_EL1: {
        uint8_t r = running_prio(ci);
        if (r != IDLE_PRIO && ns_prio_view(p))
            return (r & 0x80) ? tz_gicv3_ns_prio_read(r) : 0;
        return r;
    }
    case TZ_ICC_CTLR_EL1: {
        uint32_t cbpr = bank ? TZ_ICC_CTLR_EL3_CBPR_EL1NS : TZ_ICC_CTLR_EL3_CBPR_EL1S;
        uint32_t eoim = bank ? TZ_ICC_CTLR_EL3_EOIMODE_EL1NS : TZ_ICC_CTLR_EL3_EOIMODE_EL1S;
        return ((ci->ctlr3 & cbpr) ? TZ_ICC_CTLR_EL1_CBPR : 0) |
               ((ci->ctlr3 & eoim) ? TZ_ICC_CTLR_EL1_EOIMODE : 0) |
               (ci->ctlr3 & TZ_ICC_CTLR_EL3_PMHE)  /* PMHE [6], RO alias */
               | (PRIBITS_FIELD << 8)              /* PRIbits: 5 bits */
               | (0u << 11)                        /* IDbits: 16 bits */
               | (1u << 15);                       /* A3V */
    }
    case TZ_ICC_CTLR_EL3:
        return ci->ctlr3 | (PRIBITS_FIELD << 8) | (1u << 15) /* A3V */
               | (1u << 17);                       /* nDS: security cannot be disabled */
    case TZ_ICC_SRE_EL1:
        return 0x7; /* SRE, DFB, DIB: RAO/WI (no legacy operation, no bypass) */
    case TZ_ICC_SRE_EL2:
    case TZ_ICC_SRE_EL3:
        return 0xf; /* also Enable: RAO/WI */
    case TZ_ICC_IGRPEN0_EL1:
        return ci->igrpen0;
    case TZ_ICC_IGRPEN1_EL1:
        return (ci->igrpen1 >> (bank ? 0 : 1)) & 1;
    case TZ_ICC_IGRPEN1_EL3:
        return ci->igrpen1;
    default:
        assert(!"unhandled ICC register read");
        return 0;
    }
}

static void icc_write(struct tz_gicv3 *g, const struct pe *p, int idx, uint64_t v)
{
    const struct reg_desc *d = &icc_regs[idx];
    if (!access_allowed(g, p, d, true, v))
        return;
    struct cpuif *ci = &g->cif[p->cpu];
    int bank = bank_of(p);
    switch (d->key) {
    case TZ_ICC_PMR_EL1:
        if (ns_prio_view(p)) {
            if (!(ci->pmr & 0x80))
                return; /* a Secure-range mask cannot be changed by Non-secure */
            v = tz_gicv3_ns_prio_write((uint8_t)v);
        }
        ci->pmr = (uint8_t)(v & PRIO_MASK);
        break;
    case TZ_ICC_EOIR0_EL1:
    case TZ_ICC_EOIR1_EL1:
        end_of_interrupt(g, p, d->key == TZ_ICC_EOIR1_EL1, v);
        return;
    case TZ_ICC_DIR_EL1:
        deactivate_interrupt(g, p, v);
        return;
    case TZ_ICC_SGI0R_EL1:
    case TZ_ICC_SGI1R_EL1:
    case TZ_ICC_ASGI1R_EL1:
        generate_sgi(g, p, d->key, v);
        return;
    case TZ_ICC_BPR0_EL1:
        ci->bpr0 = (uint8_t)((v & 7) < BPR_MIN ? BPR_MIN : (v & 7));
        break;
    case TZ_ICC_BPR1_EL1:
        if (bank == 0 && (ci->ctlr3 & TZ_ICC_CTLR_EL3_CBPR_EL1S)) {
            ci->bpr0 = (uint8_t)((v & 7) < BPR_MIN ? BPR_MIN : (v & 7));
        } else if (bank == 1 && p->el < 3 && (ci->ctlr3 & TZ_ICC_CTLR_EL3_CBPR_EL1NS)) {
            return; /* writes ignored while CBPR is set */
        } else {
            unsigned min = bank ? BPR_MIN_NS : BPR_MIN;
            ci->bpr1[bank] = (uint8_t)((v & 7) < min ? min : (v & 7));
        }
        break;
    case TZ_ICC_AP0R0_EL1:
        ci->ap0 = (uint32_t)v;
        break;
    case TZ_ICC_AP1R0_EL1:
        ci->ap1[bank] = (uint32_t)v;
        break;
    case TZ_ICC_CTLR_EL1: {
        uint32_t cbpr = bank ? TZ_ICC_CTLR_EL3_CBPR_EL1NS : TZ_ICC_CTLR_EL3_CBPR_EL1S;
        uint32_t eoim = bank ? TZ_ICC_CTLR_EL3_EOIMODE_EL1NS : TZ_ICC_CTLR_EL3_EOIMODE_EL1S;
        ci->ctlr3 &= ~(cbpr | eoim);
        if (v & TZ_ICC_CTLR_EL1_CBPR)
            ci->ctlr3 |= cbpr;
        if (v & TZ_ICC_CTLR_EL1_EOIMODE)
            ci->ctlr3 |= eoim;
        break;
    }
    case TZ_ICC_CTLR_EL3:
        /* CBPR_EL1S/NS, EOImode_EL3/EL1S/EL1NS, PMHE; RM RAZ/WI (the Secure
         * ICC_SRE_EL1.SRE is RAO). */
        ci->ctlr3 = (uint32_t)v & 0x5f;
        break;
    case TZ_ICC_SRE_EL1:
    case TZ_ICC_SRE_EL2:
    case TZ_ICC_SRE_EL3:
        return; /* RAO/WI */
    case TZ_ICC_IGRPEN0_EL1:
        ci->igrpen0 = v & 1;
        break;
    case TZ_ICC_IGRPEN1_EL1: {
        uint32_t bit = bank ? 1u : 2u;
        ci->igrpen1 = (v & 1) ? ci->igrpen1 | bit : ci->igrpen1 & ~bit;
        break;
    }
    case TZ_ICC_IGRPEN1_EL3:
        ci->igrpen1 = (uint32_t)v & 3;
        break;
    default:
        assert(!"unhandled ICC register write");
        return;
    }
    update(g);
}

static int reg_index(uint16_t key)
{
    for (int i = 0; i < NREGS; i++)
        if (icc_regs[i].key == key)
            return i;
    return -1;
}

uint64_t tz_gicv3_sysreg_read(struct tz_gicv3 *g, int cpu, int el, bool ns, uint16_t key)
{
    assert(!g->m && cpu >= 0 && cpu < g->ncpu && el >= 0 && el <= 3);
    g->pe[cpu].el = el;
    g->pe[cpu].ns = el == 3 ? false : ns;
    int i = reg_index(key);
    if (i < 0) {
        gic_error(g, cpu, key, 0, "not a GICv3 CPU interface register (UNDEFINED)");
        return 0;
    }
    struct pe p = pe_of(g, cpu);
    signal_cpu(g, cpu); /* the state may have changed */
    return icc_read(g, &p, i);
}

void tz_gicv3_sysreg_write(struct tz_gicv3 *g, int cpu, int el, bool ns, uint16_t key,
                           uint64_t value)
{
    assert(!g->m && cpu >= 0 && cpu < g->ncpu && el >= 0 && el <= 3);
    g->pe[cpu].el = el;
    g->pe[cpu].ns = el == 3 ? false : ns;
    int i = reg_index(key);
    if (i < 0) {
        gic_error(g, cpu, key, value, "not a GICv3 CPU interface register (UNDEFINED)");
        return;
    }
    struct pe p = pe_of(g, cpu);
    signal_cpu(g, cpu);
    icc_write(g, &p, i, value);
}

void tz_gicv3_set_scr(struct tz_gicv3 *g, int cpu, uint64_t scr)
{
    assert(!g->m && cpu >= 0 && cpu < g->ncpu);
    g->pe[cpu].scr = scr;
}

void tz_gicv3_set_pe_state(struct tz_gicv3 *g, int cpu, int el, bool ns)
{
    assert(!g->m && cpu >= 0 && cpu < g->ncpu && el >= 0 && el <= 3);
    g->pe[cpu].el = el;
    g->pe[cpu].ns = el == 3 ? false : ns;
    signal_cpu(g, cpu);
}

/* ---- the machine's device ------------------------------------------------------ */

static uint64_t sysreg_read_hook(void *opaque, struct tz_cpu *c)
{
    const struct reg_ctx *r = opaque;
    struct pe p = pe_of(r->g, c->index);
    return icc_read(r->g, &p, r->index);
}

static void sysreg_write_hook(void *opaque, struct tz_cpu *c, uint64_t v)
{
    const struct reg_ctx *r = opaque;
    struct pe p = pe_of(r->g, c->index);
    icc_write(r->g, &p, r->index, v);
}

struct tz_gicv3 *tz_gicv3_find(struct tz_machine *m)
{
    const struct tz_sysreg_ops *o = tz_sysreg_lookup(tz_machine_sysregs(m), TZ_ICC_PMR_EL1);
    if (!o || o->read != sysreg_read_hook)
        return NULL;
    return ((const struct reg_ctx *)o->opaque)->g;
}

static int gicv3_create(struct tz_machine *m, const struct tz_device_desc *d, void **state,
                        struct tz_error *err)
{
    int ncpu = tz_machine_ncpus(m);
    if (d->nreg < 2)
        return tz_error_set(err, NULL, "arm,gic-v3 needs two reg entries (distributor, "
                            "redistributors), found %d", d->nreg);
    if (d->reg[0][1] < 0x10000)
        return tz_error_set(err, NULL, "distributor size 0x%llx is smaller than 64 KiB",
                            (unsigned long long)d->reg[0][1]);
    if (d->reg[1][1] < (uint64_t)ncpu * GICR_STRIDE)
        return tz_error_set(err, NULL, "redistributor region 0x%llx bytes is too small for "
                            "%d CPUs (128 KiB each)", (unsigned long long)d->reg[1][1], ncpu);
    const struct tz_platform *plat = tz_machine_cfg(m)->platform;
    int len;
    const fdt32_t *p = plat->fdt ? fdt_getprop(plat->fdt, d->node, "#redistributor-regions", &len)
                                 : NULL;
    if (p && (len != 4 || fdt32_to_cpu(*p) != 1))
        return tz_error_set(err, NULL, "#redistributor-regions must be 1 (tzsim supports one "
                            "contiguous redistributor region)");
    p = plat->fdt ? fdt_getprop(plat->fdt, d->node, "redistributor-stride", &len) : NULL;
    if (p && len == 8 && (((uint64_t)fdt32_to_cpu(p[0]) << 32) | fdt32_to_cpu(p[1])) != GICR_STRIDE)
        return tz_error_set(err, NULL, "redistributor-stride must be 0x20000 (GICv3 without "
                            "VLPIs)");
    struct tz_sysreg_table *t = tz_machine_sysregs(m);
    if (tz_sysreg_lookup(t, TZ_ICC_PMR_EL1))
        return tz_error_set(err, NULL, "a second GICv3 CPU interface: tzsim supports one "
                            "arm,gic-v3 per machine");
    struct tz_gicv3_config cfg = {.ncpus = ncpu, .nspis = TZ_GICV3_DEFAULT_SPIS};
    for (int i = 0; i < ncpu; i++)
        cfg.mpidr[i] = tz_machine_cpu(m, i)->mpidr;
    struct tz_gicv3 *g = gicv3_alloc(m, &cfg);
    if (!g)
        return tz_error_set(err, NULL, "out of memory");
    for (int i = 0; i < NREGS; i++) {
        /* Unicorn does not implement the ICC_ registers: the hook serves
         * them and advances the PC (sim/sysreg.h). */
        struct tz_sysreg_ops o = {
            .name = icc_regs[i].name,
            .key = icc_regs[i].key,
            .unicorn_knows = false,
            .read = sysreg_read_hook,
            .write = sysreg_write_hook,
            .opaque = &g->regs[i],
        };
        tz_sysreg_register(t, &o);
    }
    *state = g;
    return 0;
}

static uint64_t gicv3_read(void *state, const struct tz_access *a)
{
    return tz_gicv3_mmio_read(state, a->region, a->offset, a->size, a->cpu->index, a->secure);
}

static void gicv3_write(void *state, const struct tz_access *a, uint64_t v)
{
    tz_gicv3_mmio_write(state, a->region, a->offset, a->size, a->cpu->index, a->secure, v);
}

static void gicv3_destroy(void *state)
{
    tz_gicv3_free(state);
}

static struct tz_irq_line *gicv3_irq_out(void *state, int n)
{
    struct tz_gicv3 *g = state;
    int cpu = n / TZ_LINE_COUNT, line = n % TZ_LINE_COUNT;
    if (cpu >= g->ncpu || (line != TZ_LINE_IRQ && line != TZ_LINE_FIQ))
        return NULL;
    return &g->cif[cpu].out[line];
}

static void gicv3_irq_in(void *state, int n, bool level)
{
    tz_gicv3_irq_in(state, TZ_INTC_IN_CPU(n), TZ_INTC_IN_INTID(n), level);
}

static const char *const gicv3_compat[] = {"arm,gic-v3", NULL};

static void gicv3_cpu_changed(void *state, int cpu)
{
    tz_gicv3_reevaluate(state, cpu);
}

const struct tz_device_ops tz_gicv3_ops = {
    .name = "gicv3",
    .compatible = gicv3_compat,
    .create = gicv3_create,
    .read = gicv3_read,
    .write = gicv3_write,
    .destroy = gicv3_destroy,
    .irq_out = gicv3_irq_out,
    .irq_in = gicv3_irq_in,
    .cpu_changed = gicv3_cpu_changed,
};
