/* The exception model: routing and masking (Arm ARM D1.3.6, Table D1-6),
 * synchronous routing and enables (SMC/HVC/SVC/UNDEF/aborts), vector offsets
 * (D1.10.2) and ESR encodings (D17.2.37). */
#include <criterion/criterion.h>

#include "sim/exc.h"
#include "traces/trace.h"

static struct tz_exc_ctx ctx(int el, bool ns, uint64_t scr, uint64_t hcr, uint32_t daif)
{
    struct tz_exc_ctx c = {
        .el = el, .ns = ns, .scr = scr | (ns ? SCR_NS : 0) | SCR_RW, .hcr = hcr | HCR_RW,
        .pstate = daif | ((uint32_t)el << PSTATE_EL_SHIFT) | (el ? PSTATE_SP : 0),
        .has_el2 = true,
    };
    return c;
}

struct route_case {
    int el;
    bool ns;
    uint64_t scr, hcr;
    uint32_t daif;
    enum tz_async_kind kind;
    int expect; /* target EL or 0 = not taken */
};

/* Each row: current EL and world, routing controls, PSTATE masks. */
static const struct route_case route_cases[] = {
    /* SCR_EL3.IRQ/FIQ/EA = 1: routed to EL3; below EL3 never masked by PSTATE. */
    {1, true, SCR_IRQ, 0, 0, TZ_ASYNC_IRQ, 3},
    {1, true, SCR_IRQ, 0, PSTATE_I, TZ_ASYNC_IRQ, 3},
    {0, true, SCR_IRQ, 0, PSTATE_I, TZ_ASYNC_IRQ, 3},
    {2, true, SCR_IRQ, 0, PSTATE_I, TZ_ASYNC_IRQ, 3},
    {1, false, SCR_IRQ, 0, PSTATE_I, TZ_ASYNC_IRQ, 3},
    {1, true, SCR_FIQ, 0, PSTATE_F, TZ_ASYNC_FIQ, 3},
    {1, false, SCR_FIQ, 0, PSTATE_F, TZ_ASYNC_FIQ, 3},
    {0, false, SCR_FIQ, 0, PSTATE_F, TZ_ASYNC_FIQ, 3},
    {1, true, SCR_EA, 0, PSTATE_A, TZ_ASYNC_SERROR, 3},
    /* At EL3 routed to EL3: masked by PSTATE. */
    {3, false, SCR_IRQ, 0, 0, TZ_ASYNC_IRQ, 3},
    {3, false, SCR_IRQ, 0, PSTATE_I, TZ_ASYNC_IRQ, 0},
    {3, false, SCR_FIQ, 0, PSTATE_F, TZ_ASYNC_FIQ, 0},
    {3, false, SCR_FIQ, 0, PSTATE_I, TZ_ASYNC_FIQ, 3},
    {3, false, SCR_EA, 0, PSTATE_A, TZ_ASYNC_SERROR, 0},
    /* At EL3 not routed to EL3: not taken (stays pending). */
    {3, false, 0, 0, 0, TZ_ASYNC_IRQ, 0},
    {3, false, 0, 0, 0, TZ_ASYNC_FIQ, 0},
    {3, false, 0, HCR_IMO, 0, TZ_ASYNC_IRQ, 0},
    /* Non-secure EL1, no routing: EL1, masked by PSTATE.I/F. */
    {1, true, 0, 0, 0, TZ_ASYNC_IRQ, 1},
    {1, true, 0, 0, PSTATE_I, TZ_ASYNC_IRQ, 0},
    {1, true, 0, 0, PSTATE_F, TZ_ASYNC_IRQ, 1},
    {1, true, 0, 0, PSTATE_F, TZ_ASYNC_FIQ, 0},
    {1, true, 0, 0, PSTATE_A, TZ_ASYNC_SERROR, 0},
    {1, true, 0, 0, 0, TZ_ASYNC_SERROR, 1},
    /* EL0 to EL1: masked by PSTATE.I. */
    {0, true, 0, 0, 0, TZ_ASYNC_IRQ, 1},
    {0, true, 0, 0, PSTATE_I, TZ_ASYNC_IRQ, 0},
    {0, false, 0, 0, 0, TZ_ASYNC_FIQ, 1},
    /* HCR_EL2.IMO/FMO/AMO route non-secure EL0/1 to EL2, unmasked from below. */
    {1, true, 0, HCR_IMO, PSTATE_I, TZ_ASYNC_IRQ, 2},
    {0, true, 0, HCR_IMO, PSTATE_I, TZ_ASYNC_IRQ, 2},
    {1, true, 0, HCR_FMO, PSTATE_F, TZ_ASYNC_FIQ, 2},
    {1, true, 0, HCR_FMO, 0, TZ_ASYNC_IRQ, 1},
    {1, true, 0, HCR_AMO, PSTATE_A, TZ_ASYNC_SERROR, 2},
    /* TGE behaves as IMO/FMO/AMO = 1. */
    {0, true, 0, HCR_TGE, PSTATE_I, TZ_ASYNC_IRQ, 2},
    {0, true, 0, HCR_TGE, PSTATE_F, TZ_ASYNC_FIQ, 2},
    /* At EL2 with routing to EL2: masked by PSTATE. */
    {2, true, 0, HCR_IMO, 0, TZ_ASYNC_IRQ, 2},
    {2, true, 0, HCR_IMO, PSTATE_I, TZ_ASYNC_IRQ, 0},
    /* At EL2 routed to EL1: not taken. */
    {2, true, 0, 0, 0, TZ_ASYNC_IRQ, 0},
    {2, true, 0, 0, 0, TZ_ASYNC_FIQ, 0},
    /* HCR_EL2 is ignored in Secure state (no Secure EL2). */
    {1, false, 0, HCR_IMO, 0, TZ_ASYNC_IRQ, 1},
    {1, false, 0, HCR_IMO, PSTATE_I, TZ_ASYNC_IRQ, 0},
    {1, false, 0, HCR_FMO | HCR_TGE, PSTATE_F, TZ_ASYNC_FIQ, 0},
    /* SCR_EL3 wins over HCR_EL2. */
    {1, true, SCR_IRQ, HCR_IMO, PSTATE_I, TZ_ASYNC_IRQ, 3},
    {2, true, SCR_FIQ, HCR_FMO, PSTATE_F, TZ_ASYNC_FIQ, 3},
    /* The TrustZone classics: secure FIQ while the normal world runs with
     * SCR.FIQ=1 goes to EL3; a non-secure IRQ while secure EL1 runs with
     * SCR.IRQ=0 is taken at S-EL1 (OP-TEE's foreign interrupt). */
    {1, true, SCR_FIQ, 0, PSTATE_I | PSTATE_F, TZ_ASYNC_FIQ, 3},
    {1, false, SCR_FIQ, 0, 0, TZ_ASYNC_IRQ, 1},
    {1, false, SCR_FIQ, 0, PSTATE_I, TZ_ASYNC_IRQ, 0},
};

