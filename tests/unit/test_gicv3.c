/* GICv3 model (models/gic/gicv3.c), register level, standalone instances.
 * Spec: Arm IHI 0069 (GIC v3/v4); messages cite its sections and registers. */
#include <criterion/criterion.h>

#include "models/gic/gicv3.h"

#define NCPU 4
#define S true   /* Secure access */
#define NS false /* Non-secure access */

/* MMIO helpers: distributor (region 0), redistributor frames (region 1). */
static uint32_t dr(struct tz_gicv3 *g, uint64_t off, bool secure)
{
    return (uint32_t)tz_gicv3_mmio_read(g, 0, off, 4, 0, secure);
}
static void dw(struct tz_gicv3 *g, uint64_t off, uint32_t v, bool secure)
{
    tz_gicv3_mmio_write(g, 0, off, 4, 0, secure, v);
}
static uint32_t rr(struct tz_gicv3 *g, int rd, uint64_t off, bool secure)
{
    return (uint32_t)tz_gicv3_mmio_read(g, 1, (uint64_t)rd * GICR_STRIDE + off, 4, rd, secure);
}
static void rw(struct tz_gicv3 *g, int rd, uint64_t off, uint32_t v, bool secure)
{
    tz_gicv3_mmio_write(g, 1, (uint64_t)rd * GICR_STRIDE + off, 4, rd, secure, v);
}
static uint64_t sr(struct tz_gicv3 *g, int cpu, int el, bool ns, uint16_t key)
{
    return tz_gicv3_sysreg_read(g, cpu, el, ns, key);
}
static void sw(struct tz_gicv3 *g, int cpu, int el, bool ns, uint16_t key, uint64_t v)
{
    tz_gicv3_sysreg_write(g, cpu, el, ns, key, v);
}

/* CPU i has MPIDR affinity 0.0.1.i (cluster 1) unless flat. */
static struct tz_gicv3 *gic_new(bool cluster)
{
    struct tz_gicv3_config cfg = {.ncpus = NCPU, .nspis = 256};
    for (int i = 0; i < NCPU; i++)
        cfg.mpidr[i] = (cluster ? 0x100u : 0u) | (unsigned)i;
    struct tz_gicv3 *g = tz_gicv3_new(&cfg);
    cr_assert(g);
    return g;
}

/* What firmware does at EL3 (TF-A's gicv3 driver, roughly): enable the
 * three groups, wake every Redistributor, open PMR and the group enables. */
static void init_el3(struct tz_gicv3 *g)
{
    dw(g, GICD_CTLR, TZ_GICD_CTLR_ENABLE_G0 | TZ_GICD_CTLR_ENABLE_G1NS | TZ_GICD_CTLR_ENABLE_G1S,
       S);
    for (int c = 0; c < NCPU; c++) {
        rw(g, c, GICR_WAKER, 0, S);
        sw(g, c, 3, false, TZ_ICC_PMR_EL1, 0xff);
        sw(g, c, 3, false, TZ_ICC_IGRPEN0_EL1, 1);
        sw(g, c, 3, false, TZ_ICC_IGRPEN1_EL3, 3);
    }
}

static void set_bit(struct tz_gicv3 *g, uint64_t reg, int intid, bool on)
{
    uint64_t off = reg + 4u * (unsigned)(intid / 32);
    uint32_t v = dr(g, off, S), bit = 1u << (intid % 32);
    dw(g, off, on ? v | bit : v & ~bit, S);
}

/* An SPI: group, priority, routed to CPU cpu (IROUTER = its affinity), enabled. */
static void spi(struct tz_gicv3 *g, int intid, enum tz_gicv3_group grp, uint8_t prio,
                uint64_t route)
{
    set_bit(g, GICD_IGROUPR, intid, grp == TZ_GICV3_G1NS);
    set_bit(g, GICD_IGRPMODR, intid, grp == TZ_GICV3_G1S);
    tz_gicv3_mmio_write(g, 0, GICD_IPRIORITYR + (unsigned)intid, 1, 0, S, prio);
    tz_gicv3_mmio_write(g, 0, GICD_IROUTER + 8u * (unsigned)intid, 8, 0, S, route);
    dw(g, GICD_ISENABLER + 4u * (unsigned)(intid / 32), 1u << (intid % 32), S);
}

/* An SGI or PPI of Redistributor cpu. */
static void private_irq(struct tz_gicv3 *g, int cpu, int intid, enum tz_gicv3_group grp,
                        uint8_t prio)
{
    uint32_t bit = 1u << intid;
    uint64_t f = GICR_SGI_BASE;
    uint32_t grpr = rr(g, cpu, f + GICR_IGROUPR0, S), mod = rr(g, cpu, f + GICR_IGRPMODR0, S);
    rw(g, cpu, f + GICR_IGROUPR0, grp == TZ_GICV3_G1NS ? grpr | bit : grpr & ~bit, S);
    rw(g, cpu, f + GICR_IGRPMODR0, grp == TZ_GICV3_G1S ? mod | bit : mod & ~bit, S);
    tz_gicv3_mmio_write(g, 1, (uint64_t)cpu * GICR_STRIDE + f + GICR_IPRIORITYR0 + (unsigned)intid,
                        1, cpu, S, prio);
    rw(g, cpu, f + GICR_ISENABLER0, bit, S);
}

static bool irq(struct tz_gicv3 *g, int cpu) { return tz_gicv3_line(g, cpu, TZ_LINE_IRQ); }
static bool fiq(struct tz_gicv3 *g, int cpu) { return tz_gicv3_line(g, cpu, TZ_LINE_FIQ); }

static bool spi_pending(struct tz_gicv3 *g, int intid)
{
    return dr(g, GICD_ISPENDR + 4u * (unsigned)(intid / 32), S) & (1u << (intid % 32));
}
static bool spi_active(struct tz_gicv3 *g, int intid)
{
    return dr(g, GICD_ISACTIVER + 4u * (unsigned)(intid / 32), S) & (1u << (intid % 32));
}

/* ---- pure helpers ---------------------------------------------------------------- */

