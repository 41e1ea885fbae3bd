/* SPDX-License-Identifier: MIT */
/*
 * mmu-fault: EL3 with its MMU on writes a page it mapped read-only. With
 * --cache=check tzsim translates and checks permissions itself, and a
 * permission fault at EL3 ends the run with a guest error naming the fault
 * status (0x0f: permission fault, level 3) and the VA, and a register
 * dump (tests/integration/test_caches.c). With --cache=off Unicorn raises
 * the fault, which also ends the run.
 */
#include "tzt.h"
#include "tzt_vmsa.h"

const uintptr_t tzt_console_base = TZT_UART1_BASE;
const char tzt_image_name[] = "mmu-fault";

void el3_mmu_on(void);
void el3_mmu_set_page(u64 va, u64 desc);
int main(void);

#define RO_PAGE 0x0e201000ul

int main(void)
{
    el3_mmu_on();
    volatile u32 *p = (volatile u32 *)RO_PAGE;
    p[0] = 1;
    tzt_printf("mmu-fault: wrote 0x%x\n", p[0]);
    /* Read-only at EL3; Normal (el3_mmu.c's Attr1), inner shareable. */
    el3_mmu_set_page(RO_PAGE, RO_PAGE | DESC_PAGE | DESC_AF | DESC_ATTRIDX(1) | DESC_SH_INNER |
                                  DESC_AP_RO);
    tzt_printf("mmu-fault: read-only now, read 0x%x\n", p[0]);
    p[1] = 2;
    tzt_puts("mmu-fault: the write did not fault\n");
    tzt_powerctl_system(TZT_PWR_SYSTEM_OFF);
}
