/* AArch64 stage-1 translation table walker and TLB. See walker.h. */
#include "models/cache/walker.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline uint64_t field(uint64_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((2ull << (hi - lo)) - 1);
}

/* Bits [hi:lo] set. */
static inline uint64_t mask_bits(unsigned hi, unsigned lo)
{
    return ((2ull << (hi - lo)) - 1) << lo;
}

/* ---- MAIR decoding ------------------------------------------------------ */

/* One nibble of a Normal memory attribute (MAIR "Attr<n>[7:4]" / "[3:0]"):
 * 0b00RW (RW != 00) Write-Through transient, 0b0100 Non-cacheable,
 * 0b01RW (RW != 00) Write-Back transient, 0b10RW Write-Through
 * non-transient, 0b11RW Write-Back non-transient; R = read-allocate,
 * W = write-allocate. */
static void decode_nibble(unsigned n, uint8_t *ca, uint8_t *hints)
{
    unsigned rw = n & 3;
    uint8_t h = (uint8_t)(((rw & 2) ? TZ_HINT_RA : 0) | ((rw & 1) ? TZ_HINT_WA : 0));
    switch (n >> 2) {
    case 0:
        *ca = TZ_CA_WT;
        *hints = h | TZ_HINT_TRANSIENT;
        break;
    case 1:
        if (rw == 0) {
            *ca = TZ_CA_NC;
            *hints = 0;
        } else {
            *ca = TZ_CA_WB;
            *hints = h | TZ_HINT_TRANSIENT;
        }
        break;
    case 2:
        *ca = TZ_CA_WT;
        *hints = h;
        break;
    default:
        *ca = TZ_CA_WB;
        *hints = h;
        break;
    }
}

struct tz_memattr tz_memattr_decode(uint8_t attr, unsigned sh_field, bool ns)
{
    struct tz_memattr a;
    memset(&a, 0, sizeof a);
    a.mair = attr;
    a.ns = ns ? 1 : 0;
    unsigned hi = attr >> 4, lo = attr & 0xf;
    if (hi == 0) {
        /* Device: Attr[3:2] = 00 nGnRnE, 01 nGnRE, 10 nGRE, 11 GRE. Attr[1:0]
         * != 00 is UNPREDICTABLE without FEAT_XS (with it, 0bxx01 marks
         * XS = 0); IMPLEMENTATION DEFINED here: Attr[1:0] is ignored. */
        a.type = (uint8_t)(TZ_MT_DEVICE_nGnRnE + (lo >> 2));
        a.inner = a.outer = TZ_CA_NC;
        a.sh = TZ_SH_OSH;
        return a;
    }
    a.type = TZ_MT_NORMAL;
    decode_nibble(hi, &a.outer, &a.outer_hints);
    if (lo == 0) {
        /* Attr[7:4] != 0 with Attr[3:0] == 0: FEAT_XS gives 0x40 (iNC oNC,
         * XS = 0) and 0xA0 (iWT oWT, XS = 0), FEAT_MTE2 0xF0 (Tagged iWB oWB
         * RWA). Otherwise UNPREDICTABLE; IMPLEMENTATION DEFINED here: the
         * inner level takes the outer level's attributes. */
        a.inner = a.outer;
        a.inner_hints = a.outer_hints;
    } else {
        decode_nibble(lo, &a.inner, &a.inner_hints);
    }
    switch (sh_field & 3) {
    case 2: a.sh = TZ_SH_OSH; break;
    case 3: a.sh = TZ_SH_ISH; break;
    default:
        /* 0b01 is reserved (CONSTRAINED UNPREDICTABLE); treated as
         * Non-shareable here (IMPLEMENTATION DEFINED). */
        a.sh = TZ_SH_NSH;
        break;
    }
    /* Normal Inner Non-cacheable, Outer Non-cacheable memory is treated as
     * Outer Shareable whatever SH says (Arm ARM "Shareable Normal memory"). */
    if (a.inner == TZ_CA_NC && a.outer == TZ_CA_NC)
        a.sh = TZ_SH_OSH;
    return a;
}

