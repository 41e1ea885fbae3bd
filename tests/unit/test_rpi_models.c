/* Register-level tests of the Raspberry Pi 4 device models (models/rpi/):
 * the AUX block's mini UART, the GPIO function selects (and the pinctrl hog
 * that puts GPIO 14/15 in ALT5), the PM block's reset controller and
 * watchdog, and the ARM local control block. Each test builds the rpi4
 * machine from build/platforms/rpi4.dtb and drives a model instance through
 * its ops, the way the board does. Also: every core of the rpi4 platform
 * leaves reset (/cpus tzsim,start-all-cpus), unlike qemu-virt's. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>
#include <unicorn/unicorn.h>

#include "models/registry.h"
#include "sim/machine.h"
#include "sim/platform.h"
#include "traces/trace.h"

struct rig {
    struct tz_platform *p;
    struct tz_trace *t;
    struct tz_machine *m;
};

static char *platform_path(const char *name)
{
    static char path[1024];
    const char *dir = getenv("TZSIM_PLATFORM_DIR");
    cr_assert_not_null(dir, "TZSIM_PLATFORM_DIR is not set (run through ctest)");
    snprintf(path, sizeof path, "%s/%s.dtb", dir, name);
    return path;
}

static int rig_open_platform(struct rig *r, struct tz_platform *p, struct tz_error *err)
{
    memset(r, 0, sizeof *r);
    r->p = p;
    cr_assert_eq(tz_trace_open(&r->t, NULL, err), 0, "%s", err->msg);
    struct tz_run_info info = {.scenario = "test_rpi_models", .scenario_sha256 = "",
                               .platform = "rpi4", .ncpus = 4, .quantum = 1000};
    int64_t run;
    cr_assert_eq(tz_trace_run_begin(r->t, &info, &run), 0);
    struct tz_machine_config cfg = {.platform = p, .ncpus = p->ncpu < 4 ? p->ncpu : 4,
                                    .quantum = 1000, .cpi = 1, .cpu_hz = 1000000000,
                                    .max_insns = 1000000, .cpu_model = UC_CPU_ARM64_A72,
                                    .trace = r->t};
    return tz_machine_create(&cfg, &r->m, err);
}

static void rig_open(struct rig *r, const char *platform)
{
    struct tz_error err;
    struct tz_platform *p;
    cr_assert_eq(tz_platform_load(platform_path(platform), &p, &err), 0, "%s", err.msg);
    cr_assert_eq(rig_open_platform(r, p, &err), 0, "%s", err.msg);
}

static void rig_close(struct rig *r)
{
    tz_machine_destroy(r->m);
    tz_trace_close(r->t, NULL);
    tz_platform_free(r->p);
}

/* A fresh instance of the model for `compatible`, created from its rpi4 node. */
static void *model(struct rig *r, const char *compatible, const struct tz_device_ops *ops)
{
    const struct tz_device_desc *d = tz_platform_find(r->p, compatible);
    cr_assert_not_null(d, "rpi4.dtb has no %s node", compatible);
    cr_assert_eq(tz_model_find(d->compatible), ops, "%s: wrong model", d->path);
    struct tz_error err;
    void *st = NULL;
    cr_assert_eq(ops->create(r->m, d, &st, &err), 0, "%s", err.msg);
    return st;
}

static uint64_t rd(const struct tz_device_ops *ops, void *st, struct rig *r, uint64_t off)
{
    struct tz_access a = {.offset = off, .size = 4, .cpu = tz_machine_cpu(r->m, 0), .secure = true};
    return ops->read(st, &a);
}

static void wr(const struct tz_device_ops *ops, void *st, struct rig *r, uint64_t off, uint64_t v)
{
    struct tz_access a = {.offset = off, .size = 4, .cpu = tz_machine_cpu(r->m, 0), .secure = true};
    ops->write(st, &a, v);
}

/* ---- the platform ------------------------------------------------------------ */