Test(gicv3, pure_helpers)
{
    cr_expect_eq(tz_gicv3_group_of(false, false), TZ_GICV3_G0, "4.6: IGROUPR=0 IGRPMODR=0 is Group 0");
    cr_expect_eq(tz_gicv3_group_of(false, true), TZ_GICV3_G1S, "4.6: IGROUPR=0 IGRPMODR=1 is Secure Group 1");
    cr_expect_eq(tz_gicv3_group_of(true, false), TZ_GICV3_G1NS, "4.6: IGROUPR=1 IGRPMODR=0 is Non-secure Group 1");
    cr_expect_eq(tz_gicv3_line_for(TZ_GICV3_G0, 1, true), TZ_LINE_FIQ, "4.6: Group 0 is always FIQ");
    cr_expect_eq(tz_gicv3_line_for(TZ_GICV3_G1NS, 1, true), TZ_LINE_IRQ, "4.6: own-state Group 1 is IRQ");
    cr_expect_eq(tz_gicv3_line_for(TZ_GICV3_G1NS, 1, false), TZ_LINE_FIQ, "4.6: other-state Group 1 is FIQ");
    cr_expect_eq(tz_gicv3_line_for(TZ_GICV3_G1S, 3, false), TZ_LINE_FIQ, "4.6: at EL3 Group 1 is FIQ");
    cr_expect_eq(tz_gicv3_ns_prio_read(tz_gicv3_ns_prio_write(0x40)), 0x40, "4.8: NS priority view round trip");
    cr_expect_eq(tz_gicv3_gprio_mask(2), 0xf8, "4.8: BPR 2 leaves group priority [7:3]");
}

/* ---- identification and configuration ---------------------------------------------- */

Test(gicv3, identification)
{
    struct tz_gicv3 *g = gic_new(false);
    cr_expect_eq((dr(g, GICD_PIDR2, S) >> 4) & 0xf, 3u, "GICD_PIDR2.ArchRev = 3 (GICv3)");
    cr_expect_eq((rr(g, 0, GICR_PIDR2, S) >> 4) & 0xf, 3u, "GICR_PIDR2.ArchRev = 3 (GICv3)");
    uint32_t typer = dr(g, GICD_TYPER, S);
    cr_expect_eq(typer & 0x1f, 8u, "GICD_TYPER.ITLinesNumber: 256 SPIs -> max INTID 32*(8+1)-1");
    cr_expect(typer & (1u << 10), "GICD_TYPER.SecurityExtn = 1: two Security states");
    cr_expect_eq((typer >> 19) & 0x1f, 15u, "GICD_TYPER.IDbits: 16 INTID bits");
    cr_expect_eq(dr(g, GICD_IIDR, S) & 0xfff, 0x43bu, "GICD_IIDR.Implementer");
    dw(g, GICD_TYPER, 0, S);
    cr_expect_eq(dr(g, GICD_TYPER, S), typer, "GICD_TYPER is RO");
    cr_expect_eq(tz_gicv3_errors(g), 1u, "a write to a read-only register is an error");
    cr_expect_eq(dr(g, 0x5000, S), 0u, "reserved Distributor offset is RAZ");
    cr_expect_eq(tz_gicv3_errors(g), 2u, "and reported");
    tz_gicv3_free(g);
}

Test(gicv3, gicd_ctlr_secure_and_nonsecure_views)
{
    struct tz_gicv3 *g = gic_new(false);
    cr_expect_eq(dr(g, GICD_CTLR, S), 0x30u, "GICD_CTLR reset: ARE_S/ARE_NS RAO (no legacy operation)");
    dw(g, GICD_CTLR, 0x47, S); /* EnableGrp0|Grp1NS|Grp1S and DS */
    cr_expect_eq(dr(g, GICD_CTLR, S), 0x37u, "GICD_CTLR (Secure): enables RW, DS RAZ/WI with two Security states");
    cr_expect_eq(dr(g, GICD_CTLR, NS), 0x12u, "GICD_CTLR (Non-secure): EnableGrp1A [1], ARE_NS [4]");
    dw(g, GICD_CTLR, 0x1, NS);
    cr_expect_eq(dr(g, GICD_CTLR, S), 0x35u, "Non-secure write clears EnableGrp1NS only; cannot touch Group 0");
    dw(g, GICD_CTLR, 0x2, NS);
    cr_expect_eq(dr(g, GICD_CTLR, S), 0x37u, "EnableGrp1A is an alias of EnableGrp1NS");
    tz_gicv3_free(g);
}

Test(gicv3, groups_igrpmodr_and_nonsecure_raz_wi)
{
    struct tz_gicv3 *g = gic_new(false);
    /* INTID 32 Group 0, 33 Secure Group 1, 34 Non-secure Group 1. */
    dw(g, GICD_IGROUPR + 4, 1u << 2, S);
    dw(g, GICD_IGRPMODR + 4, 1u << 1, S);
    cr_expect_eq(dr(g, GICD_IGRPMODR + 4, S), 2u, "GICD_IGRPMODR is RW to Secure accesses");
    cr_expect_eq(dr(g, GICD_IGROUPR + 4, NS), 0u, "GICD_IGROUPR is RAZ to Non-secure accesses (DS=0)");
    uint64_t e = tz_gicv3_errors(g);
    dw(g, GICD_IGRPMODR + 4, ~0u, NS);
    cr_expect_eq(dr(g, GICD_IGRPMODR + 4, S), 2u, "GICD_IGRPMODR is WI to Non-secure accesses");
    cr_expect_eq(tz_gicv3_errors(g), e + 1, "a Non-secure access to a Secure-only register is an error");
    dw(g, GICD_ISENABLER + 4, 0x7, NS);
    cr_expect_eq(dr(g, GICD_ISENABLER + 4, S), 0x4u, "Non-secure ISENABLER sets only Non-secure Group 1 enables");
    dw(g, GICD_ISENABLER + 4, 0x3, S);
    cr_expect_eq(dr(g, GICD_ISENABLER + 4, NS), 0x4u, "Secure interrupts' enables are RAZ to Non-secure reads");
    dw(g, GICD_ICENABLER + 4, ~0u, NS);
    cr_expect_eq(dr(g, GICD_ISENABLER + 4, S), 0x3u, "Non-secure ICENABLER cannot disable Secure interrupts");
    cr_expect_eq(dr(g, GICD_IGROUPR, S), 0u, "GICD_IGROUPR0 is RES0 with affinity routing (use GICR_IGROUPR0)");
    tz_gicv3_free(g);
}

