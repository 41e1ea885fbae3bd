/* The coherence checker: findings about missing cache maintenance.
 *
 * The cache model (cache.h) detects the conditions over its version model
 * and reports them here; this file owns the finding records, their
 * deduplication and their messages. Each finding names both sides — the
 * earlier access whose data or copy is involved, and the access that exposed
 * the problem — with CPU, world, EL, PC, instruction count, VA and PA, and
 * the maintenance operation that was missing between them.
 *
 * Rules (persisted: append only, never renumber):
 *   1 stale read          a Non-cacheable/Device/non-coherent read of a
 *                         location whose newest data is dirty in a cache;
 *   2 stale cached read   a cached read hitting a clean copy older than memory;
 *   3 lost write          an invalidation (DC IVAC, DC ISW, reset) discarding
 *                         dirty data;
 *   4 stale instructions  executing code written after the last I-cache
 *                         invalidation covering it, or not cleaned to PoU;
 *   5 mismatched attributes  one line accessed cacheable and non-cacheable,
 *                         or with different shareability, by different
 *                         CPUs/worlds while a copy is live;
 *   6 secure alias        secure and non-secure copies of one PA line live,
 *                         one of them dirty;
 *   7 overwritten write   a non-cacheable or DMA write under a dirty cached
 *                         copy, whose write-back will overwrite it.
 *   8 tzasc-blocked       a non-secure access to secure memory, blocked by
 *                         the TZASC (the machine reports it; not a cache rule).
 */
#ifndef TZ_CACHE_CHECKER_H
#define TZ_CACHE_CHECKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/cache/cache.h"

enum tz_cache_rule {
    TZ_RULE_STALE_READ = 1,
    TZ_RULE_STALE_CACHED_READ = 2,
    TZ_RULE_LOST_WRITE = 3,
    TZ_RULE_STALE_INSTR = 4,
    TZ_RULE_ATTR_MISMATCH = 5,
    TZ_RULE_SECURE_ALIAS = 6,
    TZ_RULE_OVERWRITTEN_WRITE = 7,
    TZ_RULE_TZASC = 8,
    TZ_RULE_MAX = 8
};

/* The maintenance that was missing (persisted: append only). */
enum tz_cache_fix {
    TZ_FIX_NONE = 0,
    TZ_FIX_CLEAN_POC = 1,          /* DC CVAC/CIVAC to PoC between the write and the read */
    TZ_FIX_INVAL_POC = 2,          /* DC IVAC/CIVAC to PoC between the write and the read */
    TZ_FIX_CLEAN_BEFORE_INVAL = 3, /* DC CVAC before the invalidate (or DC CIVAC) */
    TZ_FIX_IC_INVAL = 4,           /* IC IVAU/IALLU between the write and the fetch */
    TZ_FIX_CLEAN_POU = 5,          /* DC CVAU to PoU between the write and the fetch */
    TZ_FIX_CLEAN_POU_IC_INVAL = 6, /* DC CVAU then IC IVAU */
    TZ_FIX_SAME_ATTRS = 7,         /* same attributes, or DC CIVAC before changing them */
    TZ_FIX_CLEAN_ALIAS = 8,        /* DC CIVAC of the other-world alias */
    TZ_FIX_CLEAN_BEFORE_NC_WRITE = 9, /* DC CIVAC/CVAC before the non-coherent write */
    TZ_FIX_CLEAN_BEFORE_RESET = 10,   /* clean (DC CISW/CIVAC) before the core is reset */
    TZ_FIX_TZASC_RAZWI = 11,          /* TZASC: the access read as zero / was ignored */
    TZ_FIX_TZASC_ABORT = 12,          /* TZASC: the access got an external abort */
};

