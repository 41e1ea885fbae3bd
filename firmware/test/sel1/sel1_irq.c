/* SPDX-License-Identifier: MIT */
/*
 * sel1 — the interrupt flows (firmware/README.md, "Interrupt flows").
 *
 * sel1_irq_entry (irq_entry.S) runs sel1_irq_call() for:
 *   TZT_FID_FIQ        (from the monitor) a secure interrupt was taken to EL3
 *                      while the normal world ran: acknowledge, handle and
 *                      end every pending secure interrupt, then FIQ_DONE.
 *   YIELD_LOOP  x1 = n, x2 = secure timer delay (0: none): a "yielding" call
 *                      that spins n iterations on its own stack with IRQ and
 *                      FIQ unmasked. A secure interrupt is handled here and
 *                      the loop goes on; a normal-world one suspends the call
 *                      and returns TZT_INTERRUPTED, cookie, preemptions.
 *                      Done: 0, n, preemptions, secure interrupts handled.
 *   RESUME      x1 = cookie: resume the suspended call where it stopped.
 *   SEC_TIMER   x1 = delay: arm the secure physical timer (CNTPS) -> 0.
 *   IRQ_STATS   x1 = core: that core's counts -> secure interrupts taken
 *                      from the normal world, handled in the secure world,
 *                      preemptions, last secure INTID handled.
 *   SEND_SGI    x1 = core, x2 = INTID 8..15: a secure SGI to that core -> 0.
 *   other              -1.
 *
 * Secure interrupts: acknowledged with a Secure GICC_IAR read (GICv2: Group
 * 0), or ICC_IAR1_EL1 (Secure Group 1) then ICC_IAR0_EL1 (Group 0) on GICv3;
 * ended with the matching EOI (EOImode 0: priority drop and deactivation).
 * An interrupt taken at S-EL1 that acknowledges nothing is the normal
 * world's (GICv2: IRQ, Group 1; GICv3: FIQ, Group 1 of the other Security
 * state): the preemption of the yielding call.
 */
#include <stdbool.h>

#include "tzt_gic.h"
#include "tzt_irq.h"

/* The yielding call's own stack: it survives while the call is suspended
 * and other calls run on the entry stack (sel1_stacks). */
static u8 thread_stacks[TZT_MAX_CORES][TZT_STACK_SIZE] __attribute__((aligned(16)));

enum { T_IDLE = 0, T_RUNNING = 1, T_SUSPENDED = 2 };

/* The yielding call of a core (one at a time). */
struct thread {
    u32 state;
    u64 iterations, preempted, handled;
    u64 cookie;
    struct tzt_el1_frame *frame;  /* where it stopped, while suspended */
};

/* Counts per core, read by other cores through IRQ_STATS. */
struct irq_stats {
    u64 from_ns, in_secure, preempted, last_intid;
};

static struct thread threads[TZT_MAX_CORES];
static struct irq_stats stats[TZT_MAX_CORES];
static u32 call_seq[TZT_MAX_CORES];

TZT_NORETURN void sel1_irq_call(u64 fid, u64 a1, u64 a2, u64 a3, u64 a4);
void sel1_spin(u64 n);

static TZT_NORETURN void done(u64 r1, u64 r2, u64 r3, u64 r4)
{
    struct tzt_smc_res r = tzt_smc(TZT_FID_CALL_DONE, r1, r2, r3, r4);
    tzt_printf("sel1: CALL_DONE returned x0=0x%lx\n", r.x0);
    tzt_el1_panic("CALL_DONE returned");
}

static unsigned gic_version(void)
{
    unsigned v = tzt_gic_version();
    if (v != 2 && v != 3)
        tzt_el1_panic("no GICv2 or GICv3 at 0x08000000");
    return v;
}

/* Acknowledges the highest priority pending secure interrupt: the IAR value
 * (the INTID, with the source CPU of a GICv2 SGI), *g0 its group. */
static u32 ack_secure(unsigned ver, bool *g0)
{
    if (ver == 2) {
        *g0 = true;  /* a Secure read with AckCtl 0 acknowledges Group 0 only */
        return mmio_read32(TZT_GICC_BASE + GICC_IAR);
    }
    u32 iar = (u32)ICC_IAR_ID(read_sysreg_s(ICC_IAR1_EL1));
    if (iar < GIC_INTID_SPECIAL) {
        *g0 = false;
        return iar;
    }
    *g0 = true;
    return (u32)ICC_IAR_ID(read_sysreg_s(ICC_IAR0_EL1));
}

static void eoi_secure(unsigned ver, u32 iar, bool g0)
{
    if (ver == 2)
        mmio_write32(TZT_GICC_BASE + GICC_EOIR, iar);
    else if (g0)
        write_sysreg_s(ICC_EOIR0_EL1, iar);
    else
        write_sysreg_s(ICC_EOIR1_EL1, iar);
}

static void sec_timer_arm(u64 delay)
{
    write_sysreg(cntps_tval_el1, delay);
    write_sysreg(cntps_ctl_el1, 1);  /* ENABLE, not masked */
    isb();
}

/* Every pending secure interrupt: acknowledge, the device's part, EOI.
 * Returns how many. */
