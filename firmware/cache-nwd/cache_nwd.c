/* SPDX-License-Identifier: MIT */
/*
 * cache-nwd: a normal-world payload that runs with its MMU and caches on and
 * shares memory with the secure test payload (tsp.elf, MMU off, so every
 * data access of it is Device memory: uncached) and with the DMA engine
 * (tzsim,dma at 0x09100000, a non-coherent bus master). It makes, on
 * purpose, the cache-maintenance mistakes that tzsim's coherence checker
 * exists to find (docs/caches.md), each in a small case, and with
 * cache_fixed = 1 the same sequence with the right maintenance:
 *
 *   1 shared buffer  a message written cached at 0x42000000 and checksummed
 *                    by the TSP (CHECKSUM)          fixed: DC CVAC before
 *   2 response       the TSP writes a buffer the normal world has cached
 *                    (FILL)                         fixed: DC CIVAC before,
 *                                                   DC IVAC after
 *   3 stale code     code rewritten at 0x42100000 and run again
 *                                                   fixed: IC IVAU
 *   4 DMA            (a) a cached source copied by DMA into a destination
 *                    the CPU has cached             fixed: DC CVAC on the
 *                                                   source, DC IVAC on the
 *                                                   destination after
 *                    (b) a DMA into dirty lines     fixed: DC CIVAC before,
 *                                                   DC IVAC after
 *   5 secure memory  a word of secure DRAM (0x0e108000) read and written
 *                    from the normal world          fixed: its own RAM
 *
 * Which case runs, and which variant, are two words the scenario writes
 * before the first run_until (mem_write at symbol("cache_case") and
 * symbol("cache_fixed")): cache_case 1..5, 0 = all five in turn;
 * cache_fixed 0 = buggy, 1 = fixed. They live in .data, not .bss, so that
 * the zeroing at entry keeps them.
 *
 * Booted by the reference monitor as BL33 (firmware/monitor, the TSP as
 * BL32), core 0 only, at NS-EL1h with the MMU off. Prints on UART0; every
 * result line is "cache-nwd: ..."; a broken premise (a refused call, no DMA
 * engine, a DMA error) prints "cache-nwd: FAILED ..." instead. Powers off
 * with PSCI SYSTEM_OFF. See firmware/README.md ("cache-nwd.elf").
 *
 * Every access whose coherence matters is the only access of its kind in a
 * function of its own (shm_write_message, code_write, dma_src_write, ...),
 * so that a finding names it: "pc 0x40080a44 <dma_dst_read+0x14>".
 */
#include <stdbool.h>

#include "tzt.h"
#include "tzt_vmsa.h"
#include "tsp_abi.h"

const uintptr_t tzt_console_base = TZT_UART0_BASE;
const char tzt_image_name[] = "cache-nwd";

#define NOINLINE __attribute__((noinline, noclone))

/* Written by the scenario before the machine runs (see above). */
#define CONFIG __attribute__((section(".data.cache_config"), used))
CONFIG volatile u32 cache_case = 0;
CONFIG volatile u32 cache_fixed = 0;

/* ---- the buffers (normal DRAM, in the TSP's shared memory) ------------------------ */

#define MSG_BUF         ((uintptr_t)TSP_SHM_BASE)           /* case 1 */
#define MSG_LEN         256
#define RESP_BUF        ((uintptr_t)TSP_SHM_BASE + 0x1000)  /* case 2 */
#define RESP_LEN        256
#define RESP_SEED       0xc0de0002u
#define DMA_SRC         0x42010000u                         /* case 4 (a) */
#define DMA_DST         0x42020000u
#define DMA_DIRTY_DST   0x42030000u                         /* case 4 (b) */
#define DMA_DIRTY_SRC   0x42040000u
#define DMA_LEN         256
#define DMA_SEED_A      0xd4a00001u
#define DMA_SEED_B      0xd4a00002u
#define DMA_STALE_WORD  0xeeeeeeeeu                         /* (b): the CPU's dirty data */
#define CODE_VA         0x42100000u                         /* case 3 */
#define SECURE_WORD     (TZT_SEC_DRAM_BASE + 0x8000)        /* case 5: in the TSP's memory */
#define POKE_VALUE      0x4e570005u

