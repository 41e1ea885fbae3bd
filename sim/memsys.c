/* The memory system: translation with attributes, the TZASC, the caches.
 * See memsys.h and docs/caches.md ("Wiring").
 *
 * Physical address windows. Unicorn's memory hooks receive physical
 * addresses, but whether an access is cached depends on the attributes of
 * the virtual address that produced it — and the bugs the checker exists
 * for are exactly one PA reached through two VAs with different attributes.
 * So every RAM page handed to Unicorn by a TLB fill is placed in a window of
 * the physical address space chosen by the attributes of the translation:
 * window k (1..MS_NCLASS) maps all RAM again at k << MS_WIN_SHIFT (the same
 * host memory, uc_mem_map_ptr), and class k is one (data attributes, fetch
 * attributes) pair. A hook on the windows reads the class from the address
 * bits above MS_WIN_SHIFT. Window MS_WIN_BLOCKED holds the TZASC's
 * read-as-zero/write-ignored view of secure memory.
 *
 * In faithful mode instruction fetches use a window of their own,
 * MS_WIN_FETCH(k): QEMU notices code being overwritten only through the
 * RAM block it translated the code from, so code translated through the
 * fetch window stays as it was until an IC invalidation drops the
 * translations (sim/cpu.c, ic_inval) — Unicorn's translation cache behaves
 * as an I-cache that is not coherent with data, and the old instructions
 * run, as on silicon. A page's Unicorn TLB entry then holds either the
 * data or the fetch mapping (execute-only), and they replace each other.
 *
 * Translation runs on the fill: the walker (models/cache/walker.c) over the
 * regime registers of the accessing EL read from Unicorn, permissions
 * checked here (Unicorn raises no MMU fault of its own in UC_TLB_VIRTUAL
 * mode); a fault is recorded in c->fault and delivered by sim/cpu.c.
 */
#include "memsys.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "machine_internal.h"
#include "models/cache/cache.h"
#include "models/cache/checker.h"
#include "models/cache/walker.h"

#define MS_WIN_SHIFT 40
#define MS_NCLASS 120
#define MS_WIN_FETCH(k) ((k) + MS_NCLASS)  /* faithful: the class's instruction window */
#define MS_WIN_BLOCKED 255                 /* 255 << 40 is still inside QEMU's 48-bit PA space */
#define MS_WIN(k) ((uint64_t)(k) << MS_WIN_SHIFT)
#define MS_PAGE 4096ull
#define MS_NTLB 1024  /* entries of each CPU's translation cache (models/cache/walker.h) */
#define MS_NREV 1024  /* window page -> VA page, per CPU */
#define MS_MAX_MASTERS 16

struct ms_class {
    struct tz_memattr data, fetch;
};

struct tz_memsys_cpu {
    struct tz_memsys *ms;
    struct tz_cpu *c;
    /* tzsim's own translations (block fetches, CMOs by VA): the walker's
     * TLB, kept as the architecture says (TLBI, and every write to the
     * regime registers), over the regime registers of the CPU's EL and
     * security state, read from Unicorn when those change. */
    struct tz_tlb *tlb;
    struct tz_xlat_regs regs;
    bool regs_valid;
    /* The last page a block was fetched from (blocks follow each other in
     * a page), its PA, fetch attributes and whether the caches see it:
     * forgotten with the TLB and when the regime changes. */
    struct { uint64_t va_page, pa_page; struct tz_memattr attr; bool valid, cached; } last;
    /* Window page -> VA page and attributes of the fills seen, for hooks. */
    struct { uint64_t win_page, va_page; struct tz_memattr attr; } rev[MS_NREV];
    bool mapped[MS_WIN_BLOCKED + 1][TZ_MAX_MEM];
    /* Faithful mode: RAM bytes replaced for the duration of one load. */
    uint8_t *restore_at;
    uint8_t restore[16];
    unsigned restore_n;
};

struct tz_memsys {
    struct tz_machine *m;
    enum tz_cache_mode mode;              /* check or faithful: there is no memory system off */
    bool tzasc_abort[TZ_MAX_MEM];         /* per secure region: abort instead of RAZ/WI */
    struct tz_cache *cache;
    const struct tz_cache_stats *stats;   /* the cache's counters (a stable pointer) */
    struct tz_checker *chk;
    struct ms_class cls[MS_NCLASS + 1];   /* [1..ncls] */
    int ncls;
    struct tz_memsys_cpu cpu[TZ_MAX_CPUS];
    char masters[MS_MAX_MASTERS][48];
    int nmasters;
    size_t traced;                        /* findings already written to the trace */
    uint32_t l1_hit;                      /* cycles of an L1 hit: part of the instruction's */
    uint64_t tzasc_blocked;
};

/* ---- registers --------------------------------------------------------- */

static uint64_t ureg(uc_engine *uc, int id)
{
    uint64_t v = 0;
    uc_reg_read(uc, id, &v);
    return v;
}

static uint64_t cpreg(uc_engine *uc, unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
    uc_arm64_cp_reg r = {.crn = crn, .crm = crm, .op0 = 3, .op1 = op1, .op2 = op2};
    uc_err e = uc_reg_read(uc, UC_ARM64_REG_CP_REG, &r);
    assert(e == UC_ERR_OK);
    (void)e;
    return r.val;
}

static const unsigned el_op1[4] = {0, 0, 4, 6};

/* The registers of the translation regime of EL el in security state
 * secure, from Unicorn. */
static void read_regs(struct tz_cpu *c, int el, bool secure, struct tz_xlat_regs *r)
{
    uc_engine *uc = c->uc;
    unsigned op1 = el_op1[el];
    memset(r, 0, sizeof *r);
    r->regime = el == 3 ? TZ_REGIME_EL3 : el == 2 ? TZ_REGIME_EL2 : TZ_REGIME_EL10;
    r->secure = secure;
    r->pa_bits = 40;   /* ID_AA64MMFR0_EL1.PARange of the modelled Cortex-A57/A72 */
    r->sctlr = cpreg(uc, op1, 1, 0, 0);
    r->tcr = cpreg(uc, op1, 2, 0, 2);
    r->mair = cpreg(uc, op1, 10, 2, 0);
    r->ttbr0 = cpreg(uc, op1, 2, 0, 0);
    r->ttbr1 = el < 2 ? cpreg(uc, 0, 2, 0, 1) : 0;
}

