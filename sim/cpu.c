/* One CPU: a Unicorn instance plus tzsim's exception model around it.
 *
 * Unicorn never vectors an exception to the guest (DESIGN.md): SMC/HVC/SVC,
 * UNDEF and aborts reach UC_HOOK_INTR, and there is no IRQ/FIQ input. tzsim
 * performs every exception entry here (take_exception) and observes every
 * exception return (ERET runs natively) at the first instruction after a
 * jump, see on_jump().
 *
 * Instruction counting: a UC_HOOK_BLOCK callback adds each translation
 * block's instruction count when the block starts (a per-instruction hook
 * costs 3-4x). Blocks are straight-line code, so the count is exact except
 * when an exception leaves a block early, which is corrected from the PC.
 * Stops at the end of a round happen at block boundaries; stops that must be
 * exact (events, limits) inside a block use a code hook bounded to that one
 * instruction, see tz_cpu_run().
 */
#include "machine_internal.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exc.h"

/* QEMU's exception numbers as Unicorn reports them to UC_HOOK_INTR
 * (target/arm/cpu.h). */
enum {
    EXCP_UDEF = 1,
    EXCP_SWI = 2,
    EXCP_PREFETCH_ABORT = 3,
    EXCP_DATA_ABORT = 4,
    EXCP_BKPT = 7,
    EXCP_HVC = 11,
    EXCP_HYP_TRAP = 12,
    EXCP_SMC = 13,
};

#define FSC_EXTERNAL 0x10u /* synchronous external abort, not on a table walk */

#define INSN_ERET 0xd69f03e0u
#define INSN_ERETAA 0xd69f0bffu
#define INSN_ERETAB 0xd69f0fffu
#define INSN_WFI 0xd503207fu
#define TZ_TCG_BUFFER_BYTES (16u << 20) /* per CPU; see tz_cpu_create */

enum { SITE_EMPTY = 0, SITE_BRANCH = 1, SITE_ERET = 2 };

/* ---- system register access through UC_ARM64_REG_CP_REG ----------------- */

static const uint32_t el_op1[4] = {0, 0, 4, 6}; /* op1 of the ELx register bank */

static uint64_t cp_get(uc_engine *uc, uint32_t op0, uint32_t op1, uint32_t crn, uint32_t crm,
                       uint32_t op2)
{
    /* Only registers with storage: reading CurrentEL/NZCV/DC this way
     * asserts inside Unicorn (DESIGN.md). */
    uc_arm64_cp_reg r = {.crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2};
    uc_err e = uc_reg_read(uc, UC_ARM64_REG_CP_REG, &r);
    assert(e == UC_ERR_OK);
    (void)e;
    return r.val;
}

static void cp_set(uc_engine *uc, uint32_t op0, uint32_t op1, uint32_t crn, uint32_t crm,
                   uint32_t op2, uint64_t v)
{
    uc_arm64_cp_reg r = {.crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2, .val = v};
    uc_err e = uc_reg_write(uc, UC_ARM64_REG_CP_REG, &r);
    assert(e == UC_ERR_OK);
    (void)e;
}

#define SPSR_EL(uc, el) cp_get(uc, 3, el_op1[el], 4, 0, 0)
#define ELR_EL(uc, el) cp_get(uc, 3, el_op1[el], 4, 0, 1)
#define ESR_EL(uc, el) cp_get(uc, 3, el_op1[el], 5, 2, 0)
#define FAR_EL(uc, el) cp_get(uc, 3, el_op1[el], 6, 0, 0)
#define VBAR_EL(uc, el) cp_get(uc, 3, el_op1[el], 12, 0, 0)

static uint64_t reg(uc_engine *uc, int id)
{
    uint64_t v = 0;
    uc_reg_read(uc, id, &v);
    return v;
}

static void set_reg(uc_engine *uc, int id, uint64_t v)
{
    uc_reg_write(uc, id, &v);
}

static int x_reg(int n)
{
    /* X0..X28 are contiguous in uc_arm64_reg; X29/X30 are not. */
    return n == 29 ? UC_ARM64_REG_X29 : n == 30 ? UC_ARM64_REG_X30 : UC_ARM64_REG_X0 + n;
}

uint64_t tz_cpu_ticks(const struct tz_cpu *c)
{
    return c->tick_base + c->icount * c->m->cfg.cpi;
}

static struct tz_exc_ctx exc_ctx(const struct tz_cpu *c, uint32_t pstate)
{
    struct tz_exc_ctx x = {
        .el = tz_pstate_el(pstate),
        .ns = c->ns,
        .scr = c->scr,
        .hcr = c->hcr,
        .pstate = pstate,
        .has_el2 = true,
    };
    return x;
}

static void emit(struct tz_cpu *c, struct tz_event *ev)
{
    tz_machine_event(c->m, c, ev);
}

void tz_cpu_request_stop(struct tz_cpu *c)
{
    c->stop_req = true;
    c->check_at = 0;
}

bool tz_cpu_any_line(const struct tz_cpu *c)
{
    return c->line[TZ_LINE_IRQ] || c->line[TZ_LINE_FIQ] || c->line[TZ_LINE_SERROR];
}

static void correct_icount(struct tz_cpu *c, uint64_t insn_pc);

/* ---- exception entry ------------------------------------------------------ */

/* Architectural exception entry (Arm ARM D1.3.2, AArch64.TakeException):
 * SPSR_ELt = PSTATE, ELR_ELt = preferred return, ESR/FAR when given,
 * PSTATE = ELt h with DAIF set, PC = VBAR_ELt + offset. The host also moves
 * the stack pointer between QEMU's banks, which Unicorn does not do when
 * PSTATE is written, and writes a system register afterwards so that Unicorn
 * 2.1 rebuilds its cached exception level (DESIGN.md). */
