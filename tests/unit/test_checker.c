/* The coherence checker (models/cache/checker.h): each rule with a positive
 * case and a negative one (the same sequence with the right maintenance),
 * the sides and messages of findings, deduplication. */
#include <criterion/criterion.h>
#include <string.h>

#include "models/cache/cache.h"
#include "models/cache/checker.h"

struct fixture {
    struct tz_checker *k;
    struct tz_cache *c;
};

static struct fixture fx(unsigned ncores)
{
    struct fixture f;
    f.k = tz_checker_create(0);
    cr_assert_not_null(f.k);
    struct tz_cache_config cfg;
    tz_cache_config_default(&cfg, ncores);
    struct tz_error err = {{0}};
    f.c = tz_cache_create(&cfg, f.k, &err);
    cr_assert_not_null(f.c, "%s", err.msg);
    return f;
}

static void done(struct fixture *f)
{
    tz_cache_destroy(f->c);
    tz_checker_destroy(f->k);
}

static struct tz_access_ctx who(int cpu, int ns, unsigned el, uint64_t pc, uint64_t icount, uint64_t va)
{
    struct tz_access_ctx c = {0};
    c.cpu = (int8_t)cpu;
    c.ns = (uint8_t)ns;
    c.el = (uint8_t)el;
    c.pc = pc;
    c.icount = icount;
    c.va = va;
    return c;
}

static struct tz_memattr wb(int ns)
{
    return tz_memattr_decode(0xff, 3, ns);
}
static struct tz_memattr nc(int ns)
{
    return tz_memattr_decode(0x44, 2, ns);
}
static struct tz_memattr dev(int ns)
{
    return tz_memattr_decode(0x00, 0, ns);
}

static void acc(struct fixture *f, const struct tz_access_ctx *x, uint64_t pa, enum tz_acc_kind kind,
                struct tz_memattr a)
{
    uint64_t v = 0;
    tz_cache_access(f->c, (unsigned)x->cpu, pa, kind == TZ_ACC_FETCH ? 4 : 8, kind, &a, x, &v, NULL);
}

static void cmo(struct fixture *f, const struct tz_access_ctx *x, enum tz_cmo op, uint64_t pa, bool ns)
{
    tz_cache_maint(f->c, (unsigned)x->cpu, op, pa, ns, NULL, x);
}

static const struct tz_finding *first_of(const struct tz_checker *k, enum tz_cache_rule rule)
{
    for (size_t i = 0; i < tz_checker_count(k); i++)
        if (tz_checker_get(k, i)->rule == rule)
            return tz_checker_get(k, i);
    return NULL;
}

static void dump(const struct tz_checker *k)
{
    for (size_t i = 0; i < tz_checker_count(k); i++)
        cr_log_info("finding %zu: %s", i, tz_checker_get(k, i)->msg);
}

/* ---- 1 stale read ---- */

static void stale_read_seq(struct fixture *f, bool clean)
{
    struct tz_access_ctx w = who(0, 1, 1, 0x40081234, 5120, 0x42000040);
    struct tz_access_ctx r = who(1, 0, 1, 0x0e1004c0, 5512, 0x42000040);
    acc(f, &w, 0x42000040, TZ_ACC_WRITE, wb(1));
    if (clean)
        cmo(f, &w, TZ_DC_CIVAC, 0x42000040, true);
    acc(f, &r, 0x42000040, TZ_ACC_READ, nc(1));
}

Test(checker, stale_read)
{
    struct fixture f = fx(2);
    stale_read_seq(&f, false);
    dump(f.k);
    const struct tz_finding *x = first_of(f.k, TZ_RULE_STALE_READ);
    cr_assert_not_null(x);
    cr_expect_str_eq(x->msg,
                     "stale read: cpu1 (secure EL1, pc 0x0e1004c0, icount 5512) read 0x42000040 "
                     "non-cacheable; its newest data is dirty in cpu0's L1D since the write at pc "
                     "0x40081234 (icount 5120, cpu0 non-secure EL1): no DC CVAC/CIVAC to PoC between "
                     "the write and the read");
    cr_expect_eq(x->fix, TZ_FIX_CLEAN_POC);
    cr_expect_eq(x->line_pa, 0x42000040ull);
    cr_expect_eq(x->first.ctx.cpu, 0);
    cr_expect_eq(x->first.ctx.ns, 1);
    cr_expect_eq(x->first.ctx.pc, 0x40081234ull);
    cr_expect_eq(x->first.ctx.icount, 5120ull);
    cr_expect_eq(x->first.where, TZ_WHERE_L1D);
    cr_expect_eq(x->second.ctx.cpu, 1);
    cr_expect_eq(x->second.ctx.el, 1);
    cr_expect_eq(x->second.pa, 0x42000040ull);
    cr_expect_eq(x->second.ctx.va, 0x42000040ull);
    done(&f);
}

