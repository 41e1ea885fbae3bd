/* SPDX-License-Identifier: MIT */
/*
 * The GIC's security set-up: the part of interrupt configuration that
 * belongs to EL3, because only secure accesses may assign interrupts to
 * groups (the split TF-A's GIC drivers make). Done before any lower EL
 * runs; qemu-virt has a GICv2 or a GICv3, told apart by GICD_PIDR2.ArchRev.
 *
 * Policy, both versions: every interrupt belongs to the normal world except
 * the secure SGIs 8..15 (TF-A's QEMU port reserves them for the secure
 * world), which get the highest priority. The secure OS then claims the
 * interrupts it registers. While the normal world runs, SCR_EL3.FIQ takes
 * secure interrupts to EL3, which hands them to OP-TEE (opteed.c):
 *
 *  - GICv2 (IHI 0048B ch. 4): normal world = Group 1 (IRQ); secure = Group 0,
 *    signalled as FIQ (GICC_CTLR.FIQEn).
 *  - GICv3 (IHI 0069, two Security states): normal world = Non-secure
 *    Group 1; secure = Secure Group 1, which is an FIQ while the normal world
 *    runs and an IRQ while the secure world runs (4.6, "Interrupt grouping
 *    and security"); Group 0 is left to EL3 and unused. Affinity routing
 *    on, system-register CPU interface for EL3, EL2 and both EL1s.
 */
#include "monitor.h"

#define GICD_CTLR               0x0000
#define GICD_TYPER              0x0004
#define GICD_IGROUPR(n)         (0x0080 + 4 * (n))
#define GICD_ISENABLER(n)       (0x0100 + 4 * (n))
#define GICD_ICENABLER(n)       (0x0180 + 4 * (n))
#define GICD_ICPENDR(n)         (0x0280 + 4 * (n))
#define GICD_IPRIORITYR(n)      (0x0400 + 4 * (n))  /* 4 interrupts per register */
#define GICD_IGRPMODR(n)        (0x0d00 + 4 * (n))  /* GICv3 */
#define GICD_IROUTER(id)        (0x6000 + 8 * (id)) /* GICv3, SPIs */
#define GICD_PIDR2              0xffe8
#define GICD_TYPER_ITLINES(t)   ((t) & 0x1f)        /* 32 * (N + 1) interrupt ids */
#define GIC_PIDR2_ARCH(p)       (((p) >> 4) & 0xf)  /* 1, 2: GICv2; 3, 4: GICv3/v4 */

/* GICD_CTLR: GICv2 (secure view) */
#define GICD_CTLR_V2_ENABLE_GRP0    (1u << 0)
#define GICD_CTLR_V2_ENABLE_GRP1    (1u << 1)
/* GICD_CTLR: GICv3, Secure access, DS = 0 */
#define GICD_CTLR_ENABLE_G0         (1u << 0)
#define GICD_CTLR_ENABLE_G1NS       (1u << 1)
#define GICD_CTLR_ENABLE_G1S        (1u << 2)
#define GICD_CTLR_ARE_S             (1u << 4)
#define GICD_CTLR_ARE_NS            (1u << 5)
#define GICD_CTLR_RWP               (1u << 31)

/* GICv2 CPU interface */
#define GICC_CTLR                   0x000
#define GICC_PMR                    0x004
#define GICC_CTLR_ENABLE_GRP0       (1u << 0)
#define GICC_CTLR_ENABLE_GRP1       (1u << 1)
#define GICC_CTLR_FIQ_EN            (1u << 3)   /* Group 0 signalled as FIQ */
#define GICC_CTLR_BYPASS_DIS        (0xfu << 5) /* FIQBypDisGrp0 .. IRQBypDisGrp1 */

/* GICv3 redistributor: RD_base frame, then SGI_base frame at +64 KiB */
#define GICR_FRAME_SIZE             0x20000
#define GICR_CTLR                   0x0000
#define GICR_TYPER                  0x0008      /* 64-bit: [63:32] affinity, [4] Last */
#define GICR_WAKER                  0x0014
#define GICR_CTLR_RWP               (1u << 3)
#define GICR_TYPER_LAST             (1u << 4)
#define GICR_WAKER_PROCESSOR_SLEEP  (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP  (1u << 2)
#define GICR_SGI                    0x10000
#define GICR_IGROUPR0               (GICR_SGI + 0x0080)
#define GICR_ISENABLER0             (GICR_SGI + 0x0100)
#define GICR_ICENABLER0             (GICR_SGI + 0x0180)
#define GICR_IPRIORITYR(n)          (GICR_SGI + 0x0400 + 4 * (n))
#define GICR_IGRPMODR0              (GICR_SGI + 0x0d00)
#define GICR_MAX_FRAMES             MON_MAX_CORES

