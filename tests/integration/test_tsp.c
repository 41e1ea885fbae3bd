/* The secure test payload (firmware/tsp) in OP-TEE's place under the
 * reference monitor, with its normal-world client nwd-tsp: boot through the
 * OP-TEE dispatcher protocol, the fast and yielding calls and their results,
 * CPU_ON/OFF and system off through the payload's entries, a secure
 * interrupt handed to its FIQ entry, and native and foreign interrupts
 * during a yielding call. Every scenario runs twice (same digest), on the
 * GICv3 machine it names and on the GICv2 one (--dtb qemu-virt.dtb). */
#include "helpers.h"

#include <inttypes.h>

#define FID_ECHO64          0xF3000001ull
#define FID_ADD64           0xF3000002ull
#define FID_CHECKSUM64      0xF3000003ull
#define FID_STATS64         0xF3000004ull
#define FID_LOOP            0x33000001ull
#define FID_RETURN_FROM_RPC 0x33000002ull
#define RV_ENTRY_DONE       0xBE000000ull
#define RV_ON_DONE          0xBE000001ull
#define RV_OFF_DONE         0xBE000002ull
#define RV_CALL_DONE        0xBE000005ull
#define RV_FIQ_DONE         0xBE000006ull
#define RV_SYSTEM_OFF_DONE  0xBE000007ull
#define RPC_FOREIGN_INTR    0xFFFF0004ull

/* struct optee_vectors offsets (firmware/monitor/opteed.h) */
#define VEC_YIELD   0x00
#define VEC_FAST    0x04
#define VEC_CPU_ON  0x08
#define VEC_CPU_OFF 0x0c
#define VEC_FIQ     0x18
#define VEC_SYSOFF  0x1c

/* event kinds (docs/trace-schema.md) */
enum { K_CPU_POWER = 1, K_EXC_ENTRY = 2, K_EXC_RETURN = 3, K_WS = 4, K_SMC_CALL = 5,
       K_SMC_RETURN = 6, K_GIC_ACK = 17, K_GIC_EOI = 18 };

static const char *gicv2_dtb(void)
{
    static char p[1024];
    snprintf(p, sizeof p, "%s/qemu-virt.dtb", env_or("TZSIM_PLATFORM_DIR", "build/platforms"));
    return p;
}

static int run_one(const char *scn, const char *db, const char *dtb, struct tz_run_report *r,
                   const char *out_path)
{
    FILE *out = fopen(out_path, "w");
    cr_assert(out);
    FILE *err = fopen(tmp_path("tsp.err"), "w");
    struct tz_run_options o = {.scenario = scn, .db = db, .dtb = dtb, .out = out, .err = err};
    int rc = tz_run_scenario(&o, r);
    fclose(out);
    fclose(err);
    return rc;
}

/* Runs scn (on the GICv2 machine when v2) twice; the first run's trace is
 * db, opened and returned. */
static sqlite3 *run_twice(const char *scn, const char *db, bool v2, struct tz_run_report *r)
{
    struct tz_run_report r2;
    char out[96], db2[96];
    snprintf(out, sizeof out, "%s.out", db);
    snprintf(db2, sizeof db2, "%s.again", db);
    const char *dtb = v2 ? gicv2_dtb() : NULL;
    int rc = run_one(src_path(scn), tmp_path(db), dtb, r, tmp_path(out));
    char *o = read_file(tmp_path(out), NULL);
    char *e = read_file(tmp_path("tsp.err"), NULL);
    cr_assert_eq(rc, TZ_EXIT_OK, "%s%s: exit %d: %s\n%s\n%s", scn, v2 ? " (GICv2)" : "", rc,
                 r->error, e, o);
    free(o);
    free(e);
    rc = run_one(src_path(scn), tmp_path(db2), dtb, &r2, tmp_path(out));
    cr_assert_eq(rc, TZ_EXIT_OK);
    cr_expect_str_eq(r->digest, r2.digest, "%s: two runs differ", scn);
    cr_expect_eq(r->stats.stop, TZ_STOP_SYSTEM_OFF);
    return open_db(tmp_path(db));
}

