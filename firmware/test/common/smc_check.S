/* SPDX-License-Identifier: MIT */
/*
 * u64 tzt_smc_preserve_check(u64 fid, u64 a1, u64 a2, u64 a3, u64 a4,
 *                            u64 seed, struct tzt_smc_res *res);
 *
 * SMCCC 1.1: the callee preserves x4-x17 (unless they carry results; none of
 * the tzt calls returns results beyond x3) and x18-x30. This loads x5..x17 and
 * x19..x28 with seed + k*K (K = 0x9e3779b97f4a7c15), x29 with SP and x30
 * with K, issues SMC #0, stores x0..x3 to *res and returns the mask of
 * registers (bit n = xn) whose value changed. x18 (platform register) is left
 * alone.
 */
/* Frame: 0 x29,x30 | 16 x19..x28 | 96 res, seed | 112 a4, pad |
 *        128 x0, x1 | 144 x2, x3 (results after the SMC) */
#define FRAME 160

    .section .text.tzt_smc_preserve_check, "ax"
    .global tzt_smc_preserve_check
    .type tzt_smc_preserve_check, %function
    .balign 4
tzt_smc_preserve_check:
    stp     x29, x30, [sp, #-FRAME]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    stp     x6, x5, [sp, #96]
    str     x4, [sp, #112]
    mov     x29, sp

    movz    x30, #0x7c15
    movk    x30, #0x7f4a, lsl #16
    movk    x30, #0x79b9, lsl #32
    movk    x30, #0x9e37, lsl #48
    add     x6, x5, x30
    add     x7, x6, x30
    add     x8, x7, x30
    add     x9, x8, x30
    add     x10, x9, x30
    add     x11, x10, x30
    add     x12, x11, x30
    add     x13, x12, x30
    add     x14, x13, x30
    add     x15, x14, x30
    add     x16, x15, x30
    add     x17, x16, x30
    add     x19, x17, x30
    add     x20, x19, x30
    add     x21, x20, x30
    add     x22, x21, x30
    add     x23, x22, x30
    add     x24, x23, x30
    add     x25, x24, x30
    add     x26, x25, x30
    add     x27, x26, x30
    add     x28, x27, x30

    smc     #0

    /* sp is preserved by the callee (SP_EL1 is part of the saved context);
     * if it was not, the loads below read garbage and the x29 check fails. */
    stp     x0, x1, [sp, #128]
    stp     x2, x3, [sp, #144]
    mov     x0, #0                  /* mask */
    ldr     x1, [sp, #112]          /* a4: expected x4 */
    cmp     x4, x1
    cset    x3, ne
    orr     x0, x0, x3, lsl #4
    movz    x2, #0x7c15
    movk    x2, #0x7f4a, lsl #16
    movk    x2, #0x79b9, lsl #32
    movk    x2, #0x9e37, lsl #48
    ldr     x1, [sp, #104]          /* seed: expected x5 */
    .irp n, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
    cmp     x\n, x1
    cset    x3, ne
    orr     x0, x0, x3, lsl #\n
    add     x1, x1, x2
    .endr
    .irp n, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28
    cmp     x\n, x1
    cset    x3, ne
    orr     x0, x0, x3, lsl #\n
    add     x1, x1, x2
    .endr
    mov     x1, sp
    cmp     x29, x1
    cset    x3, ne
    orr     x0, x0, x3, lsl #29
    cmp     x30, x2
    cset    x3, ne
    orr     x0, x0, x3, lsl #30

    ldr     x1, [sp, #96]           /* res */
    ldp     x2, x3, [sp, #128]
    stp     x2, x3, [x1]
    ldp     x2, x3, [sp, #144]
    stp     x2, x3, [x1, #16]
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #FRAME
    ret
    .size tzt_smc_preserve_check, . - tzt_smc_preserve_check