Test(gicv3, priority_nonsecure_view)
{
    struct tz_gicv3 *g = gic_new(false);
    dw(g, GICD_IGROUPR + 4, 1u << 2, S);  /* INTID 34 Non-secure Group 1 */
    tz_gicv3_mmio_write(g, 0, GICD_IPRIORITYR + 34, 1, 0, S, 0xa0);
    cr_expect_eq(tz_gicv3_mmio_read(g, 0, GICD_IPRIORITYR + 34, 1, 0, NS), 0x40u,
                 "4.8: Non-secure read of priority 0xa0 is (0xa0 << 1) & 0xff");
    tz_gicv3_mmio_write(g, 0, GICD_IPRIORITYR + 34, 1, 0, NS, 0x60);
    cr_expect_eq(tz_gicv3_mmio_read(g, 0, GICD_IPRIORITYR + 34, 1, 0, S), 0xb0u,
                 "4.8: Non-secure write of 0x60 stores 0x80 | 0x60 >> 1");
    tz_gicv3_mmio_write(g, 0, GICD_IPRIORITYR + 33, 1, 0, NS, 0x10);
    cr_expect_eq(tz_gicv3_mmio_read(g, 0, GICD_IPRIORITYR + 33, 1, 0, S), 0u,
                 "priority of a Secure interrupt is WI to Non-secure accesses");
    dw(g, GICD_IPRIORITYR + 32, 0xffffffff, S);
    cr_expect_eq(dr(g, GICD_IPRIORITYR + 32, S), 0xf8f8f8f8u,
                 "GICD_IPRIORITYR: 5 priority bits implemented (PRIbits = 4), low bits RAZ/WI");
    tz_gicv3_free(g);
}

/* ---- Redistributors ----------------------------------------------------------------- */

Test(gicv3, gicr_typer_affinity_and_last)
{
    struct tz_gicv3 *g = gic_new(true);
    for (int c = 0; c < NCPU; c++) {
        uint64_t t = tz_gicv3_mmio_read(g, 1, (uint64_t)c * GICR_STRIDE + GICR_TYPER, 8, 0, NS);
        cr_expect_eq(t >> 32, 0x100u + (unsigned)c, "GICR_TYPER.Affinity_Value = Aff3.Aff2.Aff1.Aff0 of the CPU");
        cr_expect_eq((t >> 8) & 0xffff, (unsigned)c, "GICR_TYPER.Processor_Number");
        cr_expect_eq((t & TZ_GICR_TYPER_LAST) != 0, c == NCPU - 1, "GICR_TYPER.Last only on the last Redistributor");
        cr_expect_eq(rr(g, c, GICR_TYPER + 4, NS), (uint32_t)(t >> 32), "32-bit read of GICR_TYPER[63:32]");
    }
    uint64_t e = tz_gicv3_errors(g);
    cr_expect_eq(tz_gicv3_mmio_read(g, 1, NCPU * GICR_STRIDE + GICR_TYPER, 4, 0, S), 0u,
                 "beyond the last Redistributor: RAZ");
    cr_expect_eq(tz_gicv3_errors(g), e + 1, "and an error");
    tz_gicv3_free(g);
}

Test(gicv3, gicr_waker_handshake)
{
    struct tz_gicv3 *g = gic_new(false);
    cr_expect_eq(rr(g, 1, GICR_WAKER, S), 0x6u, "GICR_WAKER reset: ProcessorSleep = ChildrenAsleep = 1");
    uint64_t e = tz_gicv3_errors(g);
    rw(g, 1, GICR_WAKER, 0, NS);
    cr_expect_eq(rr(g, 1, GICR_WAKER, S), 0x6u, "GICR_WAKER is Secure-only when DS=0: WI to Non-secure");
    cr_expect_eq(tz_gicv3_errors(g), e + 1, "Non-secure GICR_WAKER access is an error");
    /* A pending Group 0 PPI is not forwarded while the Redistributor sleeps. */
    dw(g, GICD_CTLR, TZ_GICD_CTLR_ENABLE_G0, S);
    sw(g, 1, 3, false, TZ_ICC_PMR_EL1, 0xff);
    sw(g, 1, 3, false, TZ_ICC_IGRPEN0_EL1, 1);
    private_irq(g, 1, 20, TZ_GICV3_G0, 0x40);
    tz_gicv3_irq_in(g, 1, 20, true);
    cr_expect_not(fiq(g, 1), "ProcessorSleep = 1: no interrupt reaches the CPU interface");
    rw(g, 1, GICR_WAKER, 0, S);
    cr_expect_eq(rr(g, 1, GICR_WAKER, S), 0u, "ProcessorSleep = 0 -> ChildrenAsleep reads 0");
    cr_expect(fiq(g, 1), "awake: the pending Group 0 PPI is signalled as FIQ");
    tz_gicv3_free(g);
}

/* ---- acknowledge by security state, special INTIDs ----------------------------------- */

Test(gicv3, iar_by_security_state)
{
    struct tz_gicv3 *g = gic_new(false);
    init_el3(g);
    spi(g, 40, TZ_GICV3_G1NS, 0x80, 0);
    tz_gicv3_irq_in(g, 0, 40, true);
    cr_expect_eq(sr(g, 0, 1, false, TZ_ICC_HPPIR1_EL1), 1023u, "Secure EL1 HPPIR1: a Non-secure Group 1 interrupt is not observable (1023)");
    cr_expect_eq(sr(g, 0, 1, false, TZ_ICC_IAR1_EL1), 1023u, "Secure EL1 IAR1 does not acknowledge Non-secure Group 1");
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_IAR0_EL1), 1023u, "Non-secure IAR0: Group 0 is Secure (1023)");
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_IAR1_EL1), 40u, "Non-secure EL1 IAR1 acknowledges Non-secure Group 1");
    cr_expect(spi_active(g, 40), "acknowledged: active");
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_RPR_EL1), 0x80u, "ICC_RPR_EL1 = the acknowledged group priority");

    spi(g, 41, TZ_GICV3_G1S, 0x20, 0);
    tz_gicv3_irq_in(g, 0, 41, true);
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_IAR1_EL1), 1023u, "Non-secure IAR1 does not acknowledge Secure Group 1");
    cr_expect_eq(sr(g, 0, 1, false, TZ_ICC_IAR1_EL1), 41u, "Secure EL1 IAR1 acknowledges Secure Group 1");

    spi(g, 42, TZ_GICV3_G0, 0x10, 0);
    tz_gicv3_irq_in(g, 0, 42, true);
    cr_expect_eq(sr(g, 0, 1, false, TZ_ICC_IAR1_EL1), 1023u, "IAR1 never acknowledges Group 0");
    cr_expect_eq(sr(g, 0, 1, false, TZ_ICC_IAR0_EL1), 42u, "Secure IAR0 acknowledges Group 0");
    cr_expect_eq(sr(g, 0, 1, false, TZ_ICC_IAR0_EL1), 1023u, "nothing else pending: spurious (2.2.1)");
    tz_gicv3_free(g);
}

