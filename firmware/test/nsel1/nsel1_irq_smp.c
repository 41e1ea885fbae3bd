/* SPDX-License-Identifier: MIT */
/*
 * nsel1-irq-smp — flow 4, interrupts between cores. Core 0 switches the
 * interrupt flows on, routes the normal world's SPI 26 (INTID 58) to core 1
 * and starts core 1 (PSCI CPU_ON), which switches them on for itself and
 * waits in WFI with IRQs unmasked. Then core 0, each step announced on the
 * console and waiting for core 1 to have handled it:
 *
 *   "nsel1-irq: flow 4: SGI 1 to core 1"        a Non-secure SGI (GICD_SGIR /
 *                                                ICC_SGI1R_EL1) -> IRQ on core 1
 *   "nsel1-irq: flow 4: SPI 26 ... to core 1"    the scenario raises SPI 26 on
 *                                                this line -> IRQ on core 1
 *   "nsel1-irq: flow 4: secure SGI 8 ..."         S-EL1 on core 0 sends secure
 *                                                SGI 8 (SEND_SGI) -> FIQ to EL3
 *                                                on core 1 -> S-EL1 on core 1
 *
 * then SGI 2 tells core 1 to finish (CPU_OFF), and "nsel1-irq: smp flows ok".
 * The cores never print at the same time: core 0 is silent while it waits.
 * Waits are bounded; failures print "FAILED".
 */
#include "nsel1_irq.h"

#define CONTEXT_ID      0x1234
#define SECONDARY       1
#define WAIT_LIMIT      20000000u   /* polls of core 1's IRQ log */
#define STATS_LIMIT     100000u     /* IRQ_STATS calls */

enum { CORE1_BOOTING = 0, CORE1_READY = 1, CORE1_FAILED = 2 };
static u32 core1_state;

/* Until core 1 has handled `count` interrupts in all. */
static void wait_core1(u32 count, const char *what)
{
    for (unsigned i = 0; READ_ONCE(ns_irq_log[SECONDARY].count) < count; i++)
        if (i == WAIT_LIMIT)
            ns_fail(what);
    dmb();
}

void nsel1_main(u64 arg)
{
    tzt_puts("nsel1-irq: up\n");
    unsigned ver = ns_irq_setup();
    if (!ver)
        ns_fail("interrupt set-up");
    tzt_printf("nsel1-irq: GICv%u, interrupt flows on\n", ver);
    ns_spi_config(TZT_IRQ_NS_CORE1, true, SECONDARY);

    WRITE_ONCE(core1_state, (u32)CORE1_BOOTING);
    dsb();
    tzt_puts("nsel1-irq: starting core 1\n");
    struct tzt_smc_res r =
        tzt_smc(PSCI_CPU_ON, SECONDARY, (u64)(uintptr_t)secondary_entry, CONTEXT_ID, 0);
    if (r.x0 != PSCI_SUCCESS)
        ns_fail("CPU_ON(core 1)");
    u32 st;
    for (unsigned i = 0; (st = READ_ONCE(core1_state)) == CORE1_BOOTING; i++)
        if (i == WAIT_LIMIT)
            ns_fail("timed out waiting for core 1");
    if (st != CORE1_READY)
        ns_fail("core 1 could not switch the interrupt flows on");

    tzt_printf("nsel1-irq: flow 4: SGI %u to core 1\n", TZT_SGI_NS);
    ns_send_sgi(SECONDARY, TZT_SGI_NS);
    wait_core1(1, "timed out waiting for core 1 to take the SGI");

    tzt_printf("nsel1-irq: flow 4: SPI %u (INTID %u) routed to core 1\n", TZT_IRQ_NS_CORE1 - 32,
               TZT_IRQ_NS_CORE1);
    wait_core1(2, "timed out waiting for core 1 to take the SPI");

    u64 sec_before = tzt_smc(TZT_FID_IRQ_STATS, SECONDARY, 0, 0, 0).x0;
    tzt_printf("nsel1-irq: flow 4: secure SGI %u from S-EL1 on core 0 to core 1\n", TZT_SGI_SEC);
    if (tzt_smc(TZT_FID_SEND_SGI, SECONDARY, TZT_SGI_SEC, 0, 0).x0 != 0)
        ns_fail("SEND_SGI");
    for (unsigned i = 0; tzt_smc(TZT_FID_IRQ_STATS, SECONDARY, 0, 0, 0).x0 == sec_before; i++)
        if (i == STATS_LIMIT)
            ns_fail("timed out waiting for S-EL1 on core 1 to take the secure SGI");

    ns_send_sgi(SECONDARY, TZT_SGI_NS_STOP);
    for (unsigned i = 0; tzt_smc(PSCI_AFFINITY_INFO, SECONDARY, 0, 0, 0).x0 != PSCI_AFF_OFF; i++)
        if (i == STATS_LIMIT)
            ns_fail("timed out waiting for AFFINITY_INFO(core 1) == OFF");
    if (READ_ONCE(ns_irq_log[SECONDARY].count) != 3 || READ_ONCE(ns_irq_log[0].count) != 0)
        ns_fail("unexpected IRQ counts");
    tzt_puts("nsel1-irq: smp flows ok\n");
    tzt_smc(PSCI_SYSTEM_OFF, 0, 0, 0, 0);
    ns_fail("SYSTEM_OFF returned");
}

void nsel1_secondary_main(u64 context_id)
{
    tzt_printf("%s: up ctx=0x%lx\n", ns_who(), context_id);
    if (context_id != CONTEXT_ID || tzt_core_index() != SECONDARY || !ns_irq_setup()) {
        WRITE_ONCE(core1_state, (u32)CORE1_FAILED);
        dsb();
        for (;;)
            wfi();
    }
    dsb();
    WRITE_ONCE(core1_state, (u32)CORE1_READY);
    dsb();
    irq_unmask();
    while (!READ_ONCE(ns_irq_log[SECONDARY].stop))
        wfi();
    irq_mask();
    tzt_printf("%s: %u IRQ(s) handled, off\n", ns_who(), READ_ONCE(ns_irq_log[SECONDARY].count));
    tzt_smc(PSCI_CPU_OFF, 0, 0, 0, 0);
    ns_fail("CPU_OFF returned");
}
