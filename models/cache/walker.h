/* AArch64 stage-1 address translation, for memory attributes.
 *
 * The cache model needs to know, for every data access and instruction fetch,
 * the physical address, the memory type, cacheability, shareability and the NS
 * attribute that the translation regime gives it. This file is a pure
 * (Unicorn-free) stage-1 walker over a "read a physical u64" callback, plus a
 * small translation cache (TLB) object.
 *
 * Architecture references are to the Arm ARM (DDI 0487), chapter "The AArch64
 * Virtual Memory System Architecture" (D8 in current issues, D4/D5 in older
 * ones); sections are named by title because their numbers move between
 * issues.
 *
 * Scope: 4K/16K/64K granules, 48-bit VA and PA (no FEAT_LPA/LPA2/LVA), the
 * EL1&0 (two VA ranges, ASIDs), EL2 and EL3 regimes; no stage 2, no
 * HCR_EL2.DC, no FEAT_VHE (EL2&0), no hardware dirty-bit management. See
 * docs/caches.md.
 */
#ifndef TZ_CACHE_WALKER_H
#define TZ_CACHE_WALKER_H

#include <stdbool.h>
#include <stdint.h>

/* ---- Memory attributes (Arm ARM "Memory types and attributes") ---------- */

enum tz_memtype {
    TZ_MT_DEVICE_nGnRnE = 0,
    TZ_MT_DEVICE_nGnRE = 1,
    TZ_MT_DEVICE_nGRE = 2,
    TZ_MT_DEVICE_GRE = 3,
    TZ_MT_NORMAL = 4,
};

/* Cacheability of one level (inner or outer) of Normal memory. */
enum tz_cacheability {
    TZ_CA_NC = 0, /* Non-cacheable */
    TZ_CA_WT = 1, /* Write-Through */
    TZ_CA_WB = 2, /* Write-Back */
};

/* Allocation hints of a cacheable level. */
#define TZ_HINT_WA 1u        /* write-allocate */
#define TZ_HINT_RA 2u        /* read-allocate */
#define TZ_HINT_TRANSIENT 4u /* transient */

/* Shareability, with the descriptor's SH[1:0] encoding. */
enum tz_share {
    TZ_SH_NSH = 0,
    TZ_SH_OSH = 2,
    TZ_SH_ISH = 3,
};

struct tz_memattr {
    uint8_t type;        /* enum tz_memtype */
    uint8_t inner;       /* enum tz_cacheability (Normal only; NC for Device) */
    uint8_t outer;       /* enum tz_cacheability */
    uint8_t inner_hints; /* TZ_HINT_* */
    uint8_t outer_hints;
    uint8_t sh;          /* enum tz_share, effective (Device and Normal iNC-oNC: OSH) */
    uint8_t ns;          /* NS attribute of the output address: 1 = non-secure PA space */
    uint8_t mair;        /* the MAIR attribute byte that produced this (PAR_EL1.ATTR) */
};

/* Decodes a MAIR_ELx attribute byte (Arm ARM, MAIR_EL1 "Attr<n>") with the
 * descriptor's SH[1:0] field. Encodings the architecture leaves
 * UNPREDICTABLE are given an IMPLEMENTATION DEFINED meaning documented in
 * walker.c. */
struct tz_memattr tz_memattr_decode(uint8_t mair_attr, unsigned sh_field, bool ns);

static inline bool tz_memattr_is_device(const struct tz_memattr *a)
{
    return a->type != TZ_MT_NORMAL;
}

/* "Device-nGnRnE", "Normal iWB-RWA oWB-RWA ISH", "Normal NC"... into buf. */
const char *tz_memattr_str(const struct tz_memattr *a, char *buf, unsigned cap);

/* ---- Translation ------------------------------------------------------- */

enum tz_regime {
    TZ_REGIME_EL10 = 0, /* EL1&0: TTBR0/TTBR1, ASIDs; secure or non-secure */
    TZ_REGIME_EL2 = 1,  /* non-secure EL2 (no FEAT_SEL2) */
    TZ_REGIME_EL3 = 2,  /* always secure */
};