Test(gicv3, special_intids_at_el3)
{
    struct tz_gicv3 *g = gic_new(false);
    init_el3(g);
    spi(g, 50, TZ_GICV3_G1S, 0x40, 0);
    tz_gicv3_irq_in(g, 0, 50, true);
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_HPPIR0_EL1), 1020u, "2.2.1: EL3 HPPIR0 with Secure Group 1 pending -> 1020");
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_IAR0_EL1), 1020u, "2.2.1: EL3 IAR0 with Secure Group 1 pending -> 1020");
    cr_expect(spi_pending(g, 50) && !spi_active(g, 50), "1020 acknowledges nothing");
    tz_gicv3_irq_in(g, 0, 50, false);
    spi(g, 51, TZ_GICV3_G1NS, 0x40, 0);
    tz_gicv3_irq_in(g, 0, 51, true);
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_IAR0_EL1), 1021u, "2.2.1: EL3 IAR0 with Non-secure Group 1 pending -> 1021");
    cr_expect_eq(sr(g, 0, 1, false, TZ_ICC_HPPIR0_EL1), 1023u, "1020/1021 only at EL3: Secure EL1 sees 1023");
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_IAR1_EL1), 51u, "EL3 IAR1 acknowledges Group 1 of either state");
    tz_gicv3_free(g);
}

/* ---- signalling ------------------------------------------------------------------------ */

Test(gicv3, irq_fiq_by_security_state_and_el3)
{
    struct tz_gicv3 *g = gic_new(false);
    init_el3(g);
    spi(g, 60, TZ_GICV3_G1NS, 0x80, 0);
    tz_gicv3_irq_in(g, 0, 60, true);
    tz_gicv3_set_pe_state(g, 0, 1, true);
    cr_expect(irq(g, 0) && !fiq(g, 0), "4.6: Non-secure Group 1 at Non-secure EL1 -> IRQ");
    tz_gicv3_set_pe_state(g, 0, 1, false);
    cr_expect(fiq(g, 0) && !irq(g, 0), "4.6: Non-secure Group 1 at Secure EL1 -> FIQ");
    tz_gicv3_set_pe_state(g, 0, 3, false);
    cr_expect(fiq(g, 0) && !irq(g, 0), "4.6: any Group 1 at EL3 -> FIQ");
    tz_gicv3_irq_in(g, 0, 60, false);
    cr_expect(!fiq(g, 0) && !irq(g, 0), "level-sensitive input dropped: nothing signalled");

    spi(g, 61, TZ_GICV3_G1S, 0x80, 0);
    tz_gicv3_irq_in(g, 0, 61, true);
    tz_gicv3_set_pe_state(g, 0, 1, false);
    cr_expect(irq(g, 0), "4.6: Secure Group 1 at Secure EL1 -> IRQ");
    tz_gicv3_set_pe_state(g, 0, 1, true);
    cr_expect(fiq(g, 0), "4.6: Secure Group 1 at Non-secure EL1 -> FIQ");
    tz_gicv3_irq_in(g, 0, 61, false);

    spi(g, 62, TZ_GICV3_G0, 0x80, 0);
    tz_gicv3_irq_in(g, 0, 62, true);
    cr_expect(fiq(g, 0) && !irq(g, 0), "4.6: Group 0 -> FIQ (Non-secure EL1)");
    tz_gicv3_set_pe_state(g, 0, 1, false);
    cr_expect(fiq(g, 0), "4.6: Group 0 -> FIQ (Secure EL1)");
    cr_expect_not(fiq(g, 1) || irq(g, 1), "routed to CPU 0 only");
    tz_gicv3_free(g);
}

/* ---- priority drop, deactivation, EOImode ---------------------------------------------- */

Test(gicv3, eoi_and_dir_with_eoimode)
{
    struct tz_gicv3 *g = gic_new(false);
    init_el3(g);
    spi(g, 70, TZ_GICV3_G1NS, 0x80, 0);
    dw(g, GICD_ICFGR + 4 * (70 / 16), 2u << (2 * (70 % 16)), S); /* edge-triggered */
    tz_gicv3_irq_in(g, 0, 70, true);
    tz_gicv3_irq_in(g, 0, 70, false);
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_IAR1_EL1), 70u, "acknowledge");
    sw(g, 0, 1, true, TZ_ICC_EOIR1_EL1, 70);
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_RPR_EL1), 0xffu, "EOImode 0: EOIR drops the priority (idle)");
    cr_expect_not(spi_active(g, 70), "EOImode 0: EOIR also deactivates");

    sw(g, 0, 1, true, TZ_ICC_CTLR_EL1, TZ_ICC_CTLR_EL1_EOIMODE);
    cr_expect_eq(sr(g, 0, 1, false, TZ_ICC_CTLR_EL1) & 2, 0u, "ICC_CTLR_EL1.EOImode is banked: Secure copy unchanged");
    cr_expect(sr(g, 0, 3, false, TZ_ICC_CTLR_EL3) & TZ_ICC_CTLR_EL3_EOIMODE_EL1NS, "alias of ICC_CTLR_EL3.EOImode_EL1NS");
    tz_gicv3_irq_in(g, 0, 70, true);
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_IAR1_EL1), 70u, "acknowledge again");
    sw(g, 0, 1, true, TZ_ICC_EOIR1_EL1, 70);
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_RPR_EL1), 0xffu, "EOImode 1: EOIR is the priority drop");
    cr_expect(spi_active(g, 70), "EOImode 1: still active after EOIR");
    sw(g, 0, 1, true, TZ_ICC_DIR_EL1, 70);
    cr_expect_not(spi_active(g, 70), "EOImode 1: ICC_DIR_EL1 deactivates");
    uint64_t e = tz_gicv3_errors(g);
    sw(g, 0, 1, true, TZ_ICC_DIR_EL1, 70);
    cr_expect_eq(tz_gicv3_errors(g), e + 1, "deactivating an interrupt that is not active is an error");
    sw(g, 0, 1, true, TZ_ICC_EOIR1_EL1, 70);
    cr_expect_eq(tz_gicv3_errors(g), e + 2, "EOI with no active priority is an error");
    tz_gicv3_free(g);
}

/* ---- preemption, running priority, binary points, PMR ----------------------------------- */

