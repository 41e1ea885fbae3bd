/* The SQLite trace store: schema and writer, generated from events.def.
 *
 * The schema, the meaning of NULL, the digest and example queries are in
 * docs/trace-schema.md; keep that document in step with this file.
 *
 * Write path: one connection, WAL journal, synchronous=NORMAL, prepared
 * statements, and explicit transactions of TZ_TRACE_BATCH rows (BEGIN at run
 * start, COMMIT every TZ_TRACE_BATCH rows and at run end / close). A failed
 * write never aborts the process: the first SQLite error is remembered
 * (sticky), later writes to the file are skipped, and the error is reported
 * by tz_trace_run_end and tz_trace_close. The digest and the per-kind counts
 * are kept regardless, so a run stays comparable even if its file is lost.
 *
 * No global mutable state: everything lives in struct tz_trace. Nothing here
 * reads a host clock, and nothing host-dependent goes into the digest.
 */
#include "trace.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TZSIM_VERSION
#define TZSIM_VERSION "unknown" /* set by traces/CMakeLists.txt */
#endif

/* Rows (events + console lines) per transaction. */
#define TZ_TRACE_BATCH 4096

/* ---- compile-time checks on events.def ---------------------------------- */

/* Ids are persisted (events.kind, event_kinds.id, the digest): positive and
 * small enough to index the count array. Duplicate ids are caught by the
 * switch in tz_event_kind_name (duplicate case labels do not compile). */
#define TZ_EVENT(name, id, desc, a0, a1, a2, a3) \
    _Static_assert((id) > 0 && (id) < 4096, "event id of " #name " out of range");
#include "events.def"
#undef TZ_EVENT

/* sizeof this union is (largest event id + 1). */
union tz_event_id_span {
#define TZ_EVENT(name, id, desc, a0, a1, a2, a3) char name[(id) + 1];
#include "events.def"
#undef TZ_EVENT
};
#define TZ_EV_ID_LIMIT sizeof(union tz_event_id_span)

struct tz_kind_info {
    int id;
    const char *name;
    const char *desc;
    const char *arg[4]; /* "" = unused (NULL in event_kinds) */
};

static const struct tz_kind_info kinds[] = {
#define TZ_EVENT(name, id, desc, a0, a1, a2, a3) {id, #name, desc, {a0, a1, a2, a3}},
#include "events.def"
#undef TZ_EVENT
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* ---- names --------------------------------------------------------------- */

const char *tz_event_kind_name(enum tz_event_kind kind)
{
    switch (kind) {
#define TZ_EVENT(name, id, desc, a0, a1, a2, a3) \
    case TZ_EV_##name:                            \
        return #name;
#include "events.def"
#undef TZ_EVENT
    }
    return NULL;
}

const char *tz_stop_reason_name(enum tz_stop_reason r)
{
    switch (r) {
    case TZ_STOP_NONE: return "none";
    case TZ_STOP_SYSTEM_OFF: return "system_off";
    case TZ_STOP_SYSTEM_RESET: return "system_reset";
    case TZ_STOP_INSN_LIMIT: return "insn_limit";
    case TZ_STOP_GUEST_ERROR: return "guest_error";
    case TZ_STOP_SCENARIO: return "scenario";
    case TZ_STOP_ALL_OFF: return "all_off";
    case TZ_STOP_HOST_ERROR: return "host_error";
    case TZ_STOP_TRIGGER: return "trigger";
    case TZ_STOP_SCENARIO_STOP: return "scenario_stop";
    }
    return NULL;
}

void tz_event_init(struct tz_event *ev, enum tz_event_kind kind, int cpu,
                   uint64_t icount, uint64_t vtime_ns)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->cpu = cpu;
    ev->icount = icount;
    ev->vtime_ns = vtime_ns;
    ev->from_el = ev->from_ns = ev->to_el = ev->to_ns = TZ_NA;
    ev->has_pc = false;
    ev->fid = TZ_NA;
    ev->intid = TZ_NA;
    ev->na = 0;
    ev->dur_icount = TZ_NA;
    ev->dur_ns = TZ_NA;
    ev->text = NULL;
}

/* ---- schema --------------------------------------------------------------- */

/* The fixed part. Column order of `events` is the bind order in
 * SQL_INSERT_EVENT below. WITHOUT ROWID: rows arrive in primary-key order, so
 * the table is its own index (one B-tree write per row instead of two). */
static const char SCHEMA[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);\n"
    "CREATE TABLE event_kinds(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " description TEXT, a0 TEXT, a1 TEXT, a2 TEXT, a3 TEXT);\n"
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, scenario TEXT, scenario_sha256 TEXT,"
    " platform TEXT, ncpus INTEGER, quantum INTEGER, seed INTEGER, params TEXT,"
    " status TEXT, stop_reason INTEGER, stop_reason_name TEXT, total_icount INTEGER,"
    " vtime_ns INTEGER, digest TEXT);\n"
    "CREATE TABLE events(run INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL,"
    " cpu INTEGER, icount INTEGER, vtime_ns INTEGER, kind INTEGER NOT NULL REFERENCES event_kinds(id),"
    " from_el INTEGER, from_ns INTEGER, to_el INTEGER, to_ns INTEGER, pc INTEGER,"
    " fid INTEGER, intid INTEGER, a0 INTEGER, a1 INTEGER, a2 INTEGER, a3 INTEGER,"
    " dur_icount INTEGER, dur_ns INTEGER, text TEXT,"
    " PRIMARY KEY(run, seq)) WITHOUT ROWID;\n"
    "CREATE TABLE console(run INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL,"
    " cpu INTEGER, icount INTEGER, vtime_ns INTEGER, device TEXT, line TEXT,"
    " PRIMARY KEY(run, seq)) WITHOUT ROWID;\n"
    "CREATE TABLE findings(run INTEGER NOT NULL REFERENCES runs(id), id INTEGER NOT NULL,"
    " rule INTEGER, rule_name TEXT, missing TEXT, line_pa INTEGER, ns INTEGER, count INTEGER,"
    " last_icount INTEGER, last_cpu INTEGER, message TEXT,"
    " first_who TEXT, first_el INTEGER, first_ns INTEGER, first_pc INTEGER, first_sym TEXT,"
    " first_icount INTEGER, first_va INTEGER, first_pa INTEGER, first_smc_fid INTEGER,"
    " first_op TEXT, first_attr TEXT,"
    " second_who TEXT, second_el INTEGER, second_ns INTEGER, second_pc INTEGER, second_sym TEXT,"
    " second_icount INTEGER, second_va INTEGER, second_pa INTEGER, second_smc_fid INTEGER,"
    " second_op TEXT, second_attr TEXT,"
    " PRIMARY KEY(run, id)) WITHOUT ROWID;\n"
    "CREATE TABLE counters(run INTEGER NOT NULL REFERENCES runs(id), cpu INTEGER,"
    " name TEXT NOT NULL, value INTEGER);\n"
    "CREATE INDEX counters_run ON counters(run, name);\n"
    "CREATE VIEW events_named AS SELECT e.run, e.seq, e.cpu, e.icount, e.vtime_ns,"
    " e.kind, k.name AS kind_name, e.from_el, e.from_ns, e.to_el, e.to_ns, e.pc,"
    " e.fid, e.intid, e.a0, e.a1, e.a2, e.a3, e.dur_icount, e.dur_ns, e.text"
    " FROM events AS e LEFT JOIN event_kinds AS k ON k.id = e.kind;\n";

