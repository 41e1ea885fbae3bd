/* SPDX-License-Identifier: MIT */
/* el3-loop: prints a line on the secure UART, then branches to itself
 * forever at EL3: tzsim's instruction limit must stop it. */
#include "tzt.h"

const uintptr_t tzt_console_base = TZT_UART1_BASE;
const char tzt_image_name[] = "loop";

int main(void);

int main(void)
{
    tzt_puts("loop: spinning forever\n");
    __asm__ volatile("1: b 1b" ::: "memory");
    __builtin_unreachable();
}
