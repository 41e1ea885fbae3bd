/* Stage-1 walker and TLB (models/cache/walker.h): every granule and start
 * level, block and page descriptors, MAIR decoding, NS/NSTable, faults,
 * stage 1 disabled, SCTLR.C/I, TLB maintenance. */
#include <criterion/criterion.h>
#include <string.h>

#include "models/cache/walker.h"

/* Two physical address spaces of 8 MiB each (secure, non-secure). */
#define PMEM (8u << 20)
static uint8_t mem[2][PMEM];
static unsigned reads_ns[2]; /* descriptor reads per PA space */

static bool rd(void *ctx, uint64_t pa, bool ns, uint64_t *val)
{
    (void)ctx;
    if (pa + 8 > PMEM || (pa & 7))
        return false;
    reads_ns[ns ? 1 : 0]++;
    memcpy(val, &mem[ns ? 1 : 0][pa], 8);
    return true;
}

static void wr(bool ns, uint64_t pa, uint64_t v)
{
    cr_assert(pa + 8 <= PMEM);
    memcpy(&mem[ns ? 1 : 0][pa], &v, 8);
}

static void reset_mem(void)
{
    memset(mem, 0, sizeof mem);
    reads_ns[0] = reads_ns[1] = 0;
}

#define DESC_TABLE 3ull
#define DESC_PAGE 3ull
#define DESC_BLOCK 1ull
#define AF (1ull << 10)
#define ATTR(i) ((uint64_t)(i) << 2)
#define SH(s) ((uint64_t)(s) << 8)
#define NSBIT (1ull << 5)
#define NSTABLE (1ull << 63)

/* MAIR: idx0 Device-nGnRnE, idx1 Normal WB RWA, idx2 Normal NC, idx3 Device-nGnRE. */
static const uint64_t MAIR = 0x00ull | 0xffull << 8 | 0x44ull << 16 | 0x04ull << 24;

/* TCR_EL1 for TTBR0 with granule tg0 (00 4K, 01 64K, 10 16K), T0SZ, IPS 48 bits. */
static uint64_t tcr_el1(unsigned tg0, unsigned t0sz)
{
    return (uint64_t)t0sz | (uint64_t)tg0 << 14 | 5ull << 32 | 1ull << 23 /* EPD1 */;
}

static struct tz_xlat_regs regs_el1(uint64_t tcr, uint64_t ttbr0, bool secure)
{
    struct tz_xlat_regs r = {0};
    r.regime = TZ_REGIME_EL10;
    r.secure = secure;
    r.sctlr = TZ_SCTLR_M | TZ_SCTLR_C | TZ_SCTLR_I;
    r.tcr = tcr;
    r.mair = MAIR;
    r.ttbr0 = ttbr0;
    return r;
}

static struct tz_xlat walk(const struct tz_xlat_regs *r, uint64_t va, enum tz_acc_kind acc)
{
    struct tz_xlat x;
    tz_xlat_walk(r, va, acc, rd, NULL, &x);
    return x;
}

/* 4K granule, 48-bit VA: L0 → L1 → L2 → L3. */
Test(walker, granule_4k_levels_0_to_3)
{
    reset_mem();
    uint64_t va = 0x0000123456789abcull;
    unsigned i0 = (va >> 39) & 511, i1 = (va >> 30) & 511, i2 = (va >> 21) & 511, i3 = (va >> 12) & 511;
    wr(1, 0x1000 + i0 * 8, 0x2000 | DESC_TABLE);
    wr(1, 0x2000 + i1 * 8, 0x3000 | DESC_TABLE);
    wr(1, 0x3000 + i2 * 8, 0x4000 | DESC_TABLE);
    wr(1, 0x4000 + i3 * 8, 0x40123000ull | AF | ATTR(1) | SH(3) | DESC_PAGE);
    struct tz_xlat_regs r = regs_el1(tcr_el1(0, 16), 0x1000, false);
    struct tz_xlat x = walk(&r, va, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.pa, 0x40123abcull);
    cr_expect_eq(x.level, 3);
    cr_expect_not(x.block);
    cr_expect_eq(x.size_bits, 12);
    cr_expect_eq(x.attr.type, TZ_MT_NORMAL);
    cr_expect_eq(x.attr.inner, TZ_CA_WB);
    cr_expect_eq(x.attr.outer, TZ_CA_WB);
    cr_expect_eq(x.attr.inner_hints, TZ_HINT_RA | TZ_HINT_WA);
    cr_expect_eq(x.attr.sh, TZ_SH_ISH);
    cr_expect_eq(x.attr.ns, 1, "non-secure regime: always NS");
    cr_expect_eq(reads_ns[1], 4);
    cr_expect_eq(reads_ns[0], 0);
}

Test(walker, granule_4k_blocks_l1_l2)
{
    reset_mem();
    struct tz_xlat_regs r = regs_el1(tcr_el1(0, 16), 0x1000, false);
    /* VA 0x40000000.. → 1 GiB block at PA 0x80000000 (L1 index 1). */
    wr(1, 0x1000, 0x2000 | DESC_TABLE);
    wr(1, 0x2000 + 1 * 8, 0x80000000ull | AF | ATTR(0) | DESC_BLOCK);
    struct tz_xlat x = walk(&r, 0x40000000ull + 0x1234567, TZ_ACC_WRITE);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.pa, 0x80000000ull + 0x1234567);
    cr_expect_eq(x.level, 1);
    cr_expect(x.block);
    cr_expect_eq(x.size_bits, 30);
    cr_expect_eq(x.attr.type, TZ_MT_DEVICE_nGnRnE);
    cr_expect_eq(x.attr.sh, TZ_SH_OSH, "Device is always Outer Shareable");
    /* VA 0x00200000 → 2 MiB block at PA 0x00600000 (L1 0 → L2 index 1). */
    wr(1, 0x2000, 0x3000 | DESC_TABLE);
    wr(1, 0x3000 + 1 * 8, 0x00600000ull | AF | ATTR(2) | SH(3) | DESC_BLOCK);
    x = walk(&r, 0x00200000ull + 0x1ffff8, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.pa, 0x007ffff8ull);
    cr_expect_eq(x.level, 2);
    cr_expect_eq(x.size_bits, 21);
    cr_expect_eq(x.attr.inner, TZ_CA_NC);
    cr_expect_eq(x.attr.sh, TZ_SH_OSH, "Normal iNC oNC is Outer Shareable whatever SH says");
}