static const char SQL_INSERT_KIND[] =
    "INSERT INTO event_kinds(id, name, description, a0, a1, a2, a3) VALUES(?,?,?,?,?,?,?)";
static const char SQL_INSERT_META[] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)";
static const char SQL_INSERT_EVENT[] =
    "INSERT INTO events(run, seq, cpu, icount, vtime_ns, kind, from_el, from_ns, to_el,"
    " to_ns, pc, fid, intid, a0, a1, a2, a3, dur_icount, dur_ns, text)"
    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
static const char SQL_INSERT_CONSOLE[] =
    "INSERT INTO console(run, seq, cpu, icount, vtime_ns, device, line) VALUES(?,?,?,?,?,?,?)";
#define FINDING_COLS "run, " FINDING_COLS_NO_RUN
#define FINDING_COLS_NO_RUN                                                           \
    "id, rule, rule_name, missing, line_pa, ns, count, last_icount, last_cpu, message,"   \
    " first_who, first_el, first_ns, first_pc, first_sym, first_icount, first_va, first_pa," \
    " first_smc_fid, first_op, first_attr, second_who, second_el, second_ns, second_pc,"  \
    " second_sym, second_icount, second_va, second_pa, second_smc_fid, second_op, second_attr"
/* A finding is written when it appears and again with its final count at
 * the end of the run: the latest row wins. */
static const char SQL_INSERT_FINDING[] =
    "INSERT OR REPLACE INTO findings(" FINDING_COLS ") VALUES(?,?,?,?,?,?,?,?,?,?,?,"
    "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
static const char SQL_INSERT_COUNTER[] =
    "INSERT INTO counters(run, cpu, name, value) VALUES(?,?,?,?)";
static const char SQL_RUN_BEGIN[] =
    "INSERT INTO runs(id, scenario, scenario_sha256, platform, ncpus, quantum, seed, params,"
    " status) VALUES(?,?,?,?,?,?,?,?,'running')";
static const char SQL_RUN_END[] =
    "UPDATE runs SET status = ?, stop_reason = ?, stop_reason_name = ?, total_icount = ?,"
    " vtime_ns = ?, digest = ? WHERE id = ?";

/* ---- the trace ------------------------------------------------------------ */

struct tz_trace {
    char *path;       /* NULL: digest-only, no SQLite at all */
    sqlite3 *db;
    sqlite3_stmt *st_meta, *st_event, *st_console, *st_run_begin, *st_run_end;
    sqlite3_stmt *st_finding, *st_counter;
    bool in_txn;
    unsigned batch_rows; /* rows written in the open transaction */

    bool failed;                 /* sticky: the first write error */
    char werr[TZ_ERROR_MAX];

    int64_t next_run; /* run ids 1, 2, 3... (same with and without a file) */
    int64_t run_id;
    bool in_run;
    int64_t seq;      /* last sequence number of the run (events and console) */

