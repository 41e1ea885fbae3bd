/* MIPS of tzsim on a compute-bound guest loop, with exact instruction
 * counting and tracing on (a SQLite trace is written), and the same with
 * tracing off; then on a memory-bound loop with the MMU and caches on
 * (bench/mem.lua) with --cache=off and --cache=check. Reads the host clock:
 * it is a benchmark, not the simulator.
 *
 *   build/bench/bench_mips [SCENARIO] [--mem SCENARIO] [--db FILE] [--repeat N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/run.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int one(const char *scn, const char *db, int cache, double *mips, uint64_t *insns)
{
    FILE *devnull = fopen("/dev/null", "w");
    struct tz_run_options o = {.scenario = scn, .db = db, .quiet = true, .out = devnull,
                               .cache_mode = cache};
    struct tz_run_report r;
    double t0 = now();
    int rc = tz_run_scenario(&o, &r);
    double t1 = now();
    fclose(devnull);
    if (rc != TZ_EXIT_OK) {
        fprintf(stderr, "bench: %s failed (exit %d): %s\n", scn, rc, r.error);
        return -1;
    }
    *insns = r.stats.icount;
    *mips = (double)r.stats.icount / (t1 - t0) / 1e6;
    return 0;
}

int main(int argc, char **argv)
{
    const char *scn = TZSIM_SOURCE_DIR "/bench/loop.lua";
    const char *mem = TZSIM_SOURCE_DIR "/bench/mem.lua";
    const char *db = "bench-trace.db";
    int repeat = 3;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            db = argv[++i];
        else if (!strcmp(argv[i], "--mem") && i + 1 < argc)
            mem = argv[++i];
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else
            scn = argv[i];
    }
    double best_on = 0, best_off = 0, m;
    uint64_t insns = 0;
    for (int i = 0; i < repeat; i++) {
        if (one(scn, db, 0, &m, &insns))
            return 1;
        if (m > best_on)
            best_on = m;
        if (one(scn, NULL, 0, &m, &insns))
            return 1;
        if (m > best_off)
            best_off = m;
    }
    printf("bench_mips: %s\n", scn);
    printf("  instructions per run:          %llu\n", (unsigned long long)insns);
    printf("  MIPS, tracing on (SQLite):     %.1f  (best of %d)\n", best_on, repeat);
    printf("  MIPS, tracing off:             %.1f  (best of %d)\n", best_off, repeat);

    /* --cache_mode values: 1 + enum tz_cache_mode (sim/run.h). */
    double best_coff = 0, best_check = 0;
    for (int i = 0; i < repeat; i++) {
        if (one(mem, NULL, 1, &m, &insns))
            return 1;
        if (m > best_coff)
            best_coff = m;
        if (one(mem, NULL, 2, &m, &insns))
            return 1;
        if (m > best_check)
            best_check = m;
    }
    printf("bench_mips: %s (tracing off)\n", mem);
    printf("  instructions per run:          %llu\n", (unsigned long long)insns);
    printf("  MIPS, --cache=off:             %.1f  (best of %d)\n", best_coff, repeat);
    printf("  MIPS, --cache=check:           %.1f  (best of %d)\n", best_check, repeat);
    return 0;
}
