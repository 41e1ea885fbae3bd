/* SPDX-License-Identifier: MIT */
/*
 * u64 bench_mem_loop(u64 iterations, u64 *buf, u64 seed);
 *
 * The measured loop of bench-mem.elf: per iteration one load and one store
 * walking a 16 KiB buffer and five ALU/branch instructions, 7 in all.
 */
    .section .text.bench_mem_loop, "ax"
    .global bench_mem_loop
    .type bench_mem_loop, %function
    .balign 16
bench_mem_loop:
    mov     x4, x2
    cbz     x0, 2f
    mov     x3, #0
1:  ldr     x5, [x1, x3]
    add     x4, x4, x5
    str     x4, [x1, x3]
    add     x3, x3, #8
    and     x3, x3, #0x3ff8
    subs    x0, x0, #1
    b.ne    1b
2:  mov     x0, x4
    ret
    .size bench_mem_loop, . - bench_mem_loop