/* The regime of the CPU's current EL (PSTATE, exact anywhere). */
static int current_regs(struct tz_cpu *c, struct tz_xlat_regs *r)
{
    int el = (int)((ureg(c->uc, UC_ARM64_REG_PSTATE) >> 2) & 3);
    read_regs(c, el, el == 3 || (el < 2 && !(c->scr & 1)), r);
    return el;
}

/* The same from the EL and security state mirrors (exact at block starts
 * and in instruction hooks), read again only after the regime changed or
 * one of its registers was written. */
static const struct tz_xlat_regs *mirrored_regs(struct tz_memsys_cpu *mc)
{
    const struct tz_cpu *c = mc->c;
    enum tz_regime regime = c->el == 3 ? TZ_REGIME_EL3 : c->el == 2 ? TZ_REGIME_EL2
                                                                    : TZ_REGIME_EL10;
    bool secure = c->el == 3 || (c->el < 2 && !c->ns);
    if (!mc->regs_valid || mc->regs.regime != regime || mc->regs.secure != secure) {
        read_regs(mc->c, c->el, secure, &mc->regs);
        mc->regs_valid = true;
        mc->last.valid = false;
    }
    return &mc->regs;
}

/* A write to SCTLR, TTBRx, TCR or MAIR, or a reset: translations and the
 * registers they came from are forgotten. */
static void forget_translations(struct tz_memsys_cpu *mc)
{
    tz_tlb_flush_all(mc->tlb);
    mc->regs_valid = false;
    mc->last.valid = false;
}

/* ---- RAM ------------------------------------------------------------------ */

static int ram_index(const struct tz_machine *m, uint64_t pa)
{
    for (int i = 0; i < m->nram; i++)
        if (pa >= m->ram[i].base && pa - m->ram[i].base < m->ram[i].size)
            return i;
    return -1;
}

static bool phys_read64(void *ctx, uint64_t pa, bool ns, uint64_t *val)
{
    struct tz_memsys *ms = ctx;
    (void)ns;
    int r = ram_index(ms->m, pa);
    if (r < 0 || pa + 8 > ms->m->ram[r].base + ms->m->ram[r].size)
        return false;
    memcpy(val, ms->m->ram[r].host + (pa - ms->m->ram[r].base), 8);
    return true;
}

static uint8_t *ram_line(void *ctx, uint64_t line_pa)
{
    struct tz_memsys *ms = ctx;
    int r = ram_index(ms->m, line_pa);
    return r < 0 ? NULL : ms->m->ram[r].host + (line_pa - ms->m->ram[r].base);
}

/* ---- the TZASC's blocked window --------------------------------------------- */

static uint64_t blocked_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
    return 0;
}

static void blocked_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque)
{
}

static void access_ctx(struct tz_cpu *c, uint64_t pc, uint64_t va, struct tz_access_ctx *x);

/* Whether the TZASC blocks an access in PA space ns to RAM region r. */
static bool tzasc_blocks(const struct tz_memsys *ms, int r, bool ns)
{
    return ms->m->ram[r].secure && ns;
}

/* A blocked access: a rule 8 finding (its only side is the access) and the
 * count. attr: the CPU's attributes, NULL for a DMA master. */
static void tzasc_report(struct tz_memsys *ms, const struct tz_access_ctx *x, uint64_t pa,
                         enum tz_side_kind kind, const struct tz_memattr *attr, bool abort)
{
    ms->tzasc_blocked++;
    struct tz_finding_side a = {0}, b = {0};
    b.ctx = *x;
    b.pa = pa;
    b.kind = kind;
    if (attr)
        b.attr = *attr;
    else
        b.uncached = 1;
    tz_checker_report(ms->chk, TZ_RULE_TZASC, abort ? TZ_FIX_TZASC_ABORT : TZ_FIX_TZASC_RAZWI,
                      pa & ~63ull, true, &a, &b);
}

/* The VA of a window address and the attributes of its translation, from
 * the fills seen; the PA with default attributes when the fill was
 * forgotten. */
static uint64_t window_va(const struct tz_memsys_cpu *mc, uint64_t addr, uint64_t pa,
                          struct tz_memattr *attr)
{
    unsigned slot = (unsigned)((addr >> 12) % MS_NREV);
    if (mc->rev[slot].win_page != addr >> 12)
        return pa;
    if (attr)
        *attr = mc->rev[slot].attr;
    return (mc->rev[slot].va_page << 12) | (addr & 0xfff);
}

/* A memory hook on the blocked window: the accesses the TZASC refused. */
static void hook_blocked(struct tz_memsys_cpu *mc, uc_mem_type type, uint64_t addr)
{
    uint64_t pa = addr - MS_WIN(MS_WIN_BLOCKED);
    struct tz_memattr attr = {.ns = 1};
    uint64_t va = window_va(mc, addr, pa, &attr);
    struct tz_access_ctx x;
    access_ctx(mc->c, ureg(mc->c->uc, UC_ARM64_REG_PC), va, &x);
    tzasc_report(mc->ms, &x, pa, type == UC_MEM_WRITE ? TZ_SIDE_WRITE : TZ_SIDE_READ, &attr,
                 false);
}

/* ---- attribute classes -------------------------------------------------------- */

/* The attribute class of a window address, 0 if it is not in a class window. */
static unsigned win_class(const struct tz_memsys *ms, uint64_t addr)
{
    unsigned k = (unsigned)(addr >> MS_WIN_SHIFT);
    if (k > MS_NCLASS && k <= 2 * MS_NCLASS)
        k -= MS_NCLASS;
    return k >= 1 && k <= (unsigned)ms->ncls ? k : 0;
}

static bool same_attr(const struct tz_memattr *a, const struct tz_memattr *b)
{
    return !memcmp(a, b, sizeof *a);
}

