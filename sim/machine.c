/* Machine assembly (RAM, devices, CPUs from the platform description) and
 * the deterministic scheduler.
 *
 * Scheduling (docs/architecture.md, "Time"): CPUs run round-robin, in index
 * order, in rounds of `quantum` instructions' worth of ticks. Within a round a
 * CPU runs until the round's end or its next event, whichever is first, so
 * every event is delivered at an exact instruction boundary of the CPU it
 * targets; machine-wide events are delivered by the first CPU (in index
 * order) whose time reaches them. Ties between events are broken by the
 * order they were scheduled in. A CPU in WFI jumps its clock to its next
 * event or the end of the round. Nothing depends on the host.
 */
#include "machine_internal.h"

#include <assert.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <libfdt.h>

#include "models/registry.h"
#include "tarmac.h"
#include "models/timer/generic_timer.h"

#define PAGE 4096ull

struct tz_trace *tz_machine_trace(struct tz_machine *m) { return m->trace; }
const struct tz_machine_config *tz_machine_cfg(const struct tz_machine *m) { return &m->cfg; }
int tz_machine_ncpus(const struct tz_machine *m) { return m->ncpu; }
struct tz_sysreg_table *tz_machine_sysregs(struct tz_machine *m) { return m->sysregs; }

struct tz_cpu *tz_machine_cpu(struct tz_machine *m, int i)
{
    assert(i >= 0 && i < m->ncpu);
    return m->cpu[i];
}

/* The running CPU's time; between runs, the time of the CPU that was
 * scheduled last (where a trigger stopped the machine). */
uint64_t tz_machine_ticks(const struct tz_machine *m)
{
    if (m->running)
        return tz_cpu_ticks(m->running);
    return m->current ? tz_cpu_ticks(m->current) : m->round_start;
}

uint64_t tz_machine_ns(const struct tz_machine *m, uint64_t ticks)
{
    return tz_ticks_to_ns(ticks, m->cfg.cpu_hz);
}

static uint64_t total_icount(const struct tz_machine *m)
{
    uint64_t t = 0;
    for (int i = 0; i < m->ncpu; i++)
        t += m->cpu[i]->icount;
    return t;
}

/* ---- events and console ------------------------------------------------ */

void tz_event_for(struct tz_event *ev, enum tz_event_kind kind, struct tz_cpu *c)
{
    assert(c);
    tz_event_init(ev, kind, c->index, c->icount, tz_machine_ns(c->m, tz_cpu_ticks(c)));
}

static void match_event_triggers(struct tz_machine *m, struct tz_cpu *c, const struct tz_event *ev);

void tz_machine_event(struct tz_machine *m, struct tz_cpu *c, struct tz_event *ev)
{
    if (c) {
        ev->cpu = c->index;
        ev->icount = c->icount;
        ev->vtime_ns = tz_machine_ns(m, tz_cpu_ticks(c));
    }
    if (m->trace)
        tz_trace_event(m->trace, ev);
    struct tz_recent *rc = &m->recent[m->nrecent++ % 16];
    *rc = (struct tz_recent){(int)ev->kind, ev->cpu, ev->from_el, ev->from_ns, ev->to_el,
                             ev->to_ns, ev->icount, ev->pc, ev->has_pc, ev->fid, ev->intid};
    if ((unsigned)ev->kind < 64 && (m->trig_event_kinds >> ev->kind) & 1)
        match_event_triggers(m, c, ev);
}

void tz_machine_console(struct tz_machine *m, struct tz_cpu *c, const char *dev, const char *line)
{
    uint64_t ticks = c ? tz_cpu_ticks(c) : tz_machine_ticks(m);
    if (m->cfg.console_out) {
        fprintf(m->cfg.console_out, "%s: %s\n", dev, line);
        fflush(m->cfg.console_out);
    }
    if (m->trace)
        tz_trace_console(m->trace, c ? c->index : TZ_NA, c ? c->icount : 0,
                         tz_machine_ns(m, ticks), dev, line);
    size_t need = strlen(dev) + strlen(line) + 3;
    if (m->console_len + need + 1 > m->console_cap) {
        size_t cap = m->console_cap ? m->console_cap : 4096;
        while (cap < m->console_len + need + 1)
            cap *= 2;
        char *p = realloc(m->console, cap);
        assert(p && "out of memory");
        m->console = p;
        m->console_cap = cap;
    }
    m->console_len += (size_t)snprintf(m->console + m->console_len, m->console_cap - m->console_len,
                                       "%s: %s\n", dev, line);
    if (m->trig_console)
        for (int i = 0; i < TZ_MAX_TRIGGERS; i++) {
            struct tz_trig *t = &m->trig[i];
            if (t->armed && t->t.kind == TZ_TRIG_CONSOLE && strstr(line, t->text) &&
                (t->t.cpu < 0 || (c && c->index == t->t.cpu)))
                tz_machine_fire(m, c, i);
        }
    if (m->lim.console && strstr(line, m->lim.console)) {
        m->until_met = true;
        if (m->running)
            tz_cpu_request_stop(m->running);
    }
}

const char *tz_machine_console_text(const struct tz_machine *m)
{
    return m->console ? m->console : "";
}

void tz_machine_symbolize(const struct tz_machine *m, uint64_t addr, char *out, size_t n)
{
    out[0] = 0;
    for (int i = 0; i < m->nimages; i++) {
        uint64_t off;
        const struct tz_symbol *s = tz_image_symbolize(m->images[i], addr, &off);
        if (s && (off < s->size || (s->size == 0 && off < 0x1000))) {
            snprintf(out, n, "<%s+0x%" PRIx64 ">", s->name, off);
            return;
        }
    }
}

void tz_machine_schedule(struct tz_machine *m, int cpu, uint64_t tick, tz_event_fn fn,
                         void *opaque, uint64_t arg)
{
    assert(cpu == TZ_ANY_CPU || (cpu >= 0 && cpu < m->ncpu));
    tz_eq_push(cpu == TZ_ANY_CPU ? &m->q_any : &m->q_cpu[cpu], tick, fn, opaque, arg);
    /* An event before the running CPU's planned exact stop moves that stop
     * (if it falls inside the block being executed, the CPU stops right
     * after that block). */
    struct tz_cpu *r = m->running;
    if (r && (cpu == TZ_ANY_CPU || cpu == r->index)) {
        uint64_t now = tz_cpu_ticks(r);
        uint64_t at = r->icount + (tick > now ? (tick - now + m->cfg.cpi - 1) / m->cfg.cpi : 0);
        if (at < r->hard_end) {
            r->hard_end = at;
            if (r->check_at > at)
                r->check_at = at;
        }
    }
}

