/* SPDX-License-Identifier: MIT */
/*
 * The normal world's side of the interrupt flows, shared by nsel1-irq.elf
 * and nsel1-irq-smp.elf: a small GIC driver (the part a rich OS owns: its
 * Group 1 enables, priority mask, its interrupts' configuration and
 * routing) and the IRQ handler.
 *
 * Interrupts of the normal world are Group 1 and arrive at NS-EL1 as IRQs
 * (SCR_EL3.IRQ = 0). Secure interrupts never reach this world: while it
 * runs they are FIQs routed to EL3 (SCR_EL3.FIQ = 1); an FIQ here is a bug.
 */
#include "nsel1_irq.h"

const uintptr_t tzt_console_base = TZT_UART0_BASE;
const char tzt_image_name[] = "nsel1-irq";

struct ns_irq_log ns_irq_log[TZT_MAX_CORES];

#define GICD(off)   (TZT_GICD_BASE + (off))
#define GICC(off)   (TZT_GICC_BASE + (off))

static unsigned gic_ver;  /* set by the first ns_irq_setup */

const char *ns_who(void)
{
    static char names[TZT_MAX_CORES][16];
    unsigned core = tzt_core_index();
    if (core == 0)
        return "nsel1-irq";
    char *n = names[core % TZT_MAX_CORES];
    memcpy(n, "nsel1-irq[?]", 13);
    n[10] = (char)('0' + core % 10);
    return n;
}

void ns_fail(const char *what)
{
    tzt_printf("%s: FAILED: %s\n", ns_who(), what);
    tzt_smc(PSCI_SYSTEM_OFF, 0, 0, 0, 0);
    for (;;)
        wfi();
}

unsigned ns_irq_setup(void)
{
    write_sysreg(vbar_el1, (u64)(uintptr_t)tzt_el1_irq_vectors);
    isb();
    struct tzt_smc_res r = tzt_smc(TZT_FID_IRQ_SETUP, 0, 0, 0, 0);
    unsigned ver = tzt_gic_version();
    if (r.x0 != 0 || r.x1 != ver) {
        tzt_printf("%s: FAILED: IRQ_SETUP returned x0=0x%lx x1=0x%lx, GIC version here %u\n",
                   ns_who(), r.x0, r.x1, ver);
        return 0;
    }
    gic_ver = ver;
    u32 mine = (1u << TZT_PPI_NS_TIMER) | (1u << TZT_SGI_NS) | (1u << TZT_SGI_NS_STOP);
    if (ver == 2) {
        /* Non-secure views: GICD_CTLR/GICC_CTLR bit 0 is EnableGrp1. SGIs
         * are always enabled on a GIC-400. */
        mmio_write32(GICD(GICD_CTLR), mmio_read32(GICD(GICD_CTLR)) | GICD_CTLR_V2_NS_ENABLE);
        mmio_write32(GICD(GICD_ISENABLER(0)), mine);
        mmio_write32(GICC(GICC_PMR), 0xff);
        mmio_write32(GICC(GICC_CTLR), GICC_CTLR_NS_ENABLE);
    } else {
        mmio_write32(GICD(GICD_CTLR), mmio_read32(GICD(GICD_CTLR)) | GICD_CTLR_V3_NS_ENABLE);
        uintptr_t rd = tzt_gicr_base();
        if (!rd) {
            tzt_printf("%s: FAILED: no Redistributor for this core\n", ns_who());
            return 0;
        }
        mmio_write32(rd + TZT_GICR_SGI + GICR_ISENABLER0, mine);
        write_sysreg_s(ICC_PMR_EL1, 0xff);
        write_sysreg_s(ICC_IGRPEN1_EL1, 1);
        isb();
    }
    return ver;
}

void ns_spi_config(unsigned id, bool edge, unsigned core)
{
    u32 cfg = mmio_read32(GICD(GICD_ICFGR(id / 16)));
    u32 bit = 2u << (2 * (id % 16));
    mmio_write32(GICD(GICD_ICFGR(id / 16)), edge ? cfg | bit : cfg & ~bit);
    if (gic_ver == 2) {
        gic_write8(GICD(GICD_ITARGETSR + id), (u8)(1u << core));
    } else {
        /* Aff0 = core index on this platform, Interrupt_Routing_Mode 0. */
        mmio_write32(GICD(GICD_IROUTER(id)), core);
        mmio_write32(GICD(GICD_IROUTER(id)) + 4, 0);
    }
    mmio_write32(GICD(GICD_ISENABLER(id / 32)), 1u << (id % 32));
}

void ns_send_sgi(unsigned core, unsigned intid)
{
    dsb();  /* what the target reads after the SGI is written before it */
    if (gic_ver == 2) {
        mmio_write32(GICD(GICD_SGIR), GICD_SGIR_TARGETS(1u << core) | intid);
    } else {
        write_sysreg_s(ICC_SGI1R_EL1, ICC_SGIR_VALUE(intid, core));
        isb();
    }
}

void ns_timer_arm(u64 delay)
{
    write_sysreg(cntp_tval_el0, delay);
    write_sysreg(cntp_ctl_el0, 1);
    isb();
}

/* IRQ at NS-EL1: acknowledge (Non-secure GICC_IAR / ICC_IAR1_EL1), the
 * device's part, print, end (EOImode 0: priority drop and deactivation). */
void tzt_el1_interrupt(unsigned vector, struct tzt_el1_frame *f)
{
    if (vector != TZT_VEC_IRQ_EL1H)
        ns_fail("FIQ taken at NS-EL1 (secure interrupts must go to EL3)");
    unsigned core = tzt_core_index();
    struct ns_irq_log *log = &ns_irq_log[core];
    u32 iar = gic_ver == 2 ? mmio_read32(GICC(GICC_IAR))
                           : (u32)ICC_IAR_ID(read_sysreg_s(ICC_IAR1_EL1));
    u32 id = gic_ver == 2 ? GICC_IAR_ID(iar) : iar;
    if (id >= GIC_INTID_SPECIAL) {
        WRITE_ONCE(log->spurious, log->spurious + 1);
        return;
    }
    if (id == TZT_PPI_NS_TIMER)
        write_sysreg(cntp_ctl_el0, 0);  /* the timer's output goes low */
    if (gic_ver == 2 && id < 16)
        tzt_printf("%s: IRQ %u on core %u (SGI from core %u)\n", ns_who(), id, core,
                   GICC_IAR_CPUID(iar));
    else
        tzt_printf("%s: IRQ %u on core %u\n", ns_who(), id, core);
    if (id == TZT_SGI_NS_STOP)
        WRITE_ONCE(log->stop, 1);
    WRITE_ONCE(log->last, id);
    if (gic_ver == 2)
        mmio_write32(GICC(GICC_EOIR), iar);
    else
        write_sysreg_s(ICC_EOIR1_EL1, iar);
    dsb();
    WRITE_ONCE(log->count, log->count + 1);  /* after the print: others wait for it */
    dsb();
}
