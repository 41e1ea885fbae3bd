/* The memory system between the CPUs and RAM: tzsim's own stage-1
 * translation (so every access carries its memory attributes), the TZASC
 * (secure memory isolation) and the cache model with its coherence checker
 * (models/cache/). See docs/caches.md, "Wiring".
 *
 * Active when the machine runs with --cache=check|faithful (the TZASC comes
 * with it). Each CPU's Unicorn instance is then put in UC_TLB_VIRTUAL mode
 * and its TLB fills are served here by the walker; RAM is reached through
 * alias windows of the physical address space, one per attribute class, so
 * that the memory hooks (which receive physical addresses) know the
 * attributes of the access from the address alone.
 */
#ifndef TZ_MEMSYS_H
#define TZ_MEMSYS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <unicorn/unicorn.h>

#include "error.h"

struct tz_machine;
struct tz_cpu;
struct tz_memsys;

/* Creates the memory system of m (after its RAM, before its CPUs run).
 * Returns 0 with *out NULL when nothing needs it. */
int tz_memsys_create(struct tz_machine *m, struct tz_memsys **out, struct tz_error *err);
void tz_memsys_destroy(struct tz_memsys *ms);
/* Sets up one CPU (TLB mode, hooks); before it executes anything. */
int tz_memsys_cpu_init(struct tz_memsys *ms, struct tz_cpu *c, struct tz_error *err);

/* Hooks called by sim/cpu.c. */
void tz_memsys_fetch(struct tz_cpu *c, uint64_t addr, uint32_t size);   /* a block starts */
void tz_memsys_sysinsn(struct tz_cpu *c, const uc_arm64_cp_reg *cp, bool is_read);
void tz_memsys_cpu_reset(struct tz_cpu *c);                             /* power-up, reset */

/* A non-coherent master's access (tz_machine_dma). */
int tz_memsys_dma(struct tz_memsys *ms, const char *master, uint64_t pa, void *buf, size_t len,
                  bool write, bool ns);

/* Brings the findings table of the trace up to date (at the end of every
 * run_until, so scenario checks see it) and, with final, writes the
 * counters too. */
void tz_memsys_sync_trace(struct tz_memsys *ms, bool final);
/* The findings and cache counters for the run's summary, each line starting
 * with indent. */
void tz_memsys_summary(const struct tz_memsys *ms, FILE *f, const char *indent);
size_t tz_memsys_findings(const struct tz_memsys *ms);

#endif