Test(gicv3, preemption_and_running_priority)
{
    struct tz_gicv3 *g = gic_new(false);
    init_el3(g);
    spi(g, 80, TZ_GICV3_G0, 0x80, 0);
    spi(g, 81, TZ_GICV3_G0, 0x40, 0);
    spi(g, 82, TZ_GICV3_G0, 0x88, 0);
    tz_gicv3_irq_in(g, 0, 80, true);
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_IAR0_EL1), 80u, "acknowledge priority 0x80");
    tz_gicv3_irq_in(g, 0, 80, false);
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_RPR_EL1), 0x80u, "running priority 0x80");
    tz_gicv3_irq_in(g, 0, 82, true);
    cr_expect_not(fiq(g, 0), "4.8: priority 0x88 does not preempt running priority 0x80");
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_IAR0_EL1), 1023u, "not of sufficient priority: 1023");
    tz_gicv3_irq_in(g, 0, 81, true);
    cr_expect(fiq(g, 0), "4.8: priority 0x40 preempts running priority 0x80");
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_IAR0_EL1), 81u, "nested acknowledge");
    tz_gicv3_irq_in(g, 0, 81, false);
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_RPR_EL1), 0x40u, "running priority 0x40");
    sw(g, 0, 3, false, TZ_ICC_EOIR0_EL1, 81);
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_RPR_EL1), 0x80u, "EOI drops back to the preempted priority");
    sw(g, 0, 3, false, TZ_ICC_EOIR0_EL1, 80);
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_RPR_EL1), 0xffu, "idle priority");
    cr_expect(fiq(g, 0), "idle again: the 0x88 interrupt is signalled");
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_HPPIR0_EL1), 82u, "and is the highest priority pending");

    sw(g, 0, 3, false, TZ_ICC_BPR0_EL1, 0);
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_BPR0_EL1), 2u, "ICC_BPR0_EL1 minimum is 2 with 5 priority bits");
    sw(g, 0, 1, true, TZ_ICC_BPR1_EL1, 0);
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_BPR1_EL1), 3u, "Non-secure ICC_BPR1_EL1 minimum is BPR0 minimum + 1");
    sw(g, 0, 1, true, TZ_ICC_CTLR_EL1, TZ_ICC_CTLR_EL1_CBPR);
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_BPR1_EL1), 3u, "CBPR: Non-secure BPR1 reads BPR0 + 1");
    tz_gicv3_free(g);
}

Test(gicv3, binary_point_groups_preemption)
{
    struct tz_gicv3 *g = gic_new(false);
    init_el3(g);
    sw(g, 0, 3, false, TZ_ICC_BPR0_EL1, 4); /* group priority [7:5] */
    spi(g, 90, TZ_GICV3_G0, 0x88, 0);
    spi(g, 91, TZ_GICV3_G0, 0x70, 0);
    spi(g, 92, TZ_GICV3_G0, 0x80, 0);
    tz_gicv3_irq_in(g, 0, 90, true);
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_IAR0_EL1), 90u, "acknowledge 0x88");
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_RPR_EL1), 0x80u, "4.8: running priority is the group priority 0x88 & 0xe0");
    tz_gicv3_irq_in(g, 0, 92, true);
    cr_expect_not(fiq(g, 0), "4.8: 0x80 has the same group priority: no preemption");
    tz_gicv3_irq_in(g, 0, 91, true);
    cr_expect(fiq(g, 0), "4.8: 0x70 has group priority 0x60 < 0x80: preempts");

    /* Non-secure Group 1 uses ICC_BPR1_EL1 minus one (GroupBits()): BPR1 4
     * gives group priority [7:4], not [7:5]. */
    sw(g, 1, 1, true, TZ_ICC_BPR1_EL1, 4);
    spi(g, 93, TZ_GICV3_G1NS, 0x90, 1);
    spi(g, 94, TZ_GICV3_G1NS, 0x80, 1);
    tz_gicv3_irq_in(g, 0, 93, true);
    cr_expect_eq(sr(g, 1, 1, true, TZ_ICC_IAR1_EL1), 93u, "acknowledge 0x90 on CPU 1");
    cr_expect_eq(sr(g, 1, 1, true, TZ_ICC_RPR_EL1), 0x90u, "4.8: Non-secure BPR1 4 -> group priority 0x90 & 0xf0");
    tz_gicv3_irq_in(g, 0, 94, true);
    cr_expect(irq(g, 1), "4.8: 0x80 preempts 0x90 with group priority bits [7:4]");
    tz_gicv3_free(g);
}

Test(gicv3, pmr_mask_and_nonsecure_view)
{
    struct tz_gicv3 *g = gic_new(false);
    init_el3(g);
    sw(g, 0, 3, false, TZ_ICC_PMR_EL1, 0x80);
    spi(g, 100, TZ_GICV3_G0, 0x80, 0);
    tz_gicv3_irq_in(g, 0, 100, true);
    cr_expect_not(fiq(g, 0), "ICC_PMR_EL1: priority 0x80 is not higher than the mask 0x80");
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_HPPIR0_EL1), 100u, "HPPIR ignores the priority mask");
    sw(g, 0, 3, false, TZ_ICC_PMR_EL1, 0x88);
    cr_expect(fiq(g, 0), "mask 0x88 lets priority 0x80 through");

    tz_gicv3_set_scr(g, 0, 1u << 2); /* SCR_EL3.FIQ: Group 0 routed to EL3 */
    sw(g, 0, 3, false, TZ_ICC_PMR_EL1, 0xf8);
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_PMR_EL1), 0xf0u, "4.8: Non-secure view of PMR 0xf8 is 0xf0");
    sw(g, 0, 1, true, TZ_ICC_PMR_EL1, 0x60);
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_PMR_EL1), 0xb0u, "4.8: Non-secure PMR write 0x60 stores 0xb0");
    sw(g, 0, 3, false, TZ_ICC_PMR_EL1, 0x40);
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_PMR_EL1), 0u, "a Secure-range mask reads 0 to Non-secure");
    sw(g, 0, 1, true, TZ_ICC_PMR_EL1, 0xf0);
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_PMR_EL1), 0x40u, "and cannot be changed by Non-secure");
    tz_gicv3_free(g);
}

/* ---- routing ------------------------------------------------------------------------------- */

