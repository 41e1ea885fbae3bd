/* SPDX-License-Identifier: MIT */
/*
 * Entry of the single-core EL3 programs (el3-undef, el3-loop, bench-loop):
 * core 0 at EL3, MMU off. Zero .bss, SP = top of el3_stack, call main().
 * No exception vectors: what happens on an exception is tzsim's to report.
 */
#include "tzt.h"
#include "boot.S"

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    zero_bss
    msr     spsel, #1
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
