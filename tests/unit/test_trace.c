/* Unit tests for the SQLite trace store (traces/trace.c, traces/sha256.c).
 *
 * Scratch files go to $TZSIM_TMP (fallback /tmp), one unique name per test.
 */
#include <criterion/criterion.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "traces/trace.h"

/* ---- helpers --------------------------------------------------------------- */

/* A unique scratch path for this test: $TZSIM_TMP/test_trace-NAME-PID.db,
 * with any leftovers (and SQLite side files) removed. */
static void scratch(char *out, size_t n, const char *name)
{
    const char *dir = getenv("TZSIM_TMP");
    if (!dir || !*dir)
        dir = "/tmp";
    snprintf(out, n, "%s/test_trace-%s-%ld.db", dir, name, (long)getpid());
    char side[1200];
    unlink(out);
    snprintf(side, sizeof side, "%s-wal", out);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", out);
    unlink(side);
}

static void cleanup(const char *path)
{
    char side[1200];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static sqlite3 *db_open(const char *path)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    cr_assert_eq(rc, SQLITE_OK, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "?");
    return db;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
    return st;
}

static int64_t q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = prep(db, sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: no row", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Result of a one-value query as text; "<NULL>" for NULL. */
static void q_text(sqlite3 *db, const char *sql, char *out, size_t n)
{
    sqlite3_stmt *st = prep(db, sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: no row", sql);
    const unsigned char *s = sqlite3_column_text(st, 0);
    snprintf(out, n, "%s", s ? (const char *)s : "<NULL>");
    sqlite3_finalize(st);
}

static bool q_null(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = prep(db, sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: no row", sql);
    bool null = sqlite3_column_type(st, 0) == SQLITE_NULL;
    sqlite3_finalize(st);
    return null;
}

static struct tz_trace *open_ok(const char *path)
{
    struct tz_trace *t = NULL;
    struct tz_error err = {{0}};
    int rc = tz_trace_open(&t, path, &err);
    cr_assert_eq(rc, 0, "tz_trace_open(%s): %s", path ? path : "NULL", err.msg);
    cr_assert_not_null(t);
    return t;
}

static void close_ok(struct tz_trace *t)
{
    struct tz_error err = {{0}};
    cr_assert_eq(tz_trace_close(t, &err), 0, "tz_trace_close: %s", err.msg);
}

static int64_t begin_ok(struct tz_trace *t, const char *params)
{
    struct tz_run_info info = {
        .scenario = "scenarios/smoke.lua",
        .scenario_sha256 = "00",
        .platform = "qemu-virt",
        .ncpus = 2,
        .quantum = 1000,
        .seed = 42,
        .params = params,
    };
    int64_t id = -1;
    cr_assert_eq(tz_trace_run_begin(t, &info, &id), 0);
    return id;
}

static void end_ok(struct tz_trace *t)
{
    struct tz_error err = {{0}};
    cr_assert_eq(tz_trace_run_end(t, "ok", TZ_STOP_SYSTEM_OFF, 1234, 5678, &err), 0,
                 "tz_trace_run_end: %s", err.msg);
}

/* A fixed, varied stream: n events of every kind plus a console line now and
 * then. */
static void emit_stream(struct tz_trace *t, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct tz_event ev;
        tz_event_init(&ev, (enum tz_event_kind)(TZ_EV_SMC_CALL + (i % 3)), (int)(i % 4),
                      100 + i, 1000 + 10 * i);
        ev.from_el = 1;
        ev.from_ns = 1;
        ev.to_el = 3;
        ev.to_ns = 0;
        ev.pc = 0xffff000000000000ull + 4 * i;
        ev.has_pc = (i % 2) == 0;
        ev.fid = 0x84000000 + (int64_t)i;
        ev.na = i % 5;
        for (unsigned k = 0; k < 4; k++)
            ev.a[k] = (uint64_t)i * 7 + k;
        ev.text = (i % 3) ? "some text" : NULL;
        tz_trace_event(t, &ev);
        if (i % 10 == 0)
            tz_trace_console(t, (int)(i % 4), 100 + i, 1000 + 10 * i, "uart0", "hello");
    }
}

/* ---- SHA-256 ---------------------------------------------------------------- */

Test(sha256, fips_vectors)
{
    char hex[65];
    /* FIPS 180-4 examples (NIST CSRC "SHA256.pdf"): one block, two blocks. */
    tz_sha256_of("abc", 3, hex);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    tz_sha256_of("", 0, hex);
    cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    cr_assert_eq(strlen(m448) * 8, 448);
    tz_sha256_of(m448, strlen(m448), hex);
    cr_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    tz_sha256_of(NULL, 0, hex);
    cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

Test(sha256, million_a_incremental)
{
    /* One million 'a' (the long FIPS example), fed in uneven pieces so that
     * every buffering path of update is used. */
    static char a[1000000];
    memset(a, 'a', sizeof a);
    struct tz_sha256 s;
    uint8_t d[32];
    char hex[65];
    tz_sha256_init(&s);
    size_t off = 0, piece = 1;
    while (off < sizeof a) {
        size_t n = piece < sizeof a - off ? piece : sizeof a - off;
        tz_sha256_update(&s, a + off, n);
        off += n;
        piece = piece * 3 % 199 + 1;
    }
    tz_sha256_final(&s, d);
    tz_sha256_hex(d, hex);
    cr_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

Test(sha256, padding_boundaries)
{
    /* Lengths around the 55/56/64-byte padding edges, hashed whole and byte
     * by byte, must agree. */
    uint8_t msg[130];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 31 + 7);
    for (size_t len = 50; len <= sizeof msg; len++) {
        char whole[65], bytes[65];
        uint8_t d[32];
        tz_sha256_of(msg, len, whole);
        struct tz_sha256 s;
        tz_sha256_init(&s);
        for (size_t i = 0; i < len; i++)
            tz_sha256_update(&s, msg + i, 1);
        tz_sha256_final(&s, d);
        tz_sha256_hex(d, bytes);
        cr_assert_str_eq(whole, bytes, "length %zu", len);
    }
    /* A whole block of zeros: the padding is a block of its own. */
    char hex[65];
    uint8_t z[64] = {0};
    tz_sha256_of(z, 64, hex);
    cr_assert_str_eq(hex, "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b");
}

/* ---- names ------------------------------------------------------------------ */

Test(trace, names)
{
#define TZ_EVENT(name, id, desc, a0, a1, a2, a3) \
    cr_assert_str_eq(tz_event_kind_name(TZ_EV_##name), #name);
#include "traces/events.def"
#undef TZ_EVENT
    cr_assert_null(tz_event_kind_name((enum tz_event_kind)0));
    cr_assert_null(tz_event_kind_name((enum tz_event_kind)9999));

    static const char *const want[] = {"none", "system_off", "system_reset", "insn_limit",
                                       "guest_error", "scenario", "all_off", "host_error"};
    for (int r = 0; r < 8; r++)
        cr_assert_str_eq(tz_stop_reason_name((enum tz_stop_reason)r), want[r]);
    cr_assert_null(tz_stop_reason_name((enum tz_stop_reason)99));
}

Test(trace, event_init)
{
    struct tz_event ev;
    memset(&ev, 0x5a, sizeof ev);
    tz_event_init(&ev, TZ_EV_MARK, 3, 10, 20);
    cr_assert_eq(ev.kind, TZ_EV_MARK);
    cr_assert_eq(ev.cpu, 3);
    cr_assert_eq(ev.icount, 10);
    cr_assert_eq(ev.vtime_ns, 20);
    cr_assert_eq(ev.from_el, TZ_NA);
    cr_assert_eq(ev.from_ns, TZ_NA);
    cr_assert_eq(ev.to_el, TZ_NA);
    cr_assert_eq(ev.to_ns, TZ_NA);
    cr_assert_not(ev.has_pc);
    cr_assert_eq(ev.fid, TZ_NA);
    cr_assert_eq(ev.intid, TZ_NA);
    cr_assert_eq(ev.na, 0);
    cr_assert_eq(ev.dur_icount, TZ_NA);
    cr_assert_eq(ev.dur_ns, TZ_NA);
    cr_assert_null(ev.text);
}

/* docs/trace-schema.md carries a table of the event kinds: keep it in step
 * with events.def. Needs TZSIM_SOURCE_DIR (set by ctest). */
Test(trace, docs_list_every_event_kind)
{
    const char *src = getenv("TZSIM_SOURCE_DIR");
    if (!src || !*src)
        cr_skip_test("TZSIM_SOURCE_DIR not set");
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/trace-schema.md", src);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    static char doc[256 * 1024];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
#define ARG(s) (*(s) ? (s) : "-")
#define TZ_EVENT(name, id, desc, a0, a1, a2, a3)                                         \
    do {                                                                                  \
        char row[1024];                                                                   \
        snprintf(row, sizeof row, "| %d | %s | %s | %s | %s | %s | %s |", id, #name, desc, \
                 ARG(a0), ARG(a1), ARG(a2), ARG(a3));                                     \
        cr_expect(strstr(doc, row) != NULL, "%s lacks the row\n%s", path, row);          \
    } while (0);
#include "traces/events.def"
#undef TZ_EVENT
#undef ARG
}

/* ---- schema ------------------------------------------------------------------ */

Test(trace, schema_and_event_kinds)
{
    char path[1024], buf[1024];
    scratch(path, sizeof path, "schema");
    close_ok(open_ok(path));

    sqlite3 *db = db_open(path);
    static const char *const objects[] = {"meta", "event_kinds", "runs", "events", "console",
                                          "findings", "counters", "counters_run",
                                          "events_named", "ev_SMC_CALL", "ev_RUN_STOP",
                                          "ev_FINDING"};
    for (size_t i = 0; i < sizeof objects / sizeof objects[0]; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE name = '%s'",
                 objects[i]);
        cr_assert_eq(q_int(db, sql), 1, "missing %s", objects[i]);
    }
    q_text(db, "PRAGMA journal_mode", buf, sizeof buf);
    cr_assert_str_eq(buf, "wal");
    q_text(db, "SELECT value FROM meta WHERE key = 'format_version'", buf, sizeof buf);
    char want[16];
    snprintf(want, sizeof want, "%d", TZ_TRACE_FORMAT_VERSION);
    cr_assert_str_eq(buf, want);
    q_text(db, "SELECT value FROM meta WHERE key = 'tzsim_version'", buf, sizeof buf);
    cr_assert_str_neq(buf, "<NULL>");
    cr_assert_str_neq(buf, "");
    cr_assert_eq(q_int(db, "SELECT count(*) FROM runs"), 0);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM events"), 0);
    /* The findings and counters tables exist even when never used. */
    cr_assert_eq(q_int(db, "SELECT count(*) FROM findings"), 0);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM counters"), 0);

    /* event_kinds matches events.def, row for row, NULL for unused args. */
    int64_t nkinds = 0;
    sqlite3_stmt *st = prep(db, "SELECT name, description, a0, a1, a2, a3 FROM event_kinds"
                                " WHERE id = ?");
#define TZ_EVENT(name, id, desc, a0, a1, a2, a3)                                      \
    do {                                                                               \
        const char *args[4] = {a0, a1, a2, a3};                                        \
        nkinds++;                                                                      \
        sqlite3_bind_int(st, 1, id);                                                   \
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no event_kinds row for " #name);   \
        cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), #name);             \
        cr_assert_str_eq((const char *)sqlite3_column_text(st, 1), desc);              \
        for (int i = 0; i < 4; i++) {                                                  \
            if (!*args[i])                                                             \
                cr_assert_eq(sqlite3_column_type(st, 2 + i), SQLITE_NULL,              \
                             #name " a%d should be NULL", i);                          \
            else                                                                       \
                cr_assert_str_eq((const char *)sqlite3_column_text(st, 2 + i), args[i]); \
        }                                                                              \
        sqlite3_reset(st);                                                             \
    } while (0);
#include "traces/events.def"
#undef TZ_EVENT
    sqlite3_finalize(st);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM event_kinds"), nkinds);
    sqlite3_close(db);
    cleanup(path);
}

Test(trace, truncates_existing_file)
{
    char path[1024];
    scratch(path, sizeof path, "truncate");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("this is not a database", f);
    fclose(f);
    /* A stale WAL beside it must not be replayed either. */
    char wal[1100];
    snprintf(wal, sizeof wal, "%s-wal", path);
    f = fopen(wal, "w");
    cr_assert_not_null(f);
    fputs("garbage", f);
    fclose(f);

    struct tz_trace *t = open_ok(path);
    begin_ok(t, NULL);
    emit_stream(t, 5);
    end_ok(t);
    close_ok(t);
    sqlite3 *db = db_open(path);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM events"), 5);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM runs"), 1);
    sqlite3_close(db);

    /* Opening again truncates: the old runs are gone. */
    close_ok(open_ok(path));
    db = db_open(path);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM runs"), 0);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM events"), 0);
    sqlite3_close(db);
    cleanup(path);
}

Test(trace, unwritable_path_fails_at_open)
{
    struct tz_trace *t = (struct tz_trace *)&t; /* must be reset to NULL */
    struct tz_error err = {{0}};
    const char *bad = "/nonexistent-dir/x.db";
    cr_assert_eq(tz_trace_open(&t, bad, &err), -1);
    cr_assert_null(t);
    const char *prefix = "/nonexistent-dir/x.db: cannot create trace database: ";
    cr_assert(strncmp(err.msg, prefix, strlen(prefix)) == 0, "message: %s", err.msg);
    cr_assert(strstr(err.msg, "No such file or directory"), "message: %s", err.msg);

    /* A directory is not a database file either. */
    const char *dir = getenv("TZSIM_TMP");
    if (!dir || !*dir)
        dir = "/tmp";
    memset(&err, 0, sizeof err);
    cr_assert_eq(tz_trace_open(&t, dir, &err), -1);
    cr_assert_null(t);
    cr_assert(strstr(err.msg, dir) == err.msg, "message: %s", err.msg);
    cr_assert(strstr(err.msg, "cannot create trace database: "), "message: %s", err.msg);

    /* A NULL err is allowed. */
    cr_assert_eq(tz_trace_open(&t, bad, NULL), -1);
}

Test(trace, close_null)
{
    cr_assert_eq(tz_trace_close(NULL, NULL), 0);
}

/* ---- events --------------------------------------------------------------- */

Test(trace, event_roundtrip_with_nulls)
{
    char path[1024], buf[256];
    scratch(path, sizeof path, "roundtrip");
    struct tz_trace *t = open_ok(path);
    int64_t run = begin_ok(t, "x=1");
    cr_assert_eq(run, 1);

    /* 1: everything not applicable. */
    struct tz_event ev;
    tz_event_init(&ev, TZ_EV_MARK, TZ_NA, 0, 0);
    tz_trace_event(t, &ev);

    /* 2: everything set. */
    tz_event_init(&ev, TZ_EV_SMC_RETURN, 1, 5000, 7000);
    ev.from_el = 3;
    ev.from_ns = 0;
    ev.to_el = 1;
    ev.to_ns = 1;
    ev.pc = 0x40001234;
    ev.has_pc = true;
    ev.fid = 0x84000000;
    ev.intid = 27;
    ev.a[0] = 11;
    ev.a[1] = 22;
    ev.a[2] = 33;
    ev.a[3] = 44;
    ev.na = 4;
    ev.dur_icount = 321;
    ev.dur_ns = 654;
    ev.text = "done";
    tz_trace_event(t, &ev);

    /* 3: only two args, pc given but has_pc false, empty text. */
    tz_event_init(&ev, TZ_EV_IRQ_LINE, 0, 1, 2);
    ev.a[0] = 1;
    ev.a[1] = 1;
    ev.a[2] = 99; /* beyond na: must not be stored */
    ev.na = 2;
    ev.pc = 0xdead;
    ev.text = "";
    tz_trace_event(t, &ev);
    end_ok(t);
    close_ok(t);

    sqlite3 *db = db_open(path);
    static const char *const cols[] = {"cpu", "from_el", "from_ns", "to_el", "to_ns", "pc",
                                       "fid", "intid", "a0", "a1", "a2", "a3",
                                       "dur_icount", "dur_ns", "text"};
    char sql[256];
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        snprintf(sql, sizeof sql, "SELECT %s FROM events WHERE run = 1 AND seq = 1", cols[i]);
        cr_assert(q_null(db, sql), "seq 1: %s should be NULL", cols[i]);
        snprintf(sql, sizeof sql, "SELECT %s FROM events WHERE run = 1 AND seq = 2", cols[i]);
        cr_assert_not(q_null(db, sql), "seq 2: %s should be set", cols[i]);
    }
    cr_assert_eq(q_int(db, "SELECT kind FROM events WHERE seq = 1"), TZ_EV_MARK);
    cr_assert_eq(q_int(db, "SELECT icount FROM events WHERE seq = 1"), 0);

    cr_assert_eq(q_int(db, "SELECT kind FROM events WHERE seq = 2"), TZ_EV_SMC_RETURN);
    cr_assert_eq(q_int(db, "SELECT cpu FROM events WHERE seq = 2"), 1);
    cr_assert_eq(q_int(db, "SELECT icount FROM events WHERE seq = 2"), 5000);
    cr_assert_eq(q_int(db, "SELECT vtime_ns FROM events WHERE seq = 2"), 7000);
    cr_assert_eq(q_int(db, "SELECT from_el FROM events WHERE seq = 2"), 3);
    cr_assert_eq(q_int(db, "SELECT from_ns FROM events WHERE seq = 2"), 0);
    cr_assert_eq(q_int(db, "SELECT to_el FROM events WHERE seq = 2"), 1);
    cr_assert_eq(q_int(db, "SELECT to_ns FROM events WHERE seq = 2"), 1);
    cr_assert_eq(q_int(db, "SELECT pc FROM events WHERE seq = 2"), 0x40001234);
    cr_assert_eq(q_int(db, "SELECT fid FROM events WHERE seq = 2"), 0x84000000);
    cr_assert_eq(q_int(db, "SELECT intid FROM events WHERE seq = 2"), 27);
    cr_assert_eq(q_int(db, "SELECT a0 + a1 + a2 + a3 FROM events WHERE seq = 2"), 110);
    cr_assert_eq(q_int(db, "SELECT a3 FROM events WHERE seq = 2"), 44);
    cr_assert_eq(q_int(db, "SELECT dur_icount FROM events WHERE seq = 2"), 321);
    cr_assert_eq(q_int(db, "SELECT dur_ns FROM events WHERE seq = 2"), 654);
    q_text(db, "SELECT text FROM events WHERE seq = 2", buf, sizeof buf);
    cr_assert_str_eq(buf, "done");

    cr_assert_eq(q_int(db, "SELECT a1 FROM events WHERE seq = 3"), 1);
    cr_assert(q_null(db, "SELECT a2 FROM events WHERE seq = 3"));
    cr_assert(q_null(db, "SELECT a3 FROM events WHERE seq = 3"));
    cr_assert(q_null(db, "SELECT pc FROM events WHERE seq = 3"));
    cr_assert_not(q_null(db, "SELECT text FROM events WHERE seq = 3"));
    q_text(db, "SELECT text FROM events WHERE seq = 3", buf, sizeof buf);
    cr_assert_str_eq(buf, "");

    /* The views. */
    q_text(db, "SELECT kind_name FROM events_named WHERE seq = 2", buf, sizeof buf);
    cr_assert_str_eq(buf, "SMC_RETURN");
    cr_assert_eq(q_int(db, "SELECT x3 FROM ev_SMC_RETURN WHERE seq = 2"), 44);
    cr_assert_eq(q_int(db, "SELECT level FROM ev_IRQ_LINE WHERE seq = 3"), 1);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM ev_MARK"), 1);

    /* The run row. */
    q_text(db, "SELECT scenario || '|' || scenario_sha256 || '|' || platform || '|' || ncpus"
               " || '|' || quantum || '|' || seed || '|' || params || '|' || status || '|'"
               " || stop_reason || '|' || stop_reason_name || '|' || total_icount || '|'"
               " || vtime_ns FROM runs WHERE id = 1",
           buf, sizeof buf);
    cr_assert_str_eq(buf, "scenarios/smoke.lua|00|qemu-virt|2|1000|42|x=1|ok|1|system_off|1234|5678");
    sqlite3_close(db);
    cleanup(path);
}