/* ---- power ------------------------------------------------------------- */

void tz_machine_halt(struct tz_machine *m, enum tz_stop_reason reason, struct tz_cpu *requester)
{
    if (!m->halted) {
        m->halted = true;
        m->stop = reason;
        snprintf(m->stop_text, sizeof m->stop_text, "%s requested by cpu%d",
                 tz_stop_reason_name(reason), requester ? requester->index : -1);
    }
    if (requester && m->running == requester)
        tz_cpu_request_stop(requester);
}

static void power_event(struct tz_machine *m, struct tz_cpu *c, bool on, uint64_t entry)
{
    struct tz_event ev;
    tz_event_for(&ev, TZ_EV_CPU_POWER, c);
    ev.pc = entry;
    ev.has_pc = on;
    ev.a[0] = on;
    ev.a[1] = c->mpidr;
    ev.na = 2;
    tz_machine_event(m, c, &ev);
}

void tz_machine_cpu_on(struct tz_machine *m, int index, uint64_t entry, uint64_t x0,
                       struct tz_cpu *requester)
{
    if (index < 0 || index >= m->ncpu || m->cpu[index]->powered) {
        struct tz_event ev;
        tz_event_for(&ev, TZ_EV_GUEST_ERROR, requester);
        ev.a[0] = TZ_GERR_UNKNOWN_EXC;
        ev.na = 1;
        ev.text = index < 0 || index >= m->ncpu ? "CPU_ON of a core that does not exist"
                                                : "CPU_ON of a core that is already on";
        tz_machine_event(m, requester, &ev);
        return;
    }
    struct tz_cpu *c = m->cpu[index];
    /* The new core starts at the requester's present time. */
    uint64_t now = requester ? tz_cpu_ticks(requester) : m->round_start;
    c->tick_base = now - c->icount * m->cfg.cpi;
    tz_cpu_reset(c, entry, x0);
    c->powered = true;
    power_event(m, c, true, entry);
}

void tz_machine_cpu_off(struct tz_machine *m, struct tz_cpu *c)
{
    if (!c->powered)
        return;
    c->powered = false;
    c->wfi = false;
    power_event(m, c, false, 0);
    if (m->running == c)
        tz_cpu_request_stop(c);
}

/* ---- MMIO ------------------------------------------------------------------ */

void tz_machine_mmio_error(struct tz_machine *m, struct tz_cpu *cpu, uint64_t addr, bool write,
                           uint64_t value, unsigned size, const char *text)
{
    struct tz_event ev;
    if (cpu)
        tz_event_for(&ev, TZ_EV_MMIO_ERROR, cpu);
    else
        tz_event_init(&ev, TZ_EV_MMIO_ERROR, TZ_NA, total_icount(m),
                      tz_machine_ns(m, tz_machine_ticks(m)));
    ev.a[0] = write;
    ev.a[1] = addr;
    ev.a[2] = value;
    ev.a[3] = size;
    ev.na = 4;
    ev.text = text;
    tz_machine_event(m, cpu, &ev);
}

static void mmio_denied(struct tz_mmio_binding *b, uint64_t off, unsigned size, bool write,
                        uint64_t v)
{
    char text[256];
    snprintf(text, sizeof text, "%s: non-secure access to a secure device (RAZ/WI)",
             b->dev->desc->path);
    tz_machine_mmio_error(b->m, b->cpu, b->dev->desc->reg[b->region][0] + off, write, v, size,
                          text);
}

static uint64_t mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
    struct tz_mmio_binding *b = opaque;
    struct tz_access a = {off, size, b->region, b->cpu, !b->cpu->ns};
    if (b->dev->desc->secure && !a.secure) {
        mmio_denied(b, off, size, false, 0);
        return 0;
    }
    return b->dev->ops->read ? b->dev->ops->read(b->dev->state, &a) : 0;
}

static void mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque)
{
    struct tz_mmio_binding *b = opaque;
    struct tz_access a = {off, size, b->region, b->cpu, !b->cpu->ns};
    if (b->dev->desc->secure && !a.secure) {
        mmio_denied(b, off, size, true, v);
        return;
    }
    if (b->dev->ops->write)
        b->dev->ops->write(b->dev->state, &a, v);
}

/* ---- creation ------------------------------------------------------------- */

static int map_everything(struct tz_machine *m, struct tz_cpu *c, struct tz_error *err)
{
    for (int r = 0; r < m->nram; r++) {
        uc_err e = uc_mem_map_ptr(c->uc, m->ram[r].base, m->ram[r].size, UC_PROT_ALL,
                                  m->ram[r].host);
        if (e != UC_ERR_OK)
            return tz_error_set(err, m->plat->path, "%s: cannot map 0x%" PRIx64 "+0x%" PRIx64
                                ": %s", m->ram[r].name, m->ram[r].base, m->ram[r].size,
                                uc_strerror(e));
    }
    for (int d = 0; d < m->ndev; d++) {
        const struct tz_device_desc *dd = m->dev[d].desc;
        for (int r = 0; r < dd->nreg; r++) {
            assert(m->nbindings < m->ncpu * TZ_MAX_DEVICES * TZ_MAX_DEV_REGS);
            struct tz_mmio_binding *b = &m->bindings[m->nbindings++];
            *b = (struct tz_mmio_binding){m, c, &m->dev[d], r};
            uint64_t base = dd->reg[r][0] & ~(PAGE - 1);
            uint64_t size = (dd->reg[r][0] + dd->reg[r][1] - base + PAGE - 1) & ~(PAGE - 1);
            if (base != dd->reg[r][0])
                return tz_error_set(err, m->plat->path, "%s: reg 0x%" PRIx64
                                    " is not 4 KiB aligned (tzsim maps devices by page)",
                                    dd->path, dd->reg[r][0]);
            uc_err e = uc_mmio_map(c->uc, base, size, mmio_read, b, mmio_write, b);
            if (e != UC_ERR_OK)
                return tz_error_set(err, m->plat->path, "%s: cannot map 0x%" PRIx64 "+0x%" PRIx64
                                    ": %s", dd->path, base, size, uc_strerror(e));
        }
    }
    return 0;
}

/* The board wiring (docs/architecture.md, "Interrupt lines"): the first
 * interrupt controller's per-CPU outputs drive the CPUs' inputs; every other
 * device's DT `interrupts` and the generic timer's PPIs drive the
 * controller's inputs. Without a controller the lines stay unconnected. */
