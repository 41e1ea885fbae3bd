/* GICv2 (Arm CoreLink GIC-400) with the Security Extensions.
 *
 * Architecture: ARM IHI 0048B, "ARM Generic Interrupt Controller Architecture
 * Specification, GIC architecture version 2.0", cited as "GICv2" with the
 * title of the section.
 * Register maps: GICv2 chapter 4, "Distributor register map" and "CPU
 * interface register map"; registers are cited by their names below.
 *
 * What is modelled: the Distributor and one CPU interface per CPU, with
 * interrupt grouping and the Security Extensions (Group 0 = Secure, Group 1 =
 * Non-secure), the banked Secure/Non-secure register views, SGIs with
 * per-source pending state, PPIs banked per CPU, SPIs routed by
 * GICD_ITARGETSR, priority masking, preemption by group priority (binary
 * point), split priority drop / deactivation (EOImode), and the IRQ/FIQ
 * outputs of each CPU interface. Not modelled: the virtualization extensions
 * (GICH/GICV), legacy bypass signals (the bypass-disable bits are stored
 * only), configuration lockdown (CFGSDISABLE), power management.
 *
 * Layout: state + reset, the interrupt logic (highest priority pending
 * interrupt, signalling, acknowledge, priority drop, deactivation), register
 * decode (Distributor, CPU interface), then the device ops. Every access
 * carries the accessing CPU interface and its security attribute. Guest
 * errors are traced (GIC_ERROR) and given the architected result (RAZ/WI,
 * ignored); nothing the guest does can crash the model.
 *
 * IMPLEMENTATION DEFINED choices (those of GIC-400 unless stated):
 *   - 5 priority bits (32 levels): GICD_IPRIORITYR/GICC_PMR bits [2:0] RAZ/WI;
 *     minimum binary point 2 (Secure) and 3 (Non-secure); one APR register
 *     each (GICC_APR0, GICC_NSAPR0), in the layout GICC_APRn recommends:
 *     bit n = group priority n << 3; GICC_APR0 holds Group 0 and GICC_NSAPR0
 *     Group 1 active priorities; a Non-secure GICC_APR0 access sees
 *     GICC_NSAPR0[31:16] as [15:0];
 *   - SGIs are permanently enabled (GICD_ISENABLER0[15:0] RAO/WI);
 *   - PPIs are level-sensitive, not configurable (GICD_ICFGR1 RO);
 *   - GICD_NSACRn are not implemented (RAZ/WI): Non-secure software cannot
 *     be given access to Group 0 interrupts;
 *   - of several pending interrupts with the same priority, the lowest INTID
 *     is the highest priority pending interrupt; of several sources of one
 *     SGI, the lowest CPU number is acknowledged first (tzsim's choice);
 *   - an SPI targeted at several CPUs is signalled to all of them; the first
 *     to acknowledge it gets it (the others then see 1023): the GICv2 "1-N model".
 */
#include "gicv2.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/registry.h"
#include "sim/machine.h"

/* ---- register map ---------------------------------------------------------- */

/* Distributor (GICv2 "Distributor register map"). */
enum {
    GICD_CTLR = 0x000,
    GICD_TYPER = 0x004,
    GICD_IIDR = 0x008,
    GICD_IGROUPR = 0x080,     /* 0x080-0x0fc */
    GICD_ISENABLER = 0x100,   /* 0x100-0x17c */
    GICD_ICENABLER = 0x180,
    GICD_ISPENDR = 0x200,
    GICD_ICPENDR = 0x280,
    GICD_ISACTIVER = 0x300,
    GICD_ICACTIVER = 0x380,
    GICD_IPRIORITYR = 0x400,  /* 0x400-0x7f8, byte accessible */
    GICD_ITARGETSR = 0x800,   /* 0x800-0xbf8, byte accessible; 0x800-0x81c RO */
    GICD_ICFGR = 0xc00,       /* 0xc00-0xcfc */
    GICD_IMPDEF = 0xd00,      /* 0xd00-0xdfc: GIC-400 PPISR/SPISR, not modelled (RAZ/WI) */
    GICD_NSACR = 0xe00,       /* 0xe00-0xefc */
    GICD_SGIR = 0xf00,
    GICD_CPENDSGIR = 0xf10,   /* 0xf10-0xf1c, byte accessible */
    GICD_SPENDSGIR = 0xf20,   /* 0xf20-0xf2c, byte accessible */
    GICD_PIDR4 = 0xfd0,       /* identification registers 0xfd0-0xffc */
    GICD_SIZE = 0x1000,
    GICD_NONE = 0xffffffff,   /* no register block (reserved) */
};

/* CPU interface (GICv2 "CPU interface register map"). */
enum {
    GICC_CTLR = 0x0000,
    GICC_PMR = 0x0004,
    GICC_BPR = 0x0008,
    GICC_IAR = 0x000c,
    GICC_EOIR = 0x0010,
    GICC_RPR = 0x0014,
    GICC_HPPIR = 0x0018,
    GICC_ABPR = 0x001c,
    GICC_AIAR = 0x0020,
    GICC_AEOIR = 0x0024,
    GICC_AHPPIR = 0x0028,
    GICC_IMPDEF = 0x0040,     /* 0x0040-0x00cf */
    GICC_APR0 = 0x00d0,       /* GICC_APR0-3 0x00d0-0x00dc */
    GICC_APR3 = 0x00dc,
    GICC_NSAPR0 = 0x00e0,     /* GICC_NSAPR0-3 0x00e0-0x00ec */
    GICC_NSAPR3 = 0x00ec,
    GICC_IIDR = 0x00fc,
    GICC_DIR = 0x1000,
    GICC_SIZE = 0x2000,
};

/* GICD_CTLR, Secure copy; the Non-secure copy has EnableGrp1 at bit 0. */
#define GICD_CTLR_ENABLEGRP0 (1u << 0)
#define GICD_CTLR_ENABLEGRP1 (1u << 1)

/* GICC_CTLR, Secure copy. The Non-secure copy aliases EnableGrp1 (bit
 * 0), FIQBypDisGrp1 (5), IRQBypDisGrp1 (6) and EOImodeNS (9). */
#define CTLR_ENABLEGRP0 (1u << 0)
#define CTLR_ENABLEGRP1 (1u << 1)
#define CTLR_ACKCTL (1u << 2)
#define CTLR_FIQEN (1u << 3)
#define CTLR_CBPR (1u << 4)
#define CTLR_FIQBYPDISGRP0 (1u << 5)
#define CTLR_IRQBYPDISGRP0 (1u << 6)
#define CTLR_FIQBYPDISGRP1 (1u << 7)
#define CTLR_IRQBYPDISGRP1 (1u << 8)
#define CTLR_EOIMODES (1u << 9)
#define CTLR_EOIMODENS (1u << 10)
#define CTLR_SECURE_MASK 0x7ffu
#define CTLR_NS_ENABLEGRP1 (1u << 0)
#define CTLR_NS_FIQBYPDISGRP1 (1u << 5)
#define CTLR_NS_IRQBYPDISGRP1 (1u << 6)
#define CTLR_NS_EOIMODENS (1u << 9)

