/* The scenario's dma{} (docs/scenario-api.md, "Actions"): an immediate copy
 * by a non-coherent bus master named "scenario", recorded as an INJECT
 * event. Kept apart from sim/machine.c, which it only reads. */
#ifndef TZ_DMA_INJECT_H
#define TZ_DMA_INJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct tz_machine;

/* Copies [src, src + len) to [dst, dst + len) of physical memory, between
 * runs, as tz_machine_dma does for a device (the whole source is read, then
 * the destination written; caches are bypassed; the TZASC applies to a
 * non-secure copy, ns). Returns 0 when copied, 1 when the TZASC blocked it
 * (nothing written; a finding records it), -1 with err set when len is 0 or
 * a range is not entirely in one RAM region (no INJECT event then). */
int tz_machine_scenario_dma(struct tz_machine *m, uint64_t src, uint64_t dst, uint64_t len,
                            bool ns, struct tz_error *err);

#endif
