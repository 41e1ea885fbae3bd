/* Shared helpers for the integration tests: run tzsim in process or as the
 * CLI, read files, query a trace DB. */
#ifndef TZ_TEST_HELPERS_H
#define TZ_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/run.h"

static inline const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

static inline char *tmp_path(const char *name)
{
    static char buf[8][1024];
    static int k;
    char *p = buf[k++ % 8];
    /* Criterion runs tests in parallel processes: names are per process. */
    snprintf(p, 1024, "%s/%d-%s", env_or("TZSIM_TMP", "/tmp"), (int)getpid(), name);
    return p;
}

static inline char *src_path(const char *rel)
{
    static char buf[8][1024];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, 1024, "%s/%s", env_or("TZSIM_SOURCE_DIR", "."), rel);
    return p;
}

static inline void write_file(const char *path, const char *fmt, ...)
{
    FILE *f = fopen(path, "w");
    cr_assert(f, "cannot write %s", path);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
}

static inline char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    fclose(f);
    b[got] = 0;
    if (len)
        *len = got;
    return b;
}

/* Runs a scenario in process; console and summary go to out_path. */
static inline int run_inproc(const char *scenario, const char *db, uint64_t quantum,
                             struct tz_run_report *r, const char *out_path)
{
    FILE *out = fopen(out_path, "w");
    cr_assert(out);
    FILE *err = fopen(tmp_path("inproc.err"), "w");
    struct tz_run_options o = {.scenario = scenario, .db = db, .quantum = quantum, .out = out,
                               .err = err};
    int rc = tz_run_scenario(&o, r);
    fclose(out);
    fclose(err);
    return rc;
}

/* Runs the tzsim CLI with args (a shell-quoted string); returns the exit
 * status, stdout and stderr in malloc'd strings. */
static inline int run_cli(const char *args, char **out, char **err)
{
    char cmd[4096];
    const char *bin = env_or("TZSIM_BIN", "tzsim");
    char *o = tmp_path("cli.out"), *e = tmp_path("cli.err");
    snprintf(cmd, sizeof cmd, "'%s' %s >'%s' 2>'%s' </dev/null", bin, args, o, e);
    int st = system(cmd);
    *out = read_file(o, NULL);
    *err = read_file(e, NULL);
    cr_assert(WIFEXITED(st), "tzsim did not exit normally (signal?): %s", cmd);
    return WEXITSTATUS(st);
}

/* One integer from a SQL query. */
static inline long long q1(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no row: %s", sql);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static inline sqlite3 *open_db(const char *path)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK, "open %s",
                 path);
    return db;
}

#endif
