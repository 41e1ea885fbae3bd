/* SPDX-License-Identifier: MIT */
/*
 * nsel1-smp — normal-world EL1 payload on two cores. Core 0 checks the
 * monitor's services, turns core 1 on with PSCI CPU_ON (entry
 * secondary_entry, context id 0x1234), does 200 ADD round trips, waits for
 * core 1's flag and for AFFINITY_INFO(core 1) == OFF, prints "nsel1: smp ok"
 * and powers off. Core 1 does 100 round trips (its own S-EL1 ADD count),
 * sets the flag and calls CPU_OFF.
 *
 * The two cores never print at the same time: core 0 is silent (unless it
 * fails) from CPU_ON until core 1 has set its flag.
 */
#include "nsel1.h"

#define CONTEXT_ID      0x1234
#define SECONDARY       1
#define FLAG_WAIT_LIMIT 100000000u  /* polls of core1_state */
#define OFF_WAIT_LIMIT  1000000u    /* AFFINITY_INFO calls */

enum { CORE1_RUNNING = 0, CORE1_OK = 1, CORE1_FAILED = 2 };

/* Written by core 1, read by core 0 (normal memory, MMU off: Device). */
static u32 core1_state;

static TZT_NORETURN void fail(const char *msg)
{
    tzt_printf("nsel1: FAILED: %s\n", msg);
    nsel1_system_off("nsel1");
}

void nsel1_main(u64 arg)
{
    tzt_puts("nsel1: up\n");
    if (!nsel1_check_services("nsel1"))
        nsel1_system_off("nsel1");

    struct tzt_smc_res r = tzt_smc(PSCI_AFFINITY_INFO, SECONDARY, 0, 0, 0);
    if (r.x0 != PSCI_AFF_OFF) {
        tzt_printf("nsel1: FAILED: AFFINITY_INFO(core 1) before CPU_ON returned 0x%lx\n", r.x0);
        nsel1_system_off("nsel1");
    }
    WRITE_ONCE(core1_state, (u32)CORE1_RUNNING);
    dsb();
    tzt_puts("nsel1: starting core 1\n");
    r = tzt_smc(PSCI_CPU_ON, SECONDARY, (u64)(uintptr_t)secondary_entry, CONTEXT_ID, 0);
    if (r.x0 != PSCI_SUCCESS) {
        tzt_printf("nsel1: FAILED: CPU_ON(core 1) returned 0x%lx\n", r.x0);
        nsel1_system_off("nsel1");
    }
    /* A second CPU_ON must be refused: ON_PENDING or ALREADY_ON. */
    u64 again = tzt_smc(PSCI_CPU_ON, SECONDARY, (u64)(uintptr_t)secondary_entry, 0, 0).x0;
    if (again != (u64)PSCI_ON_PENDING && again != (u64)PSCI_ALREADY_ON) {
        tzt_printf("nsel1: FAILED: second CPU_ON(core 1) returned 0x%lx\n", again);
        nsel1_system_off("nsel1");
    }

    if (!nsel1_add_round_trips("nsel1", 200, 0))
        nsel1_system_off("nsel1");

    u32 st;
    unsigned polls = 0;
    while ((st = READ_ONCE(core1_state)) == CORE1_RUNNING) {
        if (++polls == FLAG_WAIT_LIMIT)
            fail("timed out waiting for core 1");
    }
    dmb();
    if (st != CORE1_OK)
        fail("core 1 reported a failure");
    for (polls = 0; tzt_smc(PSCI_AFFINITY_INFO, SECONDARY, 0, 0, 0).x0 != PSCI_AFF_OFF;) {
        if (++polls == OFF_WAIT_LIMIT)
            fail("timed out waiting for AFFINITY_INFO(core 1) == OFF");
    }
    tzt_puts("nsel1: smp ok\n");
    nsel1_system_off("nsel1");
}

void nsel1_secondary_main(u64 context_id)
{
    unsigned core = tzt_core_index();
    char who[] = "nsel1[?]";
    who[6] = (char)('0' + core % 10);

    tzt_printf("%s: up ctx=0x%lx\n", who, context_id);
    bool ok = context_id == CONTEXT_ID && core == SECONDARY;
    if (!ok)
        tzt_printf("%s: FAILED: expected core %u with ctx=0x%x\n", who, SECONDARY, CONTEXT_ID);
    ok = ok && nsel1_add_round_trips(who, 100, 0) && nsel1_echo_calls(who, 10);
    if (ok)
        tzt_printf("%s: 100 round trips ok\n", who);
    dsb();
    WRITE_ONCE(core1_state, ok ? (u32)CORE1_OK : (u32)CORE1_FAILED);
    dsb();
    tzt_smc(PSCI_CPU_OFF, 0, 0, 0, 0);
    tzt_printf("%s: FAILED: CPU_OFF returned\n", who);
    for (;;)
        wfi();
}
