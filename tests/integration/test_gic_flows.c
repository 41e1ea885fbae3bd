/* Interrupts crossing worlds, end to end (docs/gic.md, "End-to-end flows"):
 * the test firmware (monitor, sel1, nsel1-irq, nsel1-irq-smp) on GICv2 and
 * GICv3. Each scenarios/irq-*.lua sweeps the platform: run 1 is qemu-virt
 * (GICv2), run 2 qemu-virt-gicv3. The checks read the trace:
 *
 *  - who took each interrupt: GIC_ACK's cpu, EL and world (to_el, to_ns) and
 *    group (a0), and the exception that brought the CPU there (EXC_ENTRY
 *    class, from/to EL and world);
 *  - the world switches around it, in order;
 *  - nothing lost, nothing delivered twice: per INTID, as many
 *    acknowledges, EOIs and deactivations as times it became pending, each
 *    acknowledge ended on the same CPU before the next one;
 *  - the interrupted code resumed where it was interrupted: the EXC_RETURN
 *    (and WORLD_SWITCH) after an interrupt taken to EL3 goes to the pc of
 *    its EXC_ENTRY. tzsim traces no EXC_RETURN for an ERET from EL1 to EL1,
 *    so for interrupts handled at the EL they interrupted the scenarios
 *    mark every ERET of the firmware's return path ("eret cpuN 0xPC", from
 *    a PC trigger on sel1_eret / nsel1_irq_eret) and the check uses those
 *    marks (and same-EL EXC_RETURNs too, once tzsim traces them).
 */
#include "helpers.h"

#define EV_EXC_ENTRY 2
#define EV_EXC_RETURN 3
#define EV_WORLD_SWITCH 4
#define EV_SMC_CALL 5
#define EV_SMC_RETURN 6
#define EV_GIC_ACK 17
#define EV_GIC_EOI 18

#define FID_YIELD_LOOP 0xB2000003ll
#define FID_RESUME 0xB2000004ll
#define FID_FIQ_DONE 0xB2000103ll
#define TZT_INTERRUPTED 0xFFFF0004ll

#define CLS_IRQ 1
#define CLS_FIQ 2

