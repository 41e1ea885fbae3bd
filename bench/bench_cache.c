/* Cost of one access through the cache model and the coherence checker
 * (models/cache/), without Unicorn: the per-access overhead that
 * --cache=check adds on top of the memory hook. Three working sets on two
 * cores: one that fits the L1Ds (the hit path), one that fits the L2 but not
 * the L1s (L1 misses, L2 hits, L1 evictions), and one larger than the L2
 * (misses to memory with write-backs). A quarter of the accesses are stores.
 * Reads the host clock: it is a benchmark, not the simulator.
 *
 *   build/bench/bench_cache [--repeat N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/cache/cache.h"
#include "models/cache/checker.h"

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

struct working_set {
    const char *name;
    uint64_t bytes; /* per core */
};

/* Nanoseconds per access, or a negative value when the model misbehaves. */
static double measure(uint64_t bytes, unsigned n, struct tz_cache_stats *out)
{
    struct tz_checker *k = tz_checker_create(0);
    struct tz_cache_config cfg;
    tz_cache_config_default(&cfg, 2);
    cfg.mode = TZ_CACHE_MODE_CHECK;
    struct tz_error err = {{0}};
    struct tz_cache *c = tz_cache_create(&cfg, k, &err);
    if (!c) {
        fprintf(stderr, "bench_cache: %s\n", err.msg);
        tz_checker_destroy(k);
        return -1;
    }
    struct tz_memattr a = tz_memattr_decode(0xff, 3, 1);
    struct tz_access_ctx x[2] = {{.cpu = 0, .ns = 1, .el = 1, .pc = 0x1000},
                                 {.cpu = 1, .ns = 1, .el = 1, .pc = 0x2000}};
    uint64_t v = 0;
    const uint64_t mask = (bytes - 1) & ~(uint64_t)7;
    double t0 = now_ns();
    for (unsigned i = 0; i < n; i++) {
        /* A stride of 72 bytes walks every line and every doubleword. */
        uint64_t off = ((uint64_t)i * 72u) & mask;
        enum tz_acc_kind kind = (i & 3) ? TZ_ACC_READ : TZ_ACC_WRITE;
        for (unsigned core = 0; core < 2; core++) {
            x[core].icount = i;
            tz_cache_access(c, core, 0x40000000 + core * 0x1000000 + off, 8, kind, &a, &x[core],
                            &v, NULL);
        }
    }
    double per = (now_ns() - t0) / (2.0 * n);
    *out = *tz_cache_stats(c);
    unsigned findings = tz_checker_count(k);
    tz_cache_destroy(c);
    tz_checker_destroy(k);
    if (findings) {
        fprintf(stderr, "bench_cache: %u findings on a coherent workload\n", findings);
        return -1;
    }
    return per;
}

int main(int argc, char **argv)
{
    int repeat = 3;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--repeat") && i + 1 < argc && atoi(argv[i + 1]) > 0) {
            repeat = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: bench_cache [--repeat N]\n");
            return 2;
        }
    }
    /* The geometry is tz_cache_config_default's (a Cortex-A57): the working
     * sets are chosen against it and printed with it. */
    struct tz_cache_config cfg;
    tz_cache_config_default(&cfg, 2);
    const struct working_set sets[] = {
        {"8 KiB per core (L1 hits)", 8u << 10},
        {"256 KiB per core (L2 hits)", 256u << 10},
        {"4 MiB per core (memory)", 4u << 20},
    };
    const unsigned n = 4000000;
    printf("bench_cache: %u accesses per core per run, 2 cores, 1 in 4 a store\n", n);
    printf("  geometry: L1D %u KiB, L2 %u KiB shared, %u-byte lines (--cache=check)\n",
           cfg.l1d[0].size >> 10, cfg.l2.size >> 10, cfg.l1d[0].line);
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        double best = 0;
        struct tz_cache_stats st = {0};
        for (int r = 0; r < repeat; r++) {
            double per = measure(sets[s].bytes, n, &st);
            if (per < 0)
                return 1;
            if (best == 0 || per < best)
                best = per;
        }
        printf("  %-28s %6.1f ns/access  (best of %d)\n", sets[s].name, best, repeat);
        printf("  %-28s core 0: L1D %llu hits %llu misses, L2 %llu hits %llu misses\n", "",
               (unsigned long long)st.core[0].l1d_hits, (unsigned long long)st.core[0].l1d_misses,
               (unsigned long long)st.core[0].l2_hits, (unsigned long long)st.core[0].l2_misses);
    }
    return 0;
}
