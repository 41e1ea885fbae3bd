/* The AArch64 exception model as pure functions: routing, masking, vector
 * offsets and syndromes. No Unicorn here, so every rule is unit-tested
 * (tests/unit/test_exc.c). sim/cpu.c applies the results to a CPU.
 *
 * References: Arm ARM DDI 0487, D1.3 (exception entry), D1.3.6 / Table D1-6
 * "Physical interrupt routing and masking", D1.10.2 (vector offsets),
 * D17.2.37 ESR_ELx (exception classes), and the SCR_EL3 / HCR_EL2 field
 * descriptions (D17.2.117, D17.2.48).
 */
#ifndef TZ_EXC_H
#define TZ_EXC_H

#include <stdbool.h>
#include <stdint.h>

/* SCR_EL3 bits (D17.2.117). */
#define SCR_NS   (1ull << 0)
#define SCR_IRQ  (1ull << 1)
#define SCR_FIQ  (1ull << 2)
#define SCR_EA   (1ull << 3)
#define SCR_SMD  (1ull << 7)
#define SCR_HCE  (1ull << 8)
#define SCR_RW   (1ull << 10)
#define SCR_ST   (1ull << 11)
#define SCR_TWI  (1ull << 12)
#define SCR_TWE  (1ull << 13)

/* HCR_EL2 bits (D17.2.48). */
#define HCR_FMO  (1ull << 3)
#define HCR_IMO  (1ull << 4)
#define HCR_AMO  (1ull << 5)
#define HCR_TSC  (1ull << 19)
#define HCR_TGE  (1ull << 27)
#define HCR_RW   (1ull << 31)
#define HCR_TEA  (1ull << 37)

/* PSTATE as Unicorn reports it (the SPSR_ELx layout, C5.2.18). */
#define PSTATE_SP   (1u << 0)
#define PSTATE_EL_SHIFT 2
#define PSTATE_nRW  (1u << 4)
#define PSTATE_F    (1u << 6)
#define PSTATE_I    (1u << 7)
#define PSTATE_A    (1u << 8)
#define PSTATE_D    (1u << 9)
#define PSTATE_DAIF (PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F)
#define PSTATE_NZCV (0xfu << 28)

/* ESR_ELx exception classes (D17.2.37). */
enum tz_ec {
    EC_UNKNOWN = 0x00,
    EC_WFX = 0x01,
    EC_SVC64 = 0x15,
    EC_HVC64 = 0x16,
    EC_SMC64 = 0x17,
    EC_SYSREG = 0x18,
    EC_IABORT_LOWER = 0x20,
    EC_IABORT_SAME = 0x21,
    EC_PC_ALIGN = 0x22,
    EC_DABORT_LOWER = 0x24,
    EC_DABORT_SAME = 0x25,
    EC_SP_ALIGN = 0x26,
    EC_SERROR = 0x2f,
    EC_BRK64 = 0x3c,
};

/* Everything routing depends on. */
struct tz_exc_ctx {
    int el;            /* current exception level, 0..3 */
    bool ns;           /* current security state (EL3 is always secure) */
    uint64_t scr;      /* SCR_EL3 */
    uint64_t hcr;      /* HCR_EL2 */
    uint32_t pstate;   /* DAIF and SPSel are used */
    bool has_el2;      /* EL2 implemented (non-secure EL2 only: no FEAT_SEL2) */
};

enum tz_async_kind { TZ_ASYNC_IRQ = 0, TZ_ASYNC_FIQ = 1, TZ_ASYNC_SERROR = 2 };

/* Where a physical asynchronous exception would go, ignoring masking:
 * 3 if SCR_EL3 routes it there; 2 if EL2 is enabled in the current security
 * state and HCR_EL2 routes it (IMO/FMO/AMO, or TGE); else 1. */
int tz_exc_async_route(const struct tz_exc_ctx *c, enum tz_async_kind k);

/* The EL the exception is taken to now, or 0 if it is not taken (masked by
 * PSTATE, or routed to an EL below the current one, where it stays pending).
 * D1.3.6, Table D1-6: an interrupt targeting a higher EL is not masked by
 * PSTATE (I/F/A) - except none in AArch64 - and one targeting the current EL
 * is masked by the PSTATE bit. */
int tz_exc_async_target(const struct tz_exc_ctx *c, enum tz_async_kind k);

/* Synchronous exceptions the model raises. */
enum tz_sync_kind {
    TZ_SYNC_SMC,
    TZ_SYNC_HVC,
    TZ_SYNC_SVC,
    TZ_SYNC_UNDEF,
    TZ_SYNC_DABORT,      /* synchronous external abort on a data access */
    TZ_SYNC_IABORT,      /* synchronous external abort on an instruction fetch */
    TZ_SYNC_BRK,
};

struct tz_sync_route {
    int target_el;       /* 1..3 */
    uint32_t ec;         /* ESR class actually reported (SMC may become UNKNOWN) */
    uint32_t iss;
};

/* Routes a synchronous exception (D1.3.4, and for SMC/HVC the enable and
 * trap controls: HCR_EL2.TSC traps EL1 SMC to EL2 with priority over
 * SCR_EL3.SMD; SMD or EL0 make SMC UNDEFINED; HVC is UNDEFINED at EL0, when
 * SCR_EL3.HCE is 0, and in Secure EL1 without Secure EL2). imm16 is the
 * instruction's immediate; wnr is the write bit for data aborts. */
struct tz_sync_route tz_exc_sync_route(const struct tz_exc_ctx *c, enum tz_sync_kind k,
                                       uint32_t imm16, bool wnr);

/* Vector offset from VBAR_ELtarget (D1.10.2). lower_aarch32: the EL below
 * the target uses AArch32. */
uint64_t tz_exc_vector_offset(int cur_el, uint32_t pstate, int target_el, bool lower_aarch32,
                              int vclass /* enum tz_exc_class */);

/* Whether the EL immediately below target_el runs AArch32 (SCR_EL3.RW for
 * target 3 - with EL2 present the EL below EL3 is EL2 - HCR_EL2.RW for 2). */
bool tz_exc_lower_is_aarch32(const struct tz_exc_ctx *c, int target_el);

/* ESR value: EC, IL = 1 (A64 instructions are 32-bit), ISS. */
static inline uint64_t tz_esr(uint32_t ec, uint32_t iss)
{
    return ((uint64_t)ec << 26) | (1ull << 25) | (iss & 0x1ffffff);
}

/* PSTATE after taking an exception to target_el: ELxh, DAIF all set, NZCV
 * kept (D1.3.2 and AArch64.TakeException). */
uint32_t tz_exc_entry_pstate(uint32_t old_pstate, int target_el);

static inline int tz_pstate_el(uint32_t pstate) { return (pstate >> PSTATE_EL_SHIFT) & 3; }

#endif
