/* GICv3 with two Security states (GICD_CTLR.DS == 0): Distributor,
 * one Redistributor per CPU, and the CPU interface as system registers
 * (ICC_*). Spec: Arm IHI 0069 (GIC architecture v3/v4); comments cite its
 * sections by number and title, and registers by their chapter 12 entries. See docs/gic.md, "GICv3".
 *
 * Implementation choices (IMPLEMENTATION DEFINED or optional in the spec):
 *   - no legacy operation: GICD_CTLR.ARE_S/ARE_NS and ICC_SRE_ELx.SRE are
 *     RAO/WI (as on GIC-600); DS is RAZ/WI (security cannot be disabled);
 *   - 5 bits of priority and 5 of preemption (ICC_CTLR_EL1.PRIbits = 4, as
 *     Cortex-A57/A72/A76), so only ICC_AP0R0/ICC_AP1R0 exist;
 *   - 16-bit INTIDs, no LPIs/ITS, no extended SPI/PPI ranges, no virtual
 *     CPU interface (ICH_*, ICV_*), 1 of N SPIs supported;
 *   - priority ties are broken by the lower INTID; a 1 of N SPI goes to the
 *     lowest-numbered participating CPU.
 *
 * The model works inside a machine (tz_gicv3_ops, compatible "arm,gic-v3")
 * and standalone for unit tests (tz_gicv3_new): without a machine no trace
 * events are emitted, but errors are still counted (tz_gicv3_errors).
 */
#ifndef TZ_GICV3_H
#define TZ_GICV3_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/irq.h"
#include "sim/sysreg.h"

#define TZ_GICV3_MAX_CPUS 8
#define TZ_GICV3_MAX_SPIS 960   /* GICD_TYPER.ITLinesNumber <= 30 */
#define TZ_GICV3_DEFAULT_SPIS 256

/* Special INTIDs (2.2.1 "Special INTIDs"). */
enum {
    TZ_GICV3_INTID_SECURE = 1020,    /* EL3 IAR0/HPPIR0: pending Secure Group 1 */
    TZ_GICV3_INTID_NONSECURE = 1021, /* EL3 IAR0/HPPIR0: pending Non-secure Group 1 */
    TZ_GICV3_INTID_SPURIOUS = 1023,
};

/* Interrupt groups (4.6 "Interrupt grouping and security"): from
 * GICD_IGROUPR/GICD_IGRPMODR (or the GICR_ equivalents), {IGROUPR, IGRPMODR} = {0,0}
 * Group 0, {0,1} Secure Group 1, {1,0} Non-secure Group 1, {1,1} reserved
 * (treated as Non-secure Group 1). */
enum tz_gicv3_group { TZ_GICV3_G0 = 0, TZ_GICV3_G1S = 1, TZ_GICV3_G1NS = 2 };

static inline enum tz_gicv3_group tz_gicv3_group_of(bool igroup, bool igrpmod)
{
    return igroup ? TZ_GICV3_G1NS : igrpmod ? TZ_GICV3_G1S : TZ_GICV3_G0;
}

/* Which exception an interrupt of group grp is signalled as, to a PE at
 * exception level el in security state ns (4.6 "Interrupt grouping and
 * security", the table of interrupt signalling by group and PE state): Group 0 is always FIQ; at EL3 every group is FIQ; otherwise
 * Group 1 of the current Security state is IRQ and of the other one FIQ. */
static inline enum tz_cpu_line tz_gicv3_line_for(enum tz_gicv3_group grp, int el, bool ns)
{
    if (grp == TZ_GICV3_G0 || el == 3)
        return TZ_LINE_FIQ;
    return (grp == TZ_GICV3_G1NS) == ns ? TZ_LINE_IRQ : TZ_LINE_FIQ;
}

/* The Non-secure view of an 8-bit priority (4.8 "Interrupt prioritization",
 * "Software accesses of interrupt priority"): Non-secure Group 1 priorities live in the lower half
 * of the range; a Non-secure write of v stores 0x80 | v >> 1 and a
 * Non-secure read of p returns p << 1. */
