/* Register-level tests of the GICv2 (GIC-400) model, from the architecture
 * specification ARM IHI 0048B ("GICv2"): security views, banked registers,
 * the acknowledge / priority drop / deactivation sequences, preemption,
 * SGIs, routing and the IRQ/FIQ outputs. Most tests drive a standalone
 * instance (no machine) through models/gic/gicv2.h; the last ones create the
 * model the way the board does, from the qemu-virt DTB, through its ops. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/gic/gicv2.h"
#include "models/registry.h"
#include "sim/machine.h"
#include "sim/platform.h"
#include "traces/trace.h"

/* Register offsets, from the GICv2 register maps. */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR(n) (0x080 + 4 * (n))
#define GICD_ISENABLER(n) (0x100 + 4 * (n))
#define GICD_ICENABLER(n) (0x180 + 4 * (n))
#define GICD_ISPENDR(n) (0x200 + 4 * (n))
#define GICD_ICPENDR(n) (0x280 + 4 * (n))
#define GICD_ISACTIVER(n) (0x300 + 4 * (n))
#define GICD_ICACTIVER(n) (0x380 + 4 * (n))
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR(n) (0xc00 + 4 * (n))
#define GICD_SGIR 0xf00
#define GICD_CPENDSGIR 0xf10
#define GICD_SPENDSGIR 0xf20
#define GICD_PIDR2 0xfe8
#define GICD_CIDR0 0xff0

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GICC_ABPR 0x1c
#define GICC_AIAR 0x20
#define GICC_AEOIR 0x24
#define GICC_AHPPIR 0x28
#define GICC_APR0 0xd0
#define GICC_NSAPR0 0xe0
#define GICC_IIDR 0xfc
#define GICC_DIR 0x1000

/* GICC_CTLR, Secure copy. */
#define EN0 (1u << 0)
#define EN1 (1u << 1)
#define ACKCTL (1u << 2)
#define FIQEN (1u << 3)
#define CBPR (1u << 4)
#define EOIMODES (1u << 9)
#define EOIMODENS (1u << 10)

#define S true
#define NS false
#define SPURIOUS 1023u

static struct tz_gicv2 *g;

static void mk(int ncpus)
{
    struct tz_gicv2_config cfg = tz_gicv2_default_config(ncpus);
    struct tz_error err;
    cr_assert_eq(tz_gicv2_create(NULL, &cfg, &g, &err), 0, "%s", err.msg);
}

static void fini(void)
{
    tz_gicv2_destroy(g);
    g = NULL;
}

static void init4(void)
{
    mk(4);
}

static uint32_t dr(uint64_t off, int cpu, bool sec)
{
    return tz_gicv2_read(g, TZ_GICV2_DIST, off, 4, cpu, sec);
}
static void dw(uint64_t off, int cpu, bool sec, uint32_t v)
{
    tz_gicv2_write(g, TZ_GICV2_DIST, off, 4, cpu, sec, v);
}
static uint32_t dr8(uint64_t off, int cpu, bool sec)
{
    return tz_gicv2_read(g, TZ_GICV2_DIST, off, 1, cpu, sec);
}
static void dw8(uint64_t off, int cpu, bool sec, uint32_t v)
{
    tz_gicv2_write(g, TZ_GICV2_DIST, off, 1, cpu, sec, v);
}
static uint32_t cr(uint64_t off, int cpu, bool sec)
{
    return tz_gicv2_read(g, TZ_GICV2_CPUIF, off, 4, cpu, sec);
}
static void cw(uint64_t off, int cpu, bool sec, uint32_t v)
{
    tz_gicv2_write(g, TZ_GICV2_CPUIF, off, 4, cpu, sec, v);
}
static bool irq(int cpu)
{
    return tz_gicv2_output(g, cpu, TZ_LINE_IRQ);
}
static bool fiq(int cpu)
{
    return tz_gicv2_output(g, cpu, TZ_LINE_FIQ);
}

/* Secure set-up of one interrupt (for SGIs/PPIs: on CPU `cpu`, banked). */
static void cfg_irq(int id, int cpu, bool group1, uint8_t prio, uint8_t targets)
{
    uint32_t grp = dr(GICD_IGROUPR(id / 32), cpu, S);
    grp = group1 ? grp | 1u << (id % 32) : grp & ~(1u << (id % 32));
    dw(GICD_IGROUPR(id / 32), cpu, S, grp);
    dw8(GICD_IPRIORITYR + id, cpu, S, prio);
    if (id >= 32)
        dw8(GICD_ITARGETSR + id, cpu, S, targets);
    dw(GICD_ISENABLER(id / 32), cpu, S, 1u << (id % 32));
}

/* Both groups forwarded by the Distributor; the CPU interfaces enabled with
 * the mask open. */
static void enable_all(uint32_t ctlr)
{
    dw(GICD_CTLR, 0, S, 3);
    for (int c = 0; c < 4; c++) {
        cw(GICC_CTLR, c, S, ctlr);
        cw(GICC_PMR, c, S, 0xf8);
    }
}

/* ---- identification and configuration ------------------------------------ */

TestSuite(gicv2, .init = init4, .fini = fini);

Test(gicv2, identification)
{
    /* GICD_TYPER: ITLinesNumber 7 (256 INTIDs), CPUNumber 3, SecurityExtn,
     * LSPI 31 (GIC-400). */
    uint32_t t = dr(GICD_TYPER, 0, S);
    cr_expect_eq(t & 0x1f, 7u, "ITLinesNumber");
    cr_expect_eq((t >> 5) & 7, 3u, "CPUNumber = CPUs - 1");
    cr_expect_eq((t >> 10) & 1, 1u, "SecurityExtn");
    cr_expect_eq((t >> 11) & 0x1f, 31u, "LSPI");
    cr_expect_eq(dr(GICD_TYPER, 1, NS), t, "GICD_TYPER is Common");
    /* PIDR2.ArchRev [7:4] = 2 for GICv2; CIDRs are the PrimeCell preamble. */
    cr_expect_eq((dr(GICD_PIDR2, 0, S) >> 4) & 0xf, 2u);
    cr_expect_eq(dr(GICD_CIDR0, 0, S), 0x0du);
    cr_expect_eq(dr(GICD_CIDR0 + 4, 0, S), 0xf0u);
    cr_expect_eq(dr(GICD_CIDR0 + 8, 0, S), 0x05u);
    cr_expect_eq(dr(GICD_CIDR0 + 12, 0, S), 0xb1u);
    cr_expect_eq(dr(GICD_IIDR, 0, S) & 0xfff, 0x43bu, "implementer Arm");
    cr_expect_eq((cr(GICC_IIDR, 0, NS) >> 16) & 0xf, 2u, "GICC_IIDR.ArchitectureVersion");
    /* Unimplemented INTIDs (256..) are RAZ/WI. */
    dw(GICD_ISENABLER(8), 0, S, ~0u);
    cr_expect_eq(dr(GICD_ISENABLER(8), 0, S), 0u);
    cr_expect_eq(tz_gicv2_error_count(g), 0u);
}

