/* Internals shared by sim/cpu.c, sim/machine.c and sim/run.c. Device models
 * use only sim/machine.h. */
#ifndef TZ_MACHINE_INTERNAL_H
#define TZ_MACHINE_INTERNAL_H

#include "machine.h"
#include "memsys.h"
#include "sysreg.h"

struct tz_ram {
    char name[64];
    uint64_t base, size;
    uint8_t *host;
    bool secure, rom;
};

struct tz_mmio_binding {      /* one per (CPU, device region) */
    struct tz_machine *m;
    struct tz_cpu *cpu;
    struct tz_device *dev;
    int region;
};

struct tz_device {
    const struct tz_device_ops *ops;
    const struct tz_device_desc *desc;
    void *state;
};

struct tz_trig {
    bool used, armed;
    int id;
    struct tz_trigger t;
    char *text;
};

struct tz_scn_line {
    int cpu, intid;
    struct tz_irq_line line;
};

struct tz_machine {
    struct tz_machine_config cfg;
    const struct tz_platform *plat;

    struct tz_ram ram[TZ_MAX_MEM];
    int nram;

    struct tz_device dev[TZ_MAX_DEVICES];
    int ndev;
    struct tz_mmio_binding *bindings;
    int nbindings;

    struct tz_cpu *cpu[TZ_MAX_CPUS];
    int ncpu;
    struct tz_cpu *running;          /* CPU inside uc_emu_start, or NULL */
    struct tz_cpu *current;          /* CPU the scheduler ran last */

    struct tz_sysreg_table *sysregs;
    struct tz_gtimer *gtimer;
    struct tz_event_queue q_any;     /* machine-wide events */
    struct tz_event_queue q_cpu[TZ_MAX_CPUS];

    uint64_t round_start;            /* ticks at the start of the current round */
    uint64_t total_icount_base;      /* instructions retired before this run_until */

    struct tz_trace *trace;
    struct tz_memsys *ms;            /* translation, TZASC, caches; NULL when off (sim/memsys.c) */

    struct tz_image *images[16];
    int nimages;

    /* Halt state. */
    bool halted;
    enum tz_stop_reason stop;
    char stop_text[512];

    /* run_until limits in force. */
    struct tz_run_limits lim;
    uint64_t until_tick;             /* run_until time_ns, in ticks (exact) */
    bool until_met;
    bool keep_until;                 /* until_met survives a trigger stop */

    /* Console text for checks: "dev: line\n"... */
    char *console;
    size_t console_len, console_cap;

    /* Scenario triggers. */
    struct tz_trig trig[TZ_MAX_TRIGGERS];
    uint64_t trig_event_kinds;       /* bit per event kind with an armed trigger */
    bool trig_console, trig_insn;
    bool trigger_stop;
    int fired[64], fired_cpu[64], nfired;
    struct tz_device *intc;
    struct tz_scn_line scn_lines[64];
    int nscn_lines;

    /* The last events, for diagnosing a hang or a fatal error. */
    struct tz_recent {
        int kind, cpu, from_el, from_ns, to_el, to_ns;
        uint64_t icount, pc;
        bool has_pc;
        int64_t fid, intid;
    } recent[16];
    unsigned nrecent;

    /* Summary statistics. */
    uint64_t world_switches, exceptions, erets;
    uint64_t smc_ns_calls, smc_ns_returns, smc_s_calls;
    uint64_t smc_rt_sum_insns, smc_rt_max_insns, smc_rt_sum_ns, smc_rt_max_ns;
};

/* sim/cpu.c */
int tz_cpu_create(struct tz_machine *m, int index, struct tz_cpu **out, struct tz_error *err);
void tz_cpu_destroy(struct tz_cpu *c);
void tz_cpu_reset(struct tz_cpu *c, uint64_t entry, uint64_t x0);
/* Runs until soft_n more instructions have retired (stopping at the next
 * block boundary) or exactly hard_n more, whichever comes first; fewer at
 * WFI, a requested stop or an error. */
void tz_cpu_run(struct tz_cpu *c, uint64_t soft_n, uint64_t hard_n);
/* Takes a pending, unmasked asynchronous exception if there is one. Sets up
 * the masked-poll mode otherwise. */
bool tz_cpu_check_interrupts(struct tz_cpu *c);
bool tz_cpu_any_line(const struct tz_cpu *c);
void tz_cpu_request_stop(struct tz_cpu *c);
void tz_cpu_register_sysregs(struct tz_machine *m);
int tz_cpu_reg_by_name(struct tz_cpu *c, const char *name, bool write, uint64_t *val);
void tz_cpu_try_inject(struct tz_cpu *c);
/* Tells the interrupt controller that c changed EL or security state. */
static inline void tz_machine_cpu_changed(struct tz_machine *m, struct tz_cpu *c)
{
    if (m->intc && m->intc->ops->cpu_changed)
        m->intc->ops->cpu_changed(m->intc->state, c->index);
}
/* Prints the last events (oldest first) to f. */
void tz_machine_print_recent(const struct tz_machine *m, FILE *f);
void tz_cpu_pc_watch_changed(struct tz_cpu *c, uint64_t addr);
/* PC triggers for CPU c as Unicorn exits, and whether pc hit one (fires it). */
int tz_machine_pc_exits(struct tz_machine *m, struct tz_cpu *c, uint64_t *out, int max);
bool tz_machine_pc_trigger_hit(struct tz_machine *m, struct tz_cpu *c, uint64_t pc);
/* Machine side of triggers (sim/machine.c). */
void tz_machine_fire(struct tz_machine *m, struct tz_cpu *c, int slot);
void tz_machine_fire_id(struct tz_machine *m, struct tz_cpu *c, int id);

void tz_cpu_fatal(struct tz_cpu *c, uint64_t reason_code, uint64_t esr, uint64_t addr,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Reason codes for GUEST_ERROR.a0. Persisted: append only. */
enum tz_guest_error {
    TZ_GERR_UNDEF_EL3 = 1,       /* undefined instruction at EL3 */
    TZ_GERR_ABORT_EL3 = 2,       /* external abort taken at EL3 from EL3 */
    TZ_GERR_MMU_FAULT = 3,       /* MMU fault: syndrome not available from Unicorn */
    TZ_GERR_UNKNOWN_EXC = 4,     /* an exception Unicorn raised that tzsim does not model */
    TZ_GERR_NO_VECTOR = 5,       /* exception to an EL whose VBAR is 0 in --strict */
    TZ_GERR_AARCH32 = 6,         /* a lower EL in AArch32: not supported */
    TZ_GERR_UNDEF = 7,           /* undefined instruction (non-fatal: delivered) */
    TZ_GERR_ABORT = 8,           /* external abort (non-fatal: delivered) */
    TZ_GERR_EMU = 9,             /* Unicorn returned an error */
};

#endif