static void take_exception(struct tz_cpu *c, int target, int vclass, bool has_esr, uint64_t esr,
                           bool has_far, uint64_t far, uint64_t pref_ret)
{
    uc_engine *uc = c->uc;
    uint32_t ps = (uint32_t)reg(uc, UC_ARM64_REG_PSTATE);
    int cur = tz_pstate_el(ps);
    assert(target >= cur && target >= 1 && target <= 3);
    struct tz_exc_ctx ctx = exc_ctx(c, ps);
    bool lower32 = target > cur && tz_exc_lower_is_aarch32(&ctx, target);
    uint64_t off = tz_exc_vector_offset(cur, ps, target, lower32, vclass);

    uint64_t sp = reg(uc, UC_ARM64_REG_SP);
    int bank = (cur == 0 || !(ps & PSTATE_SP)) ? 0 : cur;
    set_reg(uc, UC_ARM64_REG_SP_EL0 + bank, sp);

    uint32_t op1 = el_op1[target];
    cp_set(uc, 3, op1, 4, 0, 0, ps);            /* SPSR_ELt */
    if (has_esr)
        cp_set(uc, 3, op1, 5, 2, 0, esr);       /* ESR_ELt */
    if (has_far)
        cp_set(uc, 3, op1, 6, 0, 0, far);       /* FAR_ELt */
    set_reg(uc, UC_ARM64_REG_PSTATE, tz_exc_entry_pstate(ps, target));
    cp_set(uc, 3, op1, 4, 0, 1, pref_ret);      /* ELR_ELt; also rebuilds hflags */
    set_reg(uc, UC_ARM64_REG_SP, reg(uc, UC_ARM64_REG_SP_EL0 + target));
    uint64_t vbar = VBAR_EL(uc, target);
    uint64_t pc = vbar + off;
    set_reg(uc, UC_ARM64_REG_PC, pc);
    c->next_pc = pc;
    c->skip_valid = false;

    bool to_ns = target == 3 ? false : c->ns;
    struct tz_event ev;
    tz_event_for(&ev, TZ_EV_EXC_ENTRY, c);
    ev.from_el = cur;
    ev.from_ns = c->ns;
    ev.to_el = target;
    ev.to_ns = to_ns;
    ev.pc = pref_ret;
    ev.has_pc = true;
    ev.a[0] = (uint64_t)vclass;
    ev.a[1] = has_esr ? esr : 0;
    ev.a[2] = pc;
    ev.a[3] = has_far ? far : 0;
    ev.na = has_far ? 4 : 3;
    emit(c, &ev);
    c->m->exceptions++;
    c->n_exc++;
    c->el = target;
    c->ns = to_ns;
    tz_machine_cpu_changed(c->m, c);
}

/* ---- fatal guest errors ---------------------------------------------------- */

void tz_cpu_dump(struct tz_cpu *c, char *out, size_t n)
{
    uc_engine *uc = c->uc;
    size_t k = 0;
#define P(...)                                                        \
    do {                                                              \
        if (k < n) {                                                  \
            int w_ = snprintf(out + k, n - k, __VA_ARGS__);           \
            k += w_ > 0 ? (size_t)w_ : 0;                             \
        }                                                             \
    } while (0)
    uint64_t pc = reg(uc, UC_ARM64_REG_PC);
    uint32_t ps = (uint32_t)reg(uc, UC_ARM64_REG_PSTATE);
    char sym[128];
    tz_machine_symbolize(c->m, pc, sym, sizeof sym);
    P("cpu%d  pc %016" PRIx64 " %s  pstate %08x (EL%d%s, %s)  icount %" PRIu64 "\n", c->index, pc,
      sym, ps, tz_pstate_el(ps), (ps & PSTATE_SP) ? "h" : "t", c->ns ? "non-secure" : "secure",
      c->icount);
    for (int i = 0; i < 31; i++)
        P("x%-2d %016" PRIx64 "%s", i, reg(uc, x_reg(i)), (i % 4 == 3) ? "\n" : "  ");
    P("sp  %016" PRIx64 "\n", reg(uc, UC_ARM64_REG_SP));
    for (int el = 1; el <= 3; el++)
        P("EL%d: elr %016" PRIx64 " spsr %08" PRIx64 " esr %08" PRIx64 " far %016" PRIx64
          " vbar %016" PRIx64 "\n",
          el, ELR_EL(uc, el), SPSR_EL(uc, el), ESR_EL(uc, el), FAR_EL(uc, el), VBAR_EL(uc, el));
    P("scr_el3 %016" PRIx64 "  hcr_el2 %016" PRIx64 "  sctlr_el3 %016" PRIx64
      "  sctlr_el1 %016" PRIx64 "\n",
      c->scr, c->hcr, cp_get(uc, 3, 6, 1, 0, 0), cp_get(uc, 3, 0, 1, 0, 0));
#undef P
}

/* A GUEST_ERROR event at the CPU's present state. Alone it is a non-fatal
 * guest error (the architected result follows); tz_cpu_fatal adds a stop. */
static void guest_warn(struct tz_cpu *c, uint64_t code, uint64_t esr, uint64_t addr, const char *text)
{
    struct tz_event ev;
    tz_event_for(&ev, TZ_EV_GUEST_ERROR, c);
    ev.from_el = c->el;
    ev.from_ns = c->ns;
    ev.pc = reg(c->uc, UC_ARM64_REG_PC);
    ev.has_pc = true;
    ev.a[0] = code;
    ev.a[1] = esr;
    ev.a[2] = addr;
    ev.na = 3;
    ev.text = text;
    emit(c, &ev);
}

void tz_cpu_fatal(struct tz_cpu *c, uint64_t reason_code, uint64_t esr, uint64_t addr,
                  const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    char dump[2048];
    tz_cpu_dump(c, dump, sizeof dump);
    size_t tl = strlen(what) + strlen(dump) + 2;
    char *text = malloc(tl);
    assert(text);
    snprintf(text, tl, "%s\n%s", what, dump);
    guest_warn(c, reason_code, esr, addr, text);
    fprintf(stderr, "tzsim: guest error on cpu%d: %s\n%s", c->index, what, dump);
    tz_machine_print_recent(c->m, stderr);
    free(text);
    c->stop = TZ_CPU_STOP_FATAL;
    tz_machine_halt(c->m, TZ_STOP_GUEST_ERROR, c);
    snprintf(c->m->stop_text, sizeof c->m->stop_text, "cpu%d: %s", c->index, what);
    uc_emu_stop(c->uc);
}

/* ---- synchronous exceptions ----------------------------------------------- */

/* Reads the instruction at a virtual address. Unicorn's public API reads
 * physical memory only; the PC is used as a physical address, which is right
 * with the MMU off and for identity-mapped code (TF-A, the reference
 * firmware). Returns false if nothing is mapped there. */
static bool read_insn(struct tz_cpu *c, uint64_t va, uint32_t *insn)
{
    return uc_mem_read(c->uc, va, insn, 4) == UC_ERR_OK;
}

/* Records an SMC from EL1/EL2 (for SMC_RETURN matching and the trace). */
static void smc_call_event(struct tz_cpu *c, int el, uint64_t insn_pc, uint64_t ret_pc,
                           const char *text)
{
    int w = c->ns ? 1 : 0;
    uint64_t x[5];
    for (int i = 0; i < 5; i++)
        x[i] = reg(c->uc, x_reg(i));
    c->smc[w].active = true;
    c->smc[w].el = el;
    c->smc[w].ret_pc = ret_pc;
    c->smc[w].icount = c->icount;
    c->smc[w].tick = tz_cpu_ticks(c);
    c->smc[w].fid = x[0];
    struct tz_event ev;
    tz_event_for(&ev, TZ_EV_SMC_CALL, c);
    ev.from_el = el;
    ev.from_ns = c->ns;
    ev.pc = insn_pc;
    ev.has_pc = true;
    ev.fid = (int64_t)(x[0] & 0xffffffffu);
    for (int i = 0; i < 4; i++)
        ev.a[i] = x[i + 1];
    ev.na = 4;
    ev.text = text;
    emit(c, &ev);
    c->n_smc++;
    if (c->ns)
        c->m->smc_ns_calls++;
    else
        c->m->smc_s_calls++;
}

