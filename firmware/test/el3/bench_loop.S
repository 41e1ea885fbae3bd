/* SPDX-License-Identifier: MIT */
/*
 * u64 bench_loop(u64 iterations, u64 buf[16], u64 seed);
 *
 * The measured loop of bench-loop.elf: per iteration one load and one store
 * to buf (Device memory with the MMU off) and seven ALU/branch instructions,
 * 9 instructions in all. Returns the accumulator. iterations == 0 returns
 * seed.
 */
    .section .text.bench_loop, "ax"
    .global bench_loop
    .type bench_loop, %function
    .balign 16
bench_loop:
    mov     x4, x2                  /* acc = seed */
    cbz     x0, 2f
    mov     x3, #0                  /* buffer index */
1:  ldr     x5, [x1, x3, lsl #3]
    add     x4, x4, x5
    eor     x4, x4, x4, lsr #7
    add     x4, x4, x0
    str     x4, [x1, x3, lsl #3]
    add     x3, x3, #1
    and     x3, x3, #15
    subs    x0, x0, #1
    b.ne    1b
2:  mov     x0, x4
    ret
    .size bench_loop, . - bench_loop