Test(trace, u64_bit_exact)
{
    char path[1024], buf[256];
    scratch(path, sizeof path, "u64");
    static const uint64_t vals[] = {0, 1, 0x7fffffffffffffffull, 0x8000000000000000ull,
                                    0xffff000008000000ull, 0xffffffffffffffffull};
    const size_t nv = sizeof vals / sizeof vals[0];
    struct tz_trace *t = open_ok(path);
    struct tz_run_info info = {.scenario = "s", .seed = 0xfedcba9876543210ull,
                               .quantum = UINT64_MAX};
    cr_assert_eq(tz_trace_run_begin(t, &info, NULL), 0);
    for (size_t i = 0; i < nv; i++) {
        struct tz_event ev;
        tz_event_init(&ev, TZ_EV_EXC_ENTRY, 0, vals[i], vals[nv - 1 - i]);
        ev.pc = vals[i];
        ev.has_pc = true;
        ev.na = 4;
        for (unsigned k = 0; k < 4; k++)
            ev.a[k] = vals[(i + k) % nv];
        tz_trace_event(t, &ev);
    }
    struct tz_error err = {{0}};
    cr_assert_eq(tz_trace_run_end(t, "ok", TZ_STOP_NONE, UINT64_MAX, 0, &err), 0, "%s", err.msg);
    close_ok(t);

    sqlite3 *db = db_open(path);
    sqlite3_stmt *st = prep(db, "SELECT pc, a0, a1, a2, a3, icount, vtime_ns, printf('%x', pc)"
                                " FROM events ORDER BY seq");
    for (size_t i = 0; i < nv; i++) {
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
        cr_assert_eq((uint64_t)sqlite3_column_int64(st, 0), vals[i]);
        for (int k = 0; k < 4; k++)
            cr_assert_eq((uint64_t)sqlite3_column_int64(st, 1 + k), vals[(i + (size_t)k) % nv]);
        cr_assert_eq((uint64_t)sqlite3_column_int64(st, 5), vals[i]);
        cr_assert_eq((uint64_t)sqlite3_column_int64(st, 6), vals[nv - 1 - i]);
        char want[32];
        snprintf(want, sizeof want, "%llx", (unsigned long long)vals[i]);
        cr_assert_str_eq((const char *)sqlite3_column_text(st, 7), want);
    }
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    /* SQLite reads hex literals as 64-bit two's complement: equality works. */
    cr_assert_eq(q_int(db, "SELECT count(*) FROM events WHERE pc = 0xffff000008000000"), 1);
    cr_assert_eq((uint64_t)q_int(db, "SELECT seed FROM runs"), 0xfedcba9876543210ull);
    cr_assert_eq((uint64_t)q_int(db, "SELECT quantum FROM runs"), UINT64_MAX);
    cr_assert_eq((uint64_t)q_int(db, "SELECT total_icount FROM runs"), UINT64_MAX);
    q_text(db, "SELECT printf('%llu', seed) FROM runs", buf, sizeof buf);
    cr_assert_str_eq(buf, "18364758544493064720");
    sqlite3_close(db);
    cleanup(path);
}