Test(exc, async_routing_table)
{
    for (unsigned i = 0; i < sizeof route_cases / sizeof route_cases[0]; i++) {
        const struct route_case *r = &route_cases[i];
        struct tz_exc_ctx c = ctx(r->el, r->el == 3 ? false : r->ns, r->scr, r->hcr, r->daif);
        int got = tz_exc_async_target(&c, r->kind);
        cr_expect_eq(got, r->expect, "case %u: EL%d %s scr=%#llx hcr=%#llx daif=%#x kind=%d: got %d, want %d",
                     i, r->el, r->ns ? "NS" : "S", (unsigned long long)r->scr,
                     (unsigned long long)r->hcr, r->daif, r->kind, got, r->expect);
    }
    cr_assert_geq(sizeof route_cases / sizeof route_cases[0], 40);
}

Test(exc, async_route_ignores_masks)
{
    struct tz_exc_ctx c = ctx(1, true, 0, HCR_IMO, PSTATE_DAIF);
    cr_expect_eq(tz_exc_async_route(&c, TZ_ASYNC_IRQ), 2);
    cr_expect_eq(tz_exc_async_route(&c, TZ_ASYNC_FIQ), 1);
    c = ctx(3, false, SCR_FIQ, 0, PSTATE_DAIF);
    cr_expect_eq(tz_exc_async_route(&c, TZ_ASYNC_FIQ), 3);
    /* No EL2 implemented: HCR_EL2 has no effect. */
    c = ctx(1, true, 0, HCR_IMO, 0);
    c.has_el2 = false;
    cr_expect_eq(tz_exc_async_route(&c, TZ_ASYNC_IRQ), 1);
}