    struct tz_sha256 digest;
    uint64_t counts[TZ_EV_ID_LIMIT];
};

/* 64-bit unsigned values are stored as the int64 with the same bit pattern
 * (docs/trace-schema.md). memcpy keeps this free of implementation-defined
 * conversions. */
static int64_t u64_bits(uint64_t v)
{
    int64_t r;
    memcpy(&r, &v, sizeof r);
    return r;
}

/* Remembers the first write error (sticky). */
static void write_failed(struct tz_trace *t, const char *what)
{
    if (t->failed)
        return;
    t->failed = true;
    snprintf(t->werr, sizeof t->werr, "%s: %s", what, sqlite3_errmsg(t->db));
}

static bool writable(const struct tz_trace *t) { return t->db && !t->failed; }

static int exec_sql(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static void txn_begin(struct tz_trace *t)
{
    if (!writable(t) || t->in_txn)
        return;
    if (exec_sql(t->db, "BEGIN") != 0) {
        write_failed(t, "BEGIN");
        return;
    }
    t->in_txn = true;
    t->batch_rows = 0;
}

/* Commits the open transaction, if any. After an earlier failure it still
 * commits what was written successfully; when SQLite already rolled the
 * transaction back (it does on I/O errors, SQLITE_FULL, SQLITE_BUSY...),
 * there is nothing left to commit. */
static void txn_commit(struct tz_trace *t)
{
    if (!t->in_txn)
        return;
    t->in_txn = false;
    t->batch_rows = 0;
    if (sqlite3_get_autocommit(t->db))
        return;
    if (exec_sql(t->db, "COMMIT") != 0) {
        write_failed(t, "COMMIT");
        if (!sqlite3_get_autocommit(t->db))
            exec_sql(t->db, "ROLLBACK");
    }
}

static void row_written(struct tz_trace *t)
{
    if (++t->batch_rows >= TZ_TRACE_BATCH) {
        txn_commit(t);
        txn_begin(t);
    }
}

/* Steps a fully bound insert/update statement once and resets it. */
static int step_once(struct tz_trace *t, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        write_failed(t, what);
        return -1;
    }
    return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Binds v, or NULL when v is TZ_NA. */
static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
    if (v == TZ_NA)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

/* Binds the 64-bit pattern v when present, else NULL. */
static void bind_u64_if(sqlite3_stmt *st, int i, bool present, uint64_t v)
{
    if (present)
        sqlite3_bind_int64(st, i, u64_bits(v));
    else
        sqlite3_bind_null(st, i);
}

/* ---- digest serialisation --------------------------------------------------
 *
 * Canonical and host-independent (docs/trace-schema.md, "Digest"): every
 * field in a fixed order, integers little-endian of fixed width, strings as
 * a presence byte, a u64 length and the bytes. Fields that the database
 * stores as NULL (pc without has_pc, a[i] with i >= na) are serialised as 0,
 * so the digest depends only on what the trace records.
 */
struct ser {
    uint8_t b[160];
    size_t n;
};

static void put_le(struct ser *s, uint64_t v, unsigned bytes)
{
    assert(s->n + bytes <= sizeof s->b);
    for (unsigned i = 0; i < bytes; i++)
        s->b[s->n++] = (uint8_t)(v >> (8 * i));
}

static void put_u8(struct ser *s, unsigned v) { put_le(s, v, 1); }
static void put_i32(struct ser *s, int64_t v) { put_le(s, (uint64_t)v, 4); }
static void put_u32(struct ser *s, uint64_t v) { put_le(s, v, 4); }
static void put_u64(struct ser *s, uint64_t v) { put_le(s, v, 8); }
static void put_i64(struct ser *s, int64_t v) { put_le(s, (uint64_t)v, 8); }

/* Flushes the fixed part, then hashes a string (NULL distinct from ""). */
static void hash_str(struct tz_sha256 *h, struct ser *s, const char *str)
{
    size_t len = str ? strlen(str) : 0;
    put_u8(s, str != NULL);
    put_u64(s, len);
    tz_sha256_update(h, s->b, s->n);
    s->n = 0;
    tz_sha256_update(h, str, len);
}

enum { TZ_DIGEST_EVENT = 'E', TZ_DIGEST_CONSOLE = 'C', TZ_DIGEST_FINDING = 'F',
       TZ_DIGEST_COUNTER = 'N' };

static void digest_event(struct tz_sha256 *h, const struct tz_event *ev)
{
    struct ser s = {.n = 0};
    put_u8(&s, TZ_DIGEST_EVENT);
    put_u32(&s, (uint32_t)ev->kind);
    put_i32(&s, ev->cpu);
    put_u64(&s, ev->icount);
    put_u64(&s, ev->vtime_ns);
    put_i32(&s, ev->from_el);
    put_i32(&s, ev->from_ns);
    put_i32(&s, ev->to_el);
    put_i32(&s, ev->to_ns);
    put_u8(&s, ev->has_pc);
    put_u64(&s, ev->has_pc ? ev->pc : 0);
    put_i64(&s, ev->fid);
    put_i64(&s, ev->intid);
    put_u32(&s, ev->na);
    for (unsigned i = 0; i < 4; i++)
        put_u64(&s, i < ev->na ? ev->a[i] : 0);
    put_i64(&s, ev->dur_icount);
    put_i64(&s, ev->dur_ns);
    hash_str(h, &s, ev->text);
}

static void digest_console(struct tz_sha256 *h, int cpu, uint64_t icount, uint64_t vtime_ns,
                           const char *dev, const char *line)
{
    struct ser s = {.n = 0};
    put_u8(&s, TZ_DIGEST_CONSOLE);
    put_i32(&s, cpu);
    put_u64(&s, icount);
    put_u64(&s, vtime_ns);
    hash_str(h, &s, dev);
    hash_str(h, &s, line);
}

/* A side whose `who` is NULL is unknown (data loaded before the run, the
 * missing first side of a TZASC finding): every column of it is NULL in the
 * file, so the digest and the row both use this placeholder instead. */
static const struct tz_finding_side_row unknown_side = {
    .who = NULL, .el = TZ_NA, .ns = TZ_NA, .has_pc = false, .has_va = false,
    .smc_fid = TZ_NA,
};

static const struct tz_finding_side_row *known_side(const struct tz_finding_side_row *d)
{
    return d->who ? d : &unknown_side;
}

static void digest_side(struct tz_sha256 *h, const struct tz_finding_side_row *d)
{
    struct ser s = {.n = 0};
    d = known_side(d);
    hash_str(h, &s, d->who);
    put_i32(&s, d->el);
    put_i32(&s, d->ns);
    put_u8(&s, d->has_pc);
    put_u64(&s, d->has_pc ? d->pc : 0);
    hash_str(h, &s, d->sym);
    put_u64(&s, d->icount);
    put_u8(&s, d->has_va);
    put_u64(&s, d->has_va ? d->va : 0);
    put_u64(&s, d->pa);
    put_i64(&s, d->smc_fid);
    hash_str(h, &s, d->op);
    hash_str(h, &s, d->attr);
}

static void digest_finding(struct tz_sha256 *h, const struct tz_finding_row *f)
{
    struct ser s = {.n = 0};
    put_u8(&s, TZ_DIGEST_FINDING);
    put_u32(&s, f->id);
    put_i32(&s, f->rule);
    hash_str(h, &s, f->rule_name);
    hash_str(h, &s, f->missing);
    put_u64(&s, f->line_pa);
    put_i32(&s, f->ns);
    put_u64(&s, f->count);
    put_u64(&s, f->last_icount);
    put_i32(&s, f->last_cpu);
    hash_str(h, &s, f->message);
    digest_side(h, &f->first);
    digest_side(h, &f->second);
}

/* ---- open / close --------------------------------------------------------- */

/* Removes path and SQLite's side files: a stale -wal or -journal must never
 * be taken for the new database's. Missing files are fine. */
static int remove_db_files(const char *path, char *why, size_t whysz)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    size_t plen = strlen(path);
    char *name = malloc(plen + sizeof "-journal");
    if (!name) {
        snprintf(why, whysz, "%s", strerror(ENOMEM));
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0] && rc == 0; i++) {
        memcpy(name, path, plen);
        strcpy(name + plen, suffix[i]);
        if (unlink(name) != 0 && errno != ENOENT) {
            snprintf(why, whysz, "cannot remove %s: %s", name, strerror(errno));
            rc = -1;
        }
    }
    free(name);
    return rc;
}