Test(checker, stale_read_negative)
{
    struct fixture f = fx(2);
    stale_read_seq(&f, true);
    dump(f.k);
    cr_expect_eq(tz_checker_count(f.k), 0);
    done(&f);
}

Test(checker, stale_read_variants)
{
    /* Data cleaned to the PoU only (still dirty in the L2); a Device read;
     * a DMA read; a read of other words of a dirty line does not count. */
    struct fixture f = fx(2);
    struct tz_access_ctx w = who(0, 1, 1, 0x1000, 1, 0x40000000);
    struct tz_access_ctx r = who(1, 1, 1, 0x2000, 2, 0x40000000);
    acc(&f, &w, 0x40000000, TZ_ACC_WRITE, wb(1));
    cmo(&f, &w, TZ_DC_CVAU, 0x40000000, true);
    acc(&f, &r, 0x40000000, TZ_ACC_READ, dev(1));
    const struct tz_finding *x = first_of(f.k, TZ_RULE_STALE_READ);
    cr_assert_not_null(x);
    cr_expect_eq(x->first.where, TZ_WHERE_L2);
    cr_expect(strstr(x->msg, "as Device-nGnRnE; its newest data is dirty in the L2") != NULL, "%s", x->msg);
    struct tz_access_ctx d = who(TZ_CTX_DMA(3), 1, 0, 0, 0, 0);
    tz_cache_dma_read(f.c, 0x40000000, 8, true, &d, NULL);
    cr_expect_eq(tz_checker_count_rule(f.k, TZ_RULE_STALE_READ), 2);
    cr_expect(strstr(tz_checker_get(f.k, tz_checker_count(f.k) - 1)->msg,
                     "DMA master 3 (non-secure) read 0x40000000 by non-coherent DMA") != NULL);
    /* Word precision: words 8..15 of the line were not written. */
    acc(&f, &r, 0x40000020, TZ_ACC_READ, nc(1));
    cr_expect_eq(tz_checker_count_rule(f.k, TZ_RULE_STALE_READ), 2);
    /* DC CVAC alone fixes the stale read (rule 1), whatever rule 5 says. */
    cmo(&f, &w, TZ_DC_CVAC, 0x40000000, true);
    r.pc = 0x2004;
    acc(&f, &r, 0x40000000, TZ_ACC_READ, nc(1));
    cr_expect_eq(tz_checker_count_rule(f.k, TZ_RULE_STALE_READ), 2);
    done(&f);
}

/* ---- 2 stale cached read ---- */

static void stale_cached_seq(struct fixture *f, bool inval)
{
    struct tz_access_ctx r = who(0, 1, 1, 0x40001000, 100, 0x40200000);
    struct tz_access_ctx d = who(TZ_CTX_DMA(0), 1, 0, 0, 0, 0);
    acc(f, &r, 0x40200000, TZ_ACC_READ, wb(1));
    tz_cache_dma_write(f->c, 0x40200000, 64, true, &d, NULL);
    if (inval)
        cmo(f, &r, TZ_DC_IVAC, 0x40200000, true);
    r.pc = 0x40001010;
    r.icount = 200;
    r.va = 0x40200008;
    acc(f, &r, 0x40200008, TZ_ACC_READ, wb(1));
}

Test(checker, stale_cached_read)
{
    struct fixture f = fx(1);
    stale_cached_seq(&f, false);
    dump(f.k);
    cr_assert_eq(tz_checker_count(f.k), 1);
    const struct tz_finding *x = tz_checker_get(f.k, 0);
    cr_expect_eq(x->rule, TZ_RULE_STALE_CACHED_READ);
    cr_expect_eq(x->fix, TZ_FIX_INVAL_POC);
    cr_expect(strstr(x->msg, "stale cached read: cpu0 (non-secure EL1, pc 0x40001010, icount 200) read "
                             "0x40200008 from a clean copy in cpu0's L1D older than memory, which holds "
                             "the write by DMA master 0 (non-secure): no DC IVAC/CIVAC to PoC") != NULL,
              "%s", x->msg);
    done(&f);
}

Test(checker, stale_cached_read_negative)
{
    struct fixture f = fx(1);
    stale_cached_seq(&f, true);
    dump(f.k);
    cr_expect_eq(tz_checker_count(f.k), 0);
    done(&f);
}

