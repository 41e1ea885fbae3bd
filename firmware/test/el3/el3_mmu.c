/* SPDX-License-Identifier: MIT */
/*
 * The EL3 MMU of the single-core EL3 test programs that run with caches on
 * (bench-mem, mmu-fault): an identity map with a 4K granule and 32-bit VAs,
 * secure SRAM/DRAM (0x0e000000..0x0fffffff) and DRAM (0x40000000..)
 * Normal Write-Back Inner Shareable, the rest Device-nGnRnE; then
 * SCTLR_EL3.M, C and I. el3_mmu_set_page() changes one 4 KiB page of the
 * first GiB afterwards.
 */
#include "tzt.h"
#include "tzt_vmsa.h"

void el3_mmu_on(void);
void el3_mmu_set_page(u64 va, u64 desc);

/* 4K granule, 32-bit VA: a level 1 table (4 x 1 GiB) and a level 2 table
 * for the first GiB (2 MiB blocks). */
static u64 l1[512] __attribute__((aligned(4096)));
static u64 l2[512] __attribute__((aligned(4096)));
static u64 l3[512] __attribute__((aligned(4096)));  /* 2 MiB at 0x0e200000, by page */

#define ATTR_DEVICE 0u       /* MAIR_EL3 Attr0: Device-nGnRnE */
#define ATTR_NORMAL 1u       /* MAIR_EL3 Attr1: Normal Inner/Outer WB RW-allocate */

static u64 block(u64 pa, unsigned attr)
{
    return pa | DESC_BLOCK | DESC_AF | DESC_ATTRIDX(attr) |
           (attr == ATTR_NORMAL ? DESC_SH_INNER : 0);
}

void el3_mmu_on(void)
{
    for (unsigned i = 0; i < 512; i++) {
        u64 pa = (u64)i << 21;
        int secure_mem = pa >= 0x0e000000 && pa < 0x10000000;
        l2[i] = block(pa, secure_mem ? ATTR_NORMAL : ATTR_DEVICE);
    }
    for (unsigned i = 0; i < 512; i++)
        l3[i] = (0x0e200000ul + ((u64)i << 12)) | DESC_PAGE | DESC_AF | DESC_ATTRIDX(ATTR_NORMAL) |
                DESC_SH_INNER;
    l2[0x0e200000 >> 21] = (u64)(uintptr_t)l3 | DESC_TABLE;
    l1[0] = (u64)(uintptr_t)l2 | DESC_TABLE;
    l1[1] = block(0x40000000, ATTR_NORMAL);
    l1[2] = block(0x80000000, ATTR_DEVICE);
    l1[3] = block(0xc0000000, ATTR_DEVICE);
    dsb();
    write_sysreg(mair_el3, (u64)MAIR_DEVICE_NGNRNE << (8 * ATTR_DEVICE) |
                               (u64)MAIR_NORMAL_WB << (8 * ATTR_NORMAL));
    write_sysreg(tcr_el3, TCR_T0SZ(32) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
                              TCR_TG0_4K | TCR_EL3_PS_40BIT | TCR_EL3_RES1);
    write_sysreg(ttbr0_el3, (u64)(uintptr_t)l1);
    __asm__ volatile("tlbi alle3" ::: "memory");
    dsb();
    isb();
    write_sysreg(sctlr_el3, read_sysreg(sctlr_el3) | SCTLR_M | SCTLR_C | SCTLR_I);
    isb();
}

/* Replaces the level 3 descriptor of va (in 0x0e200000..0x0e3fffff). */
void el3_mmu_set_page(u64 va, u64 desc)
{
    l3[(va - 0x0e200000ul) >> 12] = desc;
    dsb();
    __asm__ volatile("tlbi alle3" ::: "memory");
    dsb();
    isb();
}
