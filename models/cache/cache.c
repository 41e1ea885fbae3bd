/* Caches, MESI coherence and the version model. See cache.h and
 * docs/caches.md.
 *
 * Layout of the state:
 *  - every cache is an array of `struct line` (hot: tag, state, version,
 *    word masks, LRU stamp) with a parallel array of `struct cold` (who wrote
 *    the data, who brought the line in, who made it stale) and, in faithful
 *    mode, the line's bytes;
 *  - the L2 is strictly inclusive of the L1Ds: an L2 line carries the
 *    presence vector of the L1Ds holding it and the core owning it in E or M,
 *    so coherence never searches the other cores;
 *  - a sparse directory (per 4 KiB page, created on demand) holds what memory
 *    has for a line: its version and writer, the last IC IVAU, per-word write
 *    versions of code lines, and in faithful mode the memory bytes when they
 *    differ from guest RAM.
 *
 * Words are 4 bytes; a line has at most 64 of them, so word sets are u64
 * masks. Versions come from one counter per model, incremented on every
 * write; version 0 is data that existed before the run (loaded images).
 *
 * Hot path: an L1 hit without a finding touches one set of one cache and
 * does not allocate.
 */
#include "models/cache/cache.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/cache/checker.h"

#define KEY_INVALID UINT64_MAX

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Line states. L1D: MESI. L1I: S = valid. L2: S = clean, M = newer than memory. */
enum { ST_I = TZ_MESI_I, ST_S = TZ_MESI_S, ST_E = TZ_MESI_E, ST_M = TZ_MESI_M };

/* Line flags. */
#define F_CODE 1u     /* the line has been fetched as instructions (writes track words) */
#define F_OWNER_M 2u  /* L2: the owner's L1D holds the line in M */

/* How memory (or a stale copy's newer data) was written. */
enum { HOW_CACHED = 0, HOW_WRITEBACK = 1, HOW_NC = 2, HOW_DMA = 3 };

struct line {
    uint64_t key;          /* (pa >> line_shift) << 1 | ns; KEY_INVALID when invalid */
    uint64_t ver;          /* version of the data held */
    uint64_t lru;          /* last use (per-cache tick) */
    uint64_t dirty_words;  /* written since the last clean (L1D M, L2 M) */
    uint64_t stale_words;  /* older than memory; L1I: older than the newest data */
    uint32_t l2idx;        /* L1D: index of the (inclusive) L2 copy */
    uint8_t state;
    uint8_t flags;
    uint8_t sh;            /* shareability of the last filling access */
    int8_t owner;          /* L2: the core holding it E or M, or -1 */
};

struct cold {
    struct tz_access_ctx writer;  /* the write that produced `ver` */
    struct tz_access_ctx filler;  /* the access that brought the copy in */
    struct tz_access_ctx staler;  /* the write that made stale_words stale */
    struct tz_memattr fattr;      /* the filler's attributes */
    uint32_t presence;            /* L2: L1Ds holding the line */
    uint8_t writer_known;         /* writer is valid (ver != 0) */
    uint8_t writer_how;           /* HOW_* of the writer */
    uint8_t fill_kind;            /* enum tz_acc_kind of the filler */
    uint8_t stale_how;            /* HOW_* of staler */
};

struct cache {
    struct line *l;
    struct cold *c;
    uint8_t *data;                /* faithful: sets * ways * line bytes */
    uint32_t sets, ways, set_mask;
    uint64_t tick;
};

/* Per-word write versions of a code line, made on the first write after the
 * line was first fetched. */
struct code_words {
    uint64_t *ver;
    struct tz_access_ctx *ctx;
    uint8_t *known;
};

#define D_CODE 1u
#define D_WRITER 2u

struct dline {
    uint64_t mem_ver;             /* version memory holds */
    uint64_t ivau_ver;            /* version counter at the last IC IVAU of the line */
    struct tz_access_ctx mem_writer;
    struct code_words *code;
    uint8_t *shadow;              /* faithful: memory bytes when they differ from RAM */
    uint8_t flags;                /* D_* */
    uint8_t mem_how;
};

struct dir {
    uint64_t *keys;               /* pfn + 1; 0 = empty */
    struct dline **pages;
    size_t cap, n;
    uint64_t last_pfn;
    struct dline *last;
};

struct tz_cache {
    struct tz_cache_config cfg;
    struct tz_checker *chk;
    bool faithful;
    unsigned ncores, lshift, lsize, nwords, lines_per_page;
    uint64_t all_words;
    struct cache l1i[TZ_CACHE_MAX_CORES];
    struct cache l1d[TZ_CACHE_MAX_CORES];
    struct cache l2;
    uint64_t ver;                 /* the version counter */
    uint64_t iall_ver[TZ_CACHE_MAX_CORES]; /* counter at the core's last I-cache invalidate-all */
    struct dir dir;
    struct tz_cache_stats st;
    tz_cache_ram_fn ram;
    void *ram_ctx;
    unsigned nfind;               /* findings raised by the current call */
    uint8_t zero[TZ_CACHE_MAX_LINE];
    uint8_t obs[TZ_CACHE_MAX_LINE];
};

/* ---- Small helpers ------------------------------------------------------ */

/* A new version for a write. */
static inline uint64_t next_ver(struct tz_cache *m)
{
    m->st.versions = ++m->ver;
    return m->ver;
}

static inline uint64_t line_pa(const struct tz_cache *m, uint64_t key)
{
    return (key >> 1) << m->lshift;
}

static inline uint64_t make_key(const struct tz_cache *m, uint64_t pa, unsigned ns)
{
    return ((pa >> m->lshift) << 1) | (ns & 1u);
}

/* The 4-byte words covered by [off, off + size) of a line. */
static inline uint64_t words_of(unsigned off, unsigned size)
{
    unsigned first = off >> 2, last = (off + size - 1) >> 2;
    return ((2ull << (last - first)) - 1) << first;
}

