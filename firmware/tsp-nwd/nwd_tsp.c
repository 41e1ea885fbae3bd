/* SPDX-License-Identifier: MIT */
/*
 * nwd-tsp: the normal-world client of the secure test payload (tsp.elf),
 * run at NS-EL1 by the reference monitor. It calls every TSP function
 * (firmware/tsp/tsp_abi.h), checks each result, prints it on UART0 and
 * powers the machine off with PSCI SYSTEM_OFF:
 *
 *   ECHO (SMC64 and SMC32), ADD 1000 times, an unknown function,
 *   RETURN_FROM_RPC with nothing to resume, LOOP N = 10000 (serving any
 *   foreign-interrupt RPC: take the interrupt, then RETURN_FROM_RPC),
 *   CHECKSUM of a buffer it wrote at 0x42000000 and of buffers outside the
 *   shared memory (refused), then with x0 >= 2 the other cores (PSCI CPU_ON:
 *   each calls the TSP and goes off again), and STATS.
 *
 * x0 at entry (the handoff's bl33_x0) is the number of cores to use: the
 * TSP needs no device tree, and the platform's tree lists four cores
 * whatever the machine has.
 *
 * The MMU stays off: the shared buffer is non-cacheable here as in the TSP
 * (which reads it with its MMU off too), so no cache maintenance is needed.
 * Interrupts stay masked except while a foreign-interrupt RPC is served;
 * the normal-world interrupt INTID 49 (SPI 17) is enabled for that
 * (scenarios/tsp-foreign.lua raises it during LOOP).
 */
#include <stdbool.h>

#include "tzt.h"
#include "tsp_abi.h"

const uintptr_t tzt_console_base = TZT_UART0_BASE;
const char tzt_image_name[] = "nwd-tsp";

#define NWDT_CORES          4           /* start.S */
#define LOOP_N              10000
#define SHM_BUF_LEN         4096
#define SECONDARY_CONTEXT   0x75900000u /* | core index: the CPU_ON context id */
#define SPIN_LIMIT          50000000u

#define GICD_BASE           0x08000000
#define GICC_BASE           0x08010000
#define GICD_ISENABLER(n)   (0x0100 + 4 * (n))
#define GICD_ITARGETSR(n)   (0x0800 + 4 * (n))
#define GICD_CTLR           0x0000
#define GICD_CTLR_ARE_NS    (1u << 4)   /* GICv3, Non-secure view; reserved on GICv2 */
#define GICC_IAR            0x000c
#define GICC_EOIR           0x0010
#define ICC_IAR1_EL1        S3_0_C12_C12_0
#define ICC_EOIR1_EL1       S3_0_C12_C12_1
#define ICC_SRE_EL1         S3_0_C12_C12_5

extern char secondary_entry[];

static bool gic_v3;
static u64 irqs[NWDT_CORES];        /* interrupts acknowledged, per core */
static u32 last_irq[NWDT_CORES];
static u64 spurious[NWDT_CORES];
static u32 secondary_done[NWDT_CORES];

static TZT_NORETURN void power_off(void)
{
    tzt_smc(PSCI_SYSTEM_OFF, 0, 0, 0, 0);
    for (;;)
        wfi();
}

#define FAIL(...)                                                                        \
    do {                                                                                 \
        tzt_printf("nwd-tsp: FAILED " __VA_ARGS__);                                      \
        power_off();                                                                     \
    } while (0)

/* ---- GIC, normal-world side ------------------------------------------------------ */

static void gic_init(void)
{
    /* GICv3 with affinity routing (as the monitor sets it up) or GICv2: told
     * apart by GICD_CTLR.ARE_NS, not GICD_PIDR2, whose offset differs. */
    gic_v3 = (mmio_read32(GICD_BASE + GICD_CTLR) & GICD_CTLR_ARE_NS) != 0;
    unsigned id = TSP_NS_INTID;
    if (gic_v3) {
        /* The system-register interface (ICC_SRE_EL2.Enable lets NS-EL1 choose
         * it); the monitor enabled Group 1 and the priority mask. */
        write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | 1);
        isb();
    } else {
        /* Target CPU 0 (GICv2 SPIs have no target at reset); a Non-secure
         * write leaves the Group 0 interrupts' bytes alone. */
        uintptr_t t = GICD_BASE + GICD_ITARGETSR(id / 4);
        u32 v = mmio_read32(t) & ~(0xffu << (8 * (id % 4)));
        mmio_write32(t, v | 1u << (8 * (id % 4)));
    }
    mmio_write32(GICD_BASE + GICD_ISENABLER(id / 32), 1u << (id % 32));
    dsb();
    tzt_printf("nwd-tsp: %s, normal-world interrupt INTID %u enabled\n",
               gic_v3 ? "GICv3" : "GICv2", id);
}

