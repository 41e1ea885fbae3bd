/* Machine descriptions: a flattened device tree (compiled from
 * models/platforms/NAME.dts at build time, or a user's --dtb) read with libfdt.
 * See docs/platforms.md for the bindings tzsim understands.
 */
#ifndef TZ_PLATFORM_H
#define TZ_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define TZ_MAX_MEM 16
#define TZ_MAX_DEVICES 48
#define TZ_MAX_CPUS 8
#define TZ_MAX_DEV_IRQS 4
#define TZ_MAX_DEV_REGS 4

/* A RAM or ROM region (device_type = "memory", or a "mmio-sram"/"cfi-flash"
 * node). secure: visible to the secure world only (status = "disabled" with
 * secure-status = "okay", the ePAPR/DT security binding QEMU uses). */
struct tz_mem_region {
    char name[64];      /* node name, e.g. "secram@e000000" */
    uint64_t base, size;
    bool secure;
    bool rom;           /* flash: guest writes are ignored (and traced) */
};

/* An interrupt specifier as written in the DT, for a GIC parent:
 * type 0 = SPI, 1 = PPI; number relative to the type; flags = trigger. */
struct tz_dt_irq {
    uint32_t type, number, flags;
};

struct tz_device_desc {
    char name[64];           /* node name */
    char path[128];          /* full node path */
    char compatible[64];     /* first compatible string */
    int node;                /* node offset in tz_platform.fdt */
    uint64_t reg[TZ_MAX_DEV_REGS][2]; /* (base, size) pairs */
    int nreg;
    struct tz_dt_irq irq[TZ_MAX_DEV_IRQS];
    int nirq;
    bool secure;             /* secure-only device */
    bool enabled;            /* status okay (or secure-status okay) */
};

struct tz_cpu_desc {
    uint64_t mpidr;          /* the cpu node's reg: MPIDR affinity fields */
    char compatible[64];     /* "arm,cortex-a57" */
    char enable_method[32];  /* "psci", "spin-table" or "" */
};

struct tz_platform {
    char path[512];          /* file it came from */
    char model[64];          /* /model, or the file's base name */
    void *fdt;               /* owned copy of the blob */
    size_t fdt_size;
    struct tz_mem_region mem[TZ_MAX_MEM];
    int nmem;
    struct tz_device_desc dev[TZ_MAX_DEVICES];
    int ndev;
    struct tz_cpu_desc cpu[TZ_MAX_CPUS];
    int ncpu;
    uint32_t timer_hz;       /* /timer clock-frequency, else 62500000 */
    uint32_t timer_ppi[4];   /* /timer interrupts (secure, NS phys, virt, hyp) as PPI numbers; 0 if absent */
    int ntimer_ppi;
};

/* Reads and validates a DTB file. Errors name the file, the node and the
 * reason: "x.dtb: /memory@40000000: reg has 12 bytes, expected a multiple of 16". */
int tz_platform_load(const char *path, struct tz_platform **out, struct tz_error *err);

/* Same, from a blob in memory (copied); name is used in messages. */
int tz_platform_load_blob(const void *blob, size_t size, const char *name,
                          struct tz_platform **out, struct tz_error *err);

void tz_platform_free(struct tz_platform *p);

/* The memory region containing [addr, addr+size), or NULL. */
const struct tz_mem_region *tz_platform_mem_at(const struct tz_platform *p,
                                               uint64_t addr, uint64_t size);

/* The first enabled device with this compatible string, or NULL. */
const struct tz_device_desc *tz_platform_find(const struct tz_platform *p, const char *compatible);

#endif
