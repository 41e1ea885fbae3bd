/* SPDX-License-Identifier: MIT */
/*
 * Start-up code every guest image shares. No image has initialised writable
 * data (firmware/README.md): each zeroes its .bss at cold entry.
 */
#ifndef TZT_BOOT_S
#define TZT_BOOT_S

/* Zeroes [__bss_start, __bss_end) (8-byte aligned by the linker script).
 * Clobbers x1 and x2. */
    .macro zero_bss
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
97: cmp     x1, x2
    b.hs    98f
    str     xzr, [x1], #8
    b       97b
98:
    .endm

#endif
