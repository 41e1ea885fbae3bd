/* The same inputs give the same trace: the digest of two runs of a scenario
 * is identical, single-core results do not depend on the quantum, and the
 * trace files are byte-identical. */
#include "helpers.h"

static void digest_of(const char *scn, const char *db, uint64_t quantum, char out[65])
{
    struct tz_run_report r;
    int rc = run_inproc(scn, db, quantum, &r, tmp_path("det.out"));
    cr_assert_eq(rc, TZ_EXIT_OK, "%s exit %d: %s", scn, rc, r.error);
    memcpy(out, r.digest, 65);
}

Test(determinism, same_scenario_twice_and_other_quanta)
{
    char a[65], b[65], c[65], d[65];
    const char *scn = src_path("scenarios/default.lua");
    digest_of(scn, tmp_path("det-a.db"), 0, a);
    digest_of(scn, tmp_path("det-b.db"), 0, b);
    digest_of(scn, NULL, 7, c);
    digest_of(scn, NULL, 250000, d);
    cr_expect_str_eq(a, b, "two runs differ");
    cr_expect_str_eq(a, c, "quantum 7 changed a single-core run");
    cr_expect_str_eq(a, d, "quantum 250000 changed a single-core run");
    /* The files themselves are byte-identical. */
    size_t la = 0, lb = 0;
    char *fa = read_file(tmp_path("det-a.db"), &la), *fb = read_file(tmp_path("det-b.db"), &lb);
    cr_assert(fa && fb);
    cr_expect_eq(la, lb);
    cr_expect(la == lb && memcmp(fa, fb, la) == 0, "trace files differ");
    free(fa);
    free(fb);
}

Test(determinism, multicore_same_quantum)
{
    char a[65], b[65];
    const char *scn = src_path("scenarios/smp.lua");
    digest_of(scn, NULL, 0, a);
    digest_of(scn, NULL, 0, b);
    cr_expect_str_eq(a, b);
}

Test(determinism, cli_prints_the_same_digest)
{
    char args[2048], *o1, *e1, *o2, *e2;
    snprintf(args, sizeof args, "run '%s' --db none --quiet", src_path("scenarios/default.lua"));
    cr_assert_eq(run_cli(args, &o1, &e1), 0, "%s", e1);
    cr_assert_eq(run_cli(args, &o2, &e2), 0, "%s", e2);
    char *d1 = strstr(o1, "digest:"), *d2 = strstr(o2, "digest:");
    cr_assert(d1 && d2);
    cr_expect_str_eq(d1, d2);
    free(o1), free(e1), free(o2), free(e2);
}
