#include "dma_inject.h"

#include <inttypes.h>
#include <stdlib.h>

#include "machine_internal.h"

/* The RAM region holding all of [addr, addr + len), or NULL. */
static const struct tz_ram *ram_of(const struct tz_machine *m, uint64_t addr, uint64_t len)
{
    for (int r = 0; r < m->nram; r++) {
        const struct tz_ram *ram = &m->ram[r];
        if (addr >= ram->base && len <= ram->size && addr - ram->base <= ram->size - len)
            return ram;
    }
    return NULL;
}

/* INJECT, stamped as sim/machine.c stamps the other scenario inputs: at the
 * CPU the scheduler ran last, or machine-wide before any ran. */
static void inject_event(struct tz_machine *m, uint64_t src, uint64_t dst, uint64_t len, bool ns)
{
    char text[160];
    snprintf(text, sizeof text, "dma 0x%" PRIx64 " -> 0x%" PRIx64 " len %" PRIu64 " %s", src,
             dst, len, ns ? "non-secure" : "secure");
    struct tz_cpu *c = m->current;
    struct tz_event ev;
    if (c) {
        tz_event_for(&ev, TZ_EV_INJECT, c);
    } else {
        uint64_t total = 0;
        for (int i = 0; i < m->ncpu; i++)
            total += m->cpu[i]->icount;
        tz_event_init(&ev, TZ_EV_INJECT, TZ_NA, total, tz_machine_ns(m, tz_machine_ticks(m)));
    }
    ev.a[0] = len;
    ev.a[1] = dst;
    ev.na = 2;
    ev.text = text;
    tz_machine_event(m, c, &ev);
}

int tz_machine_scenario_dma(struct tz_machine *m, uint64_t src, uint64_t dst, uint64_t len,
                            bool ns, struct tz_error *err)
{
    if (len == 0)
        return tz_error_set(err, NULL, "len must not be 0");
    if (!ram_of(m, src, len))
        return tz_error_set(err, NULL, "source 0x%" PRIx64 " (+%" PRIu64 ") is not in RAM", src,
                            len);
    if (!ram_of(m, dst, len))
        return tz_error_set(err, NULL, "destination 0x%" PRIx64 " (+%" PRIu64 ") is not in RAM",
                            dst, len);
    inject_event(m, src, dst, len, ns);
    uint8_t *buf = malloc(len);
    if (!buf)
        return tz_error_set(err, NULL, "out of memory (%" PRIu64 " bytes)", len);
    /* Both ranges are RAM: a failure is the TZASC's (non-secure master,
     * secure memory), which recorded a finding. */
    int rc = tz_machine_dma(m, "scenario", src, buf, len, false, ns) == 0 &&
                     tz_machine_dma(m, "scenario", dst, buf, len, true, ns) == 0
                 ? 0
                 : 1;
    free(buf);
    return rc;
}
