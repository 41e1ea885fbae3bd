/* Scenario injection end to end: triggers and actions on the real firmware,
 * sweeps serial and with worker processes, replay, and scenario errors. */
#include "helpers.h"

Test(inject, triggers_actions_and_sql_checks)
{
    struct tz_run_report r;
    int rc = run_inproc(src_path("tests/scenarios/inject.lua"), tmp_path("inject.db"), 0, &r,
                        tmp_path("inject.out"));
    char *err = read_file(tmp_path("inproc.err"), NULL);
    cr_assert_eq(rc, TZ_EXIT_OK, "exit %d: %s %s", rc, r.error, err);
    free(err);
    /* Triggers that only observe do not change the run: same SMC costs. */
    cr_expect_eq(r.stats.smc_rt_max_insns, 1197);
}

Test(inject, trigger_that_never_fires_is_reported)
{
    struct tz_run_report r;
    int rc = run_inproc(src_path("tests/scenarios/never_fires.lua"), NULL, 0, &r, tmp_path("nf.out"));
    char *err = read_file(tmp_path("inproc.err"), NULL);
    cr_expect_eq(rc, TZ_EXIT_FAILED);
    cr_expect(strstr(err, "never_fires.lua:7: this trigger never fired"), "%s", err);
    free(err);
}

static char *runs_of(const char *db)
{
    sqlite3 *d = open_db(db);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(d, "select id, params, status, digest from runs order by id",
                                    -1, &st, NULL), SQLITE_OK);
    size_t cap = 1 << 16, len = 0;
    char *out = calloc(1, cap);
    while (sqlite3_step(st) == SQLITE_ROW)
        len += (size_t)snprintf(out + len, cap - len, "%lld|%s|%s|%s\n", sqlite3_column_int64(st, 0),
                                sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
                                sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    sqlite3_close(d);
    return out;
}

Test(inject, sweep_serial_equals_parallel_and_replays)
{
    char args[2048], *out, *err;
    const char *scn = src_path("tests/scenarios/sweep_offsets.lua");
    char db1[1024], db2[1024];
    snprintf(db1, sizeof db1, "%s", tmp_path("sweep1.db"));
    snprintf(db2, sizeof db2, "%s", tmp_path("sweep2.db"));
    snprintf(args, sizeof args, "run '%s' --db '%s' --quiet", scn, db1);
    cr_expect_eq(run_cli(args, &out, &err), 1, "the sweep has one failing run");
    cr_expect(strstr(out, "sweep of 10 runs"), "%s", out);
    cr_expect(strstr(out, "FAILED run 9 [index=8 n=2 offset=30]"), "%s", out);
    cr_expect(strstr(out, "9 ok, 1 failed"), "%s", out);
    char *d1 = strstr(out, "sweep digest:");
    char dig1[128] = "";
    if (d1)
        snprintf(dig1, sizeof dig1, "%.*s", 80, d1);
    free(out), free(err);

    snprintf(args, sizeof args, "run '%s' --db '%s' --quiet -j 2", scn, db2);
    cr_expect_eq(run_cli(args, &out, &err), 1);
    char *d2 = strstr(out, "sweep digest:");
    cr_assert(d2 && dig1[0]);
    cr_expect(strncmp(dig1, d2, strlen(dig1)) == 0, "serial and -j 2 sweep digests differ");
    free(out), free(err);
    char *r1 = runs_of(db1), *r2 = runs_of(db2);
    cr_expect_str_eq(r1, r2, "per-run params, status and digests differ between serial and -j 2");
    free(r1), free(r2);

    /* The failing combination replays to the same digest, three times. */
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "replay '%s' --run 9 --quiet", db1);
        int rc = run_cli(args, &out, &err);
        cr_expect_eq(rc, 1, "replay of a failing run exits 1");
        cr_expect(strstr(out, "replay matches"), "%s\n%s", out, err);
        free(out), free(err);
    }
    snprintf(args, sizeof args, "replay '%s' --run 3 --quiet", db1);
    cr_expect_eq(run_cli(args, &out, &err), 0);
    cr_expect(strstr(out, "replay matches"));
    free(out), free(err);
}

