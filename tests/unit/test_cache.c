/* The cache hierarchy (models/cache/cache.h): lookup, LRU, write-back,
 * MESI between cores, PoU/PoC maintenance, set/way operations, DMA,
 * faithful data, identification registers, device-tree properties. */
#include <criterion/criterion.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "models/cache/cache.h"
#include "models/cache/checker.h"

static struct tz_access_ctx ctx_of(int cpu, int ns, uint64_t pc, uint64_t va)
{
    struct tz_access_ctx c = {0};
    c.cpu = (int8_t)cpu;
    c.ns = (uint8_t)ns;
    c.el = 1;
    c.pc = pc;
    c.icount = pc / 4;
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

static struct tz_cache *make(const struct tz_cache_config *cfg, struct tz_checker *chk)
{
    struct tz_error err = {{0}};
    struct tz_cache *c = tz_cache_create(cfg, chk, &err);
    cr_assert_not_null(c, "%s", err.msg);
    return c;
}

static struct tz_cache *make_default(unsigned ncores, enum tz_cache_mode mode, struct tz_checker *chk)
{
    struct tz_cache_config cfg;
    tz_cache_config_default(&cfg, ncores);
    cfg.mode = mode;
    return make(&cfg, chk);
}

/* L1D/L1I 2 ways x 4 sets, L2 4 ways x 8 sets, 64-byte lines. */
static struct tz_cache *make_small_mode(unsigned ncores, enum tz_cache_mode mode,
                                        struct tz_checker *chk)
{
    struct tz_cache_config cfg;
    tz_cache_config_default(&cfg, ncores);
    cfg.mode = mode;
    for (unsigned i = 0; i < ncores; i++) {
        cfg.l1d[i] = (struct tz_cache_geom){512, 64, 4, 2};
        cfg.l1i[i] = (struct tz_cache_geom){512, 64, 4, 2};
    }
    cfg.l2 = (struct tz_cache_geom){2048, 64, 8, 4};
    return make(&cfg, chk);
}

static struct tz_cache *make_small(unsigned ncores, struct tz_checker *chk)
{
    return make_small_mode(ncores, TZ_CACHE_MODE_CHECK, chk);
}

static uint32_t rd(struct tz_cache *c, unsigned core, uint64_t pa, struct tz_memattr a,
                   struct tz_cache_result *res)
{
    struct tz_access_ctx x = ctx_of((int)core, a.ns, 0x1000 + core, pa);
    return tz_cache_access(c, core, pa, 8, TZ_ACC_READ, &a, &x, NULL, res);
}

static uint32_t wrt(struct tz_cache *c, unsigned core, uint64_t pa, struct tz_memattr a)
{
    struct tz_access_ctx x = ctx_of((int)core, a.ns, 0x2000 + core, pa);
    uint64_t v = 0;
    return tz_cache_access(c, core, pa, 8, TZ_ACC_WRITE, &a, &x, &v, NULL);
}

static struct tz_cache_line_info probe(struct tz_cache *c, unsigned core, enum tz_cache_which w,
                                       uint64_t pa, bool ns)
{
    struct tz_cache_line_info i;
    tz_cache_probe(c, core, w, pa, ns, &i);
    return i;
}

static uint32_t maint(struct tz_cache *c, unsigned core, enum tz_cmo op, uint64_t operand, bool ns)
{
    struct tz_access_ctx x = ctx_of((int)core, ns, 0x3000, operand);
    return tz_cache_maint(c, core, op, operand, ns, NULL, &x);
}

Test(cache, default_config_and_id_registers)
{
    struct tz_cache_config cfg;
    tz_cache_config_default(&cfg, 4);
    struct tz_error err = {{0}};
    cr_assert_eq(tz_cache_config_validate(&cfg, &err), 0, "%s", err.msg);
    cr_expect_eq(cfg.l1d[0].size, 32768u);
    cr_expect_eq(cfg.l1d[0].ways, 2u);
    cr_expect_eq(cfg.l1i[3].size, 49152u);
    cr_expect_eq(cfg.l1i[3].ways, 3u);
    cr_expect_eq(cfg.l2.size, 2u << 20);
    cr_expect_eq(cfg.l2.ways, 16u);
    struct tz_cache *c = make(&cfg, NULL);
    /* The Cortex-A57's own values (TRM): CLIDR 0x0A200023, CCSIDR L1D
     * 0x701FE00A, L2 (2 MiB) 0x70FFE07A, CTR 0x8444C004. */
    cr_expect_eq(tz_cache_clidr(c), 0x0A200023ull);
    cr_expect_eq(tz_cache_ccsidr(c, 0, 0), 0x701FE00Aull);
    cr_expect_eq(tz_cache_ccsidr(c, 0, 1), 0x201FE012ull, "L1I: 256 sets, 3 ways");
    cr_expect_eq(tz_cache_ccsidr(c, 0, 2), 0x70FFE07Aull);
    cr_expect_eq(tz_cache_ccsidr(c, 0, 4), 0ull, "no L3");
    cr_expect_eq(tz_cache_ctr(c), 0x8444C004ull);
    cr_expect_eq(tz_cache_dczid(c), 4ull, "DC ZVA zeroes 64 bytes");
    cr_expect_eq(tz_cache_line_size(c), 64u);
    tz_cache_destroy(c);
}

Test(cache, bad_configs)
{
    struct tz_cache_config cfg;
    struct tz_error err = {{0}};
    tz_cache_config_default(&cfg, 2);
    cfg.l2.line = 128;
    cfg.l2.sets = 1024;
    cr_expect_neq(tz_cache_config_validate(&cfg, &err), 0);
    cr_expect(strstr(err.msg, "L2: line size 128 differs") != NULL, "%s", err.msg);
    tz_cache_config_default(&cfg, 2);
    cfg.l1d[1].sets = 100;
    cr_expect_neq(tz_cache_config_validate(&cfg, &err), 0);
    cr_expect(strstr(err.msg, "cpu1 L1D: 100 sets") != NULL, "%s", err.msg);
    tz_cache_config_default(&cfg, 2);
    cfg.l1i[0].size = 4096;
    cr_expect_neq(tz_cache_config_validate(&cfg, &err), 0);
    cr_expect(strstr(err.msg, "cpu0 L1I: size 4096") != NULL, "%s", err.msg);
    tz_cache_config_default(&cfg, 0);
    cr_expect_neq(tz_cache_config_validate(&cfg, &err), 0);
    tz_cache_config_default(&cfg, 2);
    cfg.l1d[0].line = cfg.l1i[0].line = cfg.l1d[1].line = cfg.l1i[1].line = 48;
    cr_expect_neq(tz_cache_config_validate(&cfg, &err), 0);
    cr_expect_null(tz_cache_create(&cfg, NULL, &err));
}

Test(cache, lookup_hit_miss)
{
    struct tz_cache *c = make_default(2, TZ_CACHE_MODE_CHECK, NULL);
    struct tz_cache_result r;
    rd(c, 0, 0x40000000, wb(1), &r);
    cr_expect_eq(r.level, 3, "cold miss from memory");
    cr_expect_eq(r.cycles, 120u, "default memory cost");
    rd(c, 0, 0x40000038, wb(1), &r);
    cr_expect_eq(r.level, 1, "same line hits");
    cr_expect_eq(r.cycles, 1u);
    rd(c, 1, 0x40000000, wb(1), &r);
    cr_expect_eq(r.level, 2, "another core: served by the L2 and cpu0's copy");
    const struct tz_cache_stats *st = tz_cache_stats(c);
    cr_expect_eq(st->core[0].l1d_hits, 1);
    cr_expect_eq(st->core[0].l1d_misses, 1);
    cr_expect_eq(st->core[0].l2_misses, 1);
    cr_expect_eq(st->core[1].l2_hits, 1);
    /* The NS attribute is part of the tag: the secure line is another line. */
    rd(c, 0, 0x40000000, wb(0), &r);
    cr_expect_eq(r.level, 3);
    /* Non-cacheable accesses do not allocate. */
    rd(c, 0, 0x40001000, nc(1), &r);
    cr_expect_eq(r.level, 0);
    cr_expect_eq(r.cycles, 120u);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1D, 0x40001000, 1).valid);
    cr_expect_not(probe(c, 0, TZ_CACHE_L2, 0x40001000, 1).valid);
    cr_expect_eq(tz_cache_stats(c)->core[0].uncached_reads, 1);
    /* Write-Through data is treated as Non-cacheable (IMPLEMENTATION DEFINED, as the A57). */
    rd(c, 0, 0x40002000, tz_memattr_decode(0xbb, 3, 1), &r);
    cr_expect_eq(r.level, 0);
    /* A spanning access touches both lines. */
    struct tz_memattr a = wb(1);
    struct tz_access_ctx x = ctx_of(0, 1, 0x10, 0x4000303c);
    tz_cache_access(c, 0, 0x4000303c, 8, TZ_ACC_READ, &a, &x, NULL, &r);
    cr_expect(probe(c, 0, TZ_CACHE_L1D, 0x40003000, 1).valid);
    cr_expect(probe(c, 0, TZ_CACHE_L1D, 0x40003040, 1).valid);
    tz_cache_destroy(c);
}