Test(gicv2, bad_configuration)
{
    struct tz_gicv2 *x;
    struct tz_error err;
    struct tz_gicv2_config cfg = tz_gicv2_default_config(9);
    cr_expect_eq(tz_gicv2_create(NULL, &cfg, &x, &err), -1, "at most 8 CPU interfaces");
    cfg = tz_gicv2_default_config(2);
    cfg.nspis = 100;
    cr_expect_eq(tz_gicv2_create(NULL, &cfg, &x, &err), -1, "SPIs in multiples of 32");
    cfg.nspis = 480;
    cr_assert_eq(tz_gicv2_create(NULL, &cfg, &x, &err), 0, "%s", err.msg);
    cr_expect_eq(tz_gicv2_read(x, TZ_GICV2_DIST, GICD_TYPER, 4, 0, S) & 0x1f, 15u);
    tz_gicv2_destroy(x);
}

/* GICD_CTLR is banked: the Non-secure copy has only EnableGrp1, at bit 0. */
Test(gicv2, gicd_ctlr_banked)
{
    dw(GICD_CTLR, 0, S, 3);
    cr_expect_eq(dr(GICD_CTLR, 0, S), 3u);
    cr_expect_eq(dr(GICD_CTLR, 0, NS), 1u);
    dw(GICD_CTLR, 0, NS, 0);
    cr_expect_eq(dr(GICD_CTLR, 0, S), 1u, "a Non-secure write cannot clear EnableGrp0");
    dw(GICD_CTLR, 0, NS, 1);
    cr_expect_eq(dr(GICD_CTLR, 0, S), 3u);
}

/* GICD_IGROUPRn are Secure: RAZ/WI to Non-secure accesses (and traced). */
Test(gicv2, igroupr_secure_only)
{
    dw(GICD_IGROUPR(1), 0, S, 0x00000100);
    cr_expect_eq(dr(GICD_IGROUPR(1), 0, S), 0x100u);
    cr_expect_eq(dr(GICD_IGROUPR(1), 0, NS), 0u);
    dw(GICD_IGROUPR(1), 0, NS, ~0u);
    cr_expect_eq(dr(GICD_IGROUPR(1), 0, S), 0x100u);
    cr_expect_eq(tz_gicv2_error_count(g), 1u, "%s", tz_gicv2_last_error(g));
}

/* Non-secure accesses to fields of Group 0 interrupts are RAZ/WI. */
Test(gicv2, group0_fields_hidden_from_non_secure)
{
    dw(GICD_ISENABLER(1), 0, S, 1u << 8);            /* INTID 40, Group 0 */
    cr_expect_eq(dr(GICD_ISENABLER(1), 0, S), 1u << 8);
    cr_expect_eq(dr(GICD_ISENABLER(1), 0, NS), 0u);
    dw(GICD_ICENABLER(1), 0, NS, ~0u);
    cr_expect_eq(dr(GICD_ISENABLER(1), 0, S), 1u << 8, "NS cannot disable a Group 0 interrupt");
    dw(GICD_ISPENDR(1), 0, NS, 1u << 9);              /* INTID 41, Group 0 */
    cr_expect_eq(dr(GICD_ISPENDR(1), 0, S), 0u, "NS cannot pend a Group 0 interrupt");
    dw(GICD_IGROUPR(1), 0, S, 1u << 9);               /* INTID 41 -> Group 1 */
    dw(GICD_ISPENDR(1), 0, NS, 1u << 9);
    cr_expect_eq(dr(GICD_ISPENDR(1), 0, NS), 1u << 9);
    dw8(GICD_ITARGETSR + 40, 0, NS, 0x2);
    cr_expect_eq(dr8(GICD_ITARGETSR + 40, 0, S), 0u, "ITARGETSR of Group 0: NS WI");
    dw(GICD_ICFGR(2), 0, NS, 0xffffffff);
    cr_expect_eq(dr(GICD_ICFGR(2), 0, S), 0x2u << 18, "only INTID 41's Int_config changed");
}

/* Priority: Secure and Non-secure views (GICv2 "Software views of the
 * priority field", GICD_IPRIORITYRn). 5 bits implemented (GIC-400). */
Test(gicv2, priority_views)
{
    dw(GICD_IGROUPR(1), 0, S, 1u << 1);               /* INTID 33 Group 1, 32 Group 0 */
    dw8(GICD_IPRIORITYR + 32, 0, S, 0xff);
    cr_expect_eq(dr8(GICD_IPRIORITYR + 32, 0, S), 0xf8u, "bits [2:0] not implemented");
    cr_expect_eq(dr8(GICD_IPRIORITYR + 32, 0, NS), 0u, "Group 0 priority: RAZ to NS");
    dw8(GICD_IPRIORITYR + 32, 0, NS, 0x10);
    cr_expect_eq(dr8(GICD_IPRIORITYR + 32, 0, S), 0xf8u, "and WI");
    dw8(GICD_IPRIORITYR + 33, 0, S, 0xa0);
    cr_expect_eq(dr8(GICD_IPRIORITYR + 33, 0, NS), 0x40u, "NS read: value << 1");
    dw8(GICD_IPRIORITYR + 33, 0, NS, 0x40);
    cr_expect_eq(dr8(GICD_IPRIORITYR + 33, 0, S), 0xa0u, "NS write: (value >> 1) | 0x80");
    dw8(GICD_IPRIORITYR + 33, 0, NS, 0x00);
    cr_expect_eq(dr8(GICD_IPRIORITYR + 33, 0, S), 0x80u, "NS cannot reach Secure priorities");
    /* Byte and word accesses see the same fields. */
    cr_expect_eq(dr(GICD_IPRIORITYR + 32, 0, S), 0x80f8u);
    dw(GICD_IPRIORITYR + 32, 0, S, 0x30201008);
    cr_expect_eq(dr8(GICD_IPRIORITYR + 35, 0, S), 0x30u);
    cr_expect_eq(dr8(GICD_IPRIORITYR + 33, 0, S), 0x10u);
}