Test(walker, granule_4k_39bit_starts_at_level1)
{
    reset_mem();
    /* T0SZ 25: 39-bit VA, start level 1 with a 512-entry table. */
    struct tz_xlat_regs r = regs_el1(tcr_el1(0, 25), 0x1000, false);
    uint64_t va = 0x7fc0201000ull; /* L1 511, L2 1, L3 1 */
    wr(1, 0x1000 + 511 * 8, 0x2000 | DESC_TABLE);
    wr(1, 0x2000 + 1 * 8, 0x3000 | DESC_TABLE);
    wr(1, 0x3000 + 1 * 8, 0x555000ull | AF | ATTR(1) | DESC_PAGE);
    struct tz_xlat x = walk(&r, va + 0x10, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE, "fault %d at %d", x.fault, x.level);
    cr_expect_eq(x.pa, 0x555010ull);
    cr_expect_eq(reads_ns[1], 3, "three levels");
    /* Outside the 39-bit range: Translation fault, level 0. */
    x = walk(&r, 1ull << 39, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_TRANSLATION);
    cr_expect_eq(x.level, 0);
}

Test(walker, granule_4k_small_va_start_levels)
{
    reset_mem();
    /* T0SZ 33, IA 31: ceil((31-12)/9) = 3 levels → start level 1 with 2 entries. */
    struct tz_xlat_regs r = regs_el1(tcr_el1(0, 33), 0x1000, false);
    wr(1, 0x1000 + 1 * 8, 0x2000 | DESC_TABLE);
    wr(1, 0x2000, 0x3000 | DESC_TABLE);
    wr(1, 0x3000, 0x9000ull | AF | ATTR(1) | DESC_PAGE);
    struct tz_xlat x = walk(&r, 0x40000000ull, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.pa, 0x9000ull);
    /* T0SZ 39 (the maximum): IA 25 → start level 2 with 16 entries. */
    reset_mem();
    r = regs_el1(tcr_el1(0, 39), 0x1000, false);
    wr(1, 0x1000 + 15 * 8, 0x2000 | DESC_TABLE);
    wr(1, 0x2000 + 3 * 8, 0xa000ull | AF | ATTR(1) | DESC_PAGE);
    x = walk(&r, 0x1e03004ull, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.pa, 0xa004ull);
    cr_expect_eq(reads_ns[1], 2, "levels 2 and 3");
}

/* 16K granule, 48-bit VA: level 0 has two entries (VA bit 47). */
Test(walker, granule_16k)
{
    reset_mem();
    struct tz_xlat_regs r = regs_el1(tcr_el1(2, 16), 0x4000, false);
    uint64_t va = 0x800000000000ull | (5ull << 36) | (7ull << 25) | (9ull << 14) | 0x123;
    wr(1, 0x4000 + 1 * 8, 0x8000 | DESC_TABLE);
    wr(1, 0x8000 + 5 * 8, 0xc000 | DESC_TABLE);
    wr(1, 0xc000 + 7 * 8, 0x10000 | DESC_TABLE);
    wr(1, 0x10000 + 9 * 8, 0x3fc000ull | AF | ATTR(1) | DESC_PAGE);
    struct tz_xlat x = walk(&r, va, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE, "fault %d level %d", x.fault, x.level);
    cr_expect_eq(x.pa, 0x3fc123ull);
    cr_expect_eq(x.granule_bits, 14);
    cr_expect_eq(x.size_bits, 14);
    cr_expect_eq(reads_ns[1], 4);
    /* A 32 MiB block at level 2. */
    wr(1, 0xc000 + 8 * 8, 0x2000000ull | AF | ATTR(1) | DESC_BLOCK);
    x = walk(&r, (va & ~((1ull << 25) - 1)) + (1ull << 25) + 0x12345, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.pa, 0x2012345ull);
    cr_expect_eq(x.level, 2);
    cr_expect_eq(x.size_bits, 25);
    /* No blocks at level 1 with 16K: Translation fault at level 1. */
    wr(1, 0x8000 + 6 * 8, 0x0ull | AF | ATTR(1) | DESC_BLOCK);
    x = walk(&r, 0x800000000000ull | (6ull << 36), TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_TRANSLATION);
    cr_expect_eq(x.level, 1);
}

Test(walker, granule_16k_36bit_starts_at_level2)
{
    reset_mem();
    /* IA 36: ceil((36-14)/11) = 2 levels → start level 2, 2^(36-25) = 2048 entries. */
    struct tz_xlat_regs r = regs_el1(tcr_el1(2, 28), 0x4000, false);
    wr(1, 0x4000 + 2047 * 8, 0x8000 | DESC_TABLE);
    wr(1, 0x8000 + 2 * 8, 0x40000ull | AF | ATTR(1) | DESC_PAGE);
    struct tz_xlat x = walk(&r, 0xffe008000ull + 0x44, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.pa, 0x40044ull);
    cr_expect_eq(reads_ns[1], 2);
}

