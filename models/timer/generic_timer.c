#include "generic_timer.h"

#include <assert.h>
#include <stdlib.h>

#include "sim/machine.h"
#include "sim/sysreg.h"

struct gt_cpu {
    uint64_t cval[TZ_GT_COUNT];
    uint32_t ctl[TZ_GT_COUNT];
    uint64_t gen[TZ_GT_COUNT];   /* invalidates events scheduled before a change */
    struct tz_irq_line out[TZ_GT_COUNT];
    uint64_t cntfrq;             /* CNTFRQ_EL0 as written by firmware */
    uint64_t cntvoff;            /* CNTVOFF_EL2 */
};

struct tz_gtimer {
    struct tz_machine *m;
    uint32_t cnt_hz;
    int ncpu;
    struct gt_cpu cpu[TZ_MAX_CPUS];
};

uint64_t tz_gtimer_count(const struct tz_gtimer *t, int cpu)
{
    struct tz_machine *m = t->m;
    return tz_ticks_to_count(tz_cpu_ticks(tz_machine_cpu(m, cpu)), t->cnt_hz,
                             tz_machine_cfg(m)->cpu_hz);
}

/* The count a timer compares against: the virtual timer sees CNTVCT. */
static uint64_t timer_count(const struct tz_gtimer *t, int cpu, int id)
{
    uint64_t c = tz_gtimer_count(t, cpu);
    return id == TZ_GT_VIRT ? c - t->cpu[cpu].cntvoff : c;
}

static void fire(void *opaque, uint64_t arg);

static void update(struct tz_gtimer *t, int cpu, int id)
{
    struct gt_cpu *g = &t->cpu[cpu];
    uint64_t now = timer_count(t, cpu, id);
    bool level = tz_gt_output(g->ctl[id], now, g->cval[id]);
    if (level != g->out[id].level) {
        struct tz_cpu *c = tz_machine_cpu(t->m, cpu);
        struct tz_event ev;
        tz_event_for(&ev, TZ_EV_TIMER, c);
        ev.a[0] = (uint64_t)id;
        ev.a[1] = level;
        ev.na = 2;
        tz_machine_event(t->m, c, &ev);
        tz_irq_set(&g->out[id], level);
    }
    g->gen[id]++;
    if ((g->ctl[id] & TZ_GT_CTL_ENABLE) && now < g->cval[id]) {
        uint64_t target = g->cval[id] + (id == TZ_GT_VIRT ? g->cntvoff : 0);
        uint64_t tick = tz_count_to_ticks(target, t->cnt_hz, tz_machine_cfg(t->m)->cpu_hz);
        /* arg: cpu (8 bits) | id (8 bits) | generation */
        uint64_t arg = (uint64_t)cpu | ((uint64_t)id << 8) | (g->gen[id] << 16);
        tz_machine_schedule(t->m, cpu, tick, fire, t, arg);
    }
}

static void fire(void *opaque, uint64_t arg)
{
    struct tz_gtimer *t = opaque;
    int cpu = (int)(arg & 0xff), id = (int)((arg >> 8) & 0xff);
    if ((arg >> 16) != (t->cpu[cpu].gen[id] & 0xffffffffffffull))
        return; /* reprogrammed since */
    update(t, cpu, id);
}

/* ---- system register handlers -------------------------------------------- */

/* The register's timer id and field are packed into the opaque pointer's
 * companion table below; each handler gets the table entry. */
struct gt_reg {
    struct tz_gtimer *t;
    int id;      /* timer, or -1 */
    int field;   /* 0 TVAL, 1 CTL, 2 CVAL, 3 FRQ, 4 PCT, 5 VCT, 6 VOFF */
};

static uint64_t gt_read(void *opaque, struct tz_cpu *c)
{
    const struct gt_reg *r = opaque;
    struct tz_gtimer *t = r->t;
    int cpu = c->index;
    struct gt_cpu *g = &t->cpu[cpu];
    switch (r->field) {
    case 0:
        return tz_gt_tval_read(timer_count(t, cpu, r->id), g->cval[r->id]);
    case 1:
        return tz_gt_ctl_read(g->ctl[r->id], timer_count(t, cpu, r->id), g->cval[r->id]);
    case 2:
        return g->cval[r->id];
    case 3:
        return g->cntfrq;
    case 4:
        return tz_gtimer_count(t, cpu);
    case 5:
        return tz_gtimer_count(t, cpu) - g->cntvoff;
    case 6:
        return g->cntvoff;
    }
    assert(0);
    return 0;
}