Test(rpi4, platform_devices_and_addresses)
{
    struct rig r;
    rig_open(&r, "rpi4");
    static const struct { const char *compat; uint64_t base; const struct tz_device_ops *ops; } devs[] = {
        {"brcm,bcm2835-aux", 0xfe215000, &tz_rpi_aux_ops},
        {"brcm,bcm2711-gpio", 0xfe200000, &tz_rpi_gpio_ops},
        {"brcm,bcm2835-pm-wdt", 0xfe100000, &tz_rpi_pm_wdt_ops},
        {"brcm,bcm2711-local-ctrl", 0xff800000, &tz_rpi_local_ctrl_ops},
        {"arm,gic-400", 0xff841000, &tz_gicv2_ops},
        {"arm,pl011", 0xfe201000, &tz_pl011_ops},
    };
    for (unsigned i = 0; i < sizeof devs / sizeof devs[0]; i++) {
        const struct tz_device_desc *d = tz_platform_find(r.p, devs[i].compat);
        cr_assert_not_null(d, "%s", devs[i].compat);
        cr_expect_eq(d->reg[0][0], devs[i].base, "%s at 0x%lx", devs[i].compat,
                     (unsigned long)d->reg[0][0]);
        cr_expect_not(d->secure, "%s: the Pi has no secure-only devices", devs[i].compat);
        cr_expect_eq(tz_model_find(devs[i].compat), devs[i].ops, "%s", devs[i].compat);
    }
    const struct tz_device_desc *gic = tz_platform_find(r.p, "arm,gic-400");
    cr_expect_eq(gic->reg[1][0], 0xff842000u, "GICC");
    cr_expect_eq(r.p->ncpu, 4);
    cr_expect_eq(r.p->nmem, 1);
    cr_expect_eq(r.p->mem[0].base, 0u);
    cr_expect_eq(r.p->mem[0].size, 0x3b400000u);
    cr_expect_eq(r.p->timer_hz, 54000000u);
    cr_expect_str_eq(r.p->cpu[0].compatible, "arm,cortex-a72");
    rig_close(&r);
}

Test(rpi4, every_core_leaves_reset)
{
    struct rig r;
    rig_open(&r, "rpi4");
    tz_machine_reset(r.m, 0);
    for (int i = 0; i < 4; i++)
        cr_expect(tz_machine_cpu(r.m, i)->powered, "cpu%d starts at the reset vector", i);
    cr_expect_eq(tz_trace_count(r.t, TZ_EV_CPU_POWER), 4u);
    rig_close(&r);

    rig_open(&r, "qemu-virt");
    tz_machine_reset(r.m, 0x0e000000);
    cr_expect(tz_machine_cpu(r.m, 0)->powered);
    for (int i = 1; i < 4; i++)
        cr_expect_not(tz_machine_cpu(r.m, i)->powered, "qemu-virt: cpu%d waits for CPU_ON", i);
    rig_close(&r);
}

/* ---- AUX / mini UART ------------------------------------------------------------ */

#define AUX_IRQ 0x00
#define AUX_ENABLES 0x04
#define MU_IO 0x40
#define MU_IER 0x44
#define MU_IIR 0x48
#define MU_LCR 0x4c
#define MU_LSR 0x54
#define MU_SCRATCH 0x5c
#define MU_CNTL 0x60
#define MU_STAT 0x64
#define MU_BAUD 0x68

struct probe { bool level; int calls; };

static void probe(void *opaque, int n, bool level)
{
    struct probe *p = opaque;
    p->level = level;
    p->calls++;
}

static void puts_mu(struct rig *r, void *u, const char *s)
{
    for (; *s; s++)
        wr(&tz_rpi_aux_ops, u, r, MU_IO, (uint8_t)*s);
}