static inline uint8_t tz_gicv3_ns_prio_write(uint8_t v) { return (uint8_t)(0x80 | (v >> 1)); }
static inline uint8_t tz_gicv3_ns_prio_read(uint8_t p) { return (uint8_t)(p << 1); }

/* Group priority mask for a binary point (4.8 "Interrupt prioritization",
 * "Priority grouping", and the GroupBits() pseudocode): bpr n leaves bits [7:n+1] as the group priority. */
static inline uint8_t tz_gicv3_gprio_mask(unsigned bpr)
{
    return (uint8_t)(0xffu << ((bpr & 7) + 1));
}

/* Distributor register offsets (chapter 12, "The GIC Distributor register map"). */
enum {
    GICD_CTLR = 0x0000,
    GICD_TYPER = 0x0004,
    GICD_IIDR = 0x0008,
    GICD_TYPER2 = 0x000c,
    GICD_STATUSR = 0x0010,
    GICD_SETSPI_NSR = 0x0040,
    GICD_CLRSPI_NSR = 0x0048,
    GICD_SETSPI_SR = 0x0050,
    GICD_CLRSPI_SR = 0x0058,
    GICD_IGROUPR = 0x0080,
    GICD_ISENABLER = 0x0100,
    GICD_ICENABLER = 0x0180,
    GICD_ISPENDR = 0x0200,
    GICD_ICPENDR = 0x0280,
    GICD_ISACTIVER = 0x0300,
    GICD_ICACTIVER = 0x0380,
    GICD_IPRIORITYR = 0x0400,
    GICD_ITARGETSR = 0x0800,
    GICD_ICFGR = 0x0c00,
    GICD_IGRPMODR = 0x0d00,
    GICD_NSACR = 0x0e00,
    GICD_SGIR = 0x0f00,
    GICD_CPENDSGIR = 0x0f10,
    GICD_SPENDSGIR = 0x0f20,
    GICD_IROUTER = 0x6000,      /* + 8n, n = 32..1019 */
    GICD_PIDR2 = 0xffe8,
};

/* Redistributor (chapter 12, "The GIC Redistributor register map"): an
 * RD_base and an SGI_base frame of 64 KiB each per CPU, contiguous in the
 * redistributor region. */
enum {
    GICR_FRAME_SIZE = 0x10000,
    GICR_STRIDE = 0x20000,
    GICR_SGI_BASE = 0x10000,
    GICR_CTLR = 0x0000,
    GICR_IIDR = 0x0004,
    GICR_TYPER = 0x0008,        /* 64-bit */
    GICR_STATUSR = 0x0010,
    GICR_WAKER = 0x0014,
    GICR_PIDR2 = 0xffe8,
    /* in the SGI_base frame */
    GICR_IGROUPR0 = 0x0080,
    GICR_ISENABLER0 = 0x0100,
    GICR_ICENABLER0 = 0x0180,
    GICR_ISPENDR0 = 0x0200,
    GICR_ICPENDR0 = 0x0280,
    GICR_ISACTIVER0 = 0x0300,
    GICR_ICACTIVER0 = 0x0380,
    GICR_IPRIORITYR0 = 0x0400,  /* .. 0x041c */
    GICR_ICFGR0 = 0x0c00,
    GICR_ICFGR1 = 0x0c04,
    GICR_IGRPMODR0 = 0x0d00,
    GICR_NSACR = 0x0e00,
};

/* GICD_CTLR bits (GICD_CTLR, Secure access), Secure view; the Non-secure view has only
 * EnableGrp1A (bit 1), ARE_NS (bit 4) and RWP. */
#define TZ_GICD_CTLR_ENABLE_G0 (1u << 0)
#define TZ_GICD_CTLR_ENABLE_G1NS (1u << 1)
#define TZ_GICD_CTLR_ENABLE_G1S (1u << 2)
#define TZ_GICD_CTLR_ARE_S (1u << 4)
#define TZ_GICD_CTLR_ARE_NS (1u << 5)
#define TZ_GICD_CTLR_DS (1u << 6)
#define TZ_GICD_CTLR_NS_ARE_NS (1u << 4)

#define TZ_GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define TZ_GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define TZ_GICR_TYPER_LAST (1u << 4)

