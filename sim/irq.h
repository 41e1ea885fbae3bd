/* Interrupt lines: the wire between an interrupt source and its sink.
 *
 * Sources (devices, timers, the GIC's outputs) hold a struct tz_irq_line and
 * never call the sink directly; the board wiring (sim/machine.c, from the
 * platform description) connects them, as gem5's interrupt pins do.
 * An unconnected line is valid: setting it does nothing.
 */
#ifndef TZ_IRQ_H
#define TZ_IRQ_H

#include <stdbool.h>

typedef void (*tz_irq_handler)(void *opaque, int n, bool level);

struct tz_irq_line {
    tz_irq_handler handler; /* NULL: not connected */
    void *opaque;
    int n;                  /* sink-specific input number */
    bool level;             /* last level driven, to drop repeats */
};

static inline void tz_irq_connect(struct tz_irq_line *l, tz_irq_handler h, void *opaque, int n)
{
    l->handler = h;
    l->opaque = opaque;
    l->n = n;
}

static inline void tz_irq_set(struct tz_irq_line *l, bool level)
{
    if (l->level == level)
        return;
    l->level = level;
    if (l->handler)
        l->handler(l->opaque, l->n, level);
}

/* The per-CPU asynchronous exception inputs (Arm ARM D1.3). Persisted in
 * traces: append only. */
enum tz_cpu_line {
    TZ_LINE_IRQ = 0,
    TZ_LINE_FIQ = 1,
    TZ_LINE_VIRQ = 2,   /* reserved for virtualisation, not yet driven */
    TZ_LINE_VFIQ = 3,   /* reserved */
    TZ_LINE_SERROR = 4,
    TZ_LINE_COUNT
};

#endif