/* The class of (data, fetch), created on first use; 0 when all are taken. */
static int class_of(struct tz_memsys *ms, const struct tz_memattr *d, const struct tz_memattr *f)
{
    for (int k = 1; k <= ms->ncls; k++)
        if (same_attr(&ms->cls[k].data, d) && same_attr(&ms->cls[k].fetch, f))
            return k;
    if (ms->ncls == MS_NCLASS)
        return 0;
    ms->ncls++;
    ms->cls[ms->ncls].data = *d;
    ms->cls[ms->ncls].fetch = *f;
    return ms->ncls;
}

static bool map_window(struct tz_memsys_cpu *mc, int k, int r)
{
    if (mc->mapped[k][r])
        return true;
    struct tz_machine *m = mc->ms->m;
    uc_err e;
    if (k == MS_WIN_BLOCKED)
        e = uc_mmio_map(mc->c->uc, MS_WIN(k) + m->ram[r].base, m->ram[r].size, blocked_read, mc,
                        blocked_write, mc);
    else
        e = uc_mem_map_ptr(mc->c->uc, MS_WIN(k) + m->ram[r].base, m->ram[r].size,
                           m->ram[r].rom ? UC_PROT_READ | UC_PROT_EXEC : UC_PROT_ALL,
                           m->ram[r].host);
    if (e != UC_ERR_OK)
        return false;
    mc->mapped[k][r] = true;
    return true;
}

/* ---- the TLB fill -------------------------------------------------------------- */

/* Stage 1 permissions for the accessing EL (Arm ARM D8.4, "Memory access
 * control"): AP[2:1], UXN/PXN or XN, the implied PXN of EL0-writable
 * memory, SCTLR.WXN. PAN and unprivileged loads (LDTR) are not modelled. */
static uc_prot perms_of(const struct tz_xlat *x, const struct tz_xlat_regs *r, int el)
{
    if (x->mmu_off)
        return UC_PROT_ALL;
    bool ro = x->ap & 2, el0 = x->ap & 1;
    bool rd, wr, ex;
    if (el == 0) {
        rd = el0;
        wr = el0 && !ro;
        ex = !x->xn;
    } else {
        rd = true;
        wr = !ro;
        ex = r->regime == TZ_REGIME_EL10 ? !x->pxn && !(el0 && !ro) : !x->xn;
    }
    if (wr && (r->sctlr & (1ull << 19)))   /* WXN */
        ex = false;
    return (rd ? UC_PROT_READ : 0) | (wr ? UC_PROT_WRITE : 0) | (ex ? UC_PROT_EXEC : 0);
}

/* Fault status codes (ESR_ELx.ISS DFSC/IFSC): level in [1:0]. */
static uint8_t fault_fsc(const struct tz_xlat *x, bool permission)
{
    unsigned lvl = x->level < 0 ? 0 : (unsigned)x->level & 3;
    if (permission)
        return (uint8_t)(0x0c | lvl);
    switch (x->fault) {
    case TZ_XF_ADDR_SIZE: return (uint8_t)(0x00 | lvl);
    case TZ_XF_ACCESS_FLAG: return (uint8_t)(0x08 | lvl);
    case TZ_XF_EXTERNAL: return (uint8_t)(0x14 | lvl);
    default: return (uint8_t)(0x04 | lvl);
    }
}

static void record_fault(struct tz_cpu *c, uint64_t va, uc_mem_type type, uint8_t fsc)
{
    /* Unicorn also fills outside execution (uc_ctl_remove_cache translates
     * its address): no guest access faulted then. */
    if (c->m->running != c)
        return;
    c->fault.valid = true;
    c->fault.addr = va;
    c->fault.write = type == UC_MEM_WRITE;
    c->fault.fetch = type == UC_MEM_FETCH;
    c->fault.fsc = fsc;
    c->fault.tzasc = false;
}

static bool hook_tlb_fill(uc_engine *uc, uint64_t va, uc_mem_type type, uc_tlb_entry *result,
                          void *opaque)
{
    struct tz_memsys_cpu *mc = opaque;
    struct tz_memsys *ms = mc->ms;
    struct tz_cpu *c = mc->c;
    struct tz_xlat_regs r;
    int el = current_regs(c, &r);
    enum tz_acc_kind acc = type == UC_MEM_FETCH ? TZ_ACC_FETCH
                         : type == UC_MEM_WRITE ? TZ_ACC_WRITE : TZ_ACC_READ;
    struct tz_xlat x;
    tz_xlat_walk(&r, va, TZ_ACC_READ, phys_read64, ms, &x);
    if (x.fault) {
        record_fault(c, va, type, fault_fsc(&x, false));
        return false;
    }
    uc_prot perms = perms_of(&x, &r, el);
    uc_prot need = acc == TZ_ACC_FETCH ? UC_PROT_EXEC : acc == TZ_ACC_WRITE ? UC_PROT_WRITE
                                                                            : UC_PROT_READ;
    if (!(perms & need)) {
        record_fault(c, va, type, fault_fsc(&x, true));
        return false;
    }
    uint64_t pa_page = x.pa & ~(MS_PAGE - 1);
    uint64_t win_page = pa_page;
    int ri = ram_index(ms->m, pa_page);
    if (ri >= 0 && tzasc_blocks(ms, ri, x.attr.ns)) {
        /* A non-secure access to secure memory (TZASC). */
        if (ms->tzasc_abort[ri]) {
            if (c->m->running == c) {
                struct tz_access_ctx ax;
                access_ctx(c, ureg(uc, UC_ARM64_REG_PC), va, &ax);
                tzasc_report(ms, &ax, x.pa, acc == TZ_ACC_FETCH ? TZ_SIDE_FETCH
                                           : acc == TZ_ACC_WRITE ? TZ_SIDE_WRITE : TZ_SIDE_READ,
                             &x.attr, true);
            }
            record_fault(c, va, type, 0x10);
            c->fault.tzasc = c->fault.valid;
            return false;
        }
        if (!map_window(mc, MS_WIN_BLOCKED, ri))
            return false;
        win_page = MS_WIN(MS_WIN_BLOCKED) + pa_page;
    } else if (ri >= 0) {
        struct tz_xlat xf;
        tz_xlat_walk(&r, va, TZ_ACC_FETCH, phys_read64, ms, &xf);
        struct tz_memattr fa = xf.fault ? x.attr : xf.attr;
        int k = class_of(ms, &x.attr, &fa);
        if (k == 0) {
            /* A limit of tzsim's, not a guest error: say so and stop. */
            if (c->m->running == c)
                tz_cpu_fatal(c, TZ_GERR_EMU, 0, va, "the guest uses more than %d combinations of "
                             "memory attributes, the most --cache supports", MS_NCLASS);
            return false;
        }
        if (ms->mode == TZ_CACHE_MODE_FAITHFUL) {
            if (acc == TZ_ACC_FETCH) {
                k = MS_WIN_FETCH(k);
                perms = (uc_prot)(perms & UC_PROT_EXEC);
            } else {
                perms = (uc_prot)(perms & ~UC_PROT_EXEC);
            }
        }
        if (map_window(mc, k, ri))
            win_page = MS_WIN(k) + pa_page;
    }
    unsigned slot = (unsigned)((win_page >> 12) % MS_NREV);
    mc->rev[slot].win_page = win_page >> 12;
    mc->rev[slot].va_page = va >> 12;
    mc->rev[slot].attr = x.attr;
    /* Unicorn's pages are 1 KiB (QEMU's smallest Arm page size): give the
     * whole address and let it take the page. */
    result->paddr = win_page | (x.pa & (MS_PAGE - 1));
    result->perms = perms;
    return true;
}