static void sync_exception(struct tz_cpu *c, enum tz_sync_kind kind, uint64_t pc_after,
                           uint64_t insn_pc)
{
    correct_icount(c, insn_pc);
    uint32_t insn = 0;
    uint32_t imm16 = 0;
    if (kind != TZ_SYNC_UNDEF && read_insn(c, insn_pc, &insn))
        imm16 = (insn >> 5) & 0xffff;
    uint32_t ps = (uint32_t)reg(c->uc, UC_ARM64_REG_PSTATE);
    struct tz_exc_ctx ctx = exc_ctx(c, ps);
    struct tz_sync_route r = tz_exc_sync_route(&ctx, kind, imm16, false);
    bool is_call = (kind == TZ_SYNC_SMC || kind == TZ_SYNC_HVC || kind == TZ_SYNC_SVC) &&
                   r.ec != EC_UNKNOWN;
    /* Preferred return: the next instruction for SVC/HVC/SMC, the
     * instruction itself for UNDEF/BRK (D1.3.x). */
    uint64_t ret = is_call ? pc_after : insn_pc;

    if (r.ec == EC_UNKNOWN) {
        if (r.target_el == 3 && ctx.el == 3) {
            tz_cpu_fatal(c, TZ_GERR_UNDEF_EL3, tz_esr(EC_UNKNOWN, 0), insn_pc,
                         "undefined instruction %08x at EL3", insn);
            return;
        }
        char text[96];
        snprintf(text, sizeof text, "undefined instruction at EL%d, taken to EL%d", ctx.el,
                 r.target_el);
        if (c->m->cfg.strict) {
            tz_cpu_fatal(c, TZ_GERR_UNDEF, tz_esr(EC_UNKNOWN, 0), insn_pc, "%s (--strict)", text);
            return;
        }
        guest_warn(c, TZ_GERR_UNDEF, tz_esr(EC_UNKNOWN, 0), insn_pc, text);
    }

    if (kind == TZ_SYNC_SMC && r.ec == EC_SMC64 && ctx.el < 3)
        smc_call_event(c, ctx.el, insn_pc, pc_after, NULL);
    take_exception(c, r.target_el, TZ_EXC_SYNC, true, tz_esr(r.ec, r.iss), false, 0, ret);
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *opaque)
{
    struct tz_cpu *c = opaque;
    uint64_t pc = reg(uc, UC_ARM64_REG_PC);
    uint32_t insn = 0;
    switch (intno) {
    case EXCP_SMC:
        sync_exception(c, TZ_SYNC_SMC, pc, pc - 4);
        return;
    case EXCP_HVC:
        sync_exception(c, TZ_SYNC_HVC, pc, pc - 4);
        return;
    case EXCP_SWI:
        sync_exception(c, TZ_SYNC_SVC, pc, pc - 4);
        return;
    case EXCP_BKPT:
        sync_exception(c, TZ_SYNC_BRK, pc, pc);
        return;
    case EXCP_HYP_TRAP:
        /* QEMU's own SMC trap (HCR_EL2.TSC): PC is at the SMC. Route it
         * with tzsim's rules. */
        if (read_insn(c, pc, &insn) && (insn & 0xffe0001fu) == 0xd4000003u) {
            sync_exception(c, TZ_SYNC_SMC, pc + 4, pc);
            return;
        }
        sync_exception(c, TZ_SYNC_UNDEF, pc, pc);
        return;
    case EXCP_UDEF:
        sync_exception(c, TZ_SYNC_UNDEF, pc, pc);
        return;
    case EXCP_PREFETCH_ABORT:
    case EXCP_DATA_ABORT:
        correct_icount(c, pc);
        /* A fault from the guest's own translation: Unicorn's public API
         * does not expose the syndrome or the faulting address, so the
         * architected abort cannot be built. */
        tz_cpu_fatal(c, TZ_GERR_MMU_FAULT, 0, pc,
                     "%s abort raised by the MMU at EL%d (syndrome not available from Unicorn)",
                     intno == EXCP_DATA_ABORT ? "data" : "prefetch", c->el);
        return;
    default:
        tz_cpu_fatal(c, TZ_GERR_UNKNOWN_EXC, 0, pc, "unmodelled exception %u from Unicorn", intno);
        return;
    }
}

/* Unmapped physical address: recorded here, turned into a synchronous
 * external abort after uc_emu_start returns (tz_cpu_run). */
static bool hook_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                          void *opaque)
{
    struct tz_cpu *c = opaque;
    c->fault.valid = true;
    c->fault.addr = addr;
    c->fault.write = type == UC_MEM_WRITE_UNMAPPED;
    c->fault.fetch = type == UC_MEM_FETCH_UNMAPPED;
    c->fault.fsc = FSC_EXTERNAL;
    c->fault.tzasc = false;
    return false;
}

/* An MMU fault found by tzsim's own translation (sim/memsys.c): a Data or
 * Instruction Abort to the translation regime's EL (never routed by
 * SCR_EL3.EA, which concerns external aborts), ESR.ISS = the fault status
 * code and WnR, FAR = the VA (Arm ARM D17.2.37, ESR_ELx; "Data Abort
 * exception" ISS encoding). */
static void deliver_mmu_fault(struct tz_cpu *c, uint64_t pc)
{
    bool fetch = c->fault.fetch;
    uint64_t va = c->fault.addr;
    c->fault.valid = false;
    uint32_t ps = (uint32_t)reg(c->uc, UC_ARM64_REG_PSTATE);
    int cur = tz_pstate_el(ps);
    int target = cur == 0 ? 1 : cur;
    uint32_t ec = fetch ? (cur < target ? 0x20u : 0x21u) : (cur < target ? 0x24u : 0x25u);
    uint32_t iss = c->fault.fsc | (!fetch && c->fault.write ? 1u << 6 : 0);
    uint64_t esr = tz_esr(ec, iss);
    const char *what = fetch ? "instruction fetch" : c->fault.write ? "write" : "read";
    if (target == 3) {
        tz_cpu_fatal(c, TZ_GERR_ABORT_EL3, esr, va,
                     "MMU fault (fault status 0x%02x) on a %s of va 0x%" PRIx64 " at EL3",
                     c->fault.fsc, what, va);
        return;
    }
    if (c->m->cfg.strict) {
        tz_cpu_fatal(c, TZ_GERR_MMU_FAULT, esr, va,
                     "MMU fault (fault status 0x%02x) on a %s of va 0x%" PRIx64 " (--strict)",
                     c->fault.fsc, what, va);
        return;
    }
    take_exception(c, target, TZ_EXC_SYNC, true, esr, true, va, pc);
}

