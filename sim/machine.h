/* The machine: N CPUs (one Unicorn instance each) over shared RAM, MMIO
 * devices instantiated from the platform description, the deterministic
 * scheduler, and the trace sink. See docs/architecture.md.
 *
 * Extension points for later models:
 *   - device models register in models/registry.c by compatible string and
 *     get MMIO accesses with the accessing CPU and its security state;
 *   - interrupt sources drive struct tz_irq_line; each CPU exposes input
 *     lines (tz_cpu_line_input) for a GIC's outputs;
 *   - system registers (timers, GICv3 ICC_*, IMPDEF) are served through
 *     tz_sysreg_register (sim/sysreg.h);
 *   - memory hooks for a cache model: tz_machine_add_mem_hook;
 *   - timed events: tz_machine_schedule (per CPU or machine-wide).
 */
#ifndef TZ_MACHINE_H
#define TZ_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <unicorn/unicorn.h>

#include "error.h"
#include "irq.h"
#include "loader.h"
#include "platform.h"
#include "scenario.h"
#include "sched.h"
#include "traces/trace.h"

struct tz_machine;
struct tz_sysreg_table;

#define TZ_SITE_CACHE 4096

/* Why a CPU's slice ended early; internal to sim/. */
enum tz_cpu_stop {
    TZ_CPU_RUNNING = 0,
    TZ_CPU_STOP_SLICE,    /* reached the end of its slice or a requested stop */
    TZ_CPU_STOP_FATAL,    /* fatal guest error recorded */
};

struct tz_cpu {
    struct tz_machine *m;
    int index;
    uint64_t mpidr;
    uc_engine *uc;
    bool powered;
    bool wfi;             /* idle in WFI */
    uint64_t wfi_since_tick, wfi_since_icount;

    /* Accounting (docs/architecture.md, "Counting"). The block hook adds a
     * translation block's instructions to icount when the block starts and
     * takes its slow path when icount + n would pass check_at. */
    uint64_t icount;
    uint64_t check_at;
    uint64_t soft_end;    /* end of the round: stop at the first block boundary at or after it */
    uint64_t hard_end;    /* next event or limit: stop exactly here */
    bool stop_req;        /* stop at the next block boundary */
    bool stopped_by_us;
    uint64_t next_pc;     /* end of the previous block: any other start is a jump */
    uint64_t blk_start;   /* the block being executed, and icount before it */
    uint64_t blk_icount0;
    uint64_t precise_pc;  /* exact stop inside a block (hard_end), see tz_cpu_run */
    bool precise_pending;
    uint64_t tick_base;   /* ticks = tick_base + icount * cpi */

    /* Mirrors of architectural state kept by the hooks. */
    int el;
    bool ns;              /* current security state */
    uint64_t scr, hcr;
    int world;            /* security state (0 S, 1 NS) last run below EL3; -1 none yet */
    int world_el;

    /* Interrupt inputs (enum tz_cpu_line) and the masked-poll mode. */
    bool line[TZ_LINE_COUNT];
    bool poll_masked;

    /* Jump-site cache for observing ERET without a per-block hook. */
    struct tz_site { uint64_t pc; int8_t el; uint8_t kind; } site[TZ_SITE_CACHE];

    /* An SMC in flight per calling world (index = caller ns). */
    struct {
        bool active;
        int el;
        uint64_t ret_pc, icount, tick;
        uint64_t fid;
    } smc[2];

    /* A faulting access recorded by a memory or translation hook, delivered
     * after uc_emu_start returns. fsc: the ESR's DFSC/IFSC; 0x10 is a
     * synchronous external abort (unmapped address, TZASC), anything else
     * an MMU fault of the guest's own translation (sim/memsys.c). */
    struct { bool valid; uint64_t addr; bool write, fetch, tzasc; uint8_t fsc; } fault;

    /* The memory system's per-CPU state (sim/memsys.c), NULL when the
     * machine runs without it. */
    struct tz_memsys_cpu *msc;
    bool flush_tb;        /* drop this CPU's translations before it runs again */