/* IRQ at NS-EL1 (start.S). */
void nwd_tsp_irq(void)
{
    unsigned c = tzt_core_index();
    u32 iar = gic_v3 ? (u32)read_sysreg(ICC_IAR1_EL1) : mmio_read32(GICC_BASE + GICC_IAR);
    u32 id = iar & 0x3ff;
    if (id >= 1020) {
        spurious[c]++;
        return;
    }
    if (gic_v3)
        write_sysreg(ICC_EOIR1_EL1, iar);
    else
        mmio_write32(GICC_BASE + GICC_EOIR, iar);
    isb();
    last_irq[c] = id;
    WRITE_ONCE(irqs[c], irqs[c] + 1);
}

/* The TSP returned the foreign-interrupt RPC: an interrupt of ours is
 * pending. Unmask IRQs for a moment so that it is taken, as a rich OS
 * returns to its interrupt handling before it resumes the call. */
static void take_pending_interrupt(void)
{
    unsigned c = tzt_core_index();
    u64 before = READ_ONCE(irqs[c]);
    __asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory");
    for (unsigned i = 0; i < 256 && READ_ONCE(irqs[c]) == before; i++)
        __asm__ volatile("nop" ::: "memory");
    __asm__ volatile("msr daifset, #2\n\tisb" ::: "memory");
    if (READ_ONCE(irqs[c]) == before)
        tzt_printf("nwd-tsp: foreign-interrupt RPC, but no interrupt arrived\n");
    else
        tzt_printf("nwd-tsp: IRQ INTID %u taken during a foreign-interrupt RPC\n",
                   last_irq[c]);
}

/* ---- calls ---------------------------------------------------------------------- */

/* A yielding call, resumed after every foreign-interrupt RPC. */
static struct tzt_smc_res yield_call(u32 fid, u64 a1, u64 a2, u64 a3, unsigned *rpcs)
{
    struct tzt_smc_res r = tzt_smc(fid, a1, a2, a3, 0);
    *rpcs = 0;
    while ((u32)r.x0 == TSP_RPC_FOREIGN_INTR) {
        ++*rpcs;
        take_pending_interrupt();
        r = tzt_smc(TSP_YIELD_RETURN_FROM_RPC, r.x1, r.x2, r.x3, 0);
    }
    return r;
}

static u32 fnv1a(const volatile u8 *p, u64 len)
{
    u32 h = TSP_FNV_OFFSET;
    for (u64 i = 0; i < len; i++) {
        h ^= p[i];
        h *= TSP_FNV_PRIME;
    }
    return h;
}

static void test_echo(const char *who, u64 a, u64 b, u64 c)
{
    struct tzt_smc_res r = tzt_smc(TSP_FAST_ECHO64, a, b, c, 0);
    if (r.x0 != TSP_OK || r.x1 != a || r.x2 != b || r.x3 != c)
        FAIL("%s: ECHO 0x%lx 0x%lx 0x%lx -> x0 0x%lx x1 0x%lx x2 0x%lx x3 0x%lx\n", who, a, b,
             c, r.x0, r.x1, r.x2, r.x3);
    tzt_printf("%s: ECHO 0x%lx 0x%lx 0x%lx -> 0x%lx 0x%lx 0x%lx ok\n", who, a, b, c, r.x1, r.x2,
               r.x3);
}