static unsigned log2u(uint64_t v)
{
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

static inline bool pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static inline int cfind(const struct cache *k, uint64_t key)
{
    uint32_t base = (uint32_t)((key >> 1) & k->set_mask) * k->ways;
    const struct line *l = k->l + base;
    for (uint32_t w = 0; w < k->ways; w++)
        if (l[w].key == key)
            return (int)(base + w);
    return -1;
}

/* The way to fill: an invalid one, else the least recently used. */
static int cvictim(const struct cache *k, uint64_t key)
{
    uint32_t base = (uint32_t)((key >> 1) & k->set_mask) * k->ways;
    uint32_t best = base;
    for (uint32_t w = 0; w < k->ways; w++) {
        const struct line *l = &k->l[base + w];
        if (l->key == KEY_INVALID)
            return (int)(base + w);
        if (l->lru < k->l[best].lru)
            best = base + w;
    }
    return (int)best;
}

static inline uint8_t *cdata(const struct tz_cache *m, const struct cache *k, int i)
{
    return k->data + (size_t)i * m->lsize;
}

static void line_clear(struct line *l)
{
    l->key = KEY_INVALID;
    l->state = ST_I;
    l->flags = 0;
    l->ver = 0;
    l->dirty_words = 0;
    l->stale_words = 0;
    l->owner = -1;
}

/* ---- Directory ---------------------------------------------------------- */

static uint64_t hash64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static int dir_grow(struct dir *d)
{
    size_t cap = d->cap ? d->cap * 2 : 256;
    uint64_t *keys = calloc(cap, sizeof *keys);
    struct dline **pages = calloc(cap, sizeof *pages);
    if (!keys || !pages) {
        free(keys);
        free(pages);
        return -1;
    }
    for (size_t i = 0; i < d->cap; i++) {
        if (!d->keys[i])
            continue;
        size_t h = hash64(d->keys[i] - 1) & (cap - 1);
        while (keys[h])
            h = (h + 1) & (cap - 1);
        keys[h] = d->keys[i];
        pages[h] = d->pages[i];
    }
    free(d->keys);
    free(d->pages);
    d->keys = keys;
    d->pages = pages;
    d->cap = cap;
    return 0;
}

/* The record of the line at lpa; NULL if absent and !create (or out of
 * memory: the bookkeeping is then skipped, never wrong in a way that
 * crashes). */
static struct dline *dir_find(struct tz_cache *m, uint64_t lpa, bool create)
{
    struct dir *d = &m->dir;
    uint64_t pfn = lpa >> 12;
    unsigned li = (unsigned)((lpa & 0xfff) >> m->lshift);
    if (d->last && d->last_pfn == pfn)
        return &d->last[li];
    if (d->cap) {
        size_t h = hash64(pfn) & (d->cap - 1);
        while (d->keys[h]) {
            if (d->keys[h] == pfn + 1) {
                d->last_pfn = pfn;
                d->last = d->pages[h];
                return &d->last[li];
            }
            h = (h + 1) & (d->cap - 1);
        }
    }
    if (!create)
        return NULL;
    if ((d->n + 1) * 2 > d->cap && dir_grow(d) < 0)
        return NULL;
    struct dline *page = calloc(m->lines_per_page, sizeof *page);
    if (!page)
        return NULL;
    size_t h = hash64(pfn) & (d->cap - 1);
    while (d->keys[h])
        h = (h + 1) & (d->cap - 1);
    d->keys[h] = pfn + 1;
    d->pages[h] = page;
    d->n++;
    d->last_pfn = pfn;
    d->last = page;
    return &page[li];
}

static void dir_free(struct tz_cache *m)
{
    struct dir *d = &m->dir;
    for (size_t i = 0; i < d->cap; i++) {
        if (!d->keys[i])
            continue;
        struct dline *page = d->pages[i];
        for (unsigned j = 0; j < m->lines_per_page; j++) {
            struct code_words *cw = page[j].code;
            if (cw) {
                free(cw->ver);
                free(cw->ctx);
                free(cw->known);
                free(cw);
            }
            free(page[j].shadow);
        }
        free(page);
    }
    free(d->keys);
    free(d->pages);
    memset(d, 0, sizeof *d);
}

/* ---- Faithful data ------------------------------------------------------ */

static uint8_t *ram_line(struct tz_cache *m, uint64_t lpa)
{
    return m->ram ? m->ram(m->ram_ctx, lpa) : NULL;
}

/* What memory holds for the line (not guest RAM when they differ). */
static const uint8_t *memory_bytes(struct tz_cache *m, uint64_t lpa)
{
    struct dline *d = dir_find(m, lpa, false);
    if (d && d->shadow)
        return d->shadow;
    const uint8_t *p = ram_line(m, lpa);
    return p ? p : m->zero;
}

/* Before the first cached store that makes RAM run ahead of memory. While
 * there is no shadow, memory == RAM. */
static void ensure_shadow(struct tz_cache *m, uint64_t lpa)
{
    struct dline *d = dir_find(m, lpa, true);
    if (!d || d->shadow)
        return;
    const uint8_t *p = ram_line(m, lpa);
    if (!p)
        return;
    d->shadow = malloc(m->lsize);
    if (d->shadow)
        memcpy(d->shadow, p, m->lsize);
}

static bool line_dirty_anywhere(struct tz_cache *m, uint64_t lpa)
{
    for (unsigned t = 0; t < 2; t++) {
        int i = cfind(&m->l2, make_key(m, lpa, t));
        if (i >= 0 && (m->l2.l[i].state == ST_M || (m->l2.l[i].flags & F_OWNER_M)))
            return true;
    }
    return false;
}

static void maybe_drop_shadow(struct tz_cache *m, uint64_t lpa)
{
    if (!m->faithful)
        return;
    struct dline *d = dir_find(m, lpa, false);
    if (!d || !d->shadow || line_dirty_anywhere(m, lpa))
        return;
    const uint8_t *p = ram_line(m, lpa);
    if (p && memcmp(p, d->shadow, m->lsize) == 0) {
        free(d->shadow);
        d->shadow = NULL;
    }
}

/* ---- Findings ----------------------------------------------------------- */

static struct tz_finding_side side_of(const struct tz_access_ctx *ctx, uint64_t pa, unsigned kind,
                                      const struct tz_memattr *attr, bool uncached,
                                      unsigned where, int where_cpu)
{
    struct tz_finding_side s;
    memset(&s, 0, sizeof s);
    if (ctx)
        s.ctx = *ctx;
    s.pa = pa;
    s.kind = (uint8_t)kind;
    if (attr)
        s.attr = *attr;
    s.uncached = uncached;
    s.where = (uint8_t)where;
    s.where_cpu = (int8_t)where_cpu;
    return s;
}

/* The side describing the write that produced a copy's data. */
static struct tz_finding_side writer_side(const struct tz_cache *m, const struct cold *c,
                                          uint64_t lpa, unsigned where, int where_cpu)
{
    bool known = c->writer_known;
    struct tz_finding_side s = side_of(known ? &c->writer : NULL, lpa,
                                       known ? TZ_SIDE_WRITE : TZ_SIDE_NONE, NULL,
                                       c->writer_how >= HOW_NC, where, where_cpu);
    if (known)
        s.pa = lpa + (c->writer.va & (m->lsize - 1));
    return s;
}

static struct tz_finding_side staler_side(const struct tz_cache *m, const struct cold *c,
                                          uint64_t lpa)
{
    struct tz_finding_side s = side_of(&c->staler, lpa + (c->staler.va & (m->lsize - 1)),
                                       TZ_SIDE_WRITE, NULL, c->stale_how >= HOW_NC,
                                       TZ_WHERE_MEM, -1);
    return s;
}

static struct tz_finding_side filler_side(const struct cold *c, uint64_t lpa, unsigned where,
                                          int where_cpu)
{
    unsigned kind = c->fill_kind == TZ_ACC_FETCH ? TZ_SIDE_FETCH : TZ_SIDE_FILL;
    return side_of(&c->filler, lpa, kind, &c->fattr, false, where, where_cpu);
}

static inline unsigned side_kind(unsigned acc)
{
    return acc == TZ_ACC_WRITE ? TZ_SIDE_WRITE : acc == TZ_ACC_FETCH ? TZ_SIDE_FETCH : TZ_SIDE_READ;
}

static void report(struct tz_cache *m, enum tz_cache_rule rule, enum tz_cache_fix fix,
                   uint64_t lpa, unsigned ns, const struct tz_finding_side *a,
                   const struct tz_finding_side *b)
{
    m->nfind++;
    if (m->chk)
        tz_checker_report(m->chk, rule, fix, lpa, ns != 0, a, b);
}

/* The dirty copy of the line key in the coherent domain: the owner's M line,
 * else the L2 line if dirty. Returns false when the line is clean everywhere.
 * `words` restricts to copies with those words dirty (0: any). */
static bool dirty_copy(struct tz_cache *m, uint64_t key, uint64_t words,
                       const struct cold **c, unsigned *where, int *cpu)
{
    int li = cfind(&m->l2, key);
    if (li < 0)
        return false;
    const struct line *l2 = &m->l2.l[li];
    if (l2->flags & F_OWNER_M) {
        int o = l2->owner;
        int j = cfind(&m->l1d[o], key);
        assert(j >= 0 && m->l1d[o].l[j].state == ST_M);
        if (!words || (m->l1d[o].l[j].dirty_words & words)) {
            *c = &m->l1d[o].c[j];
            *where = TZ_WHERE_L1D;
            *cpu = o;
            return true;
        }
    }
    if (l2->state == ST_M && (!words || (l2->dirty_words & words))) {
        *c = &m->l2.c[li];
        *where = TZ_WHERE_L2;
        *cpu = -1;
        return true;
    }
    return false;
}

/* ---- Coherence primitives ---------------------------------------------- */

/* Drops an L1D copy (no write-back) and updates the L2's snoop state. */
static void l1_invalidate(struct tz_cache *m, unsigned core, int i)
{
    struct line *ln = &m->l1d[core].l[i];
    assert(ln->key != KEY_INVALID);
    struct line *l2 = &m->l2.l[ln->l2idx];
    m->l2.c[ln->l2idx].presence &= ~(1u << core);
    if (l2->owner == (int8_t)core) {
        l2->owner = -1;
        l2->flags &= (uint8_t)~F_OWNER_M;
    }
    line_clear(ln);
}

/* Writes an M L1D line's data to its L2 copy; the caller sets the new state. */
static void l1_writeback(struct tz_cache *m, unsigned core, int i)
{
    struct cache *d = &m->l1d[core];
    struct line *ln = &d->l[i];
    assert(ln->state == ST_M);
    struct line *l2 = &m->l2.l[ln->l2idx];
    struct cold *c2 = &m->l2.c[ln->l2idx];
    const struct cold *c1 = &d->c[i];
    l2->ver = ln->ver;
    l2->dirty_words |= ln->dirty_words;
    l2->stale_words = ln->stale_words;
    l2->state = ST_M;
    l2->flags &= (uint8_t)~F_OWNER_M;
    c2->writer = c1->writer;
    c2->writer_known = c1->writer_known;
    c2->writer_how = c1->writer_how;
    c2->staler = c1->staler;
    c2->stale_how = c1->stale_how;
    if (m->faithful)
        memcpy(cdata(m, &m->l2, (int)ln->l2idx), cdata(m, d, i), m->lsize);
    ln->dirty_words = 0;
    m->st.core[core].l1d_writebacks++;
}

static void mark_stale(struct cache *k, int i, uint64_t words, const struct tz_access_ctx *w,
                       unsigned how)
{
    struct line *l = &k->l[i];
    struct cold *c = &k->c[i];
    if (!l->stale_words) {  /* keep the first write that made it stale */
        c->staler = *w;
        c->stale_how = (uint8_t)how;
    }
    l->stale_words |= words;
}

static void code_write(struct tz_cache *m, uint64_t key, uint64_t words, uint64_t ver,
                       const struct tz_access_ctx *w, unsigned how, uint64_t prev_ver,
                       const struct tz_access_ctx *prev_w, bool prev_known);

/* Memory receives version ver of the line (a write-back of copy src_key, or a
 * non-coherent write of `words`). Copies older than memory become stale;
 * a non-coherent write under a dirty copy is rule 7. */
static void memory_update(struct tz_cache *m, uint64_t src_key, uint64_t ver,
                          const struct tz_access_ctx *w, bool known, unsigned how,
                          const uint8_t *data, unsigned off, unsigned size, uint64_t words,
                          const struct tz_finding_side *nc_side)
{
    uint64_t lpa = line_pa(m, src_key);
    struct dline *d = dir_find(m, lpa, true);
    if (d) {
        d->mem_ver = ver;
        d->mem_how = (uint8_t)how;
        if (known) {
            d->mem_writer = *w;
            d->flags |= D_WRITER;
        } else {
            d->flags &= (uint8_t)~D_WRITER;
        }
        if (m->faithful && data) {
            if (how == HOW_WRITEBACK) {
                const uint8_t *r = ram_line(m, lpa);
                if (d->shadow) {
                    memcpy(d->shadow, data, m->lsize);
                } else if (r && memcmp(r, data, m->lsize) != 0) {
                    d->shadow = malloc(m->lsize);
                    if (d->shadow)
                        memcpy(d->shadow, data, m->lsize);
                }
            } else if (d->shadow) {
                memcpy(d->shadow + off, data, size);
            }
        }
    }

    bool reported = false;
    for (unsigned t = 0; t < 2; t++) {
        uint64_t k = make_key(m, lpa, t);
        bool same = k == src_key;
        /* A write-back carries the coherent data of its own tag: the L1D
         * copies are the same data, and I-copies were marked at the write. */
        if (!(how == HOW_WRITEBACK && same)) {
            int li = cfind(&m->l2, k);
            if (li >= 0) {
                const struct cold *dc;
                unsigned where;
                int cpu;
                bool dirty = dirty_copy(m, k, 0, &dc, &where, &cpu);
                if (dirty) {
                    if (how != HOW_WRITEBACK && nc_side && !reported) {
                        struct tz_finding_side a = writer_side(m, dc, lpa, where, cpu);
                        report(m, TZ_RULE_OVERWRITTEN_WRITE, TZ_FIX_CLEAN_BEFORE_NC_WRITE, lpa,
                               nc_side->attr.ns, &a, nc_side);
                        reported = true;
                    }
                } else if (how != HOW_WRITEBACK || m->l2.l[li].ver < ver) {
                    uint64_t wm = how == HOW_WRITEBACK ? m->all_words : words;
                    mark_stale(&m->l2, li, wm, w, how);
                    uint32_t pres = m->l2.c[li].presence;
                    while (pres) {
                        unsigned p = (unsigned)__builtin_ctz(pres);
                        pres &= pres - 1;
                        int j = cfind(&m->l1d[p], k);
                        assert(j >= 0);
                        mark_stale(&m->l1d[p], j, wm, w, how);
                    }
                }
            }
        }
        if (how == HOW_WRITEBACK && same)
            continue;
        for (unsigned p = 0; p < m->ncores; p++) {
            int j = cfind(&m->l1i[p], k);
            if (j >= 0 && (how != HOW_WRITEBACK || m->l1i[p].l[j].ver < ver))
                mark_stale(&m->l1i[p], j, how == HOW_WRITEBACK ? m->all_words : words, w, how);
        }
    }
}

/* Writes a dirty L2 line to memory. */
static uint32_t mem_writeback(struct tz_cache *m, int li)
{
    struct line *l2 = &m->l2.l[li];
    if (l2->state != ST_M)
        return 0;
    const struct cold *c2 = &m->l2.c[li];
    memory_update(m, l2->key, l2->ver, &c2->writer, c2->writer_known, HOW_WRITEBACK,
                  m->faithful ? cdata(m, &m->l2, li) : NULL, 0, m->lsize, m->all_words, NULL);
    l2->state = ST_S;
    l2->dirty_words = 0;
    m->st.l2_writebacks++;
    maybe_drop_shadow(m, line_pa(m, l2->key));
    return m->cfg.cost.writeback;
}

/* Evicts an L2 line: back-invalidates the L1D copies (merging M data), then
 * writes it to memory if dirty. */
static uint32_t l2_evict(struct tz_cache *m, int li)
{
    struct line *l2 = &m->l2.l[li];
    if (l2->key == KEY_INVALID)
        return 0;
    uint64_t key = l2->key;
    uint32_t pres = m->l2.c[li].presence;
    while (pres) {
        unsigned p = (unsigned)__builtin_ctz(pres);
        pres &= pres - 1;
        int j = cfind(&m->l1d[p], key);
        assert(j >= 0);
        if (m->l1d[p].l[j].state == ST_M)
            l1_writeback(m, p, j);
        l1_invalidate(m, p, j);
    }
    uint32_t cyc = mem_writeback(m, li);
    line_clear(l2);
    m->l2.c[li].presence = 0;
    m->st.l2_evictions++;
    return cyc;
}

/* Allocates the L2 line for key from memory. */
static int l2_fill(struct tz_cache *m, uint64_t key, const struct tz_access_ctx *ctx,
                   const struct tz_memattr *attr, unsigned kind, uint32_t *cycles)
{
    int li = cvictim(&m->l2, key);
    *cycles += l2_evict(m, li);
    uint64_t lpa = line_pa(m, key);
    struct dline *d = dir_find(m, lpa, false);
    struct line *l2 = &m->l2.l[li];
    struct cold *c2 = &m->l2.c[li];
    line_clear(l2);
    l2->key = key;
    l2->state = ST_S;
    l2->ver = d ? d->mem_ver : 0;
    l2->flags = (d && (d->flags & D_CODE)) ? F_CODE : 0;
    l2->sh = attr->sh;
    l2->lru = ++m->l2.tick;
    memset(c2, 0, sizeof *c2);
    if (d && (d->flags & D_WRITER)) {
        c2->writer = d->mem_writer;
        c2->writer_known = 1;
        c2->writer_how = d->mem_how;
    }
    c2->filler = *ctx;
    c2->fattr = *attr;
    c2->fill_kind = (uint8_t)kind;
    if (m->faithful)
        memcpy(cdata(m, &m->l2, li), memory_bytes(m, lpa), m->lsize);
    return li;
}

static void l1_evict(struct tz_cache *m, unsigned core, int i)
{
    if (m->l1d[core].l[i].state == ST_M)
        l1_writeback(m, core, i);
    l1_invalidate(m, core, i);
}

/* Marks the line as code everywhere it lives (both PA spaces), so that
 * writes to it take the word-tracking path. */
static void mark_code(struct tz_cache *m, uint64_t lpa)
{
    for (unsigned t = 0; t < 2; t++) {
        uint64_t k = make_key(m, lpa, t);
        int li = cfind(&m->l2, k);
        if (li < 0)
            continue;
        m->l2.l[li].flags |= F_CODE;
        uint32_t pres = m->l2.c[li].presence;
        while (pres) {
            unsigned p = (unsigned)__builtin_ctz(pres);
            pres &= pres - 1;
            int j = cfind(&m->l1d[p], k);
            assert(j >= 0);
            m->l1d[p].l[j].flags |= F_CODE;
        }
    }
}

__attribute__((noinline)) static void code_write(struct tz_cache *m, uint64_t key, uint64_t words,
                                                 uint64_t ver, const struct tz_access_ctx *w,
                                                 unsigned how, uint64_t prev_ver,
                                                 const struct tz_access_ctx *prev_w, bool prev_known)
{
    m->st.code_writes++;
    struct dline *d = dir_find(m, line_pa(m, key), true);
    if (!d)
        return;
    if (!d->code) {
        struct code_words *cw = calloc(1, sizeof *cw);
        if (!cw)
            return;
        cw->ver = calloc(m->nwords, sizeof *cw->ver);
        cw->ctx = calloc(m->nwords, sizeof *cw->ctx);
        cw->known = calloc(m->nwords, 1);
        if (!cw->ver || !cw->ctx || !cw->known) {
            free(cw->ver);
            free(cw->ctx);
            free(cw->known);
            free(cw);
            return;
        }
        /* Until now only the line's version was known: every word gets it. */
        for (unsigned i = 0; i < m->nwords; i++) {
            cw->ver[i] = prev_ver;
            if (prev_known && prev_w) {
                cw->ctx[i] = *prev_w;
                cw->known[i] = 1;
            }
        }
        d->code = cw;
    }
    uint64_t ws = words;
    while (ws) {
        unsigned i = (unsigned)__builtin_ctzll(ws);
        ws &= ws - 1;
        d->code->ver[i] = ver;
        d->code->ctx[i] = *w;
        d->code->known[i] = 1;
    }
    if (how == HOW_CACHED) {
        /* The I-caches are not coherent: their copies of these words are now
         * older than the newest data. (Non-coherent writes mark them in
         * memory_update.) */
        for (unsigned p = 0; p < m->ncores; p++) {
            int j = cfind(&m->l1i[p], key);
            if (j >= 0)
                mark_stale(&m->l1i[p], j, words, w, HOW_CACHED);
        }
    }
}

/* ---- Rule helpers on the access paths ----------------------------------- */

__attribute__((noinline, cold)) static void report_stale_cached(struct tz_cache *m, unsigned core, struct cache *k, int i,
                                unsigned where, uint64_t pa, unsigned kind,
                                const struct tz_memattr *attr, const struct tz_access_ctx *ctx)
{
    uint64_t lpa = line_pa(m, k->l[i].key);
    struct tz_finding_side a = staler_side(m, &k->c[i], lpa);
    struct tz_finding_side b = side_of(ctx, pa, side_kind(kind), attr, false, where, (int)core);
    report(m, TZ_RULE_STALE_CACHED_READ, TZ_FIX_INVAL_POC, lpa, attr->ns, &a, &b);
}

/* A cacheable access whose shareability differs from the one that brought
 * the copy in, by another CPU or world: rule 5. */
static void check_sh(struct tz_cache *m, const struct cold *c, unsigned where, int where_cpu,
                     uint64_t lpa, uint64_t pa, unsigned kind, const struct tz_memattr *attr,
                     const struct tz_access_ctx *ctx)
{
    if (c->fill_kind == TZ_ACC_FETCH || kind == TZ_ACC_FETCH || c->fattr.sh == attr->sh)
        return;
    if (c->filler.cpu == ctx->cpu && c->filler.ns == ctx->ns)
        return;
    struct tz_finding_side a = filler_side(c, lpa, where, where_cpu);
    struct tz_finding_side b = side_of(ctx, pa, side_kind(kind), attr, false, TZ_WHERE_NONE, -1);
    report(m, TZ_RULE_ATTR_MISMATCH, TZ_FIX_SAME_ATTRS, lpa, attr->ns, &a, &b);
}

__attribute__((noinline, cold)) static void sh_change(struct tz_cache *m, unsigned core, int i, uint64_t pa, unsigned kind,
                      const struct tz_memattr *attr, const struct tz_access_ctx *ctx)
{
    struct line *ln = &m->l1d[core].l[i];
    struct cold *c = &m->l1d[core].c[i];
    check_sh(m, c, TZ_WHERE_L1D, (int)core, line_pa(m, ln->key), pa, kind, attr, ctx);
    ln->sh = attr->sh;
    c->filler = *ctx;
    c->fattr = *attr;
    c->fill_kind = (uint8_t)kind;
}

/* The line key became dirty in the coherent domain (E/S/I → M): a live
 * copy of the other PA space's line is rule 6. Faithful: memory starts to
 * lag RAM. */
static void became_dirty(struct tz_cache *m, unsigned core, uint64_t key, uint64_t pa,
                         const struct tz_memattr *attr, const struct tz_access_ctx *ctx)
{
    uint64_t ak = key ^ 1, lpa = line_pa(m, key);
    int ai = cfind(&m->l2, ak);
    bool found = false;
    struct tz_finding_side a;
    if (ai >= 0) {
        const struct cold *dc;
        unsigned where;
        int cpu;
        if (dirty_copy(m, ak, 0, &dc, &where, &cpu)) {
            a = writer_side(m, dc, lpa, where, cpu);
        } else {
            const struct line *l2 = &m->l2.l[ai];
            int o = l2->owner;
            uint32_t pres = m->l2.c[ai].presence;
            if (o < 0 && pres)
                o = __builtin_ctz(pres);
            if (o >= 0) {
                int j = cfind(&m->l1d[o], ak);
                a = filler_side(&m->l1d[o].c[j], lpa, TZ_WHERE_L1D, o);
            } else {
                a = filler_side(&m->l2.c[ai], lpa, TZ_WHERE_L2, -1);
            }
        }
        found = true;
    } else {
        for (unsigned p = 0; p < m->ncores && !found; p++) {
            int j = cfind(&m->l1i[p], ak);
            if (j >= 0) {
                a = filler_side(&m->l1i[p].c[j], lpa, TZ_WHERE_L1I, (int)p);
                found = true;
            }
        }
    }
    if (found) {
        struct tz_finding_side b = side_of(ctx, pa, TZ_SIDE_WRITE, attr, false, TZ_WHERE_L1D,
                                           (int)core);
        report(m, TZ_RULE_SECURE_ALIAS, TZ_FIX_CLEAN_ALIAS, lpa, attr->ns, &a, &b);
    }
    if (m->faithful)
        ensure_shadow(m, lpa);
}

/* A clean access (read or fetch) to key while the other PA space's copy is
 * dirty: rule 6. */
static void check_alias_dirty(struct tz_cache *m, unsigned core, uint64_t key, uint64_t pa,
                              unsigned kind, unsigned where, const struct tz_memattr *attr,
                              const struct tz_access_ctx *ctx)
{
    const struct cold *dc;
    unsigned w;
    int cpu;
    uint64_t lpa = line_pa(m, key);
    if (!dirty_copy(m, key ^ 1, 0, &dc, &w, &cpu))
        return;
    struct tz_finding_side a = writer_side(m, dc, lpa, w, cpu);
    struct tz_finding_side b = side_of(ctx, pa, side_kind(kind), attr, false, where, (int)core);
    report(m, TZ_RULE_SECURE_ALIAS, TZ_FIX_CLEAN_ALIAS, lpa, attr->ns, &a, &b);
}

/* ---- Access paths ------------------------------------------------------- */

static inline void do_write(struct tz_cache *m, struct cache *d, int i, unsigned off,
                            unsigned size, uint64_t words, const struct tz_access_ctx *ctx,
                            const void *wdata)
{
    struct line *ln = &d->l[i];
    struct cold *c = &d->c[i];
    uint64_t v = next_ver(m);
    if (unlikely(ln->flags & F_CODE))
        code_write(m, ln->key, words, v, ctx, HOW_CACHED, ln->ver, &c->writer, c->writer_known);
    ln->ver = v;
    ln->dirty_words |= words;
    if (unlikely(ln->stale_words))
        ln->stale_words &= ~words;
    c->writer = *ctx;
    c->writer_known = 1;
    c->writer_how = HOW_CACHED;
    if (m->faithful && wdata)
        memcpy(cdata(m, d, i) + off, wdata, size);
}

/* S or E → M on a write hit. */
__attribute__((noinline)) static void upgrade(struct tz_cache *m, unsigned core, int i, uint64_t pa,
                    const struct tz_memattr *attr, const struct tz_access_ctx *ctx,
                    uint32_t *cyc)
{
    struct line *ln = &m->l1d[core].l[i];
    uint64_t key = ln->key;
    struct line *l2 = &m->l2.l[ln->l2idx];
    if (ln->state == ST_S) {
        uint32_t others = m->l2.c[ln->l2idx].presence & ~(1u << core);
        if (others)
            *cyc += m->cfg.cost.snoop;
        while (others) {
            unsigned p = (unsigned)__builtin_ctz(others);
            others &= others - 1;
            int j = cfind(&m->l1d[p], key);
            assert(j >= 0 && m->l1d[p].l[j].state == ST_S);
            l1_invalidate(m, p, j);
            m->st.core[core].snoops++;
        }
    }
    ln->state = ST_M;
    l2->owner = (int8_t)core;
    l2->flags |= F_OWNER_M;
    became_dirty(m, core, key, pa, attr, ctx);
}

__attribute__((noinline)) static uint32_t l1d_miss(struct tz_cache *m, unsigned core, uint64_t pa, unsigned off,
                         unsigned size, uint64_t key, uint64_t words, unsigned kind,
                         const struct tz_memattr *attr, const struct tz_access_ctx *ctx,
                         const void *wdata, const uint8_t **obs, uint8_t *level)
{
    struct tz_cache_core_stats *cs = &m->st.core[core];
    const struct tz_cache_costs *cost = &m->cfg.cost;
    uint64_t lpa = line_pa(m, key);
    uint32_t cyc = 0;
    cs->l1d_misses++;

    int li = cfind(&m->l2, key);
    bool live = li >= 0;
    if (live) {
        cs->l2_hits++;
        cyc += cost->l2_hit;
        *level = 2;
        m->l2.l[li].lru = ++m->l2.tick;
    } else {
        cs->l2_misses++;
        li = l2_fill(m, key, ctx, attr, kind, &cyc);
        cyc += cost->mem;
        *level = 3;
    }
    struct line *l2 = &m->l2.l[li];
    struct cold *c2 = &m->l2.c[li];

    if (live)
        check_sh(m, c2, TZ_WHERE_L2, -1, lpa, pa, kind, attr, ctx);

    /* MESI: take the line from its owner (which supplies M data), or make
     * every other copy give it up for a write. */
    int o = l2->owner;
    if (o >= 0 && o != (int)core) {
        int j = cfind(&m->l1d[o], key);
        assert(j >= 0);
        if (m->l1d[o].l[j].state == ST_M)
            l1_writeback(m, (unsigned)o, j);
        cs->snoops++;
        cyc += cost->snoop;
        *level = 2;
        if (kind == TZ_ACC_WRITE) {
            l1_invalidate(m, (unsigned)o, j);
        } else {
            m->l1d[o].l[j].state = ST_S;
            l2->owner = -1;
            l2->flags &= (uint8_t)~F_OWNER_M;
        }
    }
    if (kind == TZ_ACC_WRITE) {
        uint32_t others = c2->presence & ~(1u << core);
        if (others)
            cyc += cost->snoop;
        while (others) {
            unsigned p = (unsigned)__builtin_ctz(others);
            others &= others - 1;
            int j = cfind(&m->l1d[p], key);
            assert(j >= 0);
            l1_invalidate(m, p, j);
            cs->snoops++;
        }
    }

    struct cache *d = &m->l1d[core];
    int i = cvictim(d, key);
    if (d->l[i].key != KEY_INVALID)
        l1_evict(m, core, i);
    struct line *ln = &d->l[i];
    struct cold *c = &d->c[i];
    ln->key = key;
    ln->ver = l2->ver;
    ln->flags = l2->flags & F_CODE;
    ln->sh = attr->sh;
    ln->l2idx = (uint32_t)li;
    ln->dirty_words = 0;
    ln->stale_words = l2->stale_words;
    ln->lru = ++d->tick;
    ln->owner = -1;
    c->writer = c2->writer;
    c->writer_known = c2->writer_known;
    c->writer_how = c2->writer_how;
    c->staler = c2->staler;
    c->stale_how = c2->stale_how;
    c->filler = *ctx;
    c->fattr = *attr;
    c->fill_kind = (uint8_t)kind;
    c->presence = 0;
    c2->presence |= 1u << core;
    c2->filler = *ctx;
    c2->fattr = *attr;
    c2->fill_kind = (uint8_t)kind;
    l2->sh = attr->sh;
    if (m->faithful)
        memcpy(cdata(m, d, i), cdata(m, &m->l2, li), m->lsize);

    if (kind == TZ_ACC_WRITE) {
        ln->state = ST_M;
        l2->owner = (int8_t)core;
        l2->flags |= F_OWNER_M;
        became_dirty(m, core, key, pa, attr, ctx);
        do_write(m, d, i, off, size, words, ctx, wdata);
    } else {
        if (c2->presence == (1u << core)) {
            ln->state = ST_E;
            l2->owner = (int8_t)core;
        } else {
            ln->state = ST_S;
        }
        check_alias_dirty(m, core, key, pa, kind, TZ_WHERE_L1D, attr, ctx);
        if (ln->stale_words & words)
            report_stale_cached(m, core, d, i, TZ_WHERE_L1D, pa, kind, attr, ctx);
    }
    *obs = m->faithful ? cdata(m, d, i) + off : NULL;
    return cyc;
}

/* Non-cacheable or Device access, by a CPU or (ctx->cpu < 0) a DMA master. */
__attribute__((noinline)) static uint32_t uncached(struct tz_cache *m, int core, uint64_t pa, unsigned off, unsigned size,
                         uint64_t key, uint64_t words, unsigned kind,
                         const struct tz_memattr *attr, const struct tz_access_ctx *ctx,
                         const void *wdata, const uint8_t **obs)
{
    uint64_t lpa = line_pa(m, key);
    bool dma = TZ_CTX_IS_DMA(ctx);
    struct tz_finding_side me = side_of(ctx, pa, side_kind(kind), attr, true, TZ_WHERE_NONE, -1);

    if (core >= 0) {
        if (kind == TZ_ACC_WRITE)
            m->st.core[core].uncached_writes++;
        else
            m->st.core[core].uncached_reads++;
    }

    /* Rule 5: a live cached copy brought in by another CPU or world, under
     * a non-cacheable write, which makes that copy stale or is later
     * overwritten by it. Non-cacheable reads and fetches are left to rules
     * 1 and 4: with every cached copy clean they return what the copies
     * hold, which is how firmware legitimately reads data published with a
     * clean (a secondary core with its MMU off reading a mailbox); copies
     * made by instruction fetches are never dirty. */
    if (!dma && kind == TZ_ACC_WRITE) {
        for (unsigned t = 0; t < 2; t++) {
            uint64_t k = make_key(m, lpa, t);
            int li = cfind(&m->l2, k);
            if (li < 0)
                continue;
            const struct line *l2 = &m->l2.l[li];
            int o = l2->owner;
            uint32_t pres = m->l2.c[li].presence;
            if (o < 0 && pres)
                o = __builtin_ctz(pres);
            const struct cold *hc;
            unsigned where;
            if (o >= 0) {
                int j = cfind(&m->l1d[o], k);
                hc = &m->l1d[o].c[j];
                where = TZ_WHERE_L1D;
            } else {
                hc = &m->l2.c[li];
                where = TZ_WHERE_L2;
            }
            if (hc->fill_kind != TZ_ACC_FETCH &&
                (hc->filler.cpu != ctx->cpu || hc->filler.ns != ctx->ns)) {
                struct tz_finding_side a = filler_side(hc, lpa, where, o);
                report(m, TZ_RULE_ATTR_MISMATCH, TZ_FIX_SAME_ATTRS, lpa, attr->ns, &a, &me);
                break;
            }
        }
    }

    if (kind != TZ_ACC_WRITE) {
        /* Rule 1: the newest data of these words is dirty in a cache. */
        for (unsigned t = 0; t < 2; t++) {
            const struct cold *dc;
            unsigned where;
            int cpu;
            if (dirty_copy(m, make_key(m, lpa, t), words, &dc, &where, &cpu)) {
                struct tz_finding_side a = writer_side(m, dc, lpa, where, cpu);
                report(m, TZ_RULE_STALE_READ, TZ_FIX_CLEAN_POC, lpa, attr->ns, &a, &me);
                break;
            }
        }
        *obs = m->faithful ? memory_bytes(m, lpa) + off : NULL;
    } else {
        uint64_t v = next_ver(m);
        struct dline *d = dir_find(m, lpa, false);
        if (d && (d->flags & D_CODE))
            code_write(m, key, words, v, ctx, dma ? HOW_DMA : HOW_NC, d->mem_ver, &d->mem_writer,
                       (d->flags & D_WRITER) != 0);
        memory_update(m, key, v, ctx, true, dma ? HOW_DMA : HOW_NC, wdata, off, size, words, &me);
        *obs = NULL;
    }
    return m->cfg.cost.uncached;
}

__attribute__((noinline, cold)) static void report_stale_instr_hit(struct tz_cache *m, unsigned core, int i, uint64_t pa,
                                   uint64_t words, const struct tz_memattr *attr,
                                   const struct tz_access_ctx *ctx)
{
    struct cache *ic = &m->l1i[core];
    uint64_t key = ic->l[i].key, lpa = line_pa(m, key);
    const struct cold *c = &ic->c[i];
    struct tz_finding_side b = side_of(ctx, pa, TZ_SIDE_FETCH, attr, false, TZ_WHERE_L1I, (int)core);
    const struct cold *dc;
    unsigned where;
    int cpu;
    int li = cfind(&m->l2, key);
    if (li >= 0 && (m->l2.l[li].flags & F_OWNER_M) && dirty_copy(m, key, words, &dc, &where, &cpu) &&
        where == TZ_WHERE_L1D) {
        struct tz_finding_side a = writer_side(m, dc, lpa, where, cpu);
        report(m, TZ_RULE_STALE_INSTR, TZ_FIX_CLEAN_POU_IC_INVAL, lpa, attr->ns, &a, &b);
        return;
    }
    struct tz_finding_side a = side_of(&c->staler, lpa + (c->staler.va & (m->lsize - 1)),
                                       TZ_SIDE_WRITE, NULL, c->stale_how >= HOW_NC,
                                       TZ_WHERE_L1I, (int)core);
    report(m, TZ_RULE_STALE_INSTR, TZ_FIX_IC_INVAL, lpa, attr->ns, &a, &b);
}

static uint32_t fetch_miss(struct tz_cache *m, unsigned core, uint64_t pa, unsigned off,
                           uint64_t key, uint64_t words, const struct tz_memattr *attr,
                           const struct tz_access_ctx *ctx, const uint8_t **obs, uint8_t *level);

__attribute__((always_inline)) static inline uint32_t fetch(struct tz_cache *m, unsigned core, uint64_t pa, unsigned off,
                             uint64_t key, uint64_t words, const struct tz_memattr *attr,
                             const struct tz_access_ctx *ctx, const uint8_t **obs, uint8_t *level)
{
    struct cache *ic = &m->l1i[core];
    int i = cfind(ic, key);
    if (likely(i >= 0)) {
        struct line *ln = &ic->l[i];
        ln->lru = ++ic->tick;
        m->st.core[core].l1i_hits++;
        if (unlikely(ln->stale_words & words))
            report_stale_instr_hit(m, core, i, pa, words, attr, ctx);
        *obs = m->faithful ? cdata(m, ic, i) + off : NULL;
        *level = 1;
        return m->cfg.cost.l1_hit;
    }
    return fetch_miss(m, core, pa, off, key, words, attr, ctx, obs, level);
}

__attribute__((noinline)) static uint32_t fetch_miss(struct tz_cache *m, unsigned core, uint64_t pa,
                                                     unsigned off, uint64_t key, uint64_t words,
                                                     const struct tz_memattr *attr,
                                                     const struct tz_access_ctx *ctx,
                                                     const uint8_t **obs, uint8_t *level)
{
    struct tz_cache_core_stats *cs = &m->st.core[core];
    const struct tz_cache_costs *cost = &m->cfg.cost;
    struct cache *ic = &m->l1i[core];
    int i;
    cs->l1i_misses++;
    uint32_t cyc = 0;
    uint64_t lpa = line_pa(m, key);
    int li = cfind(&m->l2, key);
    if (li >= 0) {
        cs->l2_hits++;
        cyc += cost->l2_hit;
        *level = 2;
        m->l2.l[li].lru = ++m->l2.tick;
    } else {
        cs->l2_misses++;
        li = l2_fill(m, key, ctx, attr, TZ_ACC_FETCH, &cyc);
        cyc += cost->mem;
        *level = 3;
    }
    struct line *l2 = &m->l2.l[li];
    struct cold *c2 = &m->l2.c[li];

    struct dline *d = dir_find(m, lpa, true);
    if (d && !(d->flags & D_CODE)) {
        d->flags |= D_CODE;
        mark_code(m, lpa);
    }

    /* The newest data: the owner's M copy (above the PoU), else the L2's. */
    const struct line *nl = l2;
    const struct cold *nc = c2;
    unsigned nwhere = TZ_WHERE_L2;
    int ncpu = -1;
    uint64_t dirty_above = 0;
    if (l2->flags & F_OWNER_M) {
        int j = cfind(&m->l1d[l2->owner], key);
        assert(j >= 0);
        nl = &m->l1d[l2->owner].l[j];
        nc = &m->l1d[l2->owner].c[j];
        nwhere = TZ_WHERE_L1D;
        ncpu = l2->owner;
        dirty_above = nl->dirty_words;
    }
    bool not_pou = (dirty_above & words) != 0;

    /* Rule 4: the fetched words were written after the last I-cache
     * invalidation covering them on this core (IC IALLU/IALLUIS on it, or an
     * IC IVAU of the line by anyone), or are not yet at the PoU. */
    uint64_t sync = m->iall_ver[core];
    if (d && d->ivau_ver > sync)
        sync = d->ivau_ver;
    uint64_t wv;
    struct tz_access_ctx wctx;
    bool wknown;
    if (d && d->code) {
        wv = 0;
        wknown = false;
        memset(&wctx, 0, sizeof wctx);
        uint64_t ws = words;
        while (ws) {
            unsigned w = (unsigned)__builtin_ctzll(ws);
            ws &= ws - 1;
            if (d->code->ver[w] >= wv) {
                wv = d->code->ver[w];
                wctx = d->code->ctx[w];
                wknown = d->code->known[w];
            }
        }
    } else {
        wv = nl->ver;
        wctx = nc->writer;
        wknown = nc->writer_known;
    }
    bool not_inval = wv > sync;
    if (not_pou || not_inval) {
        enum tz_cache_fix fix = not_pou ? (not_inval ? TZ_FIX_CLEAN_POU_IC_INVAL : TZ_FIX_CLEAN_POU)
                                        : TZ_FIX_IC_INVAL;
        struct tz_finding_side a = side_of(wknown ? &wctx : NULL, lpa, wknown ? TZ_SIDE_WRITE : TZ_SIDE_NONE,
                                           NULL, false, not_pou ? nwhere : TZ_WHERE_MEM, ncpu);
        if (wknown)
            a.pa = lpa + (wctx.va & (m->lsize - 1));
        struct tz_finding_side b = side_of(ctx, pa, TZ_SIDE_FETCH, attr, false, TZ_WHERE_L1I, (int)core);
        report(m, TZ_RULE_STALE_INSTR, fix, lpa, attr->ns, &a, &b);
    }
    if (l2->stale_words & words)
        report_stale_cached(m, core, &m->l2, li, TZ_WHERE_L2, pa, TZ_ACC_FETCH, attr, ctx);
    check_alias_dirty(m, core, key, pa, TZ_ACC_FETCH, TZ_WHERE_L1I, attr, ctx);

    /* Fill the I-line from the L2 (the PoU): it does not see L1D data. */
    i = cvictim(ic, key);
    struct line *ln = &ic->l[i];
    struct cold *c = &ic->c[i];
    line_clear(ln);
    ln->key = key;
    ln->state = ST_S;
    ln->ver = l2->ver;
    ln->flags = F_CODE;
    ln->sh = attr->sh;
    ln->stale_words = l2->stale_words | dirty_above;
    ln->lru = ++ic->tick;
    memset(c, 0, sizeof *c);
    c->writer = c2->writer;
    c->writer_known = c2->writer_known;
    c->writer_how = c2->writer_how;
    if (dirty_above) {
        c->staler = nc->writer;
        c->stale_how = HOW_CACHED;
    } else {
        c->staler = c2->staler;
        c->stale_how = c2->stale_how;
    }
    c->filler = *ctx;
    c->fattr = *attr;
    c->fill_kind = TZ_ACC_FETCH;
    if (m->faithful)
        memcpy(cdata(m, ic, i), cdata(m, &m->l2, li), m->lsize);
    *obs = m->faithful ? cdata(m, ic, i) + off : NULL;
    return cyc;
}

static inline bool data_cacheable(const struct tz_memattr *a)
{
    return a->type == TZ_MT_NORMAL && a->inner == TZ_CA_WB;
}

static inline bool fetch_cacheable(const struct tz_memattr *a)
{
    return a->type == TZ_MT_NORMAL && a->inner != TZ_CA_NC;
}

/* One access within one line. */
__attribute__((always_inline)) static inline uint32_t access_line(struct tz_cache *m, unsigned core, uint64_t pa, unsigned off,
                                   unsigned size, unsigned kind, const struct tz_memattr *attr,
                                   const struct tz_access_ctx *ctx, const void *wdata,
                                   const uint8_t **obs, uint8_t *level)
{
    uint64_t key = make_key(m, pa, attr->ns);
    uint64_t words = words_of(off, size);
    if (kind == TZ_ACC_FETCH) {
        if (!fetch_cacheable(attr)) {
            *level = 0;
            return uncached(m, (int)core, pa, off, size, key, words, kind, attr, ctx, wdata, obs);
        }
        return fetch(m, core, pa, off, key, words, attr, ctx, obs, level);
    }
    if (!data_cacheable(attr)) {
        *level = 0;
        return uncached(m, (int)core, pa, off, size, key, words, kind, attr, ctx, wdata, obs);
    }
    struct cache *d = &m->l1d[core];
    int i = cfind(d, key);
    if (likely(i >= 0)) {
        struct line *ln = &d->l[i];
        uint32_t cyc = m->cfg.cost.l1_hit;
        ln->lru = ++d->tick;
        m->st.core[core].l1d_hits++;
        if (unlikely(ln->sh != attr->sh))
            sh_change(m, core, i, pa, kind, attr, ctx);
        if (kind == TZ_ACC_READ) {
            if (unlikely(ln->stale_words & words))
                report_stale_cached(m, core, d, i, TZ_WHERE_L1D, pa, kind, attr, ctx);
        } else {
            if (unlikely(ln->state != ST_M))
                upgrade(m, core, i, pa, attr, ctx, &cyc);
            do_write(m, d, i, off, size, words, ctx, wdata);
        }
        *obs = m->faithful ? cdata(m, d, i) + off : NULL;
        *level = 1;
        return cyc;
    }
    return l1d_miss(m, core, pa, off, size, key, words, kind, attr, ctx, wdata, obs, level);
}

/* Accesses with a result, spanning lines, or in faithful mode. */
__attribute__((noinline)) static uint32_t access_full(struct tz_cache *m, unsigned core,
                                                      uint64_t pa, unsigned size, enum tz_acc_kind kind,
                                                      const struct tz_memattr *attr,
                                                      const struct tz_access_ctx *ctx,
                                                      const void *wdata, struct tz_cache_result *res)
{
    unsigned off = (unsigned)(pa & (m->lsize - 1));
    const uint8_t *obs = NULL;
    uint8_t level = 0;
    uint32_t cyc;
    bool collect = m->faithful && res && kind != TZ_ACC_WRITE;
    bool differs = false;

    if (off + size <= m->lsize) {
        cyc = access_line(m, core, pa, off, size, kind, attr, ctx, wdata, &obs, &level);
        if (collect && obs) {
            const uint8_t *r = ram_line(m, pa - off);
            differs = r && memcmp(r + off, obs, size) != 0;
        }
    } else {
        /* Spanning lines: one access per line; the observed bytes are
         * gathered when they fit. */
        cyc = 0;
        uint64_t done = 0;
        uint8_t worst = 0;
        bool fits = size <= sizeof m->obs;
        while (done < size) {
            uint64_t a = pa + done;
            unsigned o = (unsigned)(a & (m->lsize - 1));
            unsigned n = m->lsize - o;
            if (n > size - done)
                n = (unsigned)(size - done);
            const uint8_t *seg = NULL;
            uint8_t lv = 0;
            cyc += access_line(m, core, a, o, n, kind, attr, ctx,
                               wdata ? (const uint8_t *)wdata + done : NULL, &seg, &lv);
            if (lv > worst)
                worst = lv;
            if (collect && fits && seg) {
                memcpy(m->obs + done, seg, n);
                const uint8_t *r = ram_line(m, a - o);
                if (r && memcmp(r + o, seg, n) != 0)
                    differs = true;
            }
            done += n;
        }
        level = worst;
        obs = collect && fits ? m->obs : NULL;
    }
    m->st.core[core].cycles += cyc;
    if (res) {
        res->cycles = cyc;
        res->level = level;
        res->findings = (uint8_t)(m->nfind > 255 ? 255 : m->nfind);
        res->data = collect ? obs : NULL;
        res->differs = differs;
    }
    return cyc;
}

uint32_t tz_cache_access(struct tz_cache *m, unsigned core, uint64_t pa, unsigned size,
                         enum tz_acc_kind kind, const struct tz_memattr *attr,
                         const struct tz_access_ctx *ctx, const void *wdata,
                         struct tz_cache_result *res)
{
    if (unlikely(m->cfg.mode == TZ_CACHE_MODE_OFF || size == 0)) {
        if (res)
            memset(res, 0, sizeof *res);
        return 0;
    }
    assert(core < m->ncores);
    m->nfind = 0;
    unsigned off = (unsigned)(pa & (m->lsize - 1));
    if (likely(!res && off + size <= m->lsize)) {
        /* The hooks' common case: one line, no result wanted. */
        const uint8_t *obs;
        uint8_t level;
        uint32_t cyc = access_line(m, core, pa, off, size, kind, attr, ctx, wdata, &obs, &level);
        m->st.core[core].cycles += cyc;
        return cyc;
    }
    return access_full(m, core, pa, size, kind, attr, ctx, wdata, res);
}

/* ---- Maintenance -------------------------------------------------------- */

int tz_cmo_decode(unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
    if (crn != 7)
        return -1;
    if (op1 == 0) {
        if (crm == 1 && op2 == 0) return TZ_IC_IALLUIS;
        if (crm == 5 && op2 == 0) return TZ_IC_IALLU;
        if (crm == 6 && op2 == 1) return TZ_DC_IVAC;
        if (crm == 6 && op2 == 2) return TZ_DC_ISW;
        if (crm == 10 && op2 == 2) return TZ_DC_CSW;
        if (crm == 14 && op2 == 2) return TZ_DC_CISW;
        return -1;
    }
    if (op1 == 3 && op2 == 1) {
        switch (crm) {
        case 4: return TZ_DC_ZVA;
        case 5: return TZ_IC_IVAU;
        case 10: return TZ_DC_CVAC;
        case 11: return TZ_DC_CVAU;
        case 12: return TZ_DC_CVAP;
        case 13: return TZ_DC_CVAP; /* DC CVADP: the PoDP is the PoC here */
        case 14: return TZ_DC_CIVAC;
        default: return -1;
        }
    }
    return -1;
}

const char *tz_cmo_name(enum tz_cmo op)
{
    static const char *const n[TZ_CMO_COUNT] = {
        "DC CIVAC", "DC CVAC", "DC CVAP", "DC CVAU", "DC IVAC", "DC ZVA",
        "DC CISW", "DC CSW", "DC ISW", "IC IALLU", "IC IALLUIS", "IC IVAU",
    };
    return (unsigned)op < TZ_CMO_COUNT ? n[op] : "?";
}

bool tz_cmo_by_va(enum tz_cmo op)
{
    return op <= TZ_DC_ZVA || op == TZ_IC_IVAU;
}

bool tz_cmo_by_sw(enum tz_cmo op)
{
    return op == TZ_DC_CISW || op == TZ_DC_CSW || op == TZ_DC_ISW;
}

/* Clean to the PoU (the L2): an M L1D copy writes its data to the L2. */
static uint32_t clean_pou(struct tz_cache *m, uint64_t key)
{
    int li = cfind(&m->l2, key);
    if (li < 0 || !(m->l2.l[li].flags & F_OWNER_M))
        return 0;
    int o = m->l2.l[li].owner;
    int j = cfind(&m->l1d[o], key);
    assert(j >= 0);
    l1_writeback(m, (unsigned)o, j);
    m->l1d[o].l[j].state = ST_E;   /* still the only copy, now clean */
    return m->cfg.cost.l2_hit;
}

static uint32_t clean_poc(struct tz_cache *m, uint64_t key)
{
    uint32_t cyc = clean_pou(m, key);
    int li = cfind(&m->l2, key);
    if (li >= 0)
        cyc += mem_writeback(m, li);
    return cyc;
}

/* Drops every copy of key in the coherent domain; `lost` (DC IVAC) reports
 * dirty data being discarded. */
static void inval_line(struct tz_cache *m, uint64_t key, const struct tz_finding_side *lost)
{
    int li = cfind(&m->l2, key);
    if (li < 0)
        return;
    uint64_t lpa = line_pa(m, key);
    if (lost) {
        const struct cold *dc;
        unsigned where;
        int cpu;
        if (dirty_copy(m, key, 0, &dc, &where, &cpu)) {
            struct tz_finding_side a = writer_side(m, dc, lpa, where, cpu);
            report(m, TZ_RULE_LOST_WRITE, TZ_FIX_CLEAN_BEFORE_INVAL, lpa, (unsigned)(key & 1), &a, lost);
        }
    }
    uint32_t pres = m->l2.c[li].presence;
    while (pres) {
        unsigned p = (unsigned)__builtin_ctz(pres);
        pres &= pres - 1;
        int j = cfind(&m->l1d[p], key);
        assert(j >= 0);
        l1_invalidate(m, p, j);
    }
    line_clear(&m->l2.l[li]);
    m->l2.c[li].presence = 0;
    maybe_drop_shadow(m, lpa);
}

static unsigned ceil_log2(unsigned v)
{
    unsigned n = 0;
    while ((1u << n) < v)
        n++;
    return n;
}

static uint32_t set_way(struct tz_cache *m, unsigned core, enum tz_cmo op, uint64_t xt,
                        const struct tz_access_ctx *ctx)
{
    unsigned level = (unsigned)(xt >> 1) & 7;
    struct cache *k = level == 0 ? &m->l1d[core] : level == 1 ? &m->l2 : NULL;
    const uint32_t cyc = m->cfg.cost.maint;
    if (!k)
        return cyc; /* no cache at that level: nothing to do */
    /* Xt: Way in [31:32-A], Set in [B-1:L], Level in [3:1] (Arm ARM "DC
     * CISW"), A = ceil(log2(ways)), L = log2(line size). */
    unsigned a = ceil_log2(k->ways);
    uint32_t set = (uint32_t)(xt >> m->lshift) & (k->sets - 1);
    uint32_t way = a ? (uint32_t)(xt >> (32 - a)) & ((1u << a) - 1) : 0;
    if (way >= k->ways)
        return cyc; /* out of range: no line there */
    int i = (int)(set * k->ways + way);
    struct line *ln = &k->l[i];
    if (ln->key == KEY_INVALID)
        return cyc;
    uint64_t key = ln->key, lpa = line_pa(m, key);
    struct tz_finding_side b = side_of(ctx, lpa, TZ_SIDE_CMO, NULL, false, TZ_WHERE_NONE, -1);
    b.cmo = (uint8_t)op;
    if (level == 0) {
        if (ln->state == ST_M && op != TZ_DC_ISW) {
            l1_writeback(m, core, i);
            ln->state = ST_E;
        }
        if (op == TZ_DC_ISW && ln->state == ST_M && ln->dirty_words) {
            struct tz_finding_side a = writer_side(m, &k->c[i], lpa, TZ_WHERE_L1D, (int)core);
            report(m, TZ_RULE_LOST_WRITE, TZ_FIX_CLEAN_BEFORE_INVAL, lpa, (unsigned)(key & 1), &a, &b);
        }
        if (op != TZ_DC_CSW)
            l1_invalidate(m, core, i);
        return cyc;
    }
    switch (op) {
    case TZ_DC_CSW:
        return cyc + mem_writeback(m, i);
    case TZ_DC_CISW:
        return cyc + l2_evict(m, i);
    default: /* ISW: the L2 line and, by inclusion, the L1D copies go */
        inval_line(m, key, &b);
        return cyc;
    }
}

uint32_t tz_cache_maint(struct tz_cache *m, unsigned core, enum tz_cmo op, uint64_t operand,
                        bool ns, const struct tz_memattr *attr, const struct tz_access_ctx *ctx)
{
    if (m->cfg.mode == TZ_CACHE_MODE_OFF)
        return 0;
    assert(core < m->ncores && (unsigned)op < TZ_CMO_COUNT);
    m->nfind = 0;
    m->st.cmo[ctx->ns & 1][op]++;
    const uint32_t cyc = m->cfg.cost.maint;
    uint64_t key = make_key(m, operand, ns);
    uint64_t lpa = operand & ~(uint64_t)(m->lsize - 1);

    switch (op) {
    case TZ_DC_ZVA: {
        /* Zeroes one block (= one line, DCZID_EL0.BS): a store of zeros. */
        struct tz_memattr a;
        if (attr) {
            a = *attr;
        } else {
            a = tz_memattr_decode(0xff, 3, ns);
        }
        a.ns = ns;
        return cyc + tz_cache_access(m, core, lpa, m->lsize, TZ_ACC_WRITE, &a, ctx, m->zero, NULL);
    }
    case TZ_DC_CVAU:
        return cyc + clean_pou(m, key);
    case TZ_DC_CVAC:
    case TZ_DC_CVAP:
        return cyc + clean_poc(m, key);
    case TZ_DC_CIVAC: {
        uint32_t c = clean_poc(m, key);
        inval_line(m, key, NULL);
        return cyc + c;
    }
    case TZ_DC_IVAC: {
        struct tz_finding_side b = side_of(ctx, operand, TZ_SIDE_CMO, NULL, false, TZ_WHERE_NONE, -1);
        b.cmo = (uint8_t)op;
        inval_line(m, key, &b);
        return cyc;
    }
    case TZ_DC_CISW:
    case TZ_DC_CSW:
    case TZ_DC_ISW:
        return set_way(m, core, op, operand, ctx);
    case TZ_IC_IALLU:
    case TZ_IC_IALLUIS:
        for (unsigned p = 0; p < m->ncores; p++) {
            if (op == TZ_IC_IALLU && p != core)
                continue;
            struct cache *ic = &m->l1i[p];
            for (uint32_t i = 0; i < ic->sets * ic->ways; i++)
                line_clear(&ic->l[i]);
            m->iall_ver[p] = m->ver;
        }
        return cyc;
    case TZ_IC_IVAU: {
        for (unsigned p = 0; p < m->ncores; p++) {
            int j = cfind(&m->l1i[p], key);
            if (j >= 0)
                line_clear(&m->l1i[p].l[j]);
        }
        struct dline *d = dir_find(m, lpa, true);
        if (d)
            d->ivau_ver = m->ver;
        return cyc;
    }
    default:
        return cyc;
    }
}

/* ---- DMA and reset ------------------------------------------------------ */

uint32_t tz_cache_dma_read(struct tz_cache *m, uint64_t pa, uint64_t len, bool ns,
                           const struct tz_access_ctx *ctx, uint8_t *out)
{
    if (m->cfg.mode == TZ_CACHE_MODE_OFF)
        return 0;
    assert(TZ_CTX_IS_DMA(ctx));
    static const struct tz_memattr dev = {.type = TZ_MT_DEVICE_nGnRnE, .sh = TZ_SH_OSH};
    struct tz_memattr a = dev;
    a.ns = ns;
    uint32_t cyc = 0;
    uint64_t done = 0;
    while (done < len) {
        uint64_t p = pa + done;
        unsigned o = (unsigned)(p & (m->lsize - 1));
        unsigned n = m->lsize - o;
        if (n > len - done)
            n = (unsigned)(len - done);
        const uint8_t *obs = NULL;
        cyc += uncached(m, -1, p, o, n, make_key(m, p, ns), words_of(o, n), TZ_ACC_READ, &a, ctx,
                        NULL, &obs);
        if (out && obs)
            memcpy(out + done, obs, n);
        m->st.dma_reads++;
        done += n;
    }
    return cyc;
}

uint32_t tz_cache_dma_write(struct tz_cache *m, uint64_t pa, uint64_t len, bool ns,
                            const struct tz_access_ctx *ctx, const void *data)
{
    if (m->cfg.mode == TZ_CACHE_MODE_OFF)
        return 0;
    assert(TZ_CTX_IS_DMA(ctx));
    static const struct tz_memattr dev = {.type = TZ_MT_DEVICE_nGnRnE, .sh = TZ_SH_OSH};
    struct tz_memattr a = dev;
    a.ns = ns;
    uint32_t cyc = 0;
    uint64_t done = 0;
    while (done < len) {
        uint64_t p = pa + done;
        unsigned o = (unsigned)(p & (m->lsize - 1));
        unsigned n = m->lsize - o;
        if (n > len - done)
            n = (unsigned)(len - done);
        const uint8_t *obs = NULL;
        cyc += uncached(m, -1, p, o, n, make_key(m, p, ns), words_of(o, n), TZ_ACC_WRITE, &a, ctx,
                        data ? (const uint8_t *)data + done : NULL, &obs);
        m->st.dma_writes++;
        done += n;
    }
    return cyc;
}

void tz_cache_core_reset(struct tz_cache *m, unsigned core, const struct tz_access_ctx *ctx)
{
    if (m->cfg.mode == TZ_CACHE_MODE_OFF)
        return;
    assert(core < m->ncores);
    struct cache *d = &m->l1d[core];
    for (uint32_t i = 0; i < d->sets * d->ways; i++) {
        struct line *ln = &d->l[i];
        if (ln->key == KEY_INVALID)
            continue;
        if (ln->state == ST_M && ln->dirty_words) {
            uint64_t lpa = line_pa(m, ln->key);
            struct tz_finding_side a = writer_side(m, &d->c[i], lpa, TZ_WHERE_L1D, (int)core);
            struct tz_finding_side b = side_of(ctx, lpa, TZ_SIDE_RESET, NULL, false, TZ_WHERE_NONE, -1);
            report(m, TZ_RULE_LOST_WRITE, TZ_FIX_CLEAN_BEFORE_RESET, lpa, (unsigned)(ln->key & 1), &a, &b);
        }
        l1_invalidate(m, core, (int)i);
    }
    struct cache *ic = &m->l1i[core];
    for (uint32_t i = 0; i < ic->sets * ic->ways; i++)
        line_clear(&ic->l[i]);
    m->iall_ver[core] = m->ver;
}

/* ---- Identification registers -------------------------------------------- */

uint64_t tz_cache_clidr(const struct tz_cache *m)
{
    (void)m;
    /* Ctype1 = 0b011 (separate I and D), Ctype2 = 0b100 (unified),
     * LoUIS [23:21] = 1, LoC [26:24] = 2, LoUU [29:27] = 1: cleaning to the
     * PoU needs only level 1. */
    return 3u | 4u << 3 | 1u << 21 | 2u << 24 | 1u << 27;
}

static uint64_t ccsidr_of(const struct cache *k, unsigned lshift, uint64_t alloc)
{
    return alloc << 28 | (uint64_t)(k->sets - 1) << 13 | (uint64_t)(k->ways - 1) << 3 |
           (uint64_t)(lshift - 4);
}

uint64_t tz_cache_ccsidr(const struct tz_cache *m, unsigned core, uint64_t csselr)
{
    unsigned level = (unsigned)(csselr >> 1) & 7;
    bool ind = csselr & 1;
    if (core >= m->ncores)
        return 0;
    /* Bits [31:28]: WT, WB, RA, WA (Armv8.0 layout; IMPLEMENTATION DEFINED later). */
    if (level == 0)
        return ind ? ccsidr_of(&m->l1i[core], m->lshift, 0x2) : ccsidr_of(&m->l1d[core], m->lshift, 0x7);
    if (level == 1 && !ind)
        return ccsidr_of(&m->l2, m->lshift, 0x7);
    return 0;
}

uint64_t tz_cache_ctr(const struct tz_cache *m)
{
    uint64_t lw = m->lshift - 2; /* log2(words per line) */
    return 1ull << 31 | lw << 24 | lw << 20 | lw << 16 | 3ull << 14 | lw;
}

uint64_t tz_cache_dczid(const struct tz_cache *m)
{
    return m->lshift - 2;
}

/* ---- Configuration and life cycle --------------------------------------- */

static const struct tz_cache_costs default_costs = {
    .l1_hit = 1, .l2_hit = 12, .snoop = 20, .mem = 120, .uncached = 120, .writeback = 0, .maint = 4,
};

static void geom(struct tz_cache_geom *g, uint32_t size, uint32_t ways)
{
    g->size = size;
    g->line = 64;
    g->ways = ways;
    g->sets = size / (64 * ways);
}

void tz_cache_geom_for_cpu(const char *compatible, struct tz_cache_geom *l1i,
                           struct tz_cache_geom *l1d, struct tz_cache_geom *l2)
{
    /* Technical Reference Manuals: Cortex-A53 L1I 2-way, L1D 4-way, L2
     * 16-way (sizes configurable; 32 KiB, 32 KiB, 1 MiB taken); Cortex-A57
     * and A72 L1I 48 KiB 3-way, L1D 32 KiB 2-way, L2 16-way (2 MiB for the
     * A57, 1 MiB for the A72 as on the Raspberry Pi 4); 64-byte lines. */
    if (compatible && strcmp(compatible, "arm,cortex-a53") == 0) {
        geom(l1i, 32 * 1024, 2);
        geom(l1d, 32 * 1024, 4);
        geom(l2, 1024 * 1024, 16);
    } else if (compatible && strcmp(compatible, "arm,cortex-a72") == 0) {
        geom(l1i, 48 * 1024, 3);
        geom(l1d, 32 * 1024, 2);
        geom(l2, 1024 * 1024, 16);
    } else {
        geom(l1i, 48 * 1024, 3);
        geom(l1d, 32 * 1024, 2);
        geom(l2, 2 * 1024 * 1024, 16);
    }
}

void tz_cache_config_default(struct tz_cache_config *cfg, unsigned ncores)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ncores = ncores;
    for (unsigned i = 0; i < TZ_CACHE_MAX_CORES; i++)
        tz_cache_geom_for_cpu("arm,cortex-a57", &cfg->l1i[i], &cfg->l1d[i], &cfg->l2);
    cfg->cost = default_costs;
    cfg->mode = TZ_CACHE_MODE_CHECK;
}

