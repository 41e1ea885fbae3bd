/* SPDX-License-Identifier: MIT */
/*
 * nsel1 / nsel1-smp: normal-world EL1 payload entry points.
 *
 * _start           primary core, entered by the monitor at NS-EL1h with
 *                  DAIF masked, MMU off, x0 = 0.
 * secondary_entry  PSCI CPU_ON entry (nsel1-smp): x0 = context id.
 *
 * Both set VBAR_EL1 and SP = top of this core's stack (MPIDR_EL1.Aff0,
 * which at NS-EL1 reads VMPIDR_EL2, set by the monitor), then call
 * nsel1_main(x0) / nsel1_secondary_main(x0), which do not return.
 */
#include "tzt.h"
#include "boot.S"

    .macro set_vbar_and_stack
    adrp    x9, tzt_el1_vectors
    add     x9, x9, :lo12:tzt_el1_vectors
    msr     vbar_el1, x9
    isb
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    cmp     x9, #TZT_MAX_CORES
    b.hs    park
    add     x9, x9, #1
    mov     x10, #TZT_STACK_SIZE
    mul     x9, x9, x10
    adrp    x10, nsel1_stacks
    add     x10, x10, :lo12:nsel1_stacks
    add     x9, x10, x9
    mov     sp, x9
    .endm

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    /* Zero .bss before anything lives in it (stacks included). */
    zero_bss
    set_vbar_and_stack
    bl      nsel1_main
    b       park
    .size _start, . - _start

    .global secondary_entry
    .type secondary_entry, %function
secondary_entry:
    set_vbar_and_stack          /* x0 (context id) untouched */
    bl      nsel1_secondary_main
    b       park
    .size secondary_entry, . - secondary_entry

park:
    wfi
    b       park

    .bss
    .balign 16
    .global nsel1_stacks
nsel1_stacks:
    .space  TZT_MAX_CORES * TZT_STACK_SIZE