/* GIC-400 identification: GICD_IIDR (implementer Arm 0x43b, product 0x02,
 * r0p1), GICC_IIDR (architecture version 2), PIDR/CIDR (part 0x490, PIDR2
 * ArchRev [7:4] = 2 for GICv2, GICv2 "Identification registers"). */
#define GIC400_GICD_IIDR 0x0200143bu
#define GIC400_GICC_IIDR 0x0202143bu
static const uint8_t gicd_id[12] = {
    0x04, 0x00, 0x00, 0x00,   /* PIDR4..PIDR7 (0xfd0-0xfdc) */
    0x90, 0xb4, 0x2b, 0x00,   /* PIDR0..PIDR3 (0xfe0-0xfec) */
    0x0d, 0xf0, 0x05, 0xb1,   /* CIDR0..CIDR3 (0xff0-0xffc) */
};

#define PRIO_MASK 0xf8u       /* 5 implemented priority bits */
#define BPR_MIN_S 2u
#define BPR_MIN_NS 3u
#define IDLE_PRIORITY 0xffu

/* ---- state ------------------------------------------------------------------ */

/* One interrupt's Distributor state; banked per CPU for INTIDs 0..31. */
struct gic_irq {
    uint8_t prio;      /* GICD_IPRIORITYR, Secure view */
    uint8_t targets;   /* GICD_ITARGETSR (SPIs) */
    bool group1;       /* GICD_IGROUPR: Group 1 (Non-secure) */
    bool enabled;      /* GICD_ISENABLER */
    bool latch;        /* pending latch: an edge, or a write to GICD_ISPENDR */
    bool active;
    bool edge;         /* GICD_ICFGR Int_config[1]: edge-triggered */
    bool level;        /* the interrupt input line */
};

struct gic_cpu {
    struct gic_irq priv[32];      /* banked SGIs (0-15) and PPIs (16-31) */
    uint8_t sgi_pending[16];      /* per SGI: pending sources, bit = source CPU */
    uint8_t sgi_active_src[16];   /* per SGI: source of the acknowledged instance */
    /* CPU interface */
    uint32_t ctlr;                /* GICC_CTLR, Secure layout */
    uint8_t pmr;                  /* GICC_PMR, Secure view */
    uint8_t bpr_s, bpr_ns;        /* GICC_BPR Secure copy; Non-secure copy = GICC_ABPR */
    uint32_t apr[2];              /* active priorities: [0] GICC_APR0 (Group 0), [1] GICC_NSAPR0 */
    struct tz_irq_line out[2];    /* [TZ_LINE_IRQ], [TZ_LINE_FIQ] */
};

struct tz_gicv2 {
    struct tz_machine *m;         /* NULL: standalone (no trace events) */
    struct tz_gicv2_config cfg;
    int nirq;                     /* INTIDs 0..nirq-1 implemented */
    uint8_t cpumask;              /* implemented CPU interfaces */
    uint32_t dctlr;               /* GICD_CTLR, Secure layout */
    struct gic_irq spi[TZ_GICV2_MAX_IRQS - 32];
    struct gic_cpu cpu[TZ_GICV2_MAX_CPUS];
    unsigned nerrors;
    char last_error[200];
};

/* The highest priority pending interrupt of a CPU interface. */
struct hppi {
    int id;         /* -1: none */
    int src;        /* SGIs: the source CPU that would be acknowledged */
    uint8_t prio;
    bool group1;
};

static void reset(struct tz_gicv2 *g)
{
    g->dctlr = 0;
    memset(g->spi, 0, sizeof g->spi);
    for (int c = 0; c < TZ_GICV2_MAX_CPUS; c++) {
        struct gic_cpu *cpu = &g->cpu[c];
        memset(cpu->priv, 0, sizeof cpu->priv);
        memset(cpu->sgi_pending, 0, sizeof cpu->sgi_pending);
        memset(cpu->sgi_active_src, 0, sizeof cpu->sgi_active_src);
        for (int i = 0; i < 16; i++) {
            cpu->priv[i].enabled = true;  /* SGIs permanently enabled (IMPLEMENTATION DEFINED) */
            cpu->priv[i].edge = true;     /* SGIs are edge-triggered (GICD_ICFGRn) */
        }
        cpu->ctlr = 0;
        cpu->pmr = 0;
        cpu->bpr_s = BPR_MIN_S;   /* reset to the minimum value (GICC_BPR) */
        cpu->bpr_ns = BPR_MIN_NS;
        cpu->apr[0] = cpu->apr[1] = 0;
    }
}

/* ---- trace events and errors ------------------------------------------------ */

static bool ev_start(struct tz_gicv2 *g, int cpu, enum tz_event_kind kind, struct tz_event *ev)
{
    if (!g->m)
        return false;
    tz_event_for(ev, kind, tz_machine_cpu(g->m, cpu));
    return true;
}

static void ev_emit(struct tz_gicv2 *g, int cpu, struct tz_event *ev)
{
    tz_machine_event(g->m, tz_machine_cpu(g->m, cpu), ev);
}

/* Guest misbehaviour the specification calls an error (or UNPREDICTABLE):
 * traced; the caller gives the architected result. */
__attribute__((format(printf, 5, 6)))
static void gic_error(struct tz_gicv2 *g, int cpu, uint64_t offset, uint64_t value,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->last_error, sizeof g->last_error, fmt, ap);
    va_end(ap);
    g->nerrors++;
    struct tz_event ev;
    if (ev_start(g, cpu, TZ_EV_GIC_ERROR, &ev)) {
        ev.a[0] = offset;
        ev.a[1] = value;
        ev.na = 2;
        ev.text = g->last_error;
        ev_emit(g, cpu, &ev);
    }
}

static void emit_intid(struct tz_gicv2 *g, int cpu, enum tz_event_kind kind, int id, bool group1)
{
    struct tz_event ev;
    if (ev_start(g, cpu, kind, &ev)) {
        ev.intid = id;
        ev.a[0] = group1;
        ev.na = 1;
        ev_emit(g, cpu, &ev);
    }
}

/* ---- the interrupt logic ---------------------------------------------------- */

static struct gic_irq *irq_at(struct tz_gicv2 *g, int cpu, int id)
{
    return id < 32 ? &g->cpu[cpu].priv[id] : &g->spi[id - 32];
}

/* Pending state (GICv2 "Interrupt handling state machine"): an SGI is
 * pending while any source is; a level-sensitive interrupt while its line is
 * high or its latch (GICD_ISPENDR) is set; an edge-triggered one while its
 * latch (set by a rising edge or GICD_ISPENDR) is set. */
static bool is_pending(struct tz_gicv2 *g, int cpu, int id)
{
    if (id < 16)
        return g->cpu[cpu].sgi_pending[id] != 0;
    const struct gic_irq *s = irq_at(g, cpu, id);
    return s->latch || (!s->edge && s->level);
}

/* CPU interfaces an interrupt is forwarded to: SGIs and PPIs only to their
 * own CPU; SPIs per GICD_ITARGETSR, or CPU 0 in a uniprocessor GIC (GICD_ITARGETSRn). */
static uint8_t targets_of(const struct tz_gicv2 *g, int cpu, int id)
{
    if (id < 32)
        return (uint8_t)(1u << cpu);
    if (g->cfg.ncpus == 1)
        return 1;
    return g->spi[id - 32].targets;
}