Test(checker, stale_cached_read_after_nc_write)
{
    /* The writer is another CPU using a Non-cacheable mapping. */
    struct fixture f = fx(2);
    struct tz_access_ctx r = who(0, 1, 1, 0x100, 1, 0x40300000);
    struct tz_access_ctx w = who(1, 1, 1, 0x200, 2, 0x40300000);
    acc(&f, &r, 0x40300000, TZ_ACC_READ, wb(1));
    acc(&f, &w, 0x40300000, TZ_ACC_WRITE, nc(1));
    r.pc = 0x104;
    acc(&f, &r, 0x40300000, TZ_ACC_READ, wb(1));
    const struct tz_finding *x = first_of(f.k, TZ_RULE_STALE_CACHED_READ);
    cr_assert_not_null(x);
    cr_expect_eq(x->first.ctx.cpu, 1);
    cr_expect(strstr(x->msg, "the write at pc 0x00000200 (icount 2, cpu1 non-secure EL1, non-cacheable)") != NULL,
              "%s", x->msg);
    done(&f);
}

/* ---- 3 lost write ---- */

static void lost_write_seq(struct fixture *f, enum tz_cmo op)
{
    struct tz_access_ctx w = who(0, 0, 3, 0x0e0a1000, 10, 0x0e000100);
    acc(f, &w, 0x0e000100, TZ_ACC_WRITE, wb(0));
    w.pc = 0x0e0a1008;
    w.icount = 12;
    cmo(f, &w, op, 0x0e000100, false);
}

Test(checker, lost_write)
{
    struct fixture f = fx(1);
    lost_write_seq(&f, TZ_DC_IVAC);
    dump(f.k);
    cr_assert_eq(tz_checker_count(f.k), 1);
    const struct tz_finding *x = tz_checker_get(f.k, 0);
    cr_expect_eq(x->rule, TZ_RULE_LOST_WRITE);
    cr_expect_str_eq(x->msg,
                     "lost write: cpu0 (secure EL3, pc 0x0e0a1008, icount 12) executed DC IVAC on "
                     "0x0e000100 and discarded dirty data at 0x0e000100 in cpu0's L1D from the write at "
                     "pc 0x0e0a1000 (icount 10, cpu0 secure EL3): no DC CVAC/CIVAC to PoC between the "
                     "write and the invalidate");
    cr_expect_eq(x->second.cmo, TZ_DC_IVAC);
    done(&f);
}

Test(checker, lost_write_negative)
{
    struct fixture f = fx(1);
    lost_write_seq(&f, TZ_DC_CIVAC);
    cr_expect_eq(tz_checker_count(f.k), 0);
    /* Clean first, then invalidate: nothing lost either. */
    struct tz_access_ctx w = who(0, 0, 3, 0x0e0a2000, 20, 0x0e000200);
    acc(&f, &w, 0x0e000200, TZ_ACC_WRITE, wb(0));
    cmo(&f, &w, TZ_DC_CVAC, 0x0e000200, false);
    cmo(&f, &w, TZ_DC_IVAC, 0x0e000200, false);
    dump(f.k);
    cr_expect_eq(tz_checker_count(f.k), 0);
    done(&f);
}

Test(checker, lost_write_set_way)
{
    struct fixture f = fx(1);
    struct tz_access_ctx w = who(0, 0, 3, 0x100, 1, 0x0e000000);
    acc(&f, &w, 0x0e000000, TZ_ACC_WRITE, wb(0));
    struct tz_cache_line_info i;
    cr_assert(tz_cache_probe(f.c, 0, TZ_CACHE_L1D, 0x0e000000, false, &i));
    uint64_t xt = (uint64_t)i.way << 31 | (uint64_t)i.set << 6;
    cmo(&f, &w, TZ_DC_ISW, xt, false);
    cr_expect_eq(tz_checker_count_rule(f.k, TZ_RULE_LOST_WRITE), 1);
    cr_expect(strstr(tz_checker_get(f.k, 0)->msg, "executed DC ISW") != NULL);
    /* Negative: DC CISW. */
    acc(&f, &w, 0x0e000000, TZ_ACC_WRITE, wb(0));
    cr_assert(tz_cache_probe(f.c, 0, TZ_CACHE_L1D, 0x0e000000, false, &i));
    xt = (uint64_t)i.way << 31 | (uint64_t)i.set << 6;
    w.pc = 0x200;
    cmo(&f, &w, TZ_DC_CISW, xt, false);
    cr_expect_eq(tz_checker_count(f.k), 1);
    done(&f);
}

/* ---- 4 stale instructions ---- */

