/* SPDX-License-Identifier: MIT */
/*
 * Reference EL3 monitor: the register frame shared by entry.S and the C
 * code, the per-core world contexts, and the functions each file offers.
 */
#ifndef MON_MONITOR_H
#define MON_MONITOR_H

#include "platform.h"

/* The frame the exception entry pushes on the core's EL3 stack (entry.S). */
#define FRAME_X0        0     /* x0..x30 at 8 * n */
#define FRAME_SP_EL0    248
#define FRAME_ELR_EL3   256
#define FRAME_SPSR_EL3  264
#define FRAME_SIZE      272   /* a multiple of 16: SP stays aligned */

/* Exception-vector numbers passed to mon_vector_panic (VBAR_EL3 + 0x80 * n). */
#define VEC_LOWER_A64_IRQ 9

#ifndef __ASSEMBLER__
#include <stdbool.h>

/* Everything ERET restores: what the exception entry saved. */
struct el3_frame {
    u64 x[31];
    u64 sp_el0;
    u64 elr_el3;
    u64 spsr_el3;
};

_Static_assert(__builtin_offsetof(struct el3_frame, sp_el0) == FRAME_SP_EL0, "frame");
_Static_assert(__builtin_offsetof(struct el3_frame, elr_el3) == FRAME_ELR_EL3, "frame");
_Static_assert(__builtin_offsetof(struct el3_frame, spsr_el3) == FRAME_SPSR_EL3, "frame");
_Static_assert(sizeof(struct el3_frame) == FRAME_SIZE, "frame");

/* The EL1 (and EL0) system registers a world owns. AArch64 does not bank
 * them by security state, so the monitor swaps them on every world switch
 * (context.c). No FP/SIMD registers: OP-TEE saves the normal world's
 * FP/SIMD state itself before it uses FP/SIMD (CFG_WITH_VFP), and the
 * monitor uses none. */
struct el1_sysregs {
    u64 sp_el1, elr_el1, spsr_el1;
    u64 sctlr_el1, actlr_el1, cpacr_el1, csselr_el1;
    u64 ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1, amair_el1;
    u64 vbar_el1, contextidr_el1, tpidr_el0, tpidrro_el0, tpidr_el1;
    u64 esr_el1, far_el1, afsr0_el1, afsr1_el1, par_el1;
    u64 cntkctl_el1, mdscr_el1;
};

/* One world on one core while it is not running. */
struct world_ctx {
    struct el3_frame gp;     /* x0..x30, SP_EL0, ELR_EL3, SPSR_EL3 */
    struct el1_sysregs sys;
};

enum { WORLD_S = 0, WORLD_NS = 1 };

/* PSCI view of a core (AFFINITY_INFO's answers). */
enum core_state { CORE_OFF = 0, CORE_ON_PENDING = 1, CORE_ON = 2 };

/* What OP-TEE is doing on a core on the monitor's behalf, i.e. which
 * TEESMC_OPTEED_RETURN_* the monitor waits for (opteed.c). SPD_NONE: OP-TEE
 * is not entered on this core (the normal world runs, or OP-TEE is absent). */
enum spd_op {
    SPD_NONE = 0, SPD_BOOT, SPD_CALL, SPD_FIQ, SPD_CPU_ON, SPD_CPU_OFF,
    SPD_CPU_SUSPEND, SPD_CPU_RESUME, SPD_SYSTEM_OFF, SPD_SYSTEM_RESET,
};

struct mon_core {
    struct world_ctx world[2];  /* [WORLD_S], [WORLD_NS] */
    u32 psci_state;             /* enum core_state; CPU_ON writes it from another core */
    u32 spd_op;                 /* enum spd_op */
    u64 ns_entry, ns_context;   /* PSCI CPU_ON / CPU_SUSPEND (power down): where the
                                   normal world resumes on this core */
};

struct mon_state {
    struct mon_core core[MON_MAX_CORES];
    /* The handoff (handoff.h), copied at cold boot. */
    u64 bl32_entry, bl32_x0, bl33_entry, bl33_el, bl33_x0, dtb;
    /* OP-TEE's vector table (struct optee_vectors), from ENTRY_DONE. 0 while
     * OP-TEE is booting, and for good when there is none or it failed. */
    u64 optee_vectors;
};

extern struct mon_state mon;

/* monitor.c: cores and worlds */
unsigned mon_core_index(void);
struct mon_core *mon_this_core(void);
void mon_save_world(struct mon_core *c, const struct el3_frame *f, int world);
void mon_load_world(struct mon_core *c, struct el3_frame *f, int world);
void mon_enter_ns(struct mon_core *c, struct el3_frame *f, u64 entry, u64 x0);
void mon_boot_ns(struct mon_core *c, struct el3_frame *f);

/* psci.c */
void psci_call(struct mon_core *c, struct el3_frame *f, u32 fid, bool from_ns);
void psci_warm_boot(struct mon_core *c, struct el3_frame *f);
void psci_cpu_on_finish(struct mon_core *c, struct el3_frame *f);
TZT_NORETURN void psci_cpu_off_finish(struct mon_core *c);
void psci_suspend_powerdown(struct mon_core *c, struct el3_frame *f);
void psci_suspend_finish(struct mon_core *c, struct el3_frame *f);
TZT_NORETURN void psci_system_finish(u32 what);

/* opteed.c: the OP-TEE dispatcher (TF-A's "opteed" protocol) */
static inline bool optee_ready(void) { return mon.optee_vectors != 0; }
void opteed_boot(struct mon_core *c, struct el3_frame *f);
void opteed_ns_call(struct mon_core *c, struct el3_frame *f);
void opteed_fiq(struct mon_core *c, struct el3_frame *f);
void opteed_return(struct mon_core *c, struct el3_frame *f, u32 fid);
void opteed_cpu_on(struct mon_core *c, struct el3_frame *f);
void opteed_cpu_off(struct mon_core *c, struct el3_frame *f);
void opteed_cpu_suspend(struct mon_core *c, struct el3_frame *f, u64 power_state);
void opteed_cpu_resume(struct mon_core *c, struct el3_frame *f);
void opteed_system_off(struct mon_core *c, struct el3_frame *f, u32 what);

/* context.c */
void el1_sysregs_save(struct el1_sysregs *s);
void el1_sysregs_restore(const struct el1_sysregs *s);
void el1_sysregs_reset(struct el1_sysregs *s);

/* gic.c: the GIC's security set-up (GICv2 or GICv3, probed). */
void gic_init_distributor(void);  /* once, primary core, cold boot */
void gic_init_cpu(void);          /* every core, before it leaves EL3 */

/* Called from entry.S. The frame is on the core's EL3 stack; what they leave
 * in it is what el3_exit restores before ERET. */
void mon_cold_boot(struct el3_frame *f);
void mon_warm_boot(struct el3_frame *f);
void mon_sync_lower(struct el3_frame *f);
void mon_fiq_lower(struct el3_frame *f);
TZT_NORETURN void mon_vector_panic(unsigned vector, struct el3_frame *f);

/* monitor.c: panic with a register dump, then system off. */
TZT_NORETURN void mon_panic(const char *why, u64 detail, const struct el3_frame *f);

#endif
#endif