static long long q(sqlite3 *d, const char *fmt, ...)
{
    char sql[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return q1(d, sql);
}

static bool console_has(sqlite3 *d, const char *text)
{
    return q(d, "select count(*) from console where instr(line, '%s') > 0", text) > 0;
}

/* The payload's vector table, from the monitor's console line. */
static uint64_t vector_table(sqlite3 *d)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(d, "select line from console where line like "
                                       "'monitor: OP-TEE booted, vector table at 0x%'",
                                    -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no 'OP-TEE booted' line");
    const char *line = (const char *)sqlite3_column_text(st, 0);
    uint64_t vt = strtoull(strstr(line, "0x"), NULL, 16);
    sqlite3_finalize(st);
    cr_assert(vt >= 0x0e100000 && vt < 0x0f000000, "vector table 0x%" PRIx64, vt);
    return vt;
}

/* The world switches of each CPU alternate between the worlds. */
static void expect_world_switches_alternate(sqlite3 *d)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(d, "select cpu, to_ns, seq from events where kind = 4 "
                                       "order by seq", -1, &st, NULL), SQLITE_OK);
    int last[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int cpu = sqlite3_column_int(st, 0), ns = sqlite3_column_int(st, 1);
        cr_assert(cpu >= 0 && cpu < 8);
        cr_expect_neq(ns, last[cpu], "cpu %d: two world switches to the same world (seq %lld)",
                      cpu, sqlite3_column_int64(st, 2));
        last[cpu] = ns;
        n++;
    }
    sqlite3_finalize(st);
    cr_expect_gt(n, 0);
}

/* A forwarded call from the normal world, found by the SMC_CALL at seq: the
 * next world switch, secure SMC and SMC return on that CPU must be the
 * monitor entering the payload at vt + entry, the payload's CALL_DONE with
 * the results (x1..x4), the return to the normal world and the caller's
 * SMC_RETURN of fid with the same values in x0..x3. */
static void expect_round_trip(sqlite3 *d, long long seq, int cpu, uint64_t fid, uint64_t vt,
                              unsigned entry)
{
    sqlite3_stmt *st;
    char sql[512];
    snprintf(sql, sizeof sql,
             "select kind, to_ns, pc, fid, a0, a1, a2, a3, from_ns from events where cpu = %d "
             "and seq > %lld and kind in (4, 5, 6) order by seq limit 4", cpu, seq);
    cr_assert_eq(sqlite3_prepare_v2(d, sql, -1, &st, NULL), SQLITE_OK);
    int k[4], ns[4], from_ns[4];
    uint64_t pc[4], f[4], a[4][4];
    int n = 0;
    for (; n < 4 && sqlite3_step(st) == SQLITE_ROW; n++) {
        k[n] = sqlite3_column_int(st, 0);
        ns[n] = sqlite3_column_int(st, 1);
        pc[n] = (uint64_t)sqlite3_column_int64(st, 2);
        f[n] = (uint64_t)sqlite3_column_int64(st, 3);
        for (int i = 0; i < 4; i++)
            a[n][i] = (uint64_t)sqlite3_column_int64(st, 4 + i);
        from_ns[n] = sqlite3_column_int(st, 8);
    }
    sqlite3_finalize(st);
    cr_assert_eq(n, 4, "fid 0x%" PRIx64 " at seq %lld: only %d events follow", fid, seq, n);
    cr_expect(k[0] == K_WS && ns[0] == 0 && pc[0] == vt + entry,
              "fid 0x%" PRIx64 ": not entered at vector table + 0x%x (kind %d pc 0x%" PRIx64 ")",
              fid, entry, k[0], pc[0]);
    cr_expect(k[1] == K_SMC_CALL && from_ns[1] == 0 && f[1] == RV_CALL_DONE,
              "fid 0x%" PRIx64 ": no CALL_DONE (kind %d fid 0x%" PRIx64 ")", fid, k[1], f[1]);
    cr_expect(k[2] == K_WS && ns[2] == 1, "fid 0x%" PRIx64 ": no switch back", fid);
    cr_expect(k[3] == K_SMC_RETURN && f[3] == fid, "fid 0x%" PRIx64 ": no SMC_RETURN", fid);
    for (int i = 0; i < 4; i++)
        cr_expect_eq(a[3][i], a[1][i], "fid 0x%" PRIx64 ": x%d 0x%" PRIx64 " != CALL_DONE x%d "
                     "0x%" PRIx64, fid, i, a[3][i], i + 1, a[1][i]);
}