static void deliver_abort(struct tz_cpu *c)
{
    uint64_t pc = reg(c->uc, UC_ARM64_REG_PC);
    correct_icount(c, pc);
    if (c->fault.fsc != FSC_EXTERNAL) {
        deliver_mmu_fault(c, pc);
        return;
    }
    bool fetch = c->fault.fetch;
    uint64_t addr = c->fault.addr;
    c->fault.valid = false;
    uint32_t ps = (uint32_t)reg(c->uc, UC_ARM64_REG_PSTATE);
    struct tz_exc_ctx ctx = exc_ctx(c, ps);
    struct tz_sync_route r =
        tz_exc_sync_route(&ctx, fetch ? TZ_SYNC_IABORT : TZ_SYNC_DABORT, 0, c->fault.write);
    uint64_t esr = tz_esr(r.ec, r.iss);
    const char *where = c->fault.tzasc ? "blocked by the TZASC, secure memory at"
                                       : "at unmapped address";
    if (r.target_el == 3 && ctx.el == 3) {
        tz_cpu_fatal(c, TZ_GERR_ABORT_EL3, esr, addr, "%s %s 0x%" PRIx64 " at EL3",
                     fetch ? "instruction fetch" : c->fault.write ? "write" : "read", where, addr);
        return;
    }
    char text[160];
    snprintf(text, sizeof text, "%s %s 0x%" PRIx64 ": external abort to EL%d",
             fetch ? "instruction fetch" : c->fault.write ? "write" : "read", where, addr,
             r.target_el);
    if (c->m->cfg.strict) {
        tz_cpu_fatal(c, TZ_GERR_ABORT, esr, addr, "%s (--strict)", text);
        return;
    }
    guest_warn(c, TZ_GERR_ABORT, esr, addr, text);
    take_exception(c, r.target_el, TZ_EXC_SYNC, true, esr, true, addr, pc);
}

/* ---- asynchronous exceptions ---------------------------------------------- */

bool tz_cpu_check_interrupts(struct tz_cpu *c)
{
    c->poll_masked = false;
    if (!tz_cpu_any_line(c))
        return false;
    uint32_t ps = (uint32_t)reg(c->uc, UC_ARM64_REG_PSTATE);
    struct tz_exc_ctx ctx = exc_ctx(c, ps);
    /* Priority among pending asynchronous exceptions is IMPLEMENTATION
     * DEFINED (D1.3.x); tzsim takes FIQ, then IRQ, then SError. */
    static const struct { int line; enum tz_async_kind kind; int vclass; } order[] = {
        {TZ_LINE_FIQ, TZ_ASYNC_FIQ, TZ_EXC_FIQ},
        {TZ_LINE_IRQ, TZ_ASYNC_IRQ, TZ_EXC_IRQ},
        {TZ_LINE_SERROR, TZ_ASYNC_SERROR, TZ_EXC_SERROR},
    };
    for (unsigned i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (!c->line[order[i].line])
            continue;
        int t = tz_exc_async_target(&ctx, order[i].kind);
        if (t) {
            uint64_t pc = reg(c->uc, UC_ARM64_REG_PC);
            bool serr = order[i].kind == TZ_ASYNC_SERROR;
            take_exception(c, t, order[i].vclass, serr, tz_esr(EC_SERROR, 0), false, 0, pc);
            return true;
        }
        /* Masked by a PSTATE bit (a DAIFClr cannot be hooked): poll PSTATE
         * at every instruction until it is unmasked. Routed below the
         * current EL: wait for the next exception return instead. */
        int route = tz_exc_async_route(&ctx, order[i].kind);
        if (route >= ctx.el || (route == 1 && ctx.el == 0))
            c->poll_masked = true;
    }
    if (c->poll_masked)
        c->check_at = 0;
    return false;
}

void tz_cpu_line_handler(void *opaque, int line, bool level)
{
    struct tz_cpu *c = opaque;
    assert(line >= 0 && line < TZ_LINE_COUNT);
    if (c->line[line] == level)
        return;
    c->line[line] = level;
    struct tz_event ev;
    tz_event_for(&ev, TZ_EV_IRQ_LINE, c);
    ev.a[0] = (uint64_t)line;
    ev.a[1] = level;
    ev.na = 2;
    emit(c, &ev);
    if (level)
        tz_cpu_request_stop(c); /* re-evaluated at the next instruction boundary */
}

/* ---- exception return ----------------------------------------------------- */

static void on_eret(struct tz_cpu *c, uint32_t ps, uint64_t to)
{
    int from_el = c->el;
    bool from_ns = c->ns;
    int to_el = tz_pstate_el(ps);
    bool to_ns = to_el == 3 ? false : (c->scr & SCR_NS) != 0;
    c->el = to_el;
    c->ns = to_ns;
    c->m->erets++;
    tz_machine_cpu_changed(c->m, c);

    struct tz_event ev;
    tz_event_for(&ev, TZ_EV_EXC_RETURN, c);
    ev.from_el = from_el;
    ev.from_ns = from_ns;
    ev.to_el = to_el;
    ev.to_ns = to_ns;
    ev.pc = to;
    ev.has_pc = true;
    ev.a[0] = ps;
    ev.na = 1;
    emit(c, &ev);

    if (to_el < 3) {
        if (c->world >= 0 && c->world != (int)to_ns) {
            tz_event_for(&ev, TZ_EV_WORLD_SWITCH, c);
            ev.from_el = c->world_el;
            ev.from_ns = c->world;
            ev.to_el = to_el;
            ev.to_ns = to_ns;
            ev.pc = to;
            ev.has_pc = true;
            emit(c, &ev);
            c->m->world_switches++;
        }
        c->world = to_ns;
        c->world_el = to_el;
        int w = to_ns ? 1 : 0;
        if (c->smc[w].active && c->smc[w].el == to_el && c->smc[w].ret_pc == to) {
            c->smc[w].active = false;
            tz_event_for(&ev, TZ_EV_SMC_RETURN, c);
            ev.from_el = from_el;
            ev.from_ns = from_ns;
            ev.to_el = to_el;
            ev.to_ns = to_ns;
            ev.pc = to;
            ev.has_pc = true;
            ev.fid = (int64_t)(c->smc[w].fid & 0xffffffffu);
            for (int i = 0; i < 4; i++)
                ev.a[i] = reg(c->uc, x_reg(i));
            ev.na = 4;
            uint64_t di = c->icount - c->smc[w].icount;
            uint64_t dns = tz_machine_ns(c->m, tz_cpu_ticks(c)) - tz_machine_ns(c->m, c->smc[w].tick);
            ev.dur_icount = (int64_t)di;
            ev.dur_ns = (int64_t)dns;
            emit(c, &ev);
            if (to_ns) {
                struct tz_machine *m = c->m;
                m->smc_ns_returns++;
                m->smc_rt_sum_insns += di;
                m->smc_rt_sum_ns += dns;
                if (di > m->smc_rt_max_insns)
                    m->smc_rt_max_insns = di;
                if (dns > m->smc_rt_max_ns)
                    m->smc_rt_max_ns = dns;
            }
        }
    }
    /* An SMC injected by the scenario returned: hand the results over and
     * give the payload its registers back. */
    if (c->inj.active && to_ns && to_el == c->inj.el && to == c->inj.ret_pc) {
        for (int i = 0; i < 4; i++)
            c->inj.result[i] = reg(c->uc, x_reg(i));
        for (int i = 0; i < 31; i++)
            set_reg(c->uc, x_reg(i), c->inj.saved[i]);
        c->inj.active = false;
        if (c->inj.done_id >= 0)
            tz_machine_fire_id(c->m, c, c->inj.done_id);
    }
    if (c->inj.pending && to_ns && to_el >= 1 && to_el < 3)
        tz_cpu_request_stop(c); /* inject before the payload goes on */
    /* The return may have unmasked a pending interrupt. */
    if (tz_cpu_any_line(c))
        tz_cpu_request_stop(c);
}