Test(rpi_aux, console_and_status)
{
    struct rig r;
    rig_open(&r, "rpi4");
    const struct tz_device_ops *o = &tz_rpi_aux_ops;
    void *u = model(&r, "brcm,bcm2835-aux", o);
    cr_expect_eq(rd(o, u, &r, AUX_ENABLES), 1u, "left enabled by the firmware");
    cr_expect_eq(rd(o, u, &r, MU_LSR) & 0x60, 0x60u, "TX empty and idle (TF-A's 16550 putc)");
    cr_expect_eq(rd(o, u, &r, MU_IIR), 0xc1u, "FIFOs on, no interrupt");
    cr_expect_eq(rd(o, u, &r, MU_CNTL), 3u);
    cr_expect_eq(rd(o, u, &r, MU_STAT) & 0x30eu, 0x30eu);
    cr_expect_eq(rd(o, u, &r, MU_IO), 0u, "receiver empty");

    puts_mu(&r, u, "NOTICE:  BL31\r\nsecond ");
    cr_expect(strstr(tz_machine_console_text(r.m), "uart1: NOTICE:  BL31\n"),
              "console: %s", tz_machine_console_text(r.m));
    o->flush(u);
    cr_expect(strstr(tz_machine_console_text(r.m), "uart1: second \n"), "partial line flushed");

    /* DLAB: IO and IER become the baud rate bytes. */
    wr(o, u, &r, MU_LCR, 0x83);
    wr(o, u, &r, MU_IO, 0x0e);
    wr(o, u, &r, MU_IER, 0x02);
    cr_expect_eq(rd(o, u, &r, MU_BAUD), 0x020eu);
    cr_expect_eq(rd(o, u, &r, MU_IER), 0x02u);
    wr(o, u, &r, MU_LCR, 0x03);
    cr_expect_eq(rd(o, u, &r, MU_IER), 0u, "IER untouched by the DLAB writes");
    wr(o, u, &r, MU_SCRATCH, 0x1a5);
    cr_expect_eq(rd(o, u, &r, MU_SCRATCH), 0xa5u);

    /* Transmitter disabled in CNTL: bytes are dropped. */
    size_t before = strlen(tz_machine_console_text(r.m));
    wr(o, u, &r, MU_CNTL, 1);
    puts_mu(&r, u, "lost\n");
    cr_expect_eq(strlen(tz_machine_console_text(r.m)), before);
    wr(o, u, &r, MU_CNTL, 3);

    /* Disabled in AUX_ENABLES: the mini UART's registers are RAZ/WI. */
    wr(o, u, &r, AUX_ENABLES, 0);
    cr_expect_eq(rd(o, u, &r, MU_LSR), 0u);
    puts_mu(&r, u, "lost too\n");
    cr_expect_eq(strlen(tz_machine_console_text(r.m)), before);
    wr(o, u, &r, AUX_ENABLES, 1);
    cr_expect_eq(rd(o, u, &r, 0x80), 0u, "SPI1: not modelled, RAZ");
    cr_expect_eq(rd(o, u, &r, 0xffc), 0u);
    o->destroy(u);
    rig_close(&r);
}

Test(rpi_aux, transmit_interrupt)
{
    struct rig r;
    rig_open(&r, "rpi4");
    const struct tz_device_ops *o = &tz_rpi_aux_ops;
    void *u = model(&r, "brcm,bcm2835-aux", o);
    cr_assert_null(o->irq_out(u, 1));
    struct probe p = {0};
    tz_irq_connect(o->irq_out(u, 0), probe, &p, 0);
    wr(o, u, &r, MU_IER, 1);                 /* receive interrupt: never */
    cr_expect_not(p.level);
    wr(o, u, &r, MU_IER, 2);                 /* transmit: the FIFO is always empty */
    cr_expect(p.level);
    cr_expect_eq(rd(o, u, &r, AUX_IRQ), 1u);
    cr_expect_eq(rd(o, u, &r, MU_IIR), 0xc2u, "pending: TX holding register empty");
    wr(o, u, &r, AUX_ENABLES, 0);
    cr_expect_not(p.level, "a disabled mini UART does not interrupt");
    wr(o, u, &r, AUX_ENABLES, 1);
    cr_expect(p.level);
    wr(o, u, &r, MU_IER, 0);
    cr_expect_not(p.level);
    cr_expect_eq(p.calls, 4);
    o->destroy(u);
    rig_close(&r);
}

