/* SPDX-License-Identifier: MIT */
/*
 * bench-mem: a memory-bound EL3 loop for measuring tzsim with the cache
 * model on (bench/bench_mips --cache). Turns the EL3 MMU and caches on
 * (el3_mmu.c: secure SRAM and DRAM Normal Write-Back, the rest Device),
 * then runs bench_mem_loop over a 16 KiB buffer in non-secure DRAM (one
 * load and one store per 7 instructions, mostly L1 hits with a miss per
 * line first), prints "bench: done x=<acc>" and powers the system off.
 */
#include "tzt.h"

#define BENCH_ITERATIONS 20000000ull
#define BENCH_SEED       0x243f6a8885a308d3ull
#define BENCH_BUF        0x40100000ul   /* non-secure DRAM, 16 KiB */

const uintptr_t tzt_console_base = TZT_UART1_BASE;
const char tzt_image_name[] = "bench-mem";

u64 bench_mem_loop(u64 iterations, u64 *buf, u64 seed);
int main(void);

void el3_mmu_on(void);  /* el3_mmu.c */

int main(void)
{
    tzt_puts("bench: start\n");
    el3_mmu_on();
    u64 x = bench_mem_loop(BENCH_ITERATIONS, (u64 *)BENCH_BUF, BENCH_SEED);
    tzt_printf("bench: done x=0x%016lx\n", x);
    tzt_powerctl_system(TZT_PWR_SYSTEM_OFF);
}
