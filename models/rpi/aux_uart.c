/* BCM2835/BCM2711 AUX block ("brcm,bcm2835-aux") with its mini UART
 * (UART1), as far as firmware consoles and simple drivers use it.
 *
 * Register map: "BCM2835 ARM Peripherals", chapter 2 (Auxiliaries: UART1 &
 * SPI1, SPI2), the same on BCM2711 ("BCM2711 ARM Peripherals", 2.2). The
 * AUX block and the mini UART share one 4 KiB page, so tzsim models them
 * as one device at the block's base (0xfe215000); the mini UART is at 0x40.
 * TF-A drives it with its 16550 driver (register stride 4): THR at 0x40,
 * LSR at 0x54, both of which line up with AUX_MU_IO/AUX_MU_LSR.
 *
 * Transmission is instantaneous: the TX FIFO is always empty and the
 * transmitter idle (LSR bits 5 and 6 set); the receiver is empty. Output is
 * collected into lines for the console, as the PL011 model does. The SPI
 * masters (0x80, 0xc0) are not modelled (RAZ/WI).
 *
 * IMPLEMENTATION DEFINED (tzsim's choices):
 *   - AUX_ENABLES resets to 1 (mini UART enabled): the VideoCore firmware
 *     enables it before the ARM cores start when config.txt says
 *     enable_uart=1, which is the set-up rpi4.dts describes (GPIO 14/15 in
 *     ALT5). While the enable bit is clear the mini UART's registers read
 *     as zero and ignore writes, as the datasheet says ("you will have no
 *     access to a peripheral");
 *   - the interrupt output is level: IER bit 1 (transmit interrupt enable;
 *     the datasheet swaps bits 0 and 1, this is the errata's and Linux's
 *     reading) and an always-empty TX FIFO. Receive interrupts never occur.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/registry.h"

enum {
    AUX_IRQ = 0x00,
    AUX_ENABLES = 0x04,
    AUX_MU_IO = 0x40,
    AUX_MU_IER = 0x44,
    AUX_MU_IIR = 0x48,
    AUX_MU_LCR = 0x4c,
    AUX_MU_MCR = 0x50,
    AUX_MU_LSR = 0x54,
    AUX_MU_MSR = 0x58,
    AUX_MU_SCRATCH = 0x5c,
    AUX_MU_CNTL = 0x60,
    AUX_MU_STAT = 0x64,
    AUX_MU_BAUD = 0x68,
    AUX_MU_END = 0x80,
};

#define ENABLES_MU (1u << 0)
#define LCR_DLAB (1u << 7)
#define IER_TX (1u << 1)
#define CNTL_TX (1u << 1)
#define LSR_TX_EMPTY (1u << 5)
#define LSR_TX_IDLE (1u << 6)
/* AUX_MU_STAT: space available, receiver idle, transmitter idle, TX FIFO
 * empty, transmitter done. */
#define STAT_IDLE ((1u << 1) | (1u << 2) | (1u << 3) | (1u << 8) | (1u << 9))

#define LINE_MAX 1024

struct aux_uart {
    struct tz_machine *m;
    uint32_t enables, ier, lcr, mcr, scratch, cntl, baud;
    struct tz_irq_line irq;
    char line[LINE_MAX + 1];
    size_t len;
    struct tz_cpu *last_cpu;
};

static bool tx_irq(const struct aux_uart *u)
{
    return (u->enables & ENABLES_MU) && (u->ier & IER_TX);
}

static void update_irq(struct aux_uart *u)
{
    tz_irq_set(&u->irq, tx_irq(u));
}

static void flush_line(struct aux_uart *u, struct tz_cpu *c)
{
    u->line[u->len] = 0;
    tz_machine_console(u->m, c, "uart1", u->line);
    u->len = 0;
}

static void transmit(struct aux_uart *u, struct tz_cpu *c, char ch)
{
    if (ch == '\n')
        flush_line(u, c);
    else if (ch != '\r') {
        if (u->len == LINE_MAX)
            flush_line(u, c);
        u->line[u->len++] = ch;
    }
    u->last_cpu = c;
}