/* ---- accesses ---------------------------------------------------------------- */

static void access_ctx(struct tz_cpu *c, uint64_t pc, uint64_t va, struct tz_access_ctx *x)
{
    memset(x, 0, sizeof *x);
    x->pc = pc;
    x->icount = c->icount;
    if (pc >= c->blk_start && pc < c->next_pc)
        x->icount = c->blk_icount0 + (pc - c->blk_start) / 4 + 1;
    x->va = va;
    x->cpu = (int8_t)c->index;
    x->el = (uint8_t)c->el;
    x->ns = c->ns;
    /* The SMC being served: in the secure world (EL3 included), the normal
     * world's call in flight. (A secure-world SMC to the monitor is a
     * return or a request of the trusted OS, not a service.) */
    if ((c->el == 3 || !c->ns) && c->smc[1].active) {
        x->smc_fid = (uint32_t)c->smc[1].fid;
        x->flags |= TZ_CTX_HAS_FID;
    }
}

static void charge(struct tz_cpu *c, uint32_t cycles)
{
    const struct tz_memsys *ms = c->msc->ms;
    /* An L1 hit is part of the instruction's own cycles (cpi); anything
     * slower stalls the core and moves its virtual time. */
    if (cycles > ms->l1_hit)
        c->tick_base += cycles - ms->l1_hit;
}

/* A write reached a line that was fetched as instructions. In check mode
 * the guest sees coherent memory, code included: every CPU drops its
 * translations before it runs again (this one after its current block),
 * since QEMU does not notice code written through tzsim's fills. In
 * faithful mode the old code goes on running until an IC invalidation, as
 * on silicon. Rule 4 reports the write either way. */
static void code_written(struct tz_memsys *ms, struct tz_cpu *c)
{
    if (ms->mode != TZ_CACHE_MODE_CHECK)
        return;
    for (int i = 0; i < ms->m->ncpu; i++)
        ms->m->cpu[i]->flush_tb = true;
    if (c)
        tz_cpu_request_stop(c);
}

static void hook_mem(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                     void *opaque)
{
    struct tz_memsys_cpu *mc = opaque;
    struct tz_memsys *ms = mc->ms;
    struct tz_cpu *c = mc->c;
    unsigned k = win_class(ms, addr);
    if (!k) {
        if (addr >> MS_WIN_SHIFT == MS_WIN_BLOCKED)
            hook_blocked(mc, type, addr);
        return;   /* a device */
    }
    uint64_t pa = addr & (MS_WIN(1) - 1);
    uint64_t va = window_va(mc, addr, pa, NULL);
    struct tz_access_ctx x;
    access_ctx(c, ureg(uc, UC_ARM64_REG_PC), va, &x);
    bool write = type == UC_MEM_WRITE;
    struct tz_cache_result res;
    bool faithful = ms->mode == TZ_CACHE_MODE_FAITHFUL;
    uint64_t wv = (uint64_t)value;
    uint64_t code_writes = ms->stats->code_writes;
    uint32_t cyc = tz_cache_access(ms->cache, (unsigned)c->index, pa, (unsigned)size,
                                   write ? TZ_ACC_WRITE : TZ_ACC_READ, &ms->cls[k].data, &x,
                                   write && size <= 8 ? &wv : NULL, faithful ? &res : NULL);
    charge(c, cyc);
    if (write && ms->stats->code_writes != code_writes)
        code_written(ms, c);
    if (faithful && !write && res.differs && size <= (int)sizeof mc->restore) {
        /* The load reads RAM after this hook: give it the hardware's bytes
         * and put RAM back in hook_mem_after. */
        uint8_t *p = ram_line(ms, pa);
        if (p) {
            memcpy(mc->restore, p, (size_t)size);
            memcpy(p, res.data, (size_t)size);
            mc->restore_at = p;
            mc->restore_n = (unsigned)size;
        }
    }
}

static void hook_mem_after(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                           int64_t value, void *opaque)
{
    struct tz_memsys_cpu *mc = opaque;
    if (mc->restore_at) {
        memcpy(mc->restore_at, mc->restore, mc->restore_n);
        mc->restore_at = NULL;
    }
}

/* The PA and attributes (for an access of kind acc) of va in the current
 * regime, when it is RAM the caches see: translated, and not blocked by
 * the TZASC. */
static bool translate_cached(struct tz_memsys_cpu *mc, uint64_t va, enum tz_acc_kind acc,
                             uint64_t *pa, struct tz_memattr *attr)
{
    const struct tz_xlat_regs *r = mirrored_regs(mc);
    bool fetch = acc == TZ_ACC_FETCH;
    if (fetch && mc->last.valid && mc->last.va_page == va >> 12) {
        *pa = (mc->last.pa_page << 12) | (va & 0xfff);
        *attr = mc->last.attr;
        return mc->last.cached;
    }
    if (!tz_tlb_lookup(mc->tlb, r, va, acc, pa, attr)) {
        struct tz_xlat x;
        tz_tlb_translate(mc->tlb, r, va, acc, phys_read64, mc->ms, &x);
        if (x.fault)
            return false;   /* the access itself faults (or, for a CMO, would) */
        *pa = x.pa;
        *attr = x.attr;
    }
    int ri = ram_index(mc->ms->m, *pa);
    bool cached = ri >= 0 && !tzasc_blocks(mc->ms, ri, attr->ns);
    if (fetch)
        mc->last = (__typeof__(mc->last)){va >> 12, *pa >> 12, *attr, true, cached};
    return cached;
}

