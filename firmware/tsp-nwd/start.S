/* SPDX-License-Identifier: MIT */
/*
 * nwd-tsp entry points and EL1 vectors.
 *
 * _start           primary core, entered by the monitor at NS-EL1h, MMU off,
 *                  DAIF masked, x0 = the handoff's bl33_x0 (here: how many
 *                  cores to use): zero .bss, nwd_tsp_main(x0).
 * secondary_entry  PSCI CPU_ON entry, x0 = context id:
 *                  nwd_tsp_secondary(x0).
 *
 * Both set VBAR_EL1 and SP = top of this core's stack (MPIDR_EL1.Aff0, read
 * from VMPIDR_EL2, which the monitor sets to the real MPIDR). The vectors
 * serve an IRQ at EL1h (nwd_tsp_irq, after saving the registers a C call
 * may clobber); any other exception is reported (tzt_el1_exception) and
 * powers the machine off.
 */
#include "tzt.h"
#include "gpr_frame.S"
#include "boot.S"

#define NWDT_CORES      4
#define NWDT_STACK_SIZE 8192
#define FRAME_SIZE      272     /* x0..x30, ELR_EL1, SPSR_EL1, 16-byte aligned */

    .macro set_vbar_and_stack
    adrp    x9, nwdt_vectors
    add     x9, x9, :lo12:nwdt_vectors
    msr     vbar_el1, x9
    isb
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    cmp     x9, #NWDT_CORES
    b.hs    park
    add     x9, x9, #1
    mov     x10, #NWDT_STACK_SIZE
    mul     x9, x9, x10
    adrp    x10, nwdt_stacks
    add     x10, x10, :lo12:nwdt_stacks
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
    bl      nwd_tsp_main
    b       park
    .size _start, . - _start

    .global secondary_entry
    .type secondary_entry, %function
secondary_entry:
    set_vbar_and_stack          /* x0 (context id) untouched */
    bl      nwd_tsp_secondary
    b       park
    .size secondary_entry, . - secondary_entry

park:
    msr     daifset, #0xf
1:  wfi
    b       1b

    .macro vpanic id
    vector_panic_slot \id, FRAME_SIZE, vector_panic
    .endm

    .section .text.nwdt_vectors, "ax"
    .balign 0x800
nwdt_vectors:
    vpanic  0       /* current EL, SP_EL0 */
    vpanic  1
    vpanic  2
    vpanic  3
    vpanic  4       /* current EL, SP_EL1: sync */
    .balign 0x80    /* 0x280: IRQ */
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp]
    b       irq_entry
    vpanic  6       /* FIQ: never a normal-world interrupt */
    vpanic  7
    vpanic  8       /* lower EL, AArch64 */
    vpanic  9
    vpanic  10
    vpanic  11
    vpanic  12      /* lower EL, AArch32 */
    vpanic  13
    vpanic  14
    vpanic  15

    .macro save_x2_x30
    gpr_save_x2_x30
    .endm

vector_panic:
    save_x2_x30
    mov     x1, sp
    bl      tzt_el1_exception
    b       park

irq_entry:
    save_x2_x30
    mrs     x0, elr_el1
    mrs     x1, spsr_el1
    stp     x0, x1, [sp, #248]
    bl      nwd_tsp_irq
    ldp     x0, x1, [sp, #248]
    msr     elr_el1, x0
    msr     spsr_el1, x1
    gpr_restore_x2_x30
    ldp     x0, x1, [sp]
    add     sp, sp, #FRAME_SIZE
    eret

    .bss
    .balign 16
nwdt_stacks:
    .space  NWDT_CORES * NWDT_STACK_SIZE