static int check_geom(const struct tz_cache_geom *g, const char *name, uint32_t line,
                      struct tz_error *err)
{
    if (!pow2(g->line) || g->line < 16 || g->line > TZ_CACHE_MAX_LINE)
        return tz_error_set(err, NULL, "%s: line size %u is not a power of two in 16..%u", name,
                            g->line, TZ_CACHE_MAX_LINE);
    if (g->line != line)
        return tz_error_set(err, NULL,
                            "%s: line size %u differs from the L1D's %u (tzsim models one line size)",
                            name, g->line, line);
    if (!pow2(g->sets))
        return tz_error_set(err, NULL, "%s: %u sets is not a power of two", name, g->sets);
    if (g->ways < 1 || g->ways > 32)
        return tz_error_set(err, NULL, "%s: %u ways is outside 1..32", name, g->ways);
    if ((uint64_t)g->line * g->sets * g->ways != g->size)
        return tz_error_set(err, NULL, "%s: size %u is not line %u x sets %u x ways %u", name,
                            g->size, g->line, g->sets, g->ways);
    return 0;
}

int tz_cache_config_validate(const struct tz_cache_config *cfg, struct tz_error *err)
{
    char name[32];
    if (cfg->ncores < 1 || cfg->ncores > TZ_CACHE_MAX_CORES)
        return tz_error_set(err, NULL, "caches: %u cores, expected 1..%u", cfg->ncores,
                            TZ_CACHE_MAX_CORES);
    if ((unsigned)cfg->mode > TZ_CACHE_MODE_FAITHFUL)
        return tz_error_set(err, NULL, "caches: unknown mode %d", (int)cfg->mode);
    uint32_t line = cfg->l1d[0].line;
    for (unsigned i = 0; i < cfg->ncores; i++) {
        snprintf(name, sizeof name, "cpu%u L1D", i);
        if (check_geom(&cfg->l1d[i], name, line, err))
            return -1;
        snprintf(name, sizeof name, "cpu%u L1I", i);
        if (check_geom(&cfg->l1i[i], name, line, err))
            return -1;
    }
    return check_geom(&cfg->l2, "L2", line, err);
}