/* ---- the DMA engine (models/dma/dma.h; docs/platforms.md) ------------------------- */

#define DMA_BASE        0x09100000u
#define DMA_SRC_LO      0x00
#define DMA_SRC_HI      0x04
#define DMA_DST_LO      0x08
#define DMA_DST_HI      0x0c
#define DMA_LEN_REG     0x10
#define DMA_CTRL        0x14
#define DMA_STATUS      0x18
#define DMA_ID          0x1c
#define DMA_CTRL_START  (1u << 0)
#define DMA_ST_BUSY     (1u << 0)
#define DMA_ST_DONE     (1u << 1)
#define DMA_ST_ERROR    (1u << 2)
#define DMA_ID_VALUE    0x444d4131u                         /* "DMA1" */
#define DMA_POLL_LIMIT  1000000u

/* start.S */
u32 nw_read_word(uintptr_t pa);
void nw_write_word(uintptr_t pa, u32 v);
extern char __image_start[], __image_end[];

static TZT_NORETURN void power_off(void)
{
    tzt_smc(PSCI_SYSTEM_OFF, 0, 0, 0, 0);
    for (;;)
        wfi();
}

#define FAIL(...)                                                                        \
    do {                                                                                 \
        tzt_printf("cache-nwd: FAILED " __VA_ARGS__);                                    \
        power_off();                                                                     \
    } while (0)

/* ---- cache maintenance by VA (Arm ARM D7.5 "Cache maintenance instructions") ------ */

static unsigned dline, iline;               /* bytes, from CTR_EL0 (cache_geometry) */

static void cache_geometry(void)
{
    u64 ctr = read_sysreg(ctr_el0);
    dline = 4u << ((ctr >> 16) & 0xf);      /* DminLine: log2 of words */
    iline = 4u << (ctr & 0xf);              /* IminLine */
}

#define DEFINE_BY_VA(name, insn, step)                                                   \
    static void name(uintptr_t start, size_t len)                                        \
    {                                                                                    \
        for (uintptr_t a = start & ~(uintptr_t)((step) - 1); a < start + len; a += (step)) \
            __asm__ volatile(insn ", %0" : : "r"(a) : "memory");                         \
    }
DEFINE_BY_VA(dc_cvac, "dc cvac", dline)     /* clean to PoC */
DEFINE_BY_VA(dc_ivac, "dc ivac", dline)     /* invalidate to PoC */
DEFINE_BY_VA(dc_civac, "dc civac", dline)   /* clean and invalidate to PoC */
DEFINE_BY_VA(dc_cvau, "dc cvau", dline)     /* clean to PoU */
DEFINE_BY_VA(ic_ivau, "ic ivau", iline)     /* invalidate instructions to PoU */

#define dsb_ish() __asm__ volatile("dsb ish" ::: "memory")

/* ---- MMU: identity map, 4 KiB granule ----------------------------------------------
 *
 * T0SZ = 32 (a 4 GiB VA space, 32-bit PAs): the walk starts at level 1
 * (Arm ARM D8.2.6, "4KB granule"). Level 1 entry 0 points to a level-2 table
 * of 2 MiB blocks for the first GiB, entry 1 is a 1 GiB block:
 *   0x08000000..0x0dffffff  Device-nGnRE, execute-never (GIC, UARTs, power
 *                           controller, DMA engine at 0x09100000)
 *   0x0e000000..0x0fffffff  Normal WB, inner shareable, execute-never: the
 *                           secure SRAM and DRAM, mapped only so that case 5
 *                           can try to touch them (NS = 1: the TZASC decides)
 *   0x40000000..0x7fffffff  Normal, inner/outer write-back read/write-allocate,
 *                           inner shareable: this image, the shared memory
 *   the rest                invalid
 */