static unsigned handle_secure(bool from_ns)
{
    unsigned ver = gic_version(), core = tzt_core_index(), n;
    struct irq_stats *st = &stats[core];
    for (n = 0; n < 16; n++) {
        bool g0;
        u32 iar = ack_secure(ver, &g0);
        u32 id = ver == 2 ? GICC_IAR_ID(iar) : iar;
        if (id >= GIC_INTID_SPECIAL)
            break;
        if (id == TZT_PPI_SEC_TIMER)
            write_sysreg(cntps_ctl_el1, 0);  /* the timer's output goes low */
        if (ver == 2 && id < 16)
            tzt_printf("sel1: secure interrupt %u (SGI from core %u) on core %u, %s\n", id,
                       GICC_IAR_CPUID(iar), core,
                       from_ns ? "taken from the normal world" : "in the secure world");
        else
            tzt_printf("sel1: secure interrupt %u on core %u, %s\n", id, core,
                       from_ns ? "taken from the normal world" : "in the secure world");
        if (from_ns)
            WRITE_ONCE(st->from_ns, st->from_ns + 1);
        else
            WRITE_ONCE(st->in_secure, st->in_secure + 1);
        WRITE_ONCE(st->last_intid, id);
        eoi_secure(ver, iar, g0);
    }
    dsb();
    return n;
}

/* TZT_FID_FIQ: the monitor took a secure interrupt from the normal world. */
static TZT_NORETURN void fiq_from_ns(void)
{
    unsigned n = handle_secure(true);
    if (n == 0)
        tzt_printf("sel1: FIQ entry on core %u with no secure interrupt pending\n",
                   tzt_core_index());
    /* x1: how many interrupts this entry handled (informational). */
    struct tzt_smc_res r = tzt_smc(TZT_FID_FIQ_DONE, n, 0, 0, 0);
    tzt_printf("sel1: FIQ_DONE returned x0=0x%lx\n", r.x0);
    tzt_el1_panic("FIQ_DONE returned");
}

/* IRQ or FIQ taken at S-EL1: only inside the yielding call's spin loop,
 * the one place with interrupts unmasked. */
void tzt_el1_interrupt(unsigned vector, struct tzt_el1_frame *f)
{
    unsigned core = tzt_core_index();
    struct thread *t = &threads[core];
    unsigned n = handle_secure(false);
    if (n) {
        t->handled += n;
        return;  /* back into the loop */
    }
    /* A normal-world interrupt: suspend the call, let the normal world
     * handle it; it resumes the call with TZT_FID_RESUME. */
    if (t->state != T_RUNNING)
        tzt_el1_panic("normal-world interrupt outside a yielding call");
    t->state = T_SUSPENDED;
    t->frame = f;
    t->preempted++;
    WRITE_ONCE(stats[core].preempted, stats[core].preempted + 1);
    done(TZT_INTERRUPTED, t->cookie, t->preempted, 0);
}

static TZT_NORETURN void yield_body(u64 n)
{
    struct thread *t = &threads[tzt_core_index()];
    intr_unmask();
    sel1_spin(n);
    intr_mask();
    t->state = T_IDLE;
    done(0, t->iterations, t->preempted, t->handled);
}

static TZT_NORETURN void yield_start(u64 n, u64 timer_delay)
{
    unsigned core = tzt_core_index();
    struct thread *t = &threads[core];
    if (t->state != T_IDLE)
        done((u64)-1, 0, 0, 0);  /* one yielding call per core at a time */
    t->state = T_RUNNING;
    t->iterations = n;
    t->preempted = 0;
    t->handled = 0;
    t->cookie = (u64)core << 32 | ++call_seq[core];
    if (timer_delay)
        sec_timer_arm(timer_delay);
    tzt_call_on_stack(n, thread_stacks[core] + TZT_STACK_SIZE, yield_body);
}

static TZT_NORETURN void resume(u64 cookie)
{
    struct thread *t = &threads[tzt_core_index()];
    if (t->state != T_SUSPENDED || cookie != t->cookie)
        done((u64)-1, 0, 0, 0);
    t->state = T_RUNNING;
    tzt_el1_frame_return(t->frame);
}

static TZT_NORETURN void send_sgi(u64 core, u64 intid)
{
    if (core >= TZT_MAX_CORES || intid < TZT_SGI_SEC_FIRST || intid > 15)
        done((u64)-1, 0, 0, 0);
    if (gic_version() == 2) {
        /* NSATT = 0: forwarded to interfaces where the SGI is Group 0. */
        mmio_write32(TZT_GICD_BASE + GICD_SGIR, GICD_SGIR_TARGETS(1u << core) | (u32)intid);
    } else {
        /* Secure Group 1 for a Secure writer; Aff3..Aff1 are 0 here. */
        write_sysreg_s(ICC_SGI1R_EL1, ICC_SGIR_VALUE(intid, core));
        isb();
    }
    done(0, 0, 0, 0);
}

void sel1_irq_call(u64 fid, u64 a1, u64 a2, u64 a3, u64 a4)
{
    switch ((u32)fid) {
    case TZT_FID_FIQ:
        fiq_from_ns();
    case TZT_FID_YIELD_LOOP:
        yield_start(a1, a2);
    case TZT_FID_RESUME:
        resume(a1);
    case TZT_FID_SEC_TIMER:
        sec_timer_arm(a1);
        done(0, 0, 0, 0);
    case TZT_FID_IRQ_STATS: {
        const struct irq_stats *st = &stats[a1 < TZT_MAX_CORES ? a1 : tzt_core_index()];
        dsb();
        done(READ_ONCE(st->from_ns), READ_ONCE(st->in_secure), READ_ONCE(st->preempted),
             READ_ONCE(st->last_intid));
    }
    case TZT_FID_SEND_SGI:
        send_sgi(a1, a2);
    default:
        done((u64)-1, 0, 0, 0);
    }
}