/* What one side of a finding did. */
enum tz_side_kind {
    TZ_SIDE_NONE = 0,   /* unknown (e.g. data loaded before the run) */
    TZ_SIDE_READ = 1,
    TZ_SIDE_WRITE = 2,
    TZ_SIDE_FETCH = 3,
    TZ_SIDE_CMO = 4,
    TZ_SIDE_FILL = 5,   /* the access that brought a copy into a cache */
    TZ_SIDE_RESET = 6,
};

/* Where the copy involved lives. */
enum tz_where { TZ_WHERE_NONE = 0, TZ_WHERE_L1D = 1, TZ_WHERE_L1I = 2, TZ_WHERE_L2 = 3, TZ_WHERE_MEM = 4 };

struct tz_finding_side {
    struct tz_access_ctx ctx;
    uint64_t pa;
    struct tz_memattr attr;  /* attributes of this side's access */
    uint8_t kind;            /* enum tz_side_kind */
    uint8_t cmo;             /* enum tz_cmo, when kind == TZ_SIDE_CMO */
    uint8_t uncached;        /* the access bypassed the caches (NC, Device, DMA) */
    uint8_t where;           /* enum tz_where: the cache holding this side's copy */
    int8_t where_cpu;        /* its core (L1 caches) */
};

#define TZ_FINDING_MSG 512

struct tz_finding {
    uint32_t id;             /* order of first occurrence, from 0 */
    uint8_t rule;            /* enum tz_cache_rule */
    uint8_t fix;             /* enum tz_cache_fix */
    bool ns;                 /* PA space of the line accessed by `second` */
    uint64_t line_pa;
    struct tz_finding_side first;   /* the earlier access (write, fill) */
    struct tz_finding_side second;  /* the access that exposed the problem */
    uint64_t count;          /* occurrences, with this first one */
    uint64_t last_icount;    /* second.ctx.icount of the latest occurrence */
    int last_cpu;
    char msg[TZ_FINDING_MSG];
};

/* Called once per new finding (not for repeats), in order. */
typedef void (*tz_finding_sink_fn)(void *ctx, const struct tz_finding *f);

struct tz_checker;

/* max_findings: distinct findings kept (0 selects 4096); more are counted
 * as dropped. */
struct tz_checker *tz_checker_create(unsigned max_findings);
void tz_checker_destroy(struct tz_checker *k);
void tz_checker_set_sink(struct tz_checker *k, tz_finding_sink_fn fn, void *ctx);

/* Names for messages: a PC's symbol ("fill+0x14"), a DMA master's name.
 * Writes "" when there is none. */
enum tz_name_kind { TZ_NAME_PC = 0, TZ_NAME_MASTER = 1 };
typedef void (*tz_finding_name_fn)(void *ctx, enum tz_name_kind kind, uint64_t value, char *out,
                                   size_t cap);
void tz_checker_set_names(struct tz_checker *k, tz_finding_name_fn fn, void *ctx);

/* Records a finding (the cache model calls this). Identical findings — same
 * rule, same PCs on both sides, whatever the line — are counted on the
 * first one. Returns true for a new finding. */
bool tz_checker_report(struct tz_checker *k, enum tz_cache_rule rule, enum tz_cache_fix fix,
                       uint64_t line_pa, bool ns, const struct tz_finding_side *first,
                       const struct tz_finding_side *second);

size_t tz_checker_count(const struct tz_checker *k);          /* distinct findings */
uint64_t tz_checker_total(const struct tz_checker *k);        /* with repeats */
uint64_t tz_checker_dropped(const struct tz_checker *k);      /* beyond max_findings */
const struct tz_finding *tz_checker_get(const struct tz_checker *k, size_t i);
/* Distinct findings of one rule. */
size_t tz_checker_count_rule(const struct tz_checker *k, enum tz_cache_rule rule);

const char *tz_cache_rule_name(enum tz_cache_rule rule);  /* "stale-read" ... */
const char *tz_cache_fix_text(enum tz_cache_fix fix);     /* "no DC CVAC/CIVAC to PoC" ... */

#endif
