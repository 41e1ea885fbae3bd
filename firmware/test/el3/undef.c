/* SPDX-License-Identifier: MIT */
/* el3-undef: prints a line on the secure UART, then executes UDF #0 at EL3
 * (no VBAR_EL3 set): tzsim must stop with a register dump. */
#include "tzt.h"

const uintptr_t tzt_console_base = TZT_UART1_BASE;
const char tzt_image_name[] = "undef";

int main(void);

int main(void)
{
    tzt_puts("undef: about to execute udf\n");
    __asm__ volatile("udf #0" ::: "memory");
    tzt_puts("undef: FAILED: execution continued after udf\n");
    for (;;)
        wfi();
}