enum tz_acc_kind {
    TZ_ACC_READ = 0,
    TZ_ACC_WRITE = 1,
    TZ_ACC_FETCH = 2,
};

enum tz_xlat_fault {
    TZ_XF_NONE = 0,
    TZ_XF_TRANSLATION = 1,
    TZ_XF_ADDR_SIZE = 2,
    TZ_XF_ACCESS_FLAG = 3,
    TZ_XF_EXTERNAL = 4, /* the descriptor read itself failed (synchronous external abort on walk) */
};

/* SCTLR_ELx bits used here. */
#define TZ_SCTLR_M (1ull << 0)
#define TZ_SCTLR_C (1ull << 2)
#define TZ_SCTLR_I (1ull << 12)
#define TZ_SCTLR_EE (1ull << 25)

/* The registers of one translation regime, as the caller last saw them
 * written (the lead keeps a copy per CPU, refreshed by the MSR hook). */
struct tz_xlat_regs {
    uint8_t regime;    /* enum tz_regime */
    bool secure;       /* security state of the regime: EL3 always; EL1&0 when SCR_EL3.NS == 0 */
    uint8_t pa_bits;   /* implemented PA size (ID_AA64MMFR0_EL1.PARange); 0 means 48 */
    uint64_t sctlr;    /* SCTLR_EL1/EL2/EL3 */
    uint64_t tcr;      /* TCR_EL1/EL2/EL3 (their layouts differ; the regime selects) */
    uint64_t mair;     /* MAIR_ELx */
    uint64_t ttbr0;    /* TTBR0_ELx */
    uint64_t ttbr1;    /* TTBR1_EL1 (EL1&0 only) */
};

/* Reads the 64-bit word at physical address pa in the PA space given by ns.
 * Returns false if there is no memory there. Descriptors are returned as
 * stored (the walker byte-swaps them when SCTLR_ELx.EE is 1). */
typedef bool (*tz_phys_read64_fn)(void *ctx, uint64_t pa, bool ns, uint64_t *val);

struct tz_xlat {
    uint64_t va;
    uint64_t pa;           /* valid when fault == TZ_XF_NONE */
    struct tz_memattr attr;/* effective for the access kind (SCTLR.C/I applied) */
    uint8_t fault;         /* enum tz_xlat_fault */
    int8_t level;          /* level of the final (or faulting) lookup; -1 with the MMU off */
    bool mmu_off;          /* stage 1 disabled: flat mapping */
    bool block;            /* a block descriptor (level < 3) */
    bool ng;               /* not global (EL1&0 only) */
    uint8_t ap;            /* effective AP[2:1] (APTable applied): bit1 read-only, bit0 EL0 access */
    bool xn;               /* UXN (EL1&0) or XN (EL2/EL3), XNTable applied */
    bool pxn;              /* PXN (EL1&0 only), PXNTable applied */
    uint8_t granule_bits;  /* 12, 14 or 16 */
    uint8_t size_bits;     /* log2 of the page or block size */
    uint16_t asid;         /* ASID in use (EL1&0) */
    uint64_t desc;         /* the final descriptor */
};

/* Walks the stage-1 tables of regime r for va and an access of kind acc.
 * Never fails as a function: translation problems are reported in
 * out->fault. Permission checks are not done (Unicorn does them); the AP/XN
 * bits are returned for the caller. */
void tz_xlat_walk(const struct tz_xlat_regs *r, uint64_t va, enum tz_acc_kind acc,
                  tz_phys_read64_fn read, void *ctx, struct tz_xlat *out);

/* The attributes an access of kind acc gets from descriptor attributes a
 * under SCTLR value sctlr (SCTLR.C = 0: Normal data is Non-cacheable;
 * SCTLR.I = 0: Normal instruction fetches are Non-cacheable). */
struct tz_memattr tz_xlat_effective(struct tz_memattr a, uint64_t sctlr, enum tz_acc_kind acc);