static long long first_call(sqlite3 *d, int cpu, uint64_t fid)
{
    return q(d, "select min(seq) from events where kind = 5 and from_ns = 1 and cpu = %d "
                "and fid = %lld", cpu, (long long)fid);
}

static void check_boot_and_calls(sqlite3 *d, bool v2)
{
    /* Console, secure and normal. */
    cr_expect(console_has(d, "tsp: up on core 0"));
    cr_expect(console_has(d, v2 ? "tsp: GICv2, secure interrupt INTID 48 (Group 0)"
                                : "tsp: GICv3, secure interrupt INTID 48 (Secure Group 1)"));
    cr_expect(console_has(d, "nwd-tsp: ADD 1000 calls, all results correct"));
    cr_expect(console_has(d, "nwd-tsp: LOOP 10000: status 0x0, 10000 iterations, 0 "
                             "foreign-interrupt RPCs, 0 native interrupts"));
    cr_expect(console_has(d, "nwd-tsp: CHECKSUM 0x42000000+4096: FNV-1a 0x"));
    cr_expect(console_has(d, "nwd-tsp[1]: LOOP 2000: status 0x0, 2000 iterations"));
    cr_expect(console_has(d, "nwd-tsp: all tests passed"));
    cr_expect(console_has(d, "tsp: system off"));
    cr_expect_eq(q(d, "select count(*) from console where line like '%%FAILED%%' or "
                      "line like '%%PANIC%%'"), 0);

    /* Boot: ENTRY_DONE with the vector table in x1. */
    uint64_t vt = vector_table(d);
    cr_expect_eq(q(d, "select count(*) from events where kind = 5 and fid = %lld and from_ns = 0 "
                      "and a0 = %lld", (long long)RV_ENTRY_DONE, (long long)vt), 1);

    /* Round trips: entry, CALL_DONE, switch back, the caller's results. */
    long long s = first_call(d, 0, FID_ECHO64);
    expect_round_trip(d, s, 0, FID_ECHO64, vt, VEC_FAST);
    cr_expect_eq(q(d, "select a1 from events where kind = 6 and fid = %lld and seq > %lld order "
                      "by seq limit 1", (long long)FID_ECHO64, s), (long long)0x0123456789abcdefull);
    cr_expect_eq(q(d, "select a2 from events where kind = 6 and fid = %lld and seq > %lld order "
                      "by seq limit 1", (long long)FID_ECHO64, s), (long long)0xfedcba9876543210ull);
    cr_expect_eq(q(d, "select a3 from events where kind = 6 and fid = %lld and seq > %lld order "
                      "by seq limit 1", (long long)FID_ECHO64, s), (long long)0x5a5a5a5a5a5a5a5aull);
    expect_round_trip(d, first_call(d, 0, FID_ADD64), 0, FID_ADD64, vt, VEC_FAST);
    expect_round_trip(d, first_call(d, 0, FID_LOOP), 0, FID_LOOP, vt, VEC_YIELD);
    expect_round_trip(d, first_call(d, 0, FID_CHECKSUM64), 0, FID_CHECKSUM64, vt, VEC_FAST);
    expect_round_trip(d, first_call(d, 0, FID_STATS64), 0, FID_STATS64, vt, VEC_FAST);
    expect_round_trip(d, first_call(d, 1, FID_ECHO64), 1, FID_ECHO64, vt, VEC_FAST);
    expect_round_trip(d, first_call(d, 1, FID_LOOP), 1, FID_LOOP, vt, VEC_YIELD);

    /* Every ADD call returned status 0 and x1 + x2 (mod 2^64). */
    sqlite3_stmt *st;
    const char *pairs =
        "select c.a0, c.a1, r.a0, r.a1 from events c join events r on r.run = c.run and "
        "r.cpu = c.cpu and r.seq = (select min(seq) from events n where n.run = c.run and "
        "n.cpu = c.cpu and n.kind = 6 and n.seq > c.seq) where c.kind = 5 and c.fid = 4076863490";
    cr_assert_eq(sqlite3_prepare_v2(d, pairs, -1, &st, NULL), SQLITE_OK);
    int adds = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        uint64_t x1 = (uint64_t)sqlite3_column_int64(st, 0), x2 = (uint64_t)sqlite3_column_int64(st, 1);
        cr_expect_eq(sqlite3_column_int64(st, 2), 0);
        cr_expect_eq((uint64_t)sqlite3_column_int64(st, 3), x1 + x2, "0x%" PRIx64 " + 0x%" PRIx64,
                     x1, x2);
        adds++;
    }
    sqlite3_finalize(st);
    cr_expect_eq(adds, 1100);

    /* LOOP 10000 on core 0: 10000 iterations of 3 instructions inside one
     * round trip. */
    cr_expect_eq(q(d, "select a1 from events where kind = 6 and cpu = 0 and fid = %lld",
                   (long long)FID_LOOP), 10000);
    cr_expect_geq(q(d, "select dur_icount from events where kind = 6 and cpu = 0 and fid = %lld",
                    (long long)FID_LOOP), 30000);
    /* CHECKSUM of secure memory refused with TSP_E_BADADDR. */
    cr_expect_eq(q(d, "select count(*) from events where kind = 6 and fid = %lld and a0 = 3",
                   (long long)FID_CHECKSUM64), 2);

    /* Core 1: on through the payload's cpu_on entry (fresh context, an ERET
     * from EL3 to vt + 8), ON_DONE, then off through cpu_off, OFF_DONE. */
    cr_expect_eq(q(d, "select count(*) from events where kind = 1 and cpu = 1 and a0 = 1"), 1);
    cr_expect_eq(q(d, "select count(*) from events where kind = 3 and cpu = 1 and to_el = 1 and "
                      "to_ns = 0 and pc = %lld", (long long)(vt + VEC_CPU_ON)), 1);
    cr_expect_eq(q(d, "select count(*) from events where kind = 5 and cpu = 1 and fid = %lld",
                   (long long)RV_ON_DONE), 1);
    cr_expect_eq(q(d, "select count(*) from events where kind = 4 and cpu = 1 and to_ns = 0 and "
                      "pc = %lld", (long long)(vt + VEC_CPU_OFF)), 1);
    cr_expect_eq(q(d, "select count(*) from events where kind = 5 and cpu = 1 and fid = %lld",
                   (long long)RV_OFF_DONE), 1);
    cr_expect_eq(q(d, "select count(*) from events where kind = 1 and cpu = 1 and a0 = 0"), 1);
    /* System off through system_off_entry. */
    cr_expect_eq(q(d, "select count(*) from events where kind = 4 and cpu = 0 and to_ns = 0 and "
                      "pc = %lld", (long long)(vt + VEC_SYSOFF)), 1);
    cr_expect_eq(q(d, "select count(*) from events where kind = 5 and fid = %lld",
                   (long long)RV_SYSTEM_OFF_DONE), 1);

    expect_world_switches_alternate(d);
    /* The normal world makes SMCs, the payload answers every forwarded one:
     * one switch to the secure world per forwarded call, boot excepted. */
    cr_expect_eq(q(d, "select count(*) from events where kind = 4 and to_ns = 0"),
                 q(d, "select count(*) from events where kind = 5 and from_ns = 1 and "
                      "((fid >> 24) & 63) between 50 and 63") + 1 /* cpu_off */ + 1 /* system off */);
    cr_expect_eq(q(d, "select count(*) from events where kind in (10, 15) or (kind = 20 and "
                      "a0 <> 0xffe8)"), 0);
}