/* INTIDs 0-31 are banked per CPU; GICD_ITARGETSR0-7 read as the reader. */
Test(gicv2, banked_sgi_ppi)
{
    dw8(GICD_IPRIORITYR + 27, 0, S, 0x40);
    dw8(GICD_IPRIORITYR + 27, 1, S, 0x80);
    cr_expect_eq(dr8(GICD_IPRIORITYR + 27, 0, S), 0x40u);
    cr_expect_eq(dr8(GICD_IPRIORITYR + 27, 1, S), 0x80u);
    dw(GICD_ISENABLER(0), 1, S, 1u << 27);
    cr_expect_eq(dr(GICD_ISENABLER(0), 1, S), 0xffffu | 1u << 27, "SGIs permanently enabled");
    cr_expect_eq(dr(GICD_ISENABLER(0), 0, S), 0xffffu);
    dw(GICD_IGROUPR(0), 2, S, 0xffffffff);
    cr_expect_eq(dr(GICD_IGROUPR(0), 2, S), ~0u);
    cr_expect_eq(dr(GICD_IGROUPR(0), 3, S), 0u);
    cr_expect_eq(dr(GICD_ITARGETSR + 0, 2, S), 0x04040404u);
    cr_expect_eq(dr(GICD_ITARGETSR + 28, 1, S), 0x02020202u);
    dw(GICD_ITARGETSR + 28, 1, S, 0x0f0f0f0f);
    cr_expect_eq(dr(GICD_ITARGETSR + 28, 1, S), 0x02020202u, "ITARGETSR0-7 are read-only");
    /* GICD_ICFGR0 (SGIs): edge, read-only; ICFGR1 (PPIs): level, read-only. */
    cr_expect_eq(dr(GICD_ICFGR(0), 0, S), 0xaaaaaaaau);
    dw(GICD_ICFGR(0), 0, S, 0);
    cr_expect_eq(dr(GICD_ICFGR(0), 0, S), 0xaaaaaaaau);
    cr_expect_eq(dr(GICD_ICFGR(1), 0, S), 0u);
}

/* A PPI input is per CPU. */
Test(gicv2, ppi_is_per_cpu)
{
    enable_all(EN0 | EN1);
    cfg_irq(30, 1, true, 0xa0, 0);
    cfg_irq(30, 2, true, 0xa0, 0);
    tz_gicv2_set_irq(g, 1, 30, true);
    cr_expect(irq(1));
    cr_expect_not(irq(2));
    cr_expect_eq(dr(GICD_ISPENDR(0), 1, S), 1u << 30);
    cr_expect_eq(dr(GICD_ISPENDR(0), 2, S), 0u);
    cr_expect_eq(cr(GICC_IAR, 1, NS), 30u);
}

/* ---- acknowledge, priority drop, deactivation --------------------------- */

/* EOImode 0: GICC_EOIR drops the priority and deactivates; a level
 * interrupt whose line is still high is pending again. */
Test(gicv2, iar_eoir_level)
{
    enable_all(EN0 | EN1);
    cfg_irq(40, 0, false, 0x80, 0x1);
    cr_expect_eq(cr(GICC_IAR, 0, S), SPURIOUS, "nothing pending: 1023");
    cr_expect_eq(cr(GICC_RPR, 0, S), 0xffu, "idle priority");
    tz_gicv2_set_irq(g, 0, 40, true);
    cr_expect(irq(0), "Group 0 with FIQEn 0 is an IRQ");
    cr_expect_not(fiq(0));
    cr_expect_eq(cr(GICC_HPPIR, 0, S), 40u);
    cr_expect_eq(cr(GICC_IAR, 0, S), 40u);
    cr_expect_not(irq(0), "active: no longer signalled");
    cr_expect_eq(cr(GICC_RPR, 0, S), 0x80u);
    cr_expect_eq(dr(GICD_ISACTIVER(1), 0, S), 1u << 8);
    cr_expect_eq(dr(GICD_ISPENDR(1), 0, S), 1u << 8, "active and pending (line high)");
    cr_expect_eq(cr(GICC_APR0, 0, S), 1u << (0x80 >> 3));
    cw(GICC_EOIR, 0, S, 40);
    cr_expect_eq(cr(GICC_RPR, 0, S), 0xffu);
    cr_expect_eq(dr(GICD_ISACTIVER(1), 0, S), 0u);
    cr_expect(irq(0), "line still high: signalled again");
    tz_gicv2_set_irq(g, 0, 40, false);
    cr_expect_not(irq(0));
    cr_expect_eq(dr(GICD_ISPENDR(1), 0, S), 0u, "level: pending follows the line");
    cr_expect_eq(tz_gicv2_error_count(g), 0u, "%s", tz_gicv2_last_error(g));
}

/* Edge-triggered: a rising edge latches pending; clearing needs an ack. */
Test(gicv2, edge_latches)
{
    enable_all(EN0 | EN1);
    cfg_irq(45, 0, false, 0x40, 0x1);
    dw(GICD_ICFGR(2), 0, S, 2u << (2 * (45 - 32)));
    cr_expect_eq(dr(GICD_ICFGR(2), 0, S), 2u << 26);
    tz_gicv2_set_irq(g, 0, 45, true);
    tz_gicv2_set_irq(g, 0, 45, false);
    cr_expect_eq(dr(GICD_ISPENDR(1), 0, S), 1u << 13, "still pending after the pulse");
    cr_expect_eq(cr(GICC_IAR, 0, S), 45u);
    cr_expect_eq(dr(GICD_ISPENDR(1), 0, S), 0u, "the ack consumed the edge");
    tz_gicv2_set_irq(g, 0, 45, true);           /* a second edge while active */
    cr_expect_eq(dr(GICD_ISPENDR(1), 0, S), 1u << 13);
    cr_expect_eq(dr(GICD_ISACTIVER(1), 0, S), 1u << 13, "active and pending");
    cw(GICC_EOIR, 0, S, 45);
    cr_expect_eq(cr(GICC_IAR, 0, S), 45u, "taken again after deactivation");
    /* Software pend/clear of a level interrupt: ICPENDR does not beat the line. */
    cfg_irq(46, 0, false, 0x40, 0x1);
    tz_gicv2_set_irq(g, 0, 46, true);
    dw(GICD_ICPENDR(1), 0, S, 1u << 14);
    cr_expect_eq(dr(GICD_ISPENDR(1), 0, S) & (1u << 14), 1u << 14);
    /* SGI bits of GICD_ISPENDR0 are WI (GICD_SPENDSGIR instead). */
    dw(GICD_ISPENDR(0), 0, S, 0xffff);
    cr_expect_eq(dr(GICD_ISPENDR(0), 0, S), 0u);
}

