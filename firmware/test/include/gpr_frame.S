/* SPDX-License-Identifier: MIT */
/*
 * The general-register part of every exception frame in the guest firmware
 * (EL3 monitors, S-EL1 payloads, normal-world payloads): x0..x30 at offsets
 * 0..240 from SP. x0 and x1 are handled by the callers, which need them as
 * scratch registers.
 */
#ifndef TZT_GPR_FRAME_S
#define TZT_GPR_FRAME_S

    .macro gpr_save_x2_x30
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
    .endm

    .macro gpr_restore_x2_x30
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    .endm

/* One 0x80-byte vector table slot for an exception nobody expects: opens a
 * frame of `size` bytes, saves x0 and x1 in it and branches to `handler`
 * with x0 = `id` (the slot's number), which saves the rest and reports. */
    .macro vector_panic_slot id, size, handler
    .balign 0x80
    sub     sp, sp, #\size
    stp     x0, x1, [sp]
    mov     x0, #\id
    b       \handler
    .endm

#endif