Test(cache, lru_replacement)
{
    struct tz_cache *c = make_small(1, NULL);
    /* 0x000, 0x100, 0x200 all fall in L1D set 0 (2 ways). */
    rd(c, 0, 0x000, wb(1), NULL);
    rd(c, 0, 0x100, wb(1), NULL);
    rd(c, 0, 0x000, wb(1), NULL); /* 0x000 becomes most recent */
    rd(c, 0, 0x200, wb(1), NULL); /* evicts 0x100 */
    cr_expect(probe(c, 0, TZ_CACHE_L1D, 0x000, 1).valid);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1D, 0x100, 1).valid);
    cr_expect(probe(c, 0, TZ_CACHE_L1D, 0x200, 1).valid);
    rd(c, 0, 0x100, wb(1), NULL); /* evicts 0x000, now the LRU */
    cr_expect_not(probe(c, 0, TZ_CACHE_L1D, 0x000, 1).valid);
    cr_expect(probe(c, 0, TZ_CACHE_L1D, 0x200, 1).valid);
    /* The L2 is inclusive: it still holds all three. */
    cr_expect(probe(c, 0, TZ_CACHE_L2, 0x000, 1).valid);
    cr_expect(probe(c, 0, TZ_CACHE_L2, 0x100, 1).valid);
    tz_cache_destroy(c);
}

Test(cache, eviction_writes_back)
{
    struct tz_cache *c = make_small(1, NULL);
    wrt(c, 0, 0x000, wb(1));
    struct tz_cache_line_info i = probe(c, 0, TZ_CACHE_L1D, 0x000, 1);
    cr_assert(i.valid);
    cr_expect_eq(i.mesi, TZ_MESI_M);
    uint64_t v = i.version;
    cr_expect_gt(v, 0);
    /* 0x200, 0x400: L1D set 0 → the dirty line goes to the L2. */
    rd(c, 0, 0x200, wb(1), NULL);
    rd(c, 0, 0x400, wb(1), NULL);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1D, 0x000, 1).valid);
    i = probe(c, 0, TZ_CACHE_L2, 0x000, 1);
    cr_expect(i.dirty, "L2 copy dirty after the L1 write-back");
    cr_expect_eq(i.version, v);
    cr_expect_eq(tz_cache_mem_version(c, 0x000), 0, "memory not yet written");
    cr_expect_eq(tz_cache_stats(c)->core[0].l1d_writebacks, 1);
    /* 0x600, 0x800 fill L2 set 0 (4 ways): the LRU, the dirty line, goes to memory. */
    rd(c, 0, 0x600, wb(1), NULL);
    rd(c, 0, 0x800, wb(1), NULL);
    cr_expect_not(probe(c, 0, TZ_CACHE_L2, 0x000, 1).valid);
    cr_expect_eq(tz_cache_mem_version(c, 0x000), v);
    cr_expect_eq(tz_cache_stats(c)->l2_writebacks, 1);
    /* Inclusion: an L2 eviction removes the L1D copy too. L2 set 1 holds
     * 0x040, 0x240, 0x440, 0x640 (filled in that order); 0x040 stays in the
     * L1D by being used, but is the oldest fill in the L2. */
    static const uint64_t set1[] = {0x240, 0x440, 0x640};
    rd(c, 0, 0x040, wb(1), NULL);
    for (unsigned n = 0; n < 3; n++) {
        rd(c, 0, set1[n], wb(1), NULL);
        rd(c, 0, 0x040, wb(1), NULL);
    }
    cr_expect(probe(c, 0, TZ_CACHE_L1D, 0x040, 1).valid);
    rd(c, 0, 0x840, wb(1), NULL);
    cr_expect_not(probe(c, 0, TZ_CACHE_L2, 0x040, 1).valid);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1D, 0x040, 1).valid, "back-invalidated");
    /* The refetched line carries the version memory holds. */
    rd(c, 0, 0x000, wb(1), NULL);
    cr_expect_eq(probe(c, 0, TZ_CACHE_L1D, 0x000, 1).version, v);
    tz_cache_destroy(c);
}