#define ATTR_DEVICE         0   /* MAIR_EL1 Attr0: Device-nGnRE */
#define ATTR_NORMAL         1   /* MAIR_EL1 Attr1: Normal write-back */

#define BLOCK_2M            0x200000ul

static u64 l1_table[512] __attribute__((aligned(4096)));
static u64 l2_table[512] __attribute__((aligned(4096)));   /* 0x00000000..0x3fffffff */

static void map_2m(uintptr_t base, uintptr_t end, u64 attrs)
{
    for (uintptr_t pa = base; pa < end; pa += BLOCK_2M)
        l2_table[pa / BLOCK_2M] = pa | DESC_BLOCK | DESC_AF | attrs;
}

static void mmu_enable(void)
{
    /* The tables, written with the MMU off: Device stores, in memory. */
    map_2m(0x08000000, 0x0e000000, DESC_ATTRIDX(ATTR_DEVICE) | DESC_XN);
    map_2m(0x0e000000, 0x10000000, DESC_ATTRIDX(ATTR_NORMAL) | DESC_SH_INNER | DESC_XN);
    l1_table[0] = (u64)(uintptr_t)l2_table | DESC_TABLE;
    l1_table[1] = 0x40000000ul | DESC_BLOCK | DESC_ATTRIDX(ATTR_NORMAL) | DESC_SH_INNER |
                  DESC_AF;
    dsb();

    /* Everything this image wrote with the caches off (tables, .bss, the
     * stack in use) is in memory; any copy of those lines a cache may hold
     * from before is stale, and would be hit once the accesses become
     * cacheable. Invalidate them to the PoC (nothing is dirty: the image
     * never ran with the caches on). Caches are in an IMPLEMENTATION
     * DEFINED state until invalidated (Arm ARM D7.4.3, "Behavior of caches
     * at reset"); a payload does not own the whole cache, so it invalidates
     * by VA what it is about to use, never by set/way. */
    dc_ivac((uintptr_t)__image_start, (size_t)(__image_end - __image_start));
    dsb();

    write_sysreg(mair_el1, (u64)MAIR_DEVICE_NGNRE << (8 * ATTR_DEVICE) |
                               (u64)MAIR_NORMAL_WB << (8 * ATTR_NORMAL));
    write_sysreg(tcr_el1, TCR_T0SZ(32) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
                              TCR_TG0_4K | TCR_EPD1 | TCR_IPS_32BIT);
    write_sysreg(ttbr0_el1, (u64)(uintptr_t)l1_table);
    isb();
    /* No stale translations (TLBI VMALLE1), no instructions fetched before
     * this image was loaded (IC IALLU), both complete before the MMU and
     * caches go on (Arm ARM D8.14, "TLB maintenance"; D7.5.9). */
    __asm__ volatile("tlbi vmalle1\n\tic iallu\n\tdsb nsh\n\tisb" ::: "memory");
    write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I);
    isb();
}

/* ---- synchronous exceptions (start.S) ------------------------------------------------ */

TZT_NORETURN void tzt_el1_exception(unsigned id, const u64 *regs);

static volatile bool abort_expected;    /* case 5: a TZASC may answer with an abort */
static volatile unsigned aborts;

#define ESR_EC_DABT_CUR     0x25        /* Data Abort taken without a change in EL */
#define ESR_DFSC_SEA        0x10        /* synchronous external abort, not on a walk */

void cache_nwd_sync(u64 *frame)
{
    u64 esr = read_sysreg(esr_el1);
    if (abort_expected && (esr >> ESR_EC_SHIFT) == ESR_EC_DABT_CUR &&
        (esr & 0x3f) == ESR_DFSC_SEA) {
        aborts = aborts + 1;
        write_sysreg(elr_el1, read_sysreg(elr_el1) + 4);
        return;
    }
    tzt_el1_exception(4, frame);
}

/* ---- helpers ------------------------------------------------------------------------ */

static u32 fnv1a(const volatile u8 *p, unsigned len)
{
    u32 h = TSP_FNV_OFFSET;
    for (unsigned i = 0; i < len; i++) {
        h ^= p[i];
        h *= TSP_FNV_PRIME;
    }
    return h;
}