/* One integer from a query built with printf. */
__attribute__((format(printf, 2, 3))) static long long qf(sqlite3 *d, const char *fmt, ...)
{
    char sql[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return q1(d, sql);
}

/* Runs a scenario (a sweep of the two platforms) into its own trace and
 * returns the open trace. */
static sqlite3 *run_flows(const char *scenario, const char *tag)
{
    char db[1024], out[1100];
    snprintf(db, sizeof db, "%s", tmp_path(tag));
    snprintf(out, sizeof out, "%s.out", db);
    struct tz_run_report r;
    int rc = run_inproc(src_path(scenario), db, 0, &r, out);
    char *text = read_file(out, NULL);
    char *err = read_file(tmp_path("inproc.err"), NULL);
    cr_assert_eq(rc, TZ_EXIT_OK, "%s: exit %d: %s\n%s\n%s", scenario, rc, r.error, text, err);
    cr_assert_eq(r.sweep_runs, 2, "%s: expected a sweep of the two platforms", scenario);
    cr_assert_eq(r.sweep_failed, 0);
    free(text);
    free(err);
    sqlite3 *d = open_db(db);
    cr_assert_eq(q1(d, "select count(*) from runs where status = 'ok' and "
                       "stop_reason_name = 'system_off'"), 2);
    cr_assert_eq(q1(d, "select count(*) from runs where id = 1 and params like '%platform=qemu-virt' "
                       "and platform = 'qemu-virt'"), 1);
    cr_assert_eq(q1(d, "select count(*) from runs where id = 2 and params like "
                       "'%platform=qemu-virt-gicv3' and platform = 'qemu-virt-gicv3'"), 1);
    return d;
}

/* Run 1 is GICv2, run 2 GICv3; the firmware found the same. */
static int gic_version_of(sqlite3 *d, int run)
{
    int ver = run == 1 ? 2 : 3;
    cr_expect_eq(qf(d, "select count(*) from console where run = %d and line like "
                       "'%%: GICv%d, interrupt flows on'", run, ver), 1, "run %d: GICv%d", run, ver);
    cr_expect_geq(qf(d, "select count(*) from console where run = %d and line like "
                        "'monitor: interrupt flows on for core %% (GICv%d)'", run, ver), 1);
    return ver;
}

/* The seq of the console line starting with text (0 if none). */
static long long line_seq(sqlite3 *d, int run, const char *text)
{
    return qf(d, "select coalesce(min(seq), 0) from console where run = %d and line like '%s%%'",
              run, text);
}

static void check_common(sqlite3 *d, int run, int ver)
{
    /* Nothing lost, nothing twice: per INTID, pending = acknowledged =
     * priority-dropped = deactivated. */
    cr_expect_eq(qf(d, "select count(*) from (select intid, sum(kind = 16) p, sum(kind = 17) a, "
                       "sum(kind = 18) e, sum(kind = 19) x from events where run = %d and kind "
                       "between 16 and 19 group by intid) where not (p = a and a = e and e = x)",
                    run), 0, "run %d: an interrupt pending, acknowledged, EOI'd or deactivated "
                             "a different number of times", run);
    cr_expect_geq(qf(d, "select count(*) from events where run = %d and kind = 17", run), 3);
    cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind between 17 and 19 "
                       "and (intid is null or intid >= 1020)", run), 0);
    /* Each acknowledge is ended (EOI + deactivation, EOImode 0) by the same
     * CPU before the interrupt is acknowledged again. */
    for (int k = EV_GIC_EOI; k <= EV_GIC_EOI + 1; k++)
        cr_expect_eq(qf(d, "select count(*) from events a where a.run = %d and a.kind = 17 and "
                           "not exists (select 1 from events e where e.run = a.run and e.kind = %d "
                           "and e.intid = a.intid and e.cpu = a.cpu and e.seq > a.seq and e.seq < "
                           "coalesce((select min(n.seq) from events n where n.run = a.run and "
                           "n.kind = 17 and n.intid = a.intid and n.seq > a.seq), 1e18))",
                        run, k), 0, "run %d: an acknowledge without its %s", run,
                     k == EV_GIC_EOI ? "EOI" : "deactivation");
    /* No guest or GIC errors, but the PIDR2 probe at 0xffe8 on GICv2 (the
     * GICv3 location of GICD_PIDR2 is a reserved offset of the 4 KiB GICv2
     * Distributor; the firmware then reads 0xfe8). */
    cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind in (10, 15)", run), 0);
    cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 20 and not "
                       "(a0 = 65512 and text like 'read of reserved Distributor offset 0xffe8%%')",
                    run), 0, "run %d: GIC errors", run);
    if (ver == 3)
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 20", run), 0);
    /* Interrupts never reach EL3 as IRQs (SCR_EL3.IRQ stays 0), never at EL3
     * itself, and never as FIQs from the secure world (SCR_EL3.FIQ = 0 there). */
    cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 2 and to_el = 3 and "
                       "(a0 = 1 or (a0 = 2 and (from_el = 3 or from_ns = 0)))", run), 0);
    /* An interrupt taken to EL3: the next return to the world it left, and
     * the world switch back there, go to the interrupted pc. */
    cr_expect_eq(qf(d, "select count(*) from events e where e.run = %d and e.kind = 2 and "
                       "e.a0 in (1, 2) and e.to_el = 3 and e.pc is not (select r.pc from events r "
                       "where r.run = e.run and r.cpu = e.cpu and r.kind = 3 and r.to_el = e.from_el "
                       "and r.to_ns = e.from_ns and r.seq > e.seq order by r.seq limit 1)", run), 0,
                 "run %d: code interrupted to EL3 resumed elsewhere", run);
    cr_expect_eq(qf(d, "select count(*) from events e where e.run = %d and e.kind = 2 and "
                       "e.a0 in (1, 2) and e.to_el = 3 and e.pc is not (select w.pc from events w "
                       "where w.run = e.run and w.cpu = e.cpu and w.kind = 4 and "
                       "w.to_ns = e.from_ns and w.seq > e.seq order by w.seq limit 1)", run), 0);
    /* An interrupt handled at the EL it interrupted (EL1): resumed at its
     * pc, as the marked ERETs show (and same-EL EXC_RETURNs, if traced). */
    cr_expect_eq(qf(d, "select count(*) from events e where e.run = %d and e.kind = 2 and "
                       "e.a0 in (1, 2) and e.from_el = 1 and e.to_el = 1 and not exists (select 1 "
                       "from events m where m.run = e.run and m.kind = 12 and m.seq > e.seq and "
                       "m.text = printf('eret cpu%%d 0x%%x', e.cpu, e.pc))", run), 0,
                 "run %d: code interrupted at EL1 resumed elsewhere", run);
    if (qf(d, "select count(*) from events where run = %d and kind = 3 and from_el = to_el", run))
        cr_expect_eq(qf(d, "select count(*) from events e where e.run = %d and e.kind = 2 and "
                           "e.a0 in (1, 2) and e.from_el = 1 and e.to_el = 1 and not exists "
                           "(select 1 from events r where r.run = e.run and r.cpu = e.cpu and "
                           "r.kind = 3 and r.from_el = 1 and r.to_el = 1 and r.pc = e.pc and "
                           "r.seq > e.seq)", run), 0);
}

