/* The SQLite trace store: one file per invocation, WAL, prepared statements,
 * batched transactions. Schema and writer are generated from events.def.
 * See docs/trace-schema.md.
 *
 * A trace opened with path == NULL writes no file but still computes the
 * digest (used by benchmarks and sweeps).
 */
#ifndef TZ_TRACE_H
#define TZ_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/error.h"

/* Bumped whenever the schema changes incompatibly; stored in meta. */
#define TZ_TRACE_FORMAT_VERSION 1

enum tz_event_kind {
#define TZ_EVENT(name, id, desc, a0, a1, a2, a3) TZ_EV_##name = id,
#include "events.def"
#undef TZ_EVENT
};

/* Why a run stopped (RUN_STOP.a0, runs.stop_reason). Persisted: append only. */
enum tz_stop_reason {
    TZ_STOP_NONE = 0,
    TZ_STOP_SYSTEM_OFF = 1,   /* the guest powered the system off */
    TZ_STOP_SYSTEM_RESET = 2, /* the guest asked for a reset (treated as the end) */
    TZ_STOP_INSN_LIMIT = 3,   /* instruction limit reached (runaway guest) */
    TZ_STOP_GUEST_ERROR = 4,  /* fatal guest misbehaviour, see GUEST_ERROR */
    TZ_STOP_SCENARIO = 5,     /* the scenario's run_until condition was met */
    TZ_STOP_ALL_OFF = 6,      /* every CPU is off or idle with nothing to wake it */
    TZ_STOP_HOST_ERROR = 7,   /* tzsim could not go on (Unicorn error) */
    TZ_STOP_TRIGGER = 8,      /* a scenario trigger fired (internal; the run goes on) */
    TZ_STOP_SCENARIO_STOP = 9,/* the scenario called stop() */
};

/* Persisted exception classes for EXC_ENTRY.a0 (the vector slot). */
enum tz_exc_class { TZ_EXC_SYNC = 0, TZ_EXC_IRQ = 1, TZ_EXC_FIQ = 2, TZ_EXC_SERROR = 3 };

#define TZ_NA (-1) /* value of an unused el/ns/fid/intid field */

struct tz_event {
    enum tz_event_kind kind;
    int cpu;               /* TZ_NA for machine-wide events */
    uint64_t icount;       /* instructions retired by cpu */
    uint64_t vtime_ns;
    int from_el, from_ns;  /* TZ_NA when not applicable; ns: 1 non-secure, 0 secure */
    int to_el, to_ns;
    uint64_t pc;
    bool has_pc;
    int64_t fid;           /* SMC function id, TZ_NA if none */
    int64_t intid;         /* interrupt id, TZ_NA if none */
    uint64_t a[4];
    unsigned na;           /* how many of a[] are meaningful (the rest are NULL) */
    int64_t dur_icount;    /* TZ_NA if none */
    int64_t dur_ns;        /* TZ_NA if none */
    const char *text;      /* may be NULL */
};

/* Fills an event with "not applicable" in every optional field. */
void tz_event_init(struct tz_event *ev, enum tz_event_kind kind, int cpu,
                   uint64_t icount, uint64_t vtime_ns);

const char *tz_event_kind_name(enum tz_event_kind kind); /* "WORLD_SWITCH"; NULL if unknown */
const char *tz_stop_reason_name(enum tz_stop_reason r);  /* "system_off" ... */

struct tz_trace;

/* Creates (truncating any existing file) a trace DB at path, or a digest-only
 * trace when path is NULL. Error: "PATH: cannot create trace database: ..." */
int tz_trace_open(struct tz_trace **out, const char *path, struct tz_error *err);

/* meta(key, value): format_version and tzsim_version are written by open. */
int tz_trace_meta(struct tz_trace *t, const char *key, const char *value);

struct tz_run_info {
    const char *scenario;      /* scenario path as given */
    const char *scenario_sha256;
    const char *platform;
    int ncpus;
    uint64_t quantum;
    uint64_t seed;
    const char *params;        /* free text (sweep values), may be NULL */
};

/* Starts a run (a row in `runs`); events and console lines go to it. */
int tz_trace_run_begin(struct tz_trace *t, const struct tz_run_info *info, int64_t *run_id);

/* Appends an event (sequence number assigned here) and folds it into the
 * run's digest. Writes are batched; errors are sticky and reported by
 * tz_trace_run_end / tz_trace_close. */
void tz_trace_event(struct tz_trace *t, const struct tz_event *ev);