/* ---- digest ----------------------------------------------------------------- */

Test(trace, digest_same_with_and_without_db)
{
    char path[1024], d_db[65], d_mem[65], buf[128];
    scratch(path, sizeof path, "digest");

    struct tz_trace *t = open_ok(path);
    begin_ok(t, NULL);
    emit_stream(t, 500);
    end_ok(t);
    tz_trace_digest(t, d_db);
    close_ok(t);

    t = open_ok(NULL);
    begin_ok(t, "other params: not part of the digest");
    emit_stream(t, 500);
    struct tz_error err = {{0}};
    cr_assert_eq(tz_trace_run_end(t, "failed", TZ_STOP_INSN_LIMIT, 1, 2, &err), 0);
    tz_trace_digest(t, d_mem);
    close_ok(t);

    cr_assert_str_eq(d_db, d_mem);
    cr_assert_eq(strlen(d_db), 64);

    /* The digest is stored with the run. */
    sqlite3 *db = db_open(path);
    q_text(db, "SELECT digest FROM runs WHERE id = 1", buf, sizeof buf);
    cr_assert_str_eq(buf, d_db);
    sqlite3_close(db);
    cleanup(path);

    /* An empty run hashes the empty stream. */
    t = open_ok(NULL);
    begin_ok(t, NULL);
    tz_trace_digest(t, d_mem);
    cr_assert_str_eq(d_mem, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    close_ok(t);
}

static void base_event(struct tz_event *ev)
{
    tz_event_init(ev, TZ_EV_EXC_ENTRY, 1, 100, 200);
    ev->from_el = 1;
    ev->from_ns = 1;
    ev->to_el = 3;
    ev->to_ns = 0;
    ev->pc = 0x1000;
    ev->has_pc = true;
    ev->fid = 5;
    ev->intid = 6;
    ev->a[0] = 7;
    ev->a[1] = 8;
    ev->a[2] = 9;
    ev->na = 3;
    ev->dur_icount = 10;
    ev->dur_ns = 11;
    ev->text = "abc";
}

static void digest_of(const struct tz_event *ev, char out[65])
{
    struct tz_trace *t = open_ok(NULL);
    begin_ok(t, NULL);
    struct tz_event pre;
    tz_event_init(&pre, TZ_EV_MARK, 0, 1, 1);
    tz_trace_event(t, &pre);
    tz_trace_event(t, ev);
    tz_trace_digest(t, out);
    end_ok(t);
    close_ok(t);
}

Test(trace, digest_changes_with_any_field)
{
    char ref[65], again[65], d[65];
    struct tz_event ev;
    base_event(&ev);
    digest_of(&ev, ref);
    digest_of(&ev, again);
    cr_assert_str_eq(ref, again);

    /* Each mutation touches exactly one recorded field. */
    for (int m = 0; m < 20; m++) {
        base_event(&ev);
        switch (m) {
        case 0: ev.kind = TZ_EV_EXC_RETURN; break;
        case 1: ev.cpu = 2; break;
        case 2: ev.icount++; break;
        case 3: ev.vtime_ns++; break;
        case 4: ev.from_el = 2; break;
        case 5: ev.from_ns = 0; break;
        case 6: ev.to_el = TZ_NA; break;
        case 7: ev.to_ns = 1; break;
        case 8: ev.pc = 0x1004; break;
        case 9: ev.has_pc = false; break;
        case 10: ev.fid = TZ_NA; break;
        case 11: ev.intid = 7; break;
        case 12: ev.a[0] = 0x100000007ull; break;
        case 13: ev.a[2] = 0; break;
        case 14: ev.na = 4; break;          /* a[3] becomes 0 instead of NULL */
        case 15: ev.dur_icount = 0; break;
        case 16: ev.dur_ns = TZ_NA; break;
        case 17: ev.text = NULL; break;
        case 18: ev.text = ""; break;
        case 19: ev.text = "abd"; break;
        }
        digest_of(&ev, d);
        cr_assert_str_neq(d, ref, "mutation %d did not change the digest", m);
    }

    /* Fields the trace does not record do not count: pc without has_pc,
     * a[i] beyond na. */
    base_event(&ev);
    ev.has_pc = false;
    digest_of(&ev, ref);
    ev.pc = 0xdeadbeef;
    ev.a[3] = 12345;
    digest_of(&ev, d);
    cr_assert_str_eq(d, ref);

    /* NULL text vs "" differ, and so do ("ab","c") vs ("a","bc") in console
     * lines (length prefixes). */
    char c1[65], c2[65];
    struct tz_trace *t = open_ok(NULL);
    begin_ok(t, NULL);
    tz_trace_console(t, 0, 1, 1, "ab", "c");
    tz_trace_digest(t, c1);
    end_ok(t);
    begin_ok(t, NULL);
    tz_trace_console(t, 0, 1, 1, "a", "bc");
    tz_trace_digest(t, c2);
    end_ok(t);
    close_ok(t);
    cr_assert_str_neq(c1, c2);

    /* Order matters. */
    struct tz_event e1, e2;
    tz_event_init(&e1, TZ_EV_MARK, 0, 1, 1);
    tz_event_init(&e2, TZ_EV_MARK, 0, 2, 2);
    t = open_ok(NULL);
    begin_ok(t, NULL);
    tz_trace_event(t, &e1);
    tz_trace_event(t, &e2);
    tz_trace_digest(t, c1);
    end_ok(t);
    begin_ok(t, NULL);
    tz_trace_event(t, &e2);
    tz_trace_event(t, &e1);
    tz_trace_digest(t, c2);
    end_ok(t);
    close_ok(t);
    cr_assert_str_neq(c1, c2);
}

/* ---- runs, console, counts -------------------------------------------------- */

Test(trace, multiple_runs)
{
    char path[1024], d[3][65], buf[128];
    scratch(path, sizeof path, "runs");
    struct tz_trace *t = open_ok(path);
    cr_assert_eq(tz_trace_meta(t, "sweep", "inject_at=100..300"), 0);
    for (int r = 0; r < 3; r++) {
        char params[32];
        snprintf(params, sizeof params, "inject_at=%d", 100 + 100 * r);
        cr_assert_eq(begin_ok(t, params), r + 1);
        emit_stream(t, r == 1 ? 20 : 30); /* runs 1 and 3 are identical */
        cr_assert_eq(tz_trace_count(t, TZ_EV_SMC_CALL), r == 1 ? 7 : 10);
        tz_trace_digest(t, d[r]);
        end_ok(t);
        /* Counts and digest stay readable after the end of the run. */
        cr_assert_eq(tz_trace_count(t, TZ_EV_SMC_CALL), r == 1 ? 7 : 10);
        char after[65];
        tz_trace_digest(t, after);
        cr_assert_str_eq(after, d[r]);
    }
    close_ok(t);
    cr_assert_str_eq(d[0], d[2]);
    cr_assert_str_neq(d[0], d[1]);

    sqlite3 *db = db_open(path);
    cr_assert_eq(q_int(db, "SELECT group_concat(id) = '1,2,3' FROM runs"), 1);
    for (int r = 1; r <= 3; r++) {
        char sql[256];
        int nev = r == 2 ? 20 : 30, ncons = r == 2 ? 2 : 3;
        snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE run = %d", r);
        cr_assert_eq(q_int(db, sql), nev);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM console WHERE run = %d", r);
        cr_assert_eq(q_int(db, sql), ncons);
        /* seq restarts at 1 and is shared by events and console lines. */
        snprintf(sql, sizeof sql,
                 "SELECT min(seq) || ',' || max(seq) || ',' || count(DISTINCT seq) FROM"
                 " (SELECT seq FROM events WHERE run = %d UNION ALL"
                 "  SELECT seq FROM console WHERE run = %d)", r, r);
        q_text(db, sql, buf, sizeof buf);
        char want[64];
        snprintf(want, sizeof want, "1,%d,%d", nev + ncons, nev + ncons);
        cr_assert_str_eq(buf, want);
        snprintf(sql, sizeof sql, "SELECT digest FROM runs WHERE id = %d", r);
        q_text(db, sql, buf, sizeof buf);
        cr_assert_str_eq(buf, d[r - 1]);
        snprintf(sql, sizeof sql, "SELECT params FROM runs WHERE id = %d", r);
        q_text(db, sql, buf, sizeof buf);
        snprintf(want, sizeof want, "inject_at=%d", 100 * r);
        cr_assert_str_eq(buf, want);
    }
    q_text(db, "SELECT value FROM meta WHERE key = 'sweep'", buf, sizeof buf);
    cr_assert_str_eq(buf, "inject_at=100..300");
    sqlite3_close(db);
    cleanup(path);
}

Test(trace, digest_only_runs)
{
    struct tz_trace *t = open_ok(NULL);
    cr_assert_eq(tz_trace_meta(t, "k", "v"), 0);
    for (int r = 1; r <= 3; r++) {
        cr_assert_eq(begin_ok(t, NULL), r);
        emit_stream(t, 9);
        cr_assert_eq(tz_trace_count(t, TZ_EV_SMC_RETURN), 3);
        end_ok(t);
    }
    close_ok(t);
}

Test(trace, console_rows)
{
    char path[1024], buf[256];
    scratch(path, sizeof path, "console");
    struct tz_trace *t = open_ok(path);
    begin_ok(t, NULL);
    struct tz_event ev;
    tz_event_init(&ev, TZ_EV_MARK, 0, 1, 2);
    tz_trace_event(t, &ev);
    tz_trace_console(t, 1, 500, 600, "uart1", "OP-TEE: init done");
    tz_trace_console(t, TZ_NA, 501, 601, NULL, "");
    tz_trace_event(t, &ev);
    end_ok(t);
    close_ok(t);

    sqlite3 *db = db_open(path);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM console"), 2);
    q_text(db, "SELECT run || '|' || seq || '|' || cpu || '|' || icount || '|' || vtime_ns"
               " || '|' || device || '|' || line FROM console WHERE seq = 2",
           buf, sizeof buf);
    cr_assert_str_eq(buf, "1|2|1|500|600|uart1|OP-TEE: init done");
    cr_assert(q_null(db, "SELECT cpu FROM console WHERE seq = 3"));
    cr_assert(q_null(db, "SELECT device FROM console WHERE seq = 3"));
    q_text(db, "SELECT line FROM console WHERE seq = 3", buf, sizeof buf);
    cr_assert_str_eq(buf, "");
    cr_assert_eq(q_int(db, "SELECT group_concat(seq) = '1,4' FROM events"), 1);
    sqlite3_close(db);
    cleanup(path);
}

Test(trace, counts)
{
    struct tz_trace *t = open_ok(NULL);
    begin_ok(t, NULL);
    cr_assert_eq(tz_trace_count(t, TZ_EV_WORLD_SWITCH), 0);
    struct tz_event ev;
    for (int i = 0; i < 5; i++) {
        tz_event_init(&ev, TZ_EV_WORLD_SWITCH, 0, (uint64_t)i, 0);
        tz_trace_event(t, &ev);
    }
    tz_event_init(&ev, TZ_EV_MMIO_ERROR, 0, 9, 0);
    tz_trace_event(t, &ev);
    tz_trace_console(t, 0, 0, 0, "uart0", "x");
    cr_assert_eq(tz_trace_count(t, TZ_EV_WORLD_SWITCH), 5);
    cr_assert_eq(tz_trace_count(t, TZ_EV_MMIO_ERROR), 1);
    cr_assert_eq(tz_trace_count(t, TZ_EV_SMC_CALL), 0);
    cr_assert_eq(tz_trace_count(t, (enum tz_event_kind)0), 0);
    cr_assert_eq(tz_trace_count(t, (enum tz_event_kind)100000), 0);
    end_ok(t);
    begin_ok(t, NULL);
    cr_assert_eq(tz_trace_count(t, TZ_EV_WORLD_SWITCH), 0);
    end_ok(t);
    close_ok(t);
}

Test(trace, large_batch, .timeout = 120)
{
    char path[1024];
    scratch(path, sizeof path, "batch");
    const unsigned n = 12345;
    struct tz_trace *t = open_ok(path);
    begin_ok(t, NULL);
    for (unsigned i = 0; i < n; i++) {
        struct tz_event ev;
        tz_event_init(&ev, TZ_EV_SMC_CALL, (int)(i & 3), i, 2ull * i);
        ev.fid = 0xc4000000 + (int64_t)i;
        ev.na = 1;
        ev.a[0] = i;
        tz_trace_event(t, &ev);
        if (i % 1000 == 999)
            tz_trace_console(t, 0, i, 2ull * i, "uart0", "tick");
    }
    cr_assert_eq(tz_trace_count(t, TZ_EV_SMC_CALL), n);
    end_ok(t);
    close_ok(t);

    char wal[1100];
    snprintf(wal, sizeof wal, "%s-wal", path);
    cr_assert_neq(access(wal, F_OK), 0, "the WAL should be checkpointed and removed at close");

    sqlite3 *db = db_open(path);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM events"), n);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM console"), 12);
    cr_assert_eq(q_int(db, "SELECT max(seq) FROM events"), n + 12);
    cr_assert_eq(q_int(db, "SELECT sum(a0) FROM events"), (int64_t)n * (n - 1) / 2);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM runs WHERE status = 'ok'"), 1);
    sqlite3_close(db);
    cleanup(path);
}