static void test_add(const char *who, unsigned calls, u64 seed)
{
    u64 a = 0, b = 0, sum = 0;
    for (unsigned i = 0; i < calls; i++) {
        a = seed + i * 0x9e3779b97f4a7c15ull;
        b = 0x0123456789abcdefull ^ ((u64)i << 20);
        struct tzt_smc_res r = tzt_smc(TSP_FAST_ADD64, a, b, 0, 0);
        if (r.x0 != TSP_OK || r.x1 != a + b)
            FAIL("ADD call %u: 0x%lx + 0x%lx -> x0 0x%lx x1 0x%lx, expected 0x%lx\n", i, a, b,
                 r.x0, r.x1, a + b);
        sum = r.x1;
    }
    tzt_printf("%s: ADD %u calls, all results correct (last 0x%lx + 0x%lx = 0x%lx)\n", who,
               calls, a, b, sum);
}

static void test_loop(const char *who, u64 n)
{
    unsigned rpcs;
    struct tzt_smc_res r = yield_call(TSP_YIELD_LOOP, n, 0, 0, &rpcs);
    if (r.x0 != TSP_OK || r.x1 != n || r.x2 != rpcs)
        FAIL("LOOP %lu: x0 0x%lx x1 %lu x2 %lu (after %u RPCs)\n", n, r.x0, r.x1, r.x2, rpcs);
    tzt_printf("%s: LOOP %lu: status 0x%lx, %lu iterations, %u foreign-interrupt RPCs, "
               "%lu native interrupts\n", who, n, r.x0, r.x1, rpcs, r.x3);
}

static void test_checksum(void)
{
    volatile u8 *buf = (volatile u8 *)(uintptr_t)TSP_SHM_BASE;
    for (unsigned i = 0; i < SHM_BUF_LEN; i++)
        buf[i] = (u8)((i * 31 + 7) ^ (i >> 8));
    dsb();
    u32 want = fnv1a(buf, SHM_BUF_LEN);
    struct tzt_smc_res r = tzt_smc(TSP_FAST_CHECKSUM64, TSP_SHM_BASE, SHM_BUF_LEN, 0, 0);
    if (r.x0 != TSP_OK || r.x1 != want)
        FAIL("CHECKSUM 0x%x+%u: x0 0x%lx x1 0x%lx, expected 0x%x\n", TSP_SHM_BASE, SHM_BUF_LEN,
             r.x0, r.x1, want);
    tzt_printf("nwd-tsp: CHECKSUM 0x%x+%u: FNV-1a 0x%08lx ok\n", TSP_SHM_BASE, SHM_BUF_LEN,
               r.x1);

    /* An unaligned piece of it. */
    want = fnv1a(buf + 1001, 333);
    r = tzt_smc(TSP_FAST_CHECKSUM64, TSP_SHM_BASE + 1001, 333, 0, 0);
    if (r.x0 != TSP_OK || r.x1 != want)
        FAIL("CHECKSUM 0x%x+333: x0 0x%lx x1 0x%lx, expected 0x%x\n", TSP_SHM_BASE + 1001,
             r.x0, r.x1, want);
    tzt_printf("nwd-tsp: CHECKSUM 0x%x+333: FNV-1a 0x%08lx ok\n", TSP_SHM_BASE + 1001, r.x1);

    /* Not shared memory: the TSP's own image, and a buffer running past the
     * end of the shared memory. */
    static const u64 bad[][2] = {
        {TZT_SEC_DRAM_BASE, 64},
        {TSP_SHM_BASE + TSP_SHM_SIZE - 0x100, 0x200},
    };
    for (unsigned i = 0; i < 2; i++) {
        r = tzt_smc(TSP_FAST_CHECKSUM64, bad[i][0], bad[i][1], 0, 0);
        if (r.x0 != TSP_E_BADADDR)
            FAIL("CHECKSUM 0x%lx+%lu: x0 0x%lx, expected TSP_E_BADADDR\n", bad[i][0],
                 bad[i][1], r.x0);
        tzt_printf("nwd-tsp: CHECKSUM 0x%lx+%lu refused: 0x%lx (TSP_E_BADADDR)\n", bad[i][0],
                   bad[i][1], r.x0);
    }
}