static const char *variant(bool fixed)
{
    return fixed ? "fixed" : "buggy";
}

/* Compares len bytes of 32-bit words with want(k); counts the differing
 * words, reports the first. */
struct cmp {
    unsigned bad, first;
    u32 got, want;
};

static void print_cmp(const char *what, const struct cmp *c)
{
    if (c->bad == 0)
        tzt_printf("cache-nwd: %s ok\n", what);
    else
        tzt_printf("cache-nwd: %s MISMATCH at +0x%x got 0x%08x want 0x%08x (%u of the words "
                   "differ)\n", what, c->first * 4, c->got, c->want, c->bad);
}

/* ---- case 1: a shared buffer written cached, read uncached by the TSP --------------- */

static const char msg_text[] =
    "cache-nwd to tsp: this message went through the normal world's data cache. ";

/* The message, 8 bytes per store (cacheable: the lines become dirty). */
static NOINLINE void shm_write_message(uintptr_t buf, unsigned len)
{
    volatile u64 *p = (volatile u64 *)buf;
    for (unsigned w = 0; w < len / 8; w++) {
        u64 v = 0;
        for (unsigned b = 0; b < 8; b++)
            v |= (u64)(u8)msg_text[(w * 8 + b) % (sizeof msg_text - 1)] << (8 * b);
        p[w] = v;
    }
}

static void case_shared_buffer(bool fixed)
{
    tzt_printf("cache-nwd: case 1 (shared buffer, %s): %u bytes written cached at 0x%lx, %s, "
               "then CHECKSUM (0x%x)\n", variant(fixed), MSG_LEN, (u64)MSG_BUF,
               fixed ? "DC CVAC to PoC" : "no clean", TSP_FAST_CHECKSUM64);
    shm_write_message(MSG_BUF, MSG_LEN);
    u32 want = fnv1a((const volatile u8 *)MSG_BUF, MSG_LEN);
    if (fixed) {
        dc_cvac(MSG_BUF, MSG_LEN);
        dsb();
    }
    struct tzt_smc_res r = tzt_smc(TSP_FAST_CHECKSUM64, MSG_BUF, MSG_LEN, 0, 0);
    if (r.x0 != TSP_OK)
        FAIL("CHECKSUM 0x%lx+%u: status 0x%lx\n", (u64)MSG_BUF, MSG_LEN, r.x0);
    if ((u32)r.x1 == want)
        tzt_printf("cache-nwd: checksum ok (0x%08x)\n", want);
    else
        tzt_printf("cache-nwd: checksum MISMATCH got 0x%08x want 0x%08x\n", (u32)r.x1, want);
    tzt_printf("cache-nwd: case 1 done\n");
}

/* ---- case 2: a response written uncached by the TSP into cached lines ---------------- */

/* Reads the buffer (cacheable: the lines come into the data cache). */
static NOINLINE u32 shm_read_buffer(uintptr_t buf, unsigned len)
{
    const volatile u32 *p = (const volatile u32 *)buf;
    u32 sum = 0;
    for (unsigned k = 0; k < len / 4; k++)
        sum += p[k];
    return sum;
}

/* Reads the TSP's answer back and checks FILL's pattern (tsp_abi.h). */
static NOINLINE struct cmp shm_read_back(uintptr_t buf, unsigned len, u32 seed)
{
    const volatile u32 *p = (const volatile u32 *)buf;
    struct cmp c = {0, 0, 0, 0};
    for (unsigned k = 0; k < len / 4; k++) {
        u32 got = p[k], want = seed ^ (0x01010101u * (k & 0xff));
        if (got != want && c.bad++ == 0)
            c.first = k, c.got = got, c.want = want;
    }
    return c;
}