/* ---- findings and counters ---------------------------------------------------- */

/* A CPU side with every field set; pc and va above 2^63. */
static void cpu_side(struct tz_finding_side_row *d)
{
    *d = (struct tz_finding_side_row){
        .who = "cpu1", .el = 1, .ns = 1, .pc = 0xffff000008081100ull, .has_pc = true,
        .sym = "shm_write+0x60", .icount = 104244, .va = 0xffff800042000038ull,
        .pa = 0x42000038, .has_va = true, .smc_fid = 0xbe000000, .op = "write",
        .attr = "Normal iWB-RWA oWB-RWA ISH"};
}

/* A DMA side: no EL, pc, symbol, VA or SMC. */
static void dma_side(struct tz_finding_side_row *d)
{
    *d = (struct tz_finding_side_row){
        .who = "dma@9100000", .el = TZ_NA, .ns = 0, .has_pc = false, .sym = NULL,
        .icount = 777, .pa = 0x8000000000000040ull, .has_va = false, .smc_fid = TZ_NA,
        .op = "read", .attr = "DMA"};
}

static void base_finding(struct tz_finding_row *f)
{
    memset(f, 0, sizeof *f);
    f->id = 0;
    f->rule = 1;
    f->rule_name = "stale-read";
    f->missing = "no DC CVAC/CIVAC to PoC";
    f->line_pa = 0xffffffffffffffc0ull;
    f->ns = 1;
    f->count = 1;
    f->last_icount = 108528;
    f->last_cpu = TZ_NA;
    cpu_side(&f->first);
    dma_side(&f->second);
    f->message = "stale read: dma@9100000 read 0x42000000";
}

