/* SPDX-License-Identifier: MIT */
#include "gpr_frame.S"
/*
 * EL1 exception vectors for payloads that take interrupts (sel1's interrupt
 * entry, nsel1-irq): IRQ and FIQ taken at EL1 while using SP_EL1 save the
 * interrupted context as a struct tzt_el1_frame on SP_EL1 and call
 *
 *     void tzt_el1_interrupt(unsigned vector, struct tzt_el1_frame *f);
 *
 * (vector 5 = IRQ, 6 = FIQ; defined by the image), then restore the frame
 * and ERET to where the interrupt was taken. Every other vector goes to the
 * same entry of tzt_el1_vectors (report and power off).
 *
 * tzt_el1_frame_return(f) restores any such frame and ERETs to it; sel1
 * uses it to resume a preempted call from another stack.
 *
 * The ERET itself is the image's tzt_el1_eret (a lone `eret`), which each
 * image also gives a name of its own (sel1_eret, nsel1_irq_eret): tzsim
 * traces no EXC_RETURN for an ERET that stays at EL1, so scenarios watch
 * these with PC triggers to see where interrupted code resumes.
 *
 * Vector layout: Arm ARM D1.10.2. Frame layout: tzt_irq.h.
 */
#define FR_ELR  248
#define FR_SIZE 272  /* x0..x30, ELR_EL1, SPSR_EL1, pad: SP stays 16-byte aligned */

    /* Not an interrupt: the panic entry of the common table, which saves the
     * registers and names this vector. */
    .macro vpass id
    .balign 0x80
    b       tzt_el1_vectors + 0x80 * \id
    .endm

    .macro virq id
    .balign 0x80
    sub     sp, sp, #FR_SIZE
    stp     x0, x1, [sp]
    mov     x0, #\id
    b       el1_irq_common
    .endm

    .section .text.tzt_el1_irq_vectors, "ax"
    .global tzt_el1_irq_vectors
    .balign 0x800
tzt_el1_irq_vectors:
    vpass 0     /* current EL, SP_EL0: sync */
    vpass 1     /*                     IRQ */
    vpass 2     /*                     FIQ */
    vpass 3     /*                     SError */
    vpass 4     /* current EL, SP_ELx: sync */
    virq  5     /*                     IRQ */
    virq  6     /*                     FIQ */
    vpass 7     /*                     SError */
    vpass 8     /* lower EL, AArch64 */
    vpass 9
    vpass 10
    vpass 11
    vpass 12    /* lower EL, AArch32 */
    vpass 13
    vpass 14
    vpass 15

el1_irq_common:
    gpr_save_x2_x30
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #FR_ELR]
    mov     x1, sp
    bl      tzt_el1_interrupt
    mov     x0, sp
    /* fall through */

    .global tzt_el1_frame_return
    .type tzt_el1_frame_return, %function
tzt_el1_frame_return:
    mov     sp, x0
    ldp     x2, x3, [sp, #FR_ELR]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    gpr_restore_x2_x30
    ldp     x0, x1, [sp]
    add     sp, sp, #FR_SIZE
    b       tzt_el1_eret
    .size tzt_el1_frame_return, . - tzt_el1_frame_return

/* void tzt_call_on_stack(u64 arg, void *stack_top, void (*fn)(u64)):
 * fn(arg) on another stack; fn must not return. */
    .section .text.tzt_call_on_stack, "ax"
    .global tzt_call_on_stack
    .type tzt_call_on_stack, %function
tzt_call_on_stack:
    mov     sp, x1
    mov     x29, #0
    blr     x2
1:  wfi
    b       1b
    .size tzt_call_on_stack, . - tzt_call_on_stack