    /* IMPLEMENTATION DEFINED registers served for firmware (CPUACTLR_EL1...). */
    struct { uint16_t key; uint64_t val; } impdef[32];
    int nimpdef;

    /* Fatal guest error text (register dump) when stop is FATAL. */
    enum tz_cpu_stop stop;

    /* Statistics for the summary. */
    uint64_t n_exc, n_smc;

    /* An SMC injected by the scenario into this CPU's normal world. */
    struct {
        bool pending, active;
        uint64_t args[8];
        int done_id;
        int el;
        uint64_t ret_pc;
        uint64_t saved[31];
        uint64_t result[4];
    } inj;
    /* A PC trigger stopped this CPU before the instruction at skip_pc: do
     * not fire it again when execution resumes there. */
    uint64_t skip_pc;
    bool skip_valid;
    uint64_t rearm_pc;    /* a fired PC trigger to watch again */
    bool rearm;
};

/* What tz_machine_run stops at (besides halt and the machine's limit). */
struct tz_run_limits {
    uint64_t insns;          /* total instructions (0 = none) */
    uint64_t time_ns;        /* absolute virtual time (0 = none) */
    const char *console;     /* console line containing this (NULL = none) */
};

struct tz_machine_config {
    const struct tz_platform *platform;  /* not owned */
    int ncpus;
    uint64_t quantum;
    uint32_t cpi;
    uint64_t cpu_hz;
    uint64_t max_insns;
    uint64_t seed;
    int cpu_model;                       /* uc_cpu_arm64 */
    struct tz_trace *trace;              /* not owned; may be NULL */
    FILE *console_out;                   /* UART lines printed here; NULL = not printed */
    bool strict;                         /* guest misbehaviour is fatal */
    struct tz_tarmac *tarmac;            /* instruction trace window, or NULL (sim/tarmac.h) */
    int cache_mode;                      /* enum tz_cache_mode: --cache=off|check|faithful */
};

/* A memory access seen by an MMIO device. */
struct tz_access {
    uint64_t offset;     /* from the start of the device's region */
    unsigned size;       /* bytes */
    int region;          /* which reg pair of the device */
    struct tz_cpu *cpu;  /* accessing CPU */
    bool secure;         /* security attribute of the access */
};

/* Device model operations (models/registry.c). */
struct tz_device_ops {
    const char *name;                /* model name, e.g. "pl011" */
    const char *const *compatible;   /* NULL-terminated */
    int (*create)(struct tz_machine *m, const struct tz_device_desc *d, void **state,
                  struct tz_error *err);
    uint64_t (*read)(void *state, const struct tz_access *a);
    void (*write)(void *state, const struct tz_access *a, uint64_t value);
    void (*flush)(void *state);      /* end of a run_until: emit buffered output; may be NULL */
    void (*destroy)(void *state);
    /* Outputs to wire: for ordinary devices, one line per DT `interrupts`
     * entry (n = index); for an interrupt controller, the per-CPU outputs
     * (n = TZ_INTC_OUT(cpu, enum tz_cpu_line)). May be NULL. */
    struct tz_irq_line *(*irq_out)(void *state, int n);
    /* Interrupt controllers only: the input handler the board wires device
     * lines to, n = TZ_INTC_IN(cpu, intid) (cpu is ignored for SPIs). */
    tz_irq_handler irq_in;
    /* Interrupt controllers only, may be NULL: the CPU changed exception
     * level or security state (after every exception entry and return).
     * GICv3 signals a group as IRQ or FIQ depending on it. */
    void (*cpu_changed)(void *state, int cpu);
};

#define TZ_INTC_IN(cpu, intid) (((cpu) << 16) | (intid))
#define TZ_INTC_IN_CPU(n) ((n) >> 16)
#define TZ_INTC_IN_INTID(n) ((n) & 0xffff)
#define TZ_INTC_OUT(cpu, line) ((cpu) * TZ_LINE_COUNT + (line))

struct tz_machine;

int tz_machine_create(const struct tz_machine_config *cfg, struct tz_machine **out,
                      struct tz_error *err);