/* The acknowledge of intid in run (once, between lo and hi): its seq. */
static long long ack_seq(sqlite3 *d, int run, int intid, long long lo, long long hi)
{
    cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 17 and intid = %d "
                       "and seq > %lld and seq < %lld", run, intid, lo, hi), 1,
                 "run %d: INTID %d acknowledged once in [%lld, %lld]", run, intid, lo, hi);
    return qf(d, "select coalesce(min(seq), 0) from events where run = %d and kind = 17 and "
                 "intid = %d and seq > %lld and seq < %lld", run, intid, lo, hi);
}

/* Flow 1: secure interrupts while the normal world runs. */
Test(gic_flows, secure_interrupt_from_normal_world)
{
    sqlite3 *d = run_flows("scenarios/irq-secure-from-ns.lua", "flow1.db");
    for (int run = 1; run <= 2; run++) {
        int ver = gic_version_of(d, run);
        check_common(d, run, ver);
        long long lo = line_seq(d, run, "nsel1-irq: flow 1:");
        long long hi = line_seq(d, run, "nsel1-irq: flow 1 done: checksum ok, S-EL1 handled 4 ");
        cr_assert(lo > 0 && hi > lo, "run %d: flow 1 did not complete", run);
        /* Four FIQs from NS-EL1 to EL3: the secure timer and three SPIs. */
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 2 and a0 = 2 and "
                           "from_el = 1 and from_ns = 1 and to_el = 3 and seq > %lld and seq < %lld",
                        run, lo, hi), 4, "run %d", run);
        static const int ids[] = {29, 48, 49, 50};
        for (int i = 0; i < 4; i++) {
            int id = ids[i];
            long long a = ack_seq(d, run, id, lo, hi);
            /* Acknowledged by S-EL1 on core 0, in the group of the policy:
             * GICv2 Group 0; GICv3 Secure Group 1, INTID 50 Group 0. */
            cr_expect_eq(qf(d, "select count(*) from events where run = %d and seq = %lld and "
                               "cpu = 0 and to_el = 1 and to_ns = 0 and a0 = %d", run, a,
                            ver == 3 && id != 50 ? 1 : 0), 1, "run %d INTID %d", run, id);
            /* The sequence: FIQ NS-EL1 -> EL3, world switch to S-EL1, the
             * acknowledge, FIQ_DONE, world switch back to the interrupted pc,
             * and no other world switch. */
            long long fiq = qf(d, "select max(seq) from events where run = %d and kind = 2 and "
                                  "seq < %lld", run, a);
            cr_expect_eq(qf(d, "select count(*) from events where run = %d and seq = %lld and "
                               "a0 = 2 and from_ns = 1 and to_el = 3", run, fiq), 1,
                         "run %d INTID %d: not acknowledged after an FIQ from NS", run, id);
            long long ws1 = qf(d, "select min(seq) from events where run = %d and kind = 4 and "
                                  "seq > %lld", run, fiq);
            long long ws2 = qf(d, "select min(seq) from events where run = %d and kind = 4 and "
                                  "seq > %lld", run, ws1);
            cr_expect(ws1 < a && a < ws2, "run %d INTID %d: acknowledged outside S-EL1", run, id);
            cr_expect_eq(qf(d, "select count(*) from events where run = %d and seq = %lld and "
                               "to_ns = 0 and to_el = 1", run, ws1), 1);
            cr_expect_eq(qf(d, "select count(*) from events w, events f where w.run = %d and "
                               "f.run = w.run and w.seq = %lld and f.seq = %lld and w.to_ns = 1 and "
                               "w.to_el = 1 and w.pc = f.pc", run, ws2, fiq), 1,
                         "run %d INTID %d: the normal world resumed elsewhere", run, id);
            cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 5 and "
                               "fid = %lld and from_ns = 0 and seq > %lld and seq < %lld", run,
                            FID_FIQ_DONE, a, ws2), 1);
        }
    }
    sqlite3_close(d);
}