Test(tsp, boot_calls_smp_gicv3)
{
    struct tz_run_report r;
    sqlite3 *d = run_twice("scenarios/tsp.lua", "tsp.db", false, &r);
    check_boot_and_calls(d, false);
    /* No GIC errors at all on the GICv3 machine. */
    cr_expect_eq(q(d, "select count(*) from events where kind = 20"), 0);
    sqlite3_close(d);
}

Test(tsp, boot_calls_smp_gicv2)
{
    struct tz_run_report r;
    sqlite3 *d = run_twice("scenarios/tsp.lua", "tsp-v2.db", true, &r);
    check_boot_and_calls(d, true);
    sqlite3_close(d);
}

/* A secure interrupt while the normal world runs: FIQ to EL3, the payload's
 * fiq_entry, acknowledged and ended at S-EL1, FIQ_DONE, the normal world
 * resumed at the interrupted instruction. */
static void check_fiq(sqlite3 *d, bool v2)
{
    uint64_t vt = vector_table(d);
    cr_expect_eq(q(d, "select count(*) from events where kind = 2 and a0 = 2 and from_ns = 1 and "
                      "to_el = 3"), 1);
    long long fiq = q(d, "select seq from events where kind = 2 and a0 = 2 and to_el = 3");
    long long fiq_pc = q(d, "select pc from events where kind = 2 and a0 = 2 and to_el = 3");
    long long enter = q(d, "select min(seq) from events where kind = 4 and to_ns = 0 and "
                           "seq > %lld", fiq);
    cr_expect_eq(q(d, "select pc from events where seq = %lld", enter), (long long)(vt + VEC_FIQ));
    long long ack = q(d, "select seq from events where kind = 17 and intid = 48 and to_el = 1 "
                         "and to_ns = 0");
    cr_expect_eq(q(d, "select a0 from events where seq = %lld", ack), v2 ? 0 : 1, "group");
    long long eoi = q(d, "select seq from events where kind = 18 and intid = 48");
    long long done = q(d, "select seq from events where kind = 5 and fid = %lld and from_ns = 0",
                       (long long)RV_FIQ_DONE);
    long long back = q(d, "select min(seq) from events where kind = 4 and to_ns = 1 and "
                          "seq > %lld", done);
    cr_expect(fiq < enter && enter < ack && ack < eoi && eoi < done && done < back,
              "order: FIQ %lld, enter %lld, ack %lld, EOI %lld, FIQ_DONE %lld, back %lld", fiq,
              enter, ack, eoi, done, back);
    cr_expect_eq(q(d, "select pc from events where seq = %lld", back), fiq_pc,
                 "the normal world did not resume at the interrupted PC");
    cr_expect(console_has(d, "tsp: FIQ entry on core 0: INTID 48 handled (normal world at 0x"));
    cr_expect(console_has(d, "nwd-tsp: STATS: 1 FIQ entries, 0 native interrupts, 0 "
                             "foreign-interrupt RPCs"));
    cr_expect(console_has(d, "nwd-tsp: all tests passed"));
    expect_world_switches_alternate(d);
}