/* GICv3 CPU-interface system registers (IHI 0069 ch. 12), by encoding */
#define ICC_SRE_EL3                 S3_6_C12_C12_5
#define ICC_SRE_EL2                 S3_4_C12_C9_5
#define ICC_SRE_EL1                 S3_0_C12_C12_5
#define ICC_PMR_EL1                 S3_0_C4_C6_0
#define ICC_IGRPEN0_EL1             S3_0_C12_C12_6
#define ICC_IGRPEN1_EL3             S3_6_C12_C12_7
#define ICC_SRE_SRE                 (1u << 0)
#define ICC_SRE_DFB                 (1u << 1)
#define ICC_SRE_DIB                 (1u << 2)
#define ICC_SRE_ENABLE              (1u << 3)   /* lower ELs may use their ICC_SRE */
#define ICC_IGRPEN1_EL3_G1NS        (1u << 0)
#define ICC_IGRPEN1_EL3_G1S         (1u << 1)

#define PRIO_SECURE                 0x00        /* highest */
#define PRIO_NS_DEFAULT             0x80
#define PRIO_X4(p)                  ((u32)(p) * 0x01010101u)

#define SECURE_SGI_MASK             0x0000ff00u /* SGIs 8..15 */

static unsigned gic_arch(void)
{
    return GIC_PIDR2_ARCH(mmio_read32(MON_GICD_BASE + GICD_PIDR2));
}

