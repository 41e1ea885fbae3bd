/* The Arm generic timer (Arm ARM D11), served from virtual time through the
 * MRS/MSR hooks: Unicorn's own counters read the host clock and its timers
 * never fire, so tzsim implements CNTFRQ, CNTPCT, CNTVCT, CNTVOFF and the four
 * per-CPU timers (EL1 physical, virtual, EL2 physical, secure physical).
 * Each timer drives an output line (level = ENABLE && !IMASK && ISTATUS) that
 * the board wires to the interrupt controller (PPIs 30, 27, 26, 29).
 */
#ifndef TZ_GENERIC_TIMER_H
#define TZ_GENERIC_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/irq.h"

struct tz_machine;

enum tz_gt_id { TZ_GT_PHYS = 0, TZ_GT_VIRT = 1, TZ_GT_HYP = 2, TZ_GT_SEC = 3, TZ_GT_COUNT };

#define TZ_GT_CTL_ENABLE (1u << 0)
#define TZ_GT_CTL_IMASK (1u << 1)
#define TZ_GT_CTL_ISTATUS (1u << 2)

/* Pure register arithmetic (D11.2.4 "Timers"), unit-tested. */
static inline bool tz_gt_istatus(uint32_t ctl, uint64_t count, uint64_t cval)
{
    return (ctl & TZ_GT_CTL_ENABLE) && count >= cval;
}
static inline uint32_t tz_gt_ctl_read(uint32_t ctl, uint64_t count, uint64_t cval)
{
    return (ctl & (TZ_GT_CTL_ENABLE | TZ_GT_CTL_IMASK)) |
           (tz_gt_istatus(ctl, count, cval) ? TZ_GT_CTL_ISTATUS : 0);
}
static inline bool tz_gt_output(uint32_t ctl, uint64_t count, uint64_t cval)
{
    return tz_gt_istatus(ctl, count, cval) && !(ctl & TZ_GT_CTL_IMASK);
}
/* TVAL reads (CVAL - count)[31:0]; writes set CVAL = count + SignExtend(TVAL). */
static inline uint64_t tz_gt_tval_read(uint64_t count, uint64_t cval)
{
    return (uint32_t)(cval - count);
}
static inline uint64_t tz_gt_tval_write(uint64_t count, uint64_t tval)
{
    return count + (uint64_t)(int64_t)(int32_t)(uint32_t)tval;
}

struct tz_gtimer;

/* Creates the timer for every CPU of m and registers its system registers. */
struct tz_gtimer *tz_gtimer_create(struct tz_machine *m, uint32_t cnt_hz);
void tz_gtimer_destroy(struct tz_gtimer *t);
/* The output line of timer `id` of CPU `cpu`, for the board wiring. */
struct tz_irq_line *tz_gtimer_line(struct tz_gtimer *t, int cpu, enum tz_gt_id id);
/* The physical count at a CPU's current time. */
uint64_t tz_gtimer_count(const struct tz_gtimer *t, int cpu);

#endif