Test(tsp, secure_interrupt_to_fiq_entry_gicv3)
{
    struct tz_run_report r;
    sqlite3 *d = run_twice("scenarios/tsp-fiq.lua", "tsp-fiq.db", false, &r);
    check_fiq(d, false);
    sqlite3_close(d);
}

Test(tsp, secure_interrupt_to_fiq_entry_gicv2)
{
    struct tz_run_report r;
    sqlite3 *d = run_twice("scenarios/tsp-fiq.lua", "tsp-fiq-v2.db", true, &r);
    check_fiq(d, true);
    sqlite3_close(d);
}

/* Native and foreign interrupts during LOOP. On a GICv3 at S-EL1 a Secure
 * Group 1 interrupt is an IRQ and a Non-secure Group 1 one an FIQ; on a GICv2
 * (FIQEn) Group 0 is the FIQ and Group 1 the IRQ. */
static void check_foreign(sqlite3 *d, bool v2)
{
    uint64_t vt = vector_table(d);
    int native_class = v2 ? 2 : 1, foreign_class = v2 ? 1 : 2;
    long long native = q(d, "select seq from events where kind = 2 and a0 = %d and to_el = 1 and "
                            "to_ns = 0", native_class);
    long long ack48 = q(d, "select seq from events where kind = 17 and intid = 48 and to_ns = 0");
    long long eoi48 = q(d, "select seq from events where kind = 18 and intid = 48");
    long long foreign = q(d, "select seq from events where kind = 2 and a0 = %d and to_el = 1 and "
                             "to_ns = 0", foreign_class);
    long long rpc = q(d, "select seq from events where kind = 5 and fid = %lld and a0 = %lld",
                      (long long)RV_CALL_DONE, (long long)RPC_FOREIGN_INTR);
    long long rpc_ret = q(d, "select seq from events where kind = 6 and fid = %lld and a0 = %lld",
                          (long long)FID_LOOP, (long long)RPC_FOREIGN_INTR);
    long long token = q(d, "select a3 from events where seq = %lld", rpc_ret);
    long long ns_irq = q(d, "select seq from events where kind = 2 and a0 = 1 and to_el = 1 and "
                            "to_ns = 1");
    long long ack49 = q(d, "select seq from events where kind = 17 and intid = 49 and to_ns = 1");
    long long eoi49 = q(d, "select seq from events where kind = 18 and intid = 49");
    long long resume = q(d, "select seq from events where kind = 5 and fid = %lld and a2 = %lld",
                         (long long)FID_RETURN_FROM_RPC, token);
    long long done = q(d, "select seq from events where kind = 6 and fid = %lld and a0 = 0",
                       (long long)FID_RETURN_FROM_RPC);
    cr_expect(native < ack48 && ack48 < eoi48 && eoi48 < foreign && foreign < rpc &&
                  rpc < rpc_ret && rpc_ret < ns_irq && ns_irq < ack49 && ack49 < eoi49 &&
                  eoi49 < resume && resume < done,
              "order: native %lld ack %lld eoi %lld, foreign %lld rpc %lld returned %lld, NS IRQ "
              "%lld ack %lld eoi %lld, resume %lld done %lld", native, ack48, eoi48, foreign,
              rpc, rpc_ret, ns_irq, ack49, eoi49, resume, done);
    cr_expect_neq(token, 0);
    /* RETURN_FROM_RPC entered the payload's yielding entry, the resumed
     * loop finished: 10000 iterations, 1 RPC, 1 native interrupt. */
    expect_round_trip(d, resume, 0, FID_RETURN_FROM_RPC, vt, VEC_YIELD);
    cr_expect_eq(q(d, "select a1 from events where seq = %lld", done), 10000);
    cr_expect_eq(q(d, "select a2 from events where seq = %lld", done), 1);
    cr_expect_eq(q(d, "select a3 from events where seq = %lld", done), 1);
    /* Both interrupts were taken inside the loop, at S-EL1, none at EL3. */
    cr_expect_eq(q(d, "select count(*) from events where kind = 2 and a0 in (1, 2) and "
                      "to_el = 3"), 0);
    cr_expect(console_has(d, "nwd-tsp: IRQ INTID 49 taken during a foreign-interrupt RPC"));
    cr_expect(console_has(d, "nwd-tsp: LOOP 10000: status 0x0, 10000 iterations, 1 "
                             "foreign-interrupt RPCs, 1 native interrupts"));
    expect_world_switches_alternate(d);
}

Test(tsp, native_and_foreign_interrupts_during_loop_gicv3)
{
    struct tz_run_report r;
    sqlite3 *d = run_twice("scenarios/tsp-foreign.lua", "tsp-foreign.db", false, &r);
    check_foreign(d, false);
    sqlite3_close(d);
}

Test(tsp, native_and_foreign_interrupts_during_loop_gicv2)
{
    struct tz_run_report r;
    sqlite3 *d = run_twice("scenarios/tsp-foreign.lua", "tsp-foreign-v2.db", true, &r);
    check_foreign(d, true);
    sqlite3_close(d);
}