/* EOImode 1: EOIR is priority drop only, GICC_DIR deactivates. */
Test(gicv2, eoimode1_split_drop_and_deactivate)
{
    enable_all(EN0 | EN1 | EOIMODES);
    cfg_irq(50, 0, false, 0x60, 0x1);
    dw(GICD_ISPENDR(1), 0, S, 1u << 18);
    cr_expect_eq(cr(GICC_IAR, 0, S), 50u);
    cw(GICC_EOIR, 0, S, 50);
    cr_expect_eq(cr(GICC_RPR, 0, S), 0xffu, "priority dropped");
    cr_expect_eq(dr(GICD_ISACTIVER(1), 0, S), 1u << 18, "still active");
    dw(GICD_ISPENDR(1), 0, S, 1u << 18);
    cr_expect_eq(cr(GICC_IAR, 0, S), SPURIOUS, "active+pending is not signalled again");
    cw(GICC_DIR, 0, S, 50);
    cr_expect_eq(dr(GICD_ISACTIVER(1), 0, S), 0u);
    cr_expect_eq(cr(GICC_IAR, 0, S), 50u);
    cr_expect_eq(tz_gicv2_error_count(g), 0u, "%s", tz_gicv2_last_error(g));
    /* Non-secure: EOImodeNS governs NS EOIR and DIR. */
    cw(GICC_CTLR, 1, NS, 1u | 1u << 9);
    cr_expect_eq(cr(GICC_CTLR, 1, S) & EOIMODENS, EOIMODENS);
}

/* Guest errors: traced and ignored. */
Test(gicv2, eoi_errors)
{
    enable_all(EN0 | EN1);
    cfg_irq(50, 0, false, 0x60, 0x1);
    cw(GICC_EOIR, 0, S, 50);
    cr_expect_eq(tz_gicv2_error_count(g), 1u, "EOIR of an inactive interrupt");
    cr_expect(strstr(tz_gicv2_last_error(g), "not active"), "%s", tz_gicv2_last_error(g));
    dw(GICD_ISPENDR(1), 0, S, 1u << 18);
    cr_expect_eq(cr(GICC_IAR, 0, S), 50u);
    cw(GICC_EOIR, 0, NS, 50);
    cr_expect_eq(tz_gicv2_error_count(g), 2u, "Non-secure EOI of a Group 0 interrupt");
    cr_expect_eq(cr(GICC_RPR, 0, S), 0x60u, "ignored");
    cw(GICC_DIR, 0, S, 50);
    cr_expect_eq(tz_gicv2_error_count(g), 3u, "DIR with EOImodeS 0 is UNPREDICTABLE");
    cw(GICC_EOIR, 0, S, 1023);
    cr_expect_eq(tz_gicv2_error_count(g), 4u);
}

/* GICC_CTLR.AckCtl and the special INTIDs 1022/1023 (GICC_IAR, GICC_HPPIR). */
Test(gicv2, ackctl_and_special_intids)
{
    enable_all(EN0 | EN1);
    cfg_irq(60, 0, true, 0xa0, 0x1);
    dw(GICD_ISPENDR(1), 0, S, 1u << 28);
    cr_expect_eq(cr(GICC_HPPIR, 0, S), 1022u, "Secure HPPIR, Group 1 highest, AckCtl 0");
    cr_expect_eq(cr(GICC_IAR, 0, S), 1022u, "Secure IAR: 1022, not acknowledged");
    cr_expect_eq(dr(GICD_ISACTIVER(1), 0, S), 0u);
    cr_expect_eq(cr(GICC_AHPPIR, 0, S), 60u, "the aliased view sees it");
    cr_expect_eq(cr(GICC_HPPIR, 0, NS), 60u);
    cr_expect_eq(cr(GICC_IAR, 0, NS), 60u, "Non-secure IAR acknowledges Group 1");
    cr_expect_eq(cr(GICC_RPR, 0, NS), 0x40u, "NS view of running priority 0xa0");
    cw(GICC_EOIR, 0, NS, 60);
    cr_expect_eq(cr(GICC_RPR, 0, S), 0xffu);
    /* AckCtl = 1: a Secure IAR read acknowledges Group 1 too. */
    cw(GICC_CTLR, 0, S, EN0 | EN1 | ACKCTL);
    dw(GICD_ISPENDR(1), 0, S, 1u << 28);
    cr_expect_eq(cr(GICC_IAR, 0, S), 60u);
    cw(GICC_EOIR, 0, S, 60);
    cr_expect_eq(dr(GICD_ISACTIVER(1), 0, S), 0u);
    /* GICC_AIAR/GICC_AEOIR: Secure access as if Non-secure. */
    cw(GICC_CTLR, 0, S, EN0 | EN1);
    dw(GICD_ISPENDR(1), 0, S, 1u << 28);
    cr_expect_eq(cr(GICC_AIAR, 0, NS), 0u, "aliased registers: Secure only");
    cr_expect_eq(cr(GICC_AIAR, 0, S), 60u);
    cw(GICC_AEOIR, 0, S, 60);
    cr_expect_eq(dr(GICD_ISACTIVER(1), 0, S), 0u);
    /* A Non-secure read never sees a Group 0 interrupt. */
    cfg_irq(61, 0, false, 0x20, 0x1);
    dw(GICD_ISPENDR(1), 0, S, 1u << 29);
    cr_expect_eq(cr(GICC_HPPIR, 0, NS), SPURIOUS);
    cr_expect_eq(cr(GICC_IAR, 0, NS), SPURIOUS, "Group 0 highest: NS read gets 1023");
    cr_expect_eq(cr(GICC_IAR, 0, S), 61u);
}

