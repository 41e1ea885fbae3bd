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
#include "tzt_vmsa.h"

#define ATTR_DEVICE         0   /* MAIR_EL1 Attr0: Device-nGnRnE */
#define ATTR_NORMAL         1   /* MAIR_EL1 Attr1: Normal write-back */

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