/* GIC_PENDING when INTID id (of CPU cpu for SGIs/PPIs) has become pending;
 * `was` is its pending state before the change. The event uses clock_cpu's
 * time (the accessing CPU, or CPU 0 for a device line). */
static void note_pending(struct tz_gicv2 *g, int clock_cpu, int cpu, int id, bool was)
{
    if (was || !is_pending(g, cpu, id))
        return;
    struct tz_event ev;
    if (!ev_start(g, clock_cpu, TZ_EV_GIC_PENDING, &ev))
        return;
    int target = cpu;
    if (id >= 32) {
        uint8_t t = targets_of(g, cpu, id);
        target = (t && !(t & (t - 1))) ? __builtin_ctz(t) : -1;
    }
    ev.intid = id;
    ev.a[0] = (uint64_t)(int64_t)target;
    ev.a[1] = irq_at(g, cpu, id)->group1;
    ev.na = 2;
    ev_emit(g, clock_cpu, &ev);
}

/* The highest priority pending interrupt for a CPU interface: pending, not
 * active, enabled, of a group the Distributor forwards (GICD_CTLR), targeted
 * at this CPU. Whether the CPU interface then signals it is can_signal's
 * business: an interrupt of a group disabled in the CPU interface still
 * hides lower priority ones (GICC_HPPIR reads 1023 then). */
static struct hppi highest_pending(struct tz_gicv2 *g, int cpu)
{
    struct hppi h = {.id = -1};
    unsigned best = 0x100;
    for (int id = 0; id < g->nirq; id++) {
        const struct gic_irq *s = irq_at(g, cpu, id);
        if (s->prio >= best || !s->enabled || s->active || !is_pending(g, cpu, id))
            continue;
        if (!(g->dctlr & (s->group1 ? GICD_CTLR_ENABLEGRP1 : GICD_CTLR_ENABLEGRP0)))
            continue;
        if (!(targets_of(g, cpu, id) & (1u << cpu)))
            continue;
        best = s->prio;
        h.id = id;
        h.prio = s->prio;
        h.group1 = s->group1;
    }
    if (h.id >= 0 && h.id < 16)
        h.src = __builtin_ctz(g->cpu[cpu].sgi_pending[h.id]);
    return h;
}

/* Group priority (GICv2 "Priority grouping"): Group 0 interrupts use the
 * Secure GICC_BPR, group priority = priority[7:bpr+1]; Group 1 interrupts use
 * the Non-secure copy (GICC_ABPR), group priority = priority[7:bpr] (one bit
 * more, "The effect of the Security Extensions on priority grouping"), unless
 * GICC_CTLR.CBPR = 1, when the Secure GICC_BPR applies to both groups. */
static uint8_t group_priority(const struct gic_cpu *c, uint8_t prio, bool group1)
{
    unsigned shift = (!group1 || (c->ctlr & CTLR_CBPR)) ? c->bpr_s + 1u : c->bpr_ns;
    return (uint8_t)(prio & (0xffu << shift));
}

/* Running priority (GICC_RPR): the highest active group priority,
 * from the active priority bits; the idle priority 0xff when none. */
static unsigned running_priority(const struct gic_cpu *c)
{
    uint32_t a = c->apr[0] | c->apr[1];
    return a ? (unsigned)__builtin_ctz(a) << 3 : IDLE_PRIORITY;
}

/* Whether the CPU interface signals h to its processor (GICv2
 * "Preemption", "Priority masking"): its group is enabled in
 * GICC_CTLR, its priority is higher than GICC_PMR, and its group priority is
 * higher than the running priority. */
static bool can_signal(const struct tz_gicv2 *g, int cpu, const struct hppi *h)
{
    const struct gic_cpu *c = &g->cpu[cpu];
    if (h->id < 0)
        return false;
    if (!(c->ctlr & (h->group1 ? CTLR_ENABLEGRP1 : CTLR_ENABLEGRP0)))
        return false;
    if (h->prio >= c->pmr)
        return false;
    return group_priority(c, h->prio, h->group1) < running_priority(c);
}

static void set_output(struct tz_gicv2 *g, int cpu, enum tz_cpu_line line, bool level, int intid)
{
    struct tz_irq_line *l = &g->cpu[cpu].out[line];
    if (l->level == level)
        return;
    struct tz_event ev;
    if (ev_start(g, cpu, TZ_EV_GIC_OUTPUT, &ev)) {
        ev.intid = intid >= 0 ? intid : TZ_NA;
        ev.a[0] = (uint64_t)line;
        ev.a[1] = level;
        ev.na = 2;
        ev_emit(g, cpu, &ev);
    }
    tz_irq_set(l, level);
}

/* Recomputes every CPU interface's outputs (after any state change). A
 * signalled Group 0 interrupt is an FIQ when GICC_CTLR.FIQEn = 1, otherwise
 * an IRQ; Group 1 interrupts are always IRQs (GICv2 "The
 * effect of interrupt grouping on interrupt handling"; GICC_CTLR.FIQEn). */
static void update(struct tz_gicv2 *g)
{
    for (int cpu = 0; cpu < g->cfg.ncpus; cpu++) {
        struct hppi h = highest_pending(g, cpu);
        bool sig = can_signal(g, cpu, &h);
        bool fiq = sig && !h.group1 && (g->cpu[cpu].ctlr & CTLR_FIQEN);
        bool irq = sig && !fiq;
        /* Lower before raising, so the CPU never sees both for one interrupt. */
        if (!irq)
            set_output(g, cpu, TZ_LINE_IRQ, false, h.id);
        if (!fiq)
            set_output(g, cpu, TZ_LINE_FIQ, false, h.id);
        if (irq)
            set_output(g, cpu, TZ_LINE_IRQ, true, h.id);
        if (fiq)
            set_output(g, cpu, TZ_LINE_FIQ, true, h.id);
    }
}

/* GICC_HPPIR and, with ns_view from a Secure access, GICC_AHPPIR:
 * the Non-secure view never shows a Group 0 interrupt (1023); the
 * Secure view shows a Group 1 interrupt as 1022 unless AckCtl = 1. */
static uint32_t read_hppir(struct tz_gicv2 *g, int cpu, bool ns_view)
{
    const struct gic_cpu *c = &g->cpu[cpu];
    struct hppi h = highest_pending(g, cpu);
    if (h.id < 0 || !(c->ctlr & (h.group1 ? CTLR_ENABLEGRP1 : CTLR_ENABLEGRP0)))
        return TZ_GICV2_INTID_SPURIOUS;
    if (!h.group1 && ns_view)
        return TZ_GICV2_INTID_SPURIOUS;
    if (h.group1 && !ns_view && !(c->ctlr & CTLR_ACKCTL))
        return TZ_GICV2_INTID_GRP1_ONLY;
    return (uint32_t)h.id | (h.id < 16 ? (uint32_t)h.src << 10 : 0);
}

/* GICC_IAR and, with ns_view from a Secure access, GICC_AIAR:
 * acknowledges the signalled interrupt. Spurious 1023 when none is
 * signalled, or for the Non-secure view when it is Group 0; 1022 for a
 * Secure read when it is Group 1 and AckCtl = 0 (nothing is acknowledged).
 * Acknowledging makes the interrupt active (pending and active if still
 * pending: a level line still high, another SGI source) and sets the active
 * priority bit of its group priority; SGIs return the source CPU in [12:10]. */