/* ---- GPIO ------------------------------------------------------------------------- */

#define GPFSEL(n) (4 * (n))
#define GPSET0 0x1c
#define GPCLR0 0x28
#define GPLEV0 0x34
#define GPLEV1 0x38
#define GPEDS0 0x40
#define GPREN0 0x4c
#define GPFEN1 0x5c
#define GPAFEN1 0x8c
#define PUP3 0xf0

Test(rpi_gpio, firmware_pin_setup_selects_the_mini_uart)
{
    struct rig r;
    rig_open(&r, "rpi4");
    const struct tz_device_ops *o = &tz_rpi_gpio_ops;
    void *g = model(&r, "brcm,bcm2711-gpio", o);
    uint32_t f1 = (uint32_t)rd(o, g, &r, GPFSEL(1));
    cr_expect_eq((f1 >> 12) & 7, 2u, "GPIO 14 in ALT5 (BL31: mini UART console)");
    cr_expect_eq((f1 >> 15) & 7, 2u, "GPIO 15 in ALT5");
    cr_expect_eq(f1, 0x12000u, "every other pin an input");
    cr_expect_eq(rd(o, g, &r, GPFSEL(0)), 0u);
    o->destroy(g);
    rig_close(&r);
}

Test(rpi_gpio, registers)
{
    struct rig r;
    rig_open(&r, "rpi4");
    const struct tz_device_ops *o = &tz_rpi_gpio_ops;
    void *g = model(&r, "brcm,bcm2711-gpio", o);
    wr(o, g, &r, GPFSEL(5), 0xffffffff);
    cr_expect_eq(rd(o, g, &r, GPFSEL(5)), 0x00ffffffu, "GPFSEL5: pins 50..57 only");
    wr(o, g, &r, GPFSEL(5), 0);
    /* GPIO 3 output, GPIO 4 input: only the output's latch is seen. */
    wr(o, g, &r, GPFSEL(0), 1u << 9);
    wr(o, g, &r, GPSET0, (1u << 3) | (1u << 4));
    cr_expect_eq(rd(o, g, &r, GPLEV0), 1u << 3);
    cr_expect_eq(rd(o, g, &r, GPSET0), 0u, "write-only");
    wr(o, g, &r, GPCLR0, 1u << 3);
    cr_expect_eq(rd(o, g, &r, GPLEV0), 0u);
    cr_expect_eq(rd(o, g, &r, GPLEV1), 0u);
    /* Event detect: enables stored (bank 1 masked to pins 32..57); status
     * write-one-to-clear, and never set (nothing drives a pin). */
    wr(o, g, &r, GPREN0, 0x80000001u);
    wr(o, g, &r, GPFEN1, 0xffffffffu);
    wr(o, g, &r, GPAFEN1, 0x5);
    cr_expect_eq(rd(o, g, &r, GPREN0), 0x80000001u);
    cr_expect_eq(rd(o, g, &r, GPFEN1), 0x03ffffffu);
    cr_expect_eq(rd(o, g, &r, GPAFEN1), 0x5u);
    cr_expect_eq(rd(o, g, &r, 0x54), 0u, "reserved");
    wr(o, g, &r, GPEDS0, 0xffffffffu);
    cr_expect_eq(rd(o, g, &r, GPEDS0), 0u);
    wr(o, g, &r, PUP3, 0xffffffffu);
    cr_expect_eq(rd(o, g, &r, PUP3), 0xfffffu, "pins 48..57");
    cr_expect_eq(rd(o, g, &r, 0xf4), 0u, "past the block");
    o->destroy(g);
    rig_close(&r);
}