/* One complete console line (without the newline) from device `dev`. */
void tz_trace_console(struct tz_trace *t, int cpu, uint64_t icount, uint64_t vtime_ns,
                      const char *dev, const char *line);

/* Ends the run: status "ok"/"failed"/"error", stop reason, final counters. */
int tz_trace_run_end(struct tz_trace *t, const char *status, enum tz_stop_reason reason,
                     uint64_t total_icount, uint64_t vtime_ns, struct tz_error *err);

/* Hex SHA-256 digest (65 bytes with NUL) over the current run's events and
 * console lines, independent of the DB and of host times. */
void tz_trace_digest(const struct tz_trace *t, char out[65]);

/* Counts of events of one kind in the current run (for summaries/tests). */
uint64_t tz_trace_count(const struct tz_trace *t, enum tz_event_kind kind);

/* Runs sql on the trace's own connection (it sees this run's uncommitted
 * rows) and returns the first column of the first row; *null when there is no
 * row or the value is NULL. Error: "query: <sqlite message>", or "query:
 * this run has no trace database (use --db)". */
int tz_trace_query(struct tz_trace *t, const char *sql, int64_t *out, bool *null,
                   struct tz_error *err);

/* Appends every run of another trace file (made by a sweep worker) as new
 * runs of t, in the order of their ids, renumbering them. t must not be in a
 * run. Returns 0 or -1 with "PATH: import failed: ...". */
int tz_trace_import(struct tz_trace *t, const char *path, struct tz_error *err);

/* Reads status, stop reason name, params and digest of run `run` of the trace
 * file at path (used by sweeps and replay). Strings are copied into the
 * given buffers (64 bytes each; params 512). */
struct tz_run_row {
    char status[64], stop[64], digest[65], params[512], scenario[512];
    int64_t total_icount;
};
int tz_trace_read_run(const char *path, int64_t run, struct tz_run_row *row, struct tz_error *err);

/* One side of a finding (the cache model's struct tz_finding_side, flattened
 * for the trace; see docs/trace-schema.md, table `findings`). */
struct tz_finding_side_row {
    const char *who;       /* "cpu0", "dma@9100000", NULL when unknown */
    int el, ns;            /* TZ_NA when unknown */
    uint64_t pc;
    bool has_pc;
    const char *sym;       /* symbol of pc ("fn+0x1c"), may be NULL */
    uint64_t icount;
    uint64_t va, pa;
    bool has_va;
    int64_t smc_fid;       /* SMC function being served, TZ_NA if none */
    const char *op;        /* "write", "read", "fetch", "fill", "DC IVAC", "reset", ... */
    const char *attr;      /* attributes of the access: "Normal WB ISH", "Device-nGnRnE", ... */
};

/* A finding (docs/caches.md, rules). Written when it first appears and
 * again with its final count when the run ends (the later row replaces the
 * earlier); the FINDING event marks its first occurrence. */
struct tz_finding_row {
    uint32_t id;           /* order of first occurrence in the run, from 0 */
    int rule;              /* enum tz_cache_rule (models/cache/checker.h) */
    const char *rule_name; /* "stale-read" ... */
    const char *missing;   /* the maintenance that was missing, or the TZASC's verdict */
    uint64_t line_pa;
    int ns;                /* PA space of the line */
    uint64_t count;        /* occurrences */
    uint64_t last_icount;
    int last_cpu;
    struct tz_finding_side_row first, second;
    const char *message;   /* the full sentence printed at the end of the run */
};
int tz_trace_finding(struct tz_trace *t, const struct tz_finding_row *f);

/* A named per-run counter (cache hits, misses, write-backs, maintenance by
 * world...): table `counters` (run, cpu, name, value); cpu TZ_NA for
 * machine-wide counters. Folded into the digest. */
void tz_trace_counter(struct tz_trace *t, int cpu, const char *name, uint64_t value);

/* Commits and closes. Safe on NULL. */
int tz_trace_close(struct tz_trace *t, struct tz_error *err);

/* SHA-256 helper shared by the loader (image hashes) and the digest. */
struct tz_sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t nbuf;
};
void tz_sha256_init(struct tz_sha256 *s);
void tz_sha256_update(struct tz_sha256 *s, const void *data, size_t n);
void tz_sha256_final(struct tz_sha256 *s, uint8_t out[32]);
void tz_sha256_hex(const uint8_t digest[32], char out[65]);
/* The hex SHA-256 of one buffer. */
void tz_sha256_of(const void *data, size_t n, char out[65]);

#endif