void tz_machine_destroy(struct tz_machine *m);

/* Copies an image's segments into guest memory (after tz_images_check) and
 * keeps it for symbolising PCs. The machine takes ownership of img. */
int tz_machine_load_image(struct tz_machine *m, struct tz_image *img, struct tz_error *err);

/* Resets CPU 0 to EL3 at entry; the other CPUs stay off until the power
 * controller turns them on, unless the platform asks for all of them to start
 * (/cpus tzsim,start-all-cpus, as on the Raspberry Pi: docs/platforms.md). */
void tz_machine_reset(struct tz_machine *m, uint64_t entry);

/* Runs until the guest halts, a limit is met, or a fatal error. Returns the
 * stop reason. */
enum tz_stop_reason tz_machine_run(struct tz_machine *m, const struct tz_run_limits *lim);

/* --- for device models and the board wiring ------------------------------ */
struct tz_trace *tz_machine_trace(struct tz_machine *m);
const struct tz_machine_config *tz_machine_cfg(const struct tz_machine *m);
int tz_machine_ncpus(const struct tz_machine *m);
struct tz_cpu *tz_machine_cpu(struct tz_machine *m, int i);
struct tz_sysreg_table *tz_machine_sysregs(struct tz_machine *m);

/* Current virtual time of a CPU in ticks (at the instruction boundary being
 * executed), and of the machine (the scheduler's current position). */
uint64_t tz_cpu_ticks(const struct tz_cpu *c);
uint64_t tz_machine_ticks(const struct tz_machine *m);
uint64_t tz_machine_ns(const struct tz_machine *m, uint64_t ticks);

/* Schedules fn at tick on CPU cpu (or TZ_ANY_CPU). Delivered between
 * instructions, in (tick, insertion) order. */
void tz_machine_schedule(struct tz_machine *m, int cpu, uint64_t tick, tz_event_fn fn,
                         void *opaque, uint64_t arg);

/* Input number for a CPU's interrupt line, to connect a tz_irq_line to:
 * tz_irq_connect(&line, tz_cpu_line_handler, cpu, TZ_LINE_FIQ). */
void tz_cpu_line_handler(void *cpu, int line, bool level);

/* Power control (the power controller device, PSCI through the monitor). */
void tz_machine_cpu_on(struct tz_machine *m, int index, uint64_t entry, uint64_t x0,
                       struct tz_cpu *requester);
void tz_machine_cpu_off(struct tz_machine *m, struct tz_cpu *c);
void tz_machine_halt(struct tz_machine *m, enum tz_stop_reason reason, struct tz_cpu *requester);

/* Emits a trace event, filling cpu/icount/vtime from c (c may be NULL for
 * machine-wide events). */
void tz_machine_event(struct tz_machine *m, struct tz_cpu *c, struct tz_event *ev);
/* An MMIO access refused by the bus or a device model: an MMIO_ERROR event
 * (a0 write, a1 physical address, a2 value written, a3 size) at cpu, or
 * machine-wide when cpu is NULL. */
void tz_machine_mmio_error(struct tz_machine *m, struct tz_cpu *cpu, uint64_t addr, bool write,
                           uint64_t value, unsigned size, const char *text);
void tz_event_for(struct tz_event *ev, enum tz_event_kind kind, struct tz_cpu *c);

/* A complete console line from a device (the UARTs). */
void tz_machine_console(struct tz_machine *m, struct tz_cpu *c, const char *dev, const char *line);
const char *tz_machine_console_text(const struct tz_machine *m);

/* Symbol for a guest address, "name+0x10", or "" if none. */
void tz_machine_symbolize(const struct tz_machine *m, uint64_t addr, char *out, size_t n);

/* Statistics for the run summary. */
struct tz_machine_stats {
    uint64_t icount, vtime_ns, ticks;
    uint64_t world_switches, exceptions, erets;
    uint64_t smc_ns_calls, smc_ns_returns, smc_s_calls;
    uint64_t smc_rt_sum_insns, smc_rt_max_insns, smc_rt_sum_ns, smc_rt_max_ns;
    enum tz_stop_reason stop;
    char stop_text[512];
};
void tz_machine_stats(const struct tz_machine *m, struct tz_machine_stats *s);

