/* SPDX-License-Identifier: MIT */
/*
 * cache-nwd entry, EL1 vectors and the two word accessors of case 5.
 *
 * _start  entered by the monitor as BL33 at NS-EL1h, core 0 only, MMU and
 *         caches off, DAIF masked, x0 = the handoff's bl33_x0 (unused):
 *         zero .bss, VBAR_EL1, SP = top of the stack, cache_nwd_main(x0).
 *         .bss is zeroed with the MMU off, so with Device stores that reach
 *         memory (cache_nwd.c invalidates the image's lines before it turns
 *         the caches on).
 *
 * Vectors (Arm ARM D1.10.2): a synchronous exception at EL1h goes to
 * cache_nwd_sync(frame), which either resumes after the faulting
 * instruction (an external abort case 5 expects: a TZASC configured to
 * abort) or reports and powers off; every other vector reports
 * (tzt_el1_exception) and powers off.
 */
#include "gpr_frame.S"
#include "boot.S"

#define CNWD_STACK_SIZE 16384
#define FRAME_SIZE      256     /* x0..x30 and padding: SP stays 16-byte aligned */

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    mov     x19, x0
    zero_bss
    adrp    x9, cnwd_vectors
    add     x9, x9, :lo12:cnwd_vectors
    msr     vbar_el1, x9
    isb
    adrp    x9, cnwd_stack
    add     x9, x9, :lo12:cnwd_stack
    add     x9, x9, #CNWD_STACK_SIZE
    mov     sp, x9
    mov     x0, x19
    bl      cache_nwd_main
park:
    msr     daifset, #0xf
1:  wfi
    b       1b
    .size _start, . - _start

/* ---- case 5: one 32-bit load or store, each the only memory access of a
 * function of its own, so that a TZASC finding names it. A load that takes
 * an external abort (skipped by cache_nwd_sync) returns 0xffffffff. ---- */

    .section .text.nw_read_word, "ax"
    .global nw_read_word
    .type nw_read_word, %function
nw_read_word:                   /* u32 nw_read_word(uintptr_t pa) */
    mov     x1, x0
    mov     w0, #-1
    ldr     w0, [x1]
    ret
    .size nw_read_word, . - nw_read_word

    .section .text.nw_write_word, "ax"
    .global nw_write_word
    .type nw_write_word, %function
nw_write_word:                  /* void nw_write_word(uintptr_t pa, u32 v) */
    str     w1, [x0]
    ret
    .size nw_write_word, . - nw_write_word

/* ---- vectors ---------------------------------------------------------------- */

    .macro vpanic id
    vector_panic_slot \id, FRAME_SIZE, vector_panic
    .endm

    .section .text.cnwd_vectors, "ax"
    .balign 0x800
cnwd_vectors:
    vpanic  0       /* current EL, SP_EL0 */
    vpanic  1
    vpanic  2
    vpanic  3
    .balign 0x80    /* 0x200: current EL, SP_EL1: sync */
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp]
    b       sync_entry
    vpanic  5       /* IRQ: never unmasked */
    vpanic  6
    vpanic  7
    vpanic  8       /* lower EL, AArch64 */
    vpanic  9
    vpanic  10
    vpanic  11
    vpanic  12      /* lower EL, AArch32 */
    vpanic  13
    vpanic  14
    vpanic  15

vector_panic:
    gpr_save_x2_x30
    mov     x1, sp
    bl      tzt_el1_exception
    b       park

/* cache_nwd_sync(frame) returns only when it has moved ELR_EL1 past the
 * faulting instruction; the registers are restored from the frame (x0 of
 * a skipped load keeps its value from before). */
sync_entry:
    gpr_save_x2_x30
    mov     x0, sp
    bl      cache_nwd_sync
    gpr_restore_x2_x30
    ldp     x0, x1, [sp]
    add     sp, sp, #FRAME_SIZE
    eret

    .bss
    .balign 16
cnwd_stack:
    .space  CNWD_STACK_SIZE
