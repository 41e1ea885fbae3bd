/* SPDX-License-Identifier: MIT */
/*
 * EL1 system-register context of a world (struct el1_sysregs). EL1 and EL0
 * registers are not banked by security state in AArch64, so the monitor
 * saves the registers of the world it leaves and loads those of the world
 * it enters. The list follows what a rich OS and OP-TEE use at EL1/EL0:
 * translation regime, vectors, thread pointers, exception syndrome and the
 * EL0 timer-access control.
 */
#include "monitor.h"

void el1_sysregs_save(struct el1_sysregs *s)
{
    s->sp_el1 = read_sysreg(sp_el1);
    s->elr_el1 = read_sysreg(elr_el1);
    s->spsr_el1 = read_sysreg(spsr_el1);
    s->sctlr_el1 = read_sysreg(sctlr_el1);
    s->actlr_el1 = read_sysreg(actlr_el1);
    s->cpacr_el1 = read_sysreg(cpacr_el1);
    s->csselr_el1 = read_sysreg(csselr_el1);
    s->ttbr0_el1 = read_sysreg(ttbr0_el1);
    s->ttbr1_el1 = read_sysreg(ttbr1_el1);
    s->tcr_el1 = read_sysreg(tcr_el1);
    s->mair_el1 = read_sysreg(mair_el1);
    s->amair_el1 = read_sysreg(amair_el1);
    s->vbar_el1 = read_sysreg(vbar_el1);
    s->contextidr_el1 = read_sysreg(contextidr_el1);
    s->tpidr_el0 = read_sysreg(tpidr_el0);
    s->tpidrro_el0 = read_sysreg(tpidrro_el0);
    s->tpidr_el1 = read_sysreg(tpidr_el1);
    s->esr_el1 = read_sysreg(esr_el1);
    s->far_el1 = read_sysreg(far_el1);
    s->afsr0_el1 = read_sysreg(afsr0_el1);
    s->afsr1_el1 = read_sysreg(afsr1_el1);
    s->par_el1 = read_sysreg(par_el1);
    s->cntkctl_el1 = read_sysreg(cntkctl_el1);
    s->mdscr_el1 = read_sysreg(mdscr_el1);
}

void el1_sysregs_restore(const struct el1_sysregs *s)
{
    write_sysreg(sp_el1, s->sp_el1);
    write_sysreg(elr_el1, s->elr_el1);
    write_sysreg(spsr_el1, s->spsr_el1);
    write_sysreg(sctlr_el1, s->sctlr_el1);
    write_sysreg(actlr_el1, s->actlr_el1);
    write_sysreg(cpacr_el1, s->cpacr_el1);
    write_sysreg(csselr_el1, s->csselr_el1);
    write_sysreg(ttbr0_el1, s->ttbr0_el1);
    write_sysreg(ttbr1_el1, s->ttbr1_el1);
    write_sysreg(tcr_el1, s->tcr_el1);
    write_sysreg(mair_el1, s->mair_el1);
    write_sysreg(amair_el1, s->amair_el1);
    write_sysreg(vbar_el1, s->vbar_el1);
    write_sysreg(contextidr_el1, s->contextidr_el1);
    write_sysreg(tpidr_el0, s->tpidr_el0);
    write_sysreg(tpidrro_el0, s->tpidrro_el0);
    write_sysreg(tpidr_el1, s->tpidr_el1);
    write_sysreg(esr_el1, s->esr_el1);
    write_sysreg(far_el1, s->far_el1);
    write_sysreg(afsr0_el1, s->afsr0_el1);
    write_sysreg(afsr1_el1, s->afsr1_el1);
    write_sysreg(par_el1, s->par_el1);
    write_sysreg(cntkctl_el1, s->cntkctl_el1);
    write_sysreg(mdscr_el1, s->mdscr_el1);
    /* The ERET that follows is the context synchronization event. */
}

/* A world's EL1 state before its first entry: MMU, caches and alignment
 * checks off (SCTLR_EL1 RES1 bits only), everything else 0. */
void el1_sysregs_reset(struct el1_sysregs *s)
{
    memset(s, 0, sizeof(*s));
    s->sctlr_el1 = TZT_SCTLR_EL1_RESET;
}
