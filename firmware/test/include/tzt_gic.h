/* SPDX-License-Identifier: MIT */
/*
 * tzt_gic.h — the GIC as the test firmware uses it on qemu-virt: register
 * offsets of the GICv2 (ARM IHI 0048B) and GICv3 (ARM IHI 0069) programmers'
 * models, the ICC_* system register encodings, the interrupt assignment of
 * the interrupt flows (firmware/README.md, "Interrupt flows") and the helpers
 * of common/gic.c.
 *
 * The version is found at run time (tzt_gic_version): both platforms put the
 * Distributor at 0x08000000; a GICv2 has its CPU interface at 0x08010000, a
 * GICv3 its Redistributors at 0x080a0000 and its CPU interface in system
 * registers.
 */
#ifndef TZT_GIC_H
#define TZT_GIC_H

#include "tzt.h"

#define TZT_GICD_BASE           0x08000000
#define TZT_GICC_BASE           0x08010000  /* GICv2 */
#define TZT_GICR_BASE           0x080a0000  /* GICv3: RD_base + SGI_base per CPU */
#define TZT_GICR_STRIDE         0x20000
#define TZT_GICR_SGI            0x10000     /* SGI_base frame, from RD_base */

/* ---- interrupt assignment of the flows ---------------------------------- */

/* Secure: Group 0 on GICv2; Secure Group 1 on GICv3 (OP-TEE's choice), except
 * TZT_IRQ_SEC_G0, Group 0 on both. Normal world: Group 1 (Non-secure Group 1
 * on GICv3), everything not listed as secure. */
#define TZT_SGI_NS              1           /* NS SGI, core 0 -> core 1 (flow 4) */
#define TZT_SGI_NS_STOP         2           /* NS SGI: "finish" to core 1 */
#define TZT_SGI_SEC_FIRST       8           /* SGIs 8..15 are secure */
#define TZT_SGI_SEC             8           /* secure SGI, S-EL1 core 0 -> core 1 */
#define TZT_PPI_SEC_TIMER       29          /* secure physical timer (CNTPS) */
#define TZT_PPI_NS_TIMER        30          /* EL1 physical timer (CNTP), normal world */
#define TZT_IRQ_SEC_EDGE        48          /* SPI 16: secure, edge-triggered */
#define TZT_IRQ_SEC_LEVEL       49          /* SPI 17: secure, level-sensitive */
#define TZT_IRQ_SEC_G0          50          /* SPI 18: secure Group 0 (both versions), edge */
#define TZT_IRQ_NS_EDGE         56          /* SPI 24: normal world, edge-triggered */
#define TZT_IRQ_NS_LEVEL        57          /* SPI 25: normal world, level-sensitive */
#define TZT_IRQ_NS_CORE1        58          /* SPI 26: normal world, edge, routed to core 1 */

#define TZT_PRIO_SEC_G0         0x20
#define TZT_PRIO_SEC            0x40
#define TZT_PRIO_NS             0xa0        /* as written by a Secure access */

/* Banked INTIDs 0..31 that are secure (bit n = INTID n). */
#define TZT_SEC_PRIVATE_MASK    (0xff00u | (1u << TZT_PPI_SEC_TIMER))

/* ---- Distributor (GICD_*), both versions ---------------------------------- */

#define GICD_CTLR               0x0000
#define GICD_TYPER              0x0004
#define GICD_IGROUPR(n)         (0x0080 + 4 * (n))
#define GICD_ISENABLER(n)       (0x0100 + 4 * (n))
#define GICD_ICENABLER(n)       (0x0180 + 4 * (n))
#define GICD_ISPENDR(n)         (0x0200 + 4 * (n))
#define GICD_ICPENDR(n)         (0x0280 + 4 * (n))
#define GICD_IPRIORITYR         0x0400      /* byte per INTID */
#define GICD_ITARGETSR          0x0800      /* GICv2: byte per INTID */
#define GICD_ICFGR(n)           (0x0c00 + 4 * (n))  /* 16 INTIDs each, [2k+1] = edge */
#define GICD_IGRPMODR(n)        (0x0d00 + 4 * (n))  /* GICv3 */
#define GICD_SGIR               0x0f00      /* GICv2 */
#define GICD_IROUTER(id)        (0x6000 + 8 * (id)) /* GICv3, SPIs */
#define GICD_PIDR2_V3           0xffe8      /* GICv3: 64 KiB Distributor */
#define GICD_PIDR2_V2           0x0fe8      /* GICv2: 4 KiB Distributor */
#define GIC_PIDR2_ARCHREV(v)    (((v) >> 4) & 0xf)

/* GICD_CTLR, Secure view. GICv2: EnableGrp0 [0], EnableGrp1 [1]; GICv3
 * (DS = 0): EnableGrp0 [0], EnableGrp1NS [1], EnableGrp1S [2], ARE_S [4],
 * ARE_NS [5], RWP [31]. Non-secure view: GICv2 EnableGrp1 [0]; GICv3
 * EnableGrp1A [1], ARE_NS [4]. */