Test(gicv3, spi_affinity_routing_irouter)
{
    struct tz_gicv3 *g = gic_new(true);
    init_el3(g);
    for (int c = 0; c < NCPU; c++)
        tz_gicv3_set_pe_state(g, c, 1, true);
    spi(g, 110, TZ_GICV3_G1NS, 0x80, 0x102); /* Aff1 = 1, Aff0 = 2 */
    tz_gicv3_irq_in(g, 0, 110, true);
    cr_expect(irq(g, 2), "IROUTER Aff1.Aff0 = 1.2 routes the SPI to CPU 2");
    cr_expect(!irq(g, 0) && !irq(g, 1) && !irq(g, 3), "and to no other CPU");
    tz_gicv3_mmio_write(g, 0, GICD_IROUTER + 8 * 110, 4, 0, NS, 0x103);
    cr_expect_eq(tz_gicv3_mmio_read(g, 0, GICD_IROUTER + 8 * 110, 8, 0, NS), 0x103u,
                 "Non-secure may route a Non-secure Group 1 SPI (32-bit access to the low half)");
    cr_expect(irq(g, 3) && !irq(g, 2), "re-routed to CPU 3");
    tz_gicv3_mmio_write(g, 0, GICD_IROUTER + 8 * 110, 8, 0, S, 1ull << 31);
    cr_expect(irq(g, 0), "Interrupt_Routing_Mode = 1 (1 of N): the lowest participating CPU");
    sw(g, 0, 3, false, TZ_ICC_IGRPEN1_EL3, 2); /* CPU 0 stops taking Non-secure Group 1 */
    tz_gicv3_set_pe_state(g, 0, 1, true);
    cr_expect(irq(g, 1) && !irq(g, 0), "1 of N moves to the next participating CPU");
    spi(g, 111, TZ_GICV3_G0, 0x80, 0x101);
    cr_expect_eq(tz_gicv3_mmio_read(g, 0, GICD_IROUTER + 8 * 111, 8, 0, NS), 0u,
                 "IROUTER of a Secure SPI is RAZ to Non-secure accesses");
    tz_gicv3_mmio_write(g, 0, GICD_IROUTER + 8 * 111, 8, 0, NS, 0x103);
    cr_expect_eq(tz_gicv3_mmio_read(g, 0, GICD_IROUTER + 8 * 111, 8, 0, S), 0x101u,
                 "and WI to them");
    tz_gicv3_free(g);
}

Test(gicv3, sgi_generation_target_lists)
{
    struct tz_gicv3 *g = gic_new(true);
    init_el3(g);
    for (int c = 0; c < NCPU; c++)
        private_irq(g, c, 5, TZ_GICV3_G1NS, 0x80);
    /* CPU 0 at Non-secure EL1 sends SGI 5 to Aff1 = 1, target list {2}. */
    sw(g, 0, 1, true, TZ_ICC_SGI1R_EL1, tz_gicv3_sgir(5, 0, 0, 1, 1u << 2, false));
    cr_expect(rr(g, 2, GICR_SGI_BASE + GICR_ISPENDR0, S) & (1u << 5), "ICC_SGI1R_EL1 target list: CPU 2 has SGI 5 pending");
    cr_expect_not(rr(g, 1, GICR_SGI_BASE + GICR_ISPENDR0, S) & (1u << 5), "CPU 1 was not in the target list");
    tz_gicv3_set_pe_state(g, 2, 1, true);
    cr_expect(irq(g, 2), "the SGI is signalled to CPU 2 as IRQ");
    cr_expect_eq(sr(g, 2, 1, true, TZ_ICC_IAR1_EL1), 5u, "CPU 2 acknowledges SGI 5");
    sw(g, 0, 1, true, TZ_ICC_SGI1R_EL1, tz_gicv3_sgir(5, 0, 0, 2, 1u << 2, false));
    cr_expect_not(rr(g, 2, GICR_SGI_BASE + GICR_ISPENDR0, S) & (1u << 5), "wrong Aff1: no target");
    sw(g, 0, 1, true, TZ_ICC_SGI1R_EL1, tz_gicv3_sgir(5, 0, 0, 0, 0, true));
    cr_expect_not(rr(g, 0, GICR_SGI_BASE + GICR_ISPENDR0, S) & (1u << 5), "IRM = 1: not the sender");
    cr_expect(rr(g, 1, GICR_SGI_BASE + GICR_ISPENDR0, S) & (1u << 5) &&
              rr(g, 3, GICR_SGI_BASE + GICR_ISPENDR0, S) & (1u << 5), "IRM = 1: every other PE");
    tz_gicv3_free(g);
}

Test(gicv3, sgi_groups_and_nsacr)
{
    struct tz_gicv3 *g = gic_new(false);
    init_el3(g);
    private_irq(g, 1, 7, TZ_GICV3_G0, 0x80);
    private_irq(g, 1, 8, TZ_GICV3_G1S, 0x80);
    uint64_t sgi7 = tz_gicv3_sgir(7, 0, 0, 0, 1u << 1, false);
    uint64_t sgi8 = tz_gicv3_sgir(8, 0, 0, 0, 1u << 1, false);
#define PEND1(i) (rr(g, 1, GICR_SGI_BASE + GICR_ISPENDR0, S) & (1u << (i)))
    sw(g, 0, 1, true, TZ_ICC_SGI1R_EL1, sgi7);
    cr_expect_not(PEND1(7), "Non-secure ICC_SGI1R_EL1 does not generate a Group 0 SGI");
    sw(g, 0, 1, true, TZ_ICC_SGI0R_EL1, sgi7);
    cr_expect_not(PEND1(7), "Non-secure ICC_SGI0R_EL1 with GICR_NSACR = 0: not forwarded");
    rw(g, 1, GICR_SGI_BASE + GICR_NSACR, 1u << (2 * 7), S);
    sw(g, 0, 1, true, TZ_ICC_SGI0R_EL1, sgi7);
    cr_expect(PEND1(7), "GICR_NSACR = 0b01 lets Non-secure generate the Group 0 SGI");
    sw(g, 0, 1, false, TZ_ICC_SGI0R_EL1, sgi7);
    cr_expect_eq(sr(g, 1, 3, false, TZ_ICC_IAR0_EL1), 7u, "Group 0 SGI acknowledged at EL3");
    sw(g, 0, 1, true, TZ_ICC_ASGI1R_EL1, sgi8);
    cr_expect_not(PEND1(8), "Non-secure ICC_ASGI1R_EL1 needs GICR_NSACR = 0b10 for Secure Group 1");
    sw(g, 0, 1, false, TZ_ICC_SGI1R_EL1, sgi8);
    cr_expect(PEND1(8), "Secure ICC_SGI1R_EL1 generates a Secure Group 1 SGI");
    cr_expect_eq(rr(g, 1, GICR_SGI_BASE + GICR_NSACR, NS), 0u, "GICR_NSACR is RAZ to Non-secure");
#undef PEND1
    tz_gicv3_free(g);
}