static int cache_init(struct cache *k, const struct tz_cache_geom *g, bool faithful)
{
    memset(k, 0, sizeof *k);
    size_t n = (size_t)g->sets * g->ways;
    k->sets = g->sets;
    k->ways = g->ways;
    k->set_mask = g->sets - 1;
    k->l = calloc(n, sizeof *k->l);
    k->c = calloc(n, sizeof *k->c);
    if (faithful)
        k->data = calloc(n, g->line);
    if (!k->l || !k->c || (faithful && !k->data))
        return -1;
    for (size_t i = 0; i < n; i++)
        line_clear(&k->l[i]);
    return 0;
}

static void cache_free(struct cache *k)
{
    free(k->l);
    free(k->c);
    free(k->data);
}

struct tz_cache *tz_cache_create(const struct tz_cache_config *cfg, struct tz_checker *chk,
                                 struct tz_error *err)
{
    if (tz_cache_config_validate(cfg, err))
        return NULL;
    struct tz_cache *m = calloc(1, sizeof *m);
    if (!m) {
        tz_error_set(err, NULL, "caches: out of memory");
        return NULL;
    }
    m->cfg = *cfg;
    m->chk = chk;
    m->faithful = cfg->mode == TZ_CACHE_MODE_FAITHFUL;
    m->ncores = cfg->ncores;
    m->lsize = cfg->l1d[0].line;
    m->lshift = log2u(m->lsize);
    m->nwords = m->lsize / 4;
    m->all_words = m->nwords >= 64 ? ~0ull : (1ull << m->nwords) - 1;
    m->lines_per_page = 4096u >> m->lshift;
    bool ok = cache_init(&m->l2, &cfg->l2, m->faithful) == 0;
    for (unsigned i = 0; i < m->ncores && ok; i++)
        ok = cache_init(&m->l1d[i], &cfg->l1d[i], m->faithful) == 0 &&
             cache_init(&m->l1i[i], &cfg->l1i[i], m->faithful) == 0;
    if (!ok) {
        tz_cache_destroy(m);
        tz_error_set(err, NULL, "caches: out of memory");
        return NULL;
    }
    return m;
}

