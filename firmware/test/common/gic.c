/* SPDX-License-Identifier: MIT */
/*
 * GIC helpers shared by the monitor, sel1 and the normal-world payloads:
 * which version the platform has, and (GICv3) where this core's
 * Redistributor is. Usable at any EL and from either world (identification
 * registers and GICR_TYPER are readable by Non-secure accesses).
 */
#include "tzt_gic.h"

/* The answer, once found (the image's .bss: 0 = not probed yet). Cores
 * racing to probe write the same value. */
static u32 gic_version;

unsigned tzt_gic_version(void)
{
    u32 v = READ_ONCE(gic_version);
    if (v)
        return v;
    u32 rev = GIC_PIDR2_ARCHREV(mmio_read32(TZT_GICD_BASE + GICD_PIDR2_V3));
    if (rev == 3 || rev == 4) {
        v = 3;
    } else {
        rev = GIC_PIDR2_ARCHREV(mmio_read32(TZT_GICD_BASE + GICD_PIDR2_V2));
        v = (rev == 1 || rev == 2) ? 2 : 0;
    }
    WRITE_ONCE(gic_version, v);
    return v;
}

uintptr_t tzt_gicr_base(void)
{
    u64 mpidr = read_sysreg(mpidr_el1);
    u32 aff = (u32)((mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24);
    /* The frames are contiguous; the last one has GICR_TYPER.Last. A bound
     * keeps a model without Last from sending us through the address map. */
    for (unsigned i = 0; i < 64; i++) {
        uintptr_t rd = TZT_GICR_BASE + (uintptr_t)i * TZT_GICR_STRIDE;
        if (mmio_read32(rd + GICR_TYPER_HI) == aff)
            return rd;
        if (mmio_read32(rd + GICR_TYPER_LO) & GICR_TYPER_LAST)
            break;
    }
    return 0;
}
