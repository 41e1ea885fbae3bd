/* BCM2711 ARM local control block ("brcm,bcm2711-local-ctrl"), at
 * 0xff800000: the ARM-side control registers that sit beside the cores
 * ("BCM2711 ARM Peripherals", 6.5 "ARM_LOCAL" registers; BCM2836's QA7
 * layout):
 *   0x00 ARM_CONTROL          timer source (bit 8) and increment (bit 9)
 *   0x08 CORE_TIMER_PRESCALER the counter runs at source x 2^31 / value
 *   0x0c CORE_IRQ_CONTROL     0x10/0x14 PMU_CONTROL_SET/CLR
 *   0x1c/0x20 core timer low/high, 0x24 PERI_IRQ_ROUTE0, 0x30 AXI_QUIESCE,
 *   0x34 LOCAL_TIMER_CONTROL, 0x38 LOCAL_TIMER_IRQ, 0x40-0x4c TIMER_CNTRL0-3,
 *   0x50-0x5c MAILBOX_CNTRL0-3, 0x60-0x6c IRQ_SOURCE0-3, 0x70-0x7c
 *   FIQ_SOURCE0-3, 0x80-0xff the core mailboxes (write-set / read-clear).
 *
 * TF-A's rpi4 BL31 only initialises it (ARM_CONTROL = 0: 19.2 MHz crystal,
 * increment by 1; prescaler 0x80000000: divide by 1). On the Pi 4 the GIC
 * and the generic timer do the work, so tzsim stores every register and
 * reads it back, with no side effect: the generic timer's frequency comes
 * from the platform's /timer node, not from here (IMPLEMENTATION DEFINED,
 * tzsim's choice); the IRQ/FIQ source registers read as zero (the legacy
 * interrupt controller never signals), PMU_CONTROL_CLR clears bits of the
 * value PMU_CONTROL_SET reads back, the mailbox read-clear words clear the
 * bits written. Accesses beyond 0x100 are RAZ/WI.
 */
#include <stdlib.h>

#include "models/registry.h"

enum {
    PMU_CONTROL_SET = 0x10,
    PMU_CONTROL_CLR = 0x14,
    IRQ_SOURCE0 = 0x60,       /* 0x60-0x7c: IRQ and FIQ sources, read-only */
    MAILBOX_SET0 = 0x80,      /* 0x80-0xbf: write-set */
    MAILBOX_CLR0 = 0xc0,      /* 0xc0-0xff: read / write-clear */
    LOCAL_END = 0x100,
};

struct local_ctrl {
    uint32_t reg[LOCAL_END / 4];
};

static uint64_t lc_read(void *state, const struct tz_access *a)
{
    struct local_ctrl *l = state;
    uint64_t off = a->offset;
    if (off & 3 || off >= LOCAL_END)
        return 0;
    if (off >= IRQ_SOURCE0 && off < MAILBOX_SET0)
        return 0;
    if (off >= MAILBOX_SET0 && off < MAILBOX_CLR0)
        return 0;                        /* write-only */
    if (off == PMU_CONTROL_CLR)
        return l->reg[PMU_CONTROL_SET / 4];
    return l->reg[off / 4];
}

static void lc_write(void *state, const struct tz_access *a, uint64_t v)
{
    struct local_ctrl *l = state;
    uint64_t off = a->offset;
    uint32_t w = (uint32_t)v;
    if (off & 3 || off >= LOCAL_END)
        return;
    if (off >= IRQ_SOURCE0 && off < MAILBOX_SET0)
        return;                          /* read-only */
    if (off == PMU_CONTROL_SET)
        l->reg[PMU_CONTROL_SET / 4] |= w;
    else if (off == PMU_CONTROL_CLR)
        l->reg[PMU_CONTROL_SET / 4] &= ~w;
    else if (off >= MAILBOX_SET0 && off < MAILBOX_CLR0)
        l->reg[(off - MAILBOX_SET0 + MAILBOX_CLR0) / 4] |= w;
    else if (off >= MAILBOX_CLR0)
        l->reg[off / 4] &= ~w;
    else
        l->reg[off / 4] = w;
}

static int lc_create(struct tz_machine *m, const struct tz_device_desc *d, void **state,
                     struct tz_error *err)
{
    struct local_ctrl *l = calloc(1, sizeof *l);
    if (!l)
        return tz_error_set(err, NULL, "out of memory");
    *state = l;
    return 0;
}

static const char *const lc_compat[] = {"brcm,bcm2711-local-ctrl", NULL};

const struct tz_device_ops tz_rpi_local_ctrl_ops = {
    .name = "bcm2711-local-ctrl",
    .compatible = lc_compat,
    .create = lc_create,
    .read = lc_read,
    .write = lc_write,
    .destroy = free,
};