static void test_errors(void)
{
    /* SMC32: 32-bit arguments and results. */
    struct tzt_smc_res r = tzt_smc(TSP_FAST_ECHO, 0xaaaaaaaa11111111ull, 0x22222222, 0x33333333, 0);
    if (r.x0 != TSP_OK || r.x1 != 0x11111111 || r.x2 != 0x22222222 || r.x3 != 0x33333333)
        FAIL("ECHO (SMC32): x0 0x%lx x1 0x%lx x2 0x%lx x3 0x%lx\n", r.x0, r.x1, r.x2, r.x3);
    tzt_printf("nwd-tsp: ECHO (SMC32) 0xaaaaaaaa11111111 -> 0x%lx ok\n", r.x1);

    r = tzt_smc(0xB30000FFu, 0, 0, 0, 0);
    if (r.x0 != TSP_E_UNKNOWN)
        FAIL("unknown fast call 0xb30000ff: x0 0x%lx\n", r.x0);
    tzt_printf("nwd-tsp: unknown function 0xb30000ff: 0x%lx\n", r.x0);

    r = tzt_smc(TSP_YIELD_RETURN_FROM_RPC, 0, 0, 0, 0);
    if (r.x0 != TSP_E_RESUME)
        FAIL("RETURN_FROM_RPC with nothing to resume: x0 0x%lx\n", r.x0);
    tzt_printf("nwd-tsp: RETURN_FROM_RPC with nothing to resume: 0x%lx (TSP_E_RESUME)\n", r.x0);
}

/* ---- other cores ------------------------------------------------------------------ */

void nwd_tsp_secondary(u64 context)
{
    unsigned c = tzt_core_index();
    char who[16] = "nwd-tsp[?]";
    who[8] = (char)('0' + c);
    tzt_printf("%s: up, context 0x%lx\n", who, context);
    if (context != (SECONDARY_CONTEXT | c))
        FAIL("core %u: context 0x%lx\n", c, context);
    test_echo(who, 0x1000 + c, 0x2000 + c, 0x3000 + c);
    test_add(who, 100, c);
    test_loop(who, 2000);
    dsb();
    WRITE_ONCE(secondary_done[c], 1);
    dsb();
    tzt_smc(PSCI_CPU_OFF, 0, 0, 0, 0);
    FAIL("core %u: CPU_OFF returned\n", c);
}

static void test_cores(unsigned ncores)
{
    for (unsigned c = 1; c < ncores; c++) {
        struct tzt_smc_res r = tzt_smc(PSCI_CPU_ON, c, (u64)(uintptr_t)secondary_entry,
                                       SECONDARY_CONTEXT | c, 0);
        if (r.x0 != PSCI_SUCCESS)
            FAIL("CPU_ON(%u): %ld\n", c, (long)r.x0);
        unsigned i = 0;
        while (!READ_ONCE(secondary_done[c]))
            if (++i == SPIN_LIMIT)
                FAIL("core %u did not finish\n", c);
        for (i = 0; tzt_smc(PSCI_AFFINITY_INFO, c, 0, 0, 0).x0 != PSCI_AFF_OFF; i++)
            if (i == SPIN_LIMIT)
                FAIL("core %u did not go off\n", c);
        tzt_printf("nwd-tsp: core %u on, served by the TSP, and off again\n", c);
    }
}

void nwd_tsp_main(u64 ncores)
{
    if (ncores < 1)
        ncores = 1;
    if (ncores > NWDT_CORES)
        ncores = NWDT_CORES;
    tzt_printf("nwd-tsp: up on core %u, using %lu core(s)\n", tzt_core_index(), ncores);
    gic_init();

    test_echo("nwd-tsp", 0x0123456789abcdefull, 0xfedcba9876543210ull, 0x5a5a5a5a5a5a5a5aull);
    test_errors();
    test_add("nwd-tsp", 1000, 0x1234);
    test_loop("nwd-tsp", LOOP_N);
    test_checksum();
    test_cores((unsigned)ncores);

    struct tzt_smc_res r = tzt_smc(TSP_FAST_STATS64, 0, 0, 0, 0);
    if (r.x0 != TSP_OK)
        FAIL("STATS: x0 0x%lx\n", r.x0);
    tzt_printf("nwd-tsp: STATS: %lu FIQ entries, %lu native interrupts, %lu foreign-interrupt "
               "RPCs; IRQs taken here: %lu (%lu spurious)\n", r.x1, r.x2, r.x3, irqs[0],
               spurious[0]);
    tzt_printf("nwd-tsp: all tests passed\n");
    power_off();
}
