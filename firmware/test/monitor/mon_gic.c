/* SPDX-License-Identifier: MIT */
/*
 * The monitor's part of the GIC: the security configuration, which only
 * Secure accesses can make (interrupt groups), done at EL3 when the normal
 * world switches the interrupt flows on (TZT_FID_IRQ_SETUP, monitor.c).
 *
 * Policy (tzt_gic.h): the secure interrupts are SGIs 8..15, the secure
 * physical timer (PPI 29) and SPIs 16..18 (INTIDs 48..50); they are Group 0
 * on GICv2, Secure Group 1 on GICv3 except INTID 50, Group 0 on both. Every
 * other interrupt is the normal world's (Group 1 / Non-secure Group 1) with
 * the default priority 0xa0; the normal world enables, configures and
 * routes its own. The monitor enables the secure ones, routes the secure
 * SPIs to the core that called first (core 0), and turns on the Secure
 * groups in the Distributor and in each core's CPU interface (GICv2:
 * GICC_CTLR.FIQEn, so Group 0 is an FIQ; GICv3: ICC_IGRPEN0_EL1 and
 * ICC_IGRPEN1_EL3.EnableGrp1S). The Non-secure group enables are left to
 * the normal world, as a rich OS's GIC driver would set them.
 */
#include <stdbool.h>

#include "tzt_gic.h"
#include "monitor.h"

#define GICD(off)   (TZT_GICD_BASE + (off))
#define GICC(off)   (TZT_GICC_BASE + (off))

static bool dist_done;  /* the Distributor is global: set up once */

static bool sec_spi(unsigned id)
{
    return id == TZT_IRQ_SEC_EDGE || id == TZT_IRQ_SEC_LEVEL || id == TZT_IRQ_SEC_G0;
}

/* Secure Group 1 (GICv3) rather than Group 0. */
static bool sec_g1s(unsigned id)
{
    return sec_spi(id) && id != TZT_IRQ_SEC_G0;
}

static u8 spi_prio(unsigned id)
{
    return id == TZT_IRQ_SEC_G0 ? TZT_PRIO_SEC_G0 : sec_spi(id) ? TZT_PRIO_SEC : TZT_PRIO_NS;
}

static u8 private_prio(unsigned id)
{
    return (TZT_SEC_PRIVATE_MASK >> id) & 1 ? TZT_PRIO_SEC : TZT_PRIO_NS;
}

/* INTIDs the Distributor implements (GICD_TYPER.ITLinesNumber), below the
 * special range. */
static unsigned nlines(void)
{
    unsigned n = 32 * ((mmio_read32(GICD(GICD_TYPER)) & 0x1f) + 1);
    return n > 1020 ? 1020 : n;
}

static void wait_rwp(void)
{
    for (unsigned i = 0; i < 100000 && (mmio_read32(GICD(GICD_CTLR)) & GICD_CTLR_RWP); i++)
        ;
}

/* Groups, priorities, configuration, routing and enables of the SPIs. */
static void dist_init(unsigned ver)
{
    unsigned n = nlines();
    if (ver == 3) {
        mmio_write32(GICD(GICD_CTLR), GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS);
        wait_rwp();
    }
    for (unsigned w = 1; w < n / 32; w++) {
        u32 sec = 0, g1s = 0;
        for (unsigned b = 0; b < 32; b++) {
            sec |= (u32)sec_spi(32 * w + b) << b;
            g1s |= (u32)sec_g1s(32 * w + b) << b;
        }
        mmio_write32(GICD(GICD_IGROUPR(w)), ~sec);
        if (ver == 3)
            mmio_write32(GICD(GICD_IGRPMODR(w)), g1s);
    }
    for (unsigned id = 32; id < n; id += 4) {
        u32 v = 0;
        for (unsigned k = 0; k < 4; k++)
            v |= (u32)spi_prio(id + k) << (8 * k);
        mmio_write32(GICD(GICD_IPRIORITYR + id), v);
    }
    u64 aff = read_sysreg(mpidr_el1) & 0xffffff;  /* this core, Aff3 = 0 here */
    static const unsigned sec_ids[] = {TZT_IRQ_SEC_EDGE, TZT_IRQ_SEC_LEVEL, TZT_IRQ_SEC_G0};
    for (unsigned i = 0; i < sizeof sec_ids / sizeof sec_ids[0]; i++) {
        unsigned id = sec_ids[i];
        u32 cfg = mmio_read32(GICD(GICD_ICFGR(id / 16)));
        u32 edge = 2u << (2 * (id % 16));
        cfg = id == TZT_IRQ_SEC_LEVEL ? cfg & ~edge : cfg | edge;
        mmio_write32(GICD(GICD_ICFGR(id / 16)), cfg);
        if (ver == 3) {
            mmio_write32(GICD(GICD_IROUTER(id)), (u32)aff);
            mmio_write32(GICD(GICD_IROUTER(id)) + 4, 0);
        } else {
            gic_write8(GICD(GICD_ITARGETSR + id), (u8)(1u << (aff & 7)));
        }
        mmio_write32(GICD(GICD_ISENABLER(id / 32)), 1u << (id % 32));
    }
    u32 ctlr = mmio_read32(GICD(GICD_CTLR));
    ctlr |= GICD_CTLR_ENABLE_G0 | (ver == 3 ? GICD_CTLR_ENABLE_G1S : 0);
    mmio_write32(GICD(GICD_CTLR), ctlr);
    if (ver == 3)
        wait_rwp();
}

