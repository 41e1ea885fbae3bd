/* SPDX-License-Identifier: MIT */
/*
 * nsel1-irq / nsel1-irq-smp: assembler parts.
 *
 * u64 nsel1_busy(u64 n, u64 seed): n rounds (n >= 1) of a mix over 26
 * registers (x2..x17, x19..x28), folded into the result. Every register is
 * live through the whole loop, so a world switch or an interrupt that
 * failed to restore any of them (or the flags the loop branch tests)
 * changes the checksum. About 30 instructions per round.
 */
    .section .text.nsel1_busy, "ax"
    .global nsel1_busy
    .type nsel1_busy, %function
nsel1_busy:
    stp     x29, x30, [sp, #-96]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    mov     x2, x1
    .irp n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
    add     x\n, x1, #\n * 0x91
    .endr
    .irp n, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28
    add     x\n, x1, #\n * 0x91
    .endr
1:  eor     x2, x2, x3, ror #7
    add     x3, x3, x4
    eor     x4, x4, x5, ror #13
    add     x5, x5, x6
    eor     x6, x6, x7, ror #19
    add     x7, x7, x8
    eor     x8, x8, x9, ror #23
    add     x9, x9, x10
    eor     x10, x10, x11, ror #29
    add     x11, x11, x12
    eor     x12, x12, x13, ror #31
    add     x13, x13, x14
    eor     x14, x14, x15, ror #37
    add     x15, x15, x16
    eor     x16, x16, x17, ror #41
    add     x17, x17, x19
    eor     x19, x19, x20, ror #43
    add     x20, x20, x21
    eor     x21, x21, x22, ror #47
    add     x22, x22, x23
    eor     x23, x23, x24, ror #53
    add     x24, x24, x25
    eor     x25, x25, x26, ror #59
    add     x26, x26, x27
    eor     x27, x27, x28, ror #61
    add     x28, x28, x2
    subs    x0, x0, #1
    b.ne    1b
    mov     x0, x2
    .irp n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
    eor     x0, x0, x\n, ror #\n
    .endr
    .irp n, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28
    eor     x0, x0, x\n, ror #\n
    .endr
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #96
    ret
    .size nsel1_busy, . - nsel1_busy

/* The ERET of common/el1_irq.S (returns from IRQ handlers), under a name of
 * this image for scenarios' PC triggers. */
    .section .text.nsel1_irq_eret, "ax"
    .global tzt_el1_eret
    .global nsel1_irq_eret
    .type tzt_el1_eret, %function
    .type nsel1_irq_eret, %function
tzt_el1_eret:
nsel1_irq_eret:
    eret
    .size tzt_el1_eret, . - tzt_el1_eret
    .size nsel1_irq_eret, . - nsel1_irq_eret