/* cpu0 writes code at 0x40080000 (pc 0x40000100) and cpu `runner` runs it. */
static void code_seq(struct fixture *f, unsigned runner, bool prefetch, bool cvau, enum tz_cmo ic)
{
    struct tz_access_ctx w = who(0, 1, 1, 0x40000100, 1000, 0x40080000);
    struct tz_access_ctx x = who((int)runner, 1, 1, 0x40080000, 2000, 0x40080000);
    if (prefetch)
        acc(f, &x, 0x40080000, TZ_ACC_FETCH, wb(1));
    acc(f, &w, 0x40080000, TZ_ACC_WRITE, wb(1));
    if (cvau)
        cmo(f, &w, TZ_DC_CVAU, 0x40080000, true);
    if (ic != TZ_CMO_COUNT)
        cmo(f, &w, ic, 0x40080000, true);
    x.icount = 3000;
    acc(f, &x, 0x40080000, TZ_ACC_FETCH, wb(1));
}

Test(checker, stale_instructions_hit)
{
    /* The I-cache held the old code: executing it after the write. */
    struct fixture f = fx(1);
    code_seq(&f, 0, true, true, TZ_CMO_COUNT);
    dump(f.k);
    cr_assert_eq(tz_checker_count(f.k), 1);
    const struct tz_finding *x = tz_checker_get(f.k, 0);
    cr_expect_eq(x->rule, TZ_RULE_STALE_INSTR);
    cr_expect_eq(x->fix, TZ_FIX_IC_INVAL);
    cr_expect_str_eq(x->msg,
                     "stale instructions: cpu0 (non-secure EL1, pc 0x40080000, icount 3000) fetched "
                     "0x40080000, modified by the write at pc 0x40000100 (icount 1000, cpu0 non-secure "
                     "EL1) after the last I-cache invalidation on cpu0 covering it: no IC IVAU/IALLU "
                     "between the write and the fetch");
    done(&f);
}

Test(checker, stale_instructions_hit_negative)
{
    struct fixture f = fx(1);
    code_seq(&f, 0, true, true, TZ_IC_IVAU);
    dump(f.k);
    cr_expect_eq(tz_checker_count(f.k), 0);
    done(&f);
}

Test(checker, stale_instructions_cold_cache)
{
    /* The classic: code loaded, no I-cache invalidation at all. The model's
     * I-cache is cold, but the architecture allows it to hold the line. */
    struct fixture f = fx(1);
    code_seq(&f, 0, false, true, TZ_CMO_COUNT);
    cr_expect_eq(tz_checker_count_rule(f.k, TZ_RULE_STALE_INSTR), 1);
    cr_expect_eq(tz_checker_get(f.k, 0)->fix, TZ_FIX_IC_INVAL);
    done(&f);
}

Test(checker, stale_instructions_cold_cache_negative)
{
    struct fixture f = fx(1);
    code_seq(&f, 0, false, true, TZ_IC_IALLU);
    dump(f.k);
    cr_expect_eq(tz_checker_count(f.k), 0);
    done(&f);
}

Test(checker, stale_instructions_not_at_pou)
{
    /* IC IVAU without DC CVAU: the I-fill reads the L2, the code is in the L1D. */
    struct fixture f = fx(1);
    code_seq(&f, 0, false, false, TZ_IC_IVAU);
    dump(f.k);
    const struct tz_finding *x = first_of(f.k, TZ_RULE_STALE_INSTR);
    cr_assert_not_null(x);
    cr_expect_eq(x->fix, TZ_FIX_CLEAN_POU);
    cr_expect(strstr(x->msg, "whose data is still dirty in cpu0's L1D: no DC CVAU to PoU between the "
                             "write and the fetch") != NULL, "%s", x->msg);
    /* Neither: both named. */
    struct fixture g = fx(1);
    code_seq(&g, 0, false, false, TZ_CMO_COUNT);
    cr_expect_eq(first_of(g.k, TZ_RULE_STALE_INSTR)->fix, TZ_FIX_CLEAN_POU_IC_INVAL);
    done(&g);
    done(&f);
}

Test(checker, stale_instructions_not_at_pou_negative)
{
    struct fixture f = fx(1);
    code_seq(&f, 0, false, true, TZ_IC_IVAU);
    cr_expect_eq(tz_checker_count(f.k), 0);
    done(&f);
}

Test(checker, stale_instructions_other_core)
{
    /* IC IALLU is local: cpu1 is not covered. IC IALLUIS is. */
    struct fixture f = fx(2);
    code_seq(&f, 1, false, true, TZ_IC_IALLU);
    cr_expect_eq(tz_checker_count_rule(f.k, TZ_RULE_STALE_INSTR), 1);
    cr_expect(strstr(tz_checker_get(f.k, 0)->msg, "on cpu1 covering it") != NULL);
    struct fixture g = fx(2);
    code_seq(&g, 1, false, true, TZ_IC_IALLUIS);
    cr_expect_eq(tz_checker_count(g.k), 0);
    /* Stale in cpu1's own I-cache, fixed by a broadcast IC IVAU from cpu0. */
    struct fixture h = fx(2);
    code_seq(&h, 1, true, true, TZ_IC_IVAU);
    cr_expect_eq(tz_checker_count(h.k), 0);
    done(&f);
    done(&g);
    done(&h);
}