/* The window of a yielding call: its SMC_CALL and the SMC_RETURN that
 * completed it (a0 = 0), the k-th such call of the run (k from 1). */
static void yield_window(sqlite3 *d, int run, int k, long long *lo, long long *hi)
{
    *lo = qf(d, "select coalesce((select seq from events where run = %d and kind = 5 and "
                "fid = %lld order by seq limit 1 offset %d), 0)", run, FID_YIELD_LOOP, k - 1);
    *hi = qf(d, "select coalesce(min(seq), 0) from events where run = %d and kind = 6 and "
                "fid in (%lld, %lld) and a0 = 0 and seq > %lld", run, FID_YIELD_LOOP, FID_RESUME,
             *lo);
    cr_assert(*lo > 0 && *hi > *lo, "run %d: yielding call %d did not complete", run, k);
}

/* Flow 2: normal-world interrupts preempt a yielding call. */
Test(gic_flows, normal_interrupt_preempts_secure_world)
{
    sqlite3 *d = run_flows("scenarios/irq-ns-preempts-secure.lua", "flow2.db");
    for (int run = 1; run <= 2; run++) {
        int ver = gic_version_of(d, run);
        check_common(d, run, ver);
        long long lo, hi;
        yield_window(d, run, 1, &lo, &hi);
        /* The call completed all its iterations after three preemptions. */
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and seq = %lld and "
                           "a1 = 100000 and a2 = 3", run, hi), 1, "run %d", run);
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 6 and a0 = %lld "
                           "and seq > %lld and seq < %lld", run, TZT_INTERRUPTED, lo, hi), 3);
        /* Preempted at S-EL1: an IRQ on GICv2 (Group 1), an FIQ on GICv3
         * (Group 1 of the other Security state). */
        int cls = ver == 2 ? CLS_IRQ : CLS_FIQ;
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 2 and "
                           "from_el = 1 and from_ns = 0 and to_el = 1 and to_ns = 0 and seq > %lld "
                           "and seq < %lld", run, lo, hi), 3, "run %d", run);
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 2 and "
                           "from_ns = 0 and to_el = 1 and a0 = %d and seq > %lld and seq < %lld",
                        run, cls, lo, hi), 3, "run %d: class", run);
        static const int ids[] = {30, 56, 57};
        for (int i = 0; i < 3; i++) {
            int id = ids[i];
            long long a = ack_seq(d, run, id, lo, hi);
            /* Acknowledged by the normal world at EL1 (Group 1), after an
             * IRQ taken at NS-EL1. */
            cr_expect_eq(qf(d, "select count(*) from events where run = %d and seq = %lld and "
                               "cpu = 0 and to_el = 1 and to_ns = 1 and a0 = 1", run, a), 1,
                         "run %d INTID %d", run, id);
            long long irq = qf(d, "select max(seq) from events where run = %d and kind = 2 and "
                                  "seq < %lld", run, a);
            cr_expect_eq(qf(d, "select count(*) from events where run = %d and seq = %lld and "
                               "a0 = 1 and from_el = 1 and from_ns = 1 and to_el = 1 and to_ns = 1",
                            run, irq), 1, "run %d INTID %d: not an IRQ at NS-EL1", run, id);
            /* Before it: the preemption at S-EL1, then the secure world's
             * CALL_DONE and the switch to the normal world, at the return
             * address of the interrupted call's SMC (TZT_INTERRUPTED). */
            long long pre = qf(d, "select max(seq) from events where run = %d and kind = 2 and "
                                  "from_ns = 0 and to_el = 1 and seq < %lld", run, irq);
            long long ws = qf(d, "select min(seq) from events where run = %d and kind = 4 and "
                                 "seq > %lld", run, pre);
            long long ret = qf(d, "select min(seq) from events where run = %d and kind = 6 and "
                                  "seq > %lld", run, pre);
            cr_expect(pre > lo && ws < irq && ret < irq, "run %d INTID %d: order", run, id);
            cr_expect_eq(qf(d, "select count(*) from events w, events r where w.run = %d and "
                               "r.run = w.run and w.seq = %lld and r.seq = %lld and w.to_ns = 1 and "
                               "r.a0 = %lld and w.pc = r.pc", run, ws, ret, TZT_INTERRUPTED), 1);
            /* The secure world never acknowledged it. */
            cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 17 and "
                               "intid = %d and to_ns = 0", run, id), 0);
            /* RESUME took S-EL1 back to the instruction it was preempted at. */
            cr_expect_eq(qf(d, "select count(*) from events e where e.run = %d and e.seq = %lld "
                               "and exists (select 1 from events c where c.run = e.run and "
                               "c.kind = 5 and c.fid = %lld and c.seq > %lld and exists (select 1 "
                               "from events m where m.run = e.run and m.kind = 12 and "
                               "m.seq > c.seq and m.text = printf('eret cpu0 0x%%x', e.pc)))",
                            run, pre, FID_RESUME, irq), 1, "run %d INTID %d: not resumed", run, id);
        }
    }
    sqlite3_close(d);
}

