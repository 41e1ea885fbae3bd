/* Differential check against QEMU (docs/differential.md): the reference
 * monitor + Debian's OP-TEE 4.5 + nwd run in tzsim (scenarios/optee.lua) and
 * in Debian's qemu-system-aarch64 (tests/differential/run_qemu.sh: the same
 * images from a flash image, virt with secure=on, GICv3, one Cortex-A57).
 * Compared, up to SYSTEM_OFF:
 *   - each UART's console, line by line, after the normalisations below;
 *   - the sequence of exception entries (class, from EL, to EL, ESR for
 *     synchronous exceptions, preferred return address, vector address, FAR
 *     where set) and exception returns (from EL, to EL, target) -- tzsim's
 *     EXC_ENTRY/EXC_RETURN events against QEMU's `-d int` log.
 * Any other difference fails the test. */
#include "helpers.h"

#include <inttypes.h>

struct lines {
    char **v;
    size_t n, cap;
};

static void lines_add(struct lines *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        cr_assert(l->v);
    }
    l->v[l->n++] = strdup(s);
}

static void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* A text file as lines (the last one may lack its newline). */
static struct lines file_lines(const char *path)
{
    struct lines l = {0};
    char *text = read_file(path, NULL);
    cr_assert(text, "cannot read %s", path);
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        lines_add(&l, p);
        if (!nl)
            break;
        p = nl + 1;
    }
    free(text);
    return l;
}

/* Replaces the text after `prefix` up to `stop` (or the end) by `with`. */
static void replace_after(char **line, const char *prefix, const char *stop, const char *with)
{
    char *at = strstr(*line, prefix);
    if (!at)
        return;
    const char *rest = stop ? strstr(at + strlen(prefix), stop) : NULL;
    if (stop && !rest)
        return;
    if (!rest)
        rest = "";
    size_t head = (size_t)(at - *line) + strlen(prefix);
    size_t n = head + strlen(with) + strlen(rest) + 1;
    char *s = malloc(n);
    cr_assert(s);
    snprintf(s, n, "%.*s%s%s", (int)head, *line, with, rest);
    free(*line);
    *line = s;
}

/* The normalisations, applied to both sides alike (docs/differential.md
 * "Console normalisations"). Both come from the one input that differs on
 * purpose: the device tree at 0x40000000 is tzsim's own in tzsim and QEMU's
 * generated one in QEMU.
 *   1. nwd prints the size of the tree it is given ("device tree at
 *      0x40000000, N bytes"): N -> "<size>".
 *   2. OP-TEE's debug line from get_aslr_seed() says why there is no ASLR
 *      seed: tzsim's tree has no /secure-chosen ("Cannot find
 *      /secure-chosen"), QEMU's has one without kaslr-seed (dtb-randomness=
 *      off: "Cannot find valid kaslr-seed"); the line number differs with
 *      the message. Both -> "get_aslr_seed: <no kaslr-seed>". In both cases
 *      OP-TEE runs unrelocated, which the next line ("Warning: no ASLR
 *      seed") and every PC compared below confirm. */
static void normalise(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strncmp(l->v[i], "nwd: device tree at ", 20) == 0)
            replace_after(&l->v[i], ", ", " bytes", "<size>");
        if (strstr(l->v[i], " get_aslr_seed:") &&
            (strstr(l->v[i], "Cannot find /secure-chosen") ||
             strstr(l->v[i], "Cannot find valid kaslr-seed")))
            replace_after(&l->v[i], " get_aslr_seed:", NULL, " <no kaslr-seed>");
    }
}

static struct lines db_lines(sqlite3 *d, const char *sql)
{
    struct lines l = {0};
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(d, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(d));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        lines_add(&l, (const char *)sqlite3_column_text(st, 0));
    cr_assert_eq(rc, SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(d));
    sqlite3_finalize(st);
    return l;
}

/* tzsim's exception entries and returns in run_qemu.sh's exc.txt format:
 *   E <sync|irq|fiq|serror> <from_el> <to_el> <esr|-> <return address> <vector>
 *     [far=<FAR>]    (FAR when tzsim recorded one)
 *   R <from_el> <to_el> <target> */
