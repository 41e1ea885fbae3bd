#include "exc.h"

#include <assert.h>

/* EL2 is enabled in the current security state: implemented, and the state
 * is Non-secure (no FEAT_SEL2 on the modelled cores). SCR_EL3.NS matters for
 * EL0-2; EL3 itself is never "in" EL2's regime. */
static bool el2_enabled(const struct tz_exc_ctx *c)
{
    return c->has_el2 && c->el < 3 && (c->scr & SCR_NS);
}

int tz_exc_async_route(const struct tz_exc_ctx *c, enum tz_async_kind k)
{
    static const uint64_t scr_bit[] = {SCR_IRQ, SCR_FIQ, SCR_EA};
    static const uint64_t hcr_bit[] = {HCR_IMO, HCR_FMO, HCR_AMO};
    assert(k >= TZ_ASYNC_IRQ && k <= TZ_ASYNC_SERROR);
    if (c->scr & scr_bit[k])
        return 3;
    /* HCR_EL2.TGE == 1 makes IMO/FMO/AMO behave as 1 (D17.2.48). */
    if (el2_enabled(c) && (c->hcr & (hcr_bit[k] | HCR_TGE)))
        return 2;
    return 1;
}

int tz_exc_async_target(const struct tz_exc_ctx *c, enum tz_async_kind k)
{
    static const uint32_t mask_bit[] = {PSTATE_I, PSTATE_F, PSTATE_A};
    int target = tz_exc_async_route(c, k);
    if (target < c->el)
        return 0; /* routed below the current EL: not taken, stays pending */
    if (target == c->el && (c->pstate & mask_bit[k]))
        return 0; /* same EL: masked by PSTATE */
    /* target > current EL: PSTATE masks have no effect in AArch64
     * (Table D1-6: the "C" entries). EL1-targeted interrupts while at EL0
     * are masked by PSTATE.I as seen at EL0, which is the same bit. */
    if (target == 1 && c->el == 0 && (c->pstate & mask_bit[k]))
        return 0;
    return target;
}

/* Target for exceptions that go to "EL1, or EL2 when HCR_EL2.TGE" from EL0,
 * and to the current EL otherwise (D1.3.4). */
static int el0_or_current(const struct tz_exc_ctx *c)
{
    if (c->el == 0)
        return (el2_enabled(c) && (c->hcr & HCR_TGE)) ? 2 : 1;
    return c->el;
}

struct tz_sync_route tz_exc_sync_route(const struct tz_exc_ctx *c, enum tz_sync_kind k,
                                       uint32_t imm16, bool wnr)
{
    struct tz_sync_route r = {.target_el = el0_or_current(c), .ec = EC_UNKNOWN, .iss = 0};
    imm16 &= 0xffff;
    switch (k) {
    case TZ_SYNC_SMC:
        if (c->el == 0)
            return r; /* SMC is UNDEFINED at EL0 */
        /* HCR_EL2.TSC traps EL1 SMC to EL2, with priority over SCR_EL3.SMD
         * (D1.15.x "Traps to EL2 of SMC"). */
        if (c->el == 1 && el2_enabled(c) && (c->hcr & HCR_TSC)) {
            r.target_el = 2;
            r.ec = EC_SMC64;
            r.iss = imm16;
            return r;
        }
        if (c->scr & SCR_SMD)
            return r; /* UNDEFINED at the current EL */
        r.target_el = 3;
        r.ec = EC_SMC64;
        r.iss = imm16;
        return r;
    case TZ_SYNC_HVC:
        if (c->el == 0 || !(c->scr & SCR_HCE) || !c->has_el2)
            return r;
        if (c->el == 1 && !(c->scr & SCR_NS))
            return r; /* Secure EL1 without Secure EL2: UNDEFINED */
        r.target_el = c->el == 3 ? 3 : 2;
        r.ec = EC_HVC64;
        r.iss = imm16;
        return r;
    case TZ_SYNC_SVC:
        r.ec = EC_SVC64;
        r.iss = imm16;
        return r;
    case TZ_SYNC_BRK:
        r.ec = EC_BRK64;
        r.iss = imm16;
        return r;
    case TZ_SYNC_UNDEF:
        return r;
    case TZ_SYNC_DABORT:
    case TZ_SYNC_IABORT: {
        /* Synchronous external aborts: SCR_EL3.EA routes to EL3; otherwise
         * HCR_EL2.TEA (or TGE from EL0) routes to EL2; never below the
         * current EL. ISS.DFSC/IFSC = 0b010000, FnV = 0 (FAR valid). */
        int t = r.target_el;
        if (c->scr & SCR_EA)
            t = 3;
        else if (el2_enabled(c) && (c->hcr & HCR_TEA) && c->el < 2)
            t = 2;
        if (t < c->el)
            t = c->el;
        r.target_el = t;
        bool same = (t == c->el);
        if (k == TZ_SYNC_DABORT) {
            r.ec = same ? EC_DABORT_SAME : EC_DABORT_LOWER;
            r.iss = 0x10 | (wnr ? (1u << 6) : 0);
        } else {
            r.ec = same ? EC_IABORT_SAME : EC_IABORT_LOWER;
            r.iss = 0x10;
        }
        return r;
    }
    }
    assert(0 && "unknown sync kind");
    return r;
}

bool tz_exc_lower_is_aarch32(const struct tz_exc_ctx *c, int target_el)
{
    if (target_el == 3)
        return !(c->scr & SCR_RW);
    if (target_el == 2)
        return !(c->hcr & HCR_RW);
    return false; /* EL0 below EL1: tzsim runs AArch64 EL0 only */
}

uint64_t tz_exc_vector_offset(int cur_el, uint32_t pstate, int target_el, bool lower_aarch32,
                              int vclass)
{
    assert(vclass >= 0 && vclass <= 3);
    assert(target_el >= cur_el);
    uint64_t base;
    if (target_el == cur_el)
        base = (pstate & PSTATE_SP) ? 0x200 : 0x000;
    else
        base = lower_aarch32 ? 0x600 : 0x400;
    return base + 0x80u * (unsigned)vclass;
}

uint32_t tz_exc_entry_pstate(uint32_t old_pstate, int target_el)
{
    assert(target_el >= 1 && target_el <= 3);
    return (old_pstate & PSTATE_NZCV) | PSTATE_DAIF | ((uint32_t)target_el << PSTATE_EL_SHIFT) |
           PSTATE_SP;
}
