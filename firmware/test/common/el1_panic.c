/* SPDX-License-Identifier: MIT */
/*
 * Failure reporting for the EL1 payloads: print "<image>: PANIC ..." on the
 * image's console, then ask the monitor to power the system off (PSCI
 * SYSTEM_OFF, served to both worlds). If that returns, park the core.
 */
#include "tzt.h"

TZT_NORETURN void tzt_el1_exception(unsigned id, const u64 *regs);

static const char *const vector_names[16] = {
    "sync from EL1t", "IRQ from EL1t", "FIQ from EL1t", "SError from EL1t",
    "sync from EL1h", "IRQ from EL1h", "FIQ from EL1h", "SError from EL1h",
    "sync from EL0 (AArch64)", "IRQ from EL0 (AArch64)", "FIQ from EL0 (AArch64)",
    "SError from EL0 (AArch64)",
    "sync from EL0 (AArch32)", "IRQ from EL0 (AArch32)", "FIQ from EL0 (AArch32)",
    "SError from EL0 (AArch32)",
};

static TZT_NORETURN void power_off(void)
{
    tzt_smc(PSCI_SYSTEM_OFF, 0, 0, 0, 0);
    for (;;)
        wfi();
}

void tzt_el1_panic(const char *why)
{
    tzt_printf("%s: PANIC %s (core %u)\n", tzt_image_name, why, tzt_core_index());
    power_off();
}

void tzt_el1_exception(unsigned id, const u64 *regs)
{
    tzt_printf("%s: PANIC unexpected exception: %s on core %u\n", tzt_image_name,
               vector_names[id & 15], tzt_core_index());
    tzt_printf("  ESR_EL1=0x%lx ELR_EL1=0x%lx FAR_EL1=0x%lx SPSR_EL1=0x%lx\n",
               read_sysreg(esr_el1), read_sysreg(elr_el1), read_sysreg(far_el1),
               read_sysreg(spsr_el1));
    for (int i = 0; i < 31; i++)
        tzt_printf("  x%d=0x%016lx%s", i, regs[i], (i % 4 == 3 || i == 30) ? "\n" : "");
    power_off();
}
