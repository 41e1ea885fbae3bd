/* tzsim's DMA engine ("tzsim,dma"): one memory-to-memory channel, a
 * non-coherent bus master. It is tzsim's own device (no silicon to match),
 * made to give guests and scenarios a master that bypasses the caches and
 * that the TZASC checks (docs/caches.md). Register map (models/dma/dma.h,
 * docs/platforms.md "The tzsim,dma node"); 32-bit registers, little endian:
 *   0x00 SRC_LO   RW  source physical address, bits 31:0
 *   0x04 SRC_HI   RW  bits 63:32
 *   0x08 DST_LO   RW  destination physical address, bits 31:0
 *   0x0c DST_HI   RW  bits 63:32
 *   0x10 LEN      RW  bytes, 1..16 MiB
 *   0x14 CTRL     RW  bit 0 START (write 1: start a transfer; reads 0),
 *                     bit 1 IRQ_EN
 *   0x18 STATUS   R/W1C  bit 0 BUSY (read-only), bit 1 DONE, bit 2 ERROR;
 *                     writing 1 to DONE or ERROR clears it
 *   0x1c ID       R   0x444d4131 ("DMA1")
 * Any other offset, any access that is not 32 bits, and a write to ID is
 * traced as MMIO_ERROR and is RAZ/WI (the house rule for guest
 * misbehaviour).
 *
 * START with LEN = 0 or LEN > 16 MiB, or while BUSY, sets ERROR and starts
 * nothing (a transfer in flight goes on). Otherwise it latches SRC, DST and
 * LEN and the security attribute of the write that started it (a secure
 * access makes a secure transfer, a non-secure one a non-secure transfer),
 * sets BUSY, and the copy happens at completion, 100 + LEN/8 CPU ticks of
 * virtual time after START: the whole source is read, then the destination
 * written (overlapping ranges copy as memmove does), both through
 * tz_machine_dma as the master "dma@<base>". BUSY then clears and DONE is
 * set; if the source or the destination is not entirely RAM, or the TZASC
 * blocked the non-secure transfer (memory system on: --cache=check or
 * faithful), ERROR is set instead. DONE and ERROR are sticky: software clears
 * them (W1C) before the next START to tell transfers apart.
 *
 * IMPLEMENTATION DEFINED choices: the registers are not banked by security
 * state (one engine shared by both worlds when the node is "okay" for both;
 * either world reads the other's addresses); writes to SRC/DST/LEN while
 * BUSY change the registers but not the transfer in flight.
 *
 * Output line 0 (the DT's first `interrupts` entry) is level:
 * IRQ_EN && (DONE || ERROR).
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/dma/dma.h"
#include "models/registry.h"

struct dma {
    struct tz_machine *m;
    const struct tz_device_desc *desc;  /* the platform's, outlives the machine */
    char master[48];                    /* "dma@9100000": names it in findings */

    /* Registers. */
    uint64_t src, dst;
    uint32_t len;
    bool irq_en;
    bool busy, done, error;

    /* The transfer in flight, latched at START. */
    struct {
        uint64_t src, dst;
        uint32_t len;
        bool ns;
    } xfer;

    struct tz_irq_line irq;             /* output 0 */
};

static void update_irq(struct dma *d)
{
    tz_irq_set(&d->irq, d->irq_en && (d->done || d->error));
}

/* An access the model does not define: traced, RAZ/WI. */
static void mmio_error(struct dma *d, const struct tz_access *a, bool write, uint64_t v,
                       const char *why)
{
    char text[256];
    snprintf(text, sizeof text, "%s: %s %s %s offset 0x%" PRIx64 " size %u (RAZ/WI)",
             d->desc->path, a->secure ? "secure" : "non-secure", write ? "write to" : "read of",
             why, a->offset, a->size);
    tz_machine_mmio_error(d->m, a->cpu, d->desc->reg[a->region][0] + a->offset, write, v,
                          a->size, text);
}

/* A defined register and a 32-bit access; traces the access otherwise. */
static bool check_access(struct dma *d, const struct tz_access *a, bool write, uint64_t v)
{
    if (a->region != 0 || a->offset > TZ_DMA_ID || (a->offset & 3)) {
        mmio_error(d, a, write, v, "undefined register at");
        return false;
    }
    if (a->size != 4) {
        mmio_error(d, a, write, v, "a 32-bit register with a bad access size at");
        return false;
    }
    return true;
}

static uint32_t status(const struct dma *d)
{
    return (d->busy ? TZ_DMA_STATUS_BUSY : 0) | (d->done ? TZ_DMA_STATUS_DONE : 0) |
           (d->error ? TZ_DMA_STATUS_ERROR : 0);
}