/* GICC_PMR masking and its Non-secure view. */
Test(gicv2, pmr_masking_and_views)
{
    enable_all(EN0 | EN1);
    cfg_irq(70, 0, false, 0x80, 0x1);
    cw(GICC_PMR, 0, S, 0x80);
    dw(GICD_ISPENDR(2), 0, S, 1u << 6);
    cr_expect_not(irq(0), "priority must be higher (lower value) than the mask");
    cr_expect_eq(cr(GICC_IAR, 0, S), SPURIOUS);
    cr_expect_eq(cr(GICC_HPPIR, 0, S), 70u, "HPPIR is not masked by PMR");
    cw(GICC_PMR, 0, S, 0x88);
    cr_expect(irq(0));
    cw(GICC_PMR, 0, S, 0x40);
    cr_expect_eq(cr(GICC_PMR, 0, NS), 0u, "Secure-only mask: NS reads 0");
    cw(GICC_PMR, 0, NS, 0xff);
    cr_expect_eq(cr(GICC_PMR, 0, S), 0x40u, "and NS writes are ignored");
    cw(GICC_PMR, 0, S, 0xf0);
    cr_expect_eq(cr(GICC_PMR, 0, NS), 0xe0u, "NS view: value << 1");
    cw(GICC_PMR, 0, NS, 0xc0);
    cr_expect_eq(cr(GICC_PMR, 0, S), 0xe0u, "NS write: (value >> 1) | 0x80");
}

/* GICC_CTLR.FIQEn routes Group 0 to FIQ; Group 1 is always IRQ. */
Test(gicv2, fiqen_routing)
{
    enable_all(EN0 | EN1 | FIQEN);
    cfg_irq(80, 0, false, 0x40, 0x1);
    cfg_irq(81, 0, true, 0xc0, 0x1);
    dw(GICD_ISPENDR(2), 0, S, 1u << 17);
    cr_expect(irq(0), "Group 1: IRQ");
    cr_expect_not(fiq(0));
    dw(GICD_ISPENDR(2), 0, S, 1u << 16);
    cr_expect(fiq(0), "Group 0 with FIQEn: FIQ");
    cr_expect_not(irq(0), "only the highest priority interrupt is signalled");
    cr_expect_eq(cr(GICC_IAR, 0, S), 80u);
    cr_expect_not(fiq(0));
    cr_expect_not(irq(0), "Group 1 at 0xc0 cannot preempt 0x40");
    cw(GICC_EOIR, 0, S, 80);
    cr_expect(irq(0));
    /* CPU interface group enables: Group 0 disabled hides nothing else. */
    cw(GICC_CTLR, 0, S, EN1 | FIQEN);
    dw(GICD_ISPENDR(2), 0, S, 1u << 16);
    cr_expect_not(fiq(0));
    cr_expect_not(irq(0), "the disabled Group 0 interrupt is still the highest");
    cr_expect_eq(cr(GICC_HPPIR, 0, S), SPURIOUS);
    /* Distributor group disable: not forwarded at all. */
    dw(GICD_CTLR, 0, S, 2);
    cr_expect(irq(0), "Group 0 not forwarded: Group 1 is the highest");
}

/* Preemption uses the group priority, set by the binary point. */
Test(gicv2, preemption_binary_point)
{
    enable_all(EN0 | EN1);
    cfg_irq(90, 0, false, 0x50, 0x1);
    cfg_irq(91, 0, false, 0x40, 0x1);
    cw(GICC_BPR, 0, S, 4);                     /* group priority [7:5] */
    cr_expect_eq(cr(GICC_BPR, 0, S), 4u);
    dw(GICD_ISPENDR(2), 0, S, 1u << 26);
    cr_expect_eq(cr(GICC_IAR, 0, S), 90u);
    cr_expect_eq(cr(GICC_RPR, 0, S), 0x40u, "running priority = group priority of 0x50");
    dw(GICD_ISPENDR(2), 0, S, 1u << 27);
    cr_expect_not(irq(0), "0x40 is in the same group as 0x50: no preemption");
    cr_expect_eq(cr(GICC_IAR, 0, S), SPURIOUS);
    cw(GICC_EOIR, 0, S, 90);
    cr_expect_eq(cr(GICC_IAR, 0, S), 91u);
    cw(GICC_EOIR, 0, S, 91);
    /* BPR 2 (group [7:3]): 0x40 preempts 0x50; nesting and priority drop. */
    cw(GICC_BPR, 0, S, 2);
    dw(GICD_ISPENDR(2), 0, S, 1u << 26);
    cr_expect_eq(cr(GICC_IAR, 0, S), 90u);
    dw(GICD_ISPENDR(2), 0, S, 1u << 27);
    cr_expect(irq(0), "0x40 preempts 0x50");
    cr_expect_eq(cr(GICC_IAR, 0, S), 91u);
    cr_expect_eq(cr(GICC_RPR, 0, S), 0x40u);
    cr_expect_eq(cr(GICC_APR0, 0, S), (1u << 8) | (1u << 10));
    cw(GICC_EOIR, 0, S, 91);
    cr_expect_eq(cr(GICC_RPR, 0, S), 0x50u, "back to the preempted interrupt");
    cw(GICC_EOIR, 0, S, 90);
    cr_expect_eq(cr(GICC_RPR, 0, S), 0xffu);
    cr_expect_eq(tz_gicv2_error_count(g), 0u, "%s", tz_gicv2_last_error(g));
}

/* GICC_BPR is banked; GICC_ABPR is the Non-secure copy; CBPR. */
Test(gicv2, binary_point_banking)
{
    cr_expect_eq(cr(GICC_BPR, 0, S), 2u, "Secure minimum (GIC-400)");
    cr_expect_eq(cr(GICC_BPR, 0, NS), 3u, "Non-secure minimum");
    cw(GICC_BPR, 0, S, 0);
    cr_expect_eq(cr(GICC_BPR, 0, S), 2u, "below the minimum sets the minimum");
    cw(GICC_BPR, 0, NS, 5);
    cr_expect_eq(cr(GICC_ABPR, 0, S), 5u, "GICC_ABPR is the Non-secure GICC_BPR");
    cw(GICC_ABPR, 0, S, 6);
    cr_expect_eq(cr(GICC_BPR, 0, NS), 6u);
    cr_expect_eq(cr(GICC_ABPR, 0, NS), 0u, "GICC_ABPR: RAZ to Non-secure");
    cw(GICC_CTLR, 0, S, CBPR);
    cw(GICC_BPR, 0, S, 3);
    cr_expect_eq(cr(GICC_BPR, 0, NS), 4u, "CBPR: NS reads Secure BPR + 1");
    cw(GICC_BPR, 0, NS, 7);
    cr_expect_eq(cr(GICC_ABPR, 0, S), 6u, "CBPR: NS writes ignored");
    cw(GICC_BPR, 0, S, 7);
    cr_expect_eq(cr(GICC_BPR, 0, NS), 7u, "saturated at 7");
}