static const char *ca_str(uint8_t ca)
{
    return ca == TZ_CA_WB ? "WB" : ca == TZ_CA_WT ? "WT" : "NC";
}

static void hints_str(uint8_t h, char *buf)
{
    char *p = buf;
    if (h & (TZ_HINT_RA | TZ_HINT_WA)) {
        *p++ = '-';
        if (h & TZ_HINT_RA)
            *p++ = 'R';
        if (h & TZ_HINT_WA)
            *p++ = 'W';
        *p++ = 'A';
    }
    if (h & TZ_HINT_TRANSIENT) {
        memcpy(p, "-T", 2);
        p += 2;
    }
    *p = '\0';
}

const char *tz_memattr_str(const struct tz_memattr *a, char *buf, unsigned cap)
{
    static const char *const dev[] = {"Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE"};
    static const char *const sh[] = {"NSH", "NSH", "OSH", "ISH"};
    if (a->type != TZ_MT_NORMAL) {
        snprintf(buf, cap, "%s", dev[a->type & 3]);
    } else if (a->inner == TZ_CA_NC && a->outer == TZ_CA_NC) {
        snprintf(buf, cap, "Normal NC");
    } else {
        char ih[8], oh[8];
        hints_str(a->inner_hints, ih);
        hints_str(a->outer_hints, oh);
        snprintf(buf, cap, "Normal i%s%s o%s%s %s", ca_str(a->inner), ih, ca_str(a->outer), oh,
                 sh[a->sh & 3]);
    }
    return buf;
}

struct tz_memattr tz_xlat_effective(struct tz_memattr a, uint64_t sctlr, enum tz_acc_kind acc)
{
    if (a.type != TZ_MT_NORMAL)
        return a;
    bool enabled = acc == TZ_ACC_FETCH ? (sctlr & TZ_SCTLR_I) != 0 : (sctlr & TZ_SCTLR_C) != 0;
    if (!enabled) {
        /* SCTLR_ELx.C = 0: "All data access to Normal memory ... are
         * Non-cacheable"; SCTLR_ELx.I = 0 likewise for instruction fetches. */
        a.inner = a.outer = TZ_CA_NC;
        a.inner_hints = a.outer_hints = 0;
        a.sh = TZ_SH_OSH;
    }
    return a;
}

/* ---- Regime parameters -------------------------------------------------- */

struct walk_params {
    unsigned gbits;  /* granule: 12, 14, 16 */
    unsigned txsz;   /* T0SZ or T1SZ, clamped */
    unsigned oa_bits;/* min(TCR PS/IPS, implemented) */
    bool upper;      /* TTBR1 range */
    bool epd;        /* walks disabled for this range */
    bool tbi;        /* top byte ignored */
    bool hpd;        /* hierarchical permissions disabled */
    bool ha;         /* hardware Access flag update */
    uint64_t ttbr;
    uint16_t asid;
};

static unsigned ps_bits(unsigned ps)
{
    static const unsigned bits[8] = {32, 36, 40, 42, 44, 48, 52, 48};
    /* 0b110 (52 bits) needs FEAT_LPA: this model is 48-bit, so it and the
     * reserved 0b111 give 48 (IMPLEMENTATION DEFINED). */
    unsigned b = bits[ps & 7];
    return b > 48 ? 48 : b;
}

/* EL3 is always secure; EL2 is non-secure (no FEAT_SEL2). */
static bool regime_secure(const struct tz_xlat_regs *r)
{
    return r->regime == TZ_REGIME_EL3 ? true : r->regime == TZ_REGIME_EL2 ? false : r->secure;
}

static unsigned impl_pa_bits(const struct tz_xlat_regs *r)
{
    return r->pa_bits ? r->pa_bits : 48;
}

/* TCR_ELx.TG0: 00 4K, 01 64K, 10 16K; TG1: 01 16K, 10 4K, 11 64K. The
 * reserved encodings are IMPLEMENTATION DEFINED as one of the sizes; 4K here. */
