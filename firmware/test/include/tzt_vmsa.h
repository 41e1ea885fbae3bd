/* SPDX-License-Identifier: MIT */
/*
 * VMSAv8-64 constants the guest firmware uses to build stage 1 tables and
 * turn its MMU on (Arm ARM D8 "The AArch64 Virtual Memory System
 * Architecture"; MAIR_ELx, TCR_ELx and SCTLR_ELx in D19). Only the fields
 * some image sets are named.
 */
#ifndef TZT_VMSA_H
#define TZT_VMSA_H

/* MAIR_ELx attribute encodings. */
#define MAIR_DEVICE_NGNRNE  0x00u
#define MAIR_DEVICE_NGNRE   0x04u
#define MAIR_NORMAL_WB      0xffu   /* inner and outer write-back, R/W-allocate, non-transient */

/* Translation table descriptors (4 KiB granule). */
#define DESC_BLOCK          0x1ul   /* levels 1 and 2 */
#define DESC_TABLE          0x3ul   /* levels 0 to 2 */
#define DESC_PAGE           0x3ul   /* level 3 */
#define DESC_ATTRIDX(i)     ((u64)(i) << 2)
#define DESC_AP_RO          (2ul << 6)   /* AP[2:1] = 0b10: read-only at the regime's EL */
#define DESC_SH_INNER       (3ul << 8)
#define DESC_AF             (1ul << 10)
#define DESC_PXN            (1ul << 53)
#define DESC_UXN            (1ul << 54)  /* XN at EL2 and EL3 */
#define DESC_XN             (DESC_PXN | DESC_UXN)

/* TCR_ELx fields for TTBR0. */
#define TCR_T0SZ(n)         ((u64)(n))
#define TCR_IRGN0_WBWA      (1ul << 8)
#define TCR_ORGN0_WBWA      (1ul << 10)
#define TCR_SH0_INNER       (3ul << 12)
#define TCR_TG0_4K          (0ul << 14)
#define TCR_EPD1            (1ul << 23)  /* TCR_EL1: no TTBR1 walks */
#define TCR_IPS_32BIT       (0ul << 32)  /* TCR_EL1.IPS */
#define TCR_EL3_PS_40BIT    (2ul << 16)  /* TCR_EL3.PS */
#define TCR_EL3_RES1        ((1ul << 23) | (1ul << 31))

/* SCTLR_ELx. */
#define SCTLR_M             (1ul << 0)
#define SCTLR_C             (1ul << 2)
#define SCTLR_I             (1ul << 12)

#endif