/* The first instruction after a jump. ERET is the only way the guest changes
 * EL by itself, and it always jumps. A per-CPU cache of jump sites keeps the
 * cost off ordinary branches: a site seen once to be a branch (its
 * instruction is not ERET) is never checked again at that EL. */
__attribute__((noinline)) static void on_jump(struct tz_cpu *c, uint64_t to)
{
    uint64_t site = c->next_pc - 4;
    unsigned h = (unsigned)((site >> 2) ^ (site >> 14)) & (TZ_SITE_CACHE - 1);
    struct tz_site *e = &c->site[h];
    bool hit = e->pc == site && e->el == c->el;
    if (hit && e->kind == SITE_BRANCH)
        return;
    uint32_t ps = (uint32_t)reg(c->uc, UC_ARM64_REG_PSTATE);
    int old_el = c->el;
    if (tz_pstate_el(ps) != c->el) {
        on_eret(c, ps, to);
        e->pc = site;
        e->el = (int8_t)old_el;
        e->kind = SITE_ERET;
        return;
    }
    if (!hit) {
        uint32_t insn = 0;
        bool eret = read_insn(c, site, &insn) &&
                    (insn == INSN_ERET || insn == INSN_ERETAA || insn == INSN_ERETAB);
        e->pc = site;
        e->el = (int8_t)old_el;
        e->kind = eret ? SITE_ERET : SITE_BRANCH;
    }
    /* An ERET that stays at the same EL (a handler resuming the code it
     * interrupted, a trusted OS resuming a thread) is a return too. */
    if (e->kind == SITE_ERET)
        on_eret(c, ps, to);
}

/* Re-synchronises the EL mirror at slice boundaries: an ERET at a site
 * misjudged as a branch (only possible when VA != PA) is caught here. */
static void resync_el(struct tz_cpu *c)
{
    uint32_t ps = (uint32_t)reg(c->uc, UC_ARM64_REG_PSTATE);
    if (tz_pstate_el(ps) != c->el)
        on_eret(c, ps, reg(c->uc, UC_ARM64_REG_PC));
}

/* ---- the per-block hook ---------------------------------------------------- */

static bool deliverable_now(struct tz_cpu *c)
{
    uint32_t ps = (uint32_t)reg(c->uc, UC_ARM64_REG_PSTATE);
    struct tz_exc_ctx ctx = exc_ctx(c, ps);
    return (c->line[TZ_LINE_FIQ] && tz_exc_async_target(&ctx, TZ_ASYNC_FIQ)) ||
           (c->line[TZ_LINE_IRQ] && tz_exc_async_target(&ctx, TZ_ASYNC_IRQ)) ||
           (c->line[TZ_LINE_SERROR] && tz_exc_async_target(&ctx, TZ_ASYNC_SERROR));
}

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* Decides at the start of a block of n instructions at addr whether to stop
 * before it. */
__attribute__((noinline)) static bool slow_path(struct tz_cpu *c, uint64_t addr, uint32_t n)
{
    if (c->stop_req || c->icount >= c->hard_end || c->icount >= c->soft_end)
        return true;
    /* Masked interrupt pending: QEMU ends a block after every DAIF change,
     * so checking at block starts takes it right after the unmasking. */
    if (c->poll_masked && deliverable_now(c))
        return true;
    if (c->icount + n > c->hard_end) {
        c->precise_pc = addr + 4 * (c->hard_end - c->icount);
        c->precise_pending = true;
        return true;
    }
    c->check_at = (c->poll_masked || c->skip_valid) ? 0 : min_u64(c->soft_end, c->hard_end);
    return false;
}

__attribute__((noinline)) static void hook_block_slow(uc_engine *uc, uint64_t addr, uint32_t n,
                                                      struct tz_cpu *c)
{
    if (addr != c->next_pc) {
        on_jump(c, addr);
        c->next_pc = addr;
    }
    if (c->skip_valid && addr != c->skip_pc) {
        /* Left the instruction of a PC trigger that fired: stop so that the
         * next run watches it again (its block is retranslated to stop). */
        c->skip_valid = false;
        c->rearm_pc = c->skip_pc;
        c->rearm = true;
        c->stopped_by_us = true;
        uc_emu_stop(uc);
        return;
    }
    if (c->icount + n > c->check_at && slow_path(c, addr, n)) {
        c->stopped_by_us = true;
        uc_emu_stop(uc);
        return; /* the block does not execute */
    }
    c->blk_start = addr;
    c->blk_icount0 = c->icount;
    c->next_pc = addr + 4ull * n;
    c->icount += n;
    if (c->msc)
        tz_memsys_fetch(c, addr, 4 * n);
}

static void hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *opaque)
{
    struct tz_cpu *c = opaque;
    uint32_t n = size >> 2;
    if (__builtin_expect(addr != c->next_pc || c->icount + n > c->check_at, 0)) {
        hook_block_slow(uc, addr, n, c);
        return;
    }
    c->blk_start = addr;
    c->blk_icount0 = c->icount;
    c->next_pc = addr + size;
    c->icount += n;
    if (__builtin_expect(c->msc != NULL, 0))
        tz_memsys_fetch(c, addr, size);
}

/* An exception left the current block at insn_pc: the instructions after it
 * were counted but did not run. */
static void correct_icount(struct tz_cpu *c, uint64_t insn_pc)
{
    if (insn_pc >= c->blk_start && insn_pc < c->next_pc)
        c->icount = c->blk_icount0 + (insn_pc - c->blk_start) / 4 + 1;
}

/* ---- system registers ----------------------------------------------------- */

/* The CPU's store of registers tzsim keeps for it (IMPLEMENTATION DEFINED
 * registers, RMR_EL3...): the entry for key, created as 0; NULL when full. */
static uint64_t *cpu_store(struct tz_cpu *c, uint16_t key)
{
    for (int i = 0; i < c->nimpdef; i++)
        if (c->impdef[i].key == key)
            return &c->impdef[i].val;
    if (c->nimpdef == (int)(sizeof c->impdef / sizeof c->impdef[0]))
        return NULL;
    c->impdef[c->nimpdef] = (__typeof__(c->impdef[0])){key, 0};
    return &c->impdef[c->nimpdef++].val;
}