/* Completion: the copy, then DONE or ERROR. */
static void complete(void *opaque, uint64_t arg)
{
    (void)arg;
    struct dma *d = opaque;
    assert(d->busy);
    uint8_t *buf = malloc(d->xfer.len);
    assert(buf && "out of memory");
    bool ok = tz_machine_dma(d->m, d->master, d->xfer.src, buf, d->xfer.len, false,
                             d->xfer.ns) == 0 &&
              tz_machine_dma(d->m, d->master, d->xfer.dst, buf, d->xfer.len, true,
                             d->xfer.ns) == 0;
    free(buf);
    d->busy = false;
    if (ok)
        d->done = true;
    else
        d->error = true;
    update_irq(d);
}

static void start(struct dma *d, const struct tz_access *a)
{
    if (d->busy || d->len == 0 || d->len > TZ_DMA_MAX_LEN) {
        d->error = true;
        return;
    }
    d->busy = true;
    d->xfer.src = d->src;
    d->xfer.dst = d->dst;
    d->xfer.len = d->len;
    d->xfer.ns = !a->secure;
    uint64_t now = a->cpu ? tz_cpu_ticks(a->cpu) : tz_machine_ticks(d->m);
    tz_machine_schedule(d->m, TZ_ANY_CPU, now + TZ_DMA_LATENCY(d->len), complete, d, 0);
}

static uint64_t dma_read(void *state, const struct tz_access *a)
{
    struct dma *d = state;
    if (!check_access(d, a, false, 0))
        return 0;
    switch (a->offset) {
    case TZ_DMA_SRC_LO: return (uint32_t)d->src;
    case TZ_DMA_SRC_HI: return d->src >> 32;
    case TZ_DMA_DST_LO: return (uint32_t)d->dst;
    case TZ_DMA_DST_HI: return d->dst >> 32;
    case TZ_DMA_LEN: return d->len;
    case TZ_DMA_CTRL: return d->irq_en ? TZ_DMA_CTRL_IRQ_EN : 0;
    case TZ_DMA_STATUS: return status(d);
    case TZ_DMA_ID: return TZ_DMA_ID_VALUE;
    default: return 0; /* unreachable: check_access */
    }
}

static void dma_write(void *state, const struct tz_access *a, uint64_t v)
{
    struct dma *d = state;
    if (!check_access(d, a, true, v))
        return;
    uint32_t w = (uint32_t)v;
    switch (a->offset) {
    case TZ_DMA_SRC_LO:
        d->src = (d->src & ~0xffffffffull) | w;
        break;
    case TZ_DMA_SRC_HI:
        d->src = (d->src & 0xffffffffull) | ((uint64_t)w << 32);
        break;
    case TZ_DMA_DST_LO:
        d->dst = (d->dst & ~0xffffffffull) | w;
        break;
    case TZ_DMA_DST_HI:
        d->dst = (d->dst & 0xffffffffull) | ((uint64_t)w << 32);
        break;
    case TZ_DMA_LEN:
        d->len = w;
        break;
    case TZ_DMA_CTRL:
        d->irq_en = (w & TZ_DMA_CTRL_IRQ_EN) != 0;
        if (w & TZ_DMA_CTRL_START)
            start(d, a);
        break;
    case TZ_DMA_STATUS:
        if (w & TZ_DMA_STATUS_DONE)
            d->done = false;
        if (w & TZ_DMA_STATUS_ERROR)
            d->error = false;
        break;
    case TZ_DMA_ID:
        mmio_error(d, a, true, v, "the read-only ID register at");
        return;
    default:
        return; /* unreachable: check_access */
    }
    update_irq(d);
}

static struct tz_irq_line *dma_irq_out(void *state, int n)
{
    struct dma *d = state;
    return n == 0 ? &d->irq : NULL;
}

static int dma_create(struct tz_machine *m, const struct tz_device_desc *desc, void **state,
                      struct tz_error *err)
{
    if (desc->nreg != 1)
        return tz_error_set(err, NULL, "a tzsim,dma node needs exactly one reg entry, got %d",
                            desc->nreg);
    if (desc->reg[0][1] < TZ_DMA_ID + 4)
        return tz_error_set(err, NULL, "reg size 0x%" PRIx64 " is smaller than the registers "
                            "(0x%x bytes)", desc->reg[0][1], TZ_DMA_ID + 4);
    struct dma *d = calloc(1, sizeof *d);
    if (!d)
        return tz_error_set(err, NULL, "out of memory");
    d->m = m;
    d->desc = desc;
    snprintf(d->master, sizeof d->master, "dma@%" PRIx64, desc->reg[0][0]);
    *state = d;
    return 0;
}

static const char *const dma_compat[] = {"tzsim,dma", NULL};

const struct tz_device_ops tz_dma_ops = {
    .name = "dma",
    .compatible = dma_compat,
    .create = dma_create,
    .read = dma_read,
    .write = dma_write,
    .destroy = free,
    .irq_out = dma_irq_out,
};