Test(checker, stale_instructions_word_precision)
{
    /* Data written next to code in the same line does not make the code stale. */
    struct fixture f = fx(1);
    struct tz_access_ctx x = who(0, 1, 1, 0x40090000, 10, 0x40090000);
    struct tz_access_ctx w = who(0, 1, 1, 0x40090004, 11, 0x4009003c);
    acc(&f, &x, 0x40090000, TZ_ACC_FETCH, wb(1));
    acc(&f, &w, 0x4009003c, TZ_ACC_WRITE, tz_memattr_decode(0xff, 3, 1));
    x.icount = 20;
    acc(&f, &x, 0x40090000, TZ_ACC_FETCH, wb(1));   /* I-cache hit, word 0 */
    cmo(&f, &w, TZ_IC_IALLU, 0, true);
    acc(&f, &w, 0x40090038, TZ_ACC_WRITE, wb(1));   /* after the invalidation */
    acc(&f, &x, 0x40090000, TZ_ACC_FETCH, wb(1));   /* I-cache miss, word 0 */
    dump(f.k);
    cr_expect_eq(tz_checker_count(f.k), 0);
    /* ...but executing the written word is. */
    x.pc = 0x40090038;
    acc(&f, &x, 0x40090038, TZ_ACC_FETCH, wb(1));
    cr_expect_eq(tz_checker_count_rule(f.k, TZ_RULE_STALE_INSTR), 1);
    done(&f);
}

Test(checker, stale_instructions_dma_loaded)
{
    /* Code loaded by DMA then executed: needs an I-cache invalidation. */
    struct fixture f = fx(1);
    struct tz_access_ctx d = who(TZ_CTX_DMA(0), 0, 0, 0, 0, 0);
    tz_cache_dma_write(f.c, 0x0e100000, 256, false, &d, NULL);
    struct tz_access_ctx x = who(0, 0, 1, 0x0e100000, 5, 0x0e100000);
    acc(&f, &x, 0x0e100000, TZ_ACC_FETCH, wb(0));
    cr_expect_eq(tz_checker_count_rule(f.k, TZ_RULE_STALE_INSTR), 1);
    cr_expect(strstr(tz_checker_get(f.k, 0)->msg, "modified by the write by DMA master 0 (secure)") != NULL,
              "%s", tz_checker_get(f.k, 0)->msg);
    struct fixture g = fx(1);
    tz_cache_dma_write(g.c, 0x0e100000, 256, false, &d, NULL);
    cmo(&g, &x, TZ_IC_IALLU, 0, false);
    acc(&g, &x, 0x0e100000, TZ_ACC_FETCH, wb(0));
    cr_expect_eq(tz_checker_count(g.k), 0);
    done(&f);
    done(&g);
}

/* ---- 5 mismatched attributes ---- */

static void mismatch_seq(struct fixture *f, bool civac)
{
    struct tz_access_ctx a = who(0, 1, 1, 0x40000800, 50, 0x42000000);
    struct tz_access_ctx b = who(1, 0, 1, 0x0e100800, 60, 0x42000000);
    acc(f, &a, 0x42000000, TZ_ACC_READ, wb(1));
    if (civac)
        cmo(f, &a, TZ_DC_CIVAC, 0x42000000, true);
    acc(f, &b, 0x42000000, TZ_ACC_WRITE, dev(1));
}

Test(checker, mismatched_attributes)
{
    struct fixture f = fx(2);
    mismatch_seq(&f, false);
    dump(f.k);
    cr_assert_eq(tz_checker_count(f.k), 1);
    const struct tz_finding *x = tz_checker_get(f.k, 0);
    cr_expect_eq(x->rule, TZ_RULE_ATTR_MISMATCH);
    cr_expect_str_eq(x->msg,
                     "mismatched attributes: cpu1 (secure EL1, pc 0x0e100800, icount 60) accessed "
                     "0x42000000 as Device-nGnRnE while a copy brought in by the access at pc "
                     "0x40000800 (icount 50, cpu0 non-secure EL1) as Normal iWB-RWA oWB-RWA ISH is live "
                     "in cpu0's L1D: no DC CIVAC between the two accesses (or map both alike)");
    done(&f);
}