static uint32_t acknowledge(struct tz_gicv2 *g, int cpu, bool secure, bool ns_view)
{
    struct gic_cpu *c = &g->cpu[cpu];
    struct hppi h = highest_pending(g, cpu);
    if (!can_signal(g, cpu, &h))
        return TZ_GICV2_INTID_SPURIOUS;
    if (!h.group1 && ns_view)
        return TZ_GICV2_INTID_SPURIOUS;
    if (h.group1 && !ns_view && !(c->ctlr & CTLR_ACKCTL))
        return TZ_GICV2_INTID_GRP1_ONLY;
    struct gic_irq *s = irq_at(g, cpu, h.id);
    uint32_t ret = (uint32_t)h.id;
    if (h.id < 16) {
        c->sgi_pending[h.id] &= (uint8_t)~(1u << h.src);
        c->sgi_active_src[h.id] = (uint8_t)h.src;
        ret |= (uint32_t)h.src << 10;
    } else {
        s->latch = false;
    }
    s->active = true;
    c->apr[h.group1] |= 1u << (group_priority(c, h.prio, h.group1) >> 3);
    struct tz_event ev;
    if (ev_start(g, cpu, TZ_EV_GIC_ACK, &ev)) {
        ev.intid = h.id;
        ev.to_ns = !secure;
        ev.to_el = tz_machine_cpu(g->m, cpu)->el;
        ev.a[0] = h.group1;
        ev.a[1] = h.prio;
        ev.na = 2;
        ev_emit(g, cpu, &ev);
    }
    update(g);
    return ret;
}

/* Priority drop (GICv2 "Priority drop and interrupt
 * deactivation"): clears the highest active priority bit, the
 * one the most recently acknowledged interrupt set when software nests
 * properly (EOIs out of order are UNPREDICTABLE; this is the GIC-400 rule). */
static bool priority_drop(struct gic_cpu *c, bool group1)
{
    uint32_t a = c->apr[0] | c->apr[1];
    if (!a)
        return false;
    uint32_t bit = a & (~a + 1);
    if (c->apr[group1] & bit)
        c->apr[group1] &= ~bit;
    else
        c->apr[!group1] &= ~bit;
    return true;
}

static void deactivate(struct tz_gicv2 *g, int cpu, int id)
{
    struct gic_irq *s = irq_at(g, cpu, id);
    s->active = false;
    emit_intid(g, cpu, TZ_EV_GIC_DEACTIVATE, id, s->group1);
}

/* GICC_EOIR and, with alias from a Secure access, GICC_AEOIR:
 * priority drop, and deactivation too when the EOImode of the
 * view is 0 (EOImodeS for Secure GICC_EOIR, EOImodeNS otherwise). */
static void end_of_interrupt(struct tz_gicv2 *g, int cpu, bool secure, bool alias, uint32_t v)
{
    struct gic_cpu *c = &g->cpu[cpu];
    const char *reg = alias ? "GICC_AEOIR" : "GICC_EOIR";
    uint64_t off = alias ? GICC_AEOIR : GICC_EOIR;
    bool ns_view = !secure || alias;
    int id = (int)(v & 0x3ff);
    int src = (int)((v >> 10) & 7);
    if (id >= g->nirq) {
        gic_error(g, cpu, off, v, "%s: INTID %d is %s: ignored", reg, id,
                  id >= 1020 ? "a special INTID" : "not implemented");
        return;
    }
    struct gic_irq *s = irq_at(g, cpu, id);
    if (ns_view && !s->group1) {
        gic_error(g, cpu, off, v, "%s: Non-secure EOI of Group 0 INTID %d: ignored", reg, id);
        return;
    }
    if (!ns_view && s->group1 && !(c->ctlr & CTLR_ACKCTL)) {
        gic_error(g, cpu, off, v, "%s: Secure EOI of Group 1 INTID %d with AckCtl 0 "
                  "(use GICC_AEOIR): ignored", reg, id);
        return;
    }
    if (!s->active) {
        gic_error(g, cpu, off, v, "%s: INTID %d is not active: ignored", reg, id);
        return;
    }
    if (id < 16 && src != c->sgi_active_src[id])
        gic_error(g, cpu, off, v, "%s: SGI %d with CPUID %d, acknowledged from CPU %d",
                  reg, id, src, c->sgi_active_src[id]);
    if (!priority_drop(c, s->group1))
        gic_error(g, cpu, off, v, "%s: INTID %d: no active priority to drop", reg, id);
    emit_intid(g, cpu, TZ_EV_GIC_EOI, id, s->group1);
    bool eoimode = (c->ctlr & (ns_view ? CTLR_EOIMODENS : CTLR_EOIMODES)) != 0;
    if (!eoimode)
        deactivate(g, cpu, id);
}

/* GICC_DIR: deactivation when EOImode = 1. */
static void deactivate_write(struct tz_gicv2 *g, int cpu, bool secure, uint32_t v)
{
    struct gic_cpu *c = &g->cpu[cpu];
    int id = (int)(v & 0x3ff);
    if (id >= g->nirq) {
        gic_error(g, cpu, GICC_DIR, v, "GICC_DIR: INTID %d is %s: ignored", id,
                  id >= 1020 ? "a special INTID" : "not implemented");
        return;
    }
    struct gic_irq *s = irq_at(g, cpu, id);
    if (!secure && !s->group1) {
        gic_error(g, cpu, GICC_DIR, v, "GICC_DIR: Non-secure deactivation of Group 0 INTID %d: "
                  "ignored", id);
        return;
    }
    if (!(c->ctlr & (secure ? CTLR_EOIMODES : CTLR_EOIMODENS)))
        gic_error(g, cpu, GICC_DIR, v, "GICC_DIR with EOImode%s 0 is UNPREDICTABLE: "
                  "INTID %d deactivated", secure ? "S" : "NS", id);
    if (!s->active) {
        gic_error(g, cpu, GICC_DIR, v, "GICC_DIR: INTID %d is not active: ignored", id);
        return;
    }
    deactivate(g, cpu, id);
}

/* ---- Distributor registers --------------------------------------------------- */

/* The register block an offset belongs to (the first offset of the block). */
static uint32_t dist_block(uint64_t off)
{
    if (off >= GICD_SIZE)
        return GICD_NONE;
    if (off >= 0x080 && off < 0x400)
        return (uint32_t)off & ~0x7fu;
    if (off >= 0x400 && off < 0xc00)
        return (uint32_t)off & ~0x3ffu;
    if (off >= 0xc00 && off < 0xf00)
        return (uint32_t)off & ~0xffu;
    if (off >= 0xf10 && off < 0xf30)
        return (uint32_t)off & ~0xfu;
    if (off >= 0xfd0)
        return GICD_PIDR4;
    return (uint32_t)off;
}

/* Non-secure accesses to the fields of Group 0 interrupts are RAZ/WI
 * (GICv2 "Effect of the GIC Security Extensions on the programmers' model";
 * GICD_NSACR could relax this, it is not implemented). */
static bool ns_hidden(struct tz_gicv2 *g, int cpu, bool secure, int id)
{
    return !secure && !irq_at(g, cpu, id)->group1;
}