static void case_response(bool fixed)
{
    tzt_printf("cache-nwd: case 2 (response, %s): 0x%lx+%u read cached, %s, FILL (0x%x), "
               "%s, read back\n", variant(fixed), (u64)RESP_BUF, RESP_LEN,
               fixed ? "DC CIVAC to PoC" : "no maintenance", TSP_FAST_FILL64,
               fixed ? "DC IVAC to PoC" : "no invalidate");
    u32 sum = shm_read_buffer(RESP_BUF, RESP_LEN);
    tzt_printf("cache-nwd: buffer before the call: word sum 0x%08x\n", sum);
    if (fixed) {
        /* No copy of the lines while the TSP writes them: a dirty one would
         * be written back over its data, a clean one would be read stale. */
        dc_civac(RESP_BUF, RESP_LEN);
        dsb();
    }
    struct tzt_smc_res r = tzt_smc(TSP_FAST_FILL64, RESP_BUF, RESP_LEN, RESP_SEED, 0);
    if (r.x0 != TSP_OK || r.x1 != RESP_LEN)
        FAIL("FILL 0x%lx+%u: status 0x%lx x1 0x%lx\n", (u64)RESP_BUF, RESP_LEN, r.x0, r.x1);
    if (fixed) {
        /* Lines the CPU may have fetched (speculatively) during the call. */
        dc_ivac(RESP_BUF, RESP_LEN);
        dsb();
    }
    struct cmp c = shm_read_back(RESP_BUF, RESP_LEN, RESP_SEED);
    print_cmp("response", &c);
    tzt_printf("cache-nwd: case 2 done\n");
}

/* ---- case 3: code rewritten without an I-cache invalidation --------------------------- */

#define A64_MOV_W0(imm)     (0x52800000u | ((u32)(imm) << 5))  /* movz w0, #imm */
#define A64_RET             0xd65f03c0u

/* Writes "mov w0, #imm; ret" at va (data stores, cacheable). */
static NOINLINE void code_write(uintptr_t va, u32 imm)
{
    volatile u32 *p = (volatile u32 *)va;
    p[0] = A64_MOV_W0(imm);
    p[1] = A64_RET;
}

/* Branches to the code at va. */
static NOINLINE u32 code_call(uintptr_t va)
{
    u32 (*fn)(void) = (u32 (*)(void))va;
    return fn();
}

static void case_stale_code(bool fixed)
{
    tzt_printf("cache-nwd: case 3 (stale code, %s): code at 0x%x rewritten, DC CVAU, %s\n",
               variant(fixed), CODE_VA,
               fixed ? "IC IVAU + DSB + ISB" : "only an ISB (no IC IVAU)");
    /* The first version, made executable as the architecture requires
     * (Arm ARM B2.4.4, "Concurrent modification and execution of
     * instructions"): clean to PoU, invalidate the I-cache, synchronise. */
    code_write(CODE_VA, 1);
    dc_cvau(CODE_VA, 8);
    dsb_ish();
    ic_ivau(CODE_VA, 8);
    dsb_ish();
    isb();
    u32 v1 = code_call(CODE_VA);
    if (v1 != 1)
        FAIL("the first version of the code returned %u\n", v1);
    tzt_printf("cache-nwd: first version returned 1\n");

    code_write(CODE_VA, 2);
    dc_cvau(CODE_VA, 8);
    dsb_ish();
    if (fixed) {
        ic_ivau(CODE_VA, 8);
        dsb_ish();
    }
    isb();
    u32 v2 = code_call(CODE_VA);
    if (v2 == 2)
        tzt_printf("cache-nwd: code returned 2 (the new code ran)\n");
    else
        tzt_printf("cache-nwd: code returned %u (STALE: not the new code)\n", v2);
    tzt_printf("cache-nwd: case 3 done\n");
}

/* ---- case 4: the DMA engine, a non-coherent master ------------------------------------ */

/* Source data, cacheable stores: word k = seed ^ k * 0x9e3779b9. */
static NOINLINE void dma_src_write(uintptr_t src, unsigned len, u32 seed)
{
    volatile u32 *p = (volatile u32 *)src;
    for (unsigned k = 0; k < len / 4; k++)
        p[k] = seed ^ (k * 0x9e3779b9u);
}