void tz_cache_destroy(struct tz_cache *m)
{
    if (!m)
        return;
    for (unsigned i = 0; i < TZ_CACHE_MAX_CORES; i++) {
        cache_free(&m->l1d[i]);
        cache_free(&m->l1i[i]);
    }
    cache_free(&m->l2);
    dir_free(m);
    free(m);
}

void tz_cache_set_ram(struct tz_cache *m, tz_cache_ram_fn fn, void *ctx)
{
    m->ram = fn;
    m->ram_ctx = ctx;
}

enum tz_cache_mode tz_cache_mode(const struct tz_cache *m)
{
    return m->cfg.mode;
}

unsigned tz_cache_line_size(const struct tz_cache *m)
{
    return m->lsize;
}

const struct tz_cache_stats *tz_cache_stats(const struct tz_cache *m)
{
    return &m->st;
}

bool tz_cache_probe(const struct tz_cache *m, unsigned core, enum tz_cache_which which,
                    uint64_t pa, bool ns, struct tz_cache_line_info *out)
{
    memset(out, 0, sizeof *out);
    const struct cache *k = which == TZ_CACHE_L2 ? &m->l2
                            : which == TZ_CACHE_L1D ? &m->l1d[core] : &m->l1i[core];
    if (which != TZ_CACHE_L2 && core >= m->ncores)
        return false;
    int i = cfind(k, make_key(m, pa, ns));
    if (i < 0)
        return false;
    const struct line *l = &k->l[i];
    out->valid = true;
    out->mesi = l->state;
    out->dirty = l->state == ST_M;
    out->version = l->ver;
    out->stale_words = l->stale_words;
    out->presence = which == TZ_CACHE_L2 ? k->c[i].presence : 0;
    out->set = (unsigned)i / k->ways;
    out->way = (unsigned)i % k->ways;
    return true;
}