static void gicd_wait_rwp(void)
{
    while (mmio_read32(MON_GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
        ;
}

/* Registers 1.. of the per-interrupt banks: the SPIs (register 0, SGIs and
 * PPIs, is per core: the GICv2 banked copy or the GICv3 redistributor). */
static void spis_to_normal_world(unsigned nregs, bool v3)
{
    uintptr_t d = MON_GICD_BASE;
    for (unsigned n = 1; n < nregs; n++) {
        mmio_write32(d + GICD_ICENABLER(n), 0xffffffffu);
        mmio_write32(d + GICD_ICPENDR(n), 0xffffffffu);
        mmio_write32(d + GICD_IGROUPR(n), 0xffffffffu);
        if (v3)
            mmio_write32(d + GICD_IGRPMODR(n), 0);
        for (unsigned i = 0; i < 8; i++)
            mmio_write32(d + GICD_IPRIORITYR(8 * n + i), PRIO_X4(PRIO_NS_DEFAULT));
    }
}

void gic_init_distributor(void)
{
    if (!MON_GICD_BASE)
        return;
    uintptr_t d = MON_GICD_BASE;
    unsigned nregs = GICD_TYPER_ITLINES(mmio_read32(d + GICD_TYPER)) + 1;
    if (gic_arch() >= 3) {
        mmio_write32(d + GICD_CTLR, GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS);
        gicd_wait_rwp();
        spis_to_normal_world(nregs, true);
        /* Every SPI to the primary core (Aff0 = 0) until its owner moves it. */
        u64 primary = read_sysreg(mpidr_el1) & 0xff00ffffffull;
        for (unsigned id = 32; id < 32 * nregs; id++) {
            mmio_write32(d + GICD_IROUTER(id), (u32)primary);
            mmio_write32(d + GICD_IROUTER(id) + 4, (u32)(primary >> 32));
        }
        mmio_write32(d + GICD_CTLR, GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G0 |
                                        GICD_CTLR_ENABLE_G1NS | GICD_CTLR_ENABLE_G1S);
        gicd_wait_rwp();
    } else {
        mmio_write32(d + GICD_CTLR, 0);
        spis_to_normal_world(nregs, false);
        mmio_write32(d + GICD_CTLR, GICD_CTLR_V2_ENABLE_GRP0 | GICD_CTLR_V2_ENABLE_GRP1);
    }
    dsb();
}

/* GICv3: this core's redistributor, found by affinity (GICR_TYPER). */
static uintptr_t gicr_this_core(void)
{
    u64 mpidr = read_sysreg(mpidr_el1);
    u32 aff = (u32)((mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24);
    uintptr_t r = MON_GICR_BASE;
    for (unsigned i = 0; i < GICR_MAX_FRAMES; i++, r += GICR_FRAME_SIZE) {
        u32 lo = mmio_read32(r + GICR_TYPER), hi = mmio_read32(r + GICR_TYPER + 4);
        if (hi == aff)
            return r;
        if (lo & GICR_TYPER_LAST)
            break;
    }
    mon_panic("GICv3: no redistributor for this core's affinity", aff, NULL);
}

static void gicv3_init_cpu(void)
{
    uintptr_t r = gicr_this_core();
    /* Wake the redistributor (IHI 0069 12.11.42, GICR_WAKER). */
    mmio_write32(r + GICR_WAKER, mmio_read32(r + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP);
    while (mmio_read32(r + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP)
        ;
    /* SGIs and PPIs: SGIs 8..15 Secure Group 1, the rest Non-secure Group 1. */
    mmio_write32(r + GICR_ICENABLER0, ~SECURE_SGI_MASK);
    while (mmio_read32(r + GICR_CTLR) & GICR_CTLR_RWP)
        ;
    mmio_write32(r + GICR_IGROUPR0, ~SECURE_SGI_MASK);
    mmio_write32(r + GICR_IGRPMODR0, SECURE_SGI_MASK);
    for (unsigned i = 0; i < 8; i++) {
        bool secure = i == 2 || i == 3;  /* IPRIORITYR2..3 hold SGIs 8..15 */
        mmio_write32(r + GICR_IPRIORITYR(i), PRIO_X4(secure ? PRIO_SECURE : PRIO_NS_DEFAULT));
    }
    mmio_write32(r + GICR_ISENABLER0, SECURE_SGI_MASK);

    /* System-register interface at EL3, and allowed below; the secure EL1
     * copy of ICC_SRE_EL1 (SCR_EL3.NS = 0 here); the normal world sets its
     * own. Both Group 1 enables; no priority masking. */
    write_sysreg(ICC_SRE_EL3, ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB | ICC_SRE_ENABLE);
    isb();
    if ((read_sysreg(id_aa64pfr0_el1) >> 8) & 0xf)
        write_sysreg(ICC_SRE_EL2, ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB | ICC_SRE_ENABLE);
    write_sysreg(ICC_SRE_EL1, ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB);
    isb();
    write_sysreg(ICC_PMR_EL1, 0xff);
    write_sysreg(ICC_IGRPEN0_EL1, 1);
    write_sysreg(ICC_IGRPEN1_EL3, ICC_IGRPEN1_EL3_G1NS | ICC_IGRPEN1_EL3_G1S);
    isb();
}

static void gicv2_init_cpu(void)
{
    uintptr_t d = MON_GICD_BASE, c = MON_GICC_BASE;
    /* This core's banked SGIs and PPIs: SGIs 8..15 Group 0, the rest
     * Group 1; PPIs off until their owner enables them. */
    mmio_write32(d + GICD_ICENABLER(0), ~SECURE_SGI_MASK);
    mmio_write32(d + GICD_IGROUPR(0), ~SECURE_SGI_MASK);
    for (unsigned i = 0; i < 8; i++) {
        bool secure = i == 2 || i == 3;
        mmio_write32(d + GICD_IPRIORITYR(i), PRIO_X4(secure ? PRIO_SECURE : PRIO_NS_DEFAULT));
    }
    mmio_write32(d + GICD_ISENABLER(0), SECURE_SGI_MASK);
    mmio_write32(c + GICC_PMR, 0xff);
    mmio_write32(c + GICC_CTLR, GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_ENABLE_GRP1 |
                                    GICC_CTLR_FIQ_EN | GICC_CTLR_BYPASS_DIS);
}

void gic_init_cpu(void)
{
    if (!MON_GICD_BASE)
        return;
    if (gic_arch() >= 3)
        gicv3_init_cpu();
    else
        gicv2_init_cpu();
    dsb();
}
