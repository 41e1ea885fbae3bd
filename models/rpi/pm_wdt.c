/* BCM2835/BCM2711 power-management block: the reset controller and the
 * watchdog ("brcm,bcm2835-pm-wdt", "brcm,bcm2711-pm").
 *
 * Broadcom does not document this block; the registers and their meaning
 * are those Linux's bcm2835_wdt driver and TF-A's plat/rpi use:
 *   0x1c PM_RSTC  reset control: bits 5:4 WRCFG (2 = full reset when the
 *                 watchdog expires; 0x102 written = "stop the watchdog")
 *   0x20 PM_RSTS  reset status; the VideoCore's boot code reads the boot
 *                 partition from bits 0,2,4,6,8,10 after a reset: partition
 *                 63 (0x555) means "halt" — TF-A's PSCI SYSTEM_OFF
 *   0x24 PM_WDOG  watchdog time-out in ticks of 1/65536 s (bits 19:0);
 *                 reads the time left
 * Every write must carry the password 0x5a in bits 31:24; a write without it
 * is ignored (the hardware ignores it too).
 *
 * When PM_RSTC is written with WRCFG = full reset, the watchdog starts
 * counting PM_WDOG ticks of virtual time; writing PM_WDOG again restarts
 * the count (a driver pets the watchdog so), writing PM_RSTC with another
 * WRCFG stops it. When it expires the machine halts: SYSTEM_OFF if PM_RSTS
 * holds partition 63, SYSTEM_RESET otherwise (tz_machine_halt, requested by
 * the CPU that started the watchdog). TF-A's system_off/system_reset write
 * PM_WDOG = 10 and start it: the halt comes ~153 us later, while the core
 * waits in WFI. Other registers of the block (power domains, 0x00-0x18 and
 * above 0x24) are stored and read back.
 */
#include <stdlib.h>

#include "models/registry.h"

enum { PM_RSTC = 0x1c, PM_RSTS = 0x20, PM_WDOG = 0x24, PM_REGS = 0x114 };

#define PM_PASSWORD 0x5a000000u
#define PM_PASSWORD_MASK 0xff000000u
#define RSTC_WRCFG_MASK 0x30u
#define RSTC_WRCFG_FULL_RESET 0x20u
#define RSTS_PARTITION_MASK 0x555u   /* bits 0,2,4,6,8,10 */
#define WDOG_TIME_MASK 0x000fffffu
#define WDOG_HZ 65536u

struct pm_wdt {
    struct tz_machine *m;
    uint32_t reg[PM_REGS / 4];
    bool armed;
    uint64_t deadline;        /* tick at which the watchdog expires */
    uint64_t generation;      /* invalidates scheduled expiries */
    struct tz_cpu *starter;   /* the CPU that started it */
};

static uint64_t now_ticks(struct pm_wdt *p, const struct tz_access *a)
{
    return a->cpu ? tz_cpu_ticks(a->cpu) : tz_machine_ticks(p->m);
}

static uint64_t wdog_to_ticks(struct pm_wdt *p, uint32_t t)
{
    uint64_t hz = tz_machine_cfg(p->m)->cpu_hz;
    return (uint64_t)(((unsigned __int128)t * hz + WDOG_HZ - 1) / WDOG_HZ);
}

static void expire(void *opaque, uint64_t generation)
{
    struct pm_wdt *p = opaque;
    if (!p->armed || generation != p->generation)
        return;
    p->armed = false;
    bool halt = (p->reg[PM_RSTS / 4] & RSTS_PARTITION_MASK) == RSTS_PARTITION_MASK;
    tz_machine_halt(p->m, halt ? TZ_STOP_SYSTEM_OFF : TZ_STOP_SYSTEM_RESET, p->starter);
}

static void start(struct pm_wdt *p, const struct tz_access *a)
{
    p->armed = true;
    p->generation++;
    p->starter = a->cpu;
    p->deadline = now_ticks(p, a) + wdog_to_ticks(p, p->reg[PM_WDOG / 4] & WDOG_TIME_MASK);
    tz_machine_schedule(p->m, TZ_ANY_CPU, p->deadline, expire, p, p->generation);
}

static uint64_t pm_read(void *state, const struct tz_access *a)
{
    struct pm_wdt *p = state;
    if (a->offset & 3 || a->offset >= PM_REGS)
        return 0;
    if (a->offset == PM_WDOG && p->armed) {
        uint64_t now = now_ticks(p, a);
        uint64_t left = p->deadline > now ? p->deadline - now : 0;
        uint64_t hz = tz_machine_cfg(p->m)->cpu_hz;
        return (uint32_t)(((unsigned __int128)left * WDOG_HZ) / hz) & WDOG_TIME_MASK;
    }
    return p->reg[a->offset / 4];
}

static void pm_write(void *state, const struct tz_access *a, uint64_t v)
{
    struct pm_wdt *p = state;
    uint32_t w = (uint32_t)v;
    if (a->offset & 3 || a->offset >= PM_REGS || (w & PM_PASSWORD_MASK) != PM_PASSWORD)
        return;
    w &= ~PM_PASSWORD_MASK;
    p->reg[a->offset / 4] = w;
    switch (a->offset) {
    case PM_RSTC:
        if ((w & RSTC_WRCFG_MASK) == RSTC_WRCFG_FULL_RESET)
            start(p, a);
        else if (p->armed) {
            p->armed = false;    /* stopped */
            p->generation++;
        }
        break;
    case PM_WDOG:
        if (p->armed)
            start(p, a);         /* petted: count again from the new value */
        break;
    default:
        break;
    }
}

static int pm_create(struct tz_machine *m, const struct tz_device_desc *d, void **state,
                     struct tz_error *err)
{
    struct pm_wdt *p = calloc(1, sizeof *p);
    if (!p)
        return tz_error_set(err, NULL, "out of memory");
    p->m = m;
    *state = p;
    return 0;
}

static const char *const pm_compat[] = {"brcm,bcm2711-pm", "brcm,bcm2835-pm-wdt",
                                        "brcm,bcm2835-pm", NULL};

const struct tz_device_ops tz_rpi_pm_wdt_ops = {
    .name = "bcm2835-pm-wdt",
    .compatible = pm_compat,
    .create = pm_create,
    .read = pm_read,
    .write = pm_write,
    .destroy = free,
};