Test(cache, mesi_two_cores)
{
    struct tz_cache *c = make_default(2, TZ_CACHE_MODE_CHECK, NULL);
    const uint64_t x = 0x40010000;
    rd(c, 0, x, wb(1), NULL);
    cr_expect_eq(probe(c, 0, TZ_CACHE_L1D, x, 1).mesi, TZ_MESI_E, "I → E (only copy)");
    cr_expect_eq(probe(c, 0, TZ_CACHE_L2, x, 1).presence, 1u);
    rd(c, 1, x, wb(1), NULL);
    cr_expect_eq(probe(c, 0, TZ_CACHE_L1D, x, 1).mesi, TZ_MESI_S, "E → S on a remote read");
    cr_expect_eq(probe(c, 1, TZ_CACHE_L1D, x, 1).mesi, TZ_MESI_S);
    cr_expect_eq(probe(c, 0, TZ_CACHE_L2, x, 1).presence, 3u);
    wrt(c, 0, x, wb(1));
    cr_expect_eq(probe(c, 0, TZ_CACHE_L1D, x, 1).mesi, TZ_MESI_M, "S → M (upgrade)");
    cr_expect_not(probe(c, 1, TZ_CACHE_L1D, x, 1).valid, "S → I (invalidated)");
    cr_expect_eq(probe(c, 0, TZ_CACHE_L2, x, 1).presence, 1u);
    uint64_t v1 = probe(c, 0, TZ_CACHE_L1D, x, 1).version;
    rd(c, 1, x, wb(1), NULL);
    cr_expect_eq(probe(c, 0, TZ_CACHE_L1D, x, 1).mesi, TZ_MESI_S, "M → S, supplying the data");
    cr_expect_eq(probe(c, 1, TZ_CACHE_L1D, x, 1).mesi, TZ_MESI_S);
    cr_expect_eq(probe(c, 1, TZ_CACHE_L1D, x, 1).version, v1, "cpu1 sees cpu0's write");
    cr_expect(probe(c, 0, TZ_CACHE_L2, x, 1).dirty, "the L2 took the dirty data");
    wrt(c, 1, x, wb(1));
    cr_expect_eq(probe(c, 1, TZ_CACHE_L1D, x, 1).mesi, TZ_MESI_M);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1D, x, 1).valid);
    uint64_t v2 = probe(c, 1, TZ_CACHE_L1D, x, 1).version;
    cr_expect_gt(v2, v1);
    wrt(c, 0, x, wb(1)); /* write miss while cpu1 holds M */
    cr_expect_eq(probe(c, 0, TZ_CACHE_L1D, x, 1).mesi, TZ_MESI_M);
    cr_expect_not(probe(c, 1, TZ_CACHE_L1D, x, 1).valid, "M → I on a remote write");
    cr_expect_gt(probe(c, 0, TZ_CACHE_L1D, x, 1).version, v2);
    /* E → M silently. */
    const uint64_t y = 0x40020000;
    rd(c, 1, y, wb(1), NULL);
    wrt(c, 1, y, wb(1));
    cr_expect_eq(probe(c, 1, TZ_CACHE_L1D, y, 1).mesi, TZ_MESI_M);
    cr_expect_gt(tz_cache_stats(c)->core[0].snoops + tz_cache_stats(c)->core[1].snoops, 0);
    /* Two cores writing different words of one line stay coherent: one M copy. */
    wrt(c, 0, y + 8, wb(1));
    cr_expect_not(probe(c, 1, TZ_CACHE_L1D, y, 1).valid);
    tz_cache_destroy(c);
}

Test(cache, poc_and_pou)
{
    struct tz_checker *k = tz_checker_create(0);
    struct tz_cache *c = make_default(2, TZ_CACHE_MODE_CHECK, k);
    const uint64_t x = 0x40030000;
    wrt(c, 0, x, wb(1));
    uint64_t v = probe(c, 0, TZ_CACHE_L1D, x, 1).version;
    /* DC CVAU: clean to the PoU, which is the L2 here. */
    maint(c, 0, TZ_DC_CVAU, x + 4, 1);
    cr_expect_eq(probe(c, 0, TZ_CACHE_L1D, x, 1).mesi, TZ_MESI_E, "clean, still the only copy");
    cr_expect(probe(c, 0, TZ_CACHE_L2, x, 1).dirty);
    cr_expect_eq(probe(c, 0, TZ_CACHE_L2, x, 1).version, v);
    cr_expect_eq(tz_cache_mem_version(c, x), 0, "not at the PoC");
    /* DC CVAC: to the PoC (memory); the copies stay, clean. */
    maint(c, 1, TZ_DC_CVAC, x, 1);
    cr_expect_not(probe(c, 0, TZ_CACHE_L2, x, 1).dirty);
    cr_expect_eq(tz_cache_mem_version(c, x), v);
    cr_expect(probe(c, 0, TZ_CACHE_L1D, x, 1).valid);
    /* DC CIVAC: cleaned and gone. */
    wrt(c, 0, x, wb(1));
    uint64_t v2 = probe(c, 0, TZ_CACHE_L1D, x, 1).version;
    maint(c, 1, TZ_DC_CIVAC, x, 1);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1D, x, 1).valid);
    cr_expect_not(probe(c, 0, TZ_CACHE_L2, x, 1).valid);
    cr_expect_eq(tz_cache_mem_version(c, x), v2);
    /* DC IVAC: gone without a clean: memory keeps the older version. */
    wrt(c, 0, x, wb(1));
    maint(c, 0, TZ_DC_IVAC, x, 1);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1D, x, 1).valid);
    cr_expect_not(probe(c, 0, TZ_CACHE_L2, x, 1).valid);
    cr_expect_eq(tz_cache_mem_version(c, x), v2);
    cr_expect_eq(tz_checker_count_rule(k, TZ_RULE_LOST_WRITE), 1);
    /* DC CVAP behaves as DC CVAC (PoP = PoC). */
    wrt(c, 0, x, wb(1));
    maint(c, 0, TZ_DC_CVAP, x, 1);
    cr_expect_eq(tz_cache_mem_version(c, x), probe(c, 0, TZ_CACHE_L1D, x, 1).version);
    /* By-VA maintenance acts on the given PA space only. */
    wrt(c, 0, x, wb(0));
    maint(c, 0, TZ_DC_CIVAC, x, 1);
    cr_expect(probe(c, 0, TZ_CACHE_L1D, x, 0).valid);
    const struct tz_cache_stats *st = tz_cache_stats(c);
    cr_expect_eq(st->cmo[1][TZ_DC_CVAU], 1);
    cr_expect_eq(st->cmo[1][TZ_DC_CIVAC], 2);
    tz_cache_destroy(c);
    tz_checker_destroy(k);
}

static uint64_t sw_operand(unsigned level, unsigned set, unsigned way, unsigned ways, unsigned lshift)
{
    unsigned a = 0;
    while ((1u << a) < ways)
        a++;
    uint64_t xt = (uint64_t)level << 1 | (uint64_t)set << lshift;
    if (a)
        xt |= (uint64_t)way << (32 - a);
    return xt;
}

