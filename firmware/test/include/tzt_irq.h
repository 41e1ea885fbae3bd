/* SPDX-License-Identifier: MIT */
/* Interrupt-taking EL1 payloads (common/el1_irq.S). */
#ifndef TZT_IRQ_H
#define TZT_IRQ_H

#include "tzt.h"

/* The context an IRQ/FIQ taken at EL1 (SP_EL1) saves on the stack. */
struct tzt_el1_frame {
    u64 x[31];
    u64 elr_el1;
    u64 spsr_el1;
    u64 pad;
};
_Static_assert(__builtin_offsetof(struct tzt_el1_frame, elr_el1) == 248, "frame");
_Static_assert(sizeof(struct tzt_el1_frame) == 272, "frame");

#define TZT_VEC_IRQ_EL1H        5
#define TZT_VEC_FIQ_EL1H        6

extern char tzt_el1_irq_vectors[];  /* VBAR_EL1: IRQ/FIQ handled, the rest panics */

/* Defined by the image: handle the interrupt, then return to resume f (or
 * never return). Called with DAIF masked. */
void tzt_el1_interrupt(unsigned vector, struct tzt_el1_frame *f);

/* Restores f (x0..x30, ELR_EL1, SPSR_EL1, SP = just above f) and ERETs. */
TZT_NORETURN void tzt_el1_frame_return(struct tzt_el1_frame *f);

/* fn(arg) on the stack whose top is stack_top; fn does not return. */
TZT_NORETURN void tzt_call_on_stack(u64 arg, void *stack_top, void (*fn)(u64));

#define irq_unmask()  __asm__ volatile("msr daifclr, #2" ::: "memory")
#define irq_mask()    __asm__ volatile("msr daifset, #2" ::: "memory")
#define intr_unmask() __asm__ volatile("msr daifclr, #3" ::: "memory")  /* IRQ and FIQ */
#define intr_mask()   __asm__ volatile("msr daifset, #3" ::: "memory")

#endif