/* ---- Translation cache (TLB) ------------------------------------------- */

struct tz_tlb;

struct tz_tlb_stats {
    uint64_t hits, misses, walks, faults, flushes;
};

/* entries: a power of two (0 selects 256). One TLB per CPU. Returns NULL on
 * allocation failure. */
struct tz_tlb *tz_tlb_create(unsigned entries);
void tz_tlb_destroy(struct tz_tlb *t);

/* Translates through the TLB, walking on a miss; successful walks are cached
 * (faults are not). With the MMU off no entry is used or made. */
void tz_tlb_translate(struct tz_tlb *t, const struct tz_xlat_regs *r, uint64_t va,
                      enum tz_acc_kind acc, tz_phys_read64_fn read, void *ctx,
                      struct tz_xlat *out);

/* The memory hooks' hot path: on a TLB hit, the PA and the effective
 * attributes only, and true; false on a miss, a fault-to-be or the MMU
 * off — then call tz_tlb_translate (which also counts the miss). */
bool tz_tlb_lookup(struct tz_tlb *t, const struct tz_xlat_regs *r, uint64_t va,
                   enum tz_acc_kind acc, uint64_t *pa, struct tz_memattr *attr);

/* Invalidates everything (TLBI ALLEx, and — more than the architecture
 * requires, so that the attribute view never lags — writes to TTBRx, TCR,
 * MAIR and SCTLR of any regime). */
void tz_tlb_flush_all(struct tz_tlb *t);
/* Every entry of one regime and security state (TLBI VMALLE1, ALLE2, ALLE3). */
void tz_tlb_flush_regime(struct tz_tlb *t, enum tz_regime regime, bool secure);
/* Entries translating va (any entry whose page or block contains it):
 * those with ASID asid and the global ones, or every ASID when all_asids
 * (TLBI VAE1/VALE1 vs VAAE1/VAALE1; VAE2/VAE3 ignore ASIDs). */
void tz_tlb_flush_va(struct tz_tlb *t, enum tz_regime regime, bool secure, uint64_t va,
                     uint16_t asid, bool all_asids);
/* Non-global entries with this ASID (TLBI ASIDE1). */
void tz_tlb_flush_asid(struct tz_tlb *t, enum tz_regime regime, bool secure, uint16_t asid);
struct tz_tlb_stats tz_tlb_stats(const struct tz_tlb *t);

/* ---- TLBI decoding (SYS instructions with op0 = 1, CRn = 8) ------------- */

enum tz_tlbi_scope {
    TZ_TLBI_ALL = 0,    /* all entries of every regime (unknown or stage-2 forms: conservative) */
    TZ_TLBI_REGIME = 1, /* all entries of one regime */
    TZ_TLBI_ASID = 2,
    TZ_TLBI_VA = 3,     /* by VA, for one ASID plus global entries */
    TZ_TLBI_VAA = 4,    /* by VA, all ASIDs */
};

struct tz_tlbi {
    uint8_t scope;      /* enum tz_tlbi_scope */
    uint8_t regime;     /* enum tz_regime */
    bool broadcast;     /* the IS/OS form: apply to every CPU's TLB */
    uint64_t va;        /* VA[55:12] from Xt[43:0], sign-extended from bit 55 */
    uint16_t asid;      /* Xt[63:48] */
};

/* Decodes TLBI <op>, Xt from the SYS encoding. Returns false when (op1, CRm,
 * op2) is not a TLBI this model knows; out is then TZ_TLBI_ALL (flush
 * everything, which is always safe). */
bool tz_tlbi_decode(unsigned op1, unsigned crm, unsigned op2, uint64_t xt, struct tz_tlbi *out);
/* Applies a decoded TLBI to one TLB. secure: the security state whose EL1&0
 * regime EL1 forms target (the executing state; SCR_EL3.NS at EL3). */
void tz_tlb_apply(struct tz_tlb *t, const struct tz_tlbi *op, bool secure);

#endif