/* Flow 3: secure interrupts handled locally while the secure world runs. */
Test(gic_flows, secure_interrupt_in_secure_world)
{
    sqlite3 *d = run_flows("scenarios/irq-secure-in-secure.lua", "flow3.db");
    for (int run = 1; run <= 2; run++) {
        int ver = gic_version_of(d, run);
        check_common(d, run, ver);
        long long lo, hi;
        yield_window(d, run, 2, &lo, &hi);
        /* Completed without preemption, three secure interrupts handled. */
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and seq = %lld and "
                           "fid = %lld and a1 = 100000 and a2 = 0 and a3 = 3", run, hi,
                        FID_YIELD_LOOP), 1, "run %d", run);
        /* No world switch but the call's own (in and out), nothing to EL3
         * but its SMCs. */
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 4 and "
                           "seq > %lld and seq <= %lld", run, lo, hi), 2, "run %d", run);
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 2 and "
                           "to_el = 3 and a0 != 0 and seq > %lld and seq < %lld", run, lo, hi), 0);
        static const int ids[] = {29, 48, 50};
        for (int i = 0; i < 3; i++) {
            int id = ids[i];
            long long a = ack_seq(d, run, id, lo, hi);
            int grp = ver == 3 && id != 50 ? 1 : 0;
            cr_expect_eq(qf(d, "select count(*) from events where run = %d and seq = %lld and "
                               "cpu = 0 and to_el = 1 and to_ns = 0 and a0 = %d", run, a, grp), 1,
                         "run %d INTID %d", run, id);
            /* Taken at S-EL1 from S-EL1: GICv2 Group 0 is an FIQ (FIQEn);
             * on GICv3 Secure Group 1 is an IRQ in the secure world and
             * Group 0 an FIQ. */
            int cls = (ver == 2 || grp == 0) ? CLS_FIQ : CLS_IRQ;
            cr_expect_eq(qf(d, "select count(*) from events where run = %d and seq = (select "
                               "max(seq) from events where run = %d and kind = 2 and seq < %lld) "
                               "and from_el = 1 and from_ns = 0 and to_el = 1 and to_ns = 0 and "
                               "a0 = %d", run, run, a, cls), 1, "run %d INTID %d: class", run, id);
        }
    }
    sqlite3_close(d);
}