static void wire_interrupts(struct tz_machine *m)
{
    struct tz_device *intc = NULL;
    for (int d = 0; d < m->ndev && !intc; d++)
        if (m->dev[d].ops->irq_in)
            intc = &m->dev[d];
    if (!intc)
        return;
    m->intc = intc;
    static const int cpu_lines[] = {TZ_LINE_IRQ, TZ_LINE_FIQ, TZ_LINE_VIRQ, TZ_LINE_VFIQ};
    for (int c = 0; c < m->ncpu; c++)
        for (unsigned k = 0; k < sizeof cpu_lines / sizeof cpu_lines[0]; k++) {
            struct tz_irq_line *l = intc->ops->irq_out(intc->state, TZ_INTC_OUT(c, cpu_lines[k]));
            if (l)
                tz_irq_connect(l, tz_cpu_line_handler, m->cpu[c], cpu_lines[k]);
        }
    for (int d = 0; d < m->ndev; d++) {
        struct tz_device *dev = &m->dev[d];
        if (dev == intc || !dev->ops->irq_out)
            continue;
        for (int k = 0; k < dev->desc->nirq; k++) {
            struct tz_irq_line *l = dev->ops->irq_out(dev->state, k);
            const struct tz_dt_irq *spec = &dev->desc->irq[k];
            int intid = (int)(spec->type == 0 ? 32 + spec->number : 16 + spec->number);
            if (l)
                tz_irq_connect(l, intc->ops->irq_in, intc->state, TZ_INTC_IN(0, intid));
        }
    }
    /* DT timer order: secure phys, non-secure phys, virtual, hypervisor. */
    static const enum tz_gt_id dt_order[] = {TZ_GT_SEC, TZ_GT_PHYS, TZ_GT_VIRT, TZ_GT_HYP};
    for (int c = 0; c < m->ncpu; c++)
        for (int i = 0; i < m->plat->ntimer_ppi && i < 4; i++)
            tz_irq_connect(tz_gtimer_line(m->gtimer, c, dt_order[i]), intc->ops->irq_in,
                           intc->state, TZ_INTC_IN(c, 16 + (int)m->plat->timer_ppi[i]));
}

static bool validate(const struct tz_machine_config *cfg, struct tz_error *err)
{
    if (cfg->ncpus < 1 || cfg->ncpus > TZ_MAX_CPUS)
        return tz_error_set(err, NULL, "cpus must be 1..%d, got %d", TZ_MAX_CPUS, cfg->ncpus), false;
    if (cfg->platform->ncpu && cfg->ncpus > cfg->platform->ncpu)
        return tz_error_set(err, cfg->platform->path, "the platform has %d CPUs, %d requested",
                            cfg->platform->ncpu, cfg->ncpus), false;
    assert(cfg->quantum >= 1 && cfg->cpi >= 1 && cfg->cpu_hz > 0 && cfg->max_insns > 0);
    return true;
}

int tz_machine_create(const struct tz_machine_config *cfg, struct tz_machine **out,
                      struct tz_error *err)
{
    if (!validate(cfg, err))
        return -1;
    struct tz_machine *m = calloc(1, sizeof *m);
    if (!m)
        return tz_error_set(err, NULL, "out of memory");
    m->cfg = *cfg;
    m->plat = cfg->platform;
    m->trace = cfg->trace;
    m->ncpu = cfg->ncpus;
    m->sysregs = tz_sysreg_table_create();
    tz_eq_init(&m->q_any);
    for (int i = 0; i < TZ_MAX_CPUS; i++)
        tz_eq_init(&m->q_cpu[i]);