static uint32_t hook_sysreg(struct tz_cpu *c, bool is_read, uc_arm64_reg rt,
                            const uc_arm64_cp_reg *cp)
{
    uint16_t key = TZ_SYSREG(cp->op0, cp->op1, cp->crn, cp->crm, cp->op2);
    if (c->msc)
        tz_memsys_sysinsn(c, cp, is_read);
    const struct tz_sysreg_ops *o = tz_sysreg_lookup(c->m->sysregs, key);
    bool impdef = !o && cp->op0 == 3 && (cp->crn == 11 || cp->crn == 15);
    if (!o && !impdef)
        return 0; /* Unicorn's own (or UNDEF) */
    /* The PC is exact here: let handlers (the timer) see the exact count. */
    uint64_t pc = reg(c->uc, UC_ARM64_REG_PC);
    uint64_t counted = c->icount;
    bool in_blk = pc >= c->blk_start && pc < c->next_pc;
    if (in_blk)
        c->icount = c->blk_icount0 + (pc - c->blk_start) / 4 + 1;
    if (o && o->observe) {
        if (!is_read && o->write)
            o->write(o->opaque, c, cp->val);
        if (in_blk)
            c->icount = counted;
        return 0;
    }
    if (o) {
        if (is_read && o->read)
            set_reg(c->uc, rt, o->read(o->opaque, c));
        else if (!is_read && o->write)
            o->write(o->opaque, c, cp->val);
    } else {
        /* IMPLEMENTATION DEFINED registers (CPUACTLR_EL1, L2CTLR_EL1...):
         * Unicorn dropped them. tzsim keeps what was written and reads back
         * the last value (reset 0; L2CTLR_EL1 is set at creation to report
         * the core count). */
        uint64_t *v = cpu_store(c, key);
        if (is_read)
            set_reg(c->uc, rt, v ? *v : 0);
        else if (v)
            *v = cp->val;
    }
    if (in_blk)
        c->icount = counted;
    if (!(o && o->unicorn_knows))
        set_reg(c->uc, UC_ARM64_REG_PC, pc + 4);
    return 1;
}

static uint32_t hook_mrs(uc_engine *uc, uc_arm64_reg rt, const uc_arm64_cp_reg *cp, void *opaque)
{
    return hook_sysreg(opaque, true, rt, cp);
}

static uint32_t hook_msr(uc_engine *uc, uc_arm64_reg rt, const uc_arm64_cp_reg *cp, void *opaque)
{
    return hook_sysreg(opaque, false, rt, cp);
}

static uint32_t hook_sys(uc_engine *uc, uc_arm64_reg rt, const uc_arm64_cp_reg *cp, void *opaque)
{
    return hook_sysreg(opaque, false, rt, cp);
}

/* Observed registers. */
static void scr_write(void *opaque, struct tz_cpu *c, uint64_t v)
{
    c->scr = v;
    if (tz_cpu_any_line(c))
        tz_cpu_request_stop(c);
}

static void hcr_write(void *opaque, struct tz_cpu *c, uint64_t v)
{
    c->hcr = v;
    if (tz_cpu_any_line(c))
        tz_cpu_request_stop(c);
}

static void daif_write(void *opaque, struct tz_cpu *c, uint64_t v)
{
    if (tz_cpu_any_line(c))
        tz_cpu_request_stop(c);
}

static uint64_t mpidr_read(void *opaque, struct tz_cpu *c)
{
    return c->mpidr | (1ull << 31);
}

/* IC IALLU / IALLUIS / IVAU: code written by one CPU must become visible to
 * the others' translation caches (each Unicorn instance has its own). The
 * running CPU's own cache is kept coherent by QEMU's write detection. The
 * others are not running (one CPU runs at a time), so their flush waits
 * until they next run: a burst of invalidations, or invalidations while a
 * core is off, costs one flush. */
static void ic_inval(void *opaque, struct tz_cpu *c, uint64_t v)
{
    for (int i = 0; i < c->m->ncpu; i++) {
        struct tz_cpu *o = c->m->cpu[i];
        if (o && o != c)
            o->flush_tb = true;
    }
    /* With the memory system on, RAM is reached through one window per
     * attribute class (sim/memsys.c), and QEMU's detection of written code
     * works within one window only: drop this CPU's translations too, once
     * it leaves the current block (an ISB ends it). */
    if (c->msc) {
        c->flush_tb = true;
        tz_cpu_request_stop(c);
    }
}

/* RMR_EL3 (Arm ARM D19.2, "RMR_EL3, Reset Management Register"), which
 * Unicorn does not implement: AA64 (bit 0) reads 1; writing RR (bit 1)
 * requests a Warm reset. What the request does is IMPLEMENTATION DEFINED:
 * a Cortex-A72 signals WARMRSTREQ and the SoC's reset controller resets the
 * core, which restarts at its reset vector once it waits in WFI. TF-A's
 * rpi port relies on that for CPU_OFF (write RR, then WFI: the core comes
 * back through the reset vector into its hold pen). tzsim performs the
 * Warm reset when the core next executes WFI (tz_cpu_run): a CPU_POWER off
 * and on at the reset vector, the entry of the core's last reset
 * (RVBAR_EL3's role). The request and that vector are kept in the CPU's
 * register store under RMR_EL3's and RVBAR_EL3's keys. */
#define KEY_RMR_EL3 TZ_SYSREG(3, 6, 12, 0, 2)
#define KEY_RVBAR_EL3 TZ_SYSREG(3, 6, 12, 0, 1)
#define RMR_AA64 1u
#define RMR_RR 2u

static uint64_t rmr_read(void *opaque, struct tz_cpu *c)
{
    uint64_t *rr = cpu_store(c, KEY_RMR_EL3);
    return RMR_AA64 | (rr ? *rr & RMR_RR : 0);
}

static void rmr_write(void *opaque, struct tz_cpu *c, uint64_t v)
{
    uint64_t *rr = cpu_store(c, KEY_RMR_EL3);
    if (rr)
        *rr = v & RMR_RR;  /* AA64 stays 1: tzsim resets to AArch64 only */
}

/* A Warm reset requested through RMR_EL3.RR, at WFI: true if done. */
static bool warm_reset_at_wfi(struct tz_cpu *c)
{
    uint64_t *rr = cpu_store(c, KEY_RMR_EL3), *rvbar = cpu_store(c, KEY_RVBAR_EL3);
    if (!rr || !(*rr & RMR_RR) || !rvbar)
        return false;
    *rr = 0;
    uint64_t entry = *rvbar;
    tz_machine_cpu_off(c->m, c);
    tz_machine_cpu_on(c->m, c->index, entry, 0, c);
    return true;
}

void tz_cpu_register_sysregs(struct tz_machine *m)
{
    static const struct tz_sysreg_ops ops[] = {
        {.name = "SCR_EL3", .key = TZ_SYSREG(3, 6, 1, 1, 0), .observe = true, .write = scr_write},
        {.name = "HCR_EL2", .key = TZ_SYSREG(3, 4, 1, 1, 0), .observe = true, .write = hcr_write},
        {.name = "DAIF", .key = TZ_SYSREG(3, 3, 4, 2, 1), .observe = true, .write = daif_write},
        {.name = "MPIDR_EL1", .key = TZ_SYSREG(3, 0, 0, 0, 5), .unicorn_knows = true,
         .read = mpidr_read},
        {.name = "IC IALLUIS", .key = TZ_SYSREG(1, 0, 7, 1, 0), .observe = true, .write = ic_inval},
        {.name = "IC IALLU", .key = TZ_SYSREG(1, 0, 7, 5, 0), .observe = true, .write = ic_inval},
        {.name = "IC IVAU", .key = TZ_SYSREG(1, 3, 7, 5, 1), .observe = true, .write = ic_inval},
        {.name = "RMR_EL3", .key = KEY_RMR_EL3, .read = rmr_read, .write = rmr_write},
    };
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
        tz_sysreg_register(m->sysregs, &ops[i]);
}