void tz_memsys_fetch(struct tz_cpu *c, uint64_t addr, uint32_t size)
{
    struct tz_memsys_cpu *mc = c->msc;
    struct tz_memsys *ms = mc->ms;
    while (size) {
        uint32_t n = (uint32_t)(MS_PAGE - (addr & (MS_PAGE - 1)));
        if (n > size)
            n = size;
        uint64_t pa;
        struct tz_memattr a;
        if (translate_cached(mc, addr, TZ_ACC_FETCH, &pa, &a)) {
            struct tz_access_ctx x;
            access_ctx(c, addr, addr, &x);
            x.icount = c->icount;
            charge(c, tz_cache_access(ms->cache, (unsigned)c->index, pa, n, TZ_ACC_FETCH, &a, &x,
                                      NULL, NULL));
        }
        addr += n;
        size -= n;
    }
}

/* ---- system instructions -------------------------------------------------- */

void tz_memsys_sysinsn(struct tz_cpu *c, const uc_arm64_cp_reg *cp, bool is_read)
{
    struct tz_memsys_cpu *mc = c->msc;
    struct tz_memsys *ms = mc->ms;
    if (cp->op0 == 3) {
        /* Writes to SCTLR, TTBR0/1, TCR, MAIR of any EL: translations change. */
        if (!is_read && ((cp->crn == 1 && cp->crm == 0 && cp->op2 == 0) ||
                         (cp->crn == 2 && cp->crm == 0 && cp->op2 <= 2) ||
                         (cp->crn == 10 && cp->crm == 2 && cp->op2 == 0)))
            forget_translations(mc);
        return;
    }
    if (cp->op0 != 1)
        return;
    if (cp->crn == 8) {
        /* TLBI: this CPU's TLB, or every CPU's for the broadcast forms. The
         * EL1&0 forms at EL3 target the security state SCR_EL3.NS selects. */
        struct tz_tlbi op;
        tz_tlbi_decode(cp->op1, cp->crm, cp->op2, cp->val, &op);
        bool secure = c->el == 3 ? !(c->scr & 1) : !c->ns;
        for (int i = 0; i < ms->m->ncpu; i++)
            if (op.broadcast || i == c->index) {
                tz_tlb_apply(ms->cpu[i].tlb, &op, secure);
                ms->cpu[i].last.valid = false;
            }
        return;
    }
    if (cp->crn != 7)
        return;
    int op = tz_cmo_decode(cp->op1, cp->crn, cp->crm, cp->op2);
    if (op < 0)
        return;
    uint64_t pc = ureg(c->uc, UC_ARM64_REG_PC);
    uint64_t xt = cp->val;
    struct tz_access_ctx x;
    access_ctx(c, pc, xt, &x);
    uint32_t cyc = 0;
    if (tz_cmo_by_va((enum tz_cmo)op)) {
        uint64_t pa;
        struct tz_memattr a;
        if (!translate_cached(mc, xt, TZ_ACC_READ, &pa, &a))
            return;  /* a fault, a device or blocked memory: no cache holds it */
        /* Dead stack: a DC IVAC of a line wholly below the core's SP (and
         * within 64 KiB of it) discards data nobody may read again — the
         * AAPCS64 has no red zone. TF-A does exactly this before powering
         * a core down (psci_do_pwrdown_cache_maintenance invalidates the
         * unused part of its stack). Performed as DC CIVAC, so that it is
         * not reported as a lost write. */
        uint64_t sp = ureg(c->uc, UC_ARM64_REG_SP);
        unsigned ls = tz_cache_line_size(ms->cache);
        if (op == TZ_DC_IVAC && (xt | (ls - 1)) < sp && sp - xt <= 0x10000)
            op = TZ_DC_CIVAC;
        cyc = tz_cache_maint(ms->cache, (unsigned)c->index, (enum tz_cmo)op, pa, a.ns, &a, &x);
    } else {
        x.va = 0;
        cyc = tz_cache_maint(ms->cache, (unsigned)c->index, (enum tz_cmo)op, xt, !x.ns ? 0 : 1,
                             NULL, &x);
    }
    charge(c, cyc);
}

void tz_memsys_cpu_reset(struct tz_cpu *c)
{
    struct tz_memsys_cpu *mc = c->msc;
    forget_translations(mc);
    struct tz_access_ctx x;
    access_ctx(c, ureg(c->uc, UC_ARM64_REG_PC), 0, &x);
    tz_cache_core_reset(mc->ms->cache, (unsigned)c->index, &x);
}

/* ---- identification registers ------------------------------------------------ */

static uint64_t clidr_read(void *opaque, struct tz_cpu *c)
{
    return tz_cache_clidr(((struct tz_memsys *)opaque)->cache);
}

static uint64_t ccsidr_read(void *opaque, struct tz_cpu *c)
{
    uint64_t csselr = cpreg(c->uc, 2, 0, 0, 0);
    return tz_cache_ccsidr(((struct tz_memsys *)opaque)->cache, (unsigned)c->index, csselr);
}

static uint64_t ctr_read(void *opaque, struct tz_cpu *c)
{
    return tz_cache_ctr(((struct tz_memsys *)opaque)->cache);
}

static uint64_t dczid_read(void *opaque, struct tz_cpu *c)
{
    return tz_cache_dczid(((struct tz_memsys *)opaque)->cache);
}

/* ---- DMA ----------------------------------------------------------------------- */

static int master_id(struct tz_memsys *ms, const char *name)
{
    for (int i = 0; i < ms->nmasters; i++)
        if (!strcmp(ms->masters[i], name))
            return i;
    if (ms->nmasters == MS_MAX_MASTERS)
        return MS_MAX_MASTERS - 1;
    snprintf(ms->masters[ms->nmasters], sizeof ms->masters[0], "%s", name);
    return ms->nmasters++;
}

