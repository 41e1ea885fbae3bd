/* SPDX-License-Identifier: MIT */
/*
 * nwd-rpi — the normal-world payload for the Raspberry Pi 4 platform
 * (models/platforms/rpi4.dts) under Debian's TF-A BL31 for rpi4. It is
 * BL33: BL31 enters it at EL2h at 0x80000 with x0 = the device tree BL31
 * edited. It checks what a hypervisor or Linux would rely on, in order:
 *
 *   1. it runs at EL2 and x0 points to a valid device tree;
 *   2. BL31 added /psci (compatible "arm,psci-1.0", method "smc"), set
 *      enable-method = "psci" on cpu@1, reserved itself as
 *      /reserved-memory/atf@0 (0..0x80000) and removed the /memreserve/ of
 *      the spin-table page at 0;
 *   3. SMCCC_VERSION is 1.x with x >= 1, PSCI_VERSION is 1.1;
 *      PSCI_FEATURES(CPU_ON) = 0, PSCI_FEATURES(SYSTEM_SUSPEND) = -1
 *      (the rpi port has no suspend), and an unknown function id
 *      (0xB2000000: Trusted OS call, and there is no Trusted OS) = -1;
 *   4. AFFINITY_INFO(core 1) = OFF; CPU_ON(core 1, rpi_secondary, 0x1234)
 *      = SUCCESS; core 1 prints its line at EL2 with x0 = 0x1234 and calls
 *      CPU_OFF; core 0 waits for its flag and for AFFINITY_INFO = OFF;
 *
 * then prints "nwd-rpi: all checks passed" and calls SYSTEM_OFF. A wrong
 * answer prints "nwd-rpi: FAILED ..." (an unexpected exception
 * "nwd-rpi: PANIC ...") and calls SYSTEM_OFF. Output goes to the mini UART
 * (0xfe215040), the console BL31 chose because GPIO 14 is in ALT5.
 */
#include <stdarg.h>
#include <stdbool.h>

#include "nwd.h"

/* The common objects' console needs these; nwd-rpi prints with rpi_putc. */
const uintptr_t tzt_console_base = 0xfe201000;  /* PL011, unused */
const char tzt_image_name[] = "nwd-rpi";

#define MU_BASE         0xfe215040ul   /* AUX_MU_IO */
#define MU_LSR          0x14           /* AUX_MU_LSR */
#define MU_LSR_TX_EMPTY (1u << 5)

#define PSCI_SYSTEM_SUSPEND 0xC400000E
#define FID_UNKNOWN         0xB2000000  /* Trusted OS fast call: no Trusted OS here */
#define CONTEXT_ID          0x1234
#define SECONDARY           1

void rpi_main(u64 dtb);
void rpi_secondary_main(u64 context);
void rpi_exception(unsigned id);
extern char rpi_secondary[];

static volatile u32 secondary_done;

/* ---- console: the mini UART, polled --------------------------------------- */

static void rpi_putc(char c)
{
    while (!(mmio_read32(MU_BASE + MU_LSR) & MU_LSR_TX_EMPTY))
        ;
    mmio_write32(MU_BASE, (u8)c);
}

static void put_num(u64 v, unsigned base, int width, bool zero, bool neg)
{
    char buf[24];
    int n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    if (neg)
        buf[n++] = '-';
    for (int i = n; i < width; i++)
        rpi_putc(zero ? '0' : ' ');
    while (n)
        rpi_putc(buf[--n]);
}

/* %s %c %d %u %x, optional '0' flag, width and 'l'. */
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            rpi_putc(*p);
            continue;
        }
        p++;
        bool zero = *p == '0', lng = false;
        if (zero)
            p++;
        int width = 0;
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        while (*p == 'l') {
            lng = true;
            p++;
        }
        switch (*p) {
        case 's':
            for (const char *s = va_arg(ap, const char *); *s; s++)
                rpi_putc(*s);
            break;
        case 'c':
            rpi_putc((char)va_arg(ap, int));
            break;
        case 'd': {
            long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
            put_num(v < 0 ? -(u64)v : (u64)v, 10, width, zero, v < 0);
            break;
        }
        case 'u':
            put_num(lng ? va_arg(ap, u64) : va_arg(ap, unsigned), 10, width, zero, false);
            break;
        case 'x':
            put_num(lng ? va_arg(ap, u64) : va_arg(ap, unsigned), 16, width, zero, false);
            break;
        default:
            rpi_putc('%');
            rpi_putc(*p);
            break;
        }
    }
    va_end(ap);
}