Test(exc, smc_routing)
{
    struct tz_exc_ctx c = ctx(1, true, 0, 0, 0);
    struct tz_sync_route r = tz_exc_sync_route(&c, TZ_SYNC_SMC, 0x1234, false);
    cr_expect_eq(r.target_el, 3);
    cr_expect_eq(r.ec, EC_SMC64);
    cr_expect_eq(r.iss, 0x1234);
    /* From secure EL1 too. */
    c = ctx(1, false, 0, 0, 0);
    r = tz_exc_sync_route(&c, TZ_SYNC_SMC, 0, false);
    cr_expect_eq(r.target_el, 3);
    /* From EL2 and EL3. */
    c = ctx(2, true, 0, 0, 0);
    cr_expect_eq(tz_exc_sync_route(&c, TZ_SYNC_SMC, 0, false).target_el, 3);
    c = ctx(3, false, 0, 0, 0);
    cr_expect_eq(tz_exc_sync_route(&c, TZ_SYNC_SMC, 0, false).target_el, 3);
    /* SCR_EL3.SMD: UNDEFINED at the current EL. */
    c = ctx(1, true, SCR_SMD, 0, 0);
    r = tz_exc_sync_route(&c, TZ_SYNC_SMC, 7, false);
    cr_expect_eq(r.target_el, 1);
    cr_expect_eq(r.ec, EC_UNKNOWN);
    cr_expect_eq(r.iss, 0);
    /* HCR_EL2.TSC traps non-secure EL1 SMC to EL2, even with SMD set. */
    c = ctx(1, true, SCR_SMD, HCR_TSC, 0);
    r = tz_exc_sync_route(&c, TZ_SYNC_SMC, 9, false);
    cr_expect_eq(r.target_el, 2);
    cr_expect_eq(r.ec, EC_SMC64);
    cr_expect_eq(r.iss, 9);
    /* ...but not from secure EL1 (EL2 not enabled there). */
    c = ctx(1, false, 0, HCR_TSC, 0);
    cr_expect_eq(tz_exc_sync_route(&c, TZ_SYNC_SMC, 0, false).target_el, 3);
    /* SMC at EL0 is UNDEFINED, taken to EL1. */
    c = ctx(0, true, 0, 0, 0);
    r = tz_exc_sync_route(&c, TZ_SYNC_SMC, 0, false);
    cr_expect_eq(r.target_el, 1);
    cr_expect_eq(r.ec, EC_UNKNOWN);
}

Test(exc, hvc_svc_undef_routing)
{
    struct tz_exc_ctx c = ctx(1, true, SCR_HCE, 0, 0);
    struct tz_sync_route r = tz_exc_sync_route(&c, TZ_SYNC_HVC, 0x42, false);
    cr_expect_eq(r.target_el, 2);
    cr_expect_eq(r.ec, EC_HVC64);
    cr_expect_eq(r.iss, 0x42);
    /* HCE = 0: UNDEFINED. */
    c = ctx(1, true, 0, 0, 0);
    r = tz_exc_sync_route(&c, TZ_SYNC_HVC, 0x42, false);
    cr_expect_eq(r.ec, EC_UNKNOWN);
    cr_expect_eq(r.target_el, 1);
    /* Secure EL1: UNDEFINED even with HCE. */
    c = ctx(1, false, SCR_HCE, 0, 0);
    cr_expect_eq(tz_exc_sync_route(&c, TZ_SYNC_HVC, 0, false).ec, EC_UNKNOWN);
    /* EL3 HVC stays at EL3. */
    c = ctx(3, false, SCR_HCE, 0, 0);
    cr_expect_eq(tz_exc_sync_route(&c, TZ_SYNC_HVC, 0, false).target_el, 3);
    /* SVC from EL0 → EL1, or EL2 with TGE; from EL1 → EL1. */
    c = ctx(0, true, 0, 0, 0);
    r = tz_exc_sync_route(&c, TZ_SYNC_SVC, 3, false);
    cr_expect_eq(r.target_el, 1);
    cr_expect_eq(r.ec, EC_SVC64);
    cr_expect_eq(r.iss, 3);
    c = ctx(0, true, 0, HCR_TGE, 0);
    cr_expect_eq(tz_exc_sync_route(&c, TZ_SYNC_SVC, 0, false).target_el, 2);
    c = ctx(1, false, 0, 0, 0);
    cr_expect_eq(tz_exc_sync_route(&c, TZ_SYNC_SVC, 0, false).target_el, 1);
    /* UNDEF at the current EL; EL3 stays at EL3. */
    c = ctx(3, false, 0, 0, 0);
    r = tz_exc_sync_route(&c, TZ_SYNC_UNDEF, 0, false);
    cr_expect_eq(r.target_el, 3);
    cr_expect_eq(r.ec, EC_UNKNOWN);
    c = ctx(2, true, 0, 0, 0);
    cr_expect_eq(tz_exc_sync_route(&c, TZ_SYNC_UNDEF, 0, false).target_el, 2);
}