/* Group 1 preemption: with CBPR 0 the Non-secure binary point (GICC_ABPR)
 * applies, with one more group priority bit; with CBPR 1 the Secure one. */
Test(gicv2, group1_preemption_uses_abpr)
{
    enable_all(EN0 | EN1);
    cfg_irq(100, 0, true, 0xb0, 0x1);
    cfg_irq(101, 0, true, 0xa8, 0x1);
    cw(GICC_ABPR, 0, S, 4);                    /* Group 1 group priority [7:4] */
    cw(GICC_BPR, 0, S, 4);                     /* Group 0 [7:5] */
    dw(GICD_ISPENDR(3), 0, S, 1u << 4);
    cr_expect_eq(cr(GICC_IAR, 0, NS), 100u);
    cr_expect_eq(cr(GICC_NSAPR0, 0, S), 1u << (0xb0 >> 3), "Group 1 active priority");
    cr_expect_eq(cr(GICC_APR0, 0, NS), 1u << ((0xb0 >> 3) - 16), "NS view: NSAPR0[31:16]");
    cr_expect_eq(cr(GICC_APR0, 0, S), 0u, "no Group 0 active priority");
    dw(GICD_ISPENDR(3), 0, S, 1u << 5);
    cr_expect(irq(0), "0xa8 preempts 0xb0 with [7:4]");
    cw(GICC_EOIR, 0, NS, 100);
    dw(GICD_ICPENDR(3), 0, S, 1u << 5);
    cw(GICC_CTLR, 0, S, EN0 | EN1 | CBPR);
    dw(GICD_ISPENDR(3), 0, S, 1u << 4);
    cr_expect_eq(cr(GICC_IAR, 0, NS), 100u);
    dw(GICD_ISPENDR(3), 0, S, 1u << 5);
    cr_expect_not(irq(0), "CBPR: the Secure [7:5] puts 0xa8 and 0xb0 in one group");
    cr_expect_eq(tz_gicv2_error_count(g), 0u, "%s", tz_gicv2_last_error(g));
}

/* GICC_CTLR banking: the Non-secure copy aliases EnableGrp1 and EOImodeNS. */
Test(gicv2, gicc_ctlr_banked)
{
    cw(GICC_CTLR, 0, S, 0x7ff);
    cr_expect_eq(cr(GICC_CTLR, 0, S), 0x7ffu);
    cr_expect_eq(cr(GICC_CTLR, 0, NS), 0x261u, "EnableGrp1, bypass Grp1 bits, EOImodeNS");
    cw(GICC_CTLR, 0, NS, 0);
    cr_expect_eq(cr(GICC_CTLR, 0, S), 0x7ffu & ~(EN1 | EOIMODENS | 3u << 7));
    cr_expect_eq(cr(GICC_CTLR, 1, S), 0u, "per CPU interface");
}

/* ---- SGIs ------------------------------------------------------------------ */

/* GICD_SGIR: target list, filter, source CPU in GICC_IAR[12:10]. */
Test(gicv2, sgi_target_list_and_source)
{
    enable_all(EN0 | EN1);
    dw(GICD_SGIR, 2, S, (0u << 24) | (0x3u << 16) | 3);   /* CPU 2 -> CPUs 0, 1, SGI 3 */
    cr_expect_eq(dr8(GICD_SPENDSGIR + 3, 0, S), 1u << 2, "pending from source CPU 2");
    cr_expect_eq(dr8(GICD_SPENDSGIR + 3, 1, S), 1u << 2);
    cr_expect_eq(dr8(GICD_SPENDSGIR + 3, 2, S), 0u);
    cr_expect_eq(dr(GICD_ISPENDR(0), 1, S), 1u << 3);
    cr_expect(irq(0) && irq(1) && !irq(2));
    cr_expect_eq(cr(GICC_IAR, 1, S), 3u | 2u << 10, "CPUID in [12:10]");
    cw(GICC_EOIR, 1, S, 3u | 2u << 10);
    cr_expect_eq(tz_gicv2_error_count(g), 0u, "%s", tz_gicv2_last_error(g));
    /* Filter 1: all but the requester; filter 2: the requester only. */
    dw(GICD_SGIR, 0, S, (1u << 24) | 7);
    cr_expect_eq(dr8(GICD_SPENDSGIR + 7, 0, S), 0u);
    cr_expect_eq(dr8(GICD_SPENDSGIR + 7, 3, S), 1u);
    dw(GICD_SGIR, 1, S, (2u << 24) | (0xfu << 16) | 8);
    cr_expect_eq(dr8(GICD_SPENDSGIR + 8, 1, S), 1u << 1);
    cr_expect_eq(dr8(GICD_SPENDSGIR + 8, 0, S), 0u, "the target list is ignored");
    dw(GICD_SGIR, 1, S, (3u << 24) | (0xfu << 16) | 9);
    cr_expect_eq(tz_gicv2_error_count(g), 1u, "TargetListFilter 0b11 is reserved");
    cr_expect_eq(dr8(GICD_SPENDSGIR + 9, 0, S), 0u);
}

/* Several sources of one SGI: acknowledged one at a time. */
Test(gicv2, sgi_multiple_sources)
{
    enable_all(EN0 | EN1);
    dw(GICD_SGIR, 3, S, (0x1u << 16) | 5);
    dw(GICD_SGIR, 1, S, (0x1u << 16) | 5);
    cr_expect_eq(dr8(GICD_SPENDSGIR + 5, 0, S), 0x0au);
    cr_expect_eq(cr(GICC_IAR, 0, S), 5u | 1u << 10, "lowest source first");
    cr_expect_eq(dr8(GICD_SPENDSGIR + 5, 0, S), 0x08u, "the other source stays pending");
    cw(GICC_EOIR, 0, S, 5u | 1u << 10);
    cr_expect_eq(cr(GICC_IAR, 0, S), 5u | 3u << 10);
    cw(GICC_EOIR, 0, S, 5u | 3u << 10);
    /* GICD_CPENDSGIR clears sources; GICD_SPENDSGIR sets them. */
    dw8(GICD_SPENDSGIR + 6, 0, S, 0x0c);
    cr_expect_eq(dr(GICD_SPENDSGIR + 4, 0, S), 0x0c0000u);
    dw(GICD_CPENDSGIR + 4, 0, S, 0x040000);
    cr_expect_eq(dr8(GICD_CPENDSGIR + 6, 0, S), 0x08u);
}

