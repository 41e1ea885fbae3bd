/* Arm PrimeCell UART (PL011), as far as firmware consoles use it.
 * Register map from the PL011 TRM (DDI 0183G), section 3.2. Transmission is
 * instantaneous: TXFF/BUSY never set, TXFE always set; the receiver is empty.
 * Output is collected into lines and sent to the console (stdout and trace).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/registry.h"

enum {
    UARTDR = 0x000,
    UARTRSR = 0x004,
    UARTFR = 0x018,
    UARTILPR = 0x020,
    UARTIBRD = 0x024,
    UARTFBRD = 0x028,
    UARTLCR_H = 0x02c,
    UARTCR = 0x030,
    UARTIFLS = 0x034,
    UARTIMSC = 0x038,
    UARTRIS = 0x03c,
    UARTMIS = 0x040,
    UARTICR = 0x044,
    UARTDMACR = 0x048,
    UARTPERIPHID0 = 0xfe0,
};

#define FR_RXFE (1u << 4)
#define FR_TXFE (1u << 7)
#define INT_TX (1u << 5)

#define LINE_MAX 1024

struct pl011 {
    struct tz_machine *m;
    char name[16];
    uint32_t ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
    struct tz_irq_line irq;
    char line[LINE_MAX + 1];
    size_t len;
    struct tz_cpu *last_cpu;
};

/* PrimeCell identification: PL011 r1p5 (TRM 3.3.14-3.3.17). */
static const uint8_t pl011_id[8] = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static void update_irq(struct pl011 *u)
{
    tz_irq_set(&u->irq, (u->ris & u->imsc) != 0);
}

static void flush_line(struct pl011 *u, struct tz_cpu *c)
{
    u->line[u->len] = 0;
    tz_machine_console(u->m, c, u->name, u->line);
    u->len = 0;
}

static uint64_t pl011_read(void *state, const struct tz_access *a)
{
    struct pl011 *u = state;
    switch (a->offset) {
    case UARTDR:
        return 0; /* receive FIFO empty */
    case UARTRSR:
        return 0;
    case UARTFR:
        return FR_TXFE | FR_RXFE;
    case UARTILPR:
        return u->ilpr;
    case UARTIBRD:
        return u->ibrd;
    case UARTFBRD:
        return u->fbrd;
    case UARTLCR_H:
        return u->lcr_h;
    case UARTCR:
        return u->cr;
    case UARTIFLS:
        return u->ifls;
    case UARTIMSC:
        return u->imsc;
    case UARTRIS:
        return u->ris;
    case UARTMIS:
        return u->ris & u->imsc;
    case UARTDMACR:
        return u->dmacr;
    default:
        if (a->offset >= UARTPERIPHID0 && a->offset < 0x1000 && !(a->offset & 3))
            return pl011_id[(a->offset - UARTPERIPHID0) / 4];
        return 0; /* reserved: RAZ */
    }
}

static void pl011_write(void *state, const struct tz_access *a, uint64_t v)
{
    struct pl011 *u = state;
    uint32_t w = (uint32_t)v;
    switch (a->offset) {
    case UARTDR: {
        char ch = (char)(w & 0xff);
        if (ch == '\n')
            flush_line(u, a->cpu);
        else if (ch != '\r') {
            if (u->len == LINE_MAX)
                flush_line(u, a->cpu);
            u->line[u->len++] = ch;
        }
        u->last_cpu = a->cpu;
        u->ris |= INT_TX; /* the FIFO drained at once */
        update_irq(u);
        break;
    }
    case UARTRSR:
        break; /* error clear */
    case UARTILPR:
        u->ilpr = w & 0xff;
        break;
    case UARTIBRD:
        u->ibrd = w & 0xffff;
        break;
    case UARTFBRD:
        u->fbrd = w & 0x3f;
        break;
    case UARTLCR_H:
        u->lcr_h = w & 0xff;
        break;
    case UARTCR:
        u->cr = w & 0xffff;
        break;
    case UARTIFLS:
        u->ifls = w & 0x3f;
        break;
    case UARTIMSC:
        u->imsc = w & 0x7ff;
        update_irq(u);
        break;
    case UARTICR:
        u->ris &= ~w;
        update_irq(u);
        break;
    case UARTDMACR:
        u->dmacr = w & 7;
        break;
    default:
        break; /* read-only or reserved: WI */
    }
}

static int pl011_create(struct tz_machine *m, const struct tz_device_desc *d, void **state,
                        struct tz_error *err)
{
    struct pl011 *u = calloc(1, sizeof *u);
    if (!u)
        return tz_error_set(err, NULL, "out of memory");
    u->m = m;
    /* Console names: uart0, uart1... in the order of the platform's PL011
     * nodes by address (qemu-virt: uart0 non-secure, uart1 secure). */
    const struct tz_platform *p = tz_machine_cfg(m)->platform;
    int n = 0;
    for (int i = 0; i < p->ndev; i++)
        if (&p->dev[i] != d && p->dev[i].nreg && d->nreg &&
            tz_model_find(p->dev[i].compatible) == &tz_pl011_ops &&
            p->dev[i].reg[0][0] < d->reg[0][0])
            n++;
    snprintf(u->name, sizeof u->name, "uart%d", n);
    u->cr = 0x300;     /* TXE | RXE at reset (TRM 3.3.8) */
    u->ifls = 0x12;
    *state = u;
    return 0;
}

/* End of a run: a partial last line is still console output. */
static void pl011_flush(void *state)
{
    struct pl011 *u = state;
    if (u->len)
        flush_line(u, u->last_cpu);
}

static void pl011_destroy(void *state)
{
    free(state);
}

static const char *const pl011_compat[] = {"arm,pl011", NULL};

const struct tz_device_ops tz_pl011_ops = {
    .name = "pl011",
    .compatible = pl011_compat,
    .create = pl011_create,
    .read = pl011_read,
    .write = pl011_write,
    .flush = pl011_flush,
    .destroy = pl011_destroy,
};