static unsigned tg0_bits(unsigned tg)
{
    return tg == 1 ? 16 : tg == 2 ? 14 : 12;
}
static unsigned tg1_bits(unsigned tg)
{
    return tg == 1 ? 14 : tg == 3 ? 16 : 12;
}

static void regime_params(const struct tz_xlat_regs *r, uint64_t va, struct walk_params *p)
{
    uint64_t tcr = r->tcr;
    memset(p, 0, sizeof *p);
    if (r->regime == TZ_REGIME_EL10) {
        p->upper = (va >> 55) & 1;
        if (p->upper) {
            p->gbits = tg1_bits((unsigned)field(tcr, 31, 30));
            p->txsz = (unsigned)field(tcr, 21, 16);
            p->epd = field(tcr, 23, 23);
            p->tbi = field(tcr, 38, 38);
            p->hpd = field(tcr, 42, 42);
            p->ttbr = r->ttbr1;
        } else {
            p->gbits = tg0_bits((unsigned)field(tcr, 15, 14));
            p->txsz = (unsigned)field(tcr, 5, 0);
            p->epd = field(tcr, 7, 7);
            p->tbi = field(tcr, 37, 37);
            p->hpd = field(tcr, 41, 41);
            p->ttbr = r->ttbr0;
        }
        p->oa_bits = ps_bits((unsigned)field(tcr, 34, 32));
        p->ha = field(tcr, 39, 39);
        /* TCR_EL1.A1 selects the TTBR holding the ASID; AS = 0: 8-bit ASID. */
        uint64_t attbr = field(tcr, 22, 22) ? r->ttbr1 : r->ttbr0;
        p->asid = (uint16_t)(field(tcr, 36, 36) ? field(attbr, 63, 48) : field(attbr, 55, 48));
    } else {
        /* TCR_EL2 (E2H = 0) and TCR_EL3 share this layout. */
        p->gbits = tg0_bits((unsigned)field(tcr, 15, 14));
        p->txsz = (unsigned)field(tcr, 5, 0);
        p->oa_bits = ps_bits((unsigned)field(tcr, 18, 16));
        p->tbi = field(tcr, 20, 20);
        p->ha = field(tcr, 21, 21);
        p->hpd = field(tcr, 24, 24);
        p->ttbr = r->ttbr0;
    }
    /* TxSZ outside 16..39 (without FEAT_LVA / FEAT_TTST) is CONSTRAINED
     * UNPREDICTABLE: the implementation either faults or clamps. This model
     * clamps (IMPLEMENTATION DEFINED, as QEMU does). */
    if (p->txsz < 16)
        p->txsz = 16;
    if (p->txsz > 39)
        p->txsz = 39;
    unsigned impl = impl_pa_bits(r);
    if (p->oa_bits > impl)
        p->oa_bits = impl;
}

/* Whether va lies in the range the regime translates: bits [top:IAsize]
 * all equal to the range-select bit (EL1&0) or all zero (EL2, EL3), where
 * top is 55 with TBI and 63 without (Arm ARM "Address tagging" and
 * "Selection between TTBR0 and TTBR1"). */
static bool va_in_range(const struct walk_params *p, uint64_t va)
{
    unsigned ia = 64 - p->txsz;
    unsigned top = p->tbi ? 55 : 63;
    uint64_t m = mask_bits(top, ia);
    return (va & m) == (p->upper ? m : 0);
}

static void fault(struct tz_xlat *out, enum tz_xlat_fault f, int level)
{
    out->fault = (uint8_t)f;
    out->level = (int8_t)level;
}

static uint64_t bswap64(uint64_t v)
{
    return __builtin_bswap64(v);
}

