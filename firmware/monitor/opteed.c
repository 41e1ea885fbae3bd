/* SPDX-License-Identifier: MIT */
/*
 * The OP-TEE dispatcher: how the monitor boots OP-TEE OS at S-EL1, hands it
 * the normal world's calls, its secure interrupts and the power events, and
 * gets control back. This is the protocol of TF-A's services/spd/opteed
 * (docs/firmware.md describes it); the code is this project's own.
 *
 * The monitor never waits inside EL3 for OP-TEE. Entering OP-TEE records in
 * the core's spd_op what it was entered for; OP-TEE comes back with an SMC
 * TEESMC_OPTEED_RETURN_*, which must match it, and opteed_return() then
 * carries on with what the monitor was doing (boot the normal world, return
 * a call's results, finish a PSCI request).
 *
 * OP-TEE is entered in the secure world with its saved EL1 context and its
 * general registers as it left them, except the arguments set here. A fresh
 * start (cold boot, a core coming on) is at EL1h with DAIF masked (SPSR
 * 0x3c5) and reset EL1 registers. Every other entry, at an address of its
 * vector table, resumes the PSTATE OP-TEE had at its last SMC on this core
 * (its SPSR_EL3 is kept, only ELR_EL3 changes), as TF-A does: OP-TEE makes
 * those SMCs at EL1t with DAIF masked, and its vector code uses the stack
 * that selects (SP_EL0, its per-core temporary stack; SP_EL1 points at its
 * per-core data).
 */
#include "monitor.h"
#include "opteed.h"

static const char *const op_names[] = {
    [SPD_NONE] = "nothing", [SPD_BOOT] = "ENTRY_DONE", [SPD_CALL] = "CALL_DONE",
    [SPD_FIQ] = "FIQ_DONE", [SPD_CPU_ON] = "ON_DONE", [SPD_CPU_OFF] = "OFF_DONE",
    [SPD_CPU_SUSPEND] = "SUSPEND_DONE", [SPD_CPU_RESUME] = "RESUME_DONE",
    [SPD_SYSTEM_OFF] = "SYSTEM_OFF_DONE", [SPD_SYSTEM_RESET] = "SYSTEM_RESET_DONE",
};

/* The return each operation ends with, indexed by TEESMC_OPTEED function
 * number. */
static const u32 return_op[] = {
    [0] = SPD_BOOT, [1] = SPD_CPU_ON, [2] = SPD_CPU_OFF, [3] = SPD_CPU_SUSPEND,
    [4] = SPD_CPU_RESUME, [5] = SPD_CALL, [6] = SPD_FIQ, [7] = SPD_SYSTEM_OFF,
    [8] = SPD_SYSTEM_RESET,
};

/* Loads this core's secure context and leaves EL3 into OP-TEE at pc. */
static void enter_optee(struct mon_core *c, struct el3_frame *f, u64 pc, enum spd_op op)
{
    mon_load_world(c, f, WORLD_S);
    f->elr_el3 = pc;
    c->spd_op = op;
}

/* OP-TEE starts afresh on this core: reset EL1 state, general registers 0,
 * EL1h with DAIF masked. */
static void fresh_secure_context(struct mon_core *c)
{
    el1_sysregs_reset(&c->world[WORLD_S].sys);
    memset(&c->world[WORLD_S].gp, 0, sizeof(c->world[WORLD_S].gp));
    c->world[WORLD_S].gp.spsr_el3 = TZT_SPSR_EL1H_DAIF;
}

/* Cold boot, primary core. OP-TEE's boot arguments (core/arch/arm/kernel/
 * entry_a64.S, boot_save_args()): x0 = pageable part or 0, x1 = 0 (not a
 * firmware-handoff transfer list), x2 = device tree in normal memory or 0,
 * x3 = 0. */
void opteed_boot(struct mon_core *c, struct el3_frame *f)
{
    fresh_secure_context(c);
    struct el3_frame *gp = &c->world[WORLD_S].gp;
    gp->x[0] = mon.bl32_x0;
    gp->x[2] = mon.dtb;
    tzt_printf("monitor: entering BL32 (OP-TEE) at 0x%lx in S-EL1, x0=0x%lx x2=0x%lx\n",
               mon.bl32_entry, mon.bl32_x0, mon.dtb);
    enter_optee(c, f, mon.bl32_entry, SPD_BOOT);
}

/* A Trusted OS call (owning entity 50..63) from the normal world: fast calls
 * go to fast_smc_entry, yielding ones to yield_smc_entry, with x0..x7 as the
 * caller set them (x7 is the hypervisor client id in OP-TEE's ABI). */
void opteed_ns_call(struct mon_core *c, struct el3_frame *f)
{
    if (!optee_ready()) {
        f->x[0] = (u64)SMCCC_NOT_SUPPORTED;
        return;
    }
    u64 args[8];
    for (int i = 0; i < 8; i++)
        args[i] = f->x[i];
    bool fast = (u32)args[0] & SMC_FID_FAST;
    mon_save_world(c, f, WORLD_NS);
    enter_optee(c, f, mon.optee_vectors + (fast ? OPTEE_VEC_FAST_SMC : OPTEE_VEC_YIELD_SMC),
                SPD_CALL);
    for (int i = 0; i < 8; i++)
        f->x[i] = args[i];
}

