/* Sweep throughput: runs per second of a short scenario swept over N
 * values, serial and with worker processes (-j). Reads the host clock: it is
 * a benchmark, not the simulator.
 *
 *   build/bench/bench_sweep [JOBS...]      (default: 1 2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/run.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *scn = TZSIM_SOURCE_DIR "/bench/sweep.lua";
    int jobs[8] = {1, 2}, nj = 2;
    if (argc > 1) {
        nj = 0;
        for (int i = 1; i < argc && nj < 8; i++)
            jobs[nj++] = atoi(argv[i]);
    }
    printf("bench_sweep: %s\n", scn);
    for (int i = 0; i < nj; i++) {
        FILE *devnull = fopen("/dev/null", "w");
        struct tz_run_options o = {.scenario = scn, .db = NULL, .quiet = true, .out = devnull,
                                   .err = devnull, .jobs = jobs[i]};
        struct tz_run_report r;
        double t0 = now();
        int rc = tz_run_scenario(&o, &r);
        double t1 = now();
        fclose(devnull);
        if (rc != TZ_EXIT_OK) {
            fprintf(stderr, "bench_sweep: sweep failed (exit %d)\n", rc);
            return 1;
        }
        printf("  -j %d: %d runs in %.2f s = %.1f runs/s  (sweep digest %.16s)\n", jobs[i],
               r.sweep_runs, t1 - t0, r.sweep_runs / (t1 - t0), r.digest);
    }
    return 0;
}
