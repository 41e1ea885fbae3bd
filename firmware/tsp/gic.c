/* SPDX-License-Identifier: MIT */
/*
 * The TSP's side of the GIC on qemu-virt: a GICv2 (platform "qemu-virt") or
 * a GICv3 (platform "qemu-virt-gicv3"). They are told apart by GICD_CTLR
 * bit 4: ARE_S on a GICv3 (the monitor turns affinity routing on; tzsim's
 * GICv3 has it RAO), reserved (0) on a GICv2. GICD_PIDR2 would not do
 * without knowing the version first: it is at 0xffe8 on a GICv3 but 0xfe8 on
 * a GICv2, whose 0xffe8 is a reserved offset (a GIC_ERROR in tzsim).
 * The monitor has done the security set-up (every interrupt Non-secure, the
 * CPU interfaces enabled: firmware/monitor/gic.c); the TSP claims its one
 * secure SPI, as OP-TEE claims the interrupts it registers:
 *
 *  - GICv3: Secure Group 1 (IGROUPR 0, IGRPMODR 1), routed to core 0; it is
 *    an FIQ to EL3 while the normal world runs and an IRQ at S-EL1;
 *    acknowledged with ICC_IAR1_EL1, ended with ICC_EOIR1_EL1 (the Secure
 *    copies: the TSP runs in Secure state).
 *  - GICv2: Group 0 (IGROUPR 0), targeted at CPU 0, signalled as FIQ
 *    (GICC_CTLR.FIQEn); acknowledged with a Secure read of GICC_IAR, which
 *    answers 1022 when the highest pending interrupt is Group 1, ended with
 *    GICC_EOIR.
 *
 * In both the secure priority 0x10 is above every normal-world interrupt's
 * (the monitor gives those 0x80).
 */
#include "tsp.h"

#define GICD_BASE               0x08000000
#define GICC_BASE               0x08010000  /* GICv2 CPU interface */

#define GICD_IGROUPR(n)         (0x0080 + 4 * (n))
#define GICD_ISENABLER(n)       (0x0100 + 4 * (n))
#define GICD_ICENABLER(n)       (0x0180 + 4 * (n))
#define GICD_ICPENDR(n)         (0x0280 + 4 * (n))
#define GICD_IPRIORITYR(n)      (0x0400 + 4 * (n))
#define GICD_ITARGETSR(n)       (0x0800 + 4 * (n))  /* GICv2 */
#define GICD_IGRPMODR(n)        (0x0d00 + 4 * (n))  /* GICv3 */
#define GICD_IROUTER(id)        (0x6000 + 8 * (id)) /* GICv3 */
#define GICD_CTLR               0x0000
#define GICD_CTLR_ARE           (1u << 4)           /* GICv3: ARE_S (Secure view) */

#define GICC_IAR                0x000c
#define GICC_EOIR               0x0010

#define ICC_IAR1_EL1            S3_0_C12_C12_0
#define ICC_EOIR1_EL1           S3_0_C12_C12_1

#define TSP_SECURE_PRIORITY     0x10

static bool gic_v3;

bool tsp_gic_is_v3(void)
{
    return gic_v3;
}

static void rmw_byte(uintptr_t reg, unsigned byte, u8 value)
{
    u32 v = mmio_read32(reg);
    v &= ~(0xffu << (8 * byte));
    v |= (u32)value << (8 * byte);
    mmio_write32(reg, v);
}

void tsp_gic_init(void)
{
    gic_v3 = (mmio_read32(GICD_BASE + GICD_CTLR) & GICD_CTLR_ARE) != 0;
    unsigned id = TSP_SECURE_INTID, n = id / 32;
    u32 bit = 1u << (id % 32);
    uintptr_t d = GICD_BASE;

    mmio_write32(d + GICD_ICENABLER(n), bit);
    mmio_write32(d + GICD_ICPENDR(n), bit);
    mmio_write32(d + GICD_IGROUPR(n), mmio_read32(d + GICD_IGROUPR(n)) & ~bit);
    if (gic_v3) {
        mmio_write32(d + GICD_IGRPMODR(n), mmio_read32(d + GICD_IGRPMODR(n)) | bit);
        u64 aff = read_sysreg(mpidr_el1) & 0xff00ffffffull;  /* this core (core 0) */
        mmio_write32(d + GICD_IROUTER(id), (u32)aff);
        mmio_write32(d + GICD_IROUTER(id) + 4, (u32)(aff >> 32));
    } else {
        rmw_byte(d + GICD_ITARGETSR(id / 4), id % 4, (u8)(1u << tzt_core_index()));
    }
    rmw_byte(d + GICD_IPRIORITYR(id / 4), id % 4, TSP_SECURE_PRIORITY);
    mmio_write32(d + GICD_ISENABLER(n), bit);
    dsb();
}

u32 tsp_gic_ack(void)
{
    if (gic_v3) {
        u32 iar = (u32)read_sysreg(ICC_IAR1_EL1);
        isb();
        return iar;
    }
    return mmio_read32(GICC_BASE + GICC_IAR);
}

void tsp_gic_eoi(u32 iar)
{
    if (gic_v3) {
        write_sysreg(ICC_EOIR1_EL1, iar);
        isb();
    } else {
        mmio_write32(GICC_BASE + GICC_EOIR, iar);
    }
}
