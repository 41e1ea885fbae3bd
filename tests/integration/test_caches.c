/* The memory system end to end (sim/memsys.c, docs/caches.md): real
 * firmware under --cache=check and --cache=faithful produces no findings,
 * runs are deterministic with the model on, and the shipped cache
 * scenarios report exactly their bugs. */
#include "helpers.h"

/* Runs scenario rel with extra CLI options into db; asserts exit 0. */
static void run_ok(const char *rel, const char *opts, const char *db)
{
    char args[2048], *out, *err;
    snprintf(args, sizeof args, "run '%s' --db '%s' --quiet %s", src_path(rel), tmp_path(db), opts);
    int rc = run_cli(args, &out, &err);
    cr_assert_eq(rc, 0, "%s %s: exit %d\n%s\n%s", rel, opts, rc, out, err);
    free(out);
    free(err);
}

static long long findings(const char *db, const char *where)
{
    sqlite3 *d = open_db(tmp_path(db));
    char sql[512];
    snprintf(sql, sizeof sql, "select count(*) from findings where %s", where);
    long long n = q1(d, sql);
    sqlite3_close(d);
    return n;
}

static void digest_of(const char *db, char out[65])
{
    sqlite3 *d = open_db(tmp_path(db));
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(d, "select digest from runs where id = 1", -1, &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, 65, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(d);
}

/* Writes tmp/<name>: the built qemu-virt-gicv3 platform with the sed
 * script `edit` applied to its source. */
static const char *patched_dtb(const char *edit, const char *name)
{
    char cmd[4096];
    const char *plat = env_or("TZSIM_PLATFORM_DIR", "build/platforms");
    snprintf(cmd, sizeof cmd,
             "dtc -q -I dtb -O dts '%s/qemu-virt-gicv3.dtb' | sed '%s' | dtc -q -I dts -O dtb -o '%s'",
             plat, edit, tmp_path(name));
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    return tmp_path(name);
}

Test(caches, optee_session_no_findings_deterministic)
{
    run_ok("scenarios/optee.lua", "--cache=check", "c-optee.db");
    run_ok("scenarios/optee.lua", "--cache=check", "c-optee2.db");
    cr_expect_eq(findings("c-optee.db", "1"), 0);
    char a[65], b[65];
    digest_of("c-optee.db", a);
    digest_of("c-optee2.db", b);
    cr_expect_str_eq(a, b, "two runs with --cache=check differ");
    /* The model really ran: OP-TEE runs with its caches on. */
    sqlite3 *d = open_db(tmp_path("c-optee.db"));
    cr_expect_gt(q1(d, "select sum(value) from counters where name = 'l1d_hits'"), 100000);
    cr_expect_gt(q1(d, "select sum(value) from counters where name = 'l1i_hits'"), 100000);
    cr_expect_gt(q1(d, "select value from counters where name = 'secure IC IALLU'"
                       " or name = 'secure DC CIVAC' limit 1"), 0);
    sqlite3_close(d);
}

Test(caches, optee_smp_no_findings)
{
    run_ok("scenarios/optee-smp.lua", "--cache=check", "c-optee-smp.db");
    cr_expect_eq(findings("c-optee-smp.db", "1"), 0);
}

Test(caches, optee_faithful_still_boots)
{
    run_ok("scenarios/optee.lua", "--cache=faithful", "c-optee-f.db");
    cr_expect_eq(findings("c-optee-f.db", "1"), 0);
}

Test(caches, rpi4_bl31_no_findings)
{
    run_ok("scenarios/rpi4-bl31.lua", "--cache=check", "c-rpi4.db");
    cr_expect_eq(findings("c-rpi4.db", "1"), 0);
    sqlite3 *d = open_db(tmp_path("c-rpi4.db"));
    cr_expect_gt(q1(d, "select sum(value) from counters where name = 'l1d_hits'"), 10000);
    sqlite3_close(d);
}

Test(caches, off_is_unchanged)
{
    /* --cache=off is the machine without the memory system: the same
     * digest as no option at all. */
    run_ok("scenarios/default.lua", "", "c-def.db");
    run_ok("scenarios/default.lua", "--cache=off", "c-def-off.db");
    char a[65], b[65];
    digest_of("c-def.db", a);
    digest_of("c-def-off.db", b);
    cr_expect_str_eq(a, b);
}

Test(caches, bad_mode_is_bad_input)
{
    char *out, *err;
    char args[1024];
    snprintf(args, sizeof args, "run '%s' --db none --cache=sometimes", src_path("scenarios/default.lua"));
    int rc = run_cli(args, &out, &err);
    cr_expect_eq(rc, 2);
    cr_expect(strstr(err, "--cache: 'sometimes' is not off, check or faithful") != NULL, "%s", err);
    free(out);
    free(err);
}

Test(caches, mmu_permission_fault_at_el3_is_a_guest_error)
{
    /* With the memory system on, tzsim checks stage-1 permissions itself:
     * a write to a read-only page at EL3 ends the run with a register
     * dump and a GUEST_ERROR carrying the architected syndrome (EC 0x25,
     * IL, WnR, FSC 0x0f = permission fault level 3). */
    char args[2048], *out, *err;
    snprintf(args, sizeof args, "run '%s' --db '%s' --cache=check",
             src_path("tests/scenarios/mmu-fault.lua"), tmp_path("c-mmu.db"));
    int rc = run_cli(args, &out, &err);
    cr_expect_eq(rc, 1, "exit %d\n%s\n%s", rc, out, err);
    cr_expect(strstr(err, "MMU fault (fault status 0x0f) on a write of va 0xe201000 at EL3"), "%s", err);
    cr_expect(strstr(out, "mmu-fault: read-only now, read 0x1"), "%s", out);
    cr_expect(!strstr(out, "did not fault"), "%s", out);
    sqlite3 *d = open_db(tmp_path("c-mmu.db"));
    cr_expect_eq(q1(d, "select a1 from events where kind = 10"), 0x9600004f);
    sqlite3_close(d);
    free(out);
    free(err);
}

/* The five scenarios of docs/caches.md ("Scenarios") check their own
 * findings (test_scenarios runs them with their machine{cache = "check"}).
 * Here: the same files in faithful mode, where the buggy run (run 1 of
 * each sweep) reads what silicon would and the fixed run (run 2) does not,
 * and the findings are the same as in check mode. */
static long long console_has(const char *db, int run, const char *like)
{
    sqlite3 *d = open_db(tmp_path(db));
    char sql[512];
    snprintf(sql, sizeof sql, "select count(*) from console where run = %d and line like '%s'", run,
             like);
    long long n = q1(d, sql);
    sqlite3_close(d);
    return n;
}

Test(caches, faithful_shared_buffer_checksum_is_wrong)
{
    run_ok("scenarios/cache-shared-buffer.lua", "--cache=faithful", "f-shm.db");
    cr_expect_eq(console_has("f-shm.db", 1, "cache-nwd: checksum MISMATCH%"), 1);
    cr_expect_eq(console_has("f-shm.db", 2, "cache-nwd: checksum ok%"), 1);
    cr_expect_eq(findings("f-shm.db", "run = 1 and rule = 1"), 1);
    cr_expect_eq(findings("f-shm.db", "run = 2"), 0);
    /* In check mode the guest sees coherent memory: the checksum is right
     * and the finding is the same. */
    run_ok("scenarios/cache-shared-buffer.lua", "--cache=check", "c-shm.db");
    cr_expect_eq(console_has("c-shm.db", 1, "cache-nwd: checksum ok%"), 1);
    cr_expect_eq(findings("c-shm.db", "run = 1 and rule = 1 and first_sym like 'shm_write_message+%'"
                                      " and second_sym like 'tsp_checksum+%' and second_op = 'read'"
                                      " and first_ns = 1 and second_ns = 0 and second_el = 1"
                                      " and second_smc_fid = 4076863491"), 1);
    /* The shared library the scenario includes is recorded with its hash. */
    sqlite3 *d = open_db(tmp_path("c-shm.db"));
    cr_expect_eq(q1(d, "select count(*) from meta where key = 'include.0.path'"
                       " and value like '%/scenarios/lib/cache-case.lua'"), 1);
    cr_expect_eq(q1(d, "select length(value) from meta where key = 'include.0.sha256'"), 64);
    cr_expect_eq(q1(d, "select count(*) from meta where key like 'include.%'"), 2);
    sqlite3_close(d);
}

Test(caches, faithful_response_is_stale)
{
    run_ok("scenarios/cache-response.lua", "--cache=faithful", "f-resp.db");
    cr_expect_eq(console_has("f-resp.db", 1, "cache-nwd: response MISMATCH%"), 1);
    cr_expect_eq(console_has("f-resp.db", 2, "cache-nwd: response ok"), 1);
}

Test(caches, faithful_stale_code_runs_the_old_instructions)
{
    run_ok("scenarios/cache-stale-code.lua", "--cache=faithful", "f-code.db");
    cr_expect_eq(console_has("f-code.db", 1, "cache-nwd: code returned 1 (STALE%"), 1);
    cr_expect_eq(console_has("f-code.db", 2, "cache-nwd: code returned 2 (the new code ran)"), 1);
    cr_expect_eq(findings("f-code.db", "run = 1 and rule = 4"), 1);
    /* check: coherent, the new code runs, and the finding is the same. */
    run_ok("scenarios/cache-stale-code.lua", "--cache=check", "c-code.db");
    cr_expect_eq(console_has("c-code.db", 1, "cache-nwd: code returned 2 (the new code ran)"), 1);
    cr_expect_eq(findings("c-code.db", "run = 1 and rule = 4"), 1);
}

Test(caches, faithful_dma_sees_memory_not_caches)
{
    run_ok("scenarios/cache-dma.lua", "--cache=faithful", "f-dma.db");
    cr_expect_eq(console_has("f-dma.db", 1, "cache-nwd: dma MISMATCH%"), 1);
    cr_expect_eq(console_has("f-dma.db", 1, "cache-nwd: dma into dirty lines MISMATCH%"), 1);
    cr_expect_eq(console_has("f-dma.db", 2, "cache-nwd: dma ok"), 1);
    cr_expect_eq(findings("f-dma.db", "run = 1 and rule = 7 and second_who = 'dma@9100000'"), 1);
}

Test(caches, replay_uses_the_runs_cache_mode)
{
    run_ok("scenarios/tsp.lua", "--cache=check", "c-replay.db");
    sqlite3 *d = open_db(tmp_path("c-replay.db"));
    cr_expect_eq(q1(d, "select count(*) from runs where params = 'index=0 cache=check'"), 1);
    cr_expect_eq(q1(d, "select count(*) from meta where key = 'cache' and value = 'check'"), 1);
    sqlite3_close(d);
    char args[1024], *out, *err;
    snprintf(args, sizeof args, "replay '%s' --run 1", tmp_path("c-replay.db"));
    int rc = run_cli(args, &out, &err);
    cr_expect_eq(rc, 0, "%s\n%s", out, err);
    cr_expect(strstr(out, "replay matches") != NULL, "%s", out);
    cr_expect(strstr(out, "caches:          check") != NULL, "%s", out);
    free(out);
    free(err);
}

Test(caches, cycles_from_the_platform_move_virtual_time)
{
    /* The platform's /cpus tzsim,cache-cycles sets the costs: dearer misses
     * give the same instructions a longer virtual time; a bad property is
     * bad input naming the file and node. */
    patched_dtb("s|^\\tcpus {|\\tcpus {\\n\\t\\ttzsim,cache-cycles = <1 20 30 200 200 0 4>;|",
                "cyc.dtb");
    patched_dtb("s|^\\tcpus {|\\tcpus {\\n\\t\\ttzsim,cache-cycles = <1 2 3>;|", "cyc-bad.dtb");
    char opt[1200];
    run_ok("scenarios/cache-shared-buffer.lua", "", "cyc-a.db");
    snprintf(opt, sizeof opt, "--dtb '%s'", tmp_path("cyc.dtb"));
    run_ok("scenarios/cache-shared-buffer.lua", opt, "cyc-b.db");
    sqlite3 *a = open_db(tmp_path("cyc-a.db")), *b = open_db(tmp_path("cyc-b.db"));
    const char *q = "select total_icount * 1000000 + vtime_ns from runs where id = 1";
    long long ia = q1(a, "select total_icount from runs where id = 1");
    long long ib = q1(b, "select total_icount from runs where id = 1");
    cr_expect_eq(ia, ib);
    cr_expect_lt(q1(a, q), q1(b, q));
    sqlite3_close(a);
    sqlite3_close(b);
    char args[2048], *out, *err;
    snprintf(args, sizeof args, "run '%s' --db none --dtb '%s'",
             src_path("scenarios/cache-shared-buffer.lua"), tmp_path("cyc-bad.dtb"));
    cr_expect_eq(run_cli(args, &out, &err), 2);
    cr_expect(strstr(err, "/cpus: tzsim,cache-cycles has 12 bytes, expected 7 cells"), "%s", err);
    free(out);
    free(err);
}

Test(caches, tzasc_abort_action)
{
    /* tzsim,tzasc-action = "abort" on the secure DRAM node: the normal
     * world's access gets a synchronous external abort (its handler skips
     * the instruction) and the finding says so. */
    char opt[1200];
    snprintf(opt, sizeof opt, "--dtb '%s'",
             patched_dtb("s|^\\tsecdram@e100000 {|\\tsecdram@e100000 {\\n"
                         "\\t\\ttzsim,tzasc-action = \"abort\";|", "abort.dtb"));
    run_ok("scenarios/cache-secure-access.lua", opt, "c-abort.db");
    cr_expect_eq(console_has("c-abort.db", 1, "cache-nwd: read 0x% (external abort)"), 1);
    cr_expect_eq(findings("c-abort.db", "run = 1 and rule = 8 and missing like '%external abort'"),
                 2);
    cr_expect_eq(findings("c-abort.db", "run = 2"), 0);
    /* Any other action is bad input naming the file, the node and the value. */
    char args[2048], *out, *err;
    snprintf(args, sizeof args, "run '%s' --db none --dtb '%s'",
             src_path("scenarios/cache-secure-access.lua"),
             patched_dtb("s|^\\tsecdram@e100000 {|\\tsecdram@e100000 {\\n"
                         "\\t\\ttzsim,tzasc-action = \"fault\";|", "bad-action.dtb"));
    cr_expect_eq(run_cli(args, &out, &err), 2);
    cr_expect(strstr(err, "bad-action.dtb: /secdram@e100000: tzsim,tzasc-action \"fault\" is not "
                          "\"raz-wi\" or \"abort\""), "%s", err);
    free(out);
    free(err);
}

Test(caches, geometry_comes_from_the_device_tree)
{
    /* The same run on a platform whose L1D is 4 KiB (d-cache-size and
     * d-cache-sets of every cpu node) misses more. */
    char opt[1200];
    snprintf(opt, sizeof opt, "--cache=check --dtb '%s'",
             patched_dtb("s|d-cache-size = <0x8000>|d-cache-size = <0x1000>|; "
                         "s|d-cache-sets = <0x100>|d-cache-sets = <0x20>|", "small-l1d.dtb"));
    run_ok("scenarios/optee.lua", "--cache=check", "geo-a.db");
    run_ok("scenarios/optee.lua", opt, "geo-b.db");
    sqlite3 *a = open_db(tmp_path("geo-a.db")), *b = open_db(tmp_path("geo-b.db"));
    const char *q = "select sum(value) from counters where name = 'l1d_misses'";
    long long ma = q1(a, q), mb = q1(b, q);
    cr_expect_gt(mb, ma * 3 / 2, "L1D misses: 32 KiB %lld, 4 KiB %lld", ma, mb);
    cr_expect_eq(q1(b, "select count(*) from findings"), 0);
    sqlite3_close(a);
    sqlite3_close(b);
}

/* A sweep prints each run's findings under a line naming the run, serial
 * and with worker processes alike. */
Test(caches, sweep_prints_every_runs_findings)
{
    const char *jobs[] = {"", "-j 2"};
    for (int j = 0; j < 2; j++) {
        char args[2048], *out, *err;
        snprintf(args, sizeof args, "run '%s' --db '%s' --quiet --cache=check %s",
                 src_path("scenarios/cache-dma.lua"), tmp_path(j ? "sw-j2.db" : "sw-j1.db"),
                 jobs[j]);
        int rc = run_cli(args, &out, &err);
        cr_assert_eq(rc, 0, "%s: exit %d\n%s\n%s", args, rc, out, err);
        const char *r1 = strstr(out, "  run 1 [index=0 fixed=0]: ok\n");
        const char *r2 = strstr(out, "  run 2 [index=1 fixed=1]: ok\n");
        cr_assert(r1 && r2 && r1 < r2, "%s: runs not listed in order:\n%s", jobs[j], out);
        const char *f1 = strstr(r1, "    findings:        3\n");
        cr_expect(f1 && f1 < r2, "%s: run 1's findings:\n%s", jobs[j], out);
        cr_expect(f1 && strstr(f1, "    [0] stale read: dma@9100000") != NULL, "%s", out);
        cr_expect(strstr(r2, "    findings:        0\n  runs:            2 ok") != NULL,
                  "%s: run 2's findings:\n%s", jobs[j], out);
        free(out);
        free(err);
    }
}