/* NSATT and Non-secure SGI generation (GICD_SGIR). */
Test(gicv2, sgi_nsatt)
{
    enable_all(EN0 | EN1 | ACKCTL);
    dw(GICD_IGROUPR(0), 1, S, 1u << 4);                  /* SGI 4 is Group 1 on CPU 1 */
    dw(GICD_SGIR, 0, S, (0x2u << 16) | 4);               /* NSATT 0: Group 0 only */
    cr_expect_eq(dr8(GICD_SPENDSGIR + 4, 1, S), 0u, "NSATT 0 does not send a Group 1 SGI");
    dw(GICD_SGIR, 0, S, (0x2u << 16) | (1u << 15) | 4);  /* NSATT 1 */
    cr_expect_eq(dr8(GICD_SPENDSGIR + 4, 1, S), 1u);
    dw(GICD_SGIR, 0, S, (0x2u << 16) | (1u << 15) | 2);  /* SGI 2 is Group 0 on CPU 1 */
    cr_expect_eq(dr8(GICD_SPENDSGIR + 2, 1, S), 0u, "NSATT 1 does not send a Group 0 SGI");
    dw(GICD_SGIR, 2, NS, (0x2u << 16) | 2);
    cr_expect_eq(dr8(GICD_SPENDSGIR + 2, 1, S), 0u, "Non-secure writes send Group 1 only");
    dw(GICD_SPENDSGIR, 1, NS, 0x04);
    cr_expect_eq(dr8(GICD_SPENDSGIR + 0, 1, S), 0u, "Group 0 SGI pending state: NS WI");
    dw(GICD_CPENDSGIR + 4, 1, S, 0xff);
    dw(GICD_SGIR, 2, NS, (0x2u << 16) | 4);
    cr_expect_eq(dr8(GICD_SPENDSGIR + 4, 1, NS), 1u << 2, "NS write sends a Group 1 SGI");
    cr_expect_eq(cr(GICC_IAR, 1, NS), 4u | 2u << 10);
}

/* ---- SPI routing ------------------------------------------------------------- */

Test(gicv2, itargetsr_routes_spis)
{
    enable_all(EN0 | EN1);
    cfg_irq(110, 0, true, 0xa0, 0x4);                     /* to CPU 2 */
    cr_expect_eq(dr8(GICD_ITARGETSR + 110, 0, S), 0x4u);
    dw8(GICD_ITARGETSR + 111, 0, S, 0xff);
    cr_expect_eq(dr8(GICD_ITARGETSR + 111, 0, S), 0x0fu, "only implemented CPU interfaces");
    tz_gicv2_set_irq(g, 0, 110, true);
    cr_expect(irq(2));
    cr_expect_not(irq(0) || irq(1) || irq(3));
    cr_expect_eq(cr(GICC_IAR, 0, NS), SPURIOUS, "not targeted at CPU 0");
    dw8(GICD_ITARGETSR + 110, 0, S, 0x2);                 /* retarget while pending */
    cr_expect(irq(1));
    cr_expect_not(irq(2));
    /* 1-N: targeted at two CPUs, the first to acknowledge takes it. */
    dw8(GICD_ITARGETSR + 110, 0, S, 0x3);
    cr_expect(irq(0) && irq(1));
    cr_expect_eq(cr(GICC_IAR, 1, NS), 110u);
    cr_expect_not(irq(0), "active: no longer signalled to CPU 0");
    cr_expect_eq(cr(GICC_IAR, 0, NS), SPURIOUS);
    cw(GICC_EOIR, 1, NS, 110);
    cr_expect_eq(tz_gicv2_error_count(g), 0u, "%s", tz_gicv2_last_error(g));
}

/* Uniprocessor: GICD_ITARGETSRn are RAZ/WI, SPIs go to CPU 0. */
Test(gicv2_up, uniprocessor, .fini = fini)
{
    mk(1);
    cr_expect_eq((dr(GICD_TYPER, 0, S) >> 5) & 7, 0u);
    cr_expect_eq(dr(GICD_ITARGETSR + 32, 0, S), 0u);
    dw(GICD_ITARGETSR + 32, 0, S, 0x01010101);
    cr_expect_eq(dr(GICD_ITARGETSR + 32, 0, S), 0u);
    dw(GICD_CTLR, 0, S, 3);
    cw(GICC_CTLR, 0, S, EN0 | EN1);
    cw(GICC_PMR, 0, S, 0xff);
    dw(GICD_ISENABLER(1), 0, S, 1);
    tz_gicv2_set_irq(g, 0, 32, true);
    cr_expect(irq(0));
    cr_expect_eq(cr(GICC_IAR, 0, S), 32u);
}

/* ---- access sizes and reserved registers ------------------------------------ */

Test(gicv2, access_errors)
{
    unsigned n = 0;
    tz_gicv2_read(g, TZ_GICV2_DIST, GICD_CTLR, 2, 0, S);
    cr_expect_eq(tz_gicv2_error_count(g), ++n, "halfword access");
    tz_gicv2_write(g, TZ_GICV2_DIST, GICD_CTLR, 1, 0, S, 3);
    cr_expect_eq(tz_gicv2_error_count(g), ++n, "GICD_CTLR is not byte-accessible");
    cr_expect_eq(dr(GICD_CTLR, 0, S), 0u);
    tz_gicv2_read(g, TZ_GICV2_CPUIF, GICC_IAR, 1, 0, S);
    cr_expect_eq(tz_gicv2_error_count(g), ++n, "CPU interface: words only");
    dw(GICD_TYPER, 0, S, 0);
    cr_expect_eq(tz_gicv2_error_count(g), ++n, "write to read-only");
    cr_expect_eq(dr(GICD_SGIR, 0, S), 0u);
    cr_expect_eq(tz_gicv2_error_count(g), ++n, "read of write-only");
    cr_expect_eq(dr(0x010, 0, S), 0u);
    cr_expect_eq(tz_gicv2_error_count(g), ++n, "reserved offset");
    cw(GICC_IAR, 0, S, 0);
    cr_expect_eq(tz_gicv2_error_count(g), ++n);
    cr_expect_eq(cr(GICC_EOIR, 0, S), 0u);
    cr_expect_eq(tz_gicv2_error_count(g), ++n);
    cw(GICC_ABPR, 0, NS, 7);
    cr_expect_eq(tz_gicv2_error_count(g), ++n, "Non-secure write to a Secure-only register");
    tz_gicv2_read(g, TZ_GICV2_DIST, 0x2000, 4, 0, S);
    cr_expect_eq(tz_gicv2_error_count(g), ++n, "beyond the 4 KiB Distributor");
    tz_gicv2_read(g, (enum tz_gicv2_region)2, 0, 4, 0, S);
    cr_expect_eq(tz_gicv2_error_count(g), ++n, "no virtualization interface");
    /* Byte accesses allowed where the spec allows them. */
    dw8(GICD_IPRIORITYR + 41, 0, S, 0x30);
    cr_expect_eq(dr8(GICD_ITARGETSR + 41, 0, S), 0u);
    cr_expect_eq(tz_gicv2_error_count(g), n);
}