int tz_memsys_dma(struct tz_memsys *ms, const char *master, uint64_t pa, void *buf, size_t len,
                  bool write, bool ns)
{
    struct tz_machine *m = ms->m;
    int r = ram_index(m, pa);
    if (r < 0 || len > m->ram[r].size - (pa - m->ram[r].base))
        return -1;
    struct tz_access_ctx x = {0};
    x.cpu = TZ_CTX_DMA(master_id(ms, master));
    x.ns = ns;
    x.el = 0;
    x.va = pa;
    x.icount = m->current ? m->current->icount : 0;
    if (tzasc_blocks(ms, r, ns)) {
        tzasc_report(ms, &x, pa, write ? TZ_SIDE_WRITE : TZ_SIDE_READ, NULL, false);
        if (!write)
            memset(buf, 0, len);
        return -1;
    }
    uint8_t *p = m->ram[r].host + (pa - m->ram[r].base);
    if (write) {
        uint64_t code_writes = ms->stats->code_writes;
        tz_cache_dma_write(ms->cache, pa, len, ns, &x, buf);
        if (ms->stats->code_writes != code_writes)
            code_written(ms, m->running);
        memcpy(p, buf, len);
    } else {
        memcpy(buf, p, len);
        tz_cache_dma_read(ms->cache, pa, len, ns, &x,
                          ms->mode == TZ_CACHE_MODE_FAITHFUL ? buf : NULL);
    }
    return 0;
}

/* ---- findings -------------------------------------------------------------------- */

static void name_fn(void *ctx, enum tz_name_kind kind, uint64_t value, char *out, size_t cap)
{
    struct tz_memsys *ms = ctx;
    out[0] = 0;
    if (kind == TZ_NAME_MASTER) {
        if (value < (uint64_t)ms->nmasters)
            snprintf(out, cap, "%s", ms->masters[value]);
        return;
    }
    char sym[128];
    tz_machine_symbolize(ms->m, value, sym, sizeof sym);
    size_t n = strlen(sym);
    if (n >= 2 && sym[0] == '<' && sym[n - 1] == '>') {   /* "<fn+0x1c>" -> "fn+0x1c" */
        sym[n - 1] = 0;
        snprintf(out, cap, "%s", sym + 1);
    }
}

/* Each new finding becomes a FINDING event, at the access that exposed it. */
static void sink(void *ctx, const struct tz_finding *f)
{
    struct tz_memsys *ms = ctx;
    const struct tz_access_ctx *x = &f->second.ctx;
    struct tz_cpu *c = x->cpu >= 0 && x->cpu < ms->m->ncpu ? ms->m->cpu[x->cpu] : NULL;
    struct tz_event ev;
    if (c) {
        tz_event_for(&ev, TZ_EV_FINDING, c);
        ev.icount = x->icount;
    } else {   /* a DMA master: a machine-wide event */
        tz_event_init(&ev, TZ_EV_FINDING, TZ_NA, x->icount,
                      tz_machine_ns(ms->m, tz_machine_ticks(ms->m)));
    }
    ev.from_el = TZ_CTX_IS_DMA(x) ? TZ_NA : x->el;
    ev.from_ns = x->ns;
    ev.pc = x->pc;
    ev.has_pc = !TZ_CTX_IS_DMA(x);
    if (x->flags & TZ_CTX_HAS_FID)
        ev.fid = x->smc_fid;
    ev.a[0] = f->rule;
    ev.a[1] = f->second.pa;
    ev.a[2] = f->id;
    ev.na = 3;
    ev.text = f->msg;
    tz_machine_event(ms->m, c, &ev);
}

static const char *side_op(const struct tz_finding_side *s)
{
    switch (s->kind) {
    case TZ_SIDE_READ: return "read";
    case TZ_SIDE_WRITE: return "write";
    case TZ_SIDE_FETCH: return "fetch";
    case TZ_SIDE_CMO: return tz_cmo_name((enum tz_cmo)s->cmo);
    case TZ_SIDE_FILL: return "fill";
    case TZ_SIDE_RESET: return "reset";
    }
    return NULL;
}

/* first: the earlier side, whose attributes the model keeps only for
 * fills (for a write it knows whether it was cached). */
static void side_row(struct tz_memsys *ms, const struct tz_finding_side *s, bool first,
                     struct tz_finding_side_row *r, char *who, char *sym, char *attr)
{
    memset(r, 0, sizeof *r);
    const struct tz_access_ctx *x = &s->ctx;
    r->el = r->ns = TZ_NA;
    r->smc_fid = TZ_NA;
    if (s->kind == TZ_SIDE_NONE)
        return;
    if (TZ_CTX_IS_DMA(x)) {
        name_fn(ms, TZ_NAME_MASTER, (uint64_t)TZ_CTX_DMA_MASTER(x), who, 64);
        r->ns = x->ns;
    } else {
        snprintf(who, 64, "cpu%d", x->cpu);
        r->el = x->el;
        r->ns = x->ns;
        r->pc = x->pc;
        r->has_pc = true;
        name_fn(ms, TZ_NAME_PC, x->pc, sym, 128);
        r->sym = sym[0] ? sym : NULL;
        r->va = x->va;
        r->has_va = true;
    }
    r->who = who;
    r->icount = x->icount;
    r->pa = s->pa;
    if (x->flags & TZ_CTX_HAS_FID)
        r->smc_fid = x->smc_fid;
    r->op = side_op(s);
    if (TZ_CTX_IS_DMA(x))
        snprintf(attr, 48, "DMA");
    else if (first && s->kind == TZ_SIDE_WRITE)
        snprintf(attr, 48, "%s", s->uncached ? "non-cacheable" : "cacheable");
    else
        tz_memattr_str(&s->attr, attr, 48);
    r->attr = attr;
}

