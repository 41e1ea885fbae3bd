/* Debian's real OP-TEE 4.5 (fetched by scripts/setup.sh --firmware) under
 * the reference monitor, with the normal-world payload acting as the Linux
 * driver: boot, identification, a session to a pseudo TA, SMP CPU_ON through
 * OP-TEE's cpu_on entry, a secure interrupt handed to OP-TEE's fiq entry. */
#include "helpers.h"

static void run_twice(const char *scn, const char *db, struct tz_run_report *r)
{
    struct tz_run_report r2;
    char out[64];
    snprintf(out, sizeof out, "%s.out", db);
    int rc = run_inproc(src_path(scn), tmp_path(db), 0, r, tmp_path(out));
    char *o = read_file(tmp_path(out), NULL);
    char *e = read_file(tmp_path("inproc.err"), NULL);
    cr_assert_eq(rc, TZ_EXIT_OK, "%s: exit %d: %s\n%s\n%s", scn, rc, r->error, e, o);
    free(o);
    free(e);
    char db2[64];
    snprintf(db2, sizeof db2, "%s.again", db);
    rc = run_inproc(src_path(scn), tmp_path(db2), 0, &r2, tmp_path(out));
    cr_assert_eq(rc, TZ_EXIT_OK);
    cr_expect_str_eq(r->digest, r2.digest, "%s: two runs differ", scn);
}

Test(optee, boot_identify_session)
{
    struct tz_run_report r;
    run_twice("scenarios/optee.lua", "optee.db", &r);
    cr_expect_eq(r.stats.stop, TZ_STOP_SYSTEM_OFF);
    sqlite3 *d = open_db(tmp_path("optee.db"));
    cr_expect_eq(q1(d, "select count(*) from console where line like 'I/TC: OP-TEE version: %'"), 1);
    /* The trace says which Debian package the OP-TEE image came from. */
    cr_expect_eq(q1(d, "select count(*) from meta where key like 'image.%.debian_package'"
                       " and value = 'optee-os 4.5.0-2'"), 1);
    /* Each identification call made a round trip with OP-TEE's answer. */
    cr_expect_eq(q1(d, "select count(*) from events where kind = 6 and fid = 3204513537"), 1); /* CALLS_UID */
    cr_expect_eq(q1(d, "select a0 from events where kind = 6 and fid = 3204513537"), 0x384fb3e0);
    cr_expect_eq(q1(d, "select a0 from events where kind = 6 and fid = 2986344449"), 4); /* OS revision 4.5 */
    cr_expect_eq(q1(d, "select a1 from events where kind = 6 and fid = 2986344449"), 5);
    /* Yielding CALL_WITH_ARG calls all completed with OPTEE_SMC_RETURN_OK. */
    cr_expect_geq(q1(d, "select count(*) from events where kind = 6 and fid = 838860804 and a0 = 0"), 3);
    /* Every world switch has an SMC behind it: boot + 2 per forwarded call. */
    cr_expect_eq(q1(d, "select count(*) from events where kind = 4 and to_ns = 1"),
                 q1(d, "select count(*) from events where kind = 4 and to_ns = 0") + 0);
    sqlite3_close(d);
}

Test(optee, smp_cpu_on_through_optee)
{
    struct tz_run_report r;
    run_twice("scenarios/optee-smp.lua", "optee-smp.db", &r);
    sqlite3 *d = open_db(tmp_path("optee-smp.db"));
    /* Cores 1..3 each powered on once by CPU_ON (through OP-TEE's cpu_on
     * entry) and each made world switches of its own. */
    for (int c = 1; c <= 3; c++) {
        char sql[160];
        snprintf(sql, sizeof sql, "select count(*) from events where kind = 1 and cpu = %d and a0 = 1", c);
        cr_expect_eq(q1(d, sql), 1, "cpu%d powered on", c);
        snprintf(sql, sizeof sql, "select count(*) from events where kind = 4 and cpu = %d", c);
        cr_expect_geq(q1(d, sql), 2, "cpu%d world switches", c);
    }
    sqlite3_close(d);
}

Test(optee, secure_interrupt_to_optee_fiq_entry)
{
    struct tz_run_report r;
    run_twice("scenarios/optee-fiq.lua", "optee-fiq.db", &r);
    sqlite3 *d = open_db(tmp_path("optee-fiq.db"));
    /* A FIQ taken to EL3 from the normal world, acknowledged by OP-TEE at
     * S-EL1, and the normal world resumed where it was. */
    cr_expect_geq(q1(d, "select count(*) from events where kind = 2 and a0 = 2 and to_el = 3 and from_ns = 1"), 1);
    cr_expect_eq(q1(d, "select count(*) from events where kind = 17 and intid = 40 and to_el = 1 and to_ns = 0"), 1);
    cr_expect_eq(q1(d, "select count(*) from events where kind = 18 and intid = 40"), 1);
    sqlite3_close(d);
}
