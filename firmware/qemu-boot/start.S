/* SPDX-License-Identifier: MIT */
/*
 * qemu-boot: the boot stub of the QEMU differential check
 * (tests/differential/run_qemu.sh, docs/differential.md).
 *
 * QEMU's `virt` machine with secure=on starts core 0 at EL3, MMU off, at
 * address 0 of the secure flash. Its `-device loader` cannot write secure
 * memory, so everything tzsim loads directly into RAM (the reference
 * monitor, OP-TEE, the normal-world payload, the boot handoff) is put into
 * the flash image instead, and this stub, at offset 0 of the flash, copies
 * it into place and jumps to the monitor -- the state tzsim's loader leaves
 * behind at reset.
 *
 * The copy table is at flash offset QB_TABLE (written by run_qemu.sh):
 *
 *   0x00 u32 magic   0x42515a54 ("TZQB" read as a little-endian u32)
 *   0x04 u32 count   number of copy entries
 *   0x08 u64 entry   where to jump when done (the monitor's _start)
 *   0x10 entries, 24 bytes each:
 *        u64 dst     RAM address (8-byte aligned)
 *        u64 src     flash offset (8-byte aligned)
 *        u64 len     bytes, a multiple of 8
 *
 * Copies are done with 8-byte loads and stores: with the MMU off every
 * access is Device memory, which must be aligned. A bad table parks the
 * core in a WFI loop (no console: the stub prints nothing, so that QEMU's
 * console output is the firmware's alone). The monitor is entered with
 * x0..x3 = 0 and nothing else set up, as tzsim enters it.
 */
#define QB_MAGIC  0x42515a54
#define QB_TABLE  0x1000

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    mov     x9, #QB_TABLE
    ldr     w10, [x9]
    movz    w11, #(QB_MAGIC & 0xffff)
    movk    w11, #(QB_MAGIC >> 16), lsl #16
    cmp     w10, w11
    b.ne    park
    ldr     w12, [x9, #4]          /* count */
    ldr     x13, [x9, #8]          /* entry */
    add     x14, x9, #16           /* first entry */
next:
    cbz     w12, done
    ldp     x1, x2, [x14]          /* dst, src */
    ldr     x3, [x14, #16]         /* len */
    orr     x4, x1, x2
    orr     x4, x4, x3
    tst     x4, #7
    b.ne    park
copy:
    cbz     x3, 1f
    ldr     x5, [x2], #8
    str     x5, [x1], #8
    sub     x3, x3, #8
    b       copy
1:  add     x14, x14, #24
    sub     w12, w12, #1
    b       next
done:
    dsb     sy
    ic      iallu
    dsb     sy
    isb
    mov     x0, xzr
    mov     x1, xzr
    mov     x2, xzr
    mov     x3, xzr
    br      x13
park:
    wfi
    b       park
    .size _start, . - _start