/* rpi4.dtb with the uart1_gpio14 group's brcm,function set to fn. */
static struct tz_platform *rpi4_with_function(uint32_t fn)
{
    struct tz_error err;
    struct tz_platform *p;
    cr_assert_eq(tz_platform_load(platform_path("rpi4"), &p, &err), 0, "%s", err.msg);
    size_t n = p->fdt_size + 256;
    void *blob = calloc(1, n);
    cr_assert_eq(fdt_open_into(p->fdt, blob, (int)n), 0);
    int node = fdt_path_offset(blob, "/soc/gpio@7e200000/uart1_gpio14");
    cr_assert_geq(node, 0);
    cr_assert_eq(fdt_setprop_u32(blob, node, "brcm,function", fn), 0);
    tz_platform_free(p);
    cr_assert_eq(tz_platform_load_blob(blob, n, "rpi4-edited.dtb", &p, &err), 0, "%s", err.msg);
    free(blob);
    return p;
}

Test(rpi_gpio, pin_setup_from_the_device_tree)
{
    struct rig r;
    struct tz_error err;
    cr_assert_eq(rig_open_platform(&r, rpi4_with_function(4), &err), 0, "%s", err.msg);
    const struct tz_device_ops *o = &tz_rpi_gpio_ops;
    void *g = model(&r, "brcm,bcm2711-gpio", o);
    cr_expect_eq(rd(o, g, &r, GPFSEL(1)), (4u << 12) | (4u << 15), "ALT0: the PL011's TXD0/RXD0");
    o->destroy(g);
    rig_close(&r);

    struct tz_platform *bad = rpi4_with_function(9);
    struct rig r2;
    int rc = rig_open_platform(&r2, bad, &err);
    cr_expect_neq(rc, 0, "function 9 is not a GPFSEL value");
    cr_expect(strstr(err.msg, "/soc/gpio@7e200000") && strstr(err.msg, "uart1_gpio14") &&
              strstr(err.msg, "function 9"), "message: %s", err.msg);
    tz_trace_close(r2.t, NULL);
    tz_platform_free(bad);
}

/* ---- PM / watchdog ---------------------------------------------------------------- */

#define PM_RSTC 0x1c
#define PM_RSTS 0x20
#define PM_WDOG 0x24
#define PASSWORD 0x5a000000u

static enum tz_stop_reason run_idle(struct rig *r, uint64_t *ns)
{
    struct tz_run_limits lim = {0};
    enum tz_stop_reason why = tz_machine_run(r->m, &lim);
    struct tz_machine_stats s;
    tz_machine_stats(r->m, &s);
    *ns = s.vtime_ns;
    return why;
}

Test(rpi_pm, watchdog_reset_after_its_timeout)
{
    struct rig r;
    rig_open(&r, "rpi4");
    const struct tz_device_ops *o = &tz_rpi_pm_wdt_ops;
    void *p = model(&r, "brcm,bcm2835-pm-wdt", o);
    wr(o, p, &r, PM_WDOG, 10);               /* no password: ignored */
    cr_expect_eq(rd(o, p, &r, PM_WDOG), 0u);
    wr(o, p, &r, PM_WDOG, PASSWORD | 10);    /* 10 ticks of 1/65536 s */
    cr_expect_eq(rd(o, p, &r, PM_WDOG), 10u);
    wr(o, p, &r, PM_RSTC, PASSWORD | 0x20);  /* WRCFG = full reset: start */
    cr_expect_eq(rd(o, p, &r, PM_RSTC), 0x20u);
    cr_expect_eq(rd(o, p, &r, PM_WDOG), 10u, "time left");
    uint64_t ns;
    cr_expect_eq(run_idle(&r, &ns), TZ_STOP_SYSTEM_RESET);
    /* 10 / 65536 s = 152588 ns, delivered at the end of that round. */
    cr_expect_geq(ns, 152588u);
    cr_expect_lt(ns, 152588u + 1000u);
    o->destroy(p);
    rig_close(&r);
}

