/* BCM2711 GPIO ("brcm,bcm2711-gpio", "brcm,bcm2835-gpio"): 58 pins, their
 * function selects, output latches and event-detect configuration.
 *
 * Register map: "BCM2711 ARM Peripherals", chapter 5 (General Purpose I/O),
 * which keeps BCM2835's layout and replaces GPPUD/GPPUDCLK by the
 * GPIO_PUP_PDN_CNTRL registers. Nothing outside drives the pins: an input
 * reads 0 (no pin level ever changes, so no event is ever detected; the
 * event-detect enables are stored only), an output reads its latch.
 *
 * The function selects start as the VideoCore firmware leaves them: the
 * pin groups named by the node's own pinctrl-0 (pin "hogs", Linux's
 * brcm,bcm2835-gpio binding: each group has brcm,pins and brcm,function, a
 * single function or one per pin, in the GPFSEL encoding 0 = input,
 * 1 = output, 4..7 = ALT0..3, 3 = ALT4, 2 = ALT5) are applied at creation.
 * rpi4.dts puts GPIO 14/15 in ALT5 (the mini UART), as enable_uart=1 does;
 * TF-A's rpi4 BL31 picks its console from GPFSEL1 bits 14:12.
 */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "models/registry.h"

#define NPINS 58

enum {
    GPFSEL0 = 0x00,     /* 0x00-0x14: 10 pins each, 3 bits per pin */
    GPSET0 = 0x1c,      /* 0x1c, 0x20 */
    GPCLR0 = 0x28,      /* 0x28, 0x2c */
    GPLEV0 = 0x34,      /* 0x34, 0x38 */
    GPEDS0 = 0x40,      /* event detect status: 0x40, 0x44 (W1C) */
    GPREN0 = 0x4c,      /* rising edge: 0x4c, 0x50 */
    GPFEN0 = 0x58,      /* falling edge: 0x58, 0x5c */
    GPHEN0 = 0x64,      /* high level: 0x64, 0x68 */
    GPLEN0 = 0x70,      /* low level: 0x70, 0x74 */
    GPAREN0 = 0x7c,     /* async rising: 0x7c, 0x80 */
    GPAFEN0 = 0x88,     /* async falling: 0x88, 0x8c */
    PUP_PDN_CNTRL0 = 0xe4, /* 0xe4-0xf0: 2 bits per pin */
    GPIO_END = 0xf4,
};

enum { EN_REN, EN_FEN, EN_HEN, EN_LEN, EN_AREN, EN_AFEN, EN_COUNT };

struct rpi_gpio {
    uint32_t fsel[6];
    uint32_t out[2];           /* output latches */
    uint32_t eds[2];
    uint32_t en[EN_COUNT][2];
    uint32_t pull[4];
};

/* Pins 32..57 live in the second word; bits for pins >= 58 are RAZ/WI. */
static const uint32_t bank_mask[2] = {0xffffffffu, (1u << (NPINS - 32)) - 1};

static void set_function(struct rpi_gpio *g, unsigned pin, unsigned fn)
{
    unsigned r = pin / 10, s = (pin % 10) * 3;
    g->fsel[r] = (g->fsel[r] & ~(7u << s)) | ((fn & 7u) << s);
}

static uint32_t level(const struct rpi_gpio *g, int bank)
{
    /* Outputs read their latch; inputs read 0 (nothing drives them). */
    uint32_t outputs = 0;
    for (int i = 0; i < 32 && bank * 32 + i < NPINS; i++) {
        unsigned pin = (unsigned)(bank * 32 + i);
        if (((g->fsel[pin / 10] >> ((pin % 10) * 3)) & 7) == 1)
            outputs |= 1u << i;
    }
    return g->out[bank] & outputs;
}

static uint64_t gpio_read(void *state, const struct tz_access *a)
{
    struct rpi_gpio *g = state;
    uint64_t off = a->offset;
    if (off & 3 || off >= GPIO_END)
        return 0;
    if (off <= GPFSEL0 + 0x14)
        return g->fsel[off / 4];
    if (off == GPLEV0 || off == GPLEV0 + 4)
        return level(g, (int)(off - GPLEV0) / 4);
    if (off == GPEDS0 || off == GPEDS0 + 4)
        return g->eds[(off - GPEDS0) / 4];
    if (off >= GPREN0 && off < GPAFEN0 + 8) {
        uint64_t k = (off - GPREN0) / 12, w = (off - GPREN0) % 12;
        return w < 8 ? g->en[k][w / 4] : 0;
    }
    if (off >= PUP_PDN_CNTRL0)
        return g->pull[(off - PUP_PDN_CNTRL0) / 4];
    return 0; /* GPSET/GPCLR are write-only; reserved words RAZ */
}