/* ---- SMC and failure ---------------------------------------------------------- */

static u64 smc(u64 fid, u64 a1, u64 a2, u64 a3)
{
    return tzt_smc(fid, a1, a2, a3, 0).x0;
}

static TZT_NORETURN void system_off(void)
{
    smc(PSCI_SYSTEM_OFF, 0, 0, 0);
    for (;;)
        wfi();
}

static TZT_NORETURN void fail(const char *what, u64 got, u64 expected)
{
    say("nwd-rpi: FAILED: %s (got 0x%lx, expected 0x%lx)\n", what, got, expected);
    system_off();
}

static void expect(const char *what, u64 got, u64 expected)
{
    if (got != expected)
        fail(what, got, expected);
}

void rpi_exception(unsigned id)
{
    say("nwd-rpi: PANIC unexpected exception (vector %u) on core %u: ESR_EL2 0x%lx "
        "ELR_EL2 0x%lx FAR_EL2 0x%lx\n", id, tzt_core_index(), read_sysreg(esr_el2),
        read_sysreg(elr_el2), read_sysreg(far_el2));
    system_off();
}

/* ---- the device tree BL31 edited ---------------------------------------------- */

static u32 be32(const void *p)
{
    const u8 *b = p;
    return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static u64 cells(const void *p, u32 n)
{
    u64 v = 0;
    for (u32 i = 0; i < n; i++)
        v = v << 32 | be32((const u8 *)p + 4 * i);
    return v;
}

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static void check_dt(const void *dtb)
{
    if (!dtb || !fdt_valid(dtb))
        fail("no valid device tree in x0", (u64)(uintptr_t)dtb, 0);
    say("nwd-rpi: device tree at 0x%lx, %u bytes\n", (u64)(uintptr_t)dtb, fdt_total_size(dtb));

    u32 len = 0;
    const char *compat = fdt_get_prop(dtb, "/psci", "compatible", &len);
    const char *method = fdt_get_prop(dtb, "/psci", "method", NULL);
    if (!compat || !method)
        fail("BL31 did not add /psci with compatible and method", 0, 0);
    say("nwd-rpi: DT /psci: compatible \"%s\", method \"%s\"\n", compat, method);
    if (!str_eq(compat, "arm,psci-1.0") || !str_eq(method, "smc"))
        fail("/psci is not arm,psci-1.0 over smc", 0, 0);

    const char *em = fdt_get_prop(dtb, "/cpus/cpu@1", "enable-method", NULL);
    if (!em || !str_eq(em, "psci"))
        fail("cpu@1 enable-method is not psci", 0, 0);

    const u32 *rc = fdt_get_prop(dtb, "/", "#address-cells", NULL);
    const u32 *sc = fdt_get_prop(dtb, "/", "#size-cells", NULL);
    u32 ac = rc ? be32(rc) : 2, szc = sc ? be32(sc) : 1;
    const u8 *reg = fdt_get_prop(dtb, "/reserved-memory/atf@0", "reg", &len);
    if (!reg || len != 4 * (ac + szc))
        fail("no /reserved-memory/atf@0 reg", len, 4 * (ac + szc));
    u64 base = cells(reg, ac), size = cells(reg + 4 * ac, szc);

    /* The memory reservation block: (address, size) pairs up to (0, 0). */
    const u8 *rsv = (const u8 *)dtb + be32((const u8 *)dtb + 16);
    unsigned nrsv = 0;
    while (cells(rsv + 16 * nrsv, 2) || cells(rsv + 16 * nrsv + 8, 2))
        nrsv++;
    say("nwd-rpi: DT cpu@1 enable-method \"%s\", /reserved-memory/atf@0 0x%lx+0x%lx, "
        "%u /memreserve/ entries\n", em, base, size, nrsv);
    expect("atf@0 base", base, 0);
    expect("atf@0 size", size, 0x80000);
    expect("/memreserve/ entries left", nrsv, 0);
}

/* ---- PSCI and SMCCC ------------------------------------------------------------- */

static void check_calls(void)
{
    u64 smccc = smc(SMCCC_VERSION, 0, 0, 0);
    u64 psci = smc(PSCI_VERSION, 0, 0, 0);
    say("nwd-rpi: SMCCC_VERSION 0x%lx, PSCI_VERSION 0x%lx\n", smccc, psci);
    if (smccc >> 16 != 1 || (smccc & 0xffff) < 1)
        fail("SMCCC_VERSION is not 1.1 or later", smccc, 0x10001);
    expect("PSCI_VERSION", psci, PSCI_VERSION_1_1);

    u64 f_on = smc(PSCI_FEATURES, PSCI_CPU_ON, 0, 0);
    u64 f_susp = smc(PSCI_FEATURES, PSCI_SYSTEM_SUSPEND, 0, 0);
    u64 unknown = smc(FID_UNKNOWN, 0, 0, 0);
    say("nwd-rpi: PSCI_FEATURES(CPU_ON) %ld, PSCI_FEATURES(SYSTEM_SUSPEND) %ld, "
        "function 0x%x %ld\n", (long long)f_on, (long long)f_susp, FID_UNKNOWN,
        (long long)unknown);
    expect("PSCI_FEATURES(CPU_ON)", f_on, PSCI_SUCCESS);
    expect("PSCI_FEATURES(SYSTEM_SUSPEND)", f_susp, (u64)PSCI_NOT_SUPPORTED);
    expect("unknown function id", unknown, (u64)SMCCC_NOT_SUPPORTED);
}

static void check_cpu_on(void)
{
    expect("AFFINITY_INFO(1) before CPU_ON", smc(PSCI_AFFINITY_INFO, SECONDARY, 0, 0),
           PSCI_AFF_OFF);
    say("nwd-rpi: starting core %u\n", SECONDARY);
    u64 r = smc(PSCI_CPU_ON, SECONDARY, (u64)(uintptr_t)rpi_secondary, CONTEXT_ID);
    expect("CPU_ON(1)", r, PSCI_SUCCESS);
    unsigned long polls = 0;
    while (!READ_ONCE(secondary_done))
        if (++polls == 100000000ul)
            fail("timed out waiting for core 1", polls, 0);
    dsb();
    polls = 0;
    while ((r = smc(PSCI_AFFINITY_INFO, SECONDARY, 0, 0)) != PSCI_AFF_OFF)
        if (++polls == 1000000ul)
            fail("timed out waiting for AFFINITY_INFO(1) = OFF", r, PSCI_AFF_OFF);
    say("nwd-rpi: core %u is off again\n", SECONDARY);
}

void rpi_secondary_main(u64 context)
{
    say("nwd-rpi[%u]: up at EL%u, context 0x%lx\n", tzt_core_index(),
        (unsigned)(read_sysreg(CurrentEL) >> 2), context);
    if (context != CONTEXT_ID || read_sysreg(CurrentEL) >> 2 != 2)
        fail("secondary entry", context, CONTEXT_ID);
    dsb();
    WRITE_ONCE(secondary_done, 1);
    dsb();
    u64 r = smc(PSCI_CPU_OFF, 0, 0, 0);
    fail("CPU_OFF returned", r, 0);
}

void rpi_main(u64 dtb)
{
    unsigned el = (unsigned)(read_sysreg(CurrentEL) >> 2);
    say("nwd-rpi: up at EL%u on core %u\n", el, tzt_core_index());
    expect("exception level", el, 2);
    check_dt((const void *)(uintptr_t)dtb);
    check_calls();
    check_cpu_on();
    say("nwd-rpi: all checks passed\n");
    system_off();
}