Test(trace, finding_roundtrip_with_nulls)
{
    char path[1024], buf[512];
    scratch(path, sizeof path, "finding");
    struct tz_trace *t = open_ok(path);
    begin_ok(t, NULL);
    struct tz_finding_row f;
    base_finding(&f);
    cr_assert_eq(tz_trace_finding(t, &f), 0);

    /* Finding 1: a TZASC finding, no first side. Whatever its fields hold,
     * an unknown side (who NULL) is all NULL. */
    struct tz_finding_row g;
    base_finding(&g);
    g.id = 1;
    g.rule = 8;
    g.rule_name = "tzasc-blocked";
    g.missing = "blocked by the TZASC: read as zero, write ignored";
    g.line_pa = 0xe100000;
    g.ns = 0;
    g.last_cpu = 3;
    cpu_side(&g.first);
    g.first.who = NULL;
    cpu_side(&g.second);
    g.second.sym = NULL;    /* no symbol for that pc */
    g.second.smc_fid = TZ_NA;
    g.message = NULL;
    cr_assert_eq(tz_trace_finding(t, &g), 0);

    /* The rewrite at the end of the run replaces the row. */
    f.count = 256;
    f.last_icount = 0x8000000000000001ull;
    cr_assert_eq(tz_trace_finding(t, &f), 0);
    end_ok(t);
    close_ok(t);

    sqlite3 *db = db_open(path);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM findings"), 2);
    q_text(db, "SELECT run || '|' || id || '|' || rule || '|' || rule_name || '|' || missing"
               " || '|' || ns || '|' || count || '|' || message FROM findings WHERE id = 0",
           buf, sizeof buf);
    cr_assert_str_eq(buf, "1|0|1|stale-read|no DC CVAC/CIVAC to PoC|1|256|"
                          "stale read: dma@9100000 read 0x42000000");
    cr_assert_eq((uint64_t)q_int(db, "SELECT line_pa FROM findings WHERE id = 0"),
                 0xffffffffffffffc0ull);
    cr_assert_eq((uint64_t)q_int(db, "SELECT last_icount FROM findings WHERE id = 0"),
                 0x8000000000000001ull);
    cr_assert(q_null(db, "SELECT last_cpu FROM findings WHERE id = 0"));

    /* First side of finding 0: every column, 64-bit values bit-exact. */
    sqlite3_stmt *st = prep(db, "SELECT first_who, first_el, first_ns, first_pc, first_sym,"
                                " first_icount, first_va, first_pa, first_smc_fid, first_op,"
                                " first_attr FROM findings WHERE run = 1 AND id = 0");
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "cpu1");
    cr_assert_eq(sqlite3_column_int64(st, 1), 1);
    cr_assert_eq(sqlite3_column_int64(st, 2), 1);
    cr_assert_eq((uint64_t)sqlite3_column_int64(st, 3), 0xffff000008081100ull);
    cr_assert_lt(sqlite3_column_int64(st, 3), 0, "u64 above 2^63 reads back negative");
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 4), "shm_write+0x60");
    cr_assert_eq(sqlite3_column_int64(st, 5), 104244);
    cr_assert_eq((uint64_t)sqlite3_column_int64(st, 6), 0xffff800042000038ull);
    cr_assert_eq(sqlite3_column_int64(st, 7), 0x42000038);
    cr_assert_eq(sqlite3_column_int64(st, 8), 0xbe000000);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 9), "write");
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 10), "Normal iWB-RWA oWB-RWA ISH");
    sqlite3_finalize(st);
    /* Equality against a hex literal works as for events.pc. */
    cr_assert_eq(q_int(db, "SELECT count(*) FROM findings WHERE first_pc = 0xffff000008081100"),
                 1);

    /* Second side of finding 0: a DMA master. */
    q_text(db, "SELECT second_who || '|' || second_ns || '|' || second_icount || '|'"
               " || second_op || '|' || second_attr FROM findings WHERE id = 0", buf, sizeof buf);
    cr_assert_str_eq(buf, "dma@9100000|0|777|read|DMA");
    cr_assert_eq((uint64_t)q_int(db, "SELECT second_pa FROM findings WHERE id = 0"),
                 0x8000000000000040ull);
    static const char *const dma_null[] = {"second_el", "second_pc", "second_sym", "second_va",
                                           "second_smc_fid"};
    for (size_t i = 0; i < sizeof dma_null / sizeof dma_null[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT %s FROM findings WHERE id = 0", dma_null[i]);
        cr_assert(q_null(db, sql), "%s should be NULL", dma_null[i]);
    }

    /* Finding 1: the unknown first side is NULL in every column. */
    static const char *const side_cols[] = {"who", "el", "ns", "pc", "sym", "icount", "va",
                                            "pa", "smc_fid", "op", "attr"};
    for (size_t i = 0; i < sizeof side_cols / sizeof side_cols[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT first_%s FROM findings WHERE id = 1", side_cols[i]);
        cr_assert(q_null(db, sql), "first_%s should be NULL", side_cols[i]);
    }
    cr_assert(q_null(db, "SELECT second_sym FROM findings WHERE id = 1"));
    cr_assert(q_null(db, "SELECT second_smc_fid FROM findings WHERE id = 1"));
    cr_assert(q_null(db, "SELECT message FROM findings WHERE id = 1"));
    cr_assert_eq(q_int(db, "SELECT last_cpu FROM findings WHERE id = 1"), 3);
    cr_assert_eq(q_int(db, "SELECT ns FROM findings WHERE id = 1"), 0);
    q_text(db, "SELECT second_who || '|' || second_el FROM findings WHERE id = 1", buf,
           sizeof buf);
    cr_assert_str_eq(buf, "cpu1|1");
    sqlite3_close(db);
    cleanup(path);
}

Test(trace, counter_rows)
{
    char path[1024], buf[256];
    scratch(path, sizeof path, "counter");
    struct tz_trace *t = open_ok(path);
    begin_ok(t, NULL);
    tz_trace_counter(t, 1, "l1d_hits", 1266);
    tz_trace_counter(t, 0, "l1d_hits", 7);
    tz_trace_counter(t, TZ_NA, "non-secure DC CIVAC", UINT64_MAX);
    end_ok(t);
    close_ok(t);

    sqlite3 *db = db_open(path);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM counters"), 3);
    q_text(db, "SELECT group_concat(run || ':' || ifnull(cpu, 'NULL') || ':' || name, ',')"
               " FROM (SELECT * FROM counters ORDER BY rowid)", buf, sizeof buf);
    cr_assert_str_eq(buf, "1:1:l1d_hits,1:0:l1d_hits,1:NULL:non-secure DC CIVAC");
    cr_assert_eq(q_int(db, "SELECT value FROM counters WHERE cpu = 1"), 1266);
    cr_assert_eq((uint64_t)q_int(db, "SELECT value FROM counters WHERE cpu IS NULL"), UINT64_MAX);
    sqlite3_close(db);
    cleanup(path);
}

/* Digest of a run: one MARK, then fn(t). */
static void digest_with(void (*fn)(struct tz_trace *), const char *path, char out[65])
{
    struct tz_trace *t = open_ok(path);
    begin_ok(t, NULL);
    struct tz_event ev;
    tz_event_init(&ev, TZ_EV_MARK, 0, 1, 1);
    tz_trace_event(t, &ev);
    if (fn)
        fn(t);
    tz_trace_digest(t, out);
    end_ok(t);
    close_ok(t);
}

static void add_finding(struct tz_trace *t)
{
    struct tz_finding_row f;
    base_finding(&f);
    cr_assert_eq(tz_trace_finding(t, &f), 0);
}

static void add_counter(struct tz_trace *t) { tz_trace_counter(t, 0, "l1d_hits", 5); }

static void add_counter_na(struct tz_trace *t) { tz_trace_counter(t, TZ_NA, "l1d_hits", 5); }

static void add_both(struct tz_trace *t)
{
    add_finding(t);
    add_counter(t);
}

static void add_both_reversed(struct tz_trace *t)
{
    add_counter(t);
    add_finding(t);
}

static struct tz_finding_row mut_finding;
static void add_mut_finding(struct tz_trace *t)
{
    cr_assert_eq(tz_trace_finding(t, &mut_finding), 0);
}

Test(trace, digest_covers_findings_and_counters)
{
    char plain[65], d_f[65], d_c[65], d_cna[65], d_both[65], d_rev[65], d_mem[65], path[1024];
    digest_with(NULL, NULL, plain);
    digest_with(add_finding, NULL, d_f);
    digest_with(add_counter, NULL, d_c);
    digest_with(add_counter_na, NULL, d_cna);
    digest_with(add_both, NULL, d_both);
    digest_with(add_both_reversed, NULL, d_rev);
    cr_assert_str_neq(d_f, plain, "a finding must change the digest");
    cr_assert_str_neq(d_c, plain, "a counter must change the digest");
    cr_assert_str_neq(d_c, d_cna);
    cr_assert_str_neq(d_both, d_f);
    cr_assert_str_neq(d_both, d_rev, "call order matters");

    /* The same with a file, and the file's runs.digest agrees. */
    scratch(path, sizeof path, "digest-fc");
    digest_with(add_both, path, d_mem);
    cr_assert_str_eq(d_mem, d_both);
    sqlite3 *db = db_open(path);
    char buf[128];
    q_text(db, "SELECT digest FROM runs WHERE id = 1", buf, sizeof buf);
    cr_assert_str_eq(buf, d_both);
    sqlite3_close(db);
    cleanup(path);

    /* Each recorded field of a finding counts. */
    for (int m = 0; m < 16; m++) {
        base_finding(&mut_finding);
        switch (m) {
        case 0: mut_finding.id = 1; break;
        case 1: mut_finding.rule = 2; break;
        case 2: mut_finding.rule_name = "stale-reaD"; break;
        case 3: mut_finding.missing = NULL; break;
        case 4: mut_finding.line_pa ^= 1ull << 63; break;
        case 5: mut_finding.ns = 0; break;
        case 6: mut_finding.count = 2; break;
        case 7: mut_finding.last_icount++; break;
        case 8: mut_finding.last_cpu = 0; break;
        case 9: mut_finding.message = ""; break;
        case 10: mut_finding.first.pc += 4; break;
        case 11: mut_finding.first.has_va = false; break;
        case 12: mut_finding.first.smc_fid = TZ_NA; break;
        case 13: mut_finding.second.who = "dma@9200000"; break;
        case 14: mut_finding.second.pa++; break;
        case 15: mut_finding.first.who = NULL; break;
        }
        char d[65];
        digest_with(add_mut_finding, NULL, d);
        cr_assert_str_neq(d, d_f, "finding mutation %d did not change the digest", m);
    }

    /* Fields the trace does not record do not count: pc without has_pc,
     * va without has_va, anything of an unknown side. */
    char ref[65], d[65];
    base_finding(&mut_finding);
    mut_finding.first.who = NULL;
    digest_with(add_mut_finding, NULL, ref);
    mut_finding.first.icount = 1;
    mut_finding.first.pa = 2;
    mut_finding.first.el = 3;
    mut_finding.first.op = "fill";
    mut_finding.second.pc = 0x1234;   /* has_pc is false */
    mut_finding.second.va = 0x5678;   /* has_va is false */
    digest_with(add_mut_finding, NULL, d);
    cr_assert_str_eq(d, ref);
}

Test(trace, findings_and_counters_digest_only)
{
    /* Without a file the calls only feed the digest, and succeed. */
    struct tz_trace *t = open_ok(NULL);
    for (int r = 1; r <= 2; r++) {
        begin_ok(t, NULL);
        struct tz_finding_row f;
        base_finding(&f);
        cr_assert_eq(tz_trace_finding(t, &f), 0);
        tz_trace_counter(t, 0, "l1d_hits", 1);
        end_ok(t);
    }
    close_ok(t);
}

/* ---- import (sweeps merge worker traces) ---------------------------------------- */

/* A worker trace: `runs` runs, run r with r findings and r+1 counters. */
static void write_worker(const char *path, int runs, char digests[][65])
{
    struct tz_trace *t = open_ok(path);
    for (int r = 1; r <= runs; r++) {
        char params[32];
        snprintf(params, sizeof params, "worker run %d", r);
        begin_ok(t, params);
        emit_stream(t, 5);
        for (int i = 0; i < r; i++) {
            struct tz_finding_row f;
            base_finding(&f);
            f.id = (uint32_t)i;
            f.count = (uint64_t)(10 * r + i);
            cr_assert_eq(tz_trace_finding(t, &f), 0);
        }
        for (int i = 0; i <= r; i++) {
            char name[32];
            snprintf(name, sizeof name, "c%d", i);
            tz_trace_counter(t, i == r ? TZ_NA : i, name, 0xffffffff00000000ull + (uint64_t)i);
        }
        tz_trace_digest(t, digests[r - 1]);
        end_ok(t);
    }
    close_ok(t);
}

Test(trace, import_copies_findings_and_counters)
{
    char main_path[1024], part[1024], buf[256], dig[2][65], own[1][65];
    scratch(main_path, sizeof main_path, "import-main");
    scratch(part, sizeof part, "import-part");
    write_worker(part, 2, dig);

    struct tz_trace *t = open_ok(main_path);
    begin_ok(t, "own run");
    struct tz_finding_row f;
    base_finding(&f);
    cr_assert_eq(tz_trace_finding(t, &f), 0);
    tz_trace_counter(t, 0, "own", 1);
    tz_trace_digest(t, own[0]);
    end_ok(t);
    struct tz_error err = {{0}};
    cr_assert_eq(tz_trace_import(t, part, &err), 0, "%s", err.msg);
    /* New runs after an import continue the numbering. */
    cr_assert_eq(begin_ok(t, "after"), 4);
    end_ok(t);
    close_ok(t);

    sqlite3 *db = db_open(main_path);
    cr_assert_eq(q_int(db, "SELECT group_concat(id) = '1,2,3,4' FROM runs"), 1);
    /* Run 1 is untouched; worker runs 1 and 2 became runs 2 and 3. */
    q_text(db, "SELECT group_concat(run || ':' || id || ':' || count, ',') FROM"
               " (SELECT * FROM findings ORDER BY run, id)", buf, sizeof buf);
    cr_assert_str_eq(buf, "1:0:1,2:0:10,3:0:20,3:1:21");
    q_text(db, "SELECT group_concat(run || ':' || ifnull(cpu, 'NULL') || ':' || name, ',') FROM"
               " (SELECT * FROM counters ORDER BY rowid)", buf, sizeof buf);
    cr_assert_str_eq(buf, "1:0:own,2:0:c0,2:NULL:c1,3:0:c0,3:1:c1,3:NULL:c2");
    cr_assert_eq((uint64_t)q_int(db, "SELECT value FROM counters WHERE run = 3 AND name = 'c2'"),
                 0xffffffff00000002ull);
    /* Every column of a finding is copied, NULLs included. */
    cr_assert_eq(q_int(db, "SELECT count(*) FROM findings AS a JOIN findings AS b"
                           " ON a.run = 1 AND b.run = 3 AND b.id = 1"
                           " WHERE a.rule IS b.rule AND a.rule_name IS b.rule_name"
                           " AND a.missing IS b.missing AND a.line_pa IS b.line_pa"
                           " AND a.ns IS b.ns AND a.last_icount IS b.last_icount"
                           " AND a.last_cpu IS b.last_cpu AND a.message IS b.message"
                           " AND a.first_who IS b.first_who AND a.first_el IS b.first_el"
                           " AND a.first_ns IS b.first_ns AND a.first_pc IS b.first_pc"
                           " AND a.first_sym IS b.first_sym AND a.first_icount IS b.first_icount"
                           " AND a.first_va IS b.first_va AND a.first_pa IS b.first_pa"
                           " AND a.first_smc_fid IS b.first_smc_fid AND a.first_op IS b.first_op"
                           " AND a.first_attr IS b.first_attr AND a.second_who IS b.second_who"
                           " AND a.second_el IS b.second_el AND a.second_ns IS b.second_ns"
                           " AND a.second_pc IS b.second_pc AND a.second_sym IS b.second_sym"
                           " AND a.second_icount IS b.second_icount"
                           " AND a.second_va IS b.second_va AND a.second_pa IS b.second_pa"
                           " AND a.second_smc_fid IS b.second_smc_fid"
                           " AND a.second_op IS b.second_op AND a.second_attr IS b.second_attr"),
                 1);
    cr_assert(q_null(db, "SELECT second_pc FROM findings WHERE run = 3 AND id = 1"));
    /* The digests travel with the runs. */
    q_text(db, "SELECT digest FROM runs WHERE id = 1", buf, sizeof buf);
    cr_assert_str_eq(buf, own[0]);
    q_text(db, "SELECT digest FROM runs WHERE id = 2", buf, sizeof buf);
    cr_assert_str_eq(buf, dig[0]);
    q_text(db, "SELECT digest FROM runs WHERE id = 3", buf, sizeof buf);
    cr_assert_str_eq(buf, dig[1]);
    q_text(db, "SELECT params FROM runs WHERE id = 3", buf, sizeof buf);
    cr_assert_str_eq(buf, "worker run 2");
    cr_assert_eq(q_int(db, "SELECT count(*) FROM events WHERE run = 3"), 5);
    sqlite3_close(db);
    cleanup(main_path);
    cleanup(part);
}

Test(trace, import_of_a_trace_without_findings_tables)
{
    /* A format-1 trace written before the findings and counters tables
     * existed imports with no rows in them. */
    char main_path[1024], part[1024], dig[1][65];
    scratch(main_path, sizeof main_path, "import-old-main");
    scratch(part, sizeof part, "import-old-part");
    write_worker(part, 1, dig);
    sqlite3 *db = db_open(part);
    cr_assert_eq(sqlite3_exec(db, "DROP TABLE findings; DROP TABLE counters;", NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);

    struct tz_trace *t = open_ok(main_path);
    struct tz_error err = {{0}};
    cr_assert_eq(tz_trace_import(t, part, &err), 0, "%s", err.msg);
    close_ok(t);
    db = db_open(main_path);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM runs"), 1);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM events WHERE run = 1"), 5);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM findings"), 0);
    cr_assert_eq(q_int(db, "SELECT count(*) FROM counters"), 0);
    sqlite3_close(db);
    cleanup(main_path);
    cleanup(part);
}