Test(checker, mismatched_attributes_negative)
{
    struct fixture f = fx(2);
    mismatch_seq(&f, true);
    cr_expect_eq(tz_checker_count(f.k), 0);
    /* The same CPU and world mixing mappings is not this rule. */
    struct tz_access_ctx a = who(0, 1, 1, 0x100, 1, 0x42001000);
    acc(&f, &a, 0x42001000, TZ_ACC_READ, wb(1));
    acc(&f, &a, 0x42001000, TZ_ACC_READ, nc(1));
    cr_expect_eq(tz_checker_count(f.k), 0);
    done(&f);
}

Test(checker, mismatched_shareability)
{
    struct fixture f = fx(2);
    struct tz_access_ctx a = who(0, 1, 1, 0x100, 1, 0x42002000);
    struct tz_access_ctx b = who(1, 1, 1, 0x200, 2, 0x42002000);
    acc(&f, &a, 0x42002000, TZ_ACC_READ, wb(1));
    acc(&f, &b, 0x42002000, TZ_ACC_READ, tz_memattr_decode(0xff, 0, 1)); /* Non-shareable */
    cr_expect_eq(tz_checker_count_rule(f.k, TZ_RULE_ATTR_MISMATCH), 1);
    cr_expect(strstr(tz_checker_get(f.k, 0)->msg, "as Normal iWB-RWA oWB-RWA NSH while") != NULL,
              "%s", tz_checker_get(f.k, 0)->msg);
    /* Negative: both Inner Shareable. */
    struct fixture g = fx(2);
    acc(&g, &a, 0x42002000, TZ_ACC_READ, wb(1));
    acc(&g, &b, 0x42002000, TZ_ACC_READ, wb(1));
    cr_expect_eq(tz_checker_count(g.k), 0);
    /* Another world on the same core, with another shareability, hits the L1 copy. */
    struct tz_access_ctx s = who(0, 0, 1, 0x300, 3, 0x42002000);
    acc(&g, &s, 0x42002000, TZ_ACC_WRITE, tz_memattr_decode(0xff, 2, 1));
    cr_expect_eq(tz_checker_count_rule(g.k, TZ_RULE_ATTR_MISMATCH), 1);
    done(&f);
    done(&g);
}

/* ---- 6 secure / non-secure alias ---- */

static void alias_seq(struct fixture *f, bool civac)
{
    struct tz_access_ctx s = who(0, 0, 1, 0x0e100100, 70, 0x0e200000);
    struct tz_access_ctx n = who(1, 1, 1, 0x40000200, 80, 0x42010000);
    acc(f, &s, 0x42010000, TZ_ACC_WRITE, wb(0)); /* the secure world maps it with NS = 0 */
    if (civac)
        cmo(f, &s, TZ_DC_CIVAC, 0x42010000, false);
    acc(f, &n, 0x42010000, TZ_ACC_READ, wb(1));
}

Test(checker, secure_alias)
{
    struct fixture f = fx(2);
    alias_seq(&f, false);
    dump(f.k);
    cr_assert_eq(tz_checker_count(f.k), 1);
    const struct tz_finding *x = tz_checker_get(f.k, 0);
    cr_expect_eq(x->rule, TZ_RULE_SECURE_ALIAS);
    cr_expect(x->ns);
    cr_expect_str_eq(x->msg,
                     "secure/non-secure alias: cpu1 (non-secure EL1, pc 0x40000200, icount 80) read "
                     "0x42010000 in the non-secure PA space while the secure copy of the line, dirty "
                     "from the write at pc 0x0e100100 (icount 70, cpu0 secure EL1), is live in cpu0's "
                     "L1D: no DC CIVAC of the other alias between the two accesses");
    cr_expect_eq(x->first.ctx.va, 0x0e200000ull);
    cr_expect_eq(x->second.ctx.va, 0x42010000ull);
    cr_expect(strstr(x->msg, "(va") == NULL, "va printed only when it differs from pa");
    done(&f);
}

Test(checker, secure_alias_negative)
{
    struct fixture f = fx(2);
    alias_seq(&f, true);
    dump(f.k);
    cr_expect_eq(tz_checker_count(f.k), 0);
    /* Both clean: not a finding until one is written. */
    struct tz_access_ctx s = who(0, 0, 1, 0x100, 1, 0x42020000);
    struct tz_access_ctx n = who(1, 1, 1, 0x200, 2, 0x42020000);
    acc(&f, &s, 0x42020000, TZ_ACC_READ, wb(0));
    acc(&f, &n, 0x42020000, TZ_ACC_READ, wb(1));
    cr_expect_eq(tz_checker_count(f.k), 0);
    acc(&f, &n, 0x42020000, TZ_ACC_WRITE, wb(1));
    cr_expect_eq(tz_checker_count_rule(f.k, TZ_RULE_SECURE_ALIAS), 1, "now one is dirty");
    done(&f);
}

