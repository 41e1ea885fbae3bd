/* MIPS of tzsim on a compute-bound guest loop, with exact instruction
 * counting and tracing on (a SQLite trace is written), and the same with
 * tracing off; then on a memory-bound loop with the MMU and caches on
 * (bench/mem.lua) with --cache=off and --cache=check; then the wall time of
 * Debian's OP-TEE booting on four cores (scenarios/optee-smp.lua) with
 * both. Reads the host clock: it is a benchmark, not the simulator.
 *
 *   build/bench/bench_mips [SCENARIO] [--mem SCENARIO] [--firmware SCENARIO]
 *                          [--db FILE] [--repeat N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/run.h"

/* The image scenarios/optee-smp.lua loads (scripts/setup.sh --firmware). */
#define OPTEE_IMAGE                                                                          \
    TZSIM_SOURCE_DIR "/third_party/firmware/root/usr/lib/optee/vexpress-qemu_armv8a/tee-header_v2.bin"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int one(const char *scn, const char *db, int cache, double *mips, double *secs,
               uint64_t *insns)
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
    *secs = t1 - t0;
    *mips = (double)r.stats.icount / (t1 - t0) / 1e6;
    return 0;
}

/* The best of `repeat` runs: highest MIPS, shortest wall time. */
struct best {
    double mips, secs;
    uint64_t insns;
};

static int best_of(const char *scn, const char *db, int cache, int repeat, struct best *b)
{
    *b = (struct best){0};
    for (int i = 0; i < repeat; i++) {
        double m, t;
        if (one(scn, db, cache, &m, &t, &b->insns))
            return -1;
        if (m > b->mips)
            b->mips = m;
        if (b->secs == 0 || t < b->secs)
            b->secs = t;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *scn = TZSIM_SOURCE_DIR "/bench/loop.lua";
    const char *mem = TZSIM_SOURCE_DIR "/bench/mem.lua";
    const char *smp = TZSIM_SOURCE_DIR "/scenarios/optee-smp.lua";
    const char *db = "bench-trace.db";
    int repeat = 3;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            db = argv[++i];
        else if (!strcmp(argv[i], "--mem") && i + 1 < argc)
            mem = argv[++i];
        else if (!strcmp(argv[i], "--firmware") && i + 1 < argc)
            smp = argv[++i];
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else
            scn = argv[i];
    }
    /* cache argument: 0 the scenario's choice, else 1 + enum tz_cache_mode
     * (tz_run_options.cache_mode, sim/run.h). */
    struct best on, off;
    if (best_of(scn, db, 0, repeat, &on) || best_of(scn, NULL, 0, repeat, &off))
        return 1;
    printf("bench_mips: %s\n", scn);
    printf("  instructions per run:          %llu\n", (unsigned long long)on.insns);
    printf("  MIPS, tracing on (SQLite):     %.1f  (best of %d)\n", on.mips, repeat);
    printf("  MIPS, tracing off:             %.1f  (best of %d)\n", off.mips, repeat);

    struct best coff, check;
    if (best_of(mem, NULL, 1, repeat, &coff) || best_of(mem, NULL, 2, repeat, &check))
        return 1;
    printf("bench_mips: %s (tracing off)\n", mem);
    printf("  instructions per run:          %llu\n", (unsigned long long)coff.insns);
    printf("  MIPS, --cache=off:             %.1f  (best of %d)\n", coff.mips, repeat);
    printf("  MIPS, --cache=check:           %.1f  (best of %d)\n", check.mips, repeat);

    /* Real firmware: Debian's OP-TEE booting on four cores, where the cost
     * of the IC IALLU* that flush translations shows. */
    if (access(OPTEE_IMAGE, R_OK) != 0) {
        printf("bench_mips: %s skipped: %s missing (scripts/setup.sh --firmware)\n", smp,
               OPTEE_IMAGE);
        return 0;
    }
    struct best soff, scheck;
    if (best_of(smp, NULL, 1, repeat, &soff) || best_of(smp, NULL, 2, repeat, &scheck))
        return 1;
    printf("bench_mips: %s (tracing off)\n", smp);
    printf("  instructions per run:          %llu\n", (unsigned long long)soff.insns);
    printf("  --cache=off:                   %.3f s, %.1f MIPS  (best of %d)\n", soff.secs,
           soff.mips, repeat);
    printf("  --cache=check:                 %.3f s, %.1f MIPS  (best of %d)\n", scheck.secs,
           scheck.mips, repeat);
    return 0;
}