static void gt_write(void *opaque, struct tz_cpu *c, uint64_t v)
{
    const struct gt_reg *r = opaque;
    struct tz_gtimer *t = r->t;
    int cpu = c->index;
    struct gt_cpu *g = &t->cpu[cpu];
    switch (r->field) {
    case 0:
        g->cval[r->id] = tz_gt_tval_write(timer_count(t, cpu, r->id), v);
        break;
    case 1:
        g->ctl[r->id] = (uint32_t)v & (TZ_GT_CTL_ENABLE | TZ_GT_CTL_IMASK);
        break;
    case 2:
        g->cval[r->id] = v;
        break;
    case 3:
        g->cntfrq = v & 0xffffffffu;
        return;
    case 4:
    case 5:
        return; /* read-only counters: writes ignored */
    case 6:
        g->cntvoff = v;
        update(t, cpu, TZ_GT_VIRT);
        return;
    }
    update(t, cpu, r->id);
}

struct gt_desc {
    const char *name;
    uint16_t key;
    int id, field;
};

static const struct gt_desc gt_regs[] = {
    {"CNTFRQ_EL0", TZ_SYSREG(3, 3, 14, 0, 0), -1, 3},
    {"CNTPCT_EL0", TZ_SYSREG(3, 3, 14, 0, 1), -1, 4},
    {"CNTVCT_EL0", TZ_SYSREG(3, 3, 14, 0, 2), -1, 5},
    {"CNTVOFF_EL2", TZ_SYSREG(3, 4, 14, 0, 3), -1, 6},
    {"CNTP_TVAL_EL0", TZ_SYSREG(3, 3, 14, 2, 0), TZ_GT_PHYS, 0},
    {"CNTP_CTL_EL0", TZ_SYSREG(3, 3, 14, 2, 1), TZ_GT_PHYS, 1},
    {"CNTP_CVAL_EL0", TZ_SYSREG(3, 3, 14, 2, 2), TZ_GT_PHYS, 2},
    {"CNTV_TVAL_EL0", TZ_SYSREG(3, 3, 14, 3, 0), TZ_GT_VIRT, 0},
    {"CNTV_CTL_EL0", TZ_SYSREG(3, 3, 14, 3, 1), TZ_GT_VIRT, 1},
    {"CNTV_CVAL_EL0", TZ_SYSREG(3, 3, 14, 3, 2), TZ_GT_VIRT, 2},
    {"CNTHP_TVAL_EL2", TZ_SYSREG(3, 4, 14, 2, 0), TZ_GT_HYP, 0},
    {"CNTHP_CTL_EL2", TZ_SYSREG(3, 4, 14, 2, 1), TZ_GT_HYP, 1},
    {"CNTHP_CVAL_EL2", TZ_SYSREG(3, 4, 14, 2, 2), TZ_GT_HYP, 2},
    {"CNTPS_TVAL_EL1", TZ_SYSREG(3, 7, 14, 2, 0), TZ_GT_SEC, 0},
    {"CNTPS_CTL_EL1", TZ_SYSREG(3, 7, 14, 2, 1), TZ_GT_SEC, 1},
    {"CNTPS_CVAL_EL1", TZ_SYSREG(3, 7, 14, 2, 2), TZ_GT_SEC, 2},
};
#define N_GT_REGS (sizeof gt_regs / sizeof gt_regs[0])

struct tz_gtimer_with_regs {
    struct tz_gtimer t;
    struct gt_reg regs[N_GT_REGS];
};

struct tz_gtimer *tz_gtimer_create(struct tz_machine *m, uint32_t cnt_hz)
{
    struct tz_gtimer_with_regs *w = calloc(1, sizeof *w);
    assert(w && "out of memory");
    struct tz_gtimer *t = &w->t;
    t->m = m;
    t->cnt_hz = cnt_hz;
    t->ncpu = tz_machine_ncpus(m);
    for (int i = 0; i < t->ncpu; i++)
        t->cpu[i].cntfrq = cnt_hz;
    for (unsigned i = 0; i < N_GT_REGS; i++) {
        w->regs[i] = (struct gt_reg){t, gt_regs[i].id, gt_regs[i].field};
        struct tz_sysreg_ops o = {
            .name = gt_regs[i].name,
            .key = gt_regs[i].key,
            .unicorn_knows = true, /* QEMU implements all of them on A53/A57/A72 */
            .read = gt_read,
            .write = gt_write,
            .opaque = &w->regs[i],
        };
        tz_sysreg_register(tz_machine_sysregs(m), &o);
    }
    return t;
}

void tz_gtimer_destroy(struct tz_gtimer *t)
{
    free(t); /* t is the first member of tz_gtimer_with_regs */
}

struct tz_irq_line *tz_gtimer_line(struct tz_gtimer *t, int cpu, enum tz_gt_id id)
{
    assert(cpu >= 0 && cpu < t->ncpu && id < TZ_GT_COUNT);
    return &t->cpu[cpu].out[id];
}
