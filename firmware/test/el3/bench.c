/* SPDX-License-Identifier: MIT */
/*
 * bench-loop: a compute-bound EL3 loop for measuring tzsim's speed.
 * 100,000,000 iterations of bench_loop (9 instructions each, one load and
 * one store to a 16-entry buffer in secure SRAM), then "bench: done x=<acc>"
 * and system off through the power controller.
 */
#include "tzt.h"

#define BENCH_ITERATIONS 100000000ull
#define BENCH_SEED       0x243f6a8885a308d3ull

const uintptr_t tzt_console_base = TZT_UART1_BASE;
const char tzt_image_name[] = "bench";

u64 bench_loop(u64 iterations, u64 *buf, u64 seed);
int main(void);

static u64 bench_buf[16] __attribute__((aligned(64)));

int main(void)
{
    tzt_puts("bench: start\n");
    u64 x = bench_loop(BENCH_ITERATIONS, bench_buf, BENCH_SEED);
    tzt_printf("bench: done x=0x%016lx\n", x);
    tzt_powerctl_system(TZT_PWR_SYSTEM_OFF);
}