static struct lines db_exceptions(sqlite3 *d)
{
    static const char *const cls[] = {"sync", "irq", "fiq", "serror"};
    struct lines l = {0};
    sqlite3_stmt *st;
    const char *sql = "select kind, from_el, to_el, a0, a1, pc, a2, a3 from events "
                      "where kind in (2, 3) order by seq";
    cr_assert_eq(sqlite3_prepare_v2(d, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char buf[160];
        int kind = sqlite3_column_int(st, 0), from = sqlite3_column_int(st, 1),
            to = sqlite3_column_int(st, 2);
        uint64_t pc = (uint64_t)sqlite3_column_int64(st, 5);
        if (kind == 2) {
            int c = sqlite3_column_int(st, 3);
            char esr[24] = "-";
            if (c == 0)
                snprintf(esr, sizeof esr, "%" PRIx64, (uint64_t)sqlite3_column_int64(st, 4));
            char far[40] = "";
            if (sqlite3_column_type(st, 7) != SQLITE_NULL)
                snprintf(far, sizeof far, " far=%" PRIx64, (uint64_t)sqlite3_column_int64(st, 7));
            snprintf(buf, sizeof buf, "E %s %d %d %s %" PRIx64 " %" PRIx64 "%s",
                     c >= 0 && c < 4 ? cls[c] : "?", from, to, esr, pc,
                     (uint64_t)sqlite3_column_int64(st, 6), far);
        } else {
            snprintf(buf, sizeof buf, "R %d %d %" PRIx64, from, to, pc);
        }
        lines_add(&l, buf);
    }
    sqlite3_finalize(st);
    return l;
}

/* Line-by-line comparison; reports the first differences with their line
 * numbers. Returns the number of differing lines. */
static size_t compare(const char *what, const struct lines *tz, const struct lines *qemu)
{
    size_t n = tz->n > qemu->n ? tz->n : qemu->n, bad = 0;
    for (size_t i = 0; i < n; i++) {
        const char *a = i < tz->n ? tz->v[i] : "<end>";
        const char *b = i < qemu->n ? qemu->v[i] : "<end>";
        if (strcmp(a, b) == 0)
            continue;
        if (bad++ < 10)
            cr_log_error("%s line %zu:\n  tzsim: %s\n  qemu:  %s", what, i + 1, a, b);
    }
    if (tz->n != qemu->n)
        cr_log_error("%s: tzsim %zu lines, qemu %zu lines", what, tz->n, qemu->n);
    return bad;
}

Test(qemu_diff, optee_console_and_exceptions, .timeout = 600)
{
    /* tzsim */
    const char *db = tmp_path("qdiff.db");
    unlink(db);
    struct tz_run_report r;
    int rc = run_inproc(src_path("scenarios/optee.lua"), db, 0, &r, tmp_path("qdiff.out"));
    char *out = read_file(tmp_path("qdiff.out"), NULL);
    cr_assert_eq(rc, TZ_EXIT_OK, "tzsim: exit %d: %s\n%s", rc, r.error, out);
    free(out);
    cr_assert_eq(r.stats.stop, TZ_STOP_SYSTEM_OFF, "tzsim did not stop at SYSTEM_OFF");

    /* QEMU */
    const char *dir = tmp_path("qemu");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "bash '%s' '%s' >'%s.log' 2>&1 </dev/null",
             src_path("tests/differential/run_qemu.sh"), dir, dir);
    int st = system(cmd);
    char log[1100], path[1100];
    snprintf(log, sizeof log, "%s.log", dir);
    char *script_log = read_file(log, NULL);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "run_qemu.sh failed (status 0x%x; QEMU must power off by itself through the "
              "secure PL061; scripts/setup.sh installs qemu-system-arm):\n%s",
              st, script_log ? script_log : "");
    free(script_log);

    sqlite3 *d = open_db(db);
    size_t bad = 0;

    /* (a) the consoles, line by line */
    static const char *const uarts[] = {"uart0", "uart1"};
    for (int u = 0; u < 2; u++) {
        char sql[128];
        snprintf(sql, sizeof sql,
                 "select line from console where device = '%s' order by seq", uarts[u]);
        struct lines tz = db_lines(d, sql);
        snprintf(path, sizeof path, "%s/%s.txt", dir, uarts[u]);
        struct lines q = file_lines(path);
        cr_expect_gt(tz.n, 5, "%s: tzsim printed almost nothing", uarts[u]);
        normalise(&tz);
        normalise(&q);
        size_t b = compare(uarts[u], &tz, &q);
        cr_expect_eq(b, 0, "%s: %zu lines differ between tzsim and QEMU", uarts[u], b);
        bad += b;
        lines_free(&tz);
        lines_free(&q);
    }

    /* (b) exception entries and returns, up to SYSTEM_OFF (both runs end
     * there: the SMC of OP-TEE's SYSTEM_OFF_DONE is the last entry). */
    struct lines tz = db_exceptions(d);
    snprintf(path, sizeof path, "%s/exc.txt", dir);
    struct lines q = file_lines(path);
    cr_expect_geq(tz.n, 80, "tzsim traced fewer exceptions than expected");
    size_t b = compare("exceptions", &tz, &q);
    cr_expect_eq(b, 0, "%zu exception entries/returns differ between tzsim and QEMU", b);
    bad += b;
    lines_free(&tz);
    lines_free(&q);
    sqlite3_close(d);

    /* The 64 MiB flash image is only worth keeping to debug a difference. */
    if (!bad) {
        snprintf(path, sizeof path, "%s/flash.bin", dir);
        unlink(path);
    }
}
