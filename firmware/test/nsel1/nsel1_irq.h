/* SPDX-License-Identifier: MIT */
/* nsel1-irq.elf / nsel1-irq-smp.elf: the normal world of the interrupt
 * flows (nsel1_irq_common.c). Entry points as nsel1.h (start.S). */
#ifndef TZT_NSEL1_IRQ_H
#define TZT_NSEL1_IRQ_H

#include <stdbool.h>

#include "nsel1.h"
#include "tzt_gic.h"
#include "tzt_irq.h"

/* What this core's IRQ handler has seen (written by the handler, read by
 * the core itself and by others). */
struct ns_irq_log {
    u32 count;      /* interrupts acknowledged and ended */
    u32 last;       /* last INTID */
    u32 spurious;   /* IRQs that acknowledged nothing (1023) */
    u32 stop;       /* TZT_SGI_NS_STOP received */
};
extern struct ns_irq_log ns_irq_log[TZT_MAX_CORES];

/* "nsel1-irq" on core 0, "nsel1-irq[N]" on core N. */
const char *ns_who(void);

/* Takes interrupts on this core: VBAR_EL1, TZT_FID_IRQ_SETUP (the monitor's
 * GIC security set-up), then the normal world's own part of the GIC: its
 * group enables, priority mask, the NS timer PPI and the NS SGIs. Returns
 * the GIC version (checked against the monitor's), or 0 after printing
 * "<who>: FAILED ...". */
unsigned ns_irq_setup(void);

/* An SPI of the normal world: edge or level, routed to core, enabled. */
void ns_spi_config(unsigned intid, bool edge, unsigned core);

/* A Non-secure Group 1 SGI to another core (GICD_SGIR / ICC_SGI1R_EL1). */
void ns_send_sgi(unsigned core, unsigned intid);

/* Arms the EL1 physical timer (PPI 30) delay counter ticks from now. */
void ns_timer_arm(u64 delay);

/* Busy loop over x2..x28 (nsel1_irq_asm.S): the same (n, seed) always give the
 * same checksum, unless something changed a register under it. */
u64 nsel1_busy(u64 n, u64 seed);

TZT_NORETURN void ns_fail(const char *what);

#endif