Test(cache, set_way)
{
    struct tz_checker *k = tz_checker_create(0);
    struct tz_cache *c = make_default(1, TZ_CACHE_MODE_CHECK, k);
    const uint64_t x = 0x40001040; /* L1D set 0x41, L2 set 0x41 */
    wrt(c, 0, x, wb(1));
    struct tz_cache_line_info i = probe(c, 0, TZ_CACHE_L1D, x, 1);
    cr_assert(i.valid);
    cr_expect_eq(i.set, 0x41u);
    /* A wrong way is a no-op. */
    maint(c, 0, TZ_DC_CSW, sw_operand(0, i.set, i.way ^ 1, 2, 6), 1);
    cr_expect_eq(probe(c, 0, TZ_CACHE_L1D, x, 1).mesi, TZ_MESI_M);
    /* DC CSW level 1: written to the L2, line kept clean. */
    maint(c, 0, TZ_DC_CSW, sw_operand(0, i.set, i.way, 2, 6), 1);
    cr_expect_eq(probe(c, 0, TZ_CACHE_L1D, x, 1).mesi, TZ_MESI_E);
    cr_expect(probe(c, 0, TZ_CACHE_L2, x, 1).dirty);
    /* DC CSW level 2 (16 ways: Way in [31:28]): to memory. */
    struct tz_cache_line_info j = probe(c, 0, TZ_CACHE_L2, x, 1);
    maint(c, 0, TZ_DC_CSW, sw_operand(1, j.set, j.way, 16, 6), 1);
    cr_expect_not(probe(c, 0, TZ_CACHE_L2, x, 1).dirty);
    cr_expect_eq(tz_cache_mem_version(c, x), i.version);
    /* DC CISW level 1 of a dirty line: cleaned and invalidated. */
    wrt(c, 0, x, wb(1));
    uint64_t v = probe(c, 0, TZ_CACHE_L1D, x, 1).version;
    maint(c, 0, TZ_DC_CISW, sw_operand(0, i.set, i.way, 2, 6), 1);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1D, x, 1).valid);
    cr_expect_eq(probe(c, 0, TZ_CACHE_L2, x, 1).version, v);
    cr_expect_eq(tz_checker_count(k), 0);
    /* DC CISW level 2: back-invalidates the L1 copy, writes to memory. */
    rd(c, 0, x, wb(1), NULL);
    wrt(c, 0, x, wb(1));
    v = probe(c, 0, TZ_CACHE_L1D, x, 1).version;
    j = probe(c, 0, TZ_CACHE_L2, x, 1);
    maint(c, 0, TZ_DC_CISW, sw_operand(1, j.set, j.way, 16, 6), 1);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1D, x, 1).valid);
    cr_expect_not(probe(c, 0, TZ_CACHE_L2, x, 1).valid);
    cr_expect_eq(tz_cache_mem_version(c, x), v);
    /* DC ISW on a dirty line loses the write. */
    wrt(c, 0, x, wb(1));
    i = probe(c, 0, TZ_CACHE_L1D, x, 1);
    maint(c, 0, TZ_DC_ISW, sw_operand(0, i.set, i.way, 2, 6), 1);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1D, x, 1).valid);
    cr_expect_eq(tz_checker_count_rule(k, TZ_RULE_LOST_WRITE), 1);
    /* Level 3 does not exist: no-op. */
    maint(c, 0, TZ_DC_CISW, sw_operand(2, 0, 0, 1, 6), 1);
    tz_cache_destroy(c);
    tz_checker_destroy(k);
}

static struct tz_cache_result fetch(struct tz_cache *c, unsigned core, uint64_t pa, int ns)
{
    struct tz_memattr a = wb(ns);
    struct tz_access_ctx x = ctx_of((int)core, ns, pa, pa);
    struct tz_cache_result r;
    tz_cache_access(c, core, pa, 4, TZ_ACC_FETCH, &a, &x, NULL, &r);
    return r;
}

Test(cache, instruction_caches)
{
    struct tz_cache *c = make_default(2, TZ_CACHE_MODE_CHECK, NULL);
    const uint64_t x = 0x40080000;
    cr_expect_eq(fetch(c, 0, x, 1).level, 3);
    cr_expect_eq(fetch(c, 0, x + 4, 1).level, 1);
    cr_expect_eq(fetch(c, 1, x, 1).level, 2, "the L2 keeps fetched lines");
    cr_expect(probe(c, 0, TZ_CACHE_L1I, x, 1).valid);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1D, x, 1).valid, "fetches do not fill the L1D");
    maint(c, 0, TZ_IC_IALLU, 0, 1);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1I, x, 1).valid);
    cr_expect(probe(c, 1, TZ_CACHE_L1I, x, 1).valid, "IC IALLU is local");
    fetch(c, 0, x, 1);
    maint(c, 1, TZ_IC_IALLUIS, 0, 1);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1I, x, 1).valid);
    cr_expect_not(probe(c, 1, TZ_CACHE_L1I, x, 1).valid);
    fetch(c, 0, x, 1);
    fetch(c, 1, x, 1);
    maint(c, 0, TZ_IC_IVAU, x + 0x20, 1);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1I, x, 1).valid);
    cr_expect_not(probe(c, 1, TZ_CACHE_L1I, x, 1).valid, "IC IVAU reaches every core");
    /* Fetches with SCTLR.I = 0 (Non-cacheable) do not allocate. */
    struct tz_memattr a = nc(1);
    struct tz_access_ctx xc = ctx_of(0, 1, x, x);
    struct tz_cache_result r;
    tz_cache_access(c, 0, x, 4, TZ_ACC_FETCH, &a, &xc, NULL, &r);
    cr_expect_eq(r.level, 0);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1I, x, 1).valid);
    /* Write-Through fetches (stage 1 off with SCTLR.I = 1) are cached. */
    a = tz_memattr_decode(0xaa, 2, 1);
    tz_cache_access(c, 0, x, 4, TZ_ACC_FETCH, &a, &xc, NULL, &r);
    cr_expect(probe(c, 0, TZ_CACHE_L1I, x, 1).valid);
    tz_cache_destroy(c);
}

Test(cache, dma_bypasses_caches)
{
    struct tz_cache *c = make_default(1, TZ_CACHE_MODE_CHECK, NULL);
    const uint64_t x = 0x40040000;
    rd(c, 0, x, wb(1), NULL);
    struct tz_access_ctx d = ctx_of(TZ_CTX_DMA(0), 1, 0, 0);
    tz_cache_dma_write(c, x + 8, 8, true, &d, NULL);
    cr_expect_gt(tz_cache_mem_version(c, x), 0);
    struct tz_cache_line_info i = probe(c, 0, TZ_CACHE_L1D, x, 1);
    cr_expect(i.valid, "not snooped");
    cr_expect_eq(i.stale_words, 0xcull, "words 2 and 3 are older than memory");
    cr_expect_eq(probe(c, 0, TZ_CACHE_L2, x, 1).stale_words, 0xcull);
    tz_cache_dma_read(c, 0x40050000, 256, true, &d, NULL);
    cr_expect_not(probe(c, 0, TZ_CACHE_L2, 0x40050000, 1).valid);
    cr_expect_eq(tz_cache_stats(c)->dma_reads, 4);
    cr_expect_eq(tz_cache_stats(c)->dma_writes, 1);
    /* DC IVAC then a read: the fresh copy is not stale. */
    maint(c, 0, TZ_DC_IVAC, x, 1);
    rd(c, 0, x, wb(1), NULL);
    cr_expect_eq(probe(c, 0, TZ_CACHE_L1D, x, 1).stale_words, 0);
    tz_cache_destroy(c);
}

