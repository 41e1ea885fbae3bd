/* SPDX-License-Identifier: MIT */
/*
 * Stage-1 translation for NS-EL1, as a rich OS would have it: the shared
 * memory with OP-TEE must be Normal write-back cacheable on both sides
 * (OP-TEE maps its reserved shared memory that way; OPTEE_SMC_SHM_CACHED).
 * An identity map of the low 4 GiB with 1 GiB level-1 blocks (4 KiB
 * granule, T0SZ = 32: the walk starts at level 1; Arm ARM D8.2):
 *   0x00000000..0x3fffffff  Device-nGnRnE, execute-never (GIC, UARTs, ...)
 *   0x40000000..0x7fffffff  Normal, inner/outer write-back, inner shareable
 *   the rest                invalid
 */
#include "nwd.h"

#define MAIR_DEVICE_NGNRNE  0x00
#define MAIR_NORMAL_WB      0xff  /* inner and outer write-back, R/W allocate */
#define ATTR_DEVICE         0
#define ATTR_NORMAL         1

#define DESC_BLOCK          0x1ul
#define DESC_ATTRIDX(i)     ((u64)(i) << 2)
#define DESC_SH_INNER       (3ul << 8)
#define DESC_AF             (1ul << 10)
#define DESC_PXN            (1ul << 53)
#define DESC_UXN            (1ul << 54)

#define TCR_T0SZ(n)         ((u64)(n))
#define TCR_IRGN0_WBWA      (1ul << 8)
#define TCR_ORGN0_WBWA      (1ul << 10)
#define TCR_SH0_INNER       (3ul << 12)
#define TCR_TG0_4K          (0ul << 14)
#define TCR_EPD1            (1ul << 23)  /* no TTBR1 walks */
#define TCR_IPS_32BIT       (0ul << 32)

#define SCTLR_M             (1ul << 0)
#define SCTLR_C             (1ul << 2)
#define SCTLR_I             (1ul << 12)

static u64 l1_table[512] __attribute__((aligned(4096)));

/* Primary core, once, before any core turns its MMU on. */
void nwd_mmu_build(void)
{
    l1_table[0] = 0x00000000ul | DESC_BLOCK | DESC_ATTRIDX(ATTR_DEVICE) | DESC_AF | DESC_PXN |
                  DESC_UXN;
    l1_table[1] = 0x40000000ul | DESC_BLOCK | DESC_ATTRIDX(ATTR_NORMAL) | DESC_SH_INNER |
                  DESC_AF;
    dsb();
}

/* Every core: the same tables, caches on. */
void nwd_mmu_enable(void)
{
    write_sysreg(mair_el1, (u64)MAIR_DEVICE_NGNRNE << (8 * ATTR_DEVICE) |
                               (u64)MAIR_NORMAL_WB << (8 * ATTR_NORMAL));
    write_sysreg(tcr_el1, TCR_T0SZ(32) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
                              TCR_TG0_4K | TCR_EPD1 | TCR_IPS_32BIT);
    write_sysreg(ttbr0_el1, (u64)(uintptr_t)l1_table);
    isb();
    __asm__ volatile("tlbi vmalle1\n\tic iallu\n\tdsb nsh\n\tisb" ::: "memory");
    /* The data cache holds nothing yet (caches were off), so no clean is
     * needed before turning it on. */
    write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I);
    isb();
}