void tz_xlat_walk(const struct tz_xlat_regs *r, uint64_t va, enum tz_acc_kind acc,
                  tz_phys_read64_fn read, void *ctx, struct tz_xlat *out)
{
    memset(out, 0, sizeof *out);
    out->va = va;

    if (!(r->sctlr & TZ_SCTLR_M)) {
        /* Arm ARM "Behavior when stage 1 address translation is disabled"
         * (D8.2.12.1 in issue K, D4.2.8 in issue A): the output address is
         * the input address; data accesses are Device-nGnRnE; instruction
         * fetches are Normal Outer Shareable, Inner/Outer Write-Through
         * Read-Allocate no-Write-Allocate when SCTLR.I = 1, Non-cacheable
         * when SCTLR.I = 0. An input address above the implemented PA size
         * gives an Address size fault at level 0. HCR_EL2.DC is not modelled. */
        out->mmu_off = true;
        out->level = -1;
        out->granule_bits = 12;
        out->size_bits = 12;
        if (va >> impl_pa_bits(r)) {
            fault(out, TZ_XF_ADDR_SIZE, 0);
            return;
        }
        out->pa = va;
        bool ns = !regime_secure(r);
        if (acc != TZ_ACC_FETCH)
            out->attr = tz_memattr_decode(0x00, 2, ns);
        else if (r->sctlr & TZ_SCTLR_I)
            out->attr = tz_memattr_decode(0xAA, 2, ns); /* WT, RA, no WA */
        else
            out->attr = tz_memattr_decode(0x44, 2, ns);
        return;
    }

    struct walk_params p;
    regime_params(r, va, &p);
    out->granule_bits = (uint8_t)p.gbits;
    out->asid = p.asid;

    /* A VA outside the translated range, or in a range whose walks are
     * disabled by TCR_EL1.EPDx, gives a Translation fault at level 0. */
    if (!va_in_range(&p, va) || p.epd) {
        fault(out, TZ_XF_TRANSLATION, 0);
        return;
    }

    const unsigned g = p.gbits, stride = g - 3;
    const unsigned ia = 64 - p.txsz;
    /* Starting level: enough levels of `stride` bits each above the page
     * offset to resolve IA bits (Arm ARM "Translation table walk starting
     * level"): 4K/48 bits → 0, 4K/39 → 1, 16K/48 → 0 (two-entry table),
     * 64K/48 → 1, 64K/42 → 2. */
    const int start = 4 - (int)((ia - g + stride - 1) / stride);

    /* TTBR_ELx.BADDR, bits [47:1]; an out-of-range base gives an Address
     * size fault at level 0. Bits below the start table's size are RES0
     * (CONSTRAINED UNPREDICTABLE if set): treated as zero. */
    uint64_t base = p.ttbr & mask_bits(47, 1);
    if (base >> p.oa_bits) {
        fault(out, TZ_XF_ADDR_SIZE, 0);
        return;
    }
    {
        unsigned tbits = ia - (g + (unsigned)(3 - start) * stride);
        base &= ~((8ull << tbits) - 1);
    }

    const bool be = (r->sctlr & TZ_SCTLR_EE) != 0;
    const bool el10 = r->regime == TZ_REGIME_EL10;
    const bool secure = regime_secure(r);
    bool ns_walk = !secure;      /* PA space of the table reads */
    unsigned ap_table = 0;
    bool xn_table = false, pxn_table = false;

    for (int level = start;; level++) {
        unsigned shift = g + (unsigned)(3 - level) * stride;
        unsigned nbits = level == start ? ia - shift : stride;
        uint64_t idx = (va >> shift) & ((1ull << nbits) - 1);
        uint64_t d;
        if (!read(ctx, base + idx * 8, ns_walk, &d)) {
            fault(out, TZ_XF_EXTERNAL, level);
            return;
        }
        if (be)
            d = bswap64(d);
        if (!(d & 1)) {
            fault(out, TZ_XF_TRANSLATION, level);
            return;
        }
        if (level < 3 && (d & 2)) {
            /* Table descriptor: next-level table address [47:g]. */
            uint64_t next = d & mask_bits(47, g);
            if (next >> p.oa_bits) {
                fault(out, TZ_XF_ADDR_SIZE, level);
                return;
            }
            /* NSTable (bit 63), in Secure state only: this and every later
             * table is read from the non-secure PA space and the output is
             * non-secure, whatever later NS/NSTable bits say (Arm ARM
             * "Hierarchical control of Secure or Non-secure memory
             * accesses"). */
            if (!ns_walk && (d >> 63))
                ns_walk = true;
            if (!p.hpd) {
                ap_table |= (unsigned)field(d, 62, 61);
                xn_table |= field(d, 60, 60) != 0;          /* UXNTable / XNTable */
                if (el10)
                    pxn_table |= field(d, 59, 59) != 0;     /* PXNTable */
            }
            base = next;
            continue;
        }
        /* Block (level < 3, bits[1:0] = 01) or page (level 3, 11). Level 3
         * 01 is reserved: Translation fault. Blocks exist at levels 1 and 2
         * for 4K, at level 2 only for 16K and 64K (48-bit OA). */
        if (level == 3) {
            if (!(d & 2)) {
                fault(out, TZ_XF_TRANSLATION, level);
                return;
            }
        } else {
            bool ok = g == 12 ? (level == 1 || level == 2) : level == 2;
            if (!ok) {
                fault(out, TZ_XF_TRANSLATION, level);
                return;
            }
        }
        uint64_t oa = d & mask_bits(47, shift);
        if (oa >> p.oa_bits) {
            fault(out, TZ_XF_ADDR_SIZE, level);
            return;
        }
        out->desc = d;
        out->level = (int8_t)level;
        out->block = level < 3;
        out->size_bits = (uint8_t)shift;
        /* AF (bit 10) = 0: Access flag fault, unless hardware management
         * (TCR.HA) would set it — this model does not write descriptors. */
        if (!(d & (1u << 10)) && !p.ha) {
            fault(out, TZ_XF_ACCESS_FLAG, level);
            return;
        }
        out->pa = oa | (va & ((1ull << shift) - 1));
        bool ns = ns_walk || field(d, 5, 5);
        unsigned attrindx = (unsigned)field(d, 4, 2);
        uint8_t mair = (uint8_t)(r->mair >> (8 * attrindx));
        out->attr = tz_xlat_effective(tz_memattr_decode(mair, (unsigned)field(d, 9, 8), ns),
                                      r->sctlr, acc);
        unsigned ap = (unsigned)field(d, 7, 6);
        if (ap_table & 2)
            ap |= 2;   /* APTable[1]: no write access at any EL */
        if (ap_table & 1)
            ap &= ~1u; /* APTable[0]: no EL0 access */
        out->ap = (uint8_t)ap;
        out->xn = field(d, 54, 54) || xn_table;
        out->pxn = el10 && (field(d, 53, 53) || pxn_table);
        out->ng = el10 && field(d, 11, 11);
        return;
    }
}