/* 64K granule, 48-bit VA: start level 1 (64 entries). */
Test(walker, granule_64k)
{
    reset_mem();
    struct tz_xlat_regs r = regs_el1(tcr_el1(1, 16), 0x10000, false);
    uint64_t va = (33ull << 42) | (100ull << 29) | (200ull << 16) | 0xabcd;
    wr(1, 0x10000 + 33 * 8, 0x20000 | DESC_TABLE);
    wr(1, 0x20000 + 100 * 8, 0x30000 | DESC_TABLE);
    wr(1, 0x30000 + 200 * 8, 0x7f0000ull | AF | ATTR(1) | DESC_PAGE);
    struct tz_xlat x = walk(&r, va, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE, "fault %d level %d", x.fault, x.level);
    cr_expect_eq(x.pa, 0x7fabcdull);
    cr_expect_eq(x.size_bits, 16);
    cr_expect_eq(reads_ns[1], 3, "levels 1-3");
    /* 512 MiB block at level 2. */
    wr(1, 0x20000 + 101 * 8, 0x20000000ull | AF | ATTR(1) | DESC_BLOCK);
    x = walk(&r, (33ull << 42) | (101ull << 29) | 0x1234567, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.pa, 0x21234567ull);
    cr_expect_eq(x.size_bits, 29);
    /* No level-1 block with 64K (48-bit OA). */
    wr(1, 0x10000 + 34 * 8, 0ull | AF | DESC_BLOCK);
    x = walk(&r, 34ull << 42, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_TRANSLATION);
    cr_expect_eq(x.level, 1);
}

Test(walker, granule_64k_42bit_starts_at_level2)
{
    reset_mem();
    struct tz_xlat_regs r = regs_el1(tcr_el1(1, 22), 0x10000, false);
    wr(1, 0x10000 + 8191 * 8, 0x20000 | DESC_TABLE);
    wr(1, 0x20000 + 1 * 8, 0x50000ull | AF | ATTR(1) | DESC_PAGE);
    struct tz_xlat x = walk(&r, (8191ull << 29) | (1ull << 16) | 4, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.pa, 0x50004ull);
    cr_expect_eq(reads_ns[1], 2);
}

/* The upper VA range through TTBR1, TG1 encodings, EPD1, TBI. */
Test(walker, ttbr1_epd_tbi)
{
    reset_mem();
    /* T1SZ 16, TG1 = 0b10 (4K), EPD0 = 1. */
    uint64_t tcr = 16ull << 16 | 2ull << 30 | 1ull << 7 | 5ull << 32;
    struct tz_xlat_regs r = regs_el1(tcr, 0, false);
    r.ttbr1 = 0x5000;
    uint64_t va = 0xffff000000001000ull; /* L0 0, L1 0, L2 0, L3 1 */
    wr(1, 0x5000, 0x6000 | DESC_TABLE);
    wr(1, 0x6000, 0x7000 | DESC_TABLE);
    wr(1, 0x7000, 0x8000 | DESC_TABLE);
    wr(1, 0x8000 + 8, 0x123000ull | AF | ATTR(1) | DESC_PAGE);
    struct tz_xlat x = walk(&r, va + 8, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.pa, 0x123008ull);
    /* EPD0: the lower range faults at level 0 without walking. */
    x = walk(&r, 0x1000, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_TRANSLATION);
    cr_expect_eq(x.level, 0);
    /* A non-canonical upper VA faults without TBI1... */
    x = walk(&r, 0x5aff000000001000ull, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_TRANSLATION);
    /* ...and translates with TBI1 (bit 38), which ignores the top byte. */
    r.tcr |= 1ull << 38;
    x = walk(&r, 0x5aff000000001000ull, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.pa, 0x123000ull);
    /* EPD1 disables the upper range. */
    r.tcr |= 1ull << 23;
    x = walk(&r, va, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_TRANSLATION);
    cr_expect_eq(x.level, 0);
}