static void finalize_all(struct tz_trace *t)
{
    sqlite3_finalize(t->st_meta);
    sqlite3_finalize(t->st_event);
    sqlite3_finalize(t->st_console);
    sqlite3_finalize(t->st_run_begin);
    sqlite3_finalize(t->st_run_end);
    sqlite3_finalize(t->st_finding);
    sqlite3_finalize(t->st_counter);
    t->st_meta = t->st_event = t->st_console = t->st_run_begin = t->st_run_end = NULL;
    t->st_finding = t->st_counter = NULL;
}

/* Creates the schema: the fixed tables, one view per event kind naming its
 * arguments, the event_kinds rows and the meta rows. */
static int create_schema(struct tz_trace *t)
{
    if (exec_sql(t->db, "BEGIN") != 0 || exec_sql(t->db, SCHEMA) != 0)
        return -1;

    /* ev_NAME: the events of one kind with a0..a3 under their names from
     * events.def (unused arguments left out). */
    for (size_t k = 0; k < NKINDS; k++) {
        char sql[1024];
        int n = snprintf(sql, sizeof sql,
                         "CREATE VIEW \"ev_%s\" AS SELECT run, seq, cpu, icount, vtime_ns,"
                         " from_el, from_ns, to_el, to_ns, pc, fid, intid",
                         kinds[k].name);
        for (unsigned i = 0; i < 4; i++) {
            const char *a = kinds[k].arg[i];
            assert(!strchr(a, '"'));
            if (*a)
                n += snprintf(sql + n, sizeof sql - (size_t)n, ", a%u AS \"%s\"", i, a);
        }
        n += snprintf(sql + n, sizeof sql - (size_t)n,
                      ", dur_icount, dur_ns, text FROM events WHERE kind = %d", kinds[k].id);
        assert(n > 0 && (size_t)n < sizeof sql);
        if (exec_sql(t->db, sql) != 0)
            return -1;
    }

    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(t->db, SQL_INSERT_KIND, -1, &st, NULL) != SQLITE_OK)
        return -1;
    for (size_t k = 0; k < NKINDS; k++) {
        sqlite3_bind_int(st, 1, kinds[k].id);
        sqlite3_bind_text(st, 2, kinds[k].name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, kinds[k].desc, -1, SQLITE_STATIC);
        for (int i = 0; i < 4; i++)
            bind_text(st, 4 + i, *kinds[k].arg[i] ? kinds[k].arg[i] : NULL);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            sqlite3_finalize(st);
            return -1;
        }
    }
    sqlite3_finalize(st);

    char ver[16];
    snprintf(ver, sizeof ver, "%d", TZ_TRACE_FORMAT_VERSION);
    if (sqlite3_prepare_v2(t->db, SQL_INSERT_META, -1, &t->st_meta, NULL) != SQLITE_OK)
        return -1;
    const char *meta[][2] = {{"format_version", ver}, {"tzsim_version", TZSIM_VERSION}};
    for (size_t i = 0; i < 2; i++) {
        sqlite3_bind_text(t->st_meta, 1, meta[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(t->st_meta, 2, meta[i][1], -1, SQLITE_STATIC);
        int rc = sqlite3_step(t->st_meta);
        sqlite3_reset(t->st_meta);
        if (rc != SQLITE_DONE)
            return -1;
    }
    return exec_sql(t->db, "COMMIT");
}

static int open_db(struct tz_trace *t, const char *path, struct tz_error *err)
{
    char why[TZ_ERROR_MAX];

    if (remove_db_files(path, why, sizeof why) != 0)
        return tz_error_set(err, path, "cannot create trace database: %s", why);

    /* Create the file ourselves first: a missing or unwritable directory then
     * fails here with the system's reason, not later with SQLite's generic
     * "unable to open database file". An empty file is an empty database. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return tz_error_set(err, path, "cannot create trace database: %s", strerror(errno));
    close(fd);

    /* NOMUTEX: a trace belongs to one thread at a time (like every tzsim
     * instance), so SQLite's per-call locking is pure overhead. */
    if (sqlite3_open_v2(path, &t->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        goto fail;
    /* WAL: the journal mode is persistent and the pragma writes the header,
     * so an unwritable file fails here. synchronous=NORMAL is durable across
     * process crashes in WAL mode, which is what a trace needs. */
    if (exec_sql(t->db, "PRAGMA journal_mode=WAL") != 0 ||
        exec_sql(t->db, "PRAGMA synchronous=NORMAL") != 0 || create_schema(t) != 0)
        goto fail;
    if (sqlite3_prepare_v2(t->db, SQL_INSERT_EVENT, -1, &t->st_event, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(t->db, SQL_INSERT_CONSOLE, -1, &t->st_console, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(t->db, SQL_RUN_BEGIN, -1, &t->st_run_begin, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(t->db, SQL_RUN_END, -1, &t->st_run_end, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(t->db, SQL_INSERT_FINDING, -1, &t->st_finding, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(t->db, SQL_INSERT_COUNTER, -1, &t->st_counter, NULL) != SQLITE_OK)
        goto fail;
    return 0;

fail:
    snprintf(why, sizeof why, "%s", t->db ? sqlite3_errmsg(t->db) : "out of memory");
    finalize_all(t);
    sqlite3_close(t->db);
    t->db = NULL;
    char ignored[TZ_ERROR_MAX];
    remove_db_files(path, ignored, sizeof ignored);
    return tz_error_set(err, path, "cannot create trace database: %s", why);
}

int tz_trace_open(struct tz_trace **out, const char *path, struct tz_error *err)
{
    *out = NULL;
    struct tz_trace *t = calloc(1, sizeof *t);
    if (!t)
        return tz_error_set(err, path, "cannot create trace database: %s", strerror(ENOMEM));
    t->next_run = 1;
    tz_sha256_init(&t->digest);
    if (path) {
        t->path = strdup(path);
        if (!t->path) {
            free(t);
            return tz_error_set(err, path, "cannot create trace database: %s", strerror(ENOMEM));
        }
        if (open_db(t, path, err) != 0) {
            free(t->path);
            free(t);
            return -1;
        }
    }
    *out = t;
    return 0;
}

static int report_failure(const struct tz_trace *t, struct tz_error *err)
{
    if (!t->failed)
        return 0;
    return tz_error_set(err, t->path, "write failed: %s", t->werr);
}

int tz_trace_close(struct tz_trace *t, struct tz_error *err)
{
    if (!t)
        return 0;
    int rc = 0;
    if (t->db) {
        txn_commit(t);
        finalize_all(t);
        /* The last connection checkpoints the WAL into the file and removes
         * the -wal and -shm files. */
        if (sqlite3_close(t->db) != SQLITE_OK) {
            write_failed(t, "close");
            sqlite3_close_v2(t->db); /* frees it once nothing uses it */
        }
        t->db = NULL;
    }
    rc = report_failure(t, err);
    free(t->path);
    free(t);
    return rc;
}

/* ---- writing -------------------------------------------------------------- */

int tz_trace_meta(struct tz_trace *t, const char *key, const char *value)
{
    assert(t && key);
    if (!t->db)
        return 0;
    if (t->failed)
        return -1;
    bind_text(t->st_meta, 1, key);
    bind_text(t->st_meta, 2, value);
    if (step_once(t, t->st_meta, "writing meta") != 0)
        return -1;
    if (t->in_txn)
        row_written(t);
    return 0;
}

int tz_trace_run_begin(struct tz_trace *t, const struct tz_run_info *info, int64_t *run_id)
{
    assert(t && info);
    assert(!t->in_run && "tz_trace_run_begin: previous run not ended");
    t->run_id = t->next_run++;
    t->in_run = true;
    t->seq = 0;
    memset(t->counts, 0, sizeof t->counts);
    tz_sha256_init(&t->digest);
    if (run_id)
        *run_id = t->run_id;

    if (!t->db)
        return 0;
    txn_begin(t);
    if (!writable(t))
        return -1;
    sqlite3_stmt *st = t->st_run_begin;
    sqlite3_bind_int64(st, 1, t->run_id);
    bind_text(st, 2, info->scenario);
    bind_text(st, 3, info->scenario_sha256);
    bind_text(st, 4, info->platform);
    sqlite3_bind_int(st, 5, info->ncpus);
    sqlite3_bind_int64(st, 6, u64_bits(info->quantum));
    sqlite3_bind_int64(st, 7, u64_bits(info->seed));
    bind_text(st, 8, info->params);
    if (step_once(t, st, "starting run") != 0)
        return -1;
    row_written(t);
    return 0;
}

void tz_trace_event(struct tz_trace *t, const struct tz_event *ev)
{
    assert(t && ev);
    assert(t->in_run && "tz_trace_event outside a run");
    assert(ev->na <= 4);
    assert(tz_event_kind_name(ev->kind) && "event kind not in events.def");

    t->seq++;
    if ((unsigned)ev->kind < TZ_EV_ID_LIMIT)
        t->counts[ev->kind]++;
    digest_event(&t->digest, ev);

    if (!writable(t))
        return;
    sqlite3_stmt *st = t->st_event;
    sqlite3_bind_int64(st, 1, t->run_id);
    sqlite3_bind_int64(st, 2, t->seq);
    bind_opt(st, 3, ev->cpu);
    sqlite3_bind_int64(st, 4, u64_bits(ev->icount));
    sqlite3_bind_int64(st, 5, u64_bits(ev->vtime_ns));
    sqlite3_bind_int(st, 6, (int)ev->kind);
    bind_opt(st, 7, ev->from_el);
    bind_opt(st, 8, ev->from_ns);
    bind_opt(st, 9, ev->to_el);
    bind_opt(st, 10, ev->to_ns);
    bind_u64_if(st, 11, ev->has_pc, ev->pc);
    bind_opt(st, 12, ev->fid);
    bind_opt(st, 13, ev->intid);
    for (unsigned i = 0; i < 4; i++)
        bind_u64_if(st, 14 + (int)i, i < ev->na, ev->a[i]);
    bind_opt(st, 18, ev->dur_icount);
    bind_opt(st, 19, ev->dur_ns);
    bind_text(st, 20, ev->text);
    if (step_once(t, st, "writing event") == 0)
        row_written(t);
}

void tz_trace_console(struct tz_trace *t, int cpu, uint64_t icount, uint64_t vtime_ns,
                      const char *dev, const char *line)
{
    assert(t);
    assert(t->in_run && "tz_trace_console outside a run");

    t->seq++;
    digest_console(&t->digest, cpu, icount, vtime_ns, dev, line);

    if (!writable(t))
        return;
    sqlite3_stmt *st = t->st_console;
    sqlite3_bind_int64(st, 1, t->run_id);
    sqlite3_bind_int64(st, 2, t->seq);
    bind_opt(st, 3, cpu);
    sqlite3_bind_int64(st, 4, u64_bits(icount));
    sqlite3_bind_int64(st, 5, u64_bits(vtime_ns));
    bind_text(st, 6, dev);
    bind_text(st, 7, line);
    if (step_once(t, st, "writing console line") == 0)
        row_written(t);
}

void tz_trace_digest(const struct tz_trace *t, char out[65])
{
    struct tz_sha256 copy = t->digest; /* finishing consumes the state */
    uint8_t d[32];
    tz_sha256_final(&copy, d);
    tz_sha256_hex(d, out);
}

int tz_trace_run_end(struct tz_trace *t, const char *status, enum tz_stop_reason reason,
                     uint64_t total_icount, uint64_t vtime_ns, struct tz_error *err)
{
    assert(t);
    assert(t->in_run && "tz_trace_run_end without tz_trace_run_begin");
    t->in_run = false;
    if (!t->db)
        return 0;

    if (writable(t)) {
        char hex[65];
        tz_trace_digest(t, hex);
        sqlite3_stmt *st = t->st_run_end;
        bind_text(st, 1, status);
        sqlite3_bind_int(st, 2, (int)reason);
        bind_text(st, 3, tz_stop_reason_name(reason));
        sqlite3_bind_int64(st, 4, u64_bits(total_icount));
        sqlite3_bind_int64(st, 5, u64_bits(vtime_ns));
        sqlite3_bind_text(st, 6, hex, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 7, t->run_id);
        step_once(t, st, "ending run");
    }
    txn_commit(t);
    return report_failure(t, err);
}

int tz_trace_query(struct tz_trace *t, const char *sql, int64_t *out, bool *null,
                   struct tz_error *err)
{
    *out = 0;
    *null = true;
    if (!t || !t->db)
        return tz_error_set(err, NULL, "query: this run has no trace database (use --db FILE)");
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    if (sqlite3_prepare_v2(t->db, sql, -1, &st, &tail) != SQLITE_OK)
        return tz_error_set(err, NULL, "query: %s", sqlite3_errmsg(t->db));
    if (!st)
        return tz_error_set(err, NULL, "query: empty statement");
    if (!sqlite3_stmt_readonly(st)) {
        sqlite3_finalize(st);
        return tz_error_set(err, NULL, "query: only read-only statements are allowed");
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
            *out = sqlite3_column_int64(st, 0);
            *null = false;
        }
    } else if (rc != SQLITE_DONE) {
        int r = tz_error_set(err, NULL, "query: %s", sqlite3_errmsg(t->db));
        sqlite3_finalize(st);
        return r;
    }
    sqlite3_finalize(st);
    return 0;
}

uint64_t tz_trace_count(const struct tz_trace *t, enum tz_event_kind kind)
{
    assert(t);
    if ((unsigned)kind >= TZ_EV_ID_LIMIT)
        return 0;
    return t->counts[kind];
}

/* Binds the 11 columns of one side from column i; returns the next column.
 * NULL: an unknown side entirely, el/ns/smc_fid TZ_NA, pc without has_pc,
 * va without has_va, NULL strings. */
static int bind_side(sqlite3_stmt *st, int i, const struct tz_finding_side_row *d)
{
    d = known_side(d);
    bind_text(st, i++, d->who);
    bind_opt(st, i++, d->el);
    bind_opt(st, i++, d->ns);
    bind_u64_if(st, i++, d->has_pc, d->pc);
    bind_text(st, i++, d->sym);
    bind_u64_if(st, i++, d->who != NULL, d->icount);
    bind_u64_if(st, i++, d->has_va, d->va);
    bind_u64_if(st, i++, d->who != NULL, d->pa);
    bind_opt(st, i++, d->smc_fid);
    bind_text(st, i++, d->op);
    bind_text(st, i++, d->attr);
    return i;
}

/* Findings and counters follow events: folded into the digest in call order
 * whether or not a file is written (a digest-only trace does nothing else),
 * batched with the run's other rows, skipped after a write error. A finding
 * written again (same run and id: the final count at the end of the run)
 * replaces its row, and each write counts in the digest. */
int tz_trace_finding(struct tz_trace *t, const struct tz_finding_row *f)
{
    assert(t && f);
    assert(t->in_run && "tz_trace_finding outside a run");
    digest_finding(&t->digest, f);
    if (!writable(t))
        return t->failed ? -1 : 0;
    sqlite3_stmt *st = t->st_finding;
    sqlite3_bind_int64(st, 1, t->run_id);
    sqlite3_bind_int64(st, 2, f->id);
    sqlite3_bind_int(st, 3, f->rule);
    bind_text(st, 4, f->rule_name);
    bind_text(st, 5, f->missing);
    sqlite3_bind_int64(st, 6, u64_bits(f->line_pa));
    bind_opt(st, 7, f->ns);
    sqlite3_bind_int64(st, 8, u64_bits(f->count));
    sqlite3_bind_int64(st, 9, u64_bits(f->last_icount));
    bind_opt(st, 10, f->last_cpu);
    bind_text(st, 11, f->message);
    int i = bind_side(st, 12, &f->first);
    bind_side(st, i, &f->second);
    if (step_once(t, st, "writing finding") != 0)
        return -1;
    row_written(t);
    return 0;
}

void tz_trace_counter(struct tz_trace *t, int cpu, const char *name, uint64_t value)
{
    assert(t && name);
    assert(t->in_run && "tz_trace_counter outside a run");
    struct ser s = {.n = 0};
    put_u8(&s, TZ_DIGEST_COUNTER);
    put_i32(&s, cpu);
    put_u64(&s, value);
    hash_str(&t->digest, &s, name);
    if (!writable(t))
        return;
    sqlite3_stmt *st = t->st_counter;
    sqlite3_bind_int64(st, 1, t->run_id);
    bind_opt(st, 2, cpu);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, u64_bits(value));
    if (step_once(t, st, "writing counter") == 0)
        row_written(t);
}

/* Whether the attached trace `part` has table `name`: a worker trace of
 * format 1 written before the findings and counters tables existed has
 * neither, and imports as having no rows in them. */
static int part_has_table(sqlite3 *db, const char *name, bool *has)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM part.sqlite_master"
                               " WHERE type = 'table' AND name = ?", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -1;
    *has = rc == 0 && sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    return rc;
}

int tz_trace_import(struct tz_trace *t, const char *path, struct tz_error *err)
{
    assert(t && !t->in_run);
    if (!t->db)
        return 0; /* digest-only: nothing to append to */
    txn_commit(t);
    sqlite3_stmt *att = NULL, *list = NULL;
    char *msg = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(t->db, "ATTACH DATABASE ? AS part", -1, &att, NULL) != SQLITE_OK)
        goto sqlerr;
    sqlite3_bind_text(att, 1, path, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(att) != SQLITE_DONE)
        goto sqlerr;
    if (sqlite3_exec(t->db, "BEGIN", NULL, NULL, &msg) != SQLITE_OK)
        goto execerr;
    bool has_findings, has_counters;
    if (part_has_table(t->db, "findings", &has_findings) != 0 ||
        part_has_table(t->db, "counters", &has_counters) != 0)
        goto sqlerr;
    if (sqlite3_prepare_v2(t->db, "SELECT id FROM part.runs ORDER BY id", -1, &list, NULL) !=
        SQLITE_OK)
        goto sqlerr;
    while (sqlite3_step(list) == SQLITE_ROW) {
        int64_t old = sqlite3_column_int64(list, 0);
        int64_t id = t->next_run++;
        char sql[4096];
        int n = snprintf(sql, sizeof sql,
                 "INSERT INTO main.runs SELECT %lld, scenario, scenario_sha256, platform, ncpus,"
                 " quantum, seed, params, status, stop_reason, stop_reason_name, total_icount,"
                 " vtime_ns, digest FROM part.runs WHERE id = %lld;"
                 "INSERT INTO main.events SELECT %lld, seq, cpu, icount, vtime_ns, kind, from_el,"
                 " from_ns, to_el, to_ns, pc, fid, intid, a0, a1, a2, a3, dur_icount, dur_ns, text"
                 " FROM part.events WHERE run = %lld ORDER BY seq;"
                 "INSERT INTO main.console SELECT %lld, seq, cpu, icount, vtime_ns, device, line"
                 " FROM part.console WHERE run = %lld ORDER BY seq;",
                 (long long)id, (long long)old, (long long)id, (long long)old, (long long)id,
                 (long long)old);
        /* Findings by id; counters in the order they were written (rowid),
         * so that they read back in the order the digest folded them. The
         * explicit column lists keep this independent of column order. */
        if (has_findings)
            n += snprintf(sql + n, sizeof sql - (size_t)n,
                          "INSERT INTO main.findings(" FINDING_COLS ") SELECT %lld, "
                          FINDING_COLS_NO_RUN " FROM part.findings WHERE run = %lld ORDER BY id;",
                          (long long)id, (long long)old);
        if (has_counters)
            n += snprintf(sql + n, sizeof sql - (size_t)n,
                          "INSERT INTO main.counters(run, cpu, name, value) SELECT %lld, cpu,"
                          " name, value FROM part.counters WHERE run = %lld ORDER BY rowid;",
                          (long long)id, (long long)old);
        assert(n > 0 && (size_t)n < sizeof sql);
        if (sqlite3_exec(t->db, sql, NULL, NULL, &msg) != SQLITE_OK)
            goto execerr;
    }
    sqlite3_finalize(list);
    list = NULL;
    if (sqlite3_exec(t->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
        goto execerr;
    rc = 0;
    goto out;
execerr:
    tz_error_set(err, t->path, "import of %s failed: %s", path, msg ? msg : "?");
    sqlite3_free(msg);
    sqlite3_exec(t->db, "ROLLBACK", NULL, NULL, NULL);
    goto out;
sqlerr:
    tz_error_set(err, t->path, "import of %s failed: %s", path, sqlite3_errmsg(t->db));
out:
    sqlite3_finalize(list);
    sqlite3_finalize(att);
    sqlite3_exec(t->db, "DETACH DATABASE part", NULL, NULL, NULL);
    return rc;
}

int tz_trace_read_run(const char *path, int64_t run, struct tz_run_row *row, struct tz_error *err)
{
    memset(row, 0, sizeof *row);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        tz_error_set(err, path, "cannot open trace: %s", db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    if (sqlite3_prepare_v2(db, "SELECT status, stop_reason_name, params, digest, scenario,"
                               " total_icount FROM runs WHERE id = ?", -1, &st, NULL) != SQLITE_OK) {
        tz_error_set(err, path, "not a tzsim trace: %s", sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_bind_int64(st, 1, run);
    if (sqlite3_step(st) != SQLITE_ROW) {
        tz_error_set(err, path, "no run %lld in this trace", (long long)run);
        goto out;
    }
    char *dst[] = {row->status, row->stop, row->params, row->digest, row->scenario};
    size_t len[] = {sizeof row->status, sizeof row->stop, sizeof row->params, sizeof row->digest,
                    sizeof row->scenario};
    for (int i = 0; i < 5; i++) {
        const unsigned char *v = sqlite3_column_text(st, i);
        snprintf(dst[i], len[i], "%s", v ? (const char *)v : "");
    }
    row->total_icount = sqlite3_column_int64(st, 5);
    rc = 0;
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}