/* ---- TLB --------------------------------------------------------------- */

#define TLB_VALID 0x80u

struct tlb_entry {
    uint64_t vpage;      /* VA[55:12] */
    uint64_t pa_page;    /* PA >> 12 of this 4K piece */
    uint64_t blk_base;   /* VA[55:0] of the page or block, for TLBI by VA */
    struct tz_memattr attr; /* descriptor attributes, before SCTLR.C/I */
    uint64_t desc;
    uint16_t asid;
    uint8_t ctx;         /* TLB_VALID | regime << 1 | secure */
    uint8_t size_bits;
    uint8_t granule_bits;
    int8_t level;
    uint8_t ap;
    bool xn, pxn, ng;
};

struct tz_tlb {
    struct tlb_entry *e;
    unsigned n;
    struct tz_tlb_stats st;
    /* The decoded registers of the regime last used: the hit path compares
     * the raw values and reuses the decoding. */
    bool k_valid, k_secure;
    uint8_t k_regime, k_pa_bits;
    uint8_t k_ctx;            /* tlb_ctx() of the regime */
    uint64_t k_tcr, k_ttbr0, k_ttbr1;
    struct walk_params kp[2]; /* [0] lower range (TTBR0), [1] upper (TTBR1) */
    uint64_t k_mask[2], k_val[2]; /* va_in_range as (va & mask) == val; mask 0 and val 1: never */
};