/* ---- life cycle ----------------------------------------------------------- */

int tz_cpu_create(struct tz_machine *m, int index, struct tz_cpu **out, struct tz_error *err)
{
    struct tz_cpu *c = calloc(1, sizeof *c);
    if (!c)
        return tz_error_set(err, NULL, "out of memory");
    c->m = m;
    c->index = index;
    c->mpidr = m->plat->ncpu > index ? m->plat->cpu[index].mpidr : (uint64_t)index;
    *cpu_store(c, TZ_SYSREG(3, 1, 11, 0, 2)) = (uint64_t)(m->ncpu - 1) << 24; /* L2CTLR_EL1 */
    c->world = -1;
    uc_err e = uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &c->uc);
    if (e != UC_ERR_OK) {
        free(c);
        return tz_error_set(err, NULL, "cannot create CPU %d: %s", index, uc_strerror(e));
    }
    /* Unicorn 2.1.1 gives each instance a 1 GiB translation buffer, and a
     * translation-cache flush (IC IALLU*, which firmware issues at every
     * boot and CPU_ON) clears the whole of it: 117 ms and 1 GiB resident per
     * flush and CPU (measured). tzsim's guests translate a few MiB at most;
     * when the buffer fills, QEMU flushes it, deterministically. Must come
     * before the engine initialises. */
    e = uc_ctl_set_tcg_buffer_size(c->uc, TZ_TCG_BUFFER_BYTES);
    if (e == UC_ERR_OK)
        e = uc_ctl_set_cpu_model(c->uc, m->cfg.cpu_model);
    uc_hook h;
    if (e == UC_ERR_OK)
        e = uc_ctl_exits_enable(c->uc);
    if (e == UC_ERR_OK)
        e = uc_hook_add(c->uc, &h, UC_HOOK_BLOCK, (void *)hook_block, c, 1, 0);
    if (e == UC_ERR_OK)
        e = uc_hook_add(c->uc, &h, UC_HOOK_INTR, (void *)hook_intr, c, 1, 0);
    if (e == UC_ERR_OK)
        e = uc_hook_add(c->uc, &h, UC_HOOK_MEM_UNMAPPED, (void *)hook_unmapped, c, 1, 0);
    if (e == UC_ERR_OK)
        e = uc_hook_add(c->uc, &h, UC_HOOK_INSN, (void *)hook_mrs, c, 1, 0, UC_ARM64_INS_MRS);
    if (e == UC_ERR_OK)
        e = uc_hook_add(c->uc, &h, UC_HOOK_INSN, (void *)hook_msr, c, 1, 0, UC_ARM64_INS_MSR);
    if (e == UC_ERR_OK)
        e = uc_hook_add(c->uc, &h, UC_HOOK_INSN, (void *)hook_sys, c, 1, 0, UC_ARM64_INS_SYS);
    if (e != UC_ERR_OK) {
        uc_close(c->uc);
        free(c);
        return tz_error_set(err, NULL, "cannot set up CPU %d: %s", index, uc_strerror(e));
    }
    *out = c;
    return 0;
}

void tz_cpu_destroy(struct tz_cpu *c)
{
    if (!c)
        return;
    uc_close(c->uc);
    free(c);
}

/* Reset into EL3h, AArch64, MMU off, all interrupts masked (D1.9 reset).
 * Unicorn starts a CPU in Secure EL1 with SCR_EL3 = 0 (so lower ELs would be
 * AArch32): tzsim sets SCR_EL3.RW, as firmware for AArch64-only cores
 * expects, and HCR_EL2.RW. */
void tz_cpu_reset(struct tz_cpu *c, uint64_t entry, uint64_t x0)
{
    uc_engine *uc = c->uc;
    for (int i = 0; i < 31; i++)
        set_reg(uc, x_reg(i), 0);
    set_reg(uc, UC_ARM64_REG_X0, x0);
    set_reg(uc, UC_ARM64_REG_SP, 0);
    set_reg(uc, UC_ARM64_REG_PSTATE, PSTATE_DAIF | (3u << PSTATE_EL_SHIFT) | PSTATE_SP);
    c->scr = SCR_RW;
    c->hcr = HCR_RW;
    cp_set(uc, 3, 6, 1, 1, 0, c->scr);  /* SCR_EL3; rebuilds hflags */
    cp_set(uc, 3, 4, 1, 1, 0, c->hcr);  /* HCR_EL2 */
    /* SCTLR_EL3.{M, A, C, I, WXN, EE} reset to 0 (Arm ARM, SCTLR_EL3): a
     * core that ran before (CPU_ON again, an RMR_EL3 Warm reset) restarts
     * with its MMU and caches off. */
    cp_set(uc, 3, 6, 1, 0, 0, cp_get(uc, 3, 6, 1, 0, 0) &
           ~(uint64_t)((1u << 0) | (1u << 1) | (1u << 2) | (1u << 12) | (1u << 19) | (1u << 25)));
    set_reg(uc, UC_ARM64_REG_PC, entry);
    uint64_t *rvbar = cpu_store(c, KEY_RVBAR_EL3);
    if (rvbar)
        *rvbar = entry; /* where a Warm reset (RMR_EL3.RR) restarts */
    c->el = 3;
    c->ns = false;
    c->world = -1;
    c->next_pc = entry;
    c->wfi = false;
    c->poll_masked = false;
    c->stop = TZ_CPU_RUNNING;
    if (c->msc)
        tz_memsys_cpu_reset(c);
    memset(c->site, 0, sizeof c->site);
    memset(c->smc, 0, sizeof c->smc);
    for (int i = 0; i < TZ_LINE_COUNT; i++)
        if (c->line[i])
            c->stop_req = true;
}

/* Runs until icount reaches hard_end exactly or, at a block boundary, passes
 * soft_end (or an earlier stop).
 *
 * Exact stops inside a block use Unicorn's exits: translation ends a block at
 * an exit address and execution stops when a block would start there. The
 * cached translation of the block holding the target is dropped first so that
 * it is retranslated to end there. Code hooks are avoided on purpose: with
 * any UC_HOOK_CODE installed, Unicorn 2.1.1 reports some blocks twice to the
 * block hook, which breaks exact counting (docs/architecture.md). PC triggers
 * are exits too. */
