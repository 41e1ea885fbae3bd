/* SPDX-License-Identifier: MIT */
/*
 * Entry of the single-core EL3 programs (el3-undef, el3-loop, bench-loop):
 * core 0 at EL3, MMU off. Zero .bss, SP = top of el3_stack, call main().
 * No exception vectors: what happens on an exception is tzsim's to report.
 */
#include "tzt.h"

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  msr     spsel, #1
    adrp    x0, el3_stack
    add     x0, x0, :lo12:el3_stack
    add     x0, x0, #TZT_STACK_SIZE
    mov     sp, x0
    bl      main
3:  wfi
    b       3b
    .size _start, . - _start

    .bss
    .balign 16
el3_stack:
    .space  TZT_STACK_SIZE
