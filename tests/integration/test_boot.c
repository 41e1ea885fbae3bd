/* End to end: the default scenario boots EL3 -> S-EL1 -> NS-EL1, makes 1000
 * SMC round trips with correct results, and the trace records every world
 * switch. Runs the real firmware on real Unicorn with a real SQLite file. */
#include "helpers.h"

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