void tz_cpu_run(struct tz_cpu *c, uint64_t soft_n, uint64_t hard_n)
{
    assert(soft_n > 0 && hard_n > 0);
    c->soft_end = c->icount + soft_n;
    c->hard_end = c->icount + hard_n;
    c->fault.valid = false;
    for (;;) {
        c->stop_req = false;
        c->stopped_by_us = false;
        c->check_at = (c->poll_masked || c->skip_valid) ? 0 : min_u64(c->soft_end, c->hard_end);
        uint64_t pc = reg(c->uc, UC_ARM64_REG_PC);
        if (c->rearm) {
            c->rearm = false;
            uc_ctl_remove_cache(c->uc, c->rearm_pc, c->rearm_pc + 4);
        }
        uint64_t exits[TZ_MAX_TRIGGERS + 1];
        int nexits = tz_machine_pc_exits(c->m, c, exits, TZ_MAX_TRIGGERS);
        bool precise = false;
        if (c->precise_pending) {
            c->precise_pending = false;
            if (c->precise_pc != pc) {
                exits[nexits++] = c->precise_pc;
                uc_ctl_remove_cache(c->uc, pc, c->precise_pc + 4);
                precise = true;
            }
        }
        uc_ctl_set_exits(c->uc, exits, (size_t)nexits);
        if (c->flush_tb) {
            c->flush_tb = false;
            uc_ctl_flush_tb(c->uc);
        }
        uint64_t before = c->icount;
        c->m->running = c;
        /* No timeout and no count: both make results depend on the host or
         * flush translations (DESIGN.md). */
        uc_err e = uc_emu_start(c->uc, pc, 0, 0, 0);
        c->m->running = NULL;
        if (c->stop == TZ_CPU_STOP_FATAL)
            return;
        if (c->fault.valid) {
            deliver_abort(c);
            return;
        }
        if (e != UC_ERR_OK) {
            tz_cpu_fatal(c, TZ_GERR_EMU, 0, 0, "Unicorn error: %s", uc_strerror(e));
            return;
        }
        resync_el(c);
        uint64_t now = reg(c->uc, UC_ARM64_REG_PC);
        if (c->stopped_by_us) {
            if (c->precise_pending && !c->stop_req)
                continue; /* second step: the exact stop inside the block */
            c->precise_pending = false;
            return;
        }
        c->next_pc = now;
        /* Stopped at an exit: the exact stop, or a PC trigger. */
        if (precise && now == c->precise_pc)
            return;
        if (nexits && tz_machine_pc_trigger_hit(c->m, c, now)) {
            c->skip_pc = now;
            c->skip_valid = true;
            return;
        }
        /* Otherwise Unicorn returns on its own only after WFI (EXCP_HLT),
         * with the PC past it; WFI ends its block. */
        uint32_t insn = 0;
        if (c->icount > before && read_insn(c, now - 4, &insn) && insn == INSN_WFI) {
            if (warm_reset_at_wfi(c))
                return;
            if (tz_cpu_any_line(c))
                return; /* a pending interrupt (even a masked one) wakes WFI at once */
            c->wfi = true;
            c->wfi_since_tick = tz_cpu_ticks(c);
            c->wfi_since_icount = c->icount;
            struct tz_event ev;
            tz_event_for(&ev, TZ_EV_WFI_SLEEP, c);
            ev.pc = now - 4;
            ev.has_pc = true;
            emit(c, &ev);
        }
        return;
    }
}

/* ---- scenario access ------------------------------------------------------ */

/* An injected SMC (docs/scenario-api.md, smc{}): done when the CPU is in the
 * normal world below EL3, as if its payload had executed SMC #0 at the
 * current PC; the monitor's ERET back to that PC completes it. */
void tz_cpu_try_inject(struct tz_cpu *c)
{
    if (!c->inj.pending || c->inj.active || !c->powered || c->el < 1 || c->el > 2 || !c->ns)
        return;
    uc_engine *uc = c->uc;
    for (int i = 0; i < 31; i++)
        c->inj.saved[i] = reg(uc, x_reg(i));
    for (int i = 0; i < 8; i++)
        set_reg(uc, x_reg(i), c->inj.args[i]);
    uint64_t pc = reg(uc, UC_ARM64_REG_PC);
    c->inj.pending = false;
    c->inj.active = true;
    c->inj.el = c->el;
    c->inj.ret_pc = pc;
    uint32_t ps = (uint32_t)reg(uc, UC_ARM64_REG_PSTATE);
    struct tz_exc_ctx ctx = exc_ctx(c, ps);
    struct tz_sync_route r = tz_exc_sync_route(&ctx, TZ_SYNC_SMC, 0, false);
    if (r.ec == EC_SMC64)
        smc_call_event(c, c->el, pc, pc, "injected by the scenario");
    take_exception(c, r.target_el, TZ_EXC_SYNC, true, tz_esr(r.ec, r.iss), false, 0,
                   r.ec == EC_SMC64 ? pc : pc);
}

int tz_cpu_reg_by_name(struct tz_cpu *c, const char *name, bool write, uint64_t *val)
{
    uc_engine *uc = c->uc;
    int id = -1;
    unsigned n;
    char tail[8];
    if (sscanf(name, "x%u%1s", &n, tail) == 1 && n <= 30)
        id = x_reg((int)n);
    else if (!strcmp(name, "sp"))
        id = UC_ARM64_REG_SP;
    else if (!strcmp(name, "pc"))
        id = UC_ARM64_REG_PC;
    else if (!strcmp(name, "pstate"))
        id = UC_ARM64_REG_PSTATE;
    else if (sscanf(name, "sp_el%u%1s", &n, tail) == 1 && n <= 3)
        id = UC_ARM64_REG_SP_EL0 + (int)n;
    if (id >= 0) {
        if (write) {
            set_reg(uc, id, *val);
            if (id == UC_ARM64_REG_PC)
                c->next_pc = *val;
        } else {
            *val = reg(uc, id);
        }
        return 0;
    }
    static const struct { const char *name; uint32_t crn, crm, op2; } banked[] = {
        {"spsr", 4, 0, 0}, {"elr", 4, 0, 1}, {"esr", 5, 2, 0},
        {"far", 6, 0, 0}, {"vbar", 12, 0, 0}, {"sctlr", 1, 0, 0},
    };
    for (unsigned i = 0; i < sizeof banked / sizeof banked[0]; i++) {
        char fmt[32];
        snprintf(fmt, sizeof fmt, "%s_el%%u%%1s", banked[i].name);
        if (sscanf(name, fmt, &n, tail) == 1 && n >= 1 && n <= 3) {
            if (write)
                cp_set(uc, 3, el_op1[n], banked[i].crn, banked[i].crm, banked[i].op2, *val);
            else
                *val = cp_get(uc, 3, el_op1[n], banked[i].crn, banked[i].crm, banked[i].op2);
            return 0;
        }
    }
    if (!strcmp(name, "scr_el3") || !strcmp(name, "hcr_el2")) {
        bool scr = name[0] == 's';
        if (write) {
            cp_set(uc, 3, scr ? 6 : 4, 1, 1, 0, *val);
            if (scr)
                c->scr = *val;
            else
                c->hcr = *val;
        } else {
            *val = scr ? c->scr : c->hcr;
        }
        return 0;
    }
    return -1;
}

/* PC triggers are Unicorn exits (see tz_cpu_run): drop cached blocks that
 * span the address so that translation ends a block there. */
void tz_cpu_pc_watch_changed(struct tz_cpu *c, uint64_t addr)
{
    uc_ctl_remove_cache(c->uc, addr, addr + 4);
}
