/* SPDX-License-Identifier: MIT */
/*
 * nsel1-storm — the SMC storm: every core of the machine makes thousands of
 * fast calls at once. Core 0 checks the monitor's services, turns cores
 * 1..STORM_CORES-1 on with PSCI CPU_ON, and every core (core 0 included)
 * makes STORM_CALLS ADD round trips (results checked: x0 = a+b, x1 = a^b,
 * x2 = the core's own S-EL1 call count) and 10 ECHO calls with register
 * preservation checks. Secondaries report through a flag each and call
 * CPU_OFF; core 0 waits for every flag and for AFFINITY_INFO == OFF, prints
 * "nsel1: storm ok (N cores x M calls)" and powers off.
 */
#include "nsel1.h"

#define STORM_CORES 4
#define STORM_CALLS 2000
#define FLAG_WAIT_LIMIT 400000000u
#define OFF_WAIT_LIMIT  1000000u

enum { CORE_RUNNING = 0, CORE_OK = 1, CORE_FAILED = 2 };

static u32 core_state[STORM_CORES];

static TZT_NORETURN void fail(const char *msg, unsigned core)
{
    tzt_printf("nsel1: FAILED: %s (core %u)\n", msg, core);
    nsel1_system_off("nsel1");
}

void nsel1_main(u64 arg)
{
    tzt_puts("nsel1: up\n");
    if (!nsel1_check_services("nsel1"))
        nsel1_system_off("nsel1");
    for (unsigned c = 1; c < STORM_CORES; c++) {
        WRITE_ONCE(core_state[c], (u32)CORE_RUNNING);
        dsb();
        struct tzt_smc_res r = tzt_smc(PSCI_CPU_ON, c, (u64)(uintptr_t)secondary_entry, c, 0);
        if (r.x0 != PSCI_SUCCESS)
            fail("CPU_ON failed", c);
    }
    if (!nsel1_add_round_trips("nsel1[0]", STORM_CALLS, 0) || !nsel1_echo_calls("nsel1[0]", 10))
        nsel1_system_off("nsel1");
    for (unsigned c = 1; c < STORM_CORES; c++) {
        u32 st;
        unsigned polls = 0;
        while ((st = READ_ONCE(core_state[c])) == CORE_RUNNING)
            if (++polls == FLAG_WAIT_LIMIT)
                fail("timed out waiting", c);
        dmb();
        if (st != CORE_OK)
            fail("core reported a failure", c);
        for (polls = 0; tzt_smc(PSCI_AFFINITY_INFO, c, 0, 0, 0).x0 != PSCI_AFF_OFF;)
            if (++polls == OFF_WAIT_LIMIT)
                fail("timed out waiting for AFFINITY_INFO == OFF", c);
    }
    tzt_printf("nsel1: storm ok (%u cores x %u calls)\n", STORM_CORES, STORM_CALLS);
    nsel1_system_off("nsel1");
}

void nsel1_secondary_main(u64 context_id)
{
    unsigned core = tzt_core_index();
    char who[] = "nsel1[?]";
    who[6] = (char)('0' + core % 10);
    bool ok = core < STORM_CORES && context_id == core &&
              nsel1_add_round_trips(who, STORM_CALLS, 0) && nsel1_echo_calls(who, 10);
    dsb();
    if (core < STORM_CORES)
        WRITE_ONCE(core_state[core], ok ? (u32)CORE_OK : (u32)CORE_FAILED);
    dsb();
    tzt_smc(PSCI_CPU_OFF, 0, 0, 0, 0);
    for (;;)
        wfi();
}