Test(cache, mode_off_is_a_no_op)
{
    struct tz_cache *c = make_default(1, TZ_CACHE_MODE_OFF, NULL);
    struct tz_cache_result r;
    cr_expect_eq(rd(c, 0, 0x40000000, wb(1), &r), 0u);
    cr_expect_not(probe(c, 0, TZ_CACHE_L1D, 0x40000000, 1).valid);
    cr_expect_eq(maint(c, 0, TZ_DC_CIVAC, 0x40000000, 1), 0u);
    tz_cache_destroy(c);
}

Test(cache, core_reset)
{
    struct tz_checker *k = tz_checker_create(0);
    struct tz_cache *c = make_default(2, TZ_CACHE_MODE_CHECK, k);
    rd(c, 1, 0x40000000, wb(1), NULL);
    fetch(c, 1, 0x40001000, 1);
    struct tz_access_ctx x = ctx_of(1, 1, 0, 0);
    tz_cache_core_reset(c, 1, &x);
    cr_expect_not(probe(c, 1, TZ_CACHE_L1D, 0x40000000, 1).valid);
    cr_expect_not(probe(c, 1, TZ_CACHE_L1I, 0x40001000, 1).valid);
    cr_expect_eq(tz_checker_count(k), 0, "clean lines: nothing lost");
    wrt(c, 1, 0x40000000, wb(1));
    tz_cache_core_reset(c, 1, &x);
    cr_expect_eq(tz_checker_count_rule(k, TZ_RULE_LOST_WRITE), 1, "dirty data lost at reset");
    tz_cache_destroy(c);
    tz_checker_destroy(k);
}

/* ---- Faithful mode: what the hardware would return ---- */

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (1u << 20)
static uint8_t ram[RAM_SIZE];

static uint8_t *ram_fn(void *ctx, uint64_t lpa)
{
    (void)ctx;
    if (lpa < RAM_BASE || lpa >= RAM_BASE + RAM_SIZE)
        return NULL;
    return &ram[lpa - RAM_BASE];
}

/* A guest store: reported before it reaches RAM, as Unicorn's write hook is. */
static void store32(struct tz_cache *c, unsigned core, uint64_t pa, uint32_t v, struct tz_memattr a)
{
    struct tz_access_ctx x = ctx_of((int)core, a.ns, 0x5000 + core * 0x100, pa);
    tz_cache_access(c, core, pa, 4, TZ_ACC_WRITE, &a, &x, &v, NULL);
    memcpy(&ram[pa - RAM_BASE], &v, 4);
}

static uint32_t load32(struct tz_cache *c, unsigned core, uint64_t pa, struct tz_memattr a, bool *differs)
{
    struct tz_access_ctx x = ctx_of((int)core, a.ns, 0x6000 + core * 0x100, pa);
    struct tz_cache_result r;
    tz_cache_access(c, core, pa, 4, TZ_ACC_READ, &a, &x, NULL, &r);
    cr_assert_not_null(r.data);
    uint32_t v;
    memcpy(&v, r.data, 4);
    *differs = r.differs;
    return v;
}

static struct tz_cache *make_faithful(unsigned ncores, struct tz_checker *k)
{
    memset(ram, 0, sizeof ram);
    struct tz_cache *c = make_default(ncores, TZ_CACHE_MODE_FAITHFUL, k);
    tz_cache_set_ram(c, ram_fn, NULL);
    return c;
}

Test(cache, faithful_stale_uncached_read)
{
    struct tz_cache *c = make_faithful(2, NULL);
    const uint64_t p = RAM_BASE + 0x1040;
    store32(c, 0, p, 0x11111111, nc(1));    /* memory holds 0x11111111 */
    store32(c, 0, p, 0x22222222, wb(1));    /* dirty in cpu0's L1D */
    bool d;
    cr_expect_eq(load32(c, 0, p, wb(1), &d), 0x22222222u, "cpu0 sees its own write");
    cr_expect_not(d);
    cr_expect_eq(load32(c, 1, p, nc(1), &d), 0x11111111u, "a Non-cacheable read sees memory");
    cr_expect(d, "differs from the coherent RAM");
    uint8_t buf[4];
    struct tz_access_ctx dma = ctx_of(TZ_CTX_DMA(0), 1, 0, 0);
    tz_cache_dma_read(c, p, 4, true, &dma, buf);
    cr_expect_eq(buf[0], 0x11);
    maint(c, 0, TZ_DC_CVAC, p, 1);
    cr_expect_eq(load32(c, 1, p, nc(1), &d), 0x22222222u, "after DC CVAC");
    cr_expect_not(d);
    /* Another cached core is coherent all along. */
    store32(c, 0, p, 0x33333333, wb(1));
    cr_expect_eq(load32(c, 1, p, wb(1), &d), 0x33333333u);
    cr_expect_not(d);
    tz_cache_destroy(c);
}

Test(cache, faithful_stale_cached_read)
{
    struct tz_cache *c = make_faithful(1, NULL);
    const uint64_t q = RAM_BASE + 0x2000;
    memset(&ram[0x2000], 0xaa, 64);
    bool d;
    cr_expect_eq(load32(c, 0, q, wb(1), &d), 0xaaaaaaaau);
    /* A DMA master writes memory behind the cache's back. */
    uint32_t v = 0xbbbbbbbb;
    struct tz_access_ctx dma = ctx_of(TZ_CTX_DMA(1), 1, 0, 0);
    tz_cache_dma_write(c, q, 4, true, &dma, &v);
    memcpy(&ram[0x2000], &v, 4);
    cr_expect_eq(load32(c, 0, q, wb(1), &d), 0xaaaaaaaau, "the clean copy is stale");
    cr_expect(d);
    maint(c, 0, TZ_DC_IVAC, q, 1);
    cr_expect_eq(load32(c, 0, q, wb(1), &d), 0xbbbbbbbbu, "after DC IVAC");
    cr_expect_not(d);
    tz_cache_destroy(c);
}

Test(cache, faithful_lost_write)
{
    struct tz_cache *c = make_faithful(1, NULL);
    const uint64_t p = RAM_BASE + 0x3000;
    store32(c, 0, p, 5, wb(1));
    maint(c, 0, TZ_DC_IVAC, p, 1);
    bool d;
    cr_expect_eq(load32(c, 0, p, wb(1), &d), 0u, "the write never reached memory");
    cr_expect(d);
    cr_expect_eq(load32(c, 0, p, nc(1), &d), 0u);
    /* With DC CIVAC instead the data survive. */
    store32(c, 0, p + 64, 6, wb(1));
    maint(c, 0, TZ_DC_CIVAC, p + 64, 1);
    cr_expect_eq(load32(c, 0, p + 64, wb(1), &d), 6u);
    cr_expect_not(d);
    tz_cache_destroy(c);
}