#define GICD_CTLR_ENABLE_G0     (1u << 0)
#define GICD_CTLR_ENABLE_G1S    (1u << 2)
#define GICD_CTLR_ARE_S         (1u << 4)
#define GICD_CTLR_ARE_NS        (1u << 5)
#define GICD_CTLR_RWP           (1u << 31)
#define GICD_CTLR_V2_NS_ENABLE  (1u << 0)
#define GICD_CTLR_V3_NS_ENABLE  (1u << 1)

#define GICD_SGIR_TARGETS(m)    ((u32)(m) << 16)    /* CPUTargetList */
#define GICD_SGIR_NSATT         (1u << 15)

/* ---- GICv2 CPU interface (GICC_*) -------------------------------------------- */

#define GICC_CTLR               0x0000
#define GICC_PMR                0x0004
#define GICC_BPR                0x0008
#define GICC_IAR                0x000c
#define GICC_EOIR               0x0010
#define GICC_HPPIR              0x0018
/* Secure view of GICC_CTLR (the Non-secure one: EnableGrp1 [0]). */
#define GICC_CTLR_ENABLE_G0     (1u << 0)
#define GICC_CTLR_ENABLE_G1     (1u << 1)
#define GICC_CTLR_FIQEN         (1u << 3)
#define GICC_CTLR_NS_ENABLE     (1u << 0)
#define GICC_IAR_ID(v)          ((v) & 0x3ff)
#define GICC_IAR_CPUID(v)       (((v) >> 10) & 7)

/* ---- GICv3 Redistributor (GICR_*) -------------------------------------------- */

#define GICR_TYPER_LO           0x0008      /* [4] Last */
#define GICR_TYPER_HI           0x000c      /* Aff3.Aff2.Aff1.Aff0 */
#define GICR_WAKER              0x0014
#define GICR_WAKER_PSLEEP       (1u << 1)
#define GICR_WAKER_CASLEEP      (1u << 2)
#define GICR_TYPER_LAST         (1u << 4)
/* In the SGI_base frame. */
#define GICR_IGROUPR0           0x0080
#define GICR_ISENABLER0         0x0100
#define GICR_IPRIORITYR         0x0400
#define GICR_IGRPMODR0          0x0d00

/* ---- GICv3 CPU interface (system registers, op0=3) --------------------------- */

#define ICC_PMR_EL1             S3_0_C4_C6_0
#define ICC_IAR0_EL1            S3_0_C12_C8_0
#define ICC_EOIR0_EL1           S3_0_C12_C8_1
#define ICC_BPR0_EL1            S3_0_C12_C8_3
#define ICC_SGI1R_EL1           S3_0_C12_C11_5
#define ICC_IAR1_EL1            S3_0_C12_C12_0
#define ICC_EOIR1_EL1           S3_0_C12_C12_1
#define ICC_CTLR_EL1            S3_0_C12_C12_4
#define ICC_SRE_EL1             S3_0_C12_C12_5
#define ICC_IGRPEN0_EL1         S3_0_C12_C12_6
#define ICC_IGRPEN1_EL1         S3_0_C12_C12_7
#define ICC_SRE_EL2             S3_4_C12_C9_5
#define ICC_CTLR_EL3            S3_6_C12_C12_4
#define ICC_SRE_EL3             S3_6_C12_C12_5
#define ICC_IGRPEN1_EL3         S3_6_C12_C12_7

#define ICC_SRE_ALL             0xf         /* SRE, DFB, DIB, Enable */
#define ICC_IAR_ID(v)           ((v) & 0xffffff)
/* ICC_SGI1R_EL1: INTID [27:24], TargetList [15:0] (Aff0 values), Aff1 [23:16]. */
#define ICC_SGIR_VALUE(intid, aff0) (((u64)(intid) << 24) | (1ull << (aff0)))

#define TZT_STR_(x)             #x
#define TZT_STR(x)              TZT_STR_(x)
/* MRS/MSR of a register named by one of the macros above (S3_..., expanded
 * before it is pasted into the instruction). */
#define read_sysreg_s(r)        ({ u64 __v; __asm__ volatile("mrs %0, " TZT_STR(r) : "=r"(__v)); __v; })
#define write_sysreg_s(r, v)    __asm__ volatile("msr " TZT_STR(r) ", %0" : : "r"((u64)(v)))

/* INTIDs 1020..1023 are special: nothing was acknowledged. */
#define GIC_INTID_SPECIAL       1020

/* ---- common/gic.c ------------------------------------------------------------- */

/* 2 or 3 (GICD_PIDR2.ArchRev: 1 and 2 are GICv2, 3 and 4 GICv3), 0 if neither
 * answers. Reads the GICv3 location first (0xffe8), then the GICv2 one
 * (0xfe8): each is a reserved offset of the other version's Distributor. */
unsigned tzt_gic_version(void);

/* GICv3: RD_base of this core's Redistributor (the frame whose GICR_TYPER
 * affinity is this core's MPIDR), 0 if there is none. */
uintptr_t tzt_gicr_base(void);

static inline void gic_write8(uintptr_t a, u8 v) { *(volatile u8 *)a = v; }

#endif