uint64_t tz_cache_mem_version(const struct tz_cache *m, uint64_t pa)
{
    struct dline *d = dir_find((struct tz_cache *)m, pa & ~(uint64_t)(m->lsize - 1), false);
    return d ? d->mem_ver : 0;
}

/* ---- Self-check ---------------------------------------------------------- */

#define BAD(...) do { snprintf(why, cap, __VA_ARGS__); return -1; } while (0)

int tz_cache_selfcheck(const struct tz_cache *m, char *why, size_t cap)
{
    for (unsigned p = 0; p < m->ncores; p++) {
        const struct cache *d = &m->l1d[p];
        for (uint32_t i = 0; i < d->sets * d->ways; i++) {
            const struct line *ln = &d->l[i];
            if (ln->key == KEY_INVALID)
                continue;
            if (cfind(d, ln->key) != (int)i)
                BAD("cpu%u L1D line %u: key 0x%llx found elsewhere", p, i, (unsigned long long)ln->key);
            if (ln->state == ST_I || ln->state > ST_M)
                BAD("cpu%u L1D line %u: valid with state %u", p, i, ln->state);
            const struct line *l2 = &m->l2.l[ln->l2idx];
            const struct cold *c2 = &m->l2.c[ln->l2idx];
            if (l2->key != ln->key)
                BAD("cpu%u L1D 0x%llx: not in the L2 (inclusion)", p, (unsigned long long)ln->key);
            if (!(c2->presence & (1u << p)))
                BAD("cpu%u L1D 0x%llx: presence bit clear", p, (unsigned long long)ln->key);
            if ((ln->state == ST_E || ln->state == ST_M) &&
                (l2->owner != (int8_t)p || c2->presence != (1u << p)))
                BAD("cpu%u L1D 0x%llx: %s but owner %d presence 0x%x", p, (unsigned long long)ln->key,
                    ln->state == ST_M ? "M" : "E", l2->owner, c2->presence);
            if (ln->state == ST_S && l2->owner >= 0)
                BAD("cpu%u L1D 0x%llx: S with owner %d", p, (unsigned long long)ln->key, l2->owner);
            if ((ln->state == ST_M) != ((l2->flags & F_OWNER_M) && l2->owner == (int8_t)p))
                BAD("cpu%u L1D 0x%llx: state %u vs F_OWNER_M", p, (unsigned long long)ln->key, ln->state);
            if (ln->state != ST_M && ln->ver != l2->ver)
                BAD("cpu%u L1D 0x%llx: clean copy v%llu, L2 v%llu", p, (unsigned long long)ln->key,
                    (unsigned long long)ln->ver, (unsigned long long)l2->ver);
            if (ln->state == ST_M && ln->ver < l2->ver)
                BAD("cpu%u L1D 0x%llx: M copy older than the L2", p, (unsigned long long)ln->key);
            if (ln->state != ST_M && ln->dirty_words)
                BAD("cpu%u L1D 0x%llx: clean with dirty words", p, (unsigned long long)ln->key);
            if (m->faithful && ln->state != ST_M &&
                memcmp(cdata(m, d, (int)i), cdata(m, &m->l2, (int)ln->l2idx), m->lsize) != 0)
                BAD("cpu%u L1D 0x%llx: clean copy's data differ from the L2's", p,
                    (unsigned long long)ln->key);
        }
        const struct cache *ic = &m->l1i[p];
        for (uint32_t i = 0; i < ic->sets * ic->ways; i++)
            if (ic->l[i].key != KEY_INVALID && cfind(ic, ic->l[i].key) != (int)i)
                BAD("cpu%u L1I line %u: duplicate", p, i);
    }
    for (uint32_t i = 0; i < m->l2.sets * m->l2.ways; i++) {
        const struct line *l2 = &m->l2.l[i];
        const struct cold *c2 = &m->l2.c[i];
        if (l2->key == KEY_INVALID) {
            if (c2->presence)
                BAD("L2 line %u: invalid with presence 0x%x", i, c2->presence);
            continue;
        }
        if (cfind(&m->l2, l2->key) != (int)i)
            BAD("L2 line %u: duplicate", i);
        uint32_t pres = c2->presence;
        while (pres) {
            unsigned p = (unsigned)__builtin_ctz(pres);
            pres &= pres - 1;
            int j = cfind(&m->l1d[p], l2->key);
            if (j < 0 || m->l1d[p].l[j].l2idx != i)
                BAD("L2 0x%llx: presence bit %u without an L1D copy", (unsigned long long)l2->key, p);
        }
        if (l2->owner >= 0 && !(c2->presence & (1u << l2->owner)))
            BAD("L2 0x%llx: owner %d not present", (unsigned long long)l2->key, l2->owner);
        if ((l2->flags & F_OWNER_M) && l2->owner < 0)
            BAD("L2 0x%llx: F_OWNER_M without owner", (unsigned long long)l2->key);
        if (l2->state != ST_M && l2->dirty_words)
            BAD("L2 0x%llx: clean with dirty words", (unsigned long long)l2->key);
    }
    return 0;
}