Test(cache, faithful_eviction_and_zva)
{
    struct tz_cache *c = make_faithful(1, NULL);
    const uint64_t p = RAM_BASE + 0x4000;
    memset(&ram[0x4000], 0x5a, 64);
    struct tz_memattr a = wb(1);
    struct tz_access_ctx x = ctx_of(0, 1, 0x100, p);
    tz_cache_maint(c, 0, TZ_DC_ZVA, p + 0x13, true, &a, &x);
    memset(&ram[0x4000], 0, 64); /* what the ZVA does to RAM */
    cr_expect_eq(probe(c, 0, TZ_CACHE_L1D, p, 1).mesi, TZ_MESI_M);
    bool d;
    cr_expect_eq(load32(c, 0, p + 0x3c, wb(1), &d), 0u);
    cr_expect_not(d);
    cr_expect_eq(load32(c, 0, p + 0x3c, nc(1), &d), 0x5a5a5a5au, "memory still has the old bytes");
    cr_expect(d);
    /* Evict it through the whole hierarchy (same L1D and L2 set: 128 KiB apart). */
    for (unsigned i = 1; i <= 16; i++)
        load32(c, 0, p + i * 0x20000ull, wb(1), &d);
    cr_expect_not(probe(c, 0, TZ_CACHE_L2, p, 1).valid);
    cr_expect_eq(load32(c, 0, p + 0x3c, nc(1), &d), 0u, "written back on eviction");
    cr_expect_not(d);
    tz_cache_destroy(c);
}

/* ---- Randomised: invariants, and coherence of the data ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void selfcheck(struct tz_cache *c, unsigned step)
{
    char why[256];
    if (tz_cache_selfcheck(c, why, sizeof why))
        cr_assert_fail("step %u: %s", step, why);
}

/* With only cacheable accesses and cleaning maintenance, MESI must give
 * every reader the newest data, and nothing may be reported. */
Test(cache_stress, coherent_data)
{
    memset(ram, 0, sizeof ram);
    struct tz_checker *k = tz_checker_create(0);
    struct tz_cache *c = make_small_mode(4, TZ_CACHE_MODE_FAITHFUL, k);
    tz_cache_set_ram(c, ram_fn, NULL);
    rng = 0x1234567887654321ull;
    for (unsigned step = 0; step < 30000; step++) {
        unsigned core = (unsigned)(rnd() % 4);
        uint64_t pa = RAM_BASE + (rnd() % 24) * 0x100 + (rnd() % 16) * 4;
        unsigned op = (unsigned)(rnd() % 12);
        bool d;
        if (op < 5) {
            uint32_t v = load32(c, core, pa, wb(1), &d);
            uint32_t want;
            memcpy(&want, &ram[pa - RAM_BASE], 4);
            if (d || v != want)
                cr_assert_fail("step %u: cpu%u read 0x%x at 0x%llx, RAM has 0x%x", step, core, v,
                               (unsigned long long)pa, want);
        } else if (op < 9) {
            store32(c, core, pa, (uint32_t)rnd(), wb(1));
        } else if (op == 9) {
            static const enum tz_cmo ops[] = {TZ_DC_CVAU, TZ_DC_CVAC, TZ_DC_CIVAC, TZ_DC_CVAP};
            maint(c, core, ops[rnd() % 4], pa, 1);
        } else if (op == 10) {
            unsigned level = (unsigned)(rnd() % 2);
            unsigned sets = level ? 8 : 4, ways = level ? 4 : 2;
            uint64_t xt = sw_operand(level, (unsigned)(rnd() % sets), (unsigned)(rnd() % ways), ways, 6);
            maint(c, core, rnd() & 1 ? TZ_DC_CSW : TZ_DC_CISW, xt, 1);
        } else {
            struct tz_memattr a = wb(1);
            struct tz_access_ctx x = ctx_of((int)core, 1, 0x7000, pa);
            tz_cache_maint(c, core, TZ_DC_ZVA, pa, true, &a, &x);
            memset(&ram[(pa & ~63ull) - RAM_BASE], 0, 64);
        }
        selfcheck(c, step);
    }
    for (size_t i = 0; i < tz_checker_count(k); i++)
        cr_log_error("%s", tz_checker_get(k, i)->msg);
    cr_expect_eq(tz_checker_count(k), 0);
    const struct tz_cache_stats *st = tz_cache_stats(c);
    cr_expect_gt(st->l2_writebacks, 0);
    cr_expect_gt(st->core[0].snoops, 0);
    tz_cache_destroy(c);
    tz_checker_destroy(k);
}

/* Everything at once, both PA spaces, non-coherent agents: the invariants
 * hold and nothing crashes. */
Test(cache_stress, everything)
{
    memset(ram, 0, sizeof ram);
    struct tz_checker *k = tz_checker_create(0);
    struct tz_cache *c = make_small_mode(3, TZ_CACHE_MODE_FAITHFUL, k);
    tz_cache_set_ram(c, ram_fn, NULL);
    rng = 0x0badc0ffee0ddf00ull;
    for (unsigned step = 0; step < 30000; step++) {
        unsigned core = (unsigned)(rnd() % 3);
        int ns = (int)(rnd() % 5 != 0);
        uint64_t pa = RAM_BASE + (rnd() % 20) * 0x100 + (rnd() % 16) * 4;
        unsigned op = (unsigned)(rnd() % 16);
        bool d;
        struct tz_access_ctx x = ctx_of((int)core, ns, 0x8000 + op * 4, pa);
        if (op < 4) {
            load32(c, core, pa, rnd() % 4 ? wb(ns) : nc(ns), &d);
        } else if (op < 7) {
            store32(c, core, pa, (uint32_t)rnd(), rnd() % 4 ? wb(ns) : nc(ns));
        } else if (op < 9) {
            struct tz_memattr a = rnd() % 3 ? wb(ns) : tz_memattr_decode(0xff, 0, ns);
            tz_cache_access(c, core, pa, 4, TZ_ACC_FETCH, &a, &x, NULL, NULL);
        } else if (op == 9) {
            tz_cache_maint(c, core, (enum tz_cmo)(rnd() % TZ_CMO_COUNT), pa, ns, NULL, &x);
        } else if (op == 10) {
            unsigned level = (unsigned)(rnd() % 3);
            uint64_t xt = sw_operand(level, (unsigned)(rnd() % 8), (unsigned)(rnd() % 4), 4, 6);
            static const enum tz_cmo sw[] = {TZ_DC_CSW, TZ_DC_CISW, TZ_DC_ISW};
            tz_cache_maint(c, core, sw[rnd() % 3], xt, ns, NULL, &x);
        } else if (op == 11) {
            struct tz_access_ctx dm = ctx_of(TZ_CTX_DMA(rnd() % 2), ns, 0, 0);
            uint8_t buf[96];
            uint64_t len = 1 + rnd() % 96;
            if (pa + len > RAM_BASE + RAM_SIZE)
                len = 4;
            if (rnd() & 1) {
                for (unsigned i = 0; i < len; i++)
                    buf[i] = (uint8_t)rnd();
                tz_cache_dma_write(c, pa, len, ns, &dm, buf);
                memcpy(&ram[pa - RAM_BASE], buf, len);
            } else {
                tz_cache_dma_read(c, pa, len, ns, &dm, buf);
            }
        } else if (op == 12 && rnd() % 50 == 0) {
            tz_cache_core_reset(c, core, &x);
        } else {
            /* Unaligned accesses spanning two lines. */
            struct tz_memattr a = wb(ns);
            uint64_t v = rnd();
            uint64_t q = pa | 0x3c;
            tz_cache_access(c, core, q, 8, TZ_ACC_WRITE, &a, &x, &v, NULL);
            memcpy(&ram[q - RAM_BASE], &v, 8);
        }
        selfcheck(c, step);
    }
    cr_log_info("%zu distinct findings, %llu in all", tz_checker_count(k),
                (unsigned long long)tz_checker_total(k));
    /* Every cache rule (the TZASC's rule 8 is the machine's, not the model's). */
    for (unsigned r = 1; r <= TZ_RULE_OVERWRITTEN_WRITE; r++)
        cr_expect_gt(tz_checker_count_rule(k, (enum tz_cache_rule)r), 0, "rule %u never fired", r);
    tz_cache_destroy(c);
    tz_checker_destroy(k);
}

