/* SPDX-License-Identifier: MIT */
#include "nsel1.h"

const uintptr_t tzt_console_base = TZT_UART0_BASE;
const char tzt_image_name[] = "nsel1";

static bool expect(const char *who, const char *what, u64 got, u64 want)
{
    if (got == want)
        return true;
    tzt_printf("%s: FAILED: %s returned 0x%lx, expected 0x%lx\n", who, what, got, want);
    return false;
}

bool nsel1_check_services(const char *who)
{
    u64 smccc = tzt_smc(SMCCC_VERSION, 0, 0, 0, 0).x0;
    u64 psci = tzt_smc(PSCI_VERSION, 0, 0, 0, 0).x0;
    tzt_printf("%s: SMCCC_VERSION 0x%lx, PSCI_VERSION 0x%lx\n", who, smccc, psci);
    bool ok = expect(who, "SMCCC_VERSION", smccc, SMCCC_VERSION_1_1);
    ok = ok && expect(who, "PSCI_VERSION", psci, PSCI_VERSION_1_1);
    ok = ok && expect(who, "PSCI_FEATURES(CPU_ON)",
                      tzt_smc(PSCI_FEATURES, PSCI_CPU_ON, 0, 0, 0).x0, PSCI_SUCCESS);
    ok = ok && expect(who, "PSCI_FEATURES(CPU_SUSPEND)",
                      tzt_smc(PSCI_FEATURES, PSCI_CPU_SUSPEND, 0, 0, 0).x0,
                      (u64)PSCI_NOT_SUPPORTED);
    ok = ok && expect(who, "unknown call 0xB2000FFF",
                      tzt_smc(TZT_FID_UNKNOWN, 1, 2, 3, 4).x0, (u64)SMCCC_NOT_SUPPORTED);
    ok = ok && expect(who, "forwarded unknown call 0xB20000FE",
                      tzt_smc(TZT_FID_CALL_BASE + 0xFE, 1, 2, 3, 4).x0, (u64)-1);
    return ok;
}

bool nsel1_add_round_trips(const char *who, unsigned n, u64 count_before)
{
    for (unsigned i = 0; i < n; i++) {
        u64 a = (u64)i * 7 + 1, b = (u64)i * 13 + 5;
        struct tzt_smc_res r = tzt_smc(TZT_FID_ADD, a, b, 0, 0);
        u64 count = count_before + i + 1;
        if (r.x0 != a + b || r.x1 != (a ^ b) || r.x2 != count || r.x3 != 0) {
            tzt_printf("%s: FAILED at i=%u: ADD(0x%lx, 0x%lx) returned x0=0x%lx x1=0x%lx "
                       "x2=0x%lx x3=0x%lx, expected 0x%lx 0x%lx 0x%lx 0x0\n",
                       who, i, a, b, r.x0, r.x1, r.x2, r.x3, a + b, a ^ b, count);
            return false;
        }
    }
    return true;
}

bool nsel1_echo_calls(const char *who, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        u64 v = 0x0123456789abcdefull * (i + 1);
        u64 a1 = v, a2 = ~v, a3 = v ^ 0x5555555555555555ull, a4 = (u64)i << 32 | 0xec40;
        struct tzt_smc_res r;
        u64 changed = tzt_smc_preserve_check(TZT_FID_ECHO, a1, a2, a3, a4, v >> 3, &r);
        if (r.x0 != a1 || r.x1 != a2 || r.x2 != a3 || r.x3 != a4 || changed) {
            tzt_printf("%s: FAILED at echo %u: returned x0=0x%lx x1=0x%lx x2=0x%lx x3=0x%lx, "
                       "expected 0x%lx 0x%lx 0x%lx 0x%lx; registers changed: 0x%lx\n",
                       who, i, r.x0, r.x1, r.x2, r.x3, a1, a2, a3, a4, changed);
            return false;
        }
    }
    return true;
}

void nsel1_system_off(const char *who)
{
    tzt_smc(PSCI_SYSTEM_OFF, 0, 0, 0, 0);
    tzt_printf("%s: FAILED: SYSTEM_OFF returned\n", who);
    for (;;)
        wfi();
}