    for (int i = 0; i < m->plat->nmem; i++) {
        const struct tz_mem_region *r = &m->plat->mem[i];
        struct tz_ram *ram = &m->ram[m->nram];
        if (r->base % PAGE || r->size % PAGE || r->size == 0) {
            tz_error_set(err, m->plat->path, "%s: memory 0x%" PRIx64 "+0x%" PRIx64
                         " must be 4 KiB aligned and non-empty", r->name, r->base, r->size);
            goto fail;
        }
        snprintf(ram->name, sizeof ram->name, "%s", r->name);
        ram->base = r->base;
        ram->size = r->size;
        ram->secure = r->secure;
        ram->rom = r->rom;
        /* Lazily backed: untouched pages cost nothing. */
        ram->host = mmap(NULL, r->size, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (ram->host == MAP_FAILED) {
            ram->host = NULL;
            tz_error_set(err, m->plat->path, "%s: cannot allocate %" PRIu64 " bytes of RAM",
                         r->name, r->size);
            goto fail;
        }
        m->nram++;
    }

    if (tz_memsys_create(m, &m->ms, err))
        goto fail;
    for (int i = 0; i < m->ncpu; i++) {
        if (tz_cpu_create(m, i, &m->cpu[i], err))
            goto fail;
        if (m->ms && tz_memsys_cpu_init(m->ms, m->cpu[i], err))
            goto fail;
    }

    for (int i = 0; i < m->plat->ndev; i++) {
        const struct tz_device_desc *d = &m->plat->dev[i];
        const struct tz_device_ops *ops = d->enabled ? tz_model_find(d->compatible) : NULL;
        if (!ops)
            continue; /* no model: its addresses stay unmapped (external abort) */
        struct tz_device *dev = &m->dev[m->ndev];
        dev->ops = ops;
        dev->desc = d;
        if (ops->create(m, d, &dev->state, err)) {
            char why[sizeof err->msg]; /* err->msg cannot be both source and target */
            snprintf(why, sizeof why, "%s", err->msg);
            tz_error_set(err, m->plat->path, "%s: %s", d->path, why);
            goto fail;
        }
        m->ndev++;
    }

    m->bindings = calloc((size_t)m->ncpu * TZ_MAX_DEVICES * TZ_MAX_DEV_REGS, sizeof *m->bindings);
    assert(m->bindings);
    for (int i = 0; i < m->ncpu; i++)
        if (map_everything(m, m->cpu[i], err))
            goto fail;

    tz_cpu_register_sysregs(m);
    m->gtimer = tz_gtimer_create(m, m->plat->timer_hz ? m->plat->timer_hz : 62500000u);
    wire_interrupts(m);
    *out = m;
    return 0;
fail:
    tz_machine_destroy(m);
    return -1;
}

void tz_machine_destroy(struct tz_machine *m)
{
    if (!m)
        return;
    for (int i = 0; i < TZ_MAX_TRIGGERS; i++)
        free(m->trig[i].text);
    for (int i = 0; i < m->ncpu; i++)
        tz_cpu_destroy(m->cpu[i]);
    tz_memsys_destroy(m->ms);
    for (int i = 0; i < m->ndev; i++)
        if (m->dev[i].ops->destroy)
            m->dev[i].ops->destroy(m->dev[i].state);
    if (m->gtimer)
        tz_gtimer_destroy(m->gtimer);
    for (int i = 0; i < m->nram; i++)
        munmap(m->ram[i].host, m->ram[i].size);
    for (int i = 0; i < m->nimages; i++)
        tz_image_free(m->images[i]);
    tz_eq_free(&m->q_any);
    for (int i = 0; i < TZ_MAX_CPUS; i++)
        tz_eq_free(&m->q_cpu[i]);
    tz_sysreg_table_destroy(m->sysregs);
    free(m->bindings);
    free(m->console);
    free(m);
}

/* Host pointer to guest RAM [addr, addr+len), or NULL if it is not all in
 * one RAM region. */
static uint8_t *ram_ptr(struct tz_machine *m, uint64_t addr, uint64_t len)
{
    for (int r = 0; r < m->nram; r++) {
        struct tz_ram *ram = &m->ram[r];
        if (addr >= ram->base && len <= ram->size && addr - ram->base <= ram->size - len)
            return ram->host + (addr - ram->base);
    }
    return NULL;
}

/* Code may live there: every CPU's translations of the range are dropped. */
static void drop_translations(struct tz_machine *m, uint64_t addr, uint64_t len)
{
    for (int c = 0; c < m->ncpu; c++)
        uc_ctl_remove_cache(m->cpu[c]->uc, addr & ~3ull, (addr + len + 3) & ~3ull);
}

int tz_machine_load_image(struct tz_machine *m, struct tz_image *img, struct tz_error *err)
{
    if (m->nimages == (int)(sizeof m->images / sizeof m->images[0])) {
        tz_image_free(img);
        return tz_error_set(err, NULL, "too many images");
    }
    for (int s = 0; s < img->nseg; s++) {
        const struct tz_segment *seg = &img->seg[s];
        if (!seg->memsz)
            continue;
        uint8_t *dst = ram_ptr(m, seg->paddr, seg->memsz);
        if (!dst) {
            int rc = tz_error_set(err, img->path, "segment 0x%" PRIx64 "+0x%" PRIx64
                                  " is outside memory", seg->paddr, seg->memsz);
            tz_image_free(img);
            return rc;
        }
        memcpy(dst, seg->data, seg->filesz);
        memset(dst + seg->filesz, 0, seg->memsz - seg->filesz);
    }
    m->images[m->nimages++] = img;
    return 0;
}

/* Whether every CPU leaves reset together (the platform's /cpus has
 * `tzsim,start-all-cpus`, docs/platforms.md): on the Raspberry Pi 4 all
 * cores start at the reset vector and the secondaries wait in the
 * firmware's hold pens. Otherwise only CPU 0 starts. */
static bool start_all_cpus(const struct tz_machine *m)
{
    int cpus = fdt_path_offset(m->plat->fdt, "/cpus");
    return cpus >= 0 && fdt_getprop(m->plat->fdt, cpus, "tzsim,start-all-cpus", NULL);
}

void tz_machine_reset(struct tz_machine *m, uint64_t entry)
{
    int n = start_all_cpus(m) ? m->ncpu : 1;
    for (int i = 0; i < n; i++) {
        struct tz_cpu *c = m->cpu[i];
        c->tick_base = m->round_start - c->icount * m->cfg.cpi;
        tz_cpu_reset(c, entry, 0);
        c->powered = true;
        power_event(m, c, true, entry);
    }
}

/* ---- the scheduler ---------------------------------------------------------- */

static uint64_t next_event_for(const struct tz_machine *m, const struct tz_cpu *c)
{
    uint64_t a = tz_eq_next(&m->q_cpu[c->index]), b = tz_eq_next(&m->q_any);
    return a < b ? a : b;
}

static void fire_due(struct tz_machine *m, struct tz_cpu *c, uint64_t now)
{
    for (;;) {
        struct tz_event_queue *q = NULL;
        uint64_t a = tz_eq_next(&m->q_cpu[c->index]), b = tz_eq_next(&m->q_any);
        /* Per-CPU before machine-wide on a tie: a documented, fixed order. */
        if (a <= now && a <= b)
            q = &m->q_cpu[c->index];
        else if (b <= now)
            q = &m->q_any;
        if (!q)
            return;
        struct tz_timed_event e = tz_eq_pop(q);
        e.fn(e.opaque, e.arg);
    }
}

static void wake(struct tz_machine *m, struct tz_cpu *c)
{
    struct tz_event ev;
    tz_event_for(&ev, TZ_EV_WFI_WAKE, c);
    uint64_t now = tz_cpu_ticks(c);
    ev.dur_icount = 0;
    ev.dur_ns = (int64_t)(tz_machine_ns(m, now) - tz_machine_ns(m, c->wfi_since_tick));
    tz_machine_event(m, c, &ev);
    c->wfi = false;
}

void tz_machine_print_recent(const struct tz_machine *m, FILE *f)
{
    unsigned n = m->nrecent < 16 ? m->nrecent : 16;
    if (!n)
        return;
    fprintf(f, "last %u trace events (oldest first):\n", n);
    for (unsigned i = m->nrecent - n; i < m->nrecent; i++) {
        const struct tz_recent *r = &m->recent[i % 16];
        char sym[128] = "";
        if (r->has_pc)
            tz_machine_symbolize(m, r->pc, sym, sizeof sym);
        fprintf(f, "  cpu%-2d icount %-10" PRIu64 " %-13s", r->cpu, r->icount,
                tz_event_kind_name((enum tz_event_kind)r->kind));
        if (r->from_el >= 0 || r->to_el >= 0)
            fprintf(f, " EL%d%s->EL%d%s", r->from_el, r->from_ns == 1 ? "ns" : r->from_ns == 0 ? "s" : "",
                    r->to_el, r->to_ns == 1 ? "ns" : r->to_ns == 0 ? "s" : "");
        if (r->has_pc)
            fprintf(f, " pc 0x%" PRIx64 " %s", r->pc, sym);
        if (r->fid >= 0)
            fprintf(f, " fid 0x%" PRIx64, (uint64_t)r->fid);
        if (r->intid >= 0)
            fprintf(f, " intid %" PRId64, r->intid);
        fputc('\n', f);
    }
}

static void halt_limit(struct tz_machine *m, uint64_t total)
{
    m->halted = true;
    m->stop = TZ_STOP_INSN_LIMIT;
    snprintf(m->stop_text, sizeof m->stop_text,
             "instruction limit reached: %" PRIu64 " instructions (max_insns)", total);
    /* A runaway guest: show where every CPU was. */
    for (int i = 0; i < m->ncpu; i++) {
        struct tz_cpu *c = m->cpu[i];
        if (!c->powered)
            continue;
        char dump[2048];
        tz_cpu_dump(c, dump, sizeof dump);
        fprintf(stderr, "tzsim: %s\n%s", m->stop_text, dump);
        if (i == m->ncpu - 1 || !m->cpu[i + 1]->powered)
            tz_machine_print_recent(m, stderr);
        struct tz_event ev;
        tz_event_for(&ev, TZ_EV_GUEST_ERROR, c);
        ev.a[0] = 0;
        ev.na = 1;
        size_t n = strlen(m->stop_text) + strlen(dump) + 2;
        char *text = malloc(n);
        assert(text);
        snprintf(text, n, "%s\n%s", m->stop_text, dump);
        ev.text = text;
        tz_machine_event(m, c, &ev);
        free(text);
    }
}

/* Instruction-count triggers of CPU c: fire those reached; true if any. */
static bool check_insn_triggers(struct tz_machine *m, struct tz_cpu *c)
{
    bool fired = false;
    for (int i = 0; i < TZ_MAX_TRIGGERS; i++) {
        struct tz_trig *t = &m->trig[i];
        if (t->armed && t->t.kind == TZ_TRIG_INSN && t->t.cpu == c->index &&
            c->icount >= t->t.value) {
            tz_machine_fire(m, c, i);
            fired = true;
        }
    }
    return fired;
}

static uint64_t next_insn_trigger(const struct tz_machine *m, const struct tz_cpu *c)
{
    uint64_t next = UINT64_MAX;
    for (int i = 0; i < TZ_MAX_TRIGGERS; i++) {
        const struct tz_trig *t = &m->trig[i];
        if (t->armed && t->t.kind == TZ_TRIG_INSN && t->t.cpu == c->index &&
            t->t.value > c->icount && t->t.value < next)
            next = t->t.value;
    }
    return next;
}

/* Runs one CPU up to round_end. Returns false when the run must stop. */
static void run_cpu(struct tz_machine *m, struct tz_cpu *c, uint64_t round_end, uint64_t insn_cap)
{
    const uint64_t cpi = m->cfg.cpi;
    m->current = c;
    while (!m->halted && !m->until_met && !m->trigger_stop) {
        if (!c->powered) {
            /* An off CPU's clock follows the round. */
            if (tz_cpu_ticks(c) < round_end)
                c->tick_base = round_end - c->icount * cpi;
            return;
        }
        uint64_t now = tz_cpu_ticks(c);
        if (now >= round_end)
            return;
        fire_due(m, c, now);
        if (m->halted || !c->powered || m->trigger_stop)
            continue;
        if (c->wfi) {
            if (!tz_cpu_any_line(c)) {
                uint64_t next = next_event_for(m, c);
                if (next > round_end)
                    next = round_end;
                c->tick_base += next - now; /* idle: time passes, nothing retires */
                continue;
            }
            wake(m, c);
        }
        if (m->trig_insn && check_insn_triggers(m, c))
            return;
        if (c->inj.pending)
            tz_cpu_try_inject(c);
        if (tz_cpu_any_line(c))
            tz_cpu_check_interrupts(c);
        /* A timed event, an injection or an interrupt entry above may have
         * fired a trigger: stop here, at its exact point. */
        if (m->trigger_stop || m->halted)
            return;
        uint64_t total = total_icount(m);
        if (total >= insn_cap)
            return;
        /* Round end: block granularity. Next event and limits: exact. */
        uint64_t soft = (round_end - now + cpi - 1) / cpi;
        uint64_t ev = next_event_for(m, c);
        if (ev > m->until_tick)
            ev = m->until_tick;
        uint64_t hard = ev > now ? (ev - now + cpi - 1) / cpi : 1;
        if (hard > insn_cap - total)
            hard = insn_cap - total;
        if (m->trig_insn) {
            uint64_t next = next_insn_trigger(m, c);
            if (next - c->icount < hard)
                hard = next - c->icount;
        }
        if (m->cfg.tarmac && tz_tarmac_in_window(m->cfg.tarmac, total)) {
            /* Single-step with exact stops and print each instruction. */
            uint64_t before = c->icount;
            tz_tarmac_before(m->cfg.tarmac, c);
            tz_cpu_run(c, 1, 1);
            if (c->icount > before)
                tz_tarmac_after(m->cfg.tarmac, c);
            continue;
        }
        if (m->cfg.tarmac && total < tz_tarmac_from(m->cfg.tarmac) &&
            tz_tarmac_from(m->cfg.tarmac) - total < hard)
            hard = tz_tarmac_from(m->cfg.tarmac) - total; /* stop where the window opens */
        tz_cpu_run(c, soft ? soft : 1, hard);
    }
}

enum tz_stop_reason tz_machine_run(struct tz_machine *m, const struct tz_run_limits *lim)
{
    m->lim = *lim;
    /* A console condition met while a trigger stopped the run still counts
     * when the run resumes for the same request. */
    if (!m->keep_until)
        m->until_met = false;
    m->keep_until = false;
    uint64_t start = total_icount(m);
    uint64_t cap = m->cfg.max_insns;
    if (lim->insns && start + lim->insns < cap)
        cap = start + lim->insns;
    uint64_t until_tick = UINT64_MAX;
    if (lim->time_ns)
        until_tick = (uint64_t)(((unsigned __int128)lim->time_ns * m->cfg.cpu_hz + 999999999u) /
                                1000000000u);
    m->until_tick = until_tick;
    enum tz_stop_reason why = TZ_STOP_NONE;