/* ---- edge and level --------------------------------------------------------------------------- */

Test(gicv3, edge_versus_level)
{
    struct tz_gicv3 *g = gic_new(false);
    init_el3(g);
    cr_expect_eq(rr(g, 0, GICR_SGI_BASE + GICR_ICFGR0, S), 0xaaaaaaaau, "GICR_ICFGR0: SGIs are edge-triggered (RO)");
    spi(g, 120, TZ_GICV3_G1NS, 0x80, 0);
    tz_gicv3_irq_in(g, 0, 120, true);
    dw(g, GICD_ICPENDR + 4 * (120 / 32), 1u << (120 % 32), S);
    cr_expect(spi_pending(g, 120), "level-sensitive: ICPENDR does not clear a pending state the line holds");
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_IAR1_EL1), 120u, "acknowledge");
    cr_expect(spi_pending(g, 120) && spi_active(g, 120), "level still high: active and pending");
    tz_gicv3_irq_in(g, 0, 120, false);
    cr_expect_not(spi_pending(g, 120), "line low: no longer pending");
    sw(g, 0, 1, true, TZ_ICC_EOIR1_EL1, 120);

    dw(g, GICD_ICFGR + 4 * (121 / 16), 2u << (2 * (121 % 16)), S);
    cr_expect_eq(dr(g, GICD_ICFGR + 4 * (121 / 16), S) >> (2 * (121 % 16)) & 3, 2u, "GICD_ICFGR Int_config[1] = 1: edge");
    spi(g, 121, TZ_GICV3_G1NS, 0x80, 0);
    tz_gicv3_irq_in(g, 0, 121, true);
    tz_gicv3_irq_in(g, 0, 121, false);
    cr_expect(spi_pending(g, 121), "edge-triggered: the rising edge latches pending");
    dw(g, GICD_ICPENDR + 4 * (121 / 32), 1u << (121 % 32), S);
    cr_expect_not(spi_pending(g, 121), "ICPENDR clears an edge-triggered pending state");
    tz_gicv3_free(g);
}

/* ---- CPU interface registers ------------------------------------------------------------------ */

Test(gicv3, cpu_interface_registers)
{
    struct tz_gicv3 *g = gic_new(false);
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_SRE_EL3), 0xfu, "ICC_SRE_EL3: SRE/DFB/DIB/Enable RAO/WI");
    sw(g, 0, 1, true, TZ_ICC_SRE_EL1, 0);
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_SRE_EL1), 0x7u, "ICC_SRE_EL1.SRE is RAO/WI (no legacy operation)");
    uint64_t c3 = sr(g, 0, 3, false, TZ_ICC_CTLR_EL3);
    cr_expect(c3 & (1u << 17), "ICC_CTLR_EL3.nDS = 1");
    cr_expect_eq((c3 >> 8) & 7, 4u, "ICC_CTLR_EL3.PRIbits = 4 (5 bits)");
    sw(g, 0, 1, true, TZ_ICC_IGRPEN1_EL1, 1);
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_IGRPEN1_EL3), 1u, "Non-secure ICC_IGRPEN1_EL1 aliases EnableGrp1NS");
    cr_expect_eq(sr(g, 0, 1, false, TZ_ICC_IGRPEN1_EL1), 0u, "ICC_IGRPEN1_EL1 is banked: Secure copy still 0");
    tz_gicv3_set_scr(g, 0, 1); /* SCR_EL3.NS */
    cr_expect_eq(sr(g, 0, 3, false, TZ_ICC_IGRPEN1_EL1), 1u, "at EL3 SCR_EL3.NS selects the Non-secure copy");
    uint64_t e = tz_gicv3_errors(g);
    cr_expect_eq(sr(g, 0, 1, false, TZ_ICC_SRE_EL3), 0u, "ICC_SRE_EL3 below EL3 is UNDEFINED: RAZ");
    cr_expect_eq(tz_gicv3_errors(g), e + 1, "and an error");
    tz_gicv3_set_scr(g, 0, 1u << 2); /* SCR_EL3.FIQ */
    cr_expect_eq(sr(g, 0, 1, true, TZ_ICC_IAR0_EL1), 0u, "IAR0 at EL1 with SCR_EL3.FIQ = 1 traps to EL3: RAZ");
    cr_expect_eq(tz_gicv3_errors(g), e + 2, "and an error");
    tz_gicv3_free(g);
}

/* ---- inside a machine: the board, the trace, and real MRS/MSR ------------------------------ */

#include <stdio.h>
#include <stdlib.h>
#include <unicorn/unicorn.h>

#include "models/registry.h"
#include "sim/loader.h"
#include "sim/machine.h"
#include "traces/trace.h"

/* EL3 code at 0x40000000, MMU off: the ICC_ registers through Unicorn's
 * MRS/MSR hook (Unicorn does not know them: the hook serves them and
 * advances the PC). */
static const uint32_t guest[] = {
    0xd53ecca0, /* mrs x0, ICC_SRE_EL3 */
    0xd2801e01, /* mov x1, #0xf0 */
    0xd5184601, /* msr ICC_PMR_EL1, x1 */
    0xd5384602, /* mrs x2, ICC_PMR_EL1 */
    0xd2800023, /* mov x3, #1 */
    0xd518ccc3, /* msr ICC_IGRPEN0_EL1, x3 */
    0xd538c804, /* mrs x4, ICC_IAR0_EL1 */
    0xd538cb65, /* mrs x5, ICC_RPR_EL1 */
    0xd518c824, /* msr ICC_EOIR0_EL1, x4 */
    0xd538cb66, /* mrs x6, ICC_RPR_EL1 */
    0x14000000, /* b . */
};

static uint64_t xreg(struct tz_cpu *c, int n)
{
    uint64_t v = 0;
    uc_reg_read(c->uc, UC_ARM64_REG_X0 + n, &v);
    return v;
}