/* ---- sticky write errors ------------------------------------------------------ */

Test(trace, write_errors_are_sticky)
{
    char path[1024], d_fail[65], d_ok[65];
    scratch(path, sizeof path, "sticky");
    struct tz_trace *t = open_ok(path);

    /* Another connection holds the write lock: every write of the trace
     * fails with SQLITE_BUSY (no busy timeout is set). */
    sqlite3 *db = db_open(path);
    cr_assert_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

    struct tz_run_info info = {.scenario = "s"};
    int64_t run = 0;
    cr_assert_eq(tz_trace_run_begin(t, &info, &run), -1);
    cr_assert_eq(run, 1);
    emit_stream(t, 50);
    cr_assert_eq(tz_trace_count(t, TZ_EV_SMC_CALL), 17);
    struct tz_finding_row f;
    base_finding(&f);
    cr_assert_eq(tz_trace_finding(t, &f), -1);
    tz_trace_counter(t, 0, "l1d_hits", 1);
    tz_trace_digest(t, d_fail);
    cr_assert_eq(tz_trace_meta(t, "k", "v"), -1);

    struct tz_error err = {{0}};
    cr_assert_eq(tz_trace_run_end(t, "ok", TZ_STOP_NONE, 0, 0, &err), -1);
    char want[1100];
    snprintf(want, sizeof want, "%s: write failed: ", path);
    cr_assert(strncmp(err.msg, want, strlen(want)) == 0, "message: %s", err.msg);
    cr_assert(strstr(err.msg, "locked"), "message: %s", err.msg);

    /* Still sticky after the lock is gone. */
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    memset(&err, 0, sizeof err);
    cr_assert_eq(tz_trace_close(t, &err), -1);
    cr_assert(strncmp(err.msg, want, strlen(want)) == 0, "message: %s", err.msg);

    /* The digest did not depend on the failure. */
    t = open_ok(NULL);
    tz_trace_run_begin(t, &info, NULL);
    emit_stream(t, 50);
    cr_assert_eq(tz_trace_finding(t, &f), 0);
    tz_trace_counter(t, 0, "l1d_hits", 1);
    tz_trace_digest(t, d_ok);
    end_ok(t);
    close_ok(t);
    cr_assert_str_eq(d_fail, d_ok);
    cleanup(path);
}