/* CPU interface system registers (chapter 12, AArch64 ICC_* registers;
 * encodings op0 op1 CRn CRm op2). */
#define TZ_ICC_PMR_EL1 TZ_SYSREG(3, 0, 4, 6, 0)
#define TZ_ICC_IAR0_EL1 TZ_SYSREG(3, 0, 12, 8, 0)
#define TZ_ICC_EOIR0_EL1 TZ_SYSREG(3, 0, 12, 8, 1)
#define TZ_ICC_HPPIR0_EL1 TZ_SYSREG(3, 0, 12, 8, 2)
#define TZ_ICC_BPR0_EL1 TZ_SYSREG(3, 0, 12, 8, 3)
#define TZ_ICC_AP0R0_EL1 TZ_SYSREG(3, 0, 12, 8, 4)
#define TZ_ICC_AP1R0_EL1 TZ_SYSREG(3, 0, 12, 9, 0)
#define TZ_ICC_DIR_EL1 TZ_SYSREG(3, 0, 12, 11, 1)
#define TZ_ICC_RPR_EL1 TZ_SYSREG(3, 0, 12, 11, 3)
#define TZ_ICC_SGI1R_EL1 TZ_SYSREG(3, 0, 12, 11, 5)
#define TZ_ICC_ASGI1R_EL1 TZ_SYSREG(3, 0, 12, 11, 6)
#define TZ_ICC_SGI0R_EL1 TZ_SYSREG(3, 0, 12, 11, 7)
#define TZ_ICC_IAR1_EL1 TZ_SYSREG(3, 0, 12, 12, 0)
#define TZ_ICC_EOIR1_EL1 TZ_SYSREG(3, 0, 12, 12, 1)
#define TZ_ICC_HPPIR1_EL1 TZ_SYSREG(3, 0, 12, 12, 2)
#define TZ_ICC_BPR1_EL1 TZ_SYSREG(3, 0, 12, 12, 3)
#define TZ_ICC_CTLR_EL1 TZ_SYSREG(3, 0, 12, 12, 4)
#define TZ_ICC_SRE_EL1 TZ_SYSREG(3, 0, 12, 12, 5)
#define TZ_ICC_IGRPEN0_EL1 TZ_SYSREG(3, 0, 12, 12, 6)
#define TZ_ICC_IGRPEN1_EL1 TZ_SYSREG(3, 0, 12, 12, 7)
#define TZ_ICC_SRE_EL2 TZ_SYSREG(3, 4, 12, 9, 5)
#define TZ_ICC_CTLR_EL3 TZ_SYSREG(3, 6, 12, 12, 4)
#define TZ_ICC_SRE_EL3 TZ_SYSREG(3, 6, 12, 12, 5)
#define TZ_ICC_IGRPEN1_EL3 TZ_SYSREG(3, 6, 12, 12, 7)

/* ICC_CTLR_EL1 and ICC_CTLR_EL3 bits. */
#define TZ_ICC_CTLR_EL1_CBPR (1u << 0)
#define TZ_ICC_CTLR_EL1_EOIMODE (1u << 1)
#define TZ_ICC_CTLR_EL3_CBPR_EL1S (1u << 0)
#define TZ_ICC_CTLR_EL3_CBPR_EL1NS (1u << 1)
#define TZ_ICC_CTLR_EL3_EOIMODE_EL3 (1u << 2)
#define TZ_ICC_CTLR_EL3_EOIMODE_EL1S (1u << 3)
#define TZ_ICC_CTLR_EL3_EOIMODE_EL1NS (1u << 4)
#define TZ_ICC_CTLR_EL3_PMHE (1u << 6)

/* ICC_SGI0R_EL1/ICC_SGI1R_EL1/ICC_ASGI1R_EL1 layout: TargetList [15:0],
 * Aff1 [23:16], INTID [27:24], Aff2 [39:32], IRM [40], RS [47:44], Aff3 [55:48]. */