/* The CPU looks at the destination before the transfer (the lines come
 * into the data cache, clean). */
static NOINLINE u32 dma_dst_peek(uintptr_t dst, unsigned len)
{
    const volatile u32 *p = (const volatile u32 *)dst;
    u32 x = 0;
    for (unsigned k = 0; k < len / 4; k++)
        x |= p[k];
    return x;
}

/* The CPU writes the destination before the transfer (dirty lines). */
static NOINLINE void dma_dst_dirty(uintptr_t dst, unsigned len)
{
    volatile u32 *p = (volatile u32 *)dst;
    for (unsigned k = 0; k < len / 4; k++)
        p[k] = DMA_STALE_WORD;
}

/* Reads the destination after the transfer and checks it. */
static NOINLINE struct cmp dma_dst_read(uintptr_t dst, unsigned len, u32 seed)
{
    const volatile u32 *p = (const volatile u32 *)dst;
    struct cmp c = {0, 0, 0, 0};
    for (unsigned k = 0; k < len / 4; k++) {
        u32 got = p[k], want = seed ^ (k * 0x9e3779b9u);
        if (got != want && c.bad++ == 0)
            c.first = k, c.got = got, c.want = want;
    }
    return c;
}

/* One transfer, polled to completion. The DSBs order the CPU's stores
 * (and any maintenance) before START and the reads that follow after DONE,
 * as a driver's write/read barriers do; they clean nothing. */
static NOINLINE void dma_transfer(u32 src, u32 dst, u32 len)
{
    uintptr_t b = DMA_BASE;
    mmio_write32(b + DMA_STATUS, DMA_ST_DONE | DMA_ST_ERROR);
    mmio_write32(b + DMA_SRC_LO, src);
    mmio_write32(b + DMA_SRC_HI, 0);
    mmio_write32(b + DMA_DST_LO, dst);
    mmio_write32(b + DMA_DST_HI, 0);
    mmio_write32(b + DMA_LEN_REG, len);
    dsb();
    mmio_write32(b + DMA_CTRL, DMA_CTRL_START);
    u32 st = 0;
    unsigned i;
    for (i = 0; i < DMA_POLL_LIMIT; i++) {
        st = mmio_read32(b + DMA_STATUS);
        if (st & (DMA_ST_DONE | DMA_ST_ERROR))
            break;
    }
    dsb();
    if (i == DMA_POLL_LIMIT)
        FAIL("DMA 0x%x -> 0x%x len %u: not done after %u polls (STATUS 0x%x)\n", src, dst,
             len, i, st);
    if (st & DMA_ST_ERROR)
        FAIL("DMA 0x%x -> 0x%x len %u: STATUS 0x%x (ERROR)\n", src, dst, len, st);
    mmio_write32(b + DMA_STATUS, DMA_ST_DONE);
    tzt_printf("cache-nwd: DMA 0x%x -> 0x%x len %u done after %u polls\n", src, dst, len,
               i + 1);
}