void tz_memsys_sync_trace(struct tz_memsys *ms, bool final)
{
    struct tz_trace *t = ms->m->trace;
    if (!t)
        return;
    size_t n = tz_checker_count(ms->chk);
    /* New findings, and on the final call all of them again with their
     * final counts. */
    for (size_t i = final ? 0 : ms->traced; i < n; i++) {
        const struct tz_finding *f = tz_checker_get(ms->chk, i);
        struct tz_finding_row row = {0};
        char w1[64], w2[64], s1[128], s2[128], a1[48], a2[48];
        row.id = f->id;
        row.rule = f->rule;
        row.rule_name = tz_cache_rule_name((enum tz_cache_rule)f->rule);
        row.missing = tz_cache_fix_text((enum tz_cache_fix)f->fix);
        row.line_pa = f->line_pa;
        row.ns = f->ns;
        row.count = f->count;
        row.last_icount = f->last_icount;
        row.last_cpu = f->last_cpu;
        side_row(ms, &f->first, true, &row.first, w1, s1, a1);
        side_row(ms, &f->second, false, &row.second, w2, s2, a2);
        row.message = f->msg;
        tz_trace_finding(t, &row);
    }
    ms->traced = n;
    if (!final)
        return;
    const struct tz_cache_stats *s = ms->stats;
    for (int i = 0; i < ms->m->ncpu; i++) {
        const struct tz_cache_core_stats *k = &s->core[i];
        static const char *const names[] = {
            "l1d_hits", "l1d_misses", "l1i_hits", "l1i_misses", "l2_hits", "l2_misses",
            "snoops", "l1d_writebacks", "uncached_reads", "uncached_writes", "cycles"};
        const uint64_t v[] = {k->l1d_hits, k->l1d_misses, k->l1i_hits, k->l1i_misses,
                              k->l2_hits, k->l2_misses, k->snoops, k->l1d_writebacks,
                              k->uncached_reads, k->uncached_writes, k->cycles};
        for (unsigned j = 0; j < sizeof v / sizeof v[0]; j++)
            tz_trace_counter(t, i, names[j], v[j]);
    }
    tz_trace_counter(t, TZ_NA, "l2_writebacks", s->l2_writebacks);
    tz_trace_counter(t, TZ_NA, "l2_evictions", s->l2_evictions);
    tz_trace_counter(t, TZ_NA, "dma_read_lines", s->dma_reads);
    tz_trace_counter(t, TZ_NA, "dma_write_lines", s->dma_writes);
    tz_trace_counter(t, TZ_NA, "versions", s->versions);
    tz_trace_counter(t, TZ_NA, "code_writes", s->code_writes);
    for (int w = 0; w < 2; w++)
        for (int op = 0; op < TZ_CMO_COUNT; op++)
            if (s->cmo[w][op]) {
                char name[64];
                snprintf(name, sizeof name, "%s %s", w ? "non-secure" : "secure",
                         tz_cmo_name((enum tz_cmo)op));
                tz_trace_counter(t, TZ_NA, name, s->cmo[w][op]);
            }
    tz_trace_counter(t, TZ_NA, "tzasc_blocked", ms->tzasc_blocked);
    tz_trace_counter(t, TZ_NA, "findings", tz_checker_count(ms->chk));
    tz_trace_counter(t, TZ_NA, "findings_dropped", tz_checker_dropped(ms->chk));
}

size_t tz_memsys_findings(const struct tz_memsys *ms)
{
    return tz_checker_count(ms->chk);
}

void tz_memsys_summary(const struct tz_memsys *ms, FILE *f, const char *indent)
{
    size_t n = tz_checker_count(ms->chk);
    fprintf(f, "%scaches:          %s, TZASC on", indent, tz_cache_mode_name(ms->mode));
    const struct tz_cache_stats *s = ms->stats;
    uint64_t h = 0, mi = 0, ih = 0, im = 0, l2h = 0, l2m = 0;
    for (int i = 0; i < ms->m->ncpu; i++) {
        h += s->core[i].l1d_hits;
        mi += s->core[i].l1d_misses;
        ih += s->core[i].l1i_hits;
        im += s->core[i].l1i_misses;
        l2h += s->core[i].l2_hits;
        l2m += s->core[i].l2_misses;
    }
    fprintf(f, "; L1D %" PRIu64 " hits %" PRIu64 " misses, L1I %" PRIu64 " hits %" PRIu64
            " misses, L2 %" PRIu64 " hits %" PRIu64 " misses; %d attribute classes",
            h, mi, ih, im, l2h, l2m, ms->ncls);
    fprintf(f, "\n%sfindings:        %zu", indent, n);
    if (tz_checker_dropped(ms->chk))
        fprintf(f, " (+%" PRIu64 " dropped)", tz_checker_dropped(ms->chk));
    fprintf(f, "\n");
    for (size_t i = 0; i < n; i++) {
        const struct tz_finding *x = tz_checker_get(ms->chk, i);
        fprintf(f, "%s[%zu] %s", indent, i, x->msg);
        if (x->count > 1)
            fprintf(f, " (x%" PRIu64 ")", x->count);
        fprintf(f, "\n");
    }
}

/* ---- life cycle ---------------------------------------------------------------- */

/* The costs of the platform (docs/caches.md, "Costs and counters"): /cpus
 * may carry tzsim,cache-cycles = <l1-hit l2-hit snoop memory uncached
 * write-back maintenance>, in CPU cycles. */
static int cache_cycles_from_fdt(const struct tz_machine *m, struct tz_cache_costs *cost,
                                 struct tz_error *err)
{
    int node = fdt_path_offset(m->plat->fdt, "/cpus");
    int len = 0;
    const fdt32_t *v = node >= 0 ? fdt_getprop(m->plat->fdt, node, "tzsim,cache-cycles", &len)
                                 : NULL;
    if (!v)
        return 0;
    if (len != 7 * 4)
        return tz_error_set(err, m->plat->path, "/cpus: tzsim,cache-cycles has %d bytes, expected "
                            "7 cells (l1-hit l2-hit snoop memory uncached write-back "
                            "maintenance)", len);
    uint32_t c[7];
    for (int i = 0; i < 7; i++)
        c[i] = fdt32_to_cpu(v[i]);
    if (c[0] == 0)
        return tz_error_set(err, m->plat->path, "/cpus: tzsim,cache-cycles: an L1 hit costs at "
                            "least 1 cycle");
    *cost = (struct tz_cache_costs){.l1_hit = c[0], .l2_hit = c[1], .snoop = c[2], .mem = c[3],
                                    .uncached = c[4], .writeback = c[5], .maint = c[6]};
    return 0;
}