static inline uint8_t tlb_ctx(unsigned regime, bool secure);

__attribute__((noinline, cold)) static void tlb_decode(struct tz_tlb *t,
                                                      const struct tz_xlat_regs *r)
{
    for (unsigned i = 0; i < 2; i++) {
        struct walk_params *p = &t->kp[i];
        regime_params(r, i ? 1ull << 55 : 0, p);
        unsigned ia = 64 - p->txsz, top = p->tbi ? 55 : 63;
        t->k_mask[i] = mask_bits(top, ia);
        t->k_val[i] = p->upper ? t->k_mask[i] : 0;
        if (p->epd) {
            t->k_mask[i] = 0;
            t->k_val[i] = 1;
        }
    }
    t->k_tcr = r->tcr;
    t->k_ttbr0 = r->ttbr0;
    t->k_ttbr1 = r->ttbr1;
    t->k_regime = r->regime;
    t->k_pa_bits = r->pa_bits;
    t->k_secure = r->secure;
    t->k_ctx = tlb_ctx(r->regime, regime_secure(r));
    t->k_valid = true;
}

static inline const struct walk_params *tlb_params(struct tz_tlb *t, const struct tz_xlat_regs *r,
                                                   uint64_t va, unsigned *range)
{
    if (__builtin_expect(!t->k_valid || t->k_tcr != r->tcr || t->k_ttbr0 != r->ttbr0 ||
                         t->k_ttbr1 != r->ttbr1 || t->k_regime != r->regime ||
                         t->k_pa_bits != r->pa_bits || t->k_secure != r->secure, 0))
        tlb_decode(t, r);
    *range = r->regime == TZ_REGIME_EL10 && ((va >> 55) & 1);
    return &t->kp[*range];
}

struct tz_tlb *tz_tlb_create(unsigned entries)
{
    if (entries == 0)
        entries = 256;
    assert((entries & (entries - 1)) == 0);
    struct tz_tlb *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->e = calloc(entries, sizeof *t->e);
    if (!t->e) {
        free(t);
        return NULL;
    }
    t->n = entries;
    return t;
}

void tz_tlb_destroy(struct tz_tlb *t)
{
    if (!t)
        return;
    free(t->e);
    free(t);
}

static inline uint8_t tlb_ctx(unsigned regime, bool secure)
{
    return (uint8_t)(TLB_VALID | regime << 1 | (secure ? 1 : 0));
}

#define VA56 ((1ull << 56) - 1)

