/* SPDX-License-Identifier: MIT */
/*
 * nsel1-irq — the normal world of the single-core interrupt flows. After
 * TZT_FID_IRQ_SETUP it runs three phases, each announced by a console line
 * that scenarios anchor their injections to (scenarios/irq-*.lua):
 *
 *  flow 1  "nsel1-irq: flow 1: ..."  a register-heavy busy loop in the
 *          normal world while the secure timer (armed through SEC_TIMER)
 *          fires: secure interrupts are taken to EL3 and handled at S-EL1;
 *          the loop's checksum proves the normal world did not notice.
 *  flow 2  "nsel1-irq: flow 2: ..."  a yielding call (YIELD_LOOP) with the
 *          normal-world timer armed: each normal-world interrupt suspends
 *          the call (TZT_INTERRUPTED), is handled here, and the call is
 *          resumed (RESUME) until it completes.
 *  flow 3  "nsel1-irq: flow 3: ..."  a yielding call that arms the secure
 *          timer: the secure interrupt is handled at S-EL1 without leaving
 *          the secure world.
 *
 * Interrupts the scenario adds are counted in, never required: without
 * them each flow still has its timer interrupt. Success ends with
 * "nsel1-irq: all flows ok" and SYSTEM_OFF.
 */
#include "nsel1_irq.h"

#define BUSY_ROUNDS     10000u      /* ~300k instructions */
#define BUSY_SEED       0x5eed5eed5eedull
#define SEC_TIMER_1     8000u       /* counter ticks (62.5 MHz: 16 ns each) */
#define YIELD_N2        100000u     /* iterations of 2 instructions */
#define NS_TIMER_2      4000u
#define YIELD_N3        100000u
#define SEC_TIMER_3     5000u
#define MAX_RESUMES     64u

static bool flow1(void)
{
    u64 ref = nsel1_busy(BUSY_ROUNDS, BUSY_SEED);
    u64 before = tzt_smc(TZT_FID_IRQ_STATS, 0, 0, 0, 0).x0;
    tzt_smc(TZT_FID_SEC_TIMER, SEC_TIMER_1, 0, 0, 0);
    tzt_puts("nsel1-irq: flow 1: normal world busy, secure interrupts go to S-EL1\n");
    u64 got = nsel1_busy(BUSY_ROUNDS, BUSY_SEED);
    u64 taken = tzt_smc(TZT_FID_IRQ_STATS, 0, 0, 0, 0).x0 - before;
    if (got != ref) {
        tzt_printf("nsel1-irq: FAILED: flow 1 checksum 0x%lx, expected 0x%lx\n", got, ref);
        return false;
    }
    if (taken < 1) {
        tzt_puts("nsel1-irq: FAILED: flow 1: the secure timer interrupt did not reach S-EL1\n");
        return false;
    }
    tzt_printf("nsel1-irq: flow 1 done: checksum ok, S-EL1 handled %lu interrupt(s) taken "
               "from the normal world\n", taken);
    return true;
}

/* A yielding call to completion: each TZT_INTERRUPTED is a normal-world
 * interrupt pending here (IRQs are masked around the SMCs): unmask to take
 * it, mask again, RESUME. */
static bool yield_call(const char *flow, u64 n, u64 sec_timer, struct tzt_smc_res *res,
                       unsigned *resumes)
{
    unsigned k = 0;
    struct tzt_smc_res r = tzt_smc(TZT_FID_YIELD_LOOP, n, sec_timer, 0, 0);
    while (r.x0 == TZT_INTERRUPTED && k < MAX_RESUMES) {
        k++;
        irq_unmask();
        isb();      /* the pending IRQ is taken here */
        irq_mask();
        r = tzt_smc(TZT_FID_RESUME, r.x1, 0, 0, 0);
    }
    *res = r;
    *resumes = k;
    if (r.x0 != 0 || r.x1 != n || r.x2 != k) {
        tzt_printf("nsel1-irq: FAILED: %s: YIELD_LOOP(%lu) returned x0=0x%lx x1=%lu x2=%lu "
                   "after %u resume(s)\n", flow, n, r.x0, r.x1, r.x2, k);
        return false;
    }
    return true;
}

static bool flow2(void)
{
    u32 irqs = READ_ONCE(ns_irq_log[0].count);
    ns_timer_arm(NS_TIMER_2);
    tzt_puts("nsel1-irq: flow 2: yielding call, normal-world interrupts preempt it\n");
    struct tzt_smc_res r;
    unsigned resumes;
    if (!yield_call("flow 2", YIELD_N2, 0, &r, &resumes))
        return false;
    irqs = READ_ONCE(ns_irq_log[0].count) - irqs;
    if (resumes < 1 || irqs < resumes) {
        tzt_printf("nsel1-irq: FAILED: flow 2: %u preemption(s), %u IRQ(s) handled\n", resumes,
                   irqs);
        return false;
    }
    tzt_printf("nsel1-irq: flow 2 done: %lu iterations, %u preemption(s), %u IRQ(s) handled "
               "in the normal world\n", r.x1, resumes, irqs);
    return true;
}

static bool flow3(void)
{
    tzt_puts("nsel1-irq: flow 3: yielding call, secure interrupts handled at S-EL1\n");
    struct tzt_smc_res r;
    unsigned resumes;
    if (!yield_call("flow 3", YIELD_N3, SEC_TIMER_3, &r, &resumes))
        return false;
    if (r.x3 < 1) {
        tzt_puts("nsel1-irq: FAILED: flow 3: the secure timer interrupt was not handled in "
                 "the call\n");
        return false;
    }
    tzt_printf("nsel1-irq: flow 3 done: %lu iterations, %lu secure interrupt(s) handled in the "
               "secure world, %u preemption(s)\n", r.x1, r.x3, resumes);
    return true;
}

void nsel1_main(u64 arg)
{
    tzt_puts("nsel1-irq: up\n");
    unsigned ver = ns_irq_setup();
    if (!ver)
        ns_fail("interrupt set-up");
    tzt_printf("nsel1-irq: GICv%u, interrupt flows on\n", ver);
    ns_spi_config(TZT_IRQ_NS_EDGE, true, 0);
    ns_spi_config(TZT_IRQ_NS_LEVEL, false, 0);
    if (flow1() && flow2() && flow3())
        tzt_puts("nsel1-irq: all flows ok\n");
    tzt_smc(PSCI_SYSTEM_OFF, 0, 0, 0, 0);
    ns_fail("SYSTEM_OFF returned");
}

void nsel1_secondary_main(u64 context_id)
{
    tzt_el1_panic("secondary entry reached in the single-core payload");
}
