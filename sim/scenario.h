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

/* The boot handoff tzsim writes into guest memory before reset for the
 * reference monitor (docs/handoff.md). */
struct tz_handoff_spec {
    bool present;
    uint64_t addr;
    uint64_t bl32_entry, bl32_x0, bl33_entry, bl33_el, bl33_x0, dtb, flags;
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
    struct tz_handoff_spec handoff;
    /* guest_dtb = { addr = A, pad = N }: the platform's device tree, opened
     * with N bytes (default 64 KiB) of room to edit in place, written at A. */
    bool has_guest_dtb;
    uint64_t guest_dtb_addr, guest_dtb_pad;
    /* cache = "off" | "check" | "faithful": enum tz_cache_mode
     * (models/cache/cache.h), 0, 1, 2; has_cache_mode when the script gave it. */
    int cache_mode;
    bool has_cache_mode;
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
    int stop_reason;          /* enum tz_stop_reason; TZ_STOP_TRIGGER: see fired */
    uint64_t icount;          /* total retired instructions */
    uint64_t vtime_ns;
    /* Triggers that fired (in firing order) when stop_reason is TZ_STOP_TRIGGER. */
    int fired[16];
    int fired_cpu[16];
    int nfired;
};

/* Injection triggers (docs/scenario-api.md, "Triggers"). */
enum tz_trigger_kind {
    TZ_TRIG_INSN = 0,     /* cpu's icount reaches value */
    TZ_TRIG_TIME = 1,     /* virtual time reaches value ns */
    TZ_TRIG_EVENT = 2,    /* a trace event of event_kind matching the filters */
    TZ_TRIG_PC = 3,       /* cpu (or any) is about to execute the instruction at value */
    TZ_TRIG_CONSOLE = 4,  /* a console line contains text */
};

struct tz_trigger {
    enum tz_trigger_kind kind;
    int cpu;              /* -1: any CPU */
    uint64_t value;
    int event_kind;       /* TZ_TRIG_EVENT: enum tz_event_kind */
    int64_t fid;          /* SMC function id (low 32 bits), -1 any */
    int64_t intid;        /* interrupt id, -1 any */
    int to_el;            /* -1 any */
    int to_ns;            /* -1 any */
    int vclass;           /* EXC_ENTRY: enum tz_exc_class, -1 any */
    const char *text;     /* TZ_TRIG_CONSOLE */
    bool every;           /* stays armed after firing (default: fires once) */
};

/* Values read from the machine for checks and actions. */
struct tz_reg_access {
    int cpu;
    const char *name;     /* "x0".."x30", "sp", "pc", "pstate", "elr_el3", ... */
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

    /* Injection (docs/scenario-api.md). Each returns 0 or -1 with err set;
     * all are called only after the machine exists, between runs. */
    int (*add_trigger)(void *ctx, const struct tz_trigger *t, int id, struct tz_error *err);
    void (*cancel_trigger)(void *ctx, int id);
    /* Drives a scenario-owned line into the interrupt controller:
     * TZ_INTC_IN(cpu, intid) (cpu matters for SGIs/PPIs). */
    int (*set_irq)(void *ctx, int cpu, int intid, bool level, struct tz_error *err);
    /* Guest physical memory (RAM only). */
    int (*mem)(void *ctx, uint64_t addr, unsigned size, bool write, uint64_t *value,
               struct tz_error *err);
    int (*reg)(void *ctx, const struct tz_reg_access *r, bool write, uint64_t *value,
               struct tz_error *err);
    /* An SMC issued into cpu's normal world as if its payload executed it;
     * the payload's registers are restored afterwards. done_id (>= 0): the
     * trigger id to fire when the SMC returns, with the results readable as
     * x0..x3 through `smc_result`. */
    int (*inject_smc)(void *ctx, int cpu, const uint64_t args[8], int done_id,
                      struct tz_error *err);
    int (*smc_result)(void *ctx, int cpu, uint64_t out[4]);
    void (*mark)(void *ctx, const char *name);
    void (*stop)(void *ctx);
    /* First column of the first row of a query on the run's trace. */
    int (*query)(void *ctx, const char *sql, int64_t *out, bool *null, struct tz_error *err);
    /* The current instruction count of a CPU (for messages). */
    uint64_t (*icount)(void *ctx, int cpu);
    /* Symbol address from the loaded images, or -1. */
    int (*symbol)(void *ctx, const char *name, uint64_t *addr);
    /* dma{}: copies len bytes of physical memory from src to dst at once as
     * a non-coherent bus master ("scenario") in the PA space ns. Returns 0
     * when copied, 1 when the TZASC blocked it, -1 with err set (a range not
     * in RAM). May be NULL: dma{} is then an error. */
    int (*dma)(void *ctx, uint64_t src, uint64_t dst, uint64_t len, bool ns,
               struct tz_error *err);
};

/* Where names resolve (docs/scenario-api.md): "fw:NAME" -> fw_dir/NAME,
 * platform "NAME" -> platform_dir/NAME.dtb, other relative paths -> relative
 * to the scenario file's directory. */
struct tz_scenario_env {
    const char *fw_dir;
    const char *platform_dir;
    const char *dtb_override;  /* --dtb: replaces the scenario's platform */
    uint64_t max_insns_override; /* --max-insns, 0 = none */
    int sweep_index;           /* which combination sweep{} returns (0 = the first) */
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

/* The files include() read so far, each once, in the order first read: the
 * resolved path and (sha256, may be NULL) the hex SHA-256 of its contents. */
#define TZ_SCENARIO_MAX_INCLUDES 64
unsigned tz_scenario_include_count(const struct tz_scenario *s);
const char *tz_scenario_include(const struct tz_scenario *s, unsigned i, const char **sha256);

void tz_scenario_free(struct tz_scenario *s);

/* After tz_scenario_exec: how many combinations sweep{} declared (1 when the
 * script has no sweep), and "name=value ..." for this run's combination. */
int tz_scenario_sweep_total(const struct tz_scenario *s);
const char *tz_scenario_sweep_params(const struct tz_scenario *s);

#endif
