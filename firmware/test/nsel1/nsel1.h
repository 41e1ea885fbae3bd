/* SPDX-License-Identifier: MIT */
/* Checks shared by nsel1.elf and nsel1-smp.elf (nsel1_common.c). Each
 * returns true on success, or prints "<who>: FAILED ..." and returns false. */
#ifndef TZT_NSEL1_H
#define TZT_NSEL1_H

#include <stdbool.h>

#include "tzt.h"

TZT_NORETURN void nsel1_main(u64 arg);
TZT_NORETURN void nsel1_secondary_main(u64 context_id);
extern char secondary_entry[];

/* SMCCC_VERSION, PSCI_VERSION (printed), PSCI_FEATURES, and the two ways an
 * unknown call gets -1: from the monitor (0xB2000FFF, not forwarded) and
 * from S-EL1 (0xB20000FE, forwarded). */
bool nsel1_check_services(const char *who);

/* n ADD calls with a = i*7+1, b = i*13+5: x0 = a+b, x1 = a^b,
 * x2 = count_before + i + 1 (S-EL1 counts ADDs per core), x3 = 0. */
bool nsel1_add_round_trips(const char *who, unsigned n, u64 count_before);

/* n ECHO calls through tzt_smc_preserve_check: x0..x3 = the x1..x4 passed,
 * and x4..x17, x19..x30 preserved. */
bool nsel1_echo_calls(const char *who, unsigned n);

/* PSCI SYSTEM_OFF; parks the core if it returns. */
TZT_NORETURN void nsel1_system_off(const char *who);

#endif
