/* Latency reports, computed with SQL from a trace (docs/reports.md).
 *
 * Interrupt latency, per acknowledged interrupt (GIC_ACK), in the acking
 * CPU's instructions and in virtual ns:
 *   assert  = the last GIC_PENDING of that INTID before the acknowledge,
 *   vector  = the last IRQ/FIQ exception entry on that CPU at or after it,
 *   ack     = the GIC_ACK itself,
 *   eoi     = the first GIC_EOI of that INTID by that CPU after it.
 * Latencies are vector - assert, ack - assert and eoi - assert.
 *
 * Then, when the run has any, the findings of the cache checker and the
 * TZASC and the per-run counters (tables `findings` and `counters`,
 * docs/trace-schema.md).
 */
#include "report.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <string.h>

static int each_run(sqlite3 *db, int64_t run, FILE *out, int (*fn)(sqlite3 *, int64_t, FILE *))
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT id, scenario, params, status FROM runs"
                               " WHERE ?1 = 0 OR id = ?1 ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        fprintf(out, "run %lld: %s [%s] %s\n", (long long)id, sqlite3_column_text(st, 1),
                sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "",
                sqlite3_column_text(st, 3) ? (const char *)sqlite3_column_text(st, 3) : "running");
        if (fn(db, id, out)) {
            sqlite3_finalize(st);
            return -1;
        }
        n++;
    }
    sqlite3_finalize(st);
    return n ? 0 : 1;
}

static int smc_section(sqlite3 *db, int64_t run, FILE *out)
{
    sqlite3_stmt *st;
    const char *sql =
        "SELECT fid, CASE to_ns WHEN 1 THEN 'normal' ELSE 'secure' END, count(*),"
        " avg(dur_icount), min(dur_icount), max(dur_icount), avg(dur_ns), max(dur_ns)"
        " FROM events WHERE run = ?1 AND kind = 6 GROUP BY fid, to_ns ORDER BY to_ns DESC, fid";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    bool header = false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (!header) {
            fprintf(out, "  SMC round trips (caller's instructions, virtual ns):\n"
                         "    %-10s %-7s %7s %10s %8s %8s %10s %8s\n", "fid", "caller", "count",
                    "mean", "min", "max", "mean ns", "max ns");
            header = true;
        }
        fprintf(out, "    0x%08llx %-7s %7lld %10.1f %8lld %8lld %10.1f %8lld\n",
                (unsigned long long)sqlite3_column_int64(st, 0), sqlite3_column_text(st, 1),
                sqlite3_column_int64(st, 2), sqlite3_column_double(st, 3),
                sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
                sqlite3_column_double(st, 6), sqlite3_column_int64(st, 7));
    }
    sqlite3_finalize(st);
    if (!header)
        fprintf(out, "  no SMC round trips\n");
    return 0;
}

/* Instructions per virtual ns on one CPU: cpu_hz / 1e9 / cpi (from meta). */
static double insns_per_ns(sqlite3 *db)
{
    double hz = 1e9, cpi = 1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta WHERE key IN ('cpu_hz', 'cpi')", -1,
                           &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            double v = sqlite3_column_double(st, 1);
            if (!strcmp((const char *)sqlite3_column_text(st, 0), "cpu_hz") && v > 0)
                hz = v;
            else if (v > 0)
                cpi = v;
        }
        sqlite3_finalize(st);
    }
    return hz / 1e9 / cpi;
}

static int irq_section(sqlite3 *db, int64_t run, FILE *out)
{
    double ipn = insns_per_ns(db);
    sqlite3_stmt *st;
    const char *sql =
        "WITH acks AS ("
        "  SELECT a.seq, a.cpu, a.intid, a.icount AS ack_i, a.vtime_ns AS ack_t, a.to_el, a.to_ns,"
        "   (SELECT max(p.seq) FROM events p WHERE p.run = a.run AND p.kind = 16"
        "     AND p.intid = a.intid AND p.seq < a.seq) AS pseq"
        "  FROM events a WHERE a.run = ?1 AND a.kind = 17 AND a.intid < 1020),"
        " lat AS ("
        "  SELECT k.intid, k.cpu, k.to_el, k.to_ns, p.vtime_ns AS as_t,"
        "   (SELECT v.vtime_ns FROM events v WHERE v.run = ?1 AND v.kind = 2 AND v.cpu = k.cpu"
        "     AND v.a0 IN (1, 2) AND v.seq > k.pseq AND v.seq < k.seq ORDER BY v.seq LIMIT 1) AS vec_t,"
        "   k.ack_t,"
        "   (SELECT e.vtime_ns FROM events e WHERE e.run = ?1 AND e.kind = 18 AND e.cpu = k.cpu"
        "     AND e.intid = k.intid AND e.seq > k.seq ORDER BY e.seq LIMIT 1) AS eoi_t"
        "  FROM acks k JOIN events p ON p.run = ?1 AND p.seq = k.pseq)"
        " SELECT intid, cpu, to_el, to_ns, count(*), avg(vec_t - as_t), max(vec_t - as_t),"
        "  avg(ack_t - as_t), max(ack_t - as_t), avg(eoi_t - as_t), max(eoi_t - as_t)"
        " FROM lat GROUP BY intid, cpu, to_el, to_ns ORDER BY intid, cpu";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(out, "  interrupt latency: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    bool header = false;
    sqlite3_bind_int64(st, 1, run);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (!header) {
            fprintf(out, "  interrupt latency from assertion, mean/max in virtual ns"
                         " [and the acking CPU's instructions]:\n"
                         "    %-6s %-4s %-12s %6s %24s %24s %24s\n", "intid", "cpu", "taken at",
                    "count", "to vector", "to ack", "to EOI");
            header = true;
        }
        char where[16];
        snprintf(where, sizeof where, "%s EL%lld", sqlite3_column_int64(st, 3) ? "NS" : "S",
                 sqlite3_column_int64(st, 2));
        fprintf(out, "    %-6lld %-4lld %-12s %6lld", sqlite3_column_int64(st, 0),
                sqlite3_column_int64(st, 1), where, sqlite3_column_int64(st, 4));
        for (int k = 5; k <= 9; k += 2) {
            double mean = sqlite3_column_double(st, k);
            long long max = sqlite3_column_int64(st, k + 1);
            char cell[64];
            snprintf(cell, sizeof cell, "%.0f/%lld [%.0f/%.0f]", mean, max, mean * ipn,
                     (double)max * ipn);
            fprintf(out, " %24s", cell);
        }
        fputc('\n', out);
    }
    sqlite3_finalize(st);
    if (!header)
        fprintf(out, "  no interrupts acknowledged\n");
    return 0;
}