/* One bit per interrupt: IGROUPR, I[SC]ENABLER, I[SC]PENDR, I[SC]ACTIVER. */
static uint32_t bits_read(struct tz_gicv2 *g, int cpu, bool secure, uint32_t block, int first)
{
    uint32_t v = 0;
    for (int i = 0; i < 32 && first + i < g->nirq; i++) {
        int id = first + i;
        const struct gic_irq *s = irq_at(g, cpu, id);
        bool bit;
        if (ns_hidden(g, cpu, secure, id))
            continue;
        switch (block) {
        case GICD_IGROUPR:
            bit = s->group1;
            break;
        case GICD_ISENABLER:
        case GICD_ICENABLER:
            bit = s->enabled;
            break;
        case GICD_ISPENDR:
        case GICD_ICPENDR:
            bit = is_pending(g, cpu, id);
            break;
        default: /* GICD_ISACTIVER, GICD_ICACTIVER */
            bit = s->active;
            break;
        }
        v |= (uint32_t)bit << i;
    }
    return v;
}

static void bits_write(struct tz_gicv2 *g, int cpu, bool secure, uint32_t block, int first,
                       uint32_t v)
{
    for (int i = 0; i < 32 && first + i < g->nirq; i++) {
        int id = first + i;
        struct gic_irq *s = irq_at(g, cpu, id);
        bool bit = (v >> i) & 1;
        if (ns_hidden(g, cpu, secure, id))
            continue;
        switch (block) {
        case GICD_IGROUPR:
            s->group1 = bit;
            break;
        case GICD_ISENABLER: /* SGIs: permanently enabled */
            if (bit && id >= 16)
                s->enabled = true;
            break;
        case GICD_ICENABLER:
            if (bit && id >= 16)
                s->enabled = false;
            break;
        case GICD_ISPENDR: /* SGIs: WI, use GICD_SPENDSGIR (GICD_ISPENDRn) */
            if (bit && id >= 16) {
                bool was = is_pending(g, cpu, id);
                s->latch = true;
                note_pending(g, cpu, cpu, id, was);
            }
            break;
        case GICD_ICPENDR: /* a level line still high keeps it pending (GICD_ICPENDRn) */
            if (bit && id >= 16)
                s->latch = false;
            break;
        case GICD_ISACTIVER:
            if (bit)
                s->active = true;
            break;
        case GICD_ICACTIVER:
            if (bit)
                s->active = false;
            break;
        }
    }
}

/* Byte-wide fields: IPRIORITYR, ITARGETSR, CPENDSGIR/SPENDSGIR. off is the
 * byte's offset. */
static uint8_t byte_read(struct tz_gicv2 *g, int cpu, bool secure, uint32_t block, uint64_t off)
{
    int id = (int)(off - block);
    switch (block) {
    case GICD_IPRIORITYR: {
        /* Non-secure view of a Group 1 priority: the value shifted left by
         * one (GICv2 "Software views of the priority field",
         * GICD_IPRIORITYRn). */
        if (id >= g->nirq || ns_hidden(g, cpu, secure, id))
            return 0;
        uint8_t p = irq_at(g, cpu, id)->prio;
        return secure ? p : (uint8_t)(p << 1);
    }
    case GICD_ITARGETSR:
        /* Uniprocessor: RAZ/WI; SGI/PPI fields read as the reading CPU (GICD_ITARGETSRn). */
        if (id >= g->nirq || g->cfg.ncpus == 1 || ns_hidden(g, cpu, secure, id))
            return 0;
        return id < 32 ? (uint8_t)(1u << cpu) : g->spi[id - 32].targets;
    default: /* GICD_CPENDSGIR, GICD_SPENDSGIR: one byte per SGI, bit per source */
        if (ns_hidden(g, cpu, secure, id))
            return 0;
        return g->cpu[cpu].sgi_pending[id];
    }
}

static void byte_write(struct tz_gicv2 *g, int cpu, bool secure, uint32_t block, uint64_t off,
                       uint8_t b)
{
    int id = (int)(off - block);
    switch (block) {
    case GICD_IPRIORITYR: {
        if (id >= g->nirq || ns_hidden(g, cpu, secure, id))
            return;
        /* A Non-secure write sets the Secure view (value >> 1) | 0x80. */
        uint8_t p = secure ? b : (uint8_t)((b >> 1) | 0x80);
        irq_at(g, cpu, id)->prio = (uint8_t)(p & PRIO_MASK);
        return;
    }
    case GICD_ITARGETSR:
        if (id < 32 || id >= g->nirq || g->cfg.ncpus == 1 || ns_hidden(g, cpu, secure, id))
            return; /* GICD_ITARGETSR0-7 are read-only */
        g->spi[id - 32].targets = b & g->cpumask;
        return;
    case GICD_SPENDSGIR: {
        if (ns_hidden(g, cpu, secure, id))
            return;
        bool was = is_pending(g, cpu, id);
        g->cpu[cpu].sgi_pending[id] |= b & g->cpumask;
        note_pending(g, cpu, cpu, id, was);
        return;
    }
    default: /* GICD_CPENDSGIR */
        if (ns_hidden(g, cpu, secure, id))
            return;
        g->cpu[cpu].sgi_pending[id] &= (uint8_t)~b;
        return;
    }
}

/* GICD_ICFGRn: two bits per interrupt, Int_config[1] = edge. SGIs
 * read as edge, PPIs as level (both read-only, GIC-400); bit [2F] is
 * reserved in GICv2 (RAZ/WI). */
static uint32_t icfgr_read(struct tz_gicv2 *g, int cpu, bool secure, int n)
{
    uint32_t v = 0;
    for (int f = 0; f < 16 && 16 * n + f < g->nirq; f++) {
        int id = 16 * n + f;
        if (!ns_hidden(g, cpu, secure, id) && irq_at(g, cpu, id)->edge)
            v |= 2u << (2 * f);
    }
    return v;
}

static void icfgr_write(struct tz_gicv2 *g, int cpu, bool secure, int n, uint32_t v)
{
    for (int f = 0; f < 16 && 16 * n + f < g->nirq; f++) {
        int id = 16 * n + f;
        if (id < 32 || ns_hidden(g, cpu, secure, id))
            continue;
        irq_at(g, cpu, id)->edge = (v >> (2 * f + 1)) & 1;
    }
}

/* GICD_SGIR. NSATT (writable by Secure accesses only) selects the
 * group an SGI must have on a target interface to be forwarded there; a
 * Non-secure write forwards only Group 1 SGIs, whatever bit 15 says. */
static void sgir_write(struct tz_gicv2 *g, int cpu, bool secure, uint32_t v)
{
    unsigned filter = (v >> 24) & 3;
    unsigned id = v & 0xf;
    bool want_group1 = secure ? ((v >> 15) & 1) : true;
    unsigned targets;
    switch (filter) {
    case 0: /* to the CPUTargetList */
        targets = (v >> 16) & 0xff;
        break;
    case 1: /* to all but the requester */
        targets = g->cpumask & ~(1u << cpu);
        break;
    case 2: /* to the requester only */
        targets = 1u << cpu;
        break;
    default:
        gic_error(g, cpu, GICD_SGIR, v, "GICD_SGIR: TargetListFilter 0b11 is reserved: ignored");
        return;
    }
    targets &= g->cpumask;
    for (int t = 0; t < g->cfg.ncpus; t++) {
        struct gic_cpu *tc = &g->cpu[t];
        if (!(targets & (1u << t)) || tc->priv[id].group1 != want_group1)
            continue;
        bool was = is_pending(g, t, (int)id);
        tc->sgi_pending[id] |= (uint8_t)(1u << cpu);
        note_pending(g, cpu, t, (int)id, was);
    }
}