Test(rpi_pm, partition_63_is_system_off)
{
    struct rig r;
    rig_open(&r, "rpi4");
    const struct tz_device_ops *o = &tz_rpi_pm_wdt_ops;
    void *p = model(&r, "brcm,bcm2835-pm-wdt", o);
    /* TF-A's rpi3_system_off: RSTS |= PASSWORD | 0x555, then the reset. */
    wr(o, p, &r, PM_RSTS, PASSWORD | rd(o, p, &r, PM_RSTS) | 0x555);
    cr_expect_eq(rd(o, p, &r, PM_RSTS), 0x555u);
    wr(o, p, &r, PM_WDOG, PASSWORD | 10);
    wr(o, p, &r, PM_RSTC, PASSWORD | (rd(o, p, &r, PM_RSTC) & ~0x30u) | 0x20);
    uint64_t ns;
    cr_expect_eq(run_idle(&r, &ns), TZ_STOP_SYSTEM_OFF);
    o->destroy(p);
    rig_close(&r);
}

Test(rpi_pm, stopped_and_petted_watchdog)
{
    struct rig r;
    rig_open(&r, "rpi4");
    const struct tz_device_ops *o = &tz_rpi_pm_wdt_ops;
    void *p = model(&r, "brcm,bcm2835-pm-wdt", o);
    wr(o, p, &r, PM_WDOG, PASSWORD | 0x100);     /* 3.9 ms */
    wr(o, p, &r, PM_RSTC, PASSWORD | 0x20);
    wr(o, p, &r, PM_WDOG, PASSWORD | 0x200);     /* petted: counts from the new value */
    cr_expect_eq(rd(o, p, &r, PM_WDOG), 0x200u);
    wr(o, p, &r, PM_RSTC, PASSWORD | 0x102);     /* Linux's stop */
    cr_expect_eq(rd(o, p, &r, PM_WDOG), 0x200u, "stopped: the stored value");
    uint64_t ns;
    cr_expect_eq(run_idle(&r, &ns), TZ_STOP_ALL_OFF, "nothing left to happen");
    o->destroy(p);
    rig_close(&r);
}

/* ---- ARM local control ------------------------------------------------------------- */

Test(rpi_local, stored_registers)
{
    struct rig r;
    rig_open(&r, "rpi4");
    const struct tz_device_ops *o = &tz_rpi_local_ctrl_ops;
    void *l = model(&r, "brcm,bcm2711-local-ctrl", o);
    /* What BL31 writes: crystal source, increment 1, prescaler 1:1. */
    wr(o, l, &r, 0x00, 0);
    wr(o, l, &r, 0x08, 0x80000000u);
    cr_expect_eq(rd(o, l, &r, 0x00), 0u);
    cr_expect_eq(rd(o, l, &r, 0x08), 0x80000000u);
    wr(o, l, &r, 0x24, 0x3);
    cr_expect_eq(rd(o, l, &r, 0x24), 3u, "PERI_IRQ_ROUTE0 stored");
    /* PMU_CONTROL_SET / CLR. */
    wr(o, l, &r, 0x10, 0xf0);
    wr(o, l, &r, 0x14, 0x30);
    cr_expect_eq(rd(o, l, &r, 0x10), 0xc0u);
    /* IRQ/FIQ sources: read-only zero. */
    wr(o, l, &r, 0x60, 0xffffffffu);
    cr_expect_eq(rd(o, l, &r, 0x60), 0u);
    cr_expect_eq(rd(o, l, &r, 0x7c), 0u);
    /* Core mailboxes: write-set at 0x80.., read and write-clear at 0xc0... */
    wr(o, l, &r, 0x84, 0x5);
    cr_expect_eq(rd(o, l, &r, 0x84), 0u, "write-only");
    cr_expect_eq(rd(o, l, &r, 0xc4), 5u);
    wr(o, l, &r, 0xc4, 0x1);
    cr_expect_eq(rd(o, l, &r, 0xc4), 4u);
    cr_expect_eq(rd(o, l, &r, 0x100), 0u, "RAZ beyond the block");
    wr(o, l, &r, 0x100, 1);
    o->destroy(l);
    rig_close(&r);
}