Test(walker, asid_selection)
{
    reset_mem();
    struct tz_xlat_regs r = regs_el1(tcr_el1(0, 16), 0x1000 | 0x42ull << 48, false);
    wr(1, 0x1000, 0x2000 | DESC_TABLE);
    wr(1, 0x2000, 0x3000 | DESC_TABLE);
    wr(1, 0x3000, 0x4000 | DESC_TABLE);
    wr(1, 0x4000, 0x9000ull | AF | ATTR(1) | (1ull << 11) | DESC_PAGE);
    struct tz_xlat x = walk(&r, 0x10, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect(x.ng);
    cr_expect_eq(x.asid, 0x42);
    /* TCR_EL1.A1 = 1: the ASID comes from TTBR1. */
    r.tcr |= 1ull << 22;
    r.ttbr1 = 0x77ull << 48;
    x = walk(&r, 0x10, TZ_ACC_READ);
    cr_expect_eq(x.asid, 0x77);
}

/* EL3 regime (TCR_EL3 layout) with secure tables. */
static struct tz_xlat_regs regs_el3(uint64_t ttbr0)
{
    struct tz_xlat_regs r = {0};
    r.regime = TZ_REGIME_EL3;
    r.secure = true;
    r.sctlr = TZ_SCTLR_M | TZ_SCTLR_C | TZ_SCTLR_I;
    r.tcr = 16 | 5ull << 16; /* T0SZ 16, 4K, PS 48 bits */
    r.mair = MAIR;
    r.ttbr0 = ttbr0;
    return r;
}

Test(walker, ns_bit_and_nstable)
{
    reset_mem();
    struct tz_xlat_regs r = regs_el3(0x1000);
    /* Secure tables: L0 → L1 → L2 (secure) → pages with NS = 0 and 1. */
    wr(0, 0x1000, 0x2000 | DESC_TABLE);
    wr(0, 0x2000, 0x3000 | DESC_TABLE);
    wr(0, 0x3000, 0x4000 | DESC_TABLE);
    wr(0, 0x4000, 0x100000ull | AF | ATTR(1) | DESC_PAGE);
    wr(0, 0x4000 + 8, 0x101000ull | AF | ATTR(1) | NSBIT | DESC_PAGE);
    struct tz_xlat x = walk(&r, 0x0, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.attr.ns, 0, "secure page");
    x = walk(&r, 0x1000, TZ_ACC_READ);
    cr_expect_eq(x.attr.ns, 1, "NS = 1 page");
    cr_expect_eq(reads_ns[1], 0, "all tables read from the secure space");

    /* NSTable at level 1: the level-2 and level-3 tables are read from the
     * non-secure space and the output is non-secure, whatever NS says. */
    reset_mem();
    wr(0, 0x1000, 0x2000 | DESC_TABLE);
    wr(0, 0x2000, 0x3000 | DESC_TABLE | NSTABLE);
    wr(1, 0x3000, 0x4000 | DESC_TABLE);           /* only in the NS space */
    wr(1, 0x4000, 0x200000ull | AF | ATTR(1) | DESC_PAGE); /* NS bit 0 */
    x = walk(&r, 0x0, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE, "fault %d level %d", x.fault, x.level);
    cr_expect_eq(x.pa, 0x200000ull);
    cr_expect_eq(x.attr.ns, 1, "NSTable makes the output non-secure");
    cr_expect_eq(reads_ns[0], 2);
    cr_expect_eq(reads_ns[1], 2);

    /* In a non-secure regime NSTable and NS are ignored: reads are NS, output NS. */
    reset_mem();
    struct tz_xlat_regs n = regs_el1(tcr_el1(0, 16), 0x1000, false);
    wr(1, 0x1000, 0x2000 | DESC_TABLE | NSTABLE);
    wr(1, 0x2000, 0x3000 | DESC_TABLE);
    wr(1, 0x3000, 0x4000 | DESC_TABLE);
    wr(1, 0x4000, 0x300000ull | AF | ATTR(1) | DESC_PAGE);
    x = walk(&n, 0x0, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.attr.ns, 1);
    cr_expect_eq(reads_ns[0], 0);

    /* Secure EL1&0 regime: the NS bit applies too. */
    reset_mem();
    struct tz_xlat_regs s = regs_el1(tcr_el1(0, 16), 0x1000, true);
    wr(0, 0x1000, 0x2000 | DESC_TABLE);
    wr(0, 0x2000, 0x3000 | DESC_TABLE);
    wr(0, 0x3000, 0x4000 | DESC_TABLE);
    wr(0, 0x4000, 0x42000000ull | AF | ATTR(1) | NSBIT | DESC_PAGE);
    x = walk(&s, 0x0, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.attr.ns, 1);
}

Test(walker, faults)
{
    reset_mem();
    struct tz_xlat_regs r = regs_el1(tcr_el1(0, 16), 0x1000, false);
    wr(1, 0x1000, 0x2000 | DESC_TABLE);
    wr(1, 0x2000, 0x3000 | DESC_TABLE);
    /* Invalid level-2 entry. */
    struct tz_xlat x = walk(&r, 0x0, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_TRANSLATION);
    cr_expect_eq(x.level, 2);
    /* Level 3 with bits[1:0] = 01 is reserved. */
    wr(1, 0x3000, 0x4000 | DESC_TABLE);
    wr(1, 0x4000, 0x5000ull | AF | ATTR(1) | DESC_BLOCK);
    x = walk(&r, 0x0, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_TRANSLATION);
    cr_expect_eq(x.level, 3);
    /* Access flag clear. */
    wr(1, 0x4000, 0x5000ull | ATTR(1) | DESC_PAGE);
    x = walk(&r, 0x0, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_ACCESS_FLAG);
    cr_expect_eq(x.level, 3);
    /* ...not with hardware Access flag management (TCR_EL1.HA). */
    r.tcr |= 1ull << 39;
    x = walk(&r, 0x0, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_NONE);
    r.tcr &= ~(1ull << 39);
    /* Block at level 0 with 4K: Translation fault at level 0. */
    wr(1, 0x1000 + 8, 0ull | AF | DESC_BLOCK);
    x = walk(&r, 1ull << 39, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_TRANSLATION);
    cr_expect_eq(x.level, 0);
    /* Output address beyond the 32-bit IPS: Address size fault at level 3. */
    r.tcr = (r.tcr & ~(7ull << 32)); /* IPS 0b000: 32 bits */
    wr(1, 0x4000, 0x100000000ull | AF | ATTR(1) | DESC_PAGE);
    x = walk(&r, 0x0, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_ADDR_SIZE);
    cr_expect_eq(x.level, 3);
    /* Next-level table beyond it: Address size fault at the table's level. */
    wr(1, 0x2000, 0x100003000ull | DESC_TABLE);
    x = walk(&r, 0x0, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_ADDR_SIZE);
    cr_expect_eq(x.level, 1);
    /* TTBR beyond it: Address size fault, level 0. */
    r.ttbr0 = 0x200001000ull;
    x = walk(&r, 0x0, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_ADDR_SIZE);
    cr_expect_eq(x.level, 0);
    /* A descriptor read that fails: external abort on the walk. */
    r = regs_el1(tcr_el1(0, 16), PMEM + 0x1000, false);
    x = walk(&r, 0x0, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_EXTERNAL);
    cr_expect_eq(x.level, 0);
}

Test(walker, permissions_and_hierarchical_attributes)
{
    reset_mem();
    struct tz_xlat_regs r = regs_el1(tcr_el1(0, 16), 0x1000, false);
    /* APTable = 0b11 (bits 62:61), UXNTable (60), PXNTable (59) at level 1. */
    wr(1, 0x1000, 0x2000 | DESC_TABLE);
    wr(1, 0x2000, 0x3000 | DESC_TABLE | 3ull << 61 | 1ull << 60 | 1ull << 59);
    wr(1, 0x3000, 0x4000 | DESC_TABLE);
    wr(1, 0x4000, 0x5000ull | AF | ATTR(1) | 1ull << 6 /* AP[1]: EL0 */ | DESC_PAGE);
    struct tz_xlat x = walk(&r, 0x0, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.ap, 2, "read-only, no EL0 access");
    cr_expect(x.xn);
    cr_expect(x.pxn);
    /* TCR_EL1.HPD0 (bit 41) disables the hierarchical controls. */
    r.tcr |= 1ull << 41;
    x = walk(&r, 0x0, TZ_ACC_READ);
    cr_expect_eq(x.ap, 1);
    cr_expect_not(x.xn);
    cr_expect_not(x.pxn);
    /* Leaf UXN/PXN. */
    wr(1, 0x4000, 0x5000ull | AF | ATTR(1) | 1ull << 54 | DESC_PAGE);
    x = walk(&r, 0x0, TZ_ACC_READ);
    cr_expect(x.xn);
    cr_expect_not(x.pxn);
}

Test(walker, big_endian_tables)
{
    reset_mem();
    struct tz_xlat_regs r = regs_el1(tcr_el1(0, 16), 0x1000, false);
    r.sctlr |= TZ_SCTLR_EE;
    wr(1, 0x1000, __builtin_bswap64(0x2000 | DESC_TABLE));
    wr(1, 0x2000, __builtin_bswap64(0x3000 | DESC_TABLE));
    wr(1, 0x3000, __builtin_bswap64(0x4000 | DESC_TABLE));
    wr(1, 0x4000, __builtin_bswap64(0x6000ull | AF | ATTR(1) | DESC_PAGE));
    struct tz_xlat x = walk(&r, 0x8, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.pa, 0x6008ull);
}

/* Arm ARM "Behavior when stage 1 address translation is disabled". */
Test(walker, mmu_off)
{
    struct tz_xlat_regs r = regs_el1(0, 0, true);
    r.sctlr = TZ_SCTLR_I | TZ_SCTLR_C;
    struct tz_xlat x = walk(&r, 0x0e100040, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect(x.mmu_off);
    cr_expect_eq(x.pa, 0x0e100040ull);
    cr_expect_eq(x.attr.type, TZ_MT_DEVICE_nGnRnE, "data: Device-nGnRnE even with SCTLR.C = 1");
    cr_expect_eq(x.attr.ns, 0, "secure state: secure PA space");
    x = walk(&r, 0x0e100040, TZ_ACC_FETCH);
    cr_expect_eq(x.attr.type, TZ_MT_NORMAL);
    cr_expect_eq(x.attr.inner, TZ_CA_WT);
    cr_expect_eq(x.attr.outer, TZ_CA_WT);
    cr_expect_eq(x.attr.inner_hints, TZ_HINT_RA, "Read-Allocate, no Write-Allocate");
    cr_expect_eq(x.attr.sh, TZ_SH_OSH);
    r.sctlr = 0;
    x = walk(&r, 0x0e100040, TZ_ACC_FETCH);
    cr_expect_eq(x.attr.type, TZ_MT_NORMAL);
    cr_expect_eq(x.attr.inner, TZ_CA_NC);
    cr_expect_eq(x.attr.sh, TZ_SH_OSH);
    r.secure = false;
    x = walk(&r, 0x40000000, TZ_ACC_WRITE);
    cr_expect_eq(x.attr.ns, 1);
    /* Beyond the implemented PA size: Address size fault, level 0. */
    x = walk(&r, 1ull << 48, TZ_ACC_READ);
    cr_expect_eq(x.fault, TZ_XF_ADDR_SIZE);
    cr_expect_eq(x.level, 0);
}

Test(walker, sctlr_c_and_i)
{
    reset_mem();
    struct tz_xlat_regs r = regs_el1(tcr_el1(0, 16), 0x1000, false);
    wr(1, 0x1000, 0x2000 | DESC_TABLE);
    wr(1, 0x2000, 0x3000 | DESC_TABLE);
    wr(1, 0x3000, 0x4000 | DESC_TABLE);
    wr(1, 0x4000, 0x5000ull | AF | ATTR(1) | SH(3) | DESC_PAGE);
    wr(1, 0x4000 + 8, 0x6000ull | AF | ATTR(3) | DESC_PAGE);
    r.sctlr = TZ_SCTLR_M | TZ_SCTLR_I; /* C = 0 */
    struct tz_xlat x = walk(&r, 0x0, TZ_ACC_READ);
    cr_expect_eq(x.attr.type, TZ_MT_NORMAL);
    cr_expect_eq(x.attr.inner, TZ_CA_NC, "SCTLR.C = 0: Normal data Non-cacheable");
    cr_expect_eq(x.attr.outer, TZ_CA_NC);
    cr_expect_eq(x.attr.sh, TZ_SH_OSH);
    x = walk(&r, 0x0, TZ_ACC_FETCH);
    cr_expect_eq(x.attr.inner, TZ_CA_WB, "SCTLR.C does not affect fetches");
    x = walk(&r, 0x1000, TZ_ACC_READ);
    cr_expect_eq(x.attr.type, TZ_MT_DEVICE_nGnRE, "Device is unaffected");
    r.sctlr = TZ_SCTLR_M | TZ_SCTLR_C; /* I = 0 */
    x = walk(&r, 0x0, TZ_ACC_FETCH);
    cr_expect_eq(x.attr.inner, TZ_CA_NC, "SCTLR.I = 0: fetches Non-cacheable");
    x = walk(&r, 0x0, TZ_ACC_READ);
    cr_expect_eq(x.attr.inner, TZ_CA_WB);
}

/* Every MAIR attribute byte decodes to something consistent, and the
 * architected encodings to what the Arm ARM says. */
Test(walker, mair_all_encodings)
{
    for (unsigned v = 0; v < 256; v++) {
        for (unsigned sh = 0; sh < 4; sh++) {
            struct tz_memattr a = tz_memattr_decode((uint8_t)v, sh, true);
            cr_assert_eq(a.mair, v);
            cr_assert_eq(a.ns, 1);
            if ((v >> 4) == 0) {
                cr_assert_eq(a.type, TZ_MT_DEVICE_nGnRnE + ((v >> 2) & 3), "0x%02x", v);
                cr_assert_eq(a.sh, TZ_SH_OSH);
                continue;
            }
            cr_assert_eq(a.type, TZ_MT_NORMAL, "0x%02x", v);
            if (a.inner == TZ_CA_NC && a.outer == TZ_CA_NC)
                cr_assert_eq(a.sh, TZ_SH_OSH, "0x%02x", v);
            else
                cr_assert_eq(a.sh, sh == 3 ? TZ_SH_ISH : sh == 2 ? TZ_SH_OSH : TZ_SH_NSH, "0x%02x sh %u", v, sh);
        }
    }
    static const struct {
        uint8_t v;
        uint8_t type, inner, outer, ih, oh;
    } t[] = {
        {0x00, TZ_MT_DEVICE_nGnRnE, 0, 0, 0, 0},
        {0x04, TZ_MT_DEVICE_nGnRE, 0, 0, 0, 0},
        {0x08, TZ_MT_DEVICE_nGRE, 0, 0, 0, 0},
        {0x0c, TZ_MT_DEVICE_GRE, 0, 0, 0, 0},
        {0x44, TZ_MT_NORMAL, TZ_CA_NC, TZ_CA_NC, 0, 0},
        {0xff, TZ_MT_NORMAL, TZ_CA_WB, TZ_CA_WB, TZ_HINT_RA | TZ_HINT_WA, TZ_HINT_RA | TZ_HINT_WA},
        {0xee, TZ_MT_NORMAL, TZ_CA_WB, TZ_CA_WB, TZ_HINT_RA, TZ_HINT_RA},
        {0xdd, TZ_MT_NORMAL, TZ_CA_WB, TZ_CA_WB, TZ_HINT_WA, TZ_HINT_WA},
        {0xcc, TZ_MT_NORMAL, TZ_CA_WB, TZ_CA_WB, 0, 0},
        {0xbb, TZ_MT_NORMAL, TZ_CA_WT, TZ_CA_WT, TZ_HINT_RA | TZ_HINT_WA, TZ_HINT_RA | TZ_HINT_WA},
        {0xaa, TZ_MT_NORMAL, TZ_CA_WT, TZ_CA_WT, TZ_HINT_RA, TZ_HINT_RA},
        {0x88, TZ_MT_NORMAL, TZ_CA_WT, TZ_CA_WT, 0, 0},
        {0x77, TZ_MT_NORMAL, TZ_CA_WB, TZ_CA_WB, TZ_HINT_RA | TZ_HINT_WA | TZ_HINT_TRANSIENT,
         TZ_HINT_RA | TZ_HINT_WA | TZ_HINT_TRANSIENT},
        {0x33, TZ_MT_NORMAL, TZ_CA_WT, TZ_CA_WT, TZ_HINT_RA | TZ_HINT_WA | TZ_HINT_TRANSIENT,
         TZ_HINT_RA | TZ_HINT_WA | TZ_HINT_TRANSIENT},
        {0x4f, TZ_MT_NORMAL, TZ_CA_WB, TZ_CA_NC, TZ_HINT_RA | TZ_HINT_WA, 0},
        {0xf4, TZ_MT_NORMAL, TZ_CA_NC, TZ_CA_WB, 0, TZ_HINT_RA | TZ_HINT_WA},
        {0x40, TZ_MT_NORMAL, TZ_CA_NC, TZ_CA_NC, 0, 0},   /* FEAT_XS: iNC oNC */
        {0xa0, TZ_MT_NORMAL, TZ_CA_WT, TZ_CA_WT, TZ_HINT_RA, TZ_HINT_RA}, /* FEAT_XS: iWT oWT */
        {0xf0, TZ_MT_NORMAL, TZ_CA_WB, TZ_CA_WB, TZ_HINT_RA | TZ_HINT_WA, TZ_HINT_RA | TZ_HINT_WA}, /* MTE tagged */
    };
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
        struct tz_memattr a = tz_memattr_decode(t[i].v, 3, false);
        cr_expect_eq(a.type, t[i].type, "0x%02x type", t[i].v);
        if (a.type != TZ_MT_NORMAL)
            continue;
        cr_expect_eq(a.inner, t[i].inner, "0x%02x inner", t[i].v);
        cr_expect_eq(a.outer, t[i].outer, "0x%02x outer", t[i].v);
        cr_expect_eq(a.inner_hints, t[i].ih, "0x%02x inner hints", t[i].v);
        cr_expect_eq(a.outer_hints, t[i].oh, "0x%02x outer hints", t[i].v);
    }
    /* SH = 0b01 is reserved: Non-shareable here. */
    cr_expect_eq(tz_memattr_decode(0xff, 1, false).sh, TZ_SH_NSH);
    char buf[64];
    struct tz_memattr a = tz_memattr_decode(0xff, 3, false);
    cr_expect_str_eq(tz_memattr_str(&a, buf, sizeof buf), "Normal iWB-RWA oWB-RWA ISH");
    a = tz_memattr_decode(0x04, 0, false);
    cr_expect_str_eq(tz_memattr_str(&a, buf, sizeof buf), "Device-nGnRE");
    a = tz_memattr_decode(0x44, 0, false);
    cr_expect_str_eq(tz_memattr_str(&a, buf, sizeof buf), "Normal NC");
}

Test(walker, mair_index_selects_byte)
{
    reset_mem();
    struct tz_xlat_regs r = regs_el1(tcr_el1(0, 16), 0x1000, false);
    r.mair = 0xbb44ff0c08040000ull;
    wr(1, 0x1000, 0x2000 | DESC_TABLE);
    wr(1, 0x2000, 0x3000 | DESC_TABLE);
    wr(1, 0x3000, 0x4000 | DESC_TABLE);
    for (unsigned i = 0; i < 8; i++)
        wr(1, 0x4000 + 8 * i, (0x10000ull + i * 0x1000) | AF | ATTR(i) | DESC_PAGE);
    for (unsigned i = 0; i < 8; i++) {
        struct tz_xlat x = walk(&r, (uint64_t)i << 12, TZ_ACC_READ);
        cr_assert_eq(x.fault, TZ_XF_NONE);
        cr_expect_eq(x.attr.mair, (uint8_t)(r.mair >> (8 * i)), "AttrIndx %u", i);
    }
}

/* ---- TLB ---- */

static void map4k(uint64_t va, uint64_t pa, uint64_t extra)
{
    /* Tables at 0x1000 (L0), 0x2000 (L1), 0x3000 (L2), 0x4000 (L3), VA < 2 MiB. */
    wr(1, 0x1000, 0x2000 | DESC_TABLE);
    wr(1, 0x2000, 0x3000 | DESC_TABLE);
    wr(1, 0x3000, 0x4000 | DESC_TABLE);
    wr(1, 0x4000 + ((va >> 12) & 511) * 8, pa | AF | ATTR(1) | extra | DESC_PAGE);
}

Test(tlb, hit_miss_flush)
{
    reset_mem();
    struct tz_tlb *t = tz_tlb_create(64);
    cr_assert_not_null(t);
    struct tz_xlat_regs r = regs_el1(tcr_el1(0, 16), 0x1000, false);
    map4k(0x5000, 0x80000, 0);
    struct tz_xlat x;
    tz_tlb_translate(t, &r, 0x5010, TZ_ACC_READ, rd, NULL, &x);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.pa, 0x80010ull);
    unsigned reads = reads_ns[1];
    tz_tlb_translate(t, &r, 0x5ff8, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(x.pa, 0x80ff8ull);
    cr_expect_eq(reads_ns[1], reads, "a hit reads no descriptor");
    struct tz_tlb_stats st = tz_tlb_stats(t);
    cr_expect_eq(st.hits, 1);
    cr_expect_eq(st.misses, 1);
    /* The cached entry keeps descriptor attributes: SCTLR.C applies per access. */
    r.sctlr &= ~TZ_SCTLR_C;
    tz_tlb_translate(t, &r, 0x5000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(x.attr.inner, TZ_CA_NC);
    tz_tlb_translate(t, &r, 0x5000, TZ_ACC_FETCH, rd, NULL, &x);
    cr_expect_eq(x.attr.inner, TZ_CA_WB);
    cr_expect_eq(tz_tlb_stats(t).hits, 3);
    /* Remap without TLBI: the stale entry is still used... */
    map4k(0x5000, 0x90000, 0);
    tz_tlb_translate(t, &r, 0x5000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(x.pa, 0x80000ull);
    /* ...until TLBI by VA. */
    tz_tlb_flush_va(t, TZ_REGIME_EL10, false, 0x5000, 0, false);
    tz_tlb_translate(t, &r, 0x5000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(x.pa, 0x90000ull);
    /* Another regime or security state does not hit. */
    struct tz_xlat_regs s = r;
    s.secure = true;
    wr(0, 0x1000, 0x2000 | DESC_TABLE);
    wr(0, 0x2000, 0x3000 | DESC_TABLE);
    wr(0, 0x3000, 0x4000 | DESC_TABLE);
    wr(0, 0x4000 + 5 * 8, 0xa0000ull | AF | ATTR(1) | DESC_PAGE);
    tz_tlb_translate(t, &s, 0x5000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(x.pa, 0xa0000ull);
    tz_tlb_flush_regime(t, TZ_REGIME_EL10, true);
    tz_tlb_translate(t, &r, 0x5000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(x.pa, 0x90000ull, "the non-secure translation is unaffected");
    uint64_t h = tz_tlb_stats(t).hits;
    tz_tlb_translate(t, &r, 0x5000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(tz_tlb_stats(t).hits, h + 1);
    tz_tlb_flush_all(t);
    tz_tlb_translate(t, &r, 0x5000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(tz_tlb_stats(t).hits, h + 1);
    tz_tlb_destroy(t);
}

Test(tlb, asids_and_global_entries)
{
    reset_mem();
    struct tz_tlb *t = tz_tlb_create(0);
    struct tz_xlat_regs r = regs_el1(tcr_el1(0, 16), 0x1000 | 1ull << 48, false);
    map4k(0x1000, 0x80000, 1ull << 11); /* nG */
    map4k(0x2000, 0x81000, 0);          /* global */
    struct tz_xlat x;
    tz_tlb_translate(t, &r, 0x1000, TZ_ACC_READ, rd, NULL, &x);
    tz_tlb_translate(t, &r, 0x2000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(tz_tlb_stats(t).misses, 2);
    /* Switch to ASID 2: the global entry hits, the nG one does not. */
    r.ttbr0 = 0x1000 | 2ull << 48;
    tz_tlb_translate(t, &r, 0x2000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(tz_tlb_stats(t).hits, 1);
    tz_tlb_translate(t, &r, 0x1000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(tz_tlb_stats(t).misses, 3);
    /* TLBI ASIDE1 for ASID 2 removes only ASID 2's nG entry. */
    tz_tlb_flush_asid(t, TZ_REGIME_EL10, false, 2);
    tz_tlb_translate(t, &r, 0x2000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(tz_tlb_stats(t).hits, 2, "global entry kept");
    tz_tlb_translate(t, &r, 0x1000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(tz_tlb_stats(t).misses, 4);
    tz_tlb_destroy(t);
}

Test(tlb, flush_va_covers_blocks)
{
    reset_mem();
    struct tz_tlb *t = tz_tlb_create(64);
    struct tz_xlat_regs r = regs_el1(tcr_el1(0, 16), 0x1000, false);
    wr(1, 0x1000, 0x2000 | DESC_TABLE);
    wr(1, 0x2000, 0x3000 | DESC_TABLE);
    wr(1, 0x3000 + 8, 0x400000ull | AF | ATTR(1) | DESC_BLOCK); /* 2 MiB at VA 0x200000 */
    struct tz_xlat x;
    tz_tlb_translate(t, &r, 0x200000, TZ_ACC_READ, rd, NULL, &x);
    tz_tlb_translate(t, &r, 0x3ff000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(x.pa, 0x5ff000ull);
    cr_expect_eq(tz_tlb_stats(t).misses, 2);
    /* TLBI by a VA anywhere in the block removes every piece of it. */
    tz_tlb_flush_va(t, TZ_REGIME_EL10, false, 0x300000, 0, true);
    tz_tlb_translate(t, &r, 0x200000, TZ_ACC_READ, rd, NULL, &x);
    tz_tlb_translate(t, &r, 0x3ff000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(tz_tlb_stats(t).misses, 4);
    tz_tlb_destroy(t);
}

Test(tlb, mmu_off_bypasses)
{
    struct tz_tlb *t = tz_tlb_create(16);
    struct tz_xlat_regs r = regs_el1(0, 0, false);
    r.sctlr = 0;
    struct tz_xlat x;
    tz_tlb_translate(t, &r, 0x40000000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect(x.mmu_off);
    cr_expect_eq(x.pa, 0x40000000ull);
    struct tz_tlb_stats st = tz_tlb_stats(t);
    cr_expect_eq(st.hits + st.misses, 0);
    tz_tlb_destroy(t);
}

Test(tlb, tlbi_decode)
{
    struct tz_tlbi op;
    cr_expect(tz_tlbi_decode(0, 7, 0, 0, &op)); /* TLBI VMALLE1 */
    cr_expect_eq(op.scope, TZ_TLBI_REGIME);
    cr_expect_eq(op.regime, TZ_REGIME_EL10);
    cr_expect_not(op.broadcast);
    cr_expect(tz_tlbi_decode(0, 3, 1, 0x0002000000000045ull, &op)); /* TLBI VAE1IS */
    cr_expect_eq(op.scope, TZ_TLBI_VA);
    cr_expect(op.broadcast);
    cr_expect_eq(op.asid, 2);
    cr_expect_eq(op.va, 0x45000ull);
    cr_expect(tz_tlbi_decode(0, 7, 2, 7ull << 48, &op)); /* ASIDE1 */
    cr_expect_eq(op.scope, TZ_TLBI_ASID);
    cr_expect_eq(op.asid, 7);
    cr_expect(tz_tlbi_decode(0, 7, 3, 1, &op)); /* VAAE1 */
    cr_expect_eq(op.scope, TZ_TLBI_VAA);
    cr_expect(tz_tlbi_decode(6, 7, 0, 0, &op)); /* ALLE3 */
    cr_expect_eq(op.regime, TZ_REGIME_EL3);
    cr_expect(tz_tlbi_decode(6, 7, 5, 0x80000ull, &op)); /* VALE3 */
    cr_expect_eq(op.scope, TZ_TLBI_VAA);
    cr_expect_eq(op.va, 0x80000000ull);
    cr_expect(tz_tlbi_decode(4, 7, 4, 0, &op)); /* ALLE1 */
    cr_expect_eq(op.regime, TZ_REGIME_EL10);
    cr_expect(tz_tlbi_decode(4, 3, 0, 0, &op)); /* ALLE2IS */
    cr_expect_eq(op.regime, TZ_REGIME_EL2);
    cr_expect(op.broadcast);
    /* Upper-range VA: sign-extended from bit 55. */
    cr_expect(tz_tlbi_decode(0, 7, 1, 0xfffffff0000ull, &op));
    cr_expect_eq(op.va, 0xfffffffff0000000ull);
    /* Range and stage-2 forms: flush everything. */
    cr_expect_not(tz_tlbi_decode(0, 6, 1, 0, &op));
    cr_expect_eq(op.scope, TZ_TLBI_ALL);
}

Test(tlb, apply)
{
    reset_mem();
    struct tz_tlb *t = tz_tlb_create(64);
    struct tz_xlat_regs r = regs_el3(0x1000);
    wr(0, 0x1000, 0x2000 | DESC_TABLE);
    wr(0, 0x2000, 0x3000 | DESC_TABLE);
    wr(0, 0x3000, 0x4000 | DESC_TABLE);
    wr(0, 0x4000 + 8, 0x7000ull | AF | ATTR(1) | DESC_PAGE);
    struct tz_xlat x;
    tz_tlb_translate(t, &r, 0x1000, TZ_ACC_READ, rd, NULL, &x);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    struct tz_tlbi op;
    tz_tlbi_decode(0, 7, 0, 0, &op); /* VMALLE1 (non-secure): EL3 entry stays */
    tz_tlb_apply(t, &op, false);
    tz_tlb_translate(t, &r, 0x1000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(tz_tlb_stats(t).hits, 1);
    tz_tlbi_decode(6, 7, 1, 0x1, &op); /* VAE3 of VA 0x1000 */
    tz_tlb_apply(t, &op, true);
    tz_tlb_translate(t, &r, 0x1000, TZ_ACC_READ, rd, NULL, &x);
    cr_expect_eq(tz_tlb_stats(t).hits, 1);
    cr_expect_eq(tz_tlb_stats(t).misses, 2);
    tz_tlb_destroy(t);
}

Test(walker, el3_is_always_secure)
{
    reset_mem();
    struct tz_xlat_regs r = regs_el3(0x1000);
    r.secure = false; /* ignored for EL3 */
    wr(0, 0x1000, 0x2000 | DESC_TABLE);
    wr(0, 0x2000, 0x3000 | DESC_TABLE);
    wr(0, 0x3000, 0x4000 | DESC_TABLE);
    wr(0, 0x4000, 0x100000ull | AF | ATTR(1) | DESC_PAGE);
    struct tz_xlat x = walk(&r, 0x0, TZ_ACC_READ);
    cr_assert_eq(x.fault, TZ_XF_NONE);
    cr_expect_eq(x.attr.ns, 0);
    cr_expect_eq(reads_ns[1], 0);
    r.sctlr = 0;
    x = walk(&r, 0x0, TZ_ACC_READ);
    cr_expect_eq(x.attr.ns, 0, "MMU off at EL3: secure PA space");
}