/* ---- 7 overwritten write ---- */

static void overwritten_seq(struct fixture *f, bool civac)
{
    struct tz_access_ctx w = who(0, 1, 1, 0x40000300, 90, 0x42030000);
    struct tz_access_ctx d = who(TZ_CTX_DMA(2), 1, 0, 0, 0, 0);
    acc(f, &w, 0x42030000, TZ_ACC_WRITE, wb(1));
    if (civac)
        cmo(f, &w, TZ_DC_CIVAC, 0x42030000, true);
    tz_cache_dma_write(f->c, 0x42030000, 64, true, &d, NULL);
}

Test(checker, overwritten_write)
{
    struct fixture f = fx(1);
    overwritten_seq(&f, false);
    dump(f.k);
    cr_assert_eq(tz_checker_count(f.k), 1);
    const struct tz_finding *x = tz_checker_get(f.k, 0);
    cr_expect_eq(x->rule, TZ_RULE_OVERWRITTEN_WRITE);
    cr_expect_str_eq(x->msg,
                     "overwritten write: DMA master 2 (non-secure) wrote 0x42030000 by non-coherent DMA "
                     "while cpu0's L1D holds a dirty copy from the write at pc 0x40000300 (icount 90, cpu0 "
                     "non-secure EL1) whose write-back will overwrite it: no DC CIVAC/CVAC to PoC between "
                     "the cached write and this write");
    done(&f);
}

Test(checker, overwritten_write_negative)
{
    struct fixture f = fx(1);
    overwritten_seq(&f, true);
    cr_expect_eq(tz_checker_count(f.k), 0);
    done(&f);
}

/* ---- Findings as records ---- */

static unsigned sink_calls;
static void sink(void *ctx, const struct tz_finding *f)
{
    (void)ctx;
    (void)f;
    sink_calls++;
}

Test(checker, dedup_counts_repeats)
{
    struct fixture f = fx(2);
    sink_calls = 0;
    tz_checker_set_sink(f.k, sink, NULL);
    struct tz_access_ctx w = who(0, 1, 1, 0x100, 1, 0x40000000);
    struct tz_access_ctx r = who(1, 1, 1, 0x200, 2, 0x40000000);
    acc(&f, &w, 0x40000000, TZ_ACC_WRITE, wb(1));
    for (unsigned i = 0; i < 5; i++) {
        r.icount = 10 + i;
        acc(&f, &r, 0x40000000, TZ_ACC_READ, nc(1));
    }
    /* Rule 1 (stale read) once with count 5 (an uncached read is not rule 5). */
    cr_expect_eq(tz_checker_count(f.k), 1);
    cr_expect_eq(tz_checker_total(f.k), 5);
    const struct tz_finding *x = first_of(f.k, TZ_RULE_STALE_READ);
    cr_assert_not_null(x);
    cr_expect_eq(x->count, 5);
    cr_expect_eq(x->second.ctx.icount, 10, "the first occurrence is kept");
    cr_expect_eq(x->last_icount, 14);
    cr_expect_eq(sink_calls, 1);
    /* Another reading pc is another finding. */
    r.pc = 0x204;
    acc(&f, &r, 0x40000000, TZ_ACC_READ, nc(1));
    cr_expect_eq(tz_checker_count_rule(f.k, TZ_RULE_STALE_READ), 2);
    cr_expect_eq(tz_checker_get(f.k, 0)->id, 0);
    done(&f);
}

Test(checker, smc_context_and_va)
{
    struct fixture f = fx(2);
    struct tz_access_ctx w = who(0, 1, 1, 0xffff000000081234ull, 5120, 0xffff000002000040ull);
    struct tz_access_ctx r = who(1, 0, 1, 0x0e1004c0, 5512, 0x0e300040);
    r.flags = TZ_CTX_HAS_FID;
    r.smc_fid = 0x32000004;
    acc(&f, &w, 0x42000040, TZ_ACC_WRITE, wb(1));
    acc(&f, &r, 0x42000040, TZ_ACC_READ, nc(1));
    const struct tz_finding *x = first_of(f.k, TZ_RULE_STALE_READ);
    cr_assert_not_null(x);
    cr_expect(strstr(x->msg, "cpu1 (secure EL1, pc 0x0e1004c0, icount 5512, serving SMC 0x32000004) read "
                             "0x42000040 (va 0xe300040) non-cacheable") != NULL, "%s", x->msg);
    cr_expect_eq(x->first.ctx.va, 0xffff000002000040ull);
    cr_expect_eq(x->first.pa, 0x42000040ull, "the writer's PA, from its VA's line offset");
    cr_expect_eq(x->second.ctx.smc_fid, 0x32000004u);
    done(&f);
}