static void gpio_write(void *state, const struct tz_access *a, uint64_t v)
{
    struct rpi_gpio *g = state;
    uint64_t off = a->offset;
    uint32_t w = (uint32_t)v;
    if (off & 3 || off >= GPIO_END)
        return;
    if (off <= GPFSEL0 + 0x14) {
        g->fsel[off / 4] = w & (off == GPFSEL0 + 0x14 ? 0x00ffffffu : 0x3fffffffu);
    } else if (off == GPSET0 || off == GPSET0 + 4) {
        int b = (int)(off - GPSET0) / 4;
        g->out[b] |= w & bank_mask[b];
    } else if (off == GPCLR0 || off == GPCLR0 + 4) {
        int b = (int)(off - GPCLR0) / 4;
        g->out[b] &= ~w;
    } else if (off == GPEDS0 || off == GPEDS0 + 4) {
        g->eds[(off - GPEDS0) / 4] &= ~w; /* write 1 to clear */
    } else if (off >= GPREN0 && off < GPAFEN0 + 8) {
        uint64_t k = (off - GPREN0) / 12, r = (off - GPREN0) % 12;
        if (r < 8)
            g->en[k][r / 4] = w & bank_mask[r / 4];
    } else if (off >= PUP_PDN_CNTRL0) {
        /* 16 pins per word; the last word holds pins 48..57. */
        g->pull[(off - PUP_PDN_CNTRL0) / 4] = off == PUP_PDN_CNTRL0 + 12 ? w & 0xfffff : w;
    }
}

/* Applies the pin groups of the node's pinctrl-0 (see the top). A
 * malformed group is bad user input. */
static int apply_hogs(struct rpi_gpio *g, const void *fdt, const struct tz_device_desc *d,
                      struct tz_error *err)
{
    int len;
    const fdt32_t *ph = fdt_getprop(fdt, d->node, "pinctrl-0", &len);
    for (int i = 0; ph && i < len / 4; i++) {
        int grp = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(ph[i]));
        if (grp < 0)
            return tz_error_set(err, NULL, "pinctrl-0 phandle 0x%x matches no node",
                                fdt32_to_cpu(ph[i]));
        int np, nf;
        const fdt32_t *pins = fdt_getprop(fdt, grp, "brcm,pins", &np);
        const fdt32_t *fns = fdt_getprop(fdt, grp, "brcm,function", &nf);
        np = pins ? np / 4 : 0;
        nf = fns ? nf / 4 : 0;
        if (!np || !nf || (nf != 1 && nf != np))
            return tz_error_set(err, NULL, "pin group %s: needs brcm,pins and brcm,function "
                                "(one function, or one per pin)",
                                fdt_get_name(fdt, grp, NULL));
        for (int k = 0; k < np; k++) {
            uint32_t pin = fdt32_to_cpu(pins[k]), fn = fdt32_to_cpu(fns[nf == 1 ? 0 : k]);
            if (pin >= NPINS || fn > 7)
                return tz_error_set(err, NULL, "pin group %s: pin %u function %u out of range "
                                    "(pins 0..%d, functions 0..7)",
                                    fdt_get_name(fdt, grp, NULL), pin, fn, NPINS - 1);
            set_function(g, pin, fn);
        }
    }
    return 0;
}

static int gpio_create(struct tz_machine *m, const struct tz_device_desc *d, void **state,
                       struct tz_error *err)
{
    struct rpi_gpio *g = calloc(1, sizeof *g);
    if (!g)
        return tz_error_set(err, NULL, "out of memory");
    /* Every pin an input with no pull change recorded. */
    if (apply_hogs(g, tz_machine_cfg(m)->platform->fdt, d, err)) {
        free(g);
        return -1;
    }
    *state = g;
    return 0;
}

static const char *const gpio_compat[] = {"brcm,bcm2711-gpio", "brcm,bcm2835-gpio", NULL};

const struct tz_device_ops tz_rpi_gpio_ops = {
    .name = "bcm2711-gpio",
    .compatible = gpio_compat,
    .create = gpio_create,
    .read = gpio_read,
    .write = gpio_write,
    .destroy = free,
};