Test(inject, scenario_errors_name_file_and_line)
{
    char *scn = tmp_path("bad_api.lua");
    write_file(scn, "machine { platform = \"qemu-virt\", images = { { file = \"fw:test/el3-loop.elf\" } } }\n"
                    "\n"
                    "frobnicate { x = 1 }\n");
    char args[2048], *out, *err;
    snprintf(args, sizeof args, "run '%s' --db none", scn);
    cr_expect_eq(run_cli(args, &out, &err), 2);
    cr_expect(strstr(err, "bad_api.lua:3:") && strstr(err, "frobnicate"), "%s", err);
    free(out), free(err);
    scn = tmp_path("bad_arg.lua");
    write_file(scn, "machine { platform = \"qemu-virt\", images = { { file = \"fw:test/el3-loop.elf\" } } }\n"
                    "at { cpu = 0, insn = \"soon\", run = function() end }\n");
    snprintf(args, sizeof args, "run '%s' --db none", scn);
    cr_expect_eq(run_cli(args, &out, &err), 2);
    cr_expect(strstr(err, "bad_arg.lua:2:") && strstr(err, "'insn' must be an integer"), "%s", err);
    free(out), free(err);
}

/* A deliberately buggy monitor (x17 not restored when S-EL1 handled several
 * interrupts in one FIQ entry) is found by a 500-point sweep: the summary
 * names the failing offsets, -j 2 gives the same runs, and a failing run
 * replays to the same failure and digest three times. */
Test(inject, sweep_finds_the_deliberate_bug)
{
    char args[2048], *out, *err, db1[1024], db2[1024];
    const char *scn = src_path("tests/scenarios/sweep-fiq-mid-smc-bug.lua");
    snprintf(db1, sizeof db1, "%s", tmp_path("bug1.db"));
    snprintf(db2, sizeof db2, "%s", tmp_path("bug2.db"));
    snprintf(args, sizeof args, "run '%s' --db '%s' --quiet", scn, db1);
    cr_expect_eq(run_cli(args, &out, &err), 1);
    cr_expect(strstr(out, "sweep of 500 runs"), "%s", out);
    cr_expect(strstr(out, "FAILED run 1 [index=0 offset=130000]"), "%s", out);
    cr_expect(strstr(out, "326 ok, 174 failed"), "%s", out);
    free(out), free(err);
    snprintf(args, sizeof args, "run '%s' --db '%s' --quiet -j 2", scn, db2);
    cr_expect_eq(run_cli(args, &out, &err), 1);
    free(out), free(err);
    char *r1 = runs_of(db1), *r2 = runs_of(db2);
    cr_expect_str_eq(r1, r2, "serial and -j 2 differ");
    free(r1), free(r2);
    sqlite3 *d = open_db(db1);
    long long first_fail = q1(d, "select min(id) from runs where status = 'failed'");
    long long passing = q1(d, "select min(id) from runs where status = 'ok'");
    sqlite3_close(d);
    cr_expect_gt(passing, 0, "some offsets pass");
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "replay '%s' --run %lld --quiet", db1, first_fail);
        cr_expect_eq(run_cli(args, &out, &err), 1);
        cr_expect(strstr(out, "replay matches") && strstr(out, "(failed), replayed"), "%s", out);
        cr_expect(strstr(err, "flow 1 done: checksum ok") || strstr(err, "not found"), "%s", err);
        free(out), free(err);
    }
}

/* An instruction trace of a window changes nothing in the run and has one
 * Tarmac-like IT record per instruction with disassembly and symbols. */
Test(inject, tarmac_window_trace)
{
    char args[2048], *out1, *err1, *out2, *err2, tm[1024];
    snprintf(tm, sizeof tm, "%s", tmp_path("window.tarmac"));
    snprintf(args, sizeof args, "run '%s' --db none --quiet", src_path("scenarios/default.lua"));
    cr_assert_eq(run_cli(args, &out1, &err1), 0);
    snprintf(args, sizeof args, "run '%s' --db none --quiet --trace-insns 56380..57380 --tarmac '%s'",
             src_path("scenarios/default.lua"), tm);
    cr_assert_eq(run_cli(args, &out2, &err2), 0, "%s", err2);
    cr_expect_str_eq(strstr(out1, "digest:"), strstr(out2, "digest:"), "tracing changed the run");
    free(out1), free(err1), free(out2), free(err2);
    size_t len;
    char *t = read_file(tm, &len);
    cr_assert(t);
    int it = 0;
    for (char *p = t; (p = strstr(p, " IT (")); p++)
        it++;
    cr_expect_eq(it, 1000, "IT records");
    cr_expect(strstr(t, "56381 ns IT (56381) 000000000e0039f0 f8008485 A EL3h_s : str"), "%.300s", t);
    cr_expect(strstr(t, "<memset+0x30>"));
    cr_expect(strstr(t, " R X4 "));
    cr_expect(strstr(t, "eret"));
    free(t);
}
