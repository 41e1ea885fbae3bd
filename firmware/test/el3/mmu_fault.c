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
    /* AP[2:1] = 0b10: read-only at EL3; AF, Normal (attr1), ISH. */
    el3_mmu_set_page(RO_PAGE, RO_PAGE | 3u | (1u << 10) | (1u << 2) | (3u << 8) | (2u << 6));
    tzt_printf("mmu-fault: read-only now, read 0x%x\n", p[0]);
    p[1] = 2;
    tzt_puts("mmu-fault: the write did not fault\n");
    tzt_powerctl_system(TZT_PWR_SYSTEM_OFF);
}