static uint32_t typer(const struct tz_gicv2 *g)
{
    /* ITLinesNumber [4:0], CPUNumber [7:5], SecurityExtn [10], LSPI [15:11] (GICD_TYPER) */
    return (uint32_t)((g->nirq + 31) / 32 - 1) | (uint32_t)(g->cfg.ncpus - 1) << 5 |
           1u << 10 | (g->cfg.lspi & 0x1f) << 11;
}

static uint32_t dist_read(struct tz_gicv2 *g, int cpu, bool secure, uint64_t off, unsigned size)
{
    uint32_t block = dist_block(off);
    int n = (int)(off - block) / 4; /* register number within the block */
    switch (block) {
    case GICD_CTLR: /* banked: the Non-secure copy is EnableGrp1 at bit 0 */
        return secure ? g->dctlr : (g->dctlr & GICD_CTLR_ENABLEGRP1) >> 1;
    case GICD_TYPER:
        return typer(g);
    case GICD_IIDR:
        return GIC400_GICD_IIDR;
    case GICD_IGROUPR: /* Secure only: RAZ/WI to Non-secure accesses */
        return secure ? bits_read(g, cpu, secure, block, 32 * n) : 0;
    case GICD_ISENABLER:
    case GICD_ICENABLER:
    case GICD_ISPENDR:
    case GICD_ICPENDR:
    case GICD_ISACTIVER:
    case GICD_ICACTIVER:
        return bits_read(g, cpu, secure, block, 32 * n);
    case GICD_IPRIORITYR:
    case GICD_ITARGETSR:
    case GICD_CPENDSGIR:
    case GICD_SPENDSGIR: {
        uint32_t v = 0;
        for (unsigned b = 0; b < size; b++)
            v |= (uint32_t)byte_read(g, cpu, secure, block, off + b) << (8 * b);
        return v;
    }
    case GICD_ICFGR:
        return icfgr_read(g, cpu, secure, n);
    case GICD_IMPDEF:
    case GICD_NSACR: /* not implemented: RAZ/WI */
        return 0;
    case GICD_SGIR:
        gic_error(g, cpu, off, 0, "read of write-only GICD_SGIR: RAZ");
        return 0;
    case GICD_PIDR4:
        return gicd_id[(off - GICD_PIDR4) / 4];
    default:
        gic_error(g, cpu, off, 0, "read of reserved Distributor offset 0x%03llx: RAZ",
                  (unsigned long long)off);
        return 0;
    }
}

static void dist_write(struct tz_gicv2 *g, int cpu, bool secure, uint64_t off, unsigned size,
                       uint32_t v)
{
    uint32_t block = dist_block(off);
    int n = (int)(off - block) / 4;
    switch (block) {
    case GICD_CTLR:
        if (secure)
            g->dctlr = v & (GICD_CTLR_ENABLEGRP0 | GICD_CTLR_ENABLEGRP1);
        else
            g->dctlr = (g->dctlr & ~GICD_CTLR_ENABLEGRP1) | (v & 1u) << 1;
        break;
    case GICD_TYPER:
    case GICD_IIDR:
    case GICD_PIDR4:
        gic_error(g, cpu, off, v, "write to read-only %s: ignored",
                  block == GICD_TYPER ? "GICD_TYPER" : block == GICD_IIDR ? "GICD_IIDR"
                                                                         : "identification register");
        break;
    case GICD_IGROUPR:
        if (!secure) {
            gic_error(g, cpu, off, v, "Non-secure write to Secure-only GICD_IGROUPR%d: ignored", n);
            break;
        }
        bits_write(g, cpu, secure, block, 32 * n, v);
        break;
    case GICD_ISENABLER:
    case GICD_ICENABLER:
    case GICD_ISPENDR:
    case GICD_ICPENDR:
    case GICD_ISACTIVER:
    case GICD_ICACTIVER:
        bits_write(g, cpu, secure, block, 32 * n, v);
        break;
    case GICD_IPRIORITYR:
    case GICD_ITARGETSR:
    case GICD_CPENDSGIR:
    case GICD_SPENDSGIR:
        for (unsigned b = 0; b < size; b++)
            byte_write(g, cpu, secure, block, off + b, (uint8_t)(v >> (8 * b)));
        break;
    case GICD_ICFGR:
        icfgr_write(g, cpu, secure, n, v);
        break;
    case GICD_IMPDEF:
        break;
    case GICD_NSACR:
        if (!secure)
            gic_error(g, cpu, off, v, "Non-secure write to Secure-only GICD_NSACR%d: ignored", n);
        break; /* not implemented: RAZ/WI */
    case GICD_SGIR:
        sgir_write(g, cpu, secure, v);
        break;
    default:
        gic_error(g, cpu, off, v, "write to reserved Distributor offset 0x%03llx: ignored",
                  (unsigned long long)off);
        break;
    }
}

/* ---- CPU interface registers ------------------------------------------------ */

/* The Non-secure copy of GICC_CTLR from the Secure layout, and back. */
static uint32_t ctlr_ns_view(uint32_t s)
{
    return ((s & CTLR_ENABLEGRP1) ? CTLR_NS_ENABLEGRP1 : 0) |
           ((s & CTLR_FIQBYPDISGRP1) ? CTLR_NS_FIQBYPDISGRP1 : 0) |
           ((s & CTLR_IRQBYPDISGRP1) ? CTLR_NS_IRQBYPDISGRP1 : 0) |
           ((s & CTLR_EOIMODENS) ? CTLR_NS_EOIMODENS : 0);
}

static uint32_t ctlr_ns_write(uint32_t s, uint32_t v)
{
    s &= ~(CTLR_ENABLEGRP1 | CTLR_FIQBYPDISGRP1 | CTLR_IRQBYPDISGRP1 | CTLR_EOIMODENS);
    return s | ((v & CTLR_NS_ENABLEGRP1) ? CTLR_ENABLEGRP1 : 0) |
           ((v & CTLR_NS_FIQBYPDISGRP1) ? CTLR_FIQBYPDISGRP1 : 0) |
           ((v & CTLR_NS_IRQBYPDISGRP1) ? CTLR_IRQBYPDISGRP1 : 0) |
           ((v & CTLR_NS_EOIMODENS) ? CTLR_EOIMODENS : 0);
}

/* Non-secure view of a priority mask or running priority (GICv2 3.3, "Software
 * views of the priority field"): 0x00 while the value is a Secure-only
 * priority (0x00-0x7f), else the value shifted left by one. The idle
 * priority reads 0xff in both views. */
static uint32_t ns_priority_view(unsigned p)
{
    if (p == IDLE_PRIORITY)
        return p;
    return p < 0x80 ? 0 : (p << 1) & 0xff;
}