static void case_dma(bool fixed)
{
    u32 id = mmio_read32(DMA_BASE + DMA_ID);
    if (id != DMA_ID_VALUE)
        FAIL("no DMA engine at 0x%x (ID 0x%08x)\n", DMA_BASE, id);

    /* (a) A source the CPU wrote through its cache; a destination it has
     * looked at, so clean copies of it are in the cache. */
    tzt_printf("cache-nwd: case 4 (DMA, %s): (a) source 0x%x written cached, %s; destination "
               "0x%x cached, %s after the transfer\n", variant(fixed), DMA_SRC,
               fixed ? "DC CVAC" : "no clean", DMA_DST,
               fixed ? "DC IVAC" : "no invalidate");
    u32 before = dma_dst_peek(DMA_DST, DMA_LEN);
    tzt_printf("cache-nwd: destination before the transfer: OR of its words 0x%08x\n", before);
    dma_src_write(DMA_SRC, DMA_LEN, DMA_SEED_A);
    if (fixed) {
        dc_cvac(DMA_SRC, DMA_LEN);
        dsb();
    }
    dma_transfer(DMA_SRC, DMA_DST, DMA_LEN);
    if (fixed) {
        dc_ivac(DMA_DST, DMA_LEN);
        dsb();
    }
    struct cmp c = dma_dst_read(DMA_DST, DMA_LEN, DMA_SEED_A);
    print_cmp("dma", &c);

    /* (b) A destination with dirty lines: their write-back would overwrite
     * what the engine wrote, and until then the CPU reads its own old data.
     * The source is cleaned in both variants. */
    tzt_printf("cache-nwd: case 4 (DMA, %s): (b) destination 0x%x written cached (dirty), %s "
               "before the transfer\n", variant(fixed), DMA_DIRTY_DST,
               fixed ? "DC CIVAC" : "no clean+invalidate");
    dma_src_write(DMA_DIRTY_SRC, DMA_LEN, DMA_SEED_B);
    dc_cvac(DMA_DIRTY_SRC, DMA_LEN);
    dsb();
    dma_dst_dirty(DMA_DIRTY_DST, DMA_LEN);
    if (fixed) {
        dc_civac(DMA_DIRTY_DST, DMA_LEN);
        dsb();
    }
    dma_transfer(DMA_DIRTY_SRC, DMA_DIRTY_DST, DMA_LEN);
    if (fixed) {
        dc_ivac(DMA_DIRTY_DST, DMA_LEN);
        dsb();
    }
    c = dma_dst_read(DMA_DIRTY_DST, DMA_LEN, DMA_SEED_B);
    print_cmp("dma into dirty lines", &c);
    tzt_printf("cache-nwd: case 4 done\n");
}

/* ---- case 5: the normal world touches secure memory ------------------------------------ */

static u32 own_word __attribute__((aligned(64)));

static void case_secure_access(bool fixed)
{
    uintptr_t a = fixed ? (uintptr_t)&own_word : SECURE_WORD;
    const char *where = fixed ? "its own RAM" : "secure DRAM (the TSP's)";
    tzt_printf("cache-nwd: case 5 (secure memory, %s): read and write a word of %s at 0x%lx\n",
               variant(fixed), where, (u64)a);
    unsigned ab = aborts;
    abort_expected = true;
    u32 v = nw_read_word(a);
    tzt_printf("cache-nwd: read 0x%08x from 0x%lx%s\n", v, (u64)a,
               aborts != ab ? " (external abort)" : "");
    ab = aborts;
    nw_write_word(a, POKE_VALUE);
    u32 back = nw_read_word(a);
    abort_expected = false;
    tzt_printf("cache-nwd: wrote 0x%08x, read back 0x%08x%s\n", POKE_VALUE, back,
               aborts != ab ? " (external abort)" : "");
    tzt_printf("cache-nwd: case 5 done\n");
}

/* ---- main ----------------------------------------------------------------------------- */

void cache_nwd_main(u64 x0)
{
    /* Read with the MMU off (from memory, where the scenario wrote them). */
    u32 which = cache_case;
    bool fixed = cache_fixed != 0;
    tzt_printf("cache-nwd: up on core %u, case %u%s, %s variant\n", tzt_core_index(), which,
               which == 0 ? " (all)" : "", variant(fixed));
    if (which > 5)
        FAIL("cache_case %u: must be 0..5\n", which);

    cache_geometry();
    mmu_enable();
    tzt_printf("cache-nwd: MMU and caches on (SCTLR_EL1 0x%lx), D-cache line %u bytes, "
               "I-cache line %u bytes\n", read_sysreg(sctlr_el1), dline, iline);

    static void (*const cases[])(bool) = {
        case_shared_buffer, case_response, case_stale_code, case_dma, case_secure_access,
    };
    for (unsigned i = 1; i <= 5; i++)
        if (which == 0 || which == i)
            cases[i - 1](fixed);
    tzt_printf("cache-nwd: done\n");
    power_off();
}