/* Register dump of a CPU (for fatal errors and tests). */
void tz_cpu_dump(struct tz_cpu *c, char *out, size_t n);

/* --- scenario injection (docs/scenario-api.md) ---------------------------- */
#define TZ_MAX_TRIGGERS 64
int tz_machine_add_trigger(struct tz_machine *m, const struct tz_trigger *t, int id,
                           struct tz_error *err);
void tz_machine_cancel_trigger(struct tz_machine *m, int id);
/* Triggers fired since the last call (ids and CPUs), cleared by the call. */
int tz_machine_take_fired(struct tz_machine *m, int *ids, int *cpus, int max);
int tz_machine_set_irq(struct tz_machine *m, int cpu, int intid, bool level, struct tz_error *err);
int tz_machine_mem(struct tz_machine *m, uint64_t addr, unsigned size, bool write, uint64_t *val,
                   struct tz_error *err);
/* Copies len bytes into guest RAM before or between runs (boot handoff,
 * guest device tree): not a scenario input, so no INJECT event. */
int tz_machine_write(struct tz_machine *m, uint64_t addr, const void *buf, size_t len,
                     struct tz_error *err);
int tz_machine_reg(struct tz_machine *m, int cpu, const char *name, bool write, uint64_t *val,
                   struct tz_error *err);
int tz_machine_inject_smc(struct tz_machine *m, int cpu, const uint64_t args[8], int done_id,
                          struct tz_error *err);
int tz_machine_smc_result(struct tz_machine *m, int cpu, uint64_t out[4]);
void tz_machine_mark(struct tz_machine *m, const char *name);
void tz_machine_stop(struct tz_machine *m);
uint64_t tz_machine_cpu_icount(struct tz_machine *m, int cpu);
int tz_machine_symbol(const struct tz_machine *m, const char *name, uint64_t *addr);

/* End of a run: the memory system's findings (with final counts) and cache
 * counters into the trace. */
void tz_machine_finish(struct tz_machine *m);
/* Whether the machine runs with the memory system (--cache=check|faithful). */
bool tz_machine_has_memsys(const struct tz_machine *m);
/* The memory system's part of the run summary, each line starting with
 * indent; nothing when it is off. */
void tz_machine_print_memsys(const struct tz_machine *m, FILE *f, const char *indent);

/* A non-coherent bus master (a DMA engine, a scenario's dma{}) reads or
 * writes [pa, pa + len) of physical memory in the PA space ns. Caches are
 * neither used nor snooped: the cache model, when on, records the access
 * for the coherence checker, and in faithful mode a read returns what
 * memory holds rather than what a CPU's cache holds. The TZASC applies: a
 * non-secure master touching secure memory is blocked (reads give zeros,
 * writes are dropped) and recorded as a finding. master names the device in
 * findings ("dma@9100000"). Returns 0; -1 if the range is not entirely RAM
 * (nothing is transferred) or was blocked by the TZASC. */
int tz_machine_dma(struct tz_machine *m, const char *master, uint64_t pa, void *buf,
                   size_t len, bool write, bool ns);

/* The scenario's dma{} (docs/scenario-api.md, "Actions"): an immediate copy
 * by a non-coherent bus master named "scenario", recorded as an INJECT
 * event. Copies [src, src + len) to [dst, dst + len) of physical memory, between
 * runs, as tz_machine_dma does for a device (the whole source is read, then
 * the destination written; caches are bypassed; the TZASC applies to a
 * non-secure copy, ns). Returns 0 when copied, 1 when the TZASC blocked it
 * (nothing written; a finding records it), -1 with err set when len is 0 or
 * a range is not entirely in one RAM region (no INJECT event then). */
int tz_machine_scenario_dma(struct tz_machine *m, uint64_t src, uint64_t dst, uint64_t len,
                            bool ns, struct tz_error *err);

#endif
