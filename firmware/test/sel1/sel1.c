/* SPDX-License-Identifier: MIT */
/*
 * sel1 — the S-EL1 test payload. Boots on core 0, says so on the secure UART
 * and hands its call entry to the monitor (ENTRY_DONE). Each forwarded call
 * then runs sel1_call() on a fresh stack and ends with CALL_DONE:
 *   ADD  (0xB2000001) x1=a, x2=b -> x1=a+b, x2=a^b, x3=ADD calls served on
 *                     this core so far (this one included), x4=0
 *   ECHO (0xB2000002) -> x1..x4 unchanged
 *   other            -> x1=-1, x2..x4=0
 * The monitor hands x1..x4 to the normal-world caller as x0..x3.
 * ENTRY_DONE also gives the monitor sel1_irq_entry (x2), where it sends the
 * interrupt-flow calls and the secure interrupts of the normal world once
 * the flows are on (sel1_irq.c).
 */
#include "tzt.h"

const uintptr_t tzt_console_base = TZT_UART1_BASE;
const char tzt_image_name[] = "sel1";

u8 sel1_stacks[TZT_MAX_CORES][TZT_STACK_SIZE] __attribute__((aligned(16)));

/* ADD calls served, per core (each core only touches its own). */
static u64 add_count[TZT_MAX_CORES];

extern char sel1_call_entry[];
extern char sel1_irq_entry[];  /* sel1_irq.c: the interrupt flows */

TZT_NORETURN void sel1_main(void);
TZT_NORETURN void sel1_call(u64 fid, u64 a1, u64 a2, u64 a3, u64 a4);

void sel1_main(void)
{
    tzt_puts("sel1: up\n");
    struct tzt_smc_res r = tzt_smc(TZT_FID_ENTRY_DONE, (u64)(uintptr_t)sel1_call_entry,
                                   (u64)(uintptr_t)sel1_irq_entry, 0, 0);
    tzt_printf("sel1: ENTRY_DONE returned x0=0x%lx\n", r.x0);
    tzt_el1_panic("ENTRY_DONE returned");
}

static TZT_NORETURN void call_done(u64 r1, u64 r2, u64 r3, u64 r4)
{
    struct tzt_smc_res r = tzt_smc(TZT_FID_CALL_DONE, r1, r2, r3, r4);
    tzt_printf("sel1: CALL_DONE returned x0=0x%lx\n", r.x0);
    tzt_el1_panic("CALL_DONE returned");
}

void sel1_call(u64 fid, u64 a1, u64 a2, u64 a3, u64 a4)
{
    unsigned core = tzt_core_index();
    switch ((u32)fid) {
    case TZT_FID_ADD:
        add_count[core]++;
        call_done(a1 + a2, a1 ^ a2, add_count[core], 0);
    case TZT_FID_ECHO:
        call_done(a1, a2, a3, a4);
    default:
        call_done((u64)-1, 0, 0, 0);
    }
}
