/* tzsim command line. See docs/cli.md. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/cache/cache.h"
#include "report/report.h"
#include "run.h"

static void usage(FILE *f)
{
    fputs("usage: tzsim run SCENARIO [options]\n"
          "       tzsim replay TRACE.db --run N [options]\n"
          "       tzsim report TRACE.db [--run N]\n"
          "       tzsim --help | --version\n"
          "\n"
          "Runs a scenario script (Lua) on a simulated TrustZone machine and records a\n"
          "trace in SQLite.\n"
          "\n"
          "options for run:\n"
          "  --db FILE          trace database to create (default: tzsim.db; 'none' for no file)\n"
          "  --max-insns N      instruction limit over all CPUs (overrides the scenario)\n"
          "  --quantum N        instructions per CPU per scheduling round (overrides the scenario)\n"
          "  --dtb FILE         platform description to use instead of the scenario's\n"
          "  --fw-dir DIR       where fw:NAME images are found (default: the build's firmware/)\n"
          "  --platform-dir DIR where platform names are found (default: the build's platforms/)\n"
          "  --strict           treat every guest misbehaviour as fatal\n"
          "  --cache=MODE       off, check (model caches, report missing maintenance) or\n"
          "                     faithful (also let guests read stale data); default: the\n"
          "                     scenario's machine{cache=...}, else off (docs/caches.md)\n"
          "  --quiet            do not print console (UART) lines\n"
          "  -j N               run a sweep's combinations in N worker processes\n"
          "  --trace-insns A..B print every instruction from total instruction A to B\n"
          "                     (Tarmac-like: PC, EL and world, disassembly, symbol,\n"
          "                     registers written), to stdout or --tarmac FILE\n"
          "\n"
          "replay re-runs run N of a trace (its scenario and sweep combination) and\n"
          "checks that the digest is the same; --db names the replay's own trace\n"
          "(default: none); --until INSN stops it after INSN instructions (all CPUs)\n"
          "and prints every CPU's registers and the last trace events.\n"
          "\n"
          "exit status: 0 ok, 1 a check failed / guest error / instruction limit,\n"
          "             2 bad input (usage, scenario, platform, image or database)\n",
          f);
}

static int parse_u64(const char *opt, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || !*s || *end || s[0] == '-' || v == 0) {
        fprintf(stderr, "tzsim: %s: '%s' is not a positive integer\n", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return TZ_EXIT_BAD_INPUT;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("tzsim %s\n", TZSIM_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "report")) {
        int64_t run = 0;
        const char *db = NULL;
        for (int i = 2; i < argc; i++) {
            uint64_t v;
            if (!strcmp(argv[i], "--run") && i + 1 < argc) {
                if (parse_u64("--run", argv[++i], &v))
                    return TZ_EXIT_BAD_INPUT;
                run = (int64_t)v;
            } else if (argv[i][0] == '-') {
                fprintf(stderr, "tzsim: report: unknown option '%s'\n", argv[i]);
                return TZ_EXIT_BAD_INPUT;
            } else {
                db = argv[i];
            }
        }
        if (!db) {
            fprintf(stderr, "tzsim: report: no trace given\n");
            return TZ_EXIT_BAD_INPUT;
        }
        struct tz_error err;
        if (tz_report(db, run, stdout, &err)) {
            fprintf(stderr, "tzsim: %s\n", err.msg);
            return TZ_EXIT_BAD_INPUT;
        }
        return 0;
    }
    bool replay = !strcmp(argv[1], "replay");
    if (strcmp(argv[1], "run") != 0 && !replay) {
        fprintf(stderr, "tzsim: unknown command '%s' (try tzsim --help)\n", argv[1]);
        return TZ_EXIT_BAD_INPUT;
    }
    struct tz_run_options o = {.db = replay ? NULL : "tzsim.db"};
    uint64_t run_no = 0, jobs = 1, until = 0;
    const char *tarmac_path = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = !strcmp(a, "--db") || !strcmp(a, "--max-insns") || !strcmp(a, "--dtb") ||
                     !strcmp(a, "--fw-dir") || !strcmp(a, "--platform-dir") ||
                     !strcmp(a, "--quantum") || !strcmp(a, "-j") || !strcmp(a, "--run") ||
                     !strcmp(a, "--until") || !strcmp(a, "--trace-insns") || !strcmp(a, "--tarmac");
        if (takes && !v) {
            fprintf(stderr, "tzsim: %s needs a value\n", a);
            return TZ_EXIT_BAD_INPUT;
        }
        if (!strcmp(a, "--db"))
            o.db = strcmp(v, "none") ? v : NULL;
        else if (!strcmp(a, "--max-insns")) {
            if (parse_u64(a, v, &o.max_insns))
                return TZ_EXIT_BAD_INPUT;
        } else if (!strcmp(a, "--quantum")) {
            if (parse_u64(a, v, &o.quantum))
                return TZ_EXIT_BAD_INPUT;
        } else if (!strcmp(a, "-j")) {
            if (parse_u64(a, v, &jobs) || jobs > 64) {
                if (jobs > 64)
                    fprintf(stderr, "tzsim: -j: at most 64 workers\n");
                return TZ_EXIT_BAD_INPUT;
            }
        } else if (!strcmp(a, "--trace-insns")) {
            unsigned long long f, t;
            int used = 0;
            if (sscanf(v, "%llu..%llu%n", &f, &t, &used) != 2 || v[used] || t <= f) {
                fprintf(stderr, "tzsim: --trace-insns: '%s' is not FROM..TO with FROM < TO\n", v);
                return TZ_EXIT_BAD_INPUT;
            }
            o.trace_from = f;
            o.trace_to = t;
        } else if (!strcmp(a, "--tarmac")) {
            tarmac_path = v;
        } else if (!strcmp(a, "--until")) {
            if (parse_u64(a, v, &until))
                return TZ_EXIT_BAD_INPUT;
        } else if (!strcmp(a, "--run")) {
            if (parse_u64(a, v, &run_no))
                return TZ_EXIT_BAD_INPUT;
        } else if (!strcmp(a, "--dtb"))
            o.dtb = v;
        else if (!strcmp(a, "--fw-dir"))
            o.fw_dir = v;
        else if (!strcmp(a, "--platform-dir"))
            o.platform_dir = v;
        else if (!strcmp(a, "--quiet"))
            o.quiet = true;
        else if (!strcmp(a, "--strict"))
            o.strict = true;
        else if (!strncmp(a, "--cache=", 8)) {
            int mode = tz_cache_mode_parse(a + 8);
            if (mode < 0) {
                fprintf(stderr, "tzsim: --cache: '%s' is not " TZ_CACHE_MODES "\n", a + 8);
                return TZ_EXIT_BAD_INPUT;
            }
            o.cache_mode = 1 + mode;
        }
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tzsim: unknown option '%s' (try tzsim --help)\n", a);
            return TZ_EXIT_BAD_INPUT;
        } else if (!o.scenario)
            o.scenario = a;
        else {
            fprintf(stderr, "tzsim: more than one scenario given ('%s' and '%s')\n", o.scenario, a);
            return TZ_EXIT_BAD_INPUT;
        }
        if (takes)
            i++;
    }
    if (!o.scenario) {
        fprintf(stderr, replay ? "tzsim: replay: no trace given\n" : "tzsim: run: no scenario given\n");
        return TZ_EXIT_BAD_INPUT;
    }
    o.jobs = (int)jobs;
    FILE *tarmac = NULL;
    if (tarmac_path) {
        tarmac = fopen(tarmac_path, "w");
        if (!tarmac) {
            fprintf(stderr, "tzsim: %s: cannot create: %s\n", tarmac_path, strerror(errno));
            return TZ_EXIT_BAD_INPUT;
        }
        o.tarmac_out = tarmac;
    }
    struct tz_run_report r;
    if (replay) {
        if (!run_no) {
            fprintf(stderr, "tzsim: replay: --run N is required\n");
            return TZ_EXIT_BAD_INPUT;
        }
        const char *db = o.scenario;
        o.replay_until = until;
        int rc = tz_replay(&o, db, (int64_t)run_no, &r);
        if (tarmac)
            fclose(tarmac);
        return rc;
    }
    int rc = tz_run_scenario(&o, &r);
    if (tarmac)
        fclose(tarmac);
    return rc;
}
