/* SPDX-License-Identifier: MIT */
/*
 * sel1: S-EL1 test payload, entry points.
 *
 * _start          cold boot on core 0, entered by the monitor at EL1h with
 *                 DAIF masked and the MMU off.
 * sel1_call_entry every forwarded call, on any core: x0 = function id,
 *                 x1..x4 = arguments. Entered afresh each time (nothing of
 *                 the previous call is live), it sets VBAR_EL1 and the core's
 *                 stack from MPIDR_EL1.Aff0 and never returns: sel1_call()
 *                 ends with the CALL_DONE SMC.
 */
#include "tzt.h"
#include "boot.S"

/* SP = top of this core's stack in sel1_stacks; x9/x10 scratch. A core
 * index beyond the stacks parks the core (no stack to report with). */
    .macro set_stack
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    cmp     x9, #TZT_MAX_CORES
    b.hs    park
    add     x9, x9, #1
    mov     x10, #TZT_STACK_SIZE
    mul     x9, x9, x10
    adrp    x10, sel1_stacks
    add     x10, x10, :lo12:sel1_stacks
    add     x9, x10, x9
    mov     sp, x9
    .endm

    .macro set_vbar
    adrp    x9, tzt_el1_vectors
    add     x9, x9, :lo12:tzt_el1_vectors
    msr     vbar_el1, x9
    isb
    .endm

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    set_vbar
    /* Zero .bss (stacks included: nothing is on them yet). */
    zero_bss
    set_stack
    bl      sel1_main           /* does not return */
    b       park
    .size _start, . - _start

    .global sel1_call_entry
    .type sel1_call_entry, %function
sel1_call_entry:
    set_vbar
    set_stack                   /* x0..x4 untouched */
    bl      sel1_call           /* does not return */
    b       park
    .size sel1_call_entry, . - sel1_call_entry

park:
    wfi
    b       park
