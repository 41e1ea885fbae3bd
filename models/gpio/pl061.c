/* Arm PrimeCell PL061 GPIO ("arm,pl061"; Arm DDI 0190), as QEMU's virt
 * machine wires its secure instance (0x090b0000): output line 0 powers the
 * machine off and line 1 resets it (QEMU's "gpio-pwr" device, TF-A's and the
 * reference monitor's PSCI SYSTEM_OFF/SYSTEM_RESET). That wiring applies to a
 * secure-only instance (`secure-status = "okay"`); any other instance is a
 * plain GPIO block whose lines go nowhere.
 *
 * Registers (8 lines, 8-bit registers in 32-bit slots):
 *   0x000-0x3fc DATA    address bits [9:2] mask the lines a read or write
 *                       concerns; output lines read back what was written,
 *                       input lines read 0 (nothing drives them)
 *   0x400 DIR           1 = output
 *   0x404 IS, 0x408 IBE, 0x40c IEV, 0x410 IE   interrupt sense/edges/enable:
 *                       stored and read back (no input ever changes, so no
 *                       interrupt is raised)
 *   0x414 RIS, 0x418 MIS  read 0
 *   0x41c IC            write-only
 *   0x420 AFSEL         stored and read back
 *   0xfe0-0xffc         PeriphID0..3 = 0x61 0x10 0x04 0x00, PCellID0..3 =
 *                       0x0d 0xf0 0x05 0xb1 (the values QEMU's model reads)
 * A line's level is its DATA bit when it is an output, 0 (pulled low) when
 * it is an input; power-off and reset act on a rising level, as gpio-pwr
 * does.
 */
#include <stdlib.h>

#include "models/registry.h"

enum { GPIO_DATA_END = 0x400, GPIO_DIR = 0x400, GPIO_IS = 0x404, GPIO_IBE = 0x408,
       GPIO_IEV = 0x40c, GPIO_IE = 0x410, GPIO_RIS = 0x414, GPIO_MIS = 0x418, GPIO_IC = 0x41c,
       GPIO_AFSEL = 0x420, GPIO_ID = 0xfe0 };

enum { LINE_POWEROFF = 0, LINE_RESET = 1 };

static const uint8_t pl061_id[8] = {0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

struct pl061 {
    struct tz_machine *m;
    bool power_lines;  /* wired to power-off (line 0) and reset (line 1) */
    uint8_t data, dir, is, ibe, iev, ie, afsel;
};

static uint8_t levels(const struct pl061 *g)
{
    return g->data & g->dir;
}

static uint64_t pl061_read(void *state, const struct tz_access *a)
{
    struct pl061 *g = state;
    uint64_t off = a->offset;
    if (off < GPIO_DATA_END)
        return levels(g) & (uint8_t)(off >> 2);
    switch (off) {
    case GPIO_DIR: return g->dir;
    case GPIO_IS: return g->is;
    case GPIO_IBE: return g->ibe;
    case GPIO_IEV: return g->iev;
    case GPIO_IE: return g->ie;
    case GPIO_AFSEL: return g->afsel;
    default: break;
    }
    if (off >= GPIO_ID && off < GPIO_ID + 4 * sizeof pl061_id && !(off & 3))
        return pl061_id[(off - GPIO_ID) / 4];
    return 0;
}

static void pl061_write(void *state, const struct tz_access *a, uint64_t v)
{
    struct pl061 *g = state;
    uint64_t off = a->offset;
    uint8_t before = levels(g);
    if (off < GPIO_DATA_END) {
        uint8_t mask = (uint8_t)(off >> 2);
        g->data = (uint8_t)((g->data & ~mask) | (v & mask));
    } else {
        switch (off) {
        case GPIO_DIR: g->dir = (uint8_t)v; break;
        case GPIO_IS: g->is = (uint8_t)v; break;
        case GPIO_IBE: g->ibe = (uint8_t)v; break;
        case GPIO_IEV: g->iev = (uint8_t)v; break;
        case GPIO_IE: g->ie = (uint8_t)v; break;
        case GPIO_AFSEL: g->afsel = (uint8_t)v; break;
        default: break;  /* IC, RIS, MIS, IDs: nothing to do */
        }
    }
    uint8_t rose = (uint8_t)(levels(g) & ~before);
    if (!g->power_lines)
        return;
    if (rose & (1u << LINE_POWEROFF))
        tz_machine_halt(g->m, TZ_STOP_SYSTEM_OFF, a->cpu);
    else if (rose & (1u << LINE_RESET))
        tz_machine_halt(g->m, TZ_STOP_SYSTEM_RESET, a->cpu);
}

static int pl061_create(struct tz_machine *m, const struct tz_device_desc *d, void **state,
                        struct tz_error *err)
{
    struct pl061 *g = calloc(1, sizeof *g);
    if (!g)
        return tz_error_set(err, NULL, "out of memory");
    g->m = m;
    g->power_lines = d->secure;
    *state = g;
    return 0;
}

static const char *const pl061_compat[] = {"arm,pl061", NULL};

const struct tz_device_ops tz_pl061_ops = {
    .name = "pl061",
    .compatible = pl061_compat,
    .create = pl061_create,
    .read = pl061_read,
    .write = pl061_write,
    .destroy = free,
};