static void private_prios(uintptr_t ipriorityr)
{
    for (unsigned id = 0; id < 32; id += 4) {
        u32 v = 0;
        for (unsigned k = 0; k < 4; k++)
            v |= (u32)private_prio(id + k) << (8 * k);
        mmio_write32(ipriorityr + id, v);
    }
}

/* GICv2: this core's banked SGI/PPI state and its CPU interface. SGIs are
 * always enabled on a GIC-400 (GICD_ISENABLER0[15:0] are RAO/WI). */
static bool cpu_init_v2(void)
{
    mmio_write32(GICD(GICD_IGROUPR(0)), ~TZT_SEC_PRIVATE_MASK);
    private_prios(GICD(GICD_IPRIORITYR));
    mmio_write32(GICD(GICD_ISENABLER(0)), 1u << TZT_PPI_SEC_TIMER);
    u32 ctlr = mmio_read32(GICC(GICC_CTLR)) & GICC_CTLR_ENABLE_G1;
    mmio_write32(GICC(GICC_CTLR), ctlr | GICC_CTLR_ENABLE_G0 | GICC_CTLR_FIQEN);
    mmio_write32(GICC(GICC_PMR), 0xff);
    return true;
}

/* GICv3: wake this core's Redistributor, its SGI/PPI groups, and the CPU
 * interface's EL3 controls (system registers for every EL, EOImode 0). */
static bool cpu_init_v3(void)
{
    uintptr_t rd = tzt_gicr_base();
    if (!rd)
        return false;
    mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_PSLEEP);
    for (unsigned i = 0; i < 100000 && (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CASLEEP); i++)
        ;
    uintptr_t sgi = rd + TZT_GICR_SGI;
    mmio_write32(sgi + GICR_IGROUPR0, ~TZT_SEC_PRIVATE_MASK);
    mmio_write32(sgi + GICR_IGRPMODR0, TZT_SEC_PRIVATE_MASK);
    private_prios(sgi + GICR_IPRIORITYR);
    mmio_write32(sgi + GICR_ISENABLER0, TZT_SEC_PRIVATE_MASK);

    write_sysreg_s(ICC_SRE_EL3, ICC_SRE_ALL);
    isb();
    if ((read_sysreg(id_aa64pfr0_el1) >> 8) & 0xf) {
        write_sysreg_s(ICC_SRE_EL2, ICC_SRE_ALL);
        isb();
    }
    write_sysreg_s(ICC_CTLR_EL3, 0);
    write_sysreg_s(ICC_PMR_EL1, 0xff);
    write_sysreg_s(ICC_IGRPEN0_EL1, 1);
    write_sysreg_s(ICC_IGRPEN1_EL3, read_sysreg_s(ICC_IGRPEN1_EL3) | 2);  /* EnableGrp1S */
    isb();
    return true;
}

unsigned mon_gic_init(void)
{
    unsigned ver = tzt_gic_version();
    if (ver != 2 && ver != 3)
        return 0;
    if (!dist_done) {
        dist_init(ver);
        dist_done = true;
    }
    bool ok = ver == 3 ? cpu_init_v3() : cpu_init_v2();
    return ok ? ver : 0;
}
