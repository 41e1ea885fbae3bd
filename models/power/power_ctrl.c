/* tzsim's power controller ("tzsim,power-ctrl"): the device an EL3 monitor
 * uses to implement PSCI CPU_ON/CPU_OFF/SYSTEM_OFF/SYSTEM_RESET. Secure
 * only (the machine makes non-secure accesses RAZ/WI and traces them). Register layout
 * (docs/platforms.md):
 *   0x00 SYSTEM   W   1 = system off, 2 = system reset
 *   0x04 CPU_ON   W   core index: power it on at EL3, PC = ENTRY, x0 = index
 *   0x08 ENTRY_LO RW  entry address for CPU_ON, bits 31:0
 *   0x0c ENTRY_HI RW  bits 63:32
 *   0x10 CPU_OFF  W   power the writing core off
 *   0x14 STATUS   R   bit n = core n powered
 */
#include <stdlib.h>

#include "models/registry.h"

enum { PC_SYSTEM = 0x00, PC_CPU_ON = 0x04, PC_ENTRY_LO = 0x08, PC_ENTRY_HI = 0x0c,
       PC_CPU_OFF = 0x10, PC_STATUS = 0x14 };

struct power_ctrl {
    struct tz_machine *m;
    uint64_t entry;
};

static uint64_t pc_read(void *state, const struct tz_access *a)
{
    struct power_ctrl *p = state;
    switch (a->offset) {
    case PC_ENTRY_LO:
        return (uint32_t)p->entry;
    case PC_ENTRY_HI:
        return p->entry >> 32;
    case PC_STATUS: {
        uint64_t s = 0;
        for (int i = 0; i < tz_machine_ncpus(p->m); i++)
            if (tz_machine_cpu(p->m, i)->powered)
                s |= 1ull << i;
        return s;
    }
    default:
        return 0;
    }
}

static void pc_write(void *state, const struct tz_access *a, uint64_t v)
{
    struct power_ctrl *p = state;
    switch (a->offset) {
    case PC_SYSTEM:
        if (v == 1)
            tz_machine_halt(p->m, TZ_STOP_SYSTEM_OFF, a->cpu);
        else if (v == 2)
            tz_machine_halt(p->m, TZ_STOP_SYSTEM_RESET, a->cpu);
        break;
    case PC_CPU_ON:
        tz_machine_cpu_on(p->m, (int)(v & 0xff), p->entry, v & 0xff, a->cpu);
        break;
    case PC_ENTRY_LO:
        p->entry = (p->entry & ~0xffffffffull) | (uint32_t)v;
        break;
    case PC_ENTRY_HI:
        p->entry = (p->entry & 0xffffffffull) | ((uint64_t)(uint32_t)v << 32);
        break;
    case PC_CPU_OFF:
        tz_machine_cpu_off(p->m, a->cpu);
        break;
    default:
        break;
    }
}

static int pc_create(struct tz_machine *m, const struct tz_device_desc *d, void **state,
                     struct tz_error *err)
{
    struct power_ctrl *p = calloc(1, sizeof *p);
    if (!p)
        return tz_error_set(err, NULL, "out of memory");
    p->m = m;
    *state = p;
    return 0;
}

static const char *const pc_compat[] = {"tzsim,power-ctrl", NULL};

const struct tz_device_ops tz_power_ctrl_ops = {
    .name = "power-ctrl",
    .compatible = pc_compat,
    .create = pc_create,
    .read = pc_read,
    .write = pc_write,
    .destroy = free,
};
