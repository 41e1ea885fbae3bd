/* SPDX-License-Identifier: MIT */
/*
 * nwd entry points.
 *
 * _start           primary core, entered by the monitor at NS-EL1h with the
 *                  MMU off and DAIF masked, x0 = the device tree (the
 *                  handoff's bl33_x0): zero .bss, then nwd_main(dtb).
 * secondary_entry  PSCI CPU_ON entry (nwd-smp.elf): x0 = context id;
 *                  nwd_secondary_main(x0).
 *
 * Both set VBAR_EL1 (the common EL1 vectors report any exception and power
 * off) and SP = top of this core's stack (MPIDR_EL1.Aff0, which NS-EL1 reads
 * from VMPIDR_EL2, set by the monitor). Neither function returns.
 */
#include "tzt.h"
#include "boot.S"

#define NWD_CORES       4
#define NWD_STACK_SIZE  16384

    .macro set_vbar_and_stack
    adrp    x9, tzt_el1_vectors
    add     x9, x9, :lo12:tzt_el1_vectors
    msr     vbar_el1, x9
    isb
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    cmp     x9, #NWD_CORES
    b.hs    park
    add     x9, x9, #1
    mov     x10, #NWD_STACK_SIZE
    mul     x9, x9, x10
    adrp    x10, nwd_stacks
    add     x10, x10, :lo12:nwd_stacks
    add     x9, x10, x9
    mov     sp, x9
    .endm

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    mov     x19, x0
    zero_bss
    set_vbar_and_stack
    mov     x0, x19
    bl      nwd_main
    b       park
    .size _start, . - _start

    .global secondary_entry
    .type secondary_entry, %function
secondary_entry:
    set_vbar_and_stack          /* x0 (context id) untouched */
    bl      nwd_secondary_main
    b       park
    .size secondary_entry, . - secondary_entry

park:
    wfi
    b       park

    .bss
    .balign 16
nwd_stacks:
    .space  NWD_CORES * NWD_STACK_SIZE