void tz_tlb_translate(struct tz_tlb *t, const struct tz_xlat_regs *r, uint64_t va,
                      enum tz_acc_kind acc, tz_phys_read64_fn read, void *ctx,
                      struct tz_xlat *out)
{
    if (!(r->sctlr & TZ_SCTLR_M)) {
        tz_xlat_walk(r, va, acc, read, ctx, out);
        return;
    }
    unsigned rg;
    const struct walk_params *p = tlb_params(t, r, va, &rg);
    if ((va & t->k_mask[rg]) == t->k_val[rg]) {
        uint64_t vpage = (va & VA56) >> 12;
        struct tlb_entry *e = &t->e[vpage & (t->n - 1)];
        if (e->ctx == t->k_ctx && e->vpage == vpage && (!e->ng || e->asid == p->asid)) {
            t->st.hits++;
            struct tz_memattr a = e->attr;
            if (a.type == TZ_MT_NORMAL &&
                !(r->sctlr & (acc == TZ_ACC_FETCH ? TZ_SCTLR_I : TZ_SCTLR_C)))
                a = tz_xlat_effective(a, r->sctlr, acc);
            out->va = va;
            out->pa = e->pa_page << 12 | (va & 0xfff);
            out->attr = a;
            out->fault = TZ_XF_NONE;
            out->level = e->level;
            out->mmu_off = false;
            out->block = e->level < 3;
            out->ng = e->ng;
            out->ap = e->ap;
            out->xn = e->xn;
            out->pxn = e->pxn;
            out->granule_bits = e->granule_bits;
            out->size_bits = e->size_bits;
            out->asid = p->asid;
            out->desc = e->desc;
            return;
        }
    }
    t->st.misses++;
    t->st.walks++;
    tz_xlat_walk(r, va, acc, read, ctx, out);
    if (out->fault != TZ_XF_NONE) {
        t->st.faults++;
        return;
    }
    uint64_t vpage = (va & VA56) >> 12;
    struct tlb_entry *e = &t->e[vpage & (t->n - 1)];
    e->vpage = vpage;
    e->pa_page = out->pa >> 12;
    e->blk_base = (va & VA56) & ~((1ull << out->size_bits) - 1);
    /* Keep the descriptor's attributes: SCTLR.C/I are applied per access. */
    unsigned attrindx = (unsigned)field(out->desc, 4, 2);
    e->attr = tz_memattr_decode((uint8_t)(r->mair >> (8 * attrindx)),
                                (unsigned)field(out->desc, 9, 8), out->attr.ns);
    e->desc = out->desc;
    e->asid = p->asid;
    e->ctx = tlb_ctx(r->regime, regime_secure(r));
    e->size_bits = out->size_bits;
    e->granule_bits = out->granule_bits;
    e->level = out->level;
    e->ap = out->ap;
    e->xn = out->xn;
    e->pxn = out->pxn;
    e->ng = out->ng;
}

bool tz_tlb_lookup(struct tz_tlb *t, const struct tz_xlat_regs *r, uint64_t va,
                   enum tz_acc_kind acc, uint64_t *pa, struct tz_memattr *attr)
{
    if (!(r->sctlr & TZ_SCTLR_M))
        return false;
    unsigned rg;
    const struct walk_params *p = tlb_params(t, r, va, &rg);
    if ((va & t->k_mask[rg]) != t->k_val[rg])
        return false;
    uint64_t vpage = (va & VA56) >> 12;
    const struct tlb_entry *e = &t->e[vpage & (t->n - 1)];
    if (e->ctx != t->k_ctx || e->vpage != vpage || (e->ng && e->asid != p->asid))
        return false;
    t->st.hits++;
    *pa = e->pa_page << 12 | (va & 0xfff);
    *attr = e->attr;
    if (attr->type == TZ_MT_NORMAL && !(r->sctlr & (acc == TZ_ACC_FETCH ? TZ_SCTLR_I : TZ_SCTLR_C)))
        *attr = tz_xlat_effective(*attr, r->sctlr, acc);
    return true;
}

void tz_tlb_flush_all(struct tz_tlb *t)
{
    for (unsigned i = 0; i < t->n; i++)
        t->e[i].ctx = 0;
    t->st.flushes++;
}

void tz_tlb_flush_regime(struct tz_tlb *t, enum tz_regime regime, bool secure)
{
    uint8_t c = tlb_ctx(regime, secure);
    for (unsigned i = 0; i < t->n; i++)
        if (t->e[i].ctx == c)
            t->e[i].ctx = 0;
    t->st.flushes++;
}

void tz_tlb_flush_va(struct tz_tlb *t, enum tz_regime regime, bool secure, uint64_t va,
                     uint16_t asid, bool all_asids)
{
    uint8_t c = tlb_ctx(regime, secure);
    uint64_t v = va & VA56;
    /* EL2/EL3 regimes have no ASIDs: every entry is global there. */
    for (unsigned i = 0; i < t->n; i++) {
        struct tlb_entry *e = &t->e[i];
        if (e->ctx != c)
            continue;
        if (v - e->blk_base >= (1ull << e->size_bits))
            continue;
        if (!all_asids && e->ng && e->asid != asid)
            continue;
        e->ctx = 0;
    }
    t->st.flushes++;
}