Test(exc, abort_routing)
{
    struct tz_exc_ctx c = ctx(1, true, 0, 0, 0);
    struct tz_sync_route r = tz_exc_sync_route(&c, TZ_SYNC_DABORT, 0, true);
    cr_expect_eq(r.target_el, 1);
    cr_expect_eq(r.ec, EC_DABORT_SAME);
    cr_expect_eq(r.iss, 0x10 | (1u << 6));
    c = ctx(1, true, SCR_EA, 0, 0);
    r = tz_exc_sync_route(&c, TZ_SYNC_DABORT, 0, false);
    cr_expect_eq(r.target_el, 3);
    cr_expect_eq(r.ec, EC_DABORT_LOWER);
    cr_expect_eq(r.iss, 0x10);
    c = ctx(1, true, 0, HCR_TEA, 0);
    r = tz_exc_sync_route(&c, TZ_SYNC_IABORT, 0, false);
    cr_expect_eq(r.target_el, 2);
    cr_expect_eq(r.ec, EC_IABORT_LOWER);
    c = ctx(0, false, 0, 0, 0);
    r = tz_exc_sync_route(&c, TZ_SYNC_IABORT, 0, false);
    cr_expect_eq(r.target_el, 1);
    cr_expect_eq(r.ec, EC_IABORT_LOWER);
    c = ctx(3, false, 0, 0, 0);
    r = tz_exc_sync_route(&c, TZ_SYNC_DABORT, 0, false);
    cr_expect_eq(r.target_el, 3);
    cr_expect_eq(r.ec, EC_DABORT_SAME);
}

Test(exc, vector_offsets)
{
    /* Current EL with SP_EL0 / SP_ELx, lower EL AArch64 / AArch32; x4 kinds. */
    for (int k = 0; k < 4; k++) {
        cr_expect_eq(tz_exc_vector_offset(3, 0x0c, 3, false, k), 0x000u + 0x80u * (unsigned)k);
        cr_expect_eq(tz_exc_vector_offset(3, 0x0d, 3, false, k), 0x200u + 0x80u * (unsigned)k);
        cr_expect_eq(tz_exc_vector_offset(1, 0x05, 3, false, k), 0x400u + 0x80u * (unsigned)k);
        cr_expect_eq(tz_exc_vector_offset(0, 0x00, 1, false, k), 0x400u + 0x80u * (unsigned)k);
        cr_expect_eq(tz_exc_vector_offset(1, 0x05, 2, true, k), 0x600u + 0x80u * (unsigned)k);
    }
    cr_expect_eq(tz_exc_vector_offset(1, 0x05, 1, false, TZ_EXC_IRQ), 0x280);
    cr_expect_eq(tz_exc_vector_offset(1, 0x04, 1, false, TZ_EXC_FIQ), 0x100);
    cr_expect_eq(tz_exc_vector_offset(1, 0x05, 3, false, TZ_EXC_FIQ), 0x500);
    struct tz_exc_ctx c = ctx(1, true, 0, 0, 0);
    cr_expect_not(tz_exc_lower_is_aarch32(&c, 3));
    c.scr &= ~SCR_RW;
    cr_expect(tz_exc_lower_is_aarch32(&c, 3));
    c.hcr &= ~HCR_RW;
    cr_expect(tz_exc_lower_is_aarch32(&c, 2));
}

Test(exc, esr_encodings)
{
    cr_expect_eq(tz_esr(EC_SMC64, 0), 0x5e000000ull);
    cr_expect_eq(tz_esr(EC_SMC64, 0x1234), 0x5e001234ull);
    cr_expect_eq(tz_esr(EC_HVC64, 1), 0x5a000001ull);
    cr_expect_eq(tz_esr(EC_SVC64, 0xffff), 0x5600ffffull);
    cr_expect_eq(tz_esr(EC_UNKNOWN, 0), 0x02000000ull);
    cr_expect_eq(tz_esr(EC_DABORT_LOWER, 0x50), 0x92000050ull);
    cr_expect_eq(tz_esr(EC_SERROR, 0), 0xbe000000ull);
}

Test(exc, entry_pstate)
{
    /* NZCV kept, DAIF set, ELxh. */
    cr_expect_eq(tz_exc_entry_pstate(0x60000005u, 3), 0x600003cdu);
    cr_expect_eq(tz_exc_entry_pstate(0x00000000u, 1), 0x000003c5u);
    cr_expect_eq(tz_exc_entry_pstate(0xf00003c9u, 2), 0xf00003c9u);
    cr_expect_eq(tz_pstate_el(0x3cd), 3);
    cr_expect_eq(tz_pstate_el(0x3c5), 1);
}