static uint32_t cpuif_read(struct tz_gicv2 *g, int cpu, bool secure, uint64_t off)
{
    struct gic_cpu *c = &g->cpu[cpu];
    switch (off) {
    case GICC_CTLR:
        return secure ? c->ctlr : ctlr_ns_view(c->ctlr);
    case GICC_PMR:
        return secure ? c->pmr : ns_priority_view(c->pmr);
    case GICC_BPR:
        if (secure)
            return c->bpr_s;
        /* CBPR = 1: Non-secure reads see the Secure value + 1, saturated (GICC_BPR). */
        if (c->ctlr & CTLR_CBPR)
            return c->bpr_s + 1u > 7u ? 7u : c->bpr_s + 1u;
        return c->bpr_ns;
    case GICC_IAR:
        return acknowledge(g, cpu, secure, !secure);
    case GICC_RPR:
        return secure ? running_priority(c) : ns_priority_view(running_priority(c));
    case GICC_HPPIR:
        return read_hppir(g, cpu, !secure);
    /* The aliased registers are Secure-only, RAZ/WI to Non-secure accesses;
     * a Secure access behaves as a Non-secure access to the original. */
    case GICC_ABPR:
        return secure ? c->bpr_ns : 0;
    case GICC_AIAR:
        return secure ? acknowledge(g, cpu, secure, true) : 0;
    case GICC_AHPPIR:
        return secure ? read_hppir(g, cpu, true) : 0;
    case GICC_APR0:
        return secure ? c->apr[0] : c->apr[1] >> 16;
    case GICC_NSAPR0:
        return secure ? c->apr[1] : 0;
    case GICC_IIDR:
        return GIC400_GICC_IIDR;
    case GICC_EOIR:
    case GICC_AEOIR:
    case GICC_DIR:
        gic_error(g, cpu, off, 0, "read of write-only %s: RAZ",
                  off == GICC_EOIR ? "GICC_EOIR" : off == GICC_AEOIR ? "GICC_AEOIR" : "GICC_DIR");
        return 0;
    default:
        if ((off >= GICC_IMPDEF && off < GICC_APR0) || (off > GICC_APR0 && off <= GICC_APR3) ||
            (off > GICC_NSAPR0 && off <= GICC_NSAPR3))
            return 0; /* IMPLEMENTATION DEFINED; APR1-3/NSAPR1-3 unused with 5 priority bits */
        gic_error(g, cpu, off, 0, "read of reserved CPU interface offset 0x%04llx: RAZ",
                  (unsigned long long)off);
        return 0;
    }
}

static void cpuif_write(struct tz_gicv2 *g, int cpu, bool secure, uint64_t off, uint32_t v)
{
    struct gic_cpu *c = &g->cpu[cpu];
    switch (off) {
    case GICC_CTLR:
        c->ctlr = secure ? v & CTLR_SECURE_MASK : ctlr_ns_write(c->ctlr, v);
        break;
    case GICC_PMR:
        if (secure)
            c->pmr = (uint8_t)(v & PRIO_MASK);
        else if (c->pmr >= 0x80) /* else ignored: Secure-only mask in force */
            c->pmr = (uint8_t)((((v & 0xff) >> 1) | 0x80) & PRIO_MASK);
        break;
    case GICC_BPR:
        /* Below the minimum sets the minimum (GICC_BPR). */
        if (secure)
            c->bpr_s = (uint8_t)((v & 7) < BPR_MIN_S ? BPR_MIN_S : (v & 7));
        else if (!(c->ctlr & CTLR_CBPR)) /* CBPR = 1: Non-secure writes ignored */
            c->bpr_ns = (uint8_t)((v & 7) < BPR_MIN_NS ? BPR_MIN_NS : (v & 7));
        break;
    case GICC_ABPR:
        if (!secure) {
            gic_error(g, cpu, off, v, "Non-secure write to Secure-only GICC_ABPR: ignored");
            break;
        }
        c->bpr_ns = (uint8_t)((v & 7) < BPR_MIN_NS ? BPR_MIN_NS : (v & 7));
        break;
    case GICC_EOIR:
        end_of_interrupt(g, cpu, secure, false, v);
        break;
    case GICC_AEOIR:
        if (!secure) {
            gic_error(g, cpu, off, v, "Non-secure write to Secure-only GICC_AEOIR: ignored");
            break;
        }
        end_of_interrupt(g, cpu, secure, true, v);
        break;
    case GICC_DIR:
        deactivate_write(g, cpu, secure, v);
        break;
    case GICC_APR0: /* for state save/restore (GICC_APRn) */
        if (secure)
            c->apr[0] = v;
        else
            c->apr[1] = (c->apr[1] & 0xffffu) | v << 16;
        break;
    case GICC_NSAPR0:
        if (!secure) {
            gic_error(g, cpu, off, v, "Non-secure write to Secure-only GICC_NSAPR0: ignored");
            break;
        }
        c->apr[1] = v;
        break;
    case GICC_IAR:
    case GICC_RPR:
    case GICC_HPPIR:
    case GICC_AIAR:
    case GICC_AHPPIR:
    case GICC_IIDR:
        gic_error(g, cpu, off, v, "write to read-only %s: ignored",
                  off == GICC_IAR ? "GICC_IAR" : off == GICC_RPR ? "GICC_RPR"
                  : off == GICC_HPPIR ? "GICC_HPPIR" : off == GICC_AIAR ? "GICC_AIAR"
                  : off == GICC_AHPPIR ? "GICC_AHPPIR" : "GICC_IIDR");
        break;
    default:
        if ((off >= GICC_IMPDEF && off < GICC_APR0) || (off > GICC_APR0 && off <= GICC_APR3) ||
            (off > GICC_NSAPR0 && off <= GICC_NSAPR3))
            break;
        gic_error(g, cpu, off, v, "write to reserved CPU interface offset 0x%04llx: ignored",
                  (unsigned long long)off);
        break;
    }
}

/* ---- the model's API ---------------------------------------------------------- */

/* Access sizes (GICv2 "GIC register access"): every register is
 * word-accessible (aligned); IPRIORITYR, ITARGETSR, CPENDSGIR and SPENDSGIR
 * are also byte-accessible. */
static bool size_ok(enum tz_gicv2_region region, uint64_t off, unsigned size)
{
    if (size == 4)
        return (off & 3) == 0;
    if (size != 1 || region != TZ_GICV2_DIST)
        return false;
    uint32_t b = dist_block(off);
    return b == GICD_IPRIORITYR || b == GICD_ITARGETSR || b == GICD_CPENDSGIR ||
           b == GICD_SPENDSGIR;
}

static bool access_ok(struct tz_gicv2 *g, enum tz_gicv2_region region, uint64_t off,
                      unsigned size, int cpu, bool write, uint32_t v)
{
    assert(cpu >= 0 && cpu < g->cfg.ncpus);
    const char *dir = write ? "write" : "read";
    const char *res = write ? "ignored" : "RAZ";
    if (region != TZ_GICV2_DIST && region != TZ_GICV2_CPUIF) {
        gic_error(g, cpu, off, v, "%s of reg region %d (virtualization interface, not "
                  "modelled): %s", dir, (int)region, res);
        return false;
    }
    if (!size_ok(region, off, size)) {
        gic_error(g, cpu, off, v, "%u-byte %s of %s offset 0x%llx is not supported: %s", size,
                  dir, region == TZ_GICV2_DIST ? "Distributor" : "CPU interface",
                  (unsigned long long)off, res);
        return false;
    }
    return true;
}