/* ---- Device tree ---- */

struct dt_cpu {
    const char *compat;
    int dsize, dline, dsets, isize, iline, isets; /* -1: absent */
    int nlc;                                       /* next-level-cache phandle, 0: none */
    bool wide_dsize;                               /* a two-cell d-cache-size */
};

struct dt_l2 {
    bool present;
    int size, line, sets, level; /* -1: absent */
};

static void *build_dt(const struct dt_cpu *cpus, unsigned n, const struct dt_l2 *l2)
{
    static char buf[8192];
    cr_assert_eq(fdt_create(buf, sizeof buf), 0);
    fdt_finish_reservemap(buf);
    fdt_begin_node(buf, "");
    fdt_begin_node(buf, "cpus");
    fdt_property_u32(buf, "#address-cells", 1);
    fdt_property_u32(buf, "#size-cells", 0);
    for (unsigned i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "cpu@%u", i);
        fdt_begin_node(buf, name);
        fdt_property_string(buf, "device_type", "cpu");
        fdt_property_string(buf, "compatible", cpus[i].compat);
        fdt_property_u32(buf, "reg", i);
        if (cpus[i].wide_dsize) {
            uint64_t v = 0;
            fdt_property(buf, "d-cache-size", &v, 8);
        } else if (cpus[i].dsize >= 0) {
            fdt_property_u32(buf, "d-cache-size", (uint32_t)cpus[i].dsize);
        }
        if (cpus[i].dline >= 0)
            fdt_property_u32(buf, "d-cache-line-size", (uint32_t)cpus[i].dline);
        if (cpus[i].dsets >= 0)
            fdt_property_u32(buf, "d-cache-sets", (uint32_t)cpus[i].dsets);
        if (cpus[i].isize >= 0)
            fdt_property_u32(buf, "i-cache-size", (uint32_t)cpus[i].isize);
        if (cpus[i].iline >= 0)
            fdt_property_u32(buf, "i-cache-line-size", (uint32_t)cpus[i].iline);
        if (cpus[i].isets >= 0)
            fdt_property_u32(buf, "i-cache-sets", (uint32_t)cpus[i].isets);
        if (cpus[i].nlc)
            fdt_property_u32(buf, "next-level-cache", (uint32_t)cpus[i].nlc);
        fdt_end_node(buf);
    }
    if (l2 && l2->present) {
        fdt_begin_node(buf, "l2-cache0");
        fdt_property_string(buf, "compatible", "cache");
        fdt_property(buf, "cache-unified", NULL, 0);
        if (l2->level >= 0)
            fdt_property_u32(buf, "cache-level", (uint32_t)l2->level);
        if (l2->size >= 0)
            fdt_property_u32(buf, "cache-size", (uint32_t)l2->size);
        if (l2->line >= 0)
            fdt_property_u32(buf, "cache-line-size", (uint32_t)l2->line);
        if (l2->sets >= 0)
            fdt_property_u32(buf, "cache-sets", (uint32_t)l2->sets);
        fdt_property_u32(buf, "phandle", 7);
        fdt_end_node(buf);
    }
    fdt_end_node(buf);
    fdt_end_node(buf);
    cr_assert_eq(fdt_finish(buf), 0);
    return buf;
}

#define NOCACHE(c) {c, -1, -1, -1, -1, -1, -1, 0, false}

Test(cache_dt, defaults_without_properties)
{
    struct dt_cpu cpus[2] = {NOCACHE("arm,cortex-a57"), NOCACHE("arm,cortex-a57")};
    void *fdt = build_dt(cpus, 2, NULL);
    struct tz_cache_config cfg;
    tz_cache_config_default(&cfg, 1);
    struct tz_error err = {{0}};
    cr_assert_eq(tz_cache_config_from_fdt(fdt, NULL, 2, "t.dtb", &cfg, &err), 0, "%s", err.msg);
    cr_expect_eq(cfg.ncores, 2u);
    cr_expect_eq(cfg.l1d[1].size, 32768u);
    cr_expect_eq(cfg.l1d[1].ways, 2u);
    cr_expect_eq(cfg.l1i[1].size, 49152u);
    cr_expect_eq(cfg.l2.size, 2u << 20);
    cr_expect_eq(tz_cache_config_validate(&cfg, &err), 0, "%s", err.msg);

    struct dt_cpu a53[1] = {NOCACHE("arm,cortex-a53")};
    fdt = build_dt(a53, 1, NULL);
    cr_assert_eq(tz_cache_config_from_fdt(fdt, NULL, 1, "t.dtb", &cfg, &err), 0, "%s", err.msg);
    cr_expect_eq(cfg.l1d[0].ways, 4u);
    cr_expect_eq(cfg.l1i[0].ways, 2u);
    cr_expect_eq(cfg.l2.size, 1u << 20);
}

Test(cache_dt, standard_properties)
{
    struct dt_cpu cpus[2] = {
        {"arm,cortex-a72", 65536, 64, 256, 32768, 64, 256, 7, false},
        {"arm,cortex-a72", 65536, 64, 256, 32768, 64, 256, 7, false},
    };
    struct dt_l2 l2 = {true, 1 << 20, 64, 1024, 2};
    void *fdt = build_dt(cpus, 2, &l2);
    struct tz_cache_config cfg;
    tz_cache_config_default(&cfg, 1);
    struct tz_error err = {{0}};
    cr_assert_eq(tz_cache_config_from_fdt(fdt, NULL, 2, "t.dtb", &cfg, &err), 0, "%s", err.msg);
    cr_expect_eq(cfg.l1d[0].size, 65536u);
    cr_expect_eq(cfg.l1d[0].sets, 256u);
    cr_expect_eq(cfg.l1d[0].ways, 4u);
    cr_expect_eq(cfg.l1i[0].ways, 2u);
    cr_expect_eq(cfg.l2.size, 1u << 20);
    cr_expect_eq(cfg.l2.ways, 16u);
    cr_expect_eq(cfg.l2.sets, 1024u);
    struct tz_cache *c = make(&cfg, NULL);
    tz_cache_destroy(c);
}

