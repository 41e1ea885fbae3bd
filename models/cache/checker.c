/* Coherence checker: finding records, deduplication, messages. See checker.h. */
#include "models/cache/checker.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tz_checker {
    struct tz_finding *f;   /* in order of first occurrence */
    size_t n, cap, max;
    /* Dedup index: open addressing over f[] indices + 1 (0 = empty). */
    uint32_t *idx;
    size_t idx_cap;
    uint64_t total, dropped;
    tz_finding_sink_fn sink;
    void *sink_ctx;
    tz_finding_name_fn name;
    void *name_ctx;
};

struct tz_checker *tz_checker_create(unsigned max_findings)
{
    struct tz_checker *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->max = max_findings ? max_findings : 4096;
    k->idx_cap = 64;
    k->idx = calloc(k->idx_cap, sizeof *k->idx);
    if (!k->idx) {
        free(k);
        return NULL;
    }
    return k;
}

void tz_checker_destroy(struct tz_checker *k)
{
    if (!k)
        return;
    free(k->f);
    free(k->idx);
    free(k);
}

void tz_checker_set_names(struct tz_checker *k, tz_finding_name_fn fn, void *ctx)
{
    k->name = fn;
    k->name_ctx = ctx;
}

void tz_checker_set_sink(struct tz_checker *k, tz_finding_sink_fn fn, void *ctx)
{
    k->sink = fn;
    k->sink_ctx = ctx;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

/* A finding is one pair of code sites: the same rule with the same PCs on
 * both sides is one bug however many lines (a buffer's worth) it touches,
 * so repeats on other lines only count. */
static uint64_t key_hash(unsigned rule, uint64_t pc1, uint64_t pc2)
{
    uint64_t h = mix(rule, pc1);
    h = mix(h, pc2);
    return h ^ (h >> 29);
}

static bool same_key(const struct tz_finding *f, unsigned rule, uint64_t pc1, uint64_t pc2)
{
    return f->rule == rule && f->first.ctx.pc == pc1 && f->second.ctx.pc == pc2;
}

static int grow_index(struct tz_checker *k)
{
    size_t cap = k->idx_cap * 2;
    uint32_t *idx = calloc(cap, sizeof *idx);
    if (!idx)
        return -1;
    for (size_t i = 0; i < k->n; i++) {
        const struct tz_finding *f = &k->f[i];
        size_t h = key_hash(f->rule, f->first.ctx.pc, f->second.ctx.pc) & (cap - 1);
        while (idx[h])
            h = (h + 1) & (cap - 1);
        idx[h] = (uint32_t)i + 1;
    }
    free(k->idx);
    k->idx = idx;
    k->idx_cap = cap;
    return 0;
}

/* ---- Messages ----------------------------------------------------------- */

struct sbuf {
    char *p;
    size_t cap, len;
};

__attribute__((format(printf, 2, 3)))
static void put(struct sbuf *b, const char *fmt, ...)
{
    if (b->len >= b->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len += (size_t)n;
    if (b->len >= b->cap)
        b->len = b->cap - 1;
}

static const char *world(unsigned ns)
{
    return ns ? "non-secure" : "secure";
}

/* "cpu1 (secure EL1, pc 0x0e1004c0, icount 5512)" / "DMA master 0 (non-secure)" */
static void put_master(struct sbuf *b, const struct tz_checker *k, const struct tz_access_ctx *c)
{
    char name[96] = "";
    if (k->name)
        k->name(k->name_ctx, TZ_NAME_MASTER, (uint64_t)TZ_CTX_DMA_MASTER(c), name, sizeof name);
    if (name[0])
        put(b, "%s", name);
    else
        put(b, "DMA master %d", TZ_CTX_DMA_MASTER(c));
}

/* "0x40081234" or "0x40081234 <fill+0x14>" */
static void put_pc(struct sbuf *b, const struct tz_checker *k, uint64_t pc)
{
    char sym[96] = "";
    if (k->name)
        k->name(k->name_ctx, TZ_NAME_PC, pc, sym, sizeof sym);
    put(b, "0x%08" PRIx64, pc);
    if (sym[0])
        put(b, " <%s>", sym);
}

static void put_who(struct sbuf *b, const struct tz_checker *k, const struct tz_finding_side *s)
{
    const struct tz_access_ctx *c = &s->ctx;
    if (TZ_CTX_IS_DMA(c)) {
        put_master(b, k, c);
        put(b, " (%s)", world(c->ns));
        return;
    }
    put(b, "cpu%d (%s EL%u, pc ", c->cpu, world(c->ns), c->el);
    put_pc(b, k, c->pc);
    put(b, ", icount %" PRIu64, c->icount);
    if (c->flags & TZ_CTX_HAS_FID)
        put(b, ", serving SMC 0x%08" PRIx32, c->smc_fid);
    put(b, ")");
}

/* "the write at pc 0x40081234 (icount 5120, cpu0 non-secure EL1)" */
static void put_ref(struct sbuf *b, const struct tz_checker *k, const struct tz_finding_side *s,
                    const char *what)
{
    const struct tz_access_ctx *c = &s->ctx;
    if (s->kind == TZ_SIDE_NONE) {
        put(b, "data written before tracking began");
        return;
    }
    if (TZ_CTX_IS_DMA(c)) {
        put(b, "the %s by ", what);
        put_master(b, k, c);
        put(b, " (%s)", world(c->ns));
        return;
    }
    put(b, "the %s at pc ", what);
    put_pc(b, k, c->pc);
    put(b, " (icount %" PRIu64 ", cpu%d %s EL%u", c->icount, c->cpu, world(c->ns), c->el);
    if (c->flags & TZ_CTX_HAS_FID)
        put(b, ", serving SMC 0x%08" PRIx32, c->smc_fid);
    if (s->uncached)
        put(b, ", non-cacheable");
    put(b, ")");
}

static void put_addr(struct sbuf *b, const struct tz_finding_side *s)
{
    put(b, "0x%08" PRIx64, s->pa);
    if (!TZ_CTX_IS_DMA(&s->ctx) && s->ctx.va != s->pa)
        put(b, " (va 0x%" PRIx64 ")", s->ctx.va);
}

static void put_where(struct sbuf *b, const struct tz_finding_side *s)
{
    switch (s->where) {
    case TZ_WHERE_L1D: put(b, "cpu%d's L1D", s->where_cpu); break;
    case TZ_WHERE_L1I: put(b, "cpu%d's L1I", s->where_cpu); break;
    case TZ_WHERE_L2: put(b, "the L2"); break;
    case TZ_WHERE_MEM: put(b, "memory"); break;
    default: put(b, "a cache"); break;
    }
}

static void put_how(struct sbuf *b, const struct tz_finding_side *s)
{
    char a[48];
    if (TZ_CTX_IS_DMA(&s->ctx))
        put(b, "by non-coherent DMA");
    else if (s->attr.type != TZ_MT_NORMAL)
        put(b, "as %s", tz_memattr_str(&s->attr, a, sizeof a));
    else if (s->uncached)
        put(b, "non-cacheable");
    else
        put(b, "cacheable");
}

static const char *verb(const struct tz_finding_side *s)
{
    switch (s->kind) {
    case TZ_SIDE_WRITE: return "wrote";
    case TZ_SIDE_FETCH: return "fetched";
    default: return "read";
    }
}

const char *tz_cache_rule_name(enum tz_cache_rule rule)
{
    switch (rule) {
    case TZ_RULE_STALE_READ: return "stale-read";
    case TZ_RULE_STALE_CACHED_READ: return "stale-cached-read";
    case TZ_RULE_LOST_WRITE: return "lost-write";
    case TZ_RULE_STALE_INSTR: return "stale-instructions";
    case TZ_RULE_ATTR_MISMATCH: return "mismatched-attributes";
    case TZ_RULE_SECURE_ALIAS: return "secure-alias";
    case TZ_RULE_OVERWRITTEN_WRITE: return "overwritten-write";
    case TZ_RULE_TZASC: return "tzasc-blocked";
    }
    return "?";
}

const char *tz_cache_fix_text(enum tz_cache_fix fix)
{
    switch (fix) {
    case TZ_FIX_NONE: return "";
    case TZ_FIX_CLEAN_POC: return "no DC CVAC/CIVAC to PoC";
    case TZ_FIX_INVAL_POC: return "no DC IVAC/CIVAC to PoC";
    case TZ_FIX_CLEAN_BEFORE_INVAL: return "no DC CVAC/CIVAC to PoC";
    case TZ_FIX_IC_INVAL: return "no IC IVAU/IALLU";
    case TZ_FIX_CLEAN_POU: return "no DC CVAU to PoU";
    case TZ_FIX_CLEAN_POU_IC_INVAL: return "no DC CVAU to PoU and IC IVAU";
    case TZ_FIX_SAME_ATTRS: return "no DC CIVAC";
    case TZ_FIX_CLEAN_ALIAS: return "no DC CIVAC of the other alias";
    case TZ_FIX_CLEAN_BEFORE_NC_WRITE: return "no DC CIVAC/CVAC to PoC";
    case TZ_FIX_CLEAN_BEFORE_RESET: return "no clean (DC CISW/CIVAC)";
    case TZ_FIX_TZASC_RAZWI: return "blocked by the TZASC: read as zero, write ignored";
    case TZ_FIX_TZASC_ABORT: return "blocked by the TZASC: external abort";
    }
    return "?";
}

static const char *rule_label(unsigned rule)
{
    switch (rule) {
    case TZ_RULE_STALE_READ: return "stale read";
    case TZ_RULE_STALE_CACHED_READ: return "stale cached read";
    case TZ_RULE_LOST_WRITE: return "lost write";
    case TZ_RULE_STALE_INSTR: return "stale instructions";
    case TZ_RULE_ATTR_MISMATCH: return "mismatched attributes";
    case TZ_RULE_SECURE_ALIAS: return "secure/non-secure alias";
    case TZ_RULE_OVERWRITTEN_WRITE: return "overwritten write";
    case TZ_RULE_TZASC: return "non-secure access to secure memory";
    }
    return "?";
}

static void format(const struct tz_checker *k, struct tz_finding *f)
{
    struct sbuf b = {f->msg, sizeof f->msg, 0};
    const struct tz_finding_side *a = &f->first, *s = &f->second;
    const char *fix = tz_cache_fix_text((enum tz_cache_fix)f->fix);
    char at[48];

    put(&b, "%s: ", rule_label(f->rule));
    switch (f->rule) {
    case TZ_RULE_STALE_READ:
        put_who(&b, k, s);
        put(&b, " %s ", verb(s));
        put_addr(&b, s);
        put(&b, " ");
        put_how(&b, s);
        put(&b, "; its newest data is dirty in ");
        put_where(&b, a);
        put(&b, " since ");
        put_ref(&b, k, a, "write");
        put(&b, ": %s between the write and the %s", fix, s->kind == TZ_SIDE_FETCH ? "fetch" : "read");
        break;
    case TZ_RULE_STALE_CACHED_READ:
        put_who(&b, k, s);
        put(&b, " %s ", verb(s));
        put_addr(&b, s);
        put(&b, " from a clean copy in ");
        put_where(&b, s);
        put(&b, " older than memory, which holds ");
        put_ref(&b, k, a, "write");
        put(&b, ": %s between the write and the %s", fix, s->kind == TZ_SIDE_FETCH ? "fetch" : "read");
        break;
    case TZ_RULE_LOST_WRITE:
        put_who(&b, k, s);
        if (s->kind == TZ_SIDE_RESET)
            put(&b, " was reset");
        else
            put(&b, " executed %s on ", tz_cmo_name((enum tz_cmo)s->cmo));
        if (s->kind != TZ_SIDE_RESET)
            put_addr(&b, s);
        put(&b, " and discarded dirty data at 0x%08" PRIx64 " in ", f->line_pa);
        put_where(&b, a);
        put(&b, " from ");
        put_ref(&b, k, a, "write");
        put(&b, ": %s between the write and the %s", fix,
            s->kind == TZ_SIDE_RESET ? "reset" : "invalidate");
        break;
    case TZ_RULE_STALE_INSTR:
        put_who(&b, k, s);
        put(&b, " fetched ");
        put_addr(&b, s);
        put(&b, ", modified by ");
        put_ref(&b, k, a, "write");
        if (f->fix == TZ_FIX_IC_INVAL) {
            put(&b, " after the last I-cache invalidation on cpu%d covering it", s->ctx.cpu);
        } else {
            put(&b, ", whose data is still dirty in ");
            put_where(&b, a);
        }
        put(&b, ": %s between the write and the fetch", fix);
        break;
    case TZ_RULE_ATTR_MISMATCH:
        put_who(&b, k, s);
        put(&b, " accessed ");
        put_addr(&b, s);
        put(&b, " as %s", s->uncached && s->attr.type == TZ_MT_NORMAL ? "Normal NC"
                          : tz_memattr_str(&s->attr, at, sizeof at));
        put(&b, " while a copy brought in by ");
        put_ref(&b, k, a, "access");
        put(&b, " as %s is live in ", tz_memattr_str(&a->attr, at, sizeof at));
        put_where(&b, a);
        put(&b, ": %s between the two accesses (or map both alike)", fix);
        break;
    case TZ_RULE_SECURE_ALIAS:
        put_who(&b, k, s);
        put(&b, " %s ", verb(s));
        put_addr(&b, s);
        put(&b, " in the %s PA space while the %s copy of the line, %s ", world(f->ns),
            world(!f->ns), a->kind == TZ_SIDE_WRITE ? "dirty from" : "from");
        put_ref(&b, k, a, a->kind == TZ_SIDE_WRITE ? "write" : "access");
        put(&b, ", is live in ");
        put_where(&b, a);
        put(&b, ": %s between the two accesses", fix);
        break;
    case TZ_RULE_OVERWRITTEN_WRITE:
        put_who(&b, k, s);
        put(&b, " wrote ");
        put_addr(&b, s);
        put(&b, " ");
        put_how(&b, s);
        put(&b, " while ");
        put_where(&b, a);
        put(&b, " holds a dirty copy from ");
        put_ref(&b, k, a, "write");
        put(&b, " whose write-back will overwrite it: %s between the cached write and this write", fix);
        break;
    case TZ_RULE_TZASC:
        put_who(&b, k, s);
        put(&b, " %s ", s->kind == TZ_SIDE_WRITE ? "wrote" : s->kind == TZ_SIDE_FETCH ? "fetched" : "read");
        put_addr(&b, s);
        put(&b, " with a non-secure access: %s", fix);
        break;
    default:
        put(&b, "line 0x%08" PRIx64, f->line_pa);
        break;
    }
}

bool tz_checker_report(struct tz_checker *k, enum tz_cache_rule rule, enum tz_cache_fix fix,
                       uint64_t line_pa, bool ns, const struct tz_finding_side *first,
                       const struct tz_finding_side *second)
{
    assert(rule >= 1 && rule <= TZ_RULE_MAX);
    k->total++;
    uint64_t pc1 = first->ctx.pc, pc2 = second->ctx.pc;
    size_t h = key_hash(rule, pc1, pc2) & (k->idx_cap - 1);
    while (k->idx[h]) {
        struct tz_finding *f = &k->f[k->idx[h] - 1];
        if (same_key(f, rule, pc1, pc2)) {
            f->count++;
            f->last_icount = second->ctx.icount;
            f->last_cpu = second->ctx.cpu;
            return false;
        }
        h = (h + 1) & (k->idx_cap - 1);
    }
    if (k->n >= k->max || k->n + 1 >= k->idx_cap) {
        k->dropped++;
        return false;
    }
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 16;
        if (cap > k->max)
            cap = k->max;
        struct tz_finding *nf = realloc(k->f, cap * sizeof *nf);
        if (!nf) {
            k->dropped++;
            return false;
        }
        k->f = nf;
        k->cap = cap;
    }
    struct tz_finding *f = &k->f[k->n];
    memset(f, 0, sizeof *f);
    f->id = (uint32_t)k->n;
    f->rule = (uint8_t)rule;
    f->fix = (uint8_t)fix;
    f->ns = ns;
    f->line_pa = line_pa;
    f->first = *first;
    f->second = *second;
    f->count = 1;
    f->last_icount = second->ctx.icount;
    f->last_cpu = second->ctx.cpu;
    format(k, f);
    k->idx[h] = (uint32_t)k->n + 1;
    k->n++;
    if (k->n * 2 > k->idx_cap)
        (void)grow_index(k); /* on failure the table just stays fuller */
    if (k->sink)
        k->sink(k->sink_ctx, f);
    return true;
}

size_t tz_checker_count(const struct tz_checker *k)
{
    return k->n;
}

uint64_t tz_checker_total(const struct tz_checker *k)
{
    return k->total;
}

uint64_t tz_checker_dropped(const struct tz_checker *k)
{
    return k->dropped;
}

const struct tz_finding *tz_checker_get(const struct tz_checker *k, size_t i)
{
    return i < k->n ? &k->f[i] : NULL;
}

size_t tz_checker_count_rule(const struct tz_checker *k, enum tz_cache_rule rule)
{
    size_t n = 0;
    for (size_t i = 0; i < k->n; i++)
        n += k->f[i].rule == rule;
    return n;
}