    if (m->nfired)
        return TZ_STOP_TRIGGER; /* fired between runs (an action caused an event) */
    while (!m->halted) {
        uint64_t total = total_icount(m);
        if (total >= m->cfg.max_insns) {
            halt_limit(m, total);
            break;
        }
        if (total >= cap || m->until_met || m->round_start >= until_tick) {
            why = TZ_STOP_SCENARIO;
            break;
        }
        uint64_t round_end = m->round_start + m->cfg.quantum * m->cfg.cpi;
        if (round_end > until_tick)
            round_end = until_tick;
        for (int i = 0; i < m->ncpu && !m->halted && !m->until_met && !m->trigger_stop; i++)
            run_cpu(m, m->cpu[i], round_end, cap);
        if (m->trigger_stop) {
            m->trigger_stop = false;
            why = TZ_STOP_TRIGGER;
            break;
        }
        if (m->until_met && !m->halted)
            why = TZ_STOP_SCENARIO; /* a console line met run_until's condition */
        if (m->halted || m->until_met)
            break;
        /* Machine-wide events due while no CPU was running them. */
        bool any_on = false, any_busy = false;
        for (int i = 0; i < m->ncpu; i++) {
            any_on |= m->cpu[i]->powered;
            any_busy |= m->cpu[i]->powered && !m->cpu[i]->wfi;
        }
        if (!any_on) {
            while (tz_eq_next(&m->q_any) <= round_end) {
                struct tz_timed_event e = tz_eq_pop(&m->q_any);
                e.fn(e.opaque, e.arg);
            }
            if (m->halted)
                break; /* an event halted the machine (a watchdog reset) */
        }
        bool events = tz_eq_next(&m->q_any) != UINT64_MAX;
        for (int i = 0; i < m->ncpu; i++)
            events |= m->cpu[i]->powered && tz_eq_next(&m->q_cpu[i]) != UINT64_MAX;
        if (!any_busy && !events) {
            m->halted = true;
            m->stop = TZ_STOP_ALL_OFF;
            snprintf(m->stop_text, sizeof m->stop_text,
                     any_on ? "every CPU waits in WFI and nothing is scheduled to wake it"
                            : "every CPU is powered off");
            break;
        }
        m->round_start = round_end;
    }
    for (int i = 0; i < m->ndev; i++)
        if (m->dev[i].ops->flush)
            m->dev[i].ops->flush(m->dev[i].state);
    if (m->ms)
        tz_memsys_sync_trace(m->ms, false); /* scenario checks see the findings so far */
    if (m->halted)
        why = m->stop;
    else if (why == TZ_STOP_TRIGGER) {
        m->keep_until = m->until_met;
        return why; /* the run goes on after the scenario's actions */
    }
    if (why == TZ_STOP_SCENARIO && !m->stop_text[0])
        snprintf(m->stop_text, sizeof m->stop_text, "run_until condition met");
    return why;
}

void tz_machine_stats(const struct tz_machine *m, struct tz_machine_stats *s)
{
    memset(s, 0, sizeof *s);
    s->icount = total_icount(m);
    uint64_t t = m->round_start;
    for (int i = 0; i < m->ncpu; i++)
        if (tz_cpu_ticks(m->cpu[i]) > t)
            t = tz_cpu_ticks(m->cpu[i]);
    s->ticks = t;
    s->vtime_ns = tz_machine_ns(m, t);
    s->world_switches = m->world_switches;
    s->exceptions = m->exceptions;
    s->erets = m->erets;
    s->smc_ns_calls = m->smc_ns_calls;
    s->smc_ns_returns = m->smc_ns_returns;
    s->smc_s_calls = m->smc_s_calls;
    s->smc_rt_sum_insns = m->smc_rt_sum_insns;
    s->smc_rt_max_insns = m->smc_rt_max_insns;
    s->smc_rt_sum_ns = m->smc_rt_sum_ns;
    s->smc_rt_max_ns = m->smc_rt_max_ns;
    s->stop = m->stop;
    snprintf(s->stop_text, sizeof s->stop_text, "%s", m->stop_text);
}

/* ---- scenario injection ---------------------------------------------------- */

void tz_machine_fire_id(struct tz_machine *m, struct tz_cpu *c, int id)
{
    if (m->nfired < (int)(sizeof m->fired / sizeof m->fired[0])) {
        m->fired[m->nfired] = id;
        m->fired_cpu[m->nfired] = c ? c->index : -1;
        m->nfired++;
    }
    m->trigger_stop = true;
    if (m->running)
        tz_cpu_request_stop(m->running);
}

static void recompute_trigger_summary(struct tz_machine *m)
{
    m->trig_event_kinds = 0;
    m->trig_console = m->trig_insn = false;
    for (int i = 0; i < TZ_MAX_TRIGGERS; i++) {
        struct tz_trig *t = &m->trig[i];
        if (!t->armed)
            continue;
        if (t->t.kind == TZ_TRIG_EVENT)
            m->trig_event_kinds |= 1ull << t->t.event_kind;
        m->trig_console |= t->t.kind == TZ_TRIG_CONSOLE;
        m->trig_insn |= t->t.kind == TZ_TRIG_INSN;
    }
}

static void disarm(struct tz_machine *m, int slot)
{
    struct tz_trig *t = &m->trig[slot];
    t->armed = false;
    if (t->t.kind == TZ_TRIG_PC)
        for (int c = 0; c < m->ncpu; c++)
            tz_cpu_pc_watch_changed(m->cpu[c], t->t.value);
    recompute_trigger_summary(m);
}

void tz_machine_fire(struct tz_machine *m, struct tz_cpu *c, int slot)
{
    struct tz_trig *t = &m->trig[slot];
    if (!t->armed)
        return;
    if (!t->t.every) {
        /* PC hooks are removed after the stop (we may be inside one). */
        t->armed = false;
        recompute_trigger_summary(m);
    }
    tz_machine_fire_id(m, c, t->id);
}

static void match_event_triggers(struct tz_machine *m, struct tz_cpu *c, const struct tz_event *ev)
{
    for (int i = 0; i < TZ_MAX_TRIGGERS; i++) {
        struct tz_trig *t = &m->trig[i];
        const struct tz_trigger *f = &t->t;
        if (!t->armed || f->kind != TZ_TRIG_EVENT || f->event_kind != (int)ev->kind)
            continue;
        if ((f->cpu >= 0 && f->cpu != ev->cpu) || (f->fid >= 0 && f->fid != ev->fid) ||
            (f->intid >= 0 && f->intid != ev->intid) || (f->to_el >= 0 && f->to_el != ev->to_el) ||
            (f->to_ns >= 0 && f->to_ns != ev->to_ns) ||
            (f->vclass >= 0 && (ev->kind != TZ_EV_EXC_ENTRY || (int)ev->a[0] != f->vclass)))
            continue;
        tz_machine_fire(m, c, i);
    }
}

static void time_trigger(void *opaque, uint64_t arg)
{
    struct tz_machine *m = opaque;
    int slot = (int)(arg & 0xff);
    if (m->trig[slot].armed && m->trig[slot].id == (int)(arg >> 8))
        tz_machine_fire(m, m->running, slot);
}

int tz_machine_add_trigger(struct tz_machine *m, const struct tz_trigger *tr, int id,
                           struct tz_error *err)
{
    int slot = -1;
    for (int i = 0; i < TZ_MAX_TRIGGERS && slot < 0; i++)
        if (!m->trig[i].used)
            slot = i;
    if (slot < 0)
        return tz_error_set(err, NULL, "more than %d triggers", TZ_MAX_TRIGGERS);
    if (tr->cpu >= m->ncpu)
        return tz_error_set(err, NULL, "cpu %d does not exist (the machine has %d)", tr->cpu,
                            m->ncpu);
    struct tz_trig *t = &m->trig[slot];
    memset(t, 0, sizeof *t);
    t->t = *tr;
    t->id = id;
    if (tr->text) {
        t->text = strdup(tr->text);
        assert(t->text);
        t->t.text = t->text;
    }
    switch (tr->kind) {
    case TZ_TRIG_INSN:
        if (tr->cpu < 0)
            return tz_error_set(err, NULL, "an instruction-count trigger needs a cpu");
        if (tr->value < m->cpu[tr->cpu]->icount)
            return tz_error_set(err, NULL, "cpu%d is already past instruction %" PRIu64
                                " (at %" PRIu64 ")", tr->cpu, tr->value, m->cpu[tr->cpu]->icount);
        break;
    case TZ_TRIG_TIME: {
        uint64_t tick = (uint64_t)(((unsigned __int128)tr->value * m->cfg.cpu_hz + 999999999u) /
                                   1000000000u);
        tz_machine_schedule(m, TZ_ANY_CPU, tick, time_trigger, m,
                            (uint64_t)slot | ((uint64_t)id << 8));
        break;
    }
    case TZ_TRIG_PC:
        if (tr->value & 3)
            return tz_error_set(err, NULL, "pc 0x%" PRIx64 " is not 4-byte aligned", tr->value);
        for (int c = 0; c < m->ncpu; c++)
            if (tr->cpu < 0 || tr->cpu == c)
                tz_cpu_pc_watch_changed(m->cpu[c], tr->value);
        break;
    case TZ_TRIG_EVENT:
        if (tr->event_kind <= 0 || tr->event_kind >= 64)
            return tz_error_set(err, NULL, "unknown event kind %d", tr->event_kind);
        break;
    case TZ_TRIG_CONSOLE:
        break;
    }
    t->used = t->armed = true;
    recompute_trigger_summary(m);
    return 0;
}

void tz_machine_cancel_trigger(struct tz_machine *m, int id)
{
    for (int i = 0; i < TZ_MAX_TRIGGERS; i++)
        if (m->trig[i].used && m->trig[i].id == id) {
            disarm(m, i);
            free(m->trig[i].text);
            m->trig[i].text = NULL;
            m->trig[i].used = false;
        }
}

int tz_machine_take_fired(struct tz_machine *m, int *ids, int *cpus, int max)
{
    int n = m->nfired < max ? m->nfired : max;
    for (int i = 0; i < n; i++) {
        ids[i] = m->fired[i];
        cpus[i] = m->fired_cpu[i];
    }
    m->nfired = 0;
    return n;
}

/* Records an input from the scenario, stamped with the machine's present
 * position (docs/trace-schema.md, INJECT). */
static void inject_event(struct tz_machine *m, int cpu, uint64_t value, uint64_t addr,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void inject_event(struct tz_machine *m, int cpu, uint64_t value, uint64_t addr,
                         const char *fmt, ...)
{
    char text[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    struct tz_cpu *c = cpu >= 0 && cpu < m->ncpu ? m->cpu[cpu] : m->current;
    struct tz_event ev;
    if (c)
        tz_event_for(&ev, TZ_EV_INJECT, c);
    else
        tz_event_init(&ev, TZ_EV_INJECT, TZ_NA, total_icount(m), tz_machine_ns(m, tz_machine_ticks(m)));
    ev.a[0] = value;
    ev.a[1] = addr;
    ev.na = 2;
    ev.text = text;
    tz_machine_event(m, c, &ev);
}

int tz_machine_set_irq(struct tz_machine *m, int cpu, int intid, bool level, struct tz_error *err)
{
    if (!m->intc)
        return tz_error_set(err, m->plat->path, "the platform has no interrupt controller");
    if (cpu < 0 || cpu >= m->ncpu)
        return tz_error_set(err, NULL, "cpu %d does not exist", cpu);
    if (intid < 0 || intid >= 1020)
        return tz_error_set(err, NULL, "interrupt id %d is out of range", intid);
    if (intid >= 32)
        cpu = 0; /* SPIs are not banked */
    struct tz_scn_line *l = NULL;
    for (int i = 0; i < m->nscn_lines; i++)
        if (m->scn_lines[i].cpu == cpu && m->scn_lines[i].intid == intid)
            l = &m->scn_lines[i];
    if (!l) {
        if (m->nscn_lines == (int)(sizeof m->scn_lines / sizeof m->scn_lines[0]))
            return tz_error_set(err, NULL, "too many scenario interrupt lines");
        l = &m->scn_lines[m->nscn_lines++];
        l->cpu = cpu;
        l->intid = intid;
        memset(&l->line, 0, sizeof l->line);
        tz_irq_connect(&l->line, m->intc->ops->irq_in, m->intc->state, TZ_INTC_IN(cpu, intid));
    }
    inject_event(m, m->current ? m->current->index : -1, level, 0, "irq intid %d cpu %d level %d",
                 intid, cpu, level);
    tz_irq_set(&l->line, level);
    return 0;
}

int tz_machine_write(struct tz_machine *m, uint64_t addr, const void *buf, size_t len,
                     struct tz_error *err)
{
    uint8_t *p = ram_ptr(m, addr, len);
    if (!p)
        return tz_error_set(err, NULL, "0x%" PRIx64 " (+%zu) is not in RAM", addr, len);
    memcpy(p, buf, len);
    drop_translations(m, addr, len);
    return 0;
}

void tz_machine_finish(struct tz_machine *m)
{
    if (m->ms)
        tz_memsys_sync_trace(m->ms, true);
}

bool tz_machine_has_memsys(const struct tz_machine *m)
{
    return m->ms != NULL;
}

void tz_machine_print_memsys(const struct tz_machine *m, FILE *f, const char *indent)
{
    if (m->ms)
        tz_memsys_summary(m->ms, f, indent);
}

int tz_machine_dma(struct tz_machine *m, const char *master, uint64_t pa, void *buf,
                   size_t len, bool write, bool ns)
{
    if (m->ms)
        return tz_memsys_dma(m->ms, master, pa, buf, len, write, ns);
    uint8_t *p = ram_ptr(m, pa, len);
    if (!p)
        return -1;
    if (write) {
        memcpy(p, buf, len);
        drop_translations(m, pa, len);
    } else {
        memcpy(buf, p, len);
    }
    return 0;
}

int tz_machine_mem(struct tz_machine *m, uint64_t addr, unsigned size, bool write, uint64_t *val,
                   struct tz_error *err)
{
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return tz_error_set(err, NULL, "size must be 1, 2, 4 or 8, got %u", size);
    uint8_t *p = ram_ptr(m, addr, size);
    if (!p)
        return tz_error_set(err, NULL, "0x%" PRIx64 " (+%u) is not in RAM", addr, size);
    if (write) {
        inject_event(m, -1, *val, addr, "mem_write 0x%" PRIx64 " size %u", addr, size);
        uint64_t v = *val;
        for (unsigned i = 0; i < size; i++, v >>= 8)
            p[i] = (uint8_t)v; /* little-endian guest */
        drop_translations(m, addr, size);
    } else {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= (uint64_t)p[i] << (8 * i);
        *val = v;
    }
    return 0;
}

int tz_machine_scenario_dma(struct tz_machine *m, uint64_t src, uint64_t dst, uint64_t len,
                            bool ns, struct tz_error *err)
{
    if (len == 0)
        return tz_error_set(err, NULL, "len must not be 0");
    if (!ram_ptr(m, src, len))
        return tz_error_set(err, NULL, "source 0x%" PRIx64 " (+%" PRIu64 ") is not in RAM", src,
                            len);
    if (!ram_ptr(m, dst, len))
        return tz_error_set(err, NULL, "destination 0x%" PRIx64 " (+%" PRIu64 ") is not in RAM",
                            dst, len);
    inject_event(m, -1, len, dst, "dma 0x%" PRIx64 " -> 0x%" PRIx64 " len %" PRIu64 " %s", src,
                 dst, len, ns ? "non-secure" : "secure");
    uint8_t *buf = malloc(len);
    if (!buf)
        return tz_error_set(err, NULL, "out of memory (%" PRIu64 " bytes)", len);
    /* Both ranges are RAM: a failure is the TZASC's (non-secure master,
     * secure memory), which recorded a finding. */
    int rc = tz_machine_dma(m, "scenario", src, buf, len, false, ns) == 0 &&
                     tz_machine_dma(m, "scenario", dst, buf, len, true, ns) == 0
                 ? 0
                 : 1;
    free(buf);
    return rc;
}

int tz_machine_reg(struct tz_machine *m, int cpu, const char *name, bool write, uint64_t *val,
                   struct tz_error *err)
{
    if (cpu < 0 || cpu >= m->ncpu)
        return tz_error_set(err, NULL, "cpu %d does not exist", cpu);
    if (tz_cpu_reg_by_name(m->cpu[cpu], name, write, val))
        return tz_error_set(err, NULL, "unknown register '%s' (x0..x30, sp, pc, pstate, "
                            "sp_el0..3, elr/spsr/esr/far/vbar/sctlr_el1..3, scr_el3, hcr_el2)", name);
    if (write)
        inject_event(m, cpu, *val, 0, "set_reg cpu%d %s", cpu, name);
    return 0;
}

int tz_machine_inject_smc(struct tz_machine *m, int cpu, const uint64_t args[8], int done_id,
                          struct tz_error *err)
{
    if (cpu < 0 || cpu >= m->ncpu)
        return tz_error_set(err, NULL, "cpu %d does not exist", cpu);
    struct tz_cpu *c = m->cpu[cpu];
    if (!c->powered)
        return tz_error_set(err, NULL, "cpu%d is off", cpu);
    if (c->inj.pending || c->inj.active)
        return tz_error_set(err, NULL, "cpu%d already has an injected SMC in flight", cpu);
    memcpy(c->inj.args, args, sizeof c->inj.args);
    inject_event(m, cpu, args[0], 0, "smc cpu%d fid 0x%" PRIx64 " x1 0x%" PRIx64 " x2 0x%" PRIx64,
                 cpu, args[0], args[1], args[2]);
    c->inj.done_id = done_id;
    c->inj.pending = true;
    tz_cpu_try_inject(c);
    return 0;
}

int tz_machine_smc_result(struct tz_machine *m, int cpu, uint64_t out[4])
{
    if (cpu < 0 || cpu >= m->ncpu)
        return -1;
    memcpy(out, m->cpu[cpu]->inj.result, 4 * sizeof out[0]);
    return 0;
}

void tz_machine_mark(struct tz_machine *m, const char *name)
{
    struct tz_event ev;
    tz_event_init(&ev, TZ_EV_MARK, m->current ? m->current->index : TZ_NA,
                  m->current ? m->current->icount : total_icount(m),
                  tz_machine_ns(m, tz_machine_ticks(m)));
    ev.text = name;
    tz_machine_event(m, NULL, &ev);
}

void tz_machine_stop(struct tz_machine *m)
{
    if (!m->halted) {
        m->halted = true;
        m->stop = TZ_STOP_SCENARIO_STOP;
        snprintf(m->stop_text, sizeof m->stop_text, "the scenario called stop()");
    }
}

uint64_t tz_machine_cpu_icount(struct tz_machine *m, int cpu)
{
    return cpu >= 0 && cpu < m->ncpu ? m->cpu[cpu]->icount : total_icount(m);
}

int tz_machine_symbol(const struct tz_machine *m, const char *name, uint64_t *addr)
{
    for (int i = 0; i < m->nimages; i++)
        for (size_t k = 0; k < m->images[i]->nsym; k++)
            if (!strcmp(m->images[i]->sym[k].name, name)) {
                *addr = m->images[i]->sym[k].addr;
                return 0;
            }
    return -1;
}

int tz_machine_pc_exits(struct tz_machine *m, struct tz_cpu *c, uint64_t *out, int max)
{
    int n = 0;
    for (int i = 0; i < TZ_MAX_TRIGGERS && n < max; i++) {
        const struct tz_trig *t = &m->trig[i];
        if (t->armed && t->t.kind == TZ_TRIG_PC && (t->t.cpu < 0 || t->t.cpu == c->index) &&
            !(c->skip_valid && c->skip_pc == t->t.value))
            out[n++] = t->t.value;
    }
    return n;
}

bool tz_machine_pc_trigger_hit(struct tz_machine *m, struct tz_cpu *c, uint64_t pc)
{
    bool hit = false;
    for (int i = 0; i < TZ_MAX_TRIGGERS; i++) {
        struct tz_trig *t = &m->trig[i];
        if (t->armed && t->t.kind == TZ_TRIG_PC && t->t.value == pc &&
            (t->t.cpu < 0 || t->t.cpu == c->index)) {
            tz_machine_fire(m, c, i);
            hit = true;
        }
    }
    return hit;
}
