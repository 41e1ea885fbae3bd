/* End to end: the default scenario boots EL3 -> S-EL1 -> NS-EL1, makes 1000
 * SMC round trips with correct results, and the trace records every world
 * switch. Runs the real firmware on real Unicorn with a real SQLite file. */
#include "helpers.h"

#include "traces/trace.h"

Test(boot, default_scenario)
{
    const char *db = tmp_path("boot.db");
    struct tz_run_report r;
    int rc = run_inproc(src_path("scenarios/default.lua"), db, 0, &r, tmp_path("boot.out"));
    char *out = read_file(tmp_path("boot.out"), NULL);
    cr_assert_eq(rc, TZ_EXIT_OK, "exit %d: %s\n%s", rc, r.error, out);
    cr_expect(strstr(out, "uart1: sel1: up"));
    cr_expect(strstr(out, "uart0: nsel1: 1000 round trips ok"));
    cr_expect(strstr(out, "SMC round trips: "));
    cr_expect(strstr(out, "digest:"));
    cr_expect_eq(r.stats.stop, TZ_STOP_SYSTEM_OFF);
    cr_expect_geq(r.stats.smc_ns_returns, 1000);
    free(out);

    sqlite3 *d = open_db(db);
    /* One world-switch row per transition between worlds below EL3. */
    long long ws = q1(d, "select count(*) from events where kind = 4");
    cr_expect_eq((unsigned long long)ws, r.stats.world_switches);
    cr_expect_geq(ws, 2001);
    /* Transitions alternate and each goes from one world to the other. */
    cr_expect_eq(q1(d, "select count(*) from events where kind = 4 and from_ns = to_ns"), 0);
    cr_expect_eq(q1(d, "select count(*) from events a join events b on b.run = a.run and "
                       "b.seq = (select min(seq) from events where kind = 4 and seq > a.seq) "
                       "where a.kind = 4 and a.to_ns = b.to_ns"), 0);
    /* Boot order: S-EL1 is entered before NS-EL1. */
    long long s_first = q1(d, "select min(seq) from events where kind = 3 and to_el = 1 and to_ns = 0");
    long long ns_first = q1(d, "select min(seq) from events where kind = 3 and to_el = 1 and to_ns = 1");
    cr_expect_lt(s_first, ns_first);
    /* Every ADD round trip (fid 0xB2000001) returned a+b: check the results
     * recorded in SMC_RETURN against the arguments of the matching call. */
    long long adds = q1(d, "select count(*) from events where kind = 6 and fid = 2986344449");
    cr_expect_eq(adds, 1000);
    long long bad = q1(d,
        "select count(*) from events c join events r on r.run = c.run and r.kind = 6 and "
        "r.seq = (select min(seq) from events where kind = 6 and seq > c.seq and cpu = c.cpu) "
        "where c.kind = 5 and c.fid = 2986344449 and r.a0 != c.a0 + c.a1");
    cr_expect_eq(bad, 0);
    /* Round-trip costs are recorded and positive. */
    cr_expect_eq(q1(d, "select count(*) from events where kind = 6 and (dur_icount is null or dur_icount <= 0)"), 0);
    cr_expect_eq(q1(d, "select count(*) from runs where status = 'ok' and stop_reason_name = 'system_off'"), 1);
    cr_expect_eq(q1(d, "select count(*) from console where line = 'nsel1: 1000 round trips ok'"), 1);
    /* The report computes the same round trips from the file alone. */
    char args[1200], *rout, *rerr;
    snprintf(args, sizeof args, "report '%s'", db);
    cr_expect_eq(run_cli(args, &rout, &rerr), 0, "%s", rerr);
    cr_expect(strstr(rout, "0xb2000001 normal     1000"), "%s", rout);
    cr_expect(strstr(rout, "world switches: 1011 to secure, 1012 to normal"), "%s", rout);
    /* No cache model, so no findings or counters sections. */
    cr_expect(!strstr(rout, "findings"), "%s", rout);
    cr_expect(!strstr(rout, "counters"), "%s", rout);
    free(rout), free(rerr);
    cr_expect_eq(q1(d, "select count(*) from meta where key in ('format_version','tzsim_version','platform_sha256','scenario_sha256','seed','image.0.sha256')"), 6);
    sqlite3_close(d);
}

Test(boot, smp_secondary_core_via_psci)
{
    const char *db = tmp_path("smp.db");
    struct tz_run_report r;
    int rc = run_inproc(src_path("scenarios/smp.lua"), db, 0, &r, tmp_path("smp.out"));
    char *out = read_file(tmp_path("smp.out"), NULL);
    cr_assert_eq(rc, TZ_EXIT_OK, "exit %d: %s\n%s", rc, r.error, out);
    cr_expect(strstr(out, "nsel1[1]: 100 round trips ok"));
    cr_expect(strstr(out, "nsel1: smp ok"));
    free(out);
    sqlite3 *d = open_db(db);
    /* Core 1 was powered on once (by CPU_ON) and off once (CPU_OFF). */
    cr_expect_eq(q1(d, "select count(*) from events where kind = 1 and cpu = 1 and a0 = 1"), 1);
    cr_expect_eq(q1(d, "select count(*) from events where kind = 1 and cpu = 1 and a0 = 0"), 1);
    cr_expect_geq(q1(d, "select count(*) from events where kind = 6 and cpu = 1 and to_ns = 1"), 100);
    sqlite3_close(d);
}