/* ---- the model in a machine ------------------------------------------------------ */

struct line_probe {
    int calls;
    bool level;
};

static void probe(void *opaque, int n, bool level)
{
    struct line_probe *p = opaque;
    p->calls++;
    p->level = level;
}

Test(gicv2_machine, created_from_the_dtb)
{
    cr_expect_eq(tz_model_find("arm,cortex-a15-gic"), &tz_gicv2_ops);
    cr_expect_eq(tz_model_find("arm,gic-400"), &tz_gicv2_ops);

    const char *dir = getenv("TZSIM_PLATFORM_DIR");
    cr_assert_not_null(dir, "TZSIM_PLATFORM_DIR is not set (run through ctest)");
    char path[1024];
    snprintf(path, sizeof path, "%s/qemu-virt.dtb", dir);
    struct tz_error err;
    struct tz_platform *p;
    cr_assert_eq(tz_platform_load(path, &p, &err), 0, "%s", err.msg);
    struct tz_trace *t;
    cr_assert_eq(tz_trace_open(&t, NULL, &err), 0, "%s", err.msg);
    struct tz_run_info info = {.scenario = "test_gicv2", .scenario_sha256 = "", .platform = "qemu-virt",
                               .ncpus = 2, .quantum = 1000};
    int64_t run;
    cr_assert_eq(tz_trace_run_begin(t, &info, &run), 0);
    struct tz_machine_config cfg = {.platform = p, .ncpus = 2, .quantum = 1000, .cpi = 1,
                                    .cpu_hz = 1000000000, .max_insns = 1000000, .cpu_model = 0,
                                    .trace = t};
    struct tz_machine *m;
    cr_assert_eq(tz_machine_create(&cfg, &m, &err), 0, "%s", err.msg);

    /* A second instance through the ops, as the board creates one. */
    const struct tz_device_desc *d = tz_platform_find(p, "arm,cortex-a15-gic");
    cr_assert_not_null(d);
    void *st;
    cr_assert_eq(tz_gicv2_ops.create(m, d, &st, &err), 0, "%s", err.msg);
    struct tz_access a = {.offset = GICD_TYPER, .size = 4, .region = 0,
                          .cpu = tz_machine_cpu(m, 1), .secure = true};
    uint32_t typer = (uint32_t)tz_gicv2_ops.read(st, &a);
    cr_expect_eq((typer >> 5) & 7, 1u, "CPUNumber from the machine's CPUs");
    cr_expect_eq(typer & 0x1f, 7u);
    cr_expect_null(tz_gicv2_ops.irq_out(st, TZ_INTC_OUT(0, TZ_LINE_VIRQ)));

    struct line_probe fiq1 = {0};
    tz_irq_connect(tz_gicv2_ops.irq_out(st, TZ_INTC_OUT(1, TZ_LINE_FIQ)), probe, &fiq1, 0);
    /* Secure world on CPU 1 routes the secure physical timer PPI (29) as a
     * Group 0 FIQ; the timer line arrives through irq_in. */
    struct tz_access w = {.size = 4, .cpu = tz_machine_cpu(m, 1), .secure = true};
    w.offset = GICD_CTLR;
    tz_gicv2_ops.write(st, &w, 1);
    w.offset = GICD_ISENABLER(0);
    tz_gicv2_ops.write(st, &w, 1u << 29);
    w.region = 1;
    w.offset = GICC_CTLR;
    tz_gicv2_ops.write(st, &w, EN0 | FIQEN);
    w.offset = GICC_PMR;
    tz_gicv2_ops.write(st, &w, 0xf0);
    tz_gicv2_ops.irq_in(st, TZ_INTC_IN(1, 29), true);
    cr_expect(fiq1.level, "FIQ to CPU 1");
    cr_expect_eq(fiq1.calls, 1);
    struct tz_access r = {.offset = GICC_IAR, .size = 4, .region = 1,
                          .cpu = tz_machine_cpu(m, 1), .secure = true};
    cr_expect_eq(tz_gicv2_ops.read(st, &r), 29u);
    cr_expect_not(fiq1.level);
    tz_gicv2_ops.irq_in(st, TZ_INTC_IN(1, 29), false);
    w.offset = GICC_EOIR;
    tz_gicv2_ops.write(st, &w, 29);
    w.offset = GICC_EOIR;
    tz_gicv2_ops.write(st, &w, 29);          /* not active any more: a GIC_ERROR */

    cr_expect_geq(tz_trace_count(t, TZ_EV_GIC_PENDING), 1u);
    cr_expect_eq(tz_trace_count(t, TZ_EV_GIC_ACK), 1u);
    cr_expect_eq(tz_trace_count(t, TZ_EV_GIC_EOI), 1u);
    cr_expect_eq(tz_trace_count(t, TZ_EV_GIC_DEACTIVATE), 1u);
    cr_expect_eq(tz_trace_count(t, TZ_EV_GIC_ERROR), 1u);
    cr_expect_eq(tz_trace_count(t, TZ_EV_GIC_OUTPUT), 2u, "FIQ up, FIQ down");

    tz_gicv2_ops.destroy(st);
    tz_machine_destroy(m);
    tz_trace_close(t, NULL);
    tz_platform_free(p);
}