void tz_tlb_flush_asid(struct tz_tlb *t, enum tz_regime regime, bool secure, uint16_t asid)
{
    uint8_t c = tlb_ctx(regime, secure);
    for (unsigned i = 0; i < t->n; i++)
        if (t->e[i].ctx == c && t->e[i].ng && t->e[i].asid == asid)
            t->e[i].ctx = 0;
    t->st.flushes++;
}

struct tz_tlb_stats tz_tlb_stats(const struct tz_tlb *t)
{
    return t->st;
}

bool tz_tlbi_decode(unsigned op1, unsigned crm, unsigned op2, uint64_t xt, struct tz_tlbi *out)
{
    memset(out, 0, sizeof *out);
    out->scope = TZ_TLBI_ALL;
    /* Xt[43:0] = VA[55:12]; sign-extend from VA bit 55 for the upper range. */
    uint64_t va = (xt & ((1ull << 44) - 1)) << 12;
    if (va & (1ull << 55))
        va |= 0xffull << 56;
    out->va = va;
    out->asid = (uint16_t)(xt >> 48);
    /* CRm: 3 = Inner Shareable, 1 = Outer Shareable (FEAT_TLBIOS), 7 = local. */
    if (crm != 3 && crm != 1 && crm != 7) {
        out->broadcast = true;  /* range forms (FEAT_TLBIRANGE), stage 2: flush all */
        return false;
    }
    out->broadcast = crm != 7;
    switch (op1) {
    case 0: /* EL1&0 */
        out->regime = TZ_REGIME_EL10;
        switch (op2) {
        case 0: out->scope = TZ_TLBI_REGIME; return true;        /* VMALLE1 */
        case 1: case 5: out->scope = TZ_TLBI_VA; return true;    /* VAE1, VALE1 */
        case 2: out->scope = TZ_TLBI_ASID; return true;          /* ASIDE1 */
        case 3: case 7: out->scope = TZ_TLBI_VAA; return true;   /* VAAE1, VAALE1 */
        default: return false;
        }
    case 4: /* EL2 */
        switch (op2) {
        case 0: out->regime = TZ_REGIME_EL2; out->scope = TZ_TLBI_REGIME; return true; /* ALLE2 */
        case 1: case 5: out->regime = TZ_REGIME_EL2; out->scope = TZ_TLBI_VAA; return true; /* VAE2, VALE2 */
        case 4: case 6: out->regime = TZ_REGIME_EL10; out->scope = TZ_TLBI_REGIME; return true; /* ALLE1, VMALLS12E1 */
        default: return false;
        }
    case 6: /* EL3 */
        out->regime = TZ_REGIME_EL3;
        switch (op2) {
        case 0: out->scope = TZ_TLBI_REGIME; return true;        /* ALLE3 */
        case 1: case 5: out->scope = TZ_TLBI_VAA; return true;   /* VAE3, VALE3 */
        default: return false;
        }
    default:
        return false;
    }
}

void tz_tlb_apply(struct tz_tlb *t, const struct tz_tlbi *op, bool secure)
{
    bool sec = op->regime == TZ_REGIME_EL3 ? true : op->regime == TZ_REGIME_EL2 ? false : secure;
    switch (op->scope) {
    case TZ_TLBI_REGIME:
        tz_tlb_flush_regime(t, (enum tz_regime)op->regime, sec);
        break;
    case TZ_TLBI_ASID:
        tz_tlb_flush_asid(t, (enum tz_regime)op->regime, sec, op->asid);
        break;
    case TZ_TLBI_VA:
        tz_tlb_flush_va(t, (enum tz_regime)op->regime, sec, op->va, op->asid, false);
        break;
    case TZ_TLBI_VAA:
        tz_tlb_flush_va(t, (enum tz_regime)op->regime, sec, op->va, 0, true);
        break;
    default:
        tz_tlb_flush_all(t);
        break;
    }
}