int tz_memsys_create(struct tz_machine *m, struct tz_memsys **out, struct tz_error *err)
{
    *out = NULL;
    /* The TZASC needs tzsim's translation (the NS attribute of each access)
     * and exact PCs, which only memory hooks give; with any memory hook
     * installed Unicorn takes its slow path for every access (measured:
     * 888 -> 116 MIPS on bench/loop.lua). So isolation comes with the
     * memory system, --cache=check|faithful, and --cache=off keeps
     * Unicorn's own translation and full speed (docs/caches.md). */
    enum tz_cache_mode mode = (enum tz_cache_mode)m->cfg.cache_mode;
    if (mode == TZ_CACHE_MODE_OFF)
        return 0;
    for (int r = 0; r < m->nram; r++)
        if (m->ram[r].base + m->ram[r].size > MS_WIN(1))
            return tz_error_set(err, m->plat->path, "%s: memory above 1 TiB is not supported "
                                "with --cache (its attribute windows start there)",
                                m->ram[r].name);
    struct tz_memsys *ms = calloc(1, sizeof *ms);
    if (!ms)
        return tz_error_set(err, NULL, "out of memory");
    ms->m = m;
    ms->mode = mode;
    ms->chk = tz_checker_create(0);
    if (!ms->chk) {
        free(ms);
        return tz_error_set(err, NULL, "out of memory");
    }
    tz_checker_set_names(ms->chk, name_fn, ms);
    tz_checker_set_sink(ms->chk, sink, ms);
    /* TZASC action per secure region: the region node's
     * "tzsim,tzasc-action" = "raz-wi" (default) or "abort". */
    for (int r = 0; r < m->nram; r++) {
        char path[80];
        snprintf(path, sizeof path, "/%s", m->ram[r].name);
        int node = fdt_path_offset(m->plat->fdt, path);
        const char *act = node >= 0 ? fdt_getprop(m->plat->fdt, node, "tzsim,tzasc-action", NULL)
                                    : NULL;
        if (act && strcmp(act, "abort") && strcmp(act, "raz-wi")) {
            tz_checker_destroy(ms->chk);
            free(ms);
            return tz_error_set(err, m->plat->path, "%s: tzsim,tzasc-action \"%s\" is not "
                                "\"raz-wi\" or \"abort\"", path, act);
        }
        ms->tzasc_abort[r] = act && !strcmp(act, "abort");
    }
    struct tz_cache_config cc;
    tz_cache_config_default(&cc, (unsigned)m->ncpu);
    cc.mode = mode;
    if (cache_cycles_from_fdt(m, &cc.cost, err) ||
        tz_cache_config_from_fdt(m->plat->fdt, NULL, (unsigned)m->ncpu, m->plat->path, &cc,
                                 err) ||
        !(ms->cache = tz_cache_create(&cc, ms->chk, err))) {
        tz_checker_destroy(ms->chk);
        free(ms);
        return -1;
    }
    tz_cache_set_ram(ms->cache, ram_line, ms);
    ms->stats = tz_cache_stats(ms->cache);
    ms->l1_hit = cc.cost.l1_hit;
    const struct tz_sysreg_ops ops[] = {
        {.name = "CLIDR_EL1", .key = TZ_SYSREG(3, 1, 0, 0, 1), .unicorn_knows = true,
         .read = clidr_read, .opaque = ms},
        {.name = "CCSIDR_EL1", .key = TZ_SYSREG(3, 1, 0, 0, 0), .unicorn_knows = true,
         .read = ccsidr_read, .opaque = ms},
        {.name = "CTR_EL0", .key = TZ_SYSREG(3, 3, 0, 0, 1), .unicorn_knows = true,
         .read = ctr_read, .opaque = ms},
        {.name = "DCZID_EL0", .key = TZ_SYSREG(3, 3, 0, 0, 7), .unicorn_knows = true,
         .read = dczid_read, .opaque = ms},
    };
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
        tz_sysreg_register(m->sysregs, &ops[i]);
    *out = ms;
    return 0;
}

int tz_memsys_cpu_init(struct tz_memsys *ms, struct tz_cpu *c, struct tz_error *err)
{
    struct tz_memsys_cpu *mc = &ms->cpu[c->index];
    mc->ms = ms;
    mc->c = c;
    mc->tlb = tz_tlb_create(MS_NTLB);
    if (!mc->tlb)
        return tz_error_set(err, NULL, "out of memory");
    c->msc = mc;
    uc_hook h;
    uc_err e = uc_ctl_tlb_mode(c->uc, UC_TLB_VIRTUAL);
    if (e == UC_ERR_OK)
        e = uc_hook_add(c->uc, &h, UC_HOOK_TLB_FILL, (void *)hook_tlb_fill, mc, 1, 0);
    /* One memory hook on every address (begin 1, end 0): Unicorn makes the
     * PC exact inside a memory hook only for instructions whose own address
     * lies in the hook's range (measured), and code runs at any VA. */
    if (e == UC_ERR_OK)
        e = uc_hook_add(c->uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)hook_mem, mc,
                        1, 0);
    if (e == UC_ERR_OK && ms->mode == TZ_CACHE_MODE_FAITHFUL)
        e = uc_hook_add(c->uc, &h, UC_HOOK_MEM_READ_AFTER, (void *)hook_mem_after, mc,
                        MS_WIN(1), MS_WIN(2 * MS_NCLASS + 1) - 1);
    if (e != UC_ERR_OK)
        return tz_error_set(err, NULL, "cpu%d: cannot set up the memory system: %s", c->index,
                            uc_strerror(e));
    return 0;
}

void tz_memsys_destroy(struct tz_memsys *ms)
{
    if (!ms)
        return;
    for (int i = 0; i < TZ_MAX_CPUS; i++)
        tz_tlb_destroy(ms->cpu[i].tlb);
    tz_cache_destroy(ms->cache);
    tz_checker_destroy(ms->chk);
    free(ms);
}