/* A Group 0 interrupt became pending while the normal world ran
 * (SCR_EL3.FIQ = 1 there): OP-TEE's fiq_entry handles it and comes back
 * with FIQ_DONE; the normal world then resumes exactly where it was. x0 =
 * the interrupted normal-world PC, as TF-A passes it (for debugging). */
void opteed_fiq(struct mon_core *c, struct el3_frame *f)
{
    u64 ns_pc = f->elr_el3;
    mon_save_world(c, f, WORLD_NS);
    enter_optee(c, f, mon.optee_vectors + OPTEE_VEC_FIQ, SPD_FIQ);
    f->x[0] = ns_pc;
}

/* A core came on through PSCI CPU_ON: OP-TEE initialises itself on it
 * (cpu_on_entry, fresh EL1 state) before the normal world gets the core. */
void opteed_cpu_on(struct mon_core *c, struct el3_frame *f)
{
    fresh_secure_context(c);
    enter_optee(c, f, mon.optee_vectors + OPTEE_VEC_CPU_ON, SPD_CPU_ON);
}

void opteed_cpu_off(struct mon_core *c, struct el3_frame *f)
{
    enter_optee(c, f, mon.optee_vectors + OPTEE_VEC_CPU_OFF, SPD_CPU_OFF);
}

void opteed_cpu_suspend(struct mon_core *c, struct el3_frame *f, u64 power_state)
{
    enter_optee(c, f, mon.optee_vectors + OPTEE_VEC_CPU_SUSPEND, SPD_CPU_SUSPEND);
    f->x[0] = power_state;
}

void opteed_cpu_resume(struct mon_core *c, struct el3_frame *f)
{
    enter_optee(c, f, mon.optee_vectors + OPTEE_VEC_CPU_RESUME, SPD_CPU_RESUME);
    f->x[0] = 0;  /* suspend level: the core only */
}

/* what: TZT_PWR_SYSTEM_OFF or TZT_PWR_SYSTEM_RESET */
void opteed_system_off(struct mon_core *c, struct el3_frame *f, u32 what)
{
    bool off = what == TZT_PWR_SYSTEM_OFF;
    enter_optee(c, f, mon.optee_vectors + (off ? OPTEE_VEC_SYSTEM_OFF : OPTEE_VEC_SYSTEM_RESET),
                off ? SPD_SYSTEM_OFF : SPD_SYSTEM_RESET);
}

/* An SMC TEESMC_OPTEED_RETURN_* from OP-TEE on this core. */
void opteed_return(struct mon_core *c, struct el3_frame *f, u32 fid)
{
    u32 n = fid - TEESMC_OPTEED_RV(0);
    if (n > TEESMC_OPTEED_RETURN_LAST - TEESMC_OPTEED_RV(0) || return_op[n] != c->spd_op) {
        tzt_printf("monitor: OP-TEE made SMC 0x%x, expected %s\n", fid,
                   op_names[c->spd_op]);
        mon_panic("unexpected return from OP-TEE", fid, f);
    }
    enum spd_op op = (enum spd_op)c->spd_op;
    c->spd_op = SPD_NONE;
    mon_save_world(c, f, WORLD_S);
    u64 x1 = f->x[1];

    switch (op) {
    case SPD_BOOT:
        mon.optee_vectors = x1;
        if (x1)
            tzt_printf("monitor: OP-TEE booted, vector table at 0x%lx\n", x1);
        else
            tzt_printf("monitor: OP-TEE failed to boot (ENTRY_DONE with x1=0); "
                       "Trusted OS calls will return -1\n");
        mon_boot_ns(c, f);
        return;
    case SPD_CALL: {
        u64 r[4] = {f->x[1], f->x[2], f->x[3], f->x[4]};
        mon_load_world(c, f, WORLD_NS);
        for (int i = 0; i < 4; i++)
            f->x[i] = r[i];
        return;
    }
    case SPD_FIQ:
        mon_load_world(c, f, WORLD_NS);
        return;
    default:
        break;
    }

    /* Power management: x1 = 0 on success. A failure leaves OP-TEE in an
     * unknown state on this core; TF-A panics too. */
    if (x1 != 0 && op != SPD_SYSTEM_OFF && op != SPD_SYSTEM_RESET)
        mon_panic("OP-TEE reported a power-management failure", x1, f);
    switch (op) {
    case SPD_CPU_ON:
        psci_cpu_on_finish(c, f);
        return;
    case SPD_CPU_OFF:
        psci_cpu_off_finish(c);
    case SPD_CPU_SUSPEND:
        psci_suspend_powerdown(c, f);
        return;
    case SPD_CPU_RESUME:
        psci_suspend_finish(c, f);
        return;
    case SPD_SYSTEM_OFF:
        psci_system_finish(TZT_PWR_SYSTEM_OFF);
    case SPD_SYSTEM_RESET:
        psci_system_finish(TZT_PWR_SYSTEM_RESET);
    default:
        mon_panic("opteed: bad state", op, f);
    }
}
