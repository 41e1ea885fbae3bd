/* One invocation of a scenario: the glue between the scenario engine, the
 * trace store and the machine. Used by the CLI (sim/main.c), the
 * integration tests and the benchmarks, so all of them run the same code. */
#ifndef TZ_RUN_H
#define TZ_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "machine.h"

struct tz_run_options {
    const char *scenario;     /* path */
    const char *db;           /* trace DB path; NULL = digest only */
    const char *dtb;          /* --dtb override, or NULL */
    const char *fw_dir;       /* NULL = built-in default */
    const char *platform_dir; /* NULL = built-in default */
    uint64_t max_insns;       /* 0 = the scenario's */
    uint64_t quantum;         /* 0 = the scenario's */
    bool quiet;               /* no console lines on out */
    bool strict;              /* guest misbehaviour is fatal */
    int cache_mode;           /* --cache: 0 the scenario's, else 1 + enum tz_cache_mode */
    FILE *out;                /* console and summary; NULL = stdout */
    FILE *err;                /* error messages; NULL = stderr */
    int jobs;                 /* sweep worker processes (-j); <= 1: serial */
    int sweep_index;          /* with `single`: the combination to run */
    bool single;              /* run one combination only (replay) */
    uint64_t replay_until;    /* replay: stop after this many instructions and dump */
    uint64_t trace_from, trace_to; /* --trace-insns FROM..TO (total instructions); to = 0: none */
    FILE *tarmac_out;         /* where the instruction trace goes; NULL = stdout */
};

/* Exit codes (docs/cli.md). */
enum {
    TZ_EXIT_OK = 0,        /* ran, every check passed */
    TZ_EXIT_FAILED = 1,    /* a check failed, a guest error, or the instruction limit */
    TZ_EXIT_BAD_INPUT = 2, /* usage, scenario, platform, image or DB error */
};

struct tz_run_report {
    int exit_code;
    char error[TZ_ERROR_MAX];   /* set for TZ_EXIT_BAD_INPUT */
    char digest[65];
    int checks_failed;
    bool ran;                   /* a machine was created and run */
    struct tz_machine_stats stats;
    uint64_t trace_events;
    int sweep_runs;             /* > 0 for a sweep: how many runs */
    int sweep_failed;
};

/* Runs the scenario and prints the summary (unless quiet... the summary is
 * always printed; quiet only silences console lines). */
int tz_run_scenario(const struct tz_run_options *o, struct tz_run_report *r);

/* Re-executes run `run` of trace db (its scenario and sweep combination, with
 * the options of o) and compares the digest: exit 0 when it matches and the
 * run is ok, 1 when it differs or fails. */
int tz_replay(const struct tz_run_options *o, const char *db, int64_t run, struct tz_run_report *r);

#endif
