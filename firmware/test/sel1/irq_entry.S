/* SPDX-License-Identifier: MIT */
/*
 * sel1: the interrupt-flow entry point, and the spin loop of the yielding
 * call.
 *
 * sel1_irq_entry  entered by the monitor at EL1h, DAIF masked, on any core,
 *                 with x0 = TZT_FID_FIQ (a secure interrupt taken to EL3
 *                 while the normal world ran) or a forwarded interrupt-flow
 *                 call (0xB2000003..0xB200000F) and x1..x4 its arguments.
 *                 Sets VBAR_EL1 to the interrupt-taking vectors and SP to
 *                 the top of the core's stack in sel1_stacks (free: the
 *                 monitor enters sel1 only when it runs nothing else on the
 *                 core; a suspended yielding call keeps its own stack),
 *                 then sel1_irq_call(), which does not return.
 */
#include "tzt.h"

    .section .text.sel1_irq_entry, "ax"
    .global sel1_irq_entry
    .type sel1_irq_entry, %function
sel1_irq_entry:
    adrp    x9, tzt_el1_irq_vectors
    add     x9, x9, :lo12:tzt_el1_irq_vectors
    msr     vbar_el1, x9
    isb
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    cmp     x9, #TZT_MAX_CORES
    b.hs    1f
    add     x9, x9, #1
    mov     x10, #TZT_STACK_SIZE
    mul     x9, x9, x10
    adrp    x10, sel1_stacks
    add     x10, x10, :lo12:sel1_stacks
    add     x9, x10, x9
    mov     sp, x9
    bl      sel1_irq_call       /* does not return */
1:  wfi
    b       1b
    .size sel1_irq_entry, . - sel1_irq_entry

/* void sel1_spin(u64 n): n iterations of a two-instruction loop (n >= 1),
 * the work of the yielding call; x0 counts down. Interrupts taken inside it
 * return (or resume) into it with x0 and the flags as they were. */
    .section .text.sel1_spin, "ax"
    .global sel1_spin
    .type sel1_spin, %function
sel1_spin:
    cbz     x0, 2f
1:  subs    x0, x0, #1
    b.ne    1b
2:  ret
    .size sel1_spin, . - sel1_spin

/* The ERET of common/el1_irq.S (interrupt returns and RESUME), under a name
 * of this image for scenarios' PC triggers. */
    .section .text.sel1_eret, "ax"
    .global tzt_el1_eret
    .global sel1_eret
    .type tzt_el1_eret, %function
    .type sel1_eret, %function
tzt_el1_eret:
sel1_eret:
    eret
    .size tzt_el1_eret, . - tzt_el1_eret
    .size sel1_eret, . - sel1_eret
