/* SPDX-License-Identifier: MIT */
/*
 * EL1 exception vectors for the test payloads (sel1, nsel1): none of them
 * expects an exception, so every entry saves x0..x30 on SP_EL1 and calls
 * tzt_el1_exception(vector index, regs), which reports and powers off.
 * Vector layout: Arm ARM D1.10.2 (VBAR_EL1 + 0x000 .. 0x780, 0x80 apart).
 */
#define REGS_SIZE 256  /* x0..x30 + pad, keeps SP 16-byte aligned */

    .macro vent id
    .balign 0x80
    sub     sp, sp, #REGS_SIZE
    stp     x0, x1, [sp]
    mov     x0, #\id
    b       el1_vector_common
    .endm

    .section .text.tzt_el1_vectors, "ax"
    .global tzt_el1_vectors
    .balign 0x800
tzt_el1_vectors:
    vent 0      /* current EL, SP_EL0: sync */
    vent 1      /*                     IRQ */
    vent 2      /*                     FIQ */
    vent 3      /*                     SError */
    vent 4      /* current EL, SP_ELx: sync */
    vent 5
    vent 6
    vent 7
    vent 8      /* lower EL, AArch64: sync */
    vent 9
    vent 10
    vent 11
    vent 12     /* lower EL, AArch32: sync */
    vent 13
    vent 14
    vent 15

el1_vector_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    mov     x1, sp
    bl      tzt_el1_exception
1:  wfi
    b       1b