uint32_t tz_gicv2_read(struct tz_gicv2 *g, enum tz_gicv2_region region, uint64_t offset,
                       unsigned size, int cpu, bool secure)
{
    if (!access_ok(g, region, offset, size, cpu, false, 0))
        return 0;
    if (region == TZ_GICV2_DIST)
        return dist_read(g, cpu, secure, offset, size);
    return cpuif_read(g, cpu, secure, offset);
}

void tz_gicv2_write(struct tz_gicv2 *g, enum tz_gicv2_region region, uint64_t offset,
                    unsigned size, int cpu, bool secure, uint32_t value)
{
    if (!access_ok(g, region, offset, size, cpu, true, value))
        return;
    if (region == TZ_GICV2_DIST)
        dist_write(g, cpu, secure, offset, size, value);
    else
        cpuif_write(g, cpu, secure, offset, value);
    update(g);
}

/* An input line (GICv2 "Interrupt handling state machine"): a rising edge latches an edge-triggered
 * interrupt pending; a level-sensitive one is pending while the line is high
 * (so it is pending again after deactivation while the line stays high). */
void tz_gicv2_set_irq(struct tz_gicv2 *g, int cpu, int intid, bool level)
{
    assert(intid >= 16 && intid < TZ_GICV2_MAX_IRQS);
    if (intid < 32)
        assert(cpu >= 0 && cpu < g->cfg.ncpus);
    else
        cpu = 0; /* SPI state is not banked */
    if (intid >= g->nirq) {
        gic_error(g, cpu, 0, (uint64_t)intid, "input for unimplemented INTID %d: ignored", intid);
        return;
    }
    struct gic_irq *s = irq_at(g, cpu, intid);
    if (s->level == level)
        return;
    bool was = is_pending(g, cpu, intid);
    s->level = level;
    if (level && s->edge)
        s->latch = true;
    note_pending(g, cpu, cpu, intid, was);
    update(g);
}

bool tz_gicv2_output(const struct tz_gicv2 *g, int cpu, enum tz_cpu_line line)
{
    assert(cpu >= 0 && cpu < g->cfg.ncpus);
    if (line != TZ_LINE_IRQ && line != TZ_LINE_FIQ)
        return false;
    return g->cpu[cpu].out[line].level;
}

struct tz_irq_line *tz_gicv2_line(struct tz_gicv2 *g, int cpu, enum tz_cpu_line line)
{
    if (cpu < 0 || cpu >= g->cfg.ncpus || (line != TZ_LINE_IRQ && line != TZ_LINE_FIQ))
        return NULL;
    return &g->cpu[cpu].out[line];
}

unsigned tz_gicv2_error_count(const struct tz_gicv2 *g)
{
    return g->nerrors;
}

const char *tz_gicv2_last_error(const struct tz_gicv2 *g)
{
    return g->last_error;
}

struct tz_gicv2_config tz_gicv2_default_config(int ncpus)
{
    return (struct tz_gicv2_config){.ncpus = ncpus, .nspis = 224, .lspi = 31};
}

int tz_gicv2_create(struct tz_machine *m, const struct tz_gicv2_config *cfg,
                    struct tz_gicv2 **out, struct tz_error *err)
{
    if (cfg->ncpus < 1 || cfg->ncpus > TZ_GICV2_MAX_CPUS)
        return tz_error_set(err, NULL, "GICv2 supports 1 to %d CPU interfaces, not %d",
                            TZ_GICV2_MAX_CPUS, cfg->ncpus);
    if (cfg->nspis < 0 || cfg->nspis % 32 || cfg->nspis > 992)
        return tz_error_set(err, NULL, "GICv2: the number of SPIs must be a multiple of 32 "
                            "from 0 to 992, not %d", cfg->nspis);
    if (cfg->lspi > 31)
        return tz_error_set(err, NULL, "GICv2: LSPI must be 0..31, not %u", cfg->lspi);
    struct tz_gicv2 *g = calloc(1, sizeof *g);
    if (!g)
        return tz_error_set(err, NULL, "out of memory");
    g->m = m;
    g->cfg = *cfg;
    g->nirq = 32 + cfg->nspis > TZ_GICV2_MAX_IRQS ? TZ_GICV2_MAX_IRQS : 32 + cfg->nspis;
    g->cpumask = (uint8_t)((1u << cfg->ncpus) - 1);
    reset(g);
    *out = g;
    return 0;
}

void tz_gicv2_destroy(struct tz_gicv2 *g)
{
    free(g);
}

/* ---- device ops (models/registry.c) -------------------------------------------- */

static int gicv2_ops_create(struct tz_machine *m, const struct tz_device_desc *d, void **state,
                            struct tz_error *err)
{
    if (d->nreg < 2)
        return tz_error_set(err, NULL, "a GICv2 needs two reg entries (Distributor, CPU "
                            "interface), found %d", d->nreg);
    struct tz_gicv2_config cfg = tz_gicv2_default_config(tz_machine_ncpus(m));
    /* Enough SPIs for every interrupt the platform's devices use. */
    const struct tz_platform *p = tz_machine_cfg(m)->platform;
    for (int i = 0; i < p->ndev; i++)
        for (int k = 0; k < p->dev[i].nirq; k++) {
            const struct tz_dt_irq *irq = &p->dev[i].irq[k];
            if (irq->type != 0)
                continue;
            if (irq->number >= 988)
                return tz_error_set(err, NULL, "%s: SPI %u is beyond GICv2's last (987)",
                                    p->dev[i].path, irq->number);
            int need = (int)(irq->number + 32) / 32 * 32;
            if (need > cfg.nspis)
                cfg.nspis = need;
        }
    return tz_gicv2_create(m, &cfg, (struct tz_gicv2 **)state, err);
}

static uint64_t gicv2_ops_read(void *state, const struct tz_access *a)
{
    return tz_gicv2_read(state, (enum tz_gicv2_region)a->region, a->offset, a->size,
                         a->cpu ? a->cpu->index : 0, a->secure);
}

static void gicv2_ops_write(void *state, const struct tz_access *a, uint64_t value)
{
    tz_gicv2_write(state, (enum tz_gicv2_region)a->region, a->offset, a->size,
                   a->cpu ? a->cpu->index : 0, a->secure, (uint32_t)value);
}

static void gicv2_ops_destroy(void *state)
{
    tz_gicv2_destroy(state);
}

static struct tz_irq_line *gicv2_ops_irq_out(void *state, int n)
{
    return tz_gicv2_line(state, n / TZ_LINE_COUNT, (enum tz_cpu_line)(n % TZ_LINE_COUNT));
}

static void gicv2_ops_irq_in(void *state, int n, bool level)
{
    tz_gicv2_set_irq(state, TZ_INTC_IN_CPU(n), TZ_INTC_IN_INTID(n), level);
}

static const char *const gicv2_compat[] = {"arm,cortex-a15-gic", "arm,gic-400", NULL};

const struct tz_device_ops tz_gicv2_ops = {
    .name = "gicv2",
    .compatible = gicv2_compat,
    .create = gicv2_ops_create,
    .read = gicv2_ops_read,
    .write = gicv2_ops_write,
    .destroy = gicv2_ops_destroy,
    .irq_out = gicv2_ops_irq_out,
    .irq_in = gicv2_ops_irq_in,
};