static int switch_section(sqlite3 *db, int64_t run, FILE *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT cpu, sum(to_ns = 0), sum(to_ns = 1) FROM events"
                               " WHERE run = ?1 AND kind = 4 GROUP BY cpu ORDER BY cpu", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    while (sqlite3_step(st) == SQLITE_ROW)
        fprintf(out, "  cpu%lld world switches: %lld to secure, %lld to normal\n",
                sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                sqlite3_column_int64(st, 2));
    sqlite3_finalize(st);
    return 0;
}

/* Whether the trace has table `name`. The findings and counters tables were
 * added to format 1 (docs/trace-schema.md, "Compatibility"): an older trace
 * has neither, and reports as having no findings and no counters. */
static bool has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    bool has = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return has;
}

static const char *text_or(sqlite3_stmt *st, int col, const char *dflt)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    return v ? (const char *)v : dflt;
}

/* The findings of the coherence checker and the TZASC (--cache=check or
 * faithful), in order of first occurrence; nothing when there are none. */
static int findings_section(sqlite3 *db, int64_t run, FILE *out)
{
    if (!has_table(db, "findings"))
        return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT id, rule_name, count, message FROM findings"
                               " WHERE run = ?1 ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    bool header = false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (!header) {
            fprintf(out, "  findings of the cache checker and the TZASC (docs/caches.md):\n"
                         "    %-5s %-21s %7s  %s\n", "id", "rule", "count", "message");
            header = true;
        }
        char id[24];
        snprintf(id, sizeof id, "[%lld]", sqlite3_column_int64(st, 0));
        fprintf(out, "    %-5s %-21s %7llu  %s\n", id, text_or(st, 1, "?"),
                (unsigned long long)sqlite3_column_int64(st, 2), text_or(st, 3, ""));
    }
    sqlite3_finalize(st);
    return 0;
}

/* Per-run counters (cache hits and misses, maintenance by world...), one
 * group per CPU in the order they were written, then the machine-wide ones
 * (cpu NULL); nothing when there are none. Lines wrap at about 100 columns. */
static int counters_section(sqlite3 *db, int64_t run, FILE *out)
{
    if (!has_table(db, "counters"))
        return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT cpu, name, value FROM counters WHERE run = ?1"
                               " ORDER BY cpu IS NULL, cpu, rowid", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    bool header = false, machine = false;
    long long cpu = -1;
    int col = 0; /* output column; 0: no group started */
    const int indent = 13, width = 100;
    while (sqlite3_step(st) == SQLITE_ROW) {
        bool m = sqlite3_column_type(st, 0) == SQLITE_NULL;
        long long c = m ? -1 : sqlite3_column_int64(st, 0);
        if (!header) {
            fprintf(out, "  counters:\n");
            header = true;
        }
        char item[320];
        int n = snprintf(item, sizeof item, "%s %llu", text_or(st, 1, "?"),
                         (unsigned long long)sqlite3_column_int64(st, 2));
        if (n < 0)
            n = 0;
        if (col == 0 || m != machine || c != cpu) {
            char group[24];
            if (m)
                snprintf(group, sizeof group, "machine:");
            else
                snprintf(group, sizeof group, "cpu%lld:", c);
            fprintf(out, "%s    %-*s%s", col ? "\n" : "", indent - 4, group, item);
            col = indent + n;
            machine = m;
            cpu = c;
        } else if (col + 2 + n > width) {
            fprintf(out, ",\n%*s%s", indent, "", item);
            col = indent + n;
        } else {
            fprintf(out, ", %s", item);
            col += 2 + n;
        }
    }
    if (col)
        fputc('\n', out);
    sqlite3_finalize(st);
    return 0;
}

static int all_sections(sqlite3 *db, int64_t run, FILE *out)
{
    if (switch_section(db, run, out) || smc_section(db, run, out) ||
        irq_section(db, run, out))
        return -1;
    if (findings_section(db, run, out) || counters_section(db, run, out))
        return -1;
    return 0;
}

int tz_report(const char *path, int64_t run, FILE *out, struct tz_error *err)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        int r = tz_error_set(err, path, "cannot open trace: %s", db ? sqlite3_errmsg(db) : "?");
        sqlite3_close(db);
        return r;
    }
    int rc = each_run(db, run, out, all_sections);
    if (rc < 0)
        tz_error_set(err, path, "not a tzsim trace, or a query failed: %s", sqlite3_errmsg(db));
    else if (rc > 0)
        tz_error_set(err, path, run ? "no run %lld" : "no runs", (long long)run);
    sqlite3_close(db);
    return rc ? -1 : 0;
}