static uint64_t aux_read(void *state, const struct tz_access *a)
{
    struct aux_uart *u = state;
    if (a->offset == AUX_IRQ)
        return tx_irq(u) ? 1 : 0;  /* bit 0: mini UART interrupt pending */
    if (a->offset == AUX_ENABLES)
        return u->enables;
    if (a->offset < AUX_MU_IO || a->offset >= AUX_MU_END || !(u->enables & ENABLES_MU))
        return 0;
    switch (a->offset) {
    case AUX_MU_IO:
        return (u->lcr & LCR_DLAB) ? (u->baud & 0xff) : 0; /* receive FIFO empty */
    case AUX_MU_IER:
        return (u->lcr & LCR_DLAB) ? (u->baud >> 8) : u->ier;
    case AUX_MU_IIR:
        /* FIFOs always enabled (bits 7:6); bit 0 clear while an interrupt
         * is pending, bits 2:1 = 01: transmit holding register empty. */
        return 0xc0 | (tx_irq(u) ? 0x2 : 0x1);
    case AUX_MU_LCR:
        return u->lcr;
    case AUX_MU_MCR:
        return u->mcr;
    case AUX_MU_LSR:
        return LSR_TX_EMPTY | LSR_TX_IDLE;
    case AUX_MU_MSR:
        return 0x20; /* CTS asserted (the bit is the inverse of the pin) */
    case AUX_MU_SCRATCH:
        return u->scratch;
    case AUX_MU_CNTL:
        return u->cntl;
    case AUX_MU_STAT:
        return STAT_IDLE;
    case AUX_MU_BAUD:
        return u->baud;
    default:
        return 0;
    }
}

static void aux_write(void *state, const struct tz_access *a, uint64_t v)
{
    struct aux_uart *u = state;
    uint32_t w = (uint32_t)v;
    if (a->offset == AUX_ENABLES) {
        u->enables = w & 7;
        update_irq(u);
        return;
    }
    if (a->offset < AUX_MU_IO || a->offset >= AUX_MU_END || !(u->enables & ENABLES_MU))
        return;
    switch (a->offset) {
    case AUX_MU_IO:
        if (u->lcr & LCR_DLAB)
            u->baud = (u->baud & 0xff00) | (w & 0xff);
        else if (u->cntl & CNTL_TX)
            transmit(u, a->cpu, (char)(w & 0xff));
        break;
    case AUX_MU_IER:
        if (u->lcr & LCR_DLAB)
            u->baud = (u->baud & 0x00ff) | ((w & 0xff) << 8);
        else
            u->ier = w & 3;
        update_irq(u);
        break;
    case AUX_MU_IIR:
        break; /* bits 2:1 clear the FIFOs: both are always empty */
    case AUX_MU_LCR:
        u->lcr = w & 0xc3;
        break;
    case AUX_MU_MCR:
        u->mcr = w & 2;
        break;
    case AUX_MU_SCRATCH:
        u->scratch = w & 0xff;
        break;
    case AUX_MU_CNTL:
        u->cntl = w & 0xff;
        break;
    case AUX_MU_BAUD:
        u->baud = w & 0xffff;
        break;
    default:
        break; /* LSR, MSR, STAT: read-only */
    }
}

static int aux_create(struct tz_machine *m, const struct tz_device_desc *d, void **state,
                      struct tz_error *err)
{
    struct aux_uart *u = calloc(1, sizeof *u);
    if (!u)
        return tz_error_set(err, NULL, "out of memory");
    u->m = m;
    u->enables = ENABLES_MU;   /* left enabled by the firmware (see above) */
    u->cntl = 3;               /* receiver and transmitter enabled (reset value) */
    u->lcr = 0x03;             /* 8-bit mode, as the firmware leaves it */
    *state = u;
    return 0;
}

static void aux_flush(void *state)
{
    struct aux_uart *u = state;
    if (u->len)
        flush_line(u, u->last_cpu);
}

static struct tz_irq_line *aux_irq_out(void *state, int n)
{
    struct aux_uart *u = state;
    return n == 0 ? &u->irq : NULL;
}

static const char *const aux_compat[] = {"brcm,bcm2835-aux", NULL};

const struct tz_device_ops tz_rpi_aux_ops = {
    .name = "bcm2835-aux",
    .compatible = aux_compat,
    .create = aux_create,
    .read = aux_read,
    .write = aux_write,
    .flush = aux_flush,
    .destroy = free,
    .irq_out = aux_irq_out,
};
