/* SPDX-License-Identifier: MIT */
/*
 * Layout of the register frame the monitor's exception entry pushes on the
 * core's EL3 stack (shared by entry.S and monitor.c).
 */
#ifndef TZT_MONITOR_H
#define TZT_MONITOR_H

#include "tzt.h"

#define FRAME_X0        0     /* x0..x30 at 8 * n */
#define FRAME_SP_EL0    248
#define FRAME_ELR_EL3   256
#define FRAME_SPSR_EL3  264
#define FRAME_SIZE      272   /* multiple of 16: SP stays aligned */

#ifndef __ASSEMBLER__

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

/* Called from entry.S. The frame is on the core's EL3 stack; what the
 * functions leave in it is what el3_exit restores before ERET. */
void mon_cold_boot(struct el3_frame *f);
void mon_warm_boot(struct el3_frame *f);
void mon_lower_sync(struct el3_frame *f);
TZT_NORETURN void mon_vector_panic(unsigned vector, struct el3_frame *f);

/* Interrupt flows (TZT_FID_IRQ_SETUP switches a core's VBAR_EL3 to
 * mon_vectors_irq, whose SMC and FIQ entries call these). */
void mon_lower_sync_irq(struct el3_frame *f);
void mon_lower_fiq(struct el3_frame *f);

/* mon_gic.c: the GIC's security set-up for this core (and, on the first
 * call, the Distributor). Returns the GIC version, 2 or 3, or 0. */
unsigned mon_gic_init(void);

#endif
#endif
