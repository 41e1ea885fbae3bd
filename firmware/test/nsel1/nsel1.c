/* SPDX-License-Identifier: MIT */
/*
 * nsel1 — normal-world EL1 test payload (single core): checks the monitor's
 * own services, then 1000 ADD round trips and 10 ECHO calls through S-EL1,
 * and powers the system off. Success ends with "nsel1: 1000 round trips ok".
 */
#include "nsel1.h"

void nsel1_main(u64 arg)
{
    tzt_puts("nsel1: up\n");
    if (nsel1_check_services("nsel1") && nsel1_add_round_trips("nsel1", 1000, 0) &&
        nsel1_echo_calls("nsel1", 10))
        tzt_puts("nsel1: 1000 round trips ok\n");
    nsel1_system_off("nsel1");
}

void nsel1_secondary_main(u64 context_id)
{
    tzt_el1_panic("secondary entry reached in the single-core payload");
}
