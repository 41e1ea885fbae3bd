/* SPDX-License-Identifier: MIT */
#include "gpr_frame.S"
/*
 * EL3 frame handling shared by the test monitor (firmware/test/monitor) and
 * the reference monitor (firmware/monitor). The includer defines
 * FRAME_SIZE, FRAME_SP_EL0 and FRAME_ELR_EL3 (struct el3_frame: x0..x30,
 * SP_EL0, ELR_EL3, SPSR_EL3) and provides the `park` label.
 */

/* SCTLR_EL3 (MMU and caches off), VBAR_EL3 = \vectors, SP_EL3 = top of this
 * core's stack in \stacks. Uses x0..x2, no stack. A core whose MPIDR is
 * outside 0..\max_cores-1 of cluster 0 branches to park. */
    .macro el3_early_init_body vectors, stacks, max_cores, stack_size
    ldr     x0, =TZT_SCTLR_EL3_VALUE
    msr     sctlr_el3, x0
    adrp    x0, \vectors
    add     x0, x0, :lo12:\vectors
    msr     vbar_el3, x0
    msr     spsel, #1
    isb
    mrs     x0, mpidr_el1
    ubfx    x1, x0, #8, #16         /* Aff2:Aff1 */
    ubfx    x2, x0, #32, #8         /* Aff3 */
    orr     x1, x1, x2
    cbnz    x1, park
    and     x0, x0, #0xff           /* Aff0 = core index */
    cmp     x0, #\max_cores
    b.hs    park
    adrp    x1, \stacks
    add     x1, x1, :lo12:\stacks
    add     x0, x0, #1
    mov     x2, #\stack_size
    madd    x1, x0, x2, x1          /* stacks + (index + 1) * size */
    mov     sp, x1
    ret
    .endm

/* Restores the frame at SP (ELR_EL3, SPSR_EL3, SP_EL0, x0..x30), pops it
 * and returns from the exception. */
    .macro el3_restore_frame_eret
    ldp     x0, x1, [sp, #FRAME_ELR_EL3]
    msr     elr_el3, x0
    msr     spsr_el3, x1
    ldr     x0, [sp, #FRAME_SP_EL0]
    msr     sp_el0, x0
    gpr_restore_x2_x30
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #FRAME_SIZE
    eret
    .endm

/* Stores x2..x30, SP_EL0, ELR_EL3 and SPSR_EL3 into the frame at SP (x0 and
 * x1 are stored by the vector entry, which needs a scratch register). */
    .macro save_frame
    gpr_save_x2_x30
    mrs     x2, sp_el0
    str     x2, [sp, #FRAME_SP_EL0]
    mrs     x2, elr_el3
    mrs     x3, spsr_el3
    stp     x2, x3, [sp, #FRAME_ELR_EL3]
    .endm