Test(boot, exact_stops)
{
    struct tz_run_report r;
    int rc = run_inproc(src_path("tests/scenarios/exact_stop.lua"), NULL, 0, &r, tmp_path("exact.out"));
    cr_assert_eq(rc, TZ_EXIT_OK, "exit %d: %s", rc, r.error);
    /* Same with a tiny and a huge quantum. */
    rc = run_inproc(src_path("tests/scenarios/exact_stop.lua"), NULL, 3, &r, tmp_path("exact.out"));
    cr_assert_eq(rc, TZ_EXIT_OK, "quantum 3: exit %d: %s", rc, r.error);
    rc = run_inproc(src_path("tests/scenarios/exact_stop.lua"), NULL, 1000000, &r, tmp_path("exact.out"));
    cr_assert_eq(rc, TZ_EXIT_OK, "quantum 1e6: exit %d: %s", rc, r.error);
}

Test(boot, cli_help_and_version)
{
    char *out, *err;
    cr_expect_eq(run_cli("--version", &out, &err), 0);
    cr_expect(strstr(out, "tzsim "));
    free(out), free(err);
    cr_expect_eq(run_cli("--help", &out, &err), 0);
    cr_expect(strstr(out, "usage: tzsim run SCENARIO"));
    free(out), free(err);
}

/* tzsim report prints a run's findings and counters after the latency
 * sections, and nothing for a run without them or a trace older than the
 * tables. The trace is written with the trace API: no simulation needed. */
Test(report, findings_and_counters)
{
    const char *db = tmp_path("report-findings.db");
    struct tz_trace *t = NULL;
    struct tz_error err = {{0}};
    cr_assert_eq(tz_trace_open(&t, db, &err), 0, "%s", err.msg);
    struct tz_run_info info = {.scenario = "s.lua", .platform = "qemu-virt", .ncpus = 2};
    cr_assert_eq(tz_trace_run_begin(t, &info, NULL), 0);
    struct tz_finding_row f = {
        .id = 0, .rule = 1, .rule_name = "stale-read", .missing = "no DC CVAC/CIVAC to PoC",
        .line_pa = 0x42000000, .ns = 1, .count = 256, .last_icount = 9, .last_cpu = 0,
        .first = {.who = "cpu0", .el = 1, .ns = 1, .pc = 0x40081100, .has_pc = true,
                  .sym = "shm_write+0x60", .icount = 5, .va = 0x42000000, .pa = 0x42000000,
                  .has_va = true, .smc_fid = TZ_NA, .op = "write", .attr = "Normal"},
        .second = {.who = "dma@9100000", .el = TZ_NA, .ns = 1, .icount = 9, .pa = 0x42000000,
                   .smc_fid = TZ_NA, .op = "read", .attr = "DMA"},
        .message = "stale read: dma@9100000 read 0x42000000"};
    cr_assert_eq(tz_trace_finding(t, &f), 0);
    f.id = 1;
    f.rule = 8;
    f.rule_name = "tzasc-blocked";
    f.count = 1;
    f.first.who = NULL;
    f.message = "tzasc: blocked";
    cr_assert_eq(tz_trace_finding(t, &f), 0);
    tz_trace_counter(t, TZ_NA, "l2_writebacks", 4);
    tz_trace_counter(t, 1, "l1d_hits", 11);
    tz_trace_counter(t, 0, "l1d_hits", 0xffffffffffffffffull);
    tz_trace_counter(t, 0, "l1d_misses", 3);
    cr_assert_eq(tz_trace_run_end(t, "ok", TZ_STOP_SYSTEM_OFF, 10, 10, &err), 0, "%s", err.msg);
    cr_assert_eq(tz_trace_run_begin(t, &info, NULL), 0); /* run 2: neither */
    cr_assert_eq(tz_trace_run_end(t, "ok", TZ_STOP_SYSTEM_OFF, 10, 10, &err), 0, "%s", err.msg);
    cr_assert_eq(tz_trace_close(t, &err), 0, "%s", err.msg);

    char args[1200], *out, *errs;
    snprintf(args, sizeof args, "report '%s' --run 1", db);
    cr_assert_eq(run_cli(args, &out, &errs), 0, "%s", errs);
    const char *fs = strstr(out, "  findings of the cache checker and the TZASC");
    cr_assert(fs, "%s", out);
    cr_expect(strstr(out, "no interrupts acknowledged") < fs, "findings come last:\n%s", out);
    cr_expect(strstr(fs, "    [0]   stale-read                256  stale read: dma@9100000 read"
                         " 0x42000000\n"), "%s", out);
    cr_expect(strstr(fs, "    [1]   tzasc-blocked               1  tzasc: blocked\n"), "%s", out);
    /* Counters grouped by CPU in order, machine-wide last, u64 unsigned. */
    cr_expect(strstr(fs, "  counters:\n"
                         "    cpu0:    l1d_hits 18446744073709551615, l1d_misses 3\n"
                         "    cpu1:    l1d_hits 11\n"
                         "    machine: l2_writebacks 4\n"), "%s", out);
    free(out), free(errs);

    snprintf(args, sizeof args, "report '%s' --run 2", db);
    cr_assert_eq(run_cli(args, &out, &errs), 0, "%s", errs);
    cr_expect(!strstr(out, "findings") && !strstr(out, "counters"), "%s", out);
    free(out), free(errs);

    /* A trace written before the findings and counters tables existed. */
    sqlite3 *d;
    cr_assert_eq(sqlite3_open(db, &d), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(d, "DROP TABLE findings; DROP TABLE counters;", NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(d);
    snprintf(args, sizeof args, "report '%s'", db);
    cr_assert_eq(run_cli(args, &out, &errs), 0, "%s", errs);
    cr_expect(strstr(out, "run 2: s.lua"), "%s", out);
    cr_expect(!strstr(out, "findings") && !strstr(out, "counters"), "%s", out);
    free(out), free(errs);
}