Test(gicv3_machine, qemu_virt_gicv3_board)
{
    cr_expect_eq(tz_model_find("arm,gic-v3"), &tz_gicv3_ops, "registered for compatible arm,gic-v3");
    const char *dir = getenv("TZSIM_PLATFORM_DIR"), *tmp = getenv("TZSIM_TMP");
    cr_assert(dir && tmp, "run through ctest (TZSIM_PLATFORM_DIR, TZSIM_TMP)");
    char path[1024], code[1024];
    snprintf(path, sizeof path, "%s/qemu-virt-gicv3.dtb", dir);
    snprintf(code, sizeof code, "%s/test_gicv3_guest.bin", tmp);
    FILE *f = fopen(code, "wb");
    cr_assert(f);
    cr_assert_eq(fwrite(guest, sizeof guest, 1, f), 1u);
    fclose(f);

    struct tz_error err;
    struct tz_platform *p;
    cr_assert_eq(tz_platform_load(path, &p, &err), 0, "%s", err.msg);
    struct tz_trace *t;
    cr_assert_eq(tz_trace_open(&t, NULL, &err), 0, "%s", err.msg);
    struct tz_run_info info = {.scenario = "test_gicv3", .scenario_sha256 = "",
                               .platform = "qemu-virt-gicv3", .ncpus = 2, .quantum = 1000};
    int64_t run;
    cr_assert_eq(tz_trace_run_begin(t, &info, &run), 0);
    struct tz_machine_config cfg = {.platform = p, .ncpus = 2, .quantum = 1000, .cpi = 1,
                                    .cpu_hz = 1000000000, .max_insns = 1000000, .cpu_model = 0,
                                    .trace = t};
    struct tz_machine *m;
    cr_assert_eq(tz_machine_create(&cfg, &m, &err), 0, "%s", err.msg);
    struct tz_gicv3 *g = tz_gicv3_find(m);
    cr_assert_not_null(g, "the machine created its GICv3 from the DTB");
    uint64_t t1 = tz_gicv3_mmio_read(g, 1, GICR_STRIDE + GICR_TYPER, 8, 0, S);
    cr_expect(t1 & TZ_GICR_TYPER_LAST, "two CPUs: Redistributor 1 is the last");
    cr_expect_eq(t1 >> 32, 1u, "its affinity is CPU 1's MPIDR (DT reg 1)");

    /* PPI 29 (secure physical timer) as a pending Group 0 interrupt of CPU 0. */
    tz_gicv3_mmio_write(g, 0, GICD_CTLR, 4, 0, S, TZ_GICD_CTLR_ENABLE_G0 | TZ_GICD_CTLR_ENABLE_G1NS);
    tz_gicv3_mmio_write(g, 1, GICR_WAKER, 4, 0, S, 0);
    tz_gicv3_mmio_write(g, 1, GICR_SGI_BASE + GICR_IPRIORITYR0 + 29, 1, 0, S, 0x40);
    tz_gicv3_mmio_write(g, 1, GICR_SGI_BASE + GICR_ISENABLER0, 4, 0, S, 1u << 29);
    tz_gicv3_mmio_write(g, 1, GICR_SGI_BASE + GICR_ISPENDR0, 4, 0, S, 1u << 29);

    struct tz_image *img;
    cr_assert_eq(tz_image_load(code, TZ_IMAGE_RAW, true, 0x40000000, &img, &err), 0, "%s", err.msg);
    cr_assert_eq(tz_machine_load_image(m, img, &err), 0, "%s", err.msg);
    tz_machine_reset(m, 0x40000000);
    struct tz_run_limits lim = {.insns = 10};
    tz_machine_run(m, &lim);
    struct tz_cpu *c = tz_machine_cpu(m, 0);
    cr_expect_eq(xreg(c, 0), 0xfu, "MRS ICC_SRE_EL3 served by the model");
    cr_expect_eq(xreg(c, 2), 0xf0u, "MSR/MRS ICC_PMR_EL1");
    cr_expect_eq(xreg(c, 4), 29u, "MRS ICC_IAR0_EL1 acknowledges PPI 29");
    cr_expect_eq(xreg(c, 5), 0x40u, "ICC_RPR_EL1 = its priority");
    cr_expect_eq(xreg(c, 6), 0xffu, "after MSR ICC_EOIR0_EL1: idle");
    uint64_t pc = 0;
    uc_reg_read(c->uc, UC_ARM64_REG_PC, &pc);
    cr_expect_eq(pc, 0x40000028u, "the hook advanced the PC past each ICC_ access");
    cr_expect_eq(tz_trace_count(t, TZ_EV_GIC_PENDING), 1u);
    cr_expect_eq(tz_trace_count(t, TZ_EV_GIC_ACK), 1u);
    cr_expect_eq(tz_trace_count(t, TZ_EV_GIC_EOI), 1u);
    cr_expect_eq(tz_trace_count(t, TZ_EV_GIC_DEACTIVATE), 1u);
    cr_expect_eq(tz_trace_count(t, TZ_EV_GIC_OUTPUT), 2u, "FIQ up (IGRPEN0 set), FIQ down (IAR0)");
    cr_expect_eq(tz_trace_count(t, TZ_EV_GIC_ERROR), 0u);

    /* The board wired the outputs to the CPUs' inputs; the IRQ/FIQ choice
     * follows the CPU's state through tz_gicv3_reevaluate. */
    const struct tz_sysreg_ops *en1 = tz_sysreg_lookup(tz_machine_sysregs(m), TZ_ICC_IGRPEN1_EL3);
    cr_assert_not_null(en1);
    en1->write(en1->opaque, c, 3);
    tz_gicv3_mmio_write(g, 0, GICD_IGROUPR + 4, 4, 0, S, 1u << 8);       /* INTID 40: Non-secure Group 1 */
    tz_gicv3_mmio_write(g, 0, GICD_IPRIORITYR + 40, 1, 0, S, 0x80);
    tz_gicv3_mmio_write(g, 0, GICD_ISENABLER + 4, 4, 0, S, 1u << 8);
    tz_gicv3_ops.irq_in(g, TZ_INTC_IN(0, 40), true);                      /* the secure UART's SPI */
    cr_expect(c->line[TZ_LINE_FIQ] && !c->line[TZ_LINE_IRQ], "at EL3 a Non-secure Group 1 SPI is an FIQ");
    c->el = 1;
    c->ns = true;
    tz_gicv3_reevaluate(g, 0);
    cr_expect(c->line[TZ_LINE_IRQ] && !c->line[TZ_LINE_FIQ], "re-evaluated at Non-secure EL1: IRQ");
    tz_gicv3_mmio_write(g, 0, 0x5000, 4, 0, NS, 1);
    cr_expect_eq(tz_trace_count(t, TZ_EV_GIC_ERROR), 1u, "reserved offset: GIC_ERROR in the trace");

    tz_machine_destroy(m);
    tz_trace_close(t, NULL);
    tz_platform_free(p);
}