Test(checker, capacity_and_names)
{
    struct tz_checker *k = tz_checker_create(2);
    struct tz_finding_side a = {0}, b = {0};
    for (unsigned i = 0; i < 4; i++) {
        b.ctx.pc = i;
        tz_checker_report(k, TZ_RULE_LOST_WRITE, TZ_FIX_CLEAN_BEFORE_INVAL, 0x1000, true, &a, &b);
    }
    cr_expect_eq(tz_checker_count(k), 2);
    cr_expect_eq(tz_checker_dropped(k), 2);
    cr_expect_null(tz_checker_get(k, 2));
    tz_checker_destroy(k);
    cr_expect_str_eq(tz_cache_rule_name(TZ_RULE_STALE_READ), "stale-read");
    cr_expect_str_eq(tz_cache_rule_name(TZ_RULE_OVERWRITTEN_WRITE), "overwritten-write");
    cr_expect_str_eq(tz_cache_fix_text(TZ_FIX_CLEAN_POU), "no DC CVAU to PoU");
    /* Persisted ids never move. */
    cr_expect_eq(TZ_RULE_STALE_READ, 1);
    cr_expect_eq(TZ_RULE_SECURE_ALIAS, 6);
    cr_expect_eq(TZ_RULE_OVERWRITTEN_WRITE, 7);
}

Test(checker, cmo_decode)
{
    cr_expect_eq(tz_cmo_decode(3, 7, 14, 1), TZ_DC_CIVAC);
    cr_expect_eq(tz_cmo_decode(3, 7, 10, 1), TZ_DC_CVAC);
    cr_expect_eq(tz_cmo_decode(3, 7, 12, 1), TZ_DC_CVAP);
    cr_expect_eq(tz_cmo_decode(3, 7, 13, 1), TZ_DC_CVAP);
    cr_expect_eq(tz_cmo_decode(3, 7, 11, 1), TZ_DC_CVAU);
    cr_expect_eq(tz_cmo_decode(0, 7, 6, 1), TZ_DC_IVAC);
    cr_expect_eq(tz_cmo_decode(3, 7, 4, 1), TZ_DC_ZVA);
    cr_expect_eq(tz_cmo_decode(0, 7, 14, 2), TZ_DC_CISW);
    cr_expect_eq(tz_cmo_decode(0, 7, 10, 2), TZ_DC_CSW);
    cr_expect_eq(tz_cmo_decode(0, 7, 6, 2), TZ_DC_ISW);
    cr_expect_eq(tz_cmo_decode(0, 7, 5, 0), TZ_IC_IALLU);
    cr_expect_eq(tz_cmo_decode(0, 7, 1, 0), TZ_IC_IALLUIS);
    cr_expect_eq(tz_cmo_decode(3, 7, 5, 1), TZ_IC_IVAU);
    cr_expect_eq(tz_cmo_decode(0, 7, 8, 0), -1, "AT S1E1R is not a CMO");
    cr_expect_eq(tz_cmo_decode(0, 8, 7, 0), -1, "TLBI is not a CMO");
    cr_expect(tz_cmo_by_va(TZ_DC_CIVAC));
    cr_expect(tz_cmo_by_va(TZ_IC_IVAU));
    cr_expect_not(tz_cmo_by_va(TZ_IC_IALLU));
    cr_expect(tz_cmo_by_sw(TZ_DC_CISW));
    cr_expect_str_eq(tz_cmo_name(TZ_DC_CVAU), "DC CVAU");
}

Test(checker, deterministic_messages)
{
    /* The same run twice gives byte-identical findings. */
    char first[4][TZ_FINDING_MSG];
    size_t n0 = 0;
    for (unsigned run = 0; run < 2; run++) {
        struct fixture f = fx(2);
        stale_read_seq(&f, false);
        alias_seq(&f, false);
        overwritten_seq(&f, false);
        size_t n = tz_checker_count(f.k);
        cr_assert(n >= 3 && n <= 4, "%zu findings", n);
        if (run == 0)
            n0 = n;
        cr_assert_eq(n, n0);
        for (unsigned i = 0; i < n; i++) {
            if (run == 0)
                memcpy(first[i], tz_checker_get(f.k, i)->msg, TZ_FINDING_MSG);
            else
                cr_expect_str_eq(tz_checker_get(f.k, i)->msg, first[i]);
        }
        done(&f);
    }
}
