/* GICv2 (Arm CoreLink GIC-400) with the Security Extensions.
 *
 * The board uses the model through tz_gicv2_ops (models/registry.c): it is
 * created from a DT node compatible with "arm,cortex-a15-gic" or
 * "arm,gic-400" whose first reg pair is the Distributor and the second the CPU
 * interface. This header is the model's own API, used by the ops and by the
 * register-level tests (tests/unit/test_gicv2.c), which create standalone
 * instances without a machine (m == NULL: no trace events are emitted).
 *
 * Architecture: ARM IHI 0048B, GIC architecture version 2.0. See docs/gic.md.
 */
#ifndef TZ_GICV2_H
#define TZ_GICV2_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/irq.h"

struct tz_machine;
struct tz_gicv2;

#define TZ_GICV2_MAX_CPUS 8     /* GICv2: CPU interfaces 0..7 */
#define TZ_GICV2_MAX_IRQS 1020  /* INTIDs 0..1019; 1020..1023 are special */

/* struct tz_access.region: the node's reg pairs, in DT order. */
enum tz_gicv2_region {
    TZ_GICV2_DIST = 0,   /* Distributor, GICD_* (4 KiB) */
    TZ_GICV2_CPUIF = 1,  /* CPU interface, GICC_* (8 KiB) */
};

/* Special INTIDs (IHI 0048B, "Special interrupt numbers"). */
#define TZ_GICV2_INTID_GRP1_ONLY 1022  /* Secure IAR read, Group 1 highest, AckCtl 0 */
#define TZ_GICV2_INTID_SPURIOUS 1023

struct tz_gicv2_config {
    int ncpus;       /* CPU interfaces, 1..8 */
    int nspis;       /* SPIs (INTIDs 32..), a multiple of 32, 0..992 (INTIDs stop at 1019) */
    unsigned lspi;   /* GICD_TYPER.LSPI, 0..31 (lockdown is not modelled) */
};

/* The configuration used by the board: ncpus CPU interfaces and 224 SPIs
 * (256 INTIDs, GICD_TYPER.ITLinesNumber 7), GIC-400's LSPI of 31. */
struct tz_gicv2_config tz_gicv2_default_config(int ncpus);

/* Creates an instance in its reset state. m may be NULL (tests): then no trace
 * events are emitted. Errors (bad configuration) go to err. */
int tz_gicv2_create(struct tz_machine *m, const struct tz_gicv2_config *cfg,
                    struct tz_gicv2 **out, struct tz_error *err);
void tz_gicv2_destroy(struct tz_gicv2 *g);

/* A register access by CPU interface `cpu` with the given security attribute,
 * exactly as the guest would make it (size 1 or 4; other sizes are errors). */
uint32_t tz_gicv2_read(struct tz_gicv2 *g, enum tz_gicv2_region region, uint64_t offset,
                       unsigned size, int cpu, bool secure);
void tz_gicv2_write(struct tz_gicv2 *g, enum tz_gicv2_region region, uint64_t offset,
                    unsigned size, int cpu, bool secure, uint32_t value);

/* An interrupt input: PPIs (16..31) of CPU `cpu`, SPIs (32..) for any cpu. */
void tz_gicv2_set_irq(struct tz_gicv2 *g, int cpu, int intid, bool level);

/* The level of a CPU's output (TZ_LINE_IRQ or TZ_LINE_FIQ). */
bool tz_gicv2_output(const struct tz_gicv2 *g, int cpu, enum tz_cpu_line line);

/* The output lines themselves, for the board wiring (NULL for lines the GIC
 * does not drive). */
struct tz_irq_line *tz_gicv2_line(struct tz_gicv2 *g, int cpu, enum tz_cpu_line line);

/* Guest errors seen so far (each also a GIC_ERROR trace event), and the text
 * of the last one ("" if none). */
unsigned tz_gicv2_error_count(const struct tz_gicv2 *g);
const char *tz_gicv2_last_error(const struct tz_gicv2 *g);

#endif