/* Flow 4: an SGI and a routed SPI from core 0 to core 1, and a secure SGI
 * from S-EL1 on core 0 taken on core 1 while its normal world runs. */
Test(gic_flows, interrupts_between_cores)
{
    sqlite3 *d = run_flows("scenarios/irq-smp.lua", "flow4.db");
    for (int run = 1; run <= 2; run++) {
        int ver = gic_version_of(d, run);
        check_common(d, run, ver);
        /* Core 1 acknowledged SGI 1, SPI 26 (INTID 58) and SGI 2 in its
         * normal world at EL1; core 0 acknowledged nothing. */
        static const int ids[] = {1, 58, 2};
        for (int i = 0; i < 3; i++)
            cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 17 and "
                               "intid = %d and cpu = 1 and to_el = 1 and to_ns = 1 and a0 = 1", run,
                            ids[i]), 1, "run %d INTID %d", run, ids[i]);
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 17 and cpu = 0",
                        run), 0);
        /* Pending on core 1: the SGIs sent by core 0, the SPI routed there. */
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 16 and "
                           "intid in (1, 2, 8) and cpu = 0 and a0 = 1", run), 3, "run %d", run);
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 16 and "
                           "intid = 58 and a0 = 1", run), 1, "run %d: SPI routing", run);
        if (ver == 2)
            cr_expect_eq(qf(d, "select count(*) from console where run = %d and line = "
                               "'nsel1-irq[1]: IRQ 1 on core 1 (SGI from core 0)'", run), 1);
        /* The secure SGI 8: an FIQ from NS-EL1 to EL3 on core 1, S-EL1 on
         * core 1 acknowledges it (Group 0 on GICv2, Secure Group 1 on
         * GICv3), FIQ_DONE, and core 1's normal world resumes. */
        long long a = ack_seq(d, run, 8, 0, 1ll << 60);
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and seq = %lld and cpu = 1 "
                           "and to_el = 1 and to_ns = 0 and a0 = %d", run, a, ver == 3), 1);
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and seq = (select max(seq) "
                           "from events where run = %d and kind = 2 and cpu = 1 and seq < %lld) "
                           "and a0 = 2 and from_el = 1 and from_ns = 1 and to_el = 3", run, run,
                        a), 1, "run %d: secure SGI not taken as an FIQ to EL3", run);
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 5 and cpu = 1 "
                           "and fid = %lld and seq > %lld", run, FID_FIQ_DONE, a), 1);
        cr_expect_eq(qf(d, "select count(*) from events where run = %d and kind = 2 and cpu = 0 "
                           "and a0 in (1, 2)", run), 0, "run %d: core 0 took an interrupt", run);
    }
    sqlite3_close(d);
}

/* The firmware's flows are deterministic: the same scenario twice gives the
 * same runs. */
Test(gic_flows, repeatable)
{
    struct tz_run_report a, b;
    cr_assert_eq(run_inproc(src_path("scenarios/irq-ns-preempts-secure.lua"), tmp_path("rep-a.db"),
                            0, &a, tmp_path("rep-a.out")), TZ_EXIT_OK);
    cr_assert_eq(run_inproc(src_path("scenarios/irq-ns-preempts-secure.lua"), tmp_path("rep-b.db"),
                            0, &b, tmp_path("rep-b.out")), TZ_EXIT_OK);
    cr_expect_str_eq(a.digest, b.digest);
}
