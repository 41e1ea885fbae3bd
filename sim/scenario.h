/* Scenario scripts (Lua 5.4, sandboxed: no io/os/require/dofile/loadfile).
 * See docs/scenario-api.md for the language.
 *
 * A script declares the machine with `machine { ... }` and drives it with
 * `run_until { ... }` and checks (`expect_console`). The machine itself is
 * created and run by the host (sim/run.c) through struct tz_scenario_host,
 * so this module knows nothing of Unicorn.
 */
#ifndef TZ_SCENARIO_H
#define TZ_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "loader.h"

#define TZ_MAX_IMAGES 8

struct tz_image_spec {
    char *file;               /* resolved path (see docs/scenario-api.md) */
    enum tz_image_kind kind;
    bool has_addr;
    uint64_t addr;
    char *name;               /* optional label; defaults to the file's base name */
};

/* The declarative part: everything `machine { ... }` may set. Defaults are
 * filled by tz_scenario_config_defaults. */
struct tz_scenario_config {
    char *platform;           /* platform name, e.g. "qemu-virt" */
    char *dtb;                /* resolved DTB path (from platform or dtb=) */
    int ncpus;                /* default 1 */
    uint64_t quantum;         /* instructions per scheduling slice, default 1000 */
    uint32_t cpi;             /* cycles per instruction, default 1 */
    uint64_t cpu_hz;          /* default 1000000000 */
    uint64_t max_insns;       /* total over all CPUs; default 200000000 */
    uint64_t seed;            /* default 1 */
    char *cpu_model;          /* "cortex-a57" (default), "cortex-a53", "cortex-a72", "max" */
    struct tz_image_spec images[TZ_MAX_IMAGES];
    int nimages;
    bool has_entry;
    uint64_t entry;           /* reset vector; default: the first image's entry */
    char **expect_console;    /* substrings that must appear in the console output */
    int nexpect;
};

/* Fills cfg with the defaults above (cpu_model is a malloc'd "cortex-a57";
 * no platform, no images). Returns 0, or -1 if out of memory. */
int tz_scenario_config_defaults(struct tz_scenario_config *cfg);

/* Frees every string of cfg and zeroes it. */
void tz_scenario_config_clear(struct tz_scenario_config *cfg);

/* What run_until asks for. Zero/false fields are absent. The run always also
 * stops at the machine's instruction limit or when the guest halts. */
struct tz_run_until {
    bool halt;                /* until the guest powers off (default when nothing else is given) */
    uint64_t insns;           /* until this many more instructions (all CPUs) */
    uint64_t time_ns;         /* until this absolute virtual time */
    char *console;            /* until a console line contains this text */
};

struct tz_run_result {
    int stop_reason;          /* enum tz_stop_reason */
    uint64_t icount;          /* total retired instructions */
    uint64_t vtime_ns;
};

/* Implemented by the host (the CLI / tests). Each returns 0, or -1 with err
 * set. create_machine is called once, on the first run_until (or at the end
 * of the script if it never calls run_until). */
struct tz_scenario_host {
    void *ctx;
    int (*create_machine)(void *ctx, const struct tz_scenario_config *cfg, struct tz_error *err);
    int (*run_until)(void *ctx, const struct tz_run_until *req, struct tz_run_result *res,
                     struct tz_error *err);
    /* The console output so far (all devices, "dev: line\n" per line). */
    const char *(*console)(void *ctx);
    /* Records a failed check (the run's status becomes "failed"). */
    void (*check_failed)(void *ctx, const char *msg);
};

/* Where names resolve (docs/scenario-api.md): "fw:NAME" -> fw_dir/NAME,
 * platform "NAME" -> platform_dir/NAME.dtb, other relative paths -> relative
 * to the scenario file's directory. */
struct tz_scenario_env {
    const char *fw_dir;
    const char *platform_dir;
    const char *dtb_override;  /* --dtb: replaces the scenario's platform */
    uint64_t max_insns_override; /* --max-insns, 0 = none */
};

struct tz_scenario;

/* Loads and compiles the script (syntax errors are reported here:
 * "scenarios/x.lua:12: unexpected symbol near 'foo'"). */
int tz_scenario_load(const char *path, const struct tz_scenario_env *env,
                     struct tz_scenario **out, struct tz_error *err);

/* Runs the script against the host. Returns 0 when the script ran to the
 * end (checks may still have failed: see *checks_failed), -1 with err set on
 * a script error ("x.lua:7: machine: unknown key 'cpu_count'"). */
int tz_scenario_exec(struct tz_scenario *s, const struct tz_scenario_host *host,
                     int *checks_failed, struct tz_error *err);

/* The configuration declared so far (valid after machine{} ran). */
const struct tz_scenario_config *tz_scenario_config(const struct tz_scenario *s);

/* Hex SHA-256 of the script file. */
const char *tz_scenario_sha256(const struct tz_scenario *s);

void tz_scenario_free(struct tz_scenario *s);

#endif