static inline uint64_t tz_gicv3_sgir(unsigned intid, unsigned aff3, unsigned aff2, unsigned aff1,
                                     uint16_t target_list, bool irm)
{
    return (uint64_t)target_list | ((uint64_t)(aff1 & 0xff) << 16) |
           ((uint64_t)(intid & 0xf) << 24) | ((uint64_t)(aff2 & 0xff) << 32) |
           ((uint64_t)irm << 40) | ((uint64_t)(aff3 & 0xff) << 48);
}

/* ---- instances ----------------------------------------------------------- */

struct tz_gicv3;
struct tz_machine;

/* Standalone configuration (unit tests). Inside a machine the CPUs and their
 * MPIDRs come from the machine and nspis is TZ_GICV3_DEFAULT_SPIS. */
struct tz_gicv3_config {
    int ncpus;                              /* 1..TZ_GICV3_MAX_CPUS */
    uint64_t mpidr[TZ_GICV3_MAX_CPUS];      /* affinity of each CPU */
    int nspis;                              /* multiple of 32, 32..TZ_GICV3_MAX_SPIS */
};

/* Creates a standalone instance (no machine, no events); NULL if cfg is
 * invalid or out of memory. Every CPU starts at EL3 (secure, SCR_EL3 = 0). */
struct tz_gicv3 *tz_gicv3_new(const struct tz_gicv3_config *cfg);
void tz_gicv3_free(struct tz_gicv3 *g);

/* An MMIO access: region 0 = distributor, 1 = redistributors; offset from
 * the region's base; cpu = accessing CPU; secure = security attribute. */
uint64_t tz_gicv3_mmio_read(struct tz_gicv3 *g, int region, uint64_t offset, unsigned size,
                            int cpu, bool secure);
void tz_gicv3_mmio_write(struct tz_gicv3 *g, int region, uint64_t offset, unsigned size,
                         int cpu, bool secure, uint64_t value);

/* Standalone only: a system register access by CPU cpu executing at EL el
 * in security state ns (ignored at EL3, which is Secure). The access also
 * records (el, ns) as the CPU's current state for signalling. Banked
 * registers accessed at EL3 use the SCR_EL3.NS given by tz_gicv3_set_scr. */
uint64_t tz_gicv3_sysreg_read(struct tz_gicv3 *g, int cpu, int el, bool ns, uint16_t key);
void tz_gicv3_sysreg_write(struct tz_gicv3 *g, int cpu, int el, bool ns, uint16_t key,
                           uint64_t value);
/* Standalone only: the CPU's SCR_EL3 (NS selects banked registers at EL3;
 * IRQ/FIQ decide which accesses would trap to EL3) and its current EL and
 * security state. */
void tz_gicv3_set_scr(struct tz_gicv3 *g, int cpu, uint64_t scr);
void tz_gicv3_set_pe_state(struct tz_gicv3 *g, int cpu, int el, bool ns);

/* An interrupt input: SGIs cannot be driven by a line; PPIs (16..31) are per
 * CPU; SPIs (32..) ignore cpu. Level or edge as GICD_ICFGR/GICR_ICFGR1 say. */
void tz_gicv3_irq_in(struct tz_gicv3 *g, int cpu, int intid, bool level);

/* The level of a CPU's output line (TZ_LINE_IRQ or TZ_LINE_FIQ). */
bool tz_gicv3_line(const struct tz_gicv3 *g, int cpu, enum tz_cpu_line line);

/* Recomputes CPU cpu's IRQ/FIQ outputs for its current exception level and
 * security state. Whether a pending Group 1 interrupt is an IRQ or an FIQ
 * depends on them (4.6), so the machine must call this on every
 * exception entry and exception return of that CPU (after updating c->el
 * and c->ns). Cheap: it does not rescan the interrupts. */
void tz_gicv3_reevaluate(struct tz_gicv3 *g, int cpu);

/* The GICv3 instance of a machine (the state of its "arm,gic-v3" device),
 * or NULL if the machine has none: for the board's exception-model hook
 * (tz_gicv3_reevaluate) and for tests. */
struct tz_gicv3 *tz_gicv3_find(struct tz_machine *m);

/* Number of accesses the model reported as errors (GIC_ERROR) so far. */
uint64_t tz_gicv3_errors(const struct tz_gicv3 *g);

#endif