Test(cache_dt, explicit_cpu_nodes)
{
    struct dt_cpu cpus[2] = {NOCACHE("arm,cortex-a53"), NOCACHE("arm,cortex-a57")};
    void *fdt = build_dt(cpus, 2, NULL);
    int nodes[1] = {fdt_path_offset(fdt, "/cpus/cpu@1")};
    struct tz_cache_config cfg;
    struct tz_error err = {{0}};
    cr_assert_eq(tz_cache_config_from_fdt(fdt, nodes, 1, "t.dtb", &cfg, &err), 0, "%s", err.msg);
    cr_expect_eq(cfg.l1i[0].size, 49152u, "the A57 node");
}

static void expect_dt_error_n(const struct dt_cpu *cpus, unsigned nbuild, unsigned n,
                              const struct dt_l2 *l2, const char *want)
{
    void *fdt = build_dt(cpus, nbuild, l2);
    struct tz_cache_config cfg;
    tz_cache_config_default(&cfg, 1);
    struct tz_error err = {{0}};
    cr_expect_neq(tz_cache_config_from_fdt(fdt, NULL, n, "t.dtb", &cfg, &err), 0, "want: %s", want);
    cr_expect(strstr(err.msg, want) != NULL, "got \"%s\", want \"%s\"", err.msg, want);
}

static void expect_dt_error(const struct dt_cpu *cpus, unsigned n, const struct dt_l2 *l2,
                            const char *want)
{
    expect_dt_error_n(cpus, n, n, l2, want);
}

Test(cache_dt, errors_name_the_node)
{
    struct dt_l2 l2 = {true, 1 << 20, 64, 1024, 2};
    struct dt_cpu c1[1] = {{"arm,cortex-a57", 32768, 64, 100, -1, -1, -1, 0, false}};
    expect_dt_error(c1, 1, NULL, "t.dtb: /cpus/cpu@0: d-cache-sets 100 is not a power of two");
    struct dt_cpu c2[1] = {{"arm,cortex-a57", 32768, 64, 1024, -1, -1, -1, 0, false}};
    expect_dt_error(c2, 1, NULL, "/cpus/cpu@0: d-cache-size 32768 is not a multiple of line size x sets (64 x 1024)");
    struct dt_cpu c3[1] = {{"arm,cortex-a57", -1, 64, 128, -1, -1, -1, 0, false}};
    expect_dt_error(c3, 1, NULL, "/cpus/cpu@0: d-cache-size is missing");
    struct dt_cpu c4[1] = {{"arm,cortex-a57", -1, -1, -1, -1, -1, -1, 0, true}};
    expect_dt_error(c4, 1, NULL, "/cpus/cpu@0: d-cache-size has 8 bytes, expected 4");
    struct dt_cpu c5[1] = {{"arm,cortex-a57", -1, -1, -1, 49152, 32, -1, 0, false}};
    expect_dt_error(c5, 1, NULL, "/cpus/cpu@0: i-cache-line-size 32 differs from d-cache-line-size 64");
    struct dt_cpu c6[2] = {{"arm,cortex-a57", -1, -1, -1, -1, -1, -1, 7, false},
                           NOCACHE("arm,cortex-a57")};
    expect_dt_error(c6, 2, &l2, "/cpus/cpu@1: next-level-cache differs from /cpus/cpu@0's (/cpus/l2-cache0)");
    struct dt_l2 l3 = {true, 1 << 20, 64, 1024, 3};
    struct dt_cpu c7[1] = {{"arm,cortex-a57", -1, -1, -1, -1, -1, -1, 7, false}};
    expect_dt_error(c7, 1, &l3, "t.dtb: /cpus/l2-cache0: cache-level 3");
    struct dt_l2 l4 = {true, 1 << 20, 128, 512, 2};
    expect_dt_error(c7, 1, &l4, "/l2-cache0: cache-line-size 128 differs from the L1's 64");
    struct dt_cpu c8[1] = {{"arm,cortex-a57", -1, -1, -1, -1, -1, -1, 9, false}};
    expect_dt_error(c8, 1, &l2, "/cpus/cpu@0: next-level-cache <0x9> names no node");
    struct dt_cpu c9[1] = {{"arm,cortex-a72", -1, -1, -1, 32768, -1, -1, 0, false}};
    expect_dt_error(c9, 1, NULL, "i-cache-size 32768 with 64-byte lines and the default 3 ways");
    struct dt_cpu c10[1] = {NOCACHE("arm,cortex-a57")};
    expect_dt_error_n(c10, 1, 2, NULL, "/cpus: 1 CPU nodes, 2 needed");
}

/* ---- A working set that fits (the hit path bench/bench_cache.c times) ---- */

Test(cache, working_set_within_l1_only_cold_misses)
{
    struct tz_checker *k = tz_checker_create(0);
    struct tz_cache *c = make_default(2, TZ_CACHE_MODE_CHECK, k);
    struct tz_memattr a = wb(1);
    struct tz_access_ctx x0 = ctx_of(0, 1, 0x1000, 0), x1 = ctx_of(1, 1, 0x2000, 0);
    uint64_t v = 0;
    /* 8 KiB per core, a store in four: a 72-byte stride reaches every
     * doubleword, so each of the 128 lines misses once and then stays. */
    const unsigned n = 200000;
    for (unsigned i = 0; i < n; i++) {
        uint64_t off = (i * 72u) & 0x1ff8;
        x0.icount = i;
        x1.icount = i;
        tz_cache_access(c, 0, 0x40000000 + off, 8, (i & 3) ? TZ_ACC_READ : TZ_ACC_WRITE, &a, &x0, &v, NULL);
        tz_cache_access(c, 1, 0x40100000 + off, 8, (i & 3) ? TZ_ACC_READ : TZ_ACC_WRITE, &a, &x1, &v, NULL);
    }
    const struct tz_cache_stats *st = tz_cache_stats(c);
    for (unsigned core = 0; core < 2; core++) {
        cr_expect_eq(st->core[core].l1d_misses, 8192 / 64, "core %u", core);
        cr_expect_eq(st->core[core].l1d_hits, n - 8192 / 64, "core %u", core);
        cr_expect_eq(st->core[core].snoops, 0, "core %u", core);
        cr_expect_eq(st->core[core].l1d_writebacks, 0, "core %u", core);
    }
    cr_expect_eq(tz_checker_count(k), 0);
    tz_cache_destroy(c);
    tz_checker_destroy(k);
}
